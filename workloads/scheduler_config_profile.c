/* A loaded KubeSchedulerConfiguration profile turned into a KsSchedFramework.
 *
 * Upstream's NewFramework first fills each extension point from its own
 * `enabled` list (updatePluginList: the plugin must exist, implement the
 * point, and appear once), then expands MultiPoint (expandMultiPointPlugins)
 * per point, unless that point disables "*":
 *   1. plugins enabled both at the point and through MultiPoint ("overrides"),
 *      in the point's own order;
 *   2. the other MultiPoint plugins that implement the point and are not
 *      disabled there, in MultiPoint order;
 *   3. the point's remaining explicit plugins, in their order.
 * Both passes are replayed here in upstream's extension-point order, so the
 * first error is the one upstream reports.
 *
 * The lists computed here, as indexes into the profile's plugin list, are
 * handed to ks_sched_framework_new_points, which instantiates the plugins
 * with their args and weights and checks each list again (index in range,
 * point implemented, no repeats), so a framework never holds a list its
 * plugins cannot serve.
 */
#include "workloads/scheduler_config.h"

#include <string.h>

/* getExtensionPoints' order (the order errors are found in) and type names. */
static const KsSchedExtensionPoint upstream_order[] = {
    KS_SCHED_EP_PRE_FILTER, KS_SCHED_EP_FILTER,    KS_SCHED_EP_POST_FILTER, KS_SCHED_EP_RESERVE,
    KS_SCHED_EP_PRE_SCORE,  KS_SCHED_EP_SCORE,     KS_SCHED_EP_PRE_BIND,    KS_SCHED_EP_BIND,
    KS_SCHED_EP_POST_BIND,  KS_SCHED_EP_PERMIT,    KS_SCHED_EP_PRE_ENQUEUE, KS_SCHED_EP_QUEUE_SORT,
};

static const char *const type_names[KS_SCHED_EP_COUNT] = {
    [KS_SCHED_EP_QUEUE_SORT] = "QueueSortPlugin", [KS_SCHED_EP_PRE_ENQUEUE] = "PreEnqueuePlugin",
    [KS_SCHED_EP_PRE_FILTER] = "PreFilterPlugin", [KS_SCHED_EP_FILTER] = "FilterPlugin",
    [KS_SCHED_EP_POST_FILTER] = "PostFilterPlugin", [KS_SCHED_EP_PRE_SCORE] = "PreScorePlugin",
    [KS_SCHED_EP_SCORE] = "ScorePlugin",          [KS_SCHED_EP_RESERVE] = "ReservePlugin",
    [KS_SCHED_EP_PERMIT] = "PermitPlugin",        [KS_SCHED_EP_PRE_BIND] = "PreBindPlugin",
    [KS_SCHED_EP_BIND] = "BindPlugin",            [KS_SCHED_EP_POST_BIND] = "PostBindPlugin",
};

typedef struct {
  const KsSchedulerConfigFile *c;
  const KsSchedConfigProfile *p;
  guint index;
  const KsSchedRegistry *r;
  GError **error;
  GPtrArray *lists[KS_SCHED_EP_COUNT]; /* plugin names (borrowed) per point */
} Build;

/* "file:line:col: <entry path>: msg" for an entry the user wrote, else
 * "file: profiles[i]: msg". */
static gboolean fail(Build *b, const KsSchedConfigPluginRef *ref, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
static gboolean fail(Build *b, const KsSchedConfigPluginRef *ref, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  KsYamlNode at = {.line = ref ? ref->line : 0, .column = ref ? ref->column : 0};
  char *path = ref && ref->path ? g_strdup(ref->path) : g_strdup_printf("profiles[%u]", b->index);
  ks_yaml_set_error(b->error, b->c->file, at.line ? &at : NULL, path, "%s", msg);
  g_free(path);
  g_free(msg);
  return FALSE;
}

static gboolean has_name(const GPtrArray *a, const char *name) {
  for (guint i = 0; i < a->len; i++)
    if (strcmp(a->pdata[i], name) == 0)
      return TRUE;
  return FALSE;
}

static const KsSchedConfigPlugin *plugin_of(const KsSchedConfigProfile *p, const char *name) {
  for (guint i = 0; i < p->n_plugins; i++)
    if (strcmp(p->plugins[i].name, name) == 0)
      return &p->plugins[i];
  return NULL;
}

/* updatePluginList for point e. */
static gboolean explicit_list(Build *b, KsSchedExtensionPoint e) {
  const GArray *en = b->p->sets[e].enabled;
  for (guint i = 0; i < en->len; i++) {
    const KsSchedConfigPluginRef *ref = &g_array_index(en, KsSchedConfigPluginRef, i);
    const KsSchedPluginDesc *d = ks_sched_registry_lookup(b->r, ref->name);
    if (!d)
      return fail(b, ref, "%s \"%s\" does not exist", type_names[e], ref->name);
    if (!ks_sched_plugin_implements(d, e))
      return fail(b, ref, "plugin \"%s\" does not extend %s plugin", ref->name, type_names[e]);
    if (has_name(b->lists[e], ref->name))
      return fail(b, ref, "plugin \"%s\" already registered as \"%s\"", ref->name, type_names[e]);
    g_ptr_array_add(b->lists[e], ref->name);
  }
  return TRUE;
}

/* expandMultiPointPlugins for point e (b->lists[e] holds the explicit list). */
static gboolean expand(Build *b, KsSchedExtensionPoint e) {
  const GArray *mp = b->p->sets[KS_SCHED_CONFIG_MULTI_POINT].enabled;
  GPtrArray *explicit = b->lists[e];
  GPtrArray *overrides = g_ptr_array_new(), *multi = g_ptr_array_new();
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < mp->len; i++) {
    const KsSchedConfigPluginRef *ref = &g_array_index(mp, KsSchedConfigPluginRef, i);
    const KsSchedConfigPlugin *pl = plugin_of(b->p, ref->name);
    const KsSchedPluginDesc *d = ks_sched_registry_lookup(b->r, ref->name);
    if (!d && pl && pl->default_only)
      continue; /* a default plugin this build does not have */
    if (!d)
      ok = fail(b, ref, "%s \"%s\" does not exist", type_names[e], ref->name);
    else if (!ks_sched_plugin_implements(d, e) || (pl->disabled_points & (1u << e)))
      continue;
    else if (has_name(explicit, ref->name))
      g_ptr_array_add(overrides, ref->name);
    else if (has_name(multi, ref->name))
      ok = fail(b, ref, "plugin \"%s\" already registered as \"%s\"", ref->name, type_names[e]);
    else
      g_ptr_array_add(multi, ref->name);
  }
  if (ok) {
    GPtrArray *out = g_ptr_array_new();
    for (guint i = 0; i < explicit->len; i++)
      if (has_name(overrides, explicit->pdata[i]))
        g_ptr_array_add(out, explicit->pdata[i]);
    for (guint i = 0; i < multi->len; i++)
      g_ptr_array_add(out, multi->pdata[i]);
    for (guint i = 0; i < explicit->len; i++)
      if (!has_name(overrides, explicit->pdata[i]))
        g_ptr_array_add(out, explicit->pdata[i]);
    g_ptr_array_unref(b->lists[e]);
    b->lists[e] = out;
  }
  g_ptr_array_unref(overrides);
  g_ptr_array_unref(multi);
  return ok;
}

static gboolean point_lists(Build *b) {
  for (guint k = 0; k < G_N_ELEMENTS(upstream_order); k++)
    if (!explicit_list(b, upstream_order[k]))
      return FALSE;
  if (b->p->sets[KS_SCHED_CONFIG_MULTI_POINT].enabled->len == 0)
    return TRUE;
  for (guint k = 0; k < G_N_ELEMENTS(upstream_order); k++) {
    KsSchedExtensionPoint e = upstream_order[k];
    const GArray *dis = b->p->sets[e].disabled;
    gboolean all_disabled = FALSE;
    for (guint i = 0; i < dis->len; i++)
      all_disabled |= strcmp(g_array_index(dis, KsSchedConfigPluginRef, i).name, "*") == 0;
    if (!all_disabled && !expand(b, e))
      return FALSE;
  }
  return TRUE;
}

static gint pc_index(const KsSchedPluginConfig *pcs, guint n, const char *name) {
  for (guint i = 0; i < n; i++)
    if (strcmp(pcs[i].name, name) == 0)
      return (gint)i;
  return -1;
}

static KsSchedFramework *instantiate(Build *b) {
  KsSchedPluginConfig *pcs = g_new0(KsSchedPluginConfig, b->p->n_plugins + 1);
  guint n = 0;
  for (guint i = 0; i < b->p->n_plugins; i++) {
    const KsSchedConfigPlugin *pl = &b->p->plugins[i];
    /* Missing here means in no point's list (a default this build lacks,
     * or MultiPoint-only with every point disabled): upstream instantiates
     * from the registry and so skips it silently too. */
    if (!ks_sched_registry_lookup(b->r, pl->name))
      continue;
    pcs[n++] = b->p->plugin_configs[i];
  }
  guint8 idx[KS_SCHED_EP_COUNT][KS_SCHED_MAX_PLUGINS];
  const guint8 *points[KS_SCHED_EP_COUNT];
  guint n_points[KS_SCHED_EP_COUNT];
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++) {
    /* Every listed name passed the registry, so it is in pcs (else 255:
     * out of range, refused by the framework). A point lists each plugin
     * once, so a list longer than the limit means more plugins than a
     * profile holds, which the framework refuses before it reads lists. */
    n_points[e] = MIN(b->lists[e]->len, KS_SCHED_MAX_PLUGINS);
    for (guint i = 0; i < n_points[e]; i++)
      idx[e][i] = (guint8)pc_index(pcs, n, b->lists[e]->pdata[i]);
    points[e] = idx[e];
  }
  GError *local = NULL;
  KsSchedFramework *fw = ks_sched_framework_new_points(b->r, b->p->scheduler_name, pcs, n, points,
                                                       n_points, &local);
  g_free(pcs);
  if (!fw) {
    ks_yaml_set_error(b->error, b->c->file, NULL, NULL, "%s", local->message);
    g_error_free(local);
    return NULL;
  }
  fw->percentage_of_nodes_to_score = b->p->percentage_of_nodes_to_score;
  return fw;
}

KsSchedFramework *ks_scheduler_config_build_profile(const KsSchedulerConfigFile *c,
                                                    guint profile_index,
                                                    const KsSchedRegistry *registry,
                                                    GError **error) {
  g_return_val_if_fail(c && profile_index < c->n_profiles && registry, NULL);
  Build b = {c, &c->profiles[profile_index], profile_index, registry, error, {NULL}};
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++)
    b.lists[e] = g_ptr_array_new();
  KsSchedFramework *fw = point_lists(&b) ? instantiate(&b) : NULL;
  if (fw && fw->n_ep[KS_SCHED_EP_QUEUE_SORT] != 1) {
    fail(&b, NULL,
         "only one queue sort plugin required for profile with scheduler name \"%s\", but got %u",
         b.p->scheduler_name, fw->n_ep[KS_SCHED_EP_QUEUE_SORT]);
    g_clear_pointer(&fw, ks_sched_framework_free);
  } else if (fw && fw->n_ep[KS_SCHED_EP_BIND] == 0) {
    fail(&b, NULL, "at least one bind plugin is needed for profile with scheduler name \"%s\"",
         b.p->scheduler_name);
    g_clear_pointer(&fw, ks_sched_framework_free);
  }
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++)
    g_ptr_array_unref(b.lists[e]);
  return fw; /* transfer full */
}
