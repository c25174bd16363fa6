/* KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) loader.
 *
 * Three passes, as upstream's loadConfig runs them:
 *   1. decode: the YAML tree is walked strictly (an unknown or repeated
 *      field is an error, as with upstream's EnableStrict codec), values are
 *      type-checked and plugin args decoded into their structs
 *      (scheduler_config_args.c);
 *   2. default: parallelism 16, backoffs 1 s / 10 s, percentage 0, one
 *      "default-scheduler" profile when there is none (a lone profile
 *      without a name gets that name), each profile's plugins merged with
 *      the v1.31 default MultiPoint set by mergePluginSet;
 *   3. validate: ValidateKubeSchedulerConfiguration's checks in its order,
 *      with its messages (field.Error bodies: "Invalid value: 0: ...",
 *      "Required value", "Duplicate value: ..."). Upstream aggregates every
 *      error; we stop at the first, which carries file:line:column.
 *
 * The v1.31 default plugin set is taken from sched/framework.h
 * (ks_sched_default_profile_names), so the default profile has one source.
 *
 * Trade-off: the merged sets are kept as upstream holds them and the
 * MultiPoint expansion is replayed in build_profile against a registry,
 * because which points a plugin joins depends on what it implements, which
 * only the registry knows. The loader itself never needs a registry, so a
 * file can be validated before any plugin is loaded.
 */
#include "workloads/scheduler_config.h"

#include <string.h>

static const char *const set_names[KS_SCHED_CONFIG_N_SETS] = {
    [KS_SCHED_EP_QUEUE_SORT] = "queueSort", [KS_SCHED_EP_PRE_ENQUEUE] = "preEnqueue",
    [KS_SCHED_EP_PRE_FILTER] = "preFilter", [KS_SCHED_EP_FILTER] = "filter",
    [KS_SCHED_EP_POST_FILTER] = "postFilter", [KS_SCHED_EP_PRE_SCORE] = "preScore",
    [KS_SCHED_EP_SCORE] = "score",          [KS_SCHED_EP_RESERVE] = "reserve",
    [KS_SCHED_EP_PERMIT] = "permit",        [KS_SCHED_EP_PRE_BIND] = "preBind",
    [KS_SCHED_EP_BIND] = "bind",            [KS_SCHED_EP_POST_BIND] = "postBind",
    [KS_SCHED_CONFIG_MULTI_POINT] = "multiPoint",
};

const char *ks_sched_config_set_name(guint set) {
  return set < KS_SCHED_CONFIG_N_SETS ? set_names[set] : "?";
}

/* Plugins removed from v1 (validation.go invalidPluginsByVersion). */
static const char *const invalid_v1_plugins[] = {"AzureDiskLimits", "CinderLimits", "EBSLimits",
                                                 "GCEPDLimits", NULL};

/* ---- plugin sets ---------------------------------------------------------------- */

static void ref_clear(gpointer p) {
  KsSchedConfigPluginRef *r = p;
  g_free(r->name);
  g_free(r->path);
}

static GArray *ref_array(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsSchedConfigPluginRef));
  g_array_set_clear_func(a, ref_clear);
  return a;
}

void ks_sched_config_plugin_set_init(KsSchedConfigPluginSet *s) {
  s->enabled = ref_array();
  s->disabled = ref_array();
}

void ks_sched_config_plugin_set_clear(KsSchedConfigPluginSet *s) {
  if (s->enabled)
    g_array_unref(s->enabled);
  if (s->disabled)
    g_array_unref(s->disabled);
  s->enabled = s->disabled = NULL;
}

static void append_ref(GArray *a, const KsSchedConfigPluginRef *r) {
  KsSchedConfigPluginRef c = *r;
  c.name = g_strdup(r->name);
  c.path = g_strdup(r->path);
  g_array_append_val(a, c);
}

void ks_sched_config_plugin_set_add(KsSchedConfigPluginSet *s, gboolean enabled, const char *name,
                                    gint weight) {
  KsSchedConfigPluginRef r = {(char *)name, weight < 0 ? 0 : weight, weight >= 0, 0, 0, NULL};
  append_ref(enabled ? s->enabled : s->disabled, &r);
}

static gboolean refs_have(const GArray *a, const char *name) {
  for (guint i = 0; a && i < a->len; i++)
    if (strcmp(g_array_index(a, KsSchedConfigPluginRef, i).name, name) == 0)
      return TRUE;
  return FALSE;
}

/* Index of the LAST entry named `name` (upstream builds a map, so a
 * repeated custom plugin maps to its last position), or -1. */
static gint last_index(const GArray *a, const char *name) {
  for (gint i = (gint)a->len - 1; i >= 0; i--)
    if (strcmp(g_array_index(a, KsSchedConfigPluginRef, i).name, name) == 0)
      return i;
  return -1;
}

void ks_sched_config_merge_plugin_set(const KsSchedConfigPluginSet *defaults,
                                      const KsSchedConfigPluginSet *custom,
                                      KsSchedConfigPluginSet *out) {
  ks_sched_config_plugin_set_init(out);
  for (guint i = 0; custom->disabled && i < custom->disabled->len; i++)
    append_ref(out->disabled, &g_array_index(custom->disabled, KsSchedConfigPluginRef, i));
  for (guint i = 0; defaults->disabled && i < defaults->disabled->len; i++)
    append_ref(out->disabled, &g_array_index(defaults->disabled, KsSchedConfigPluginRef, i));
  guint n_custom = custom->enabled ? custom->enabled->len : 0;
  gboolean *replaced = g_new0(gboolean, n_custom + 1);
  if (!refs_have(out->disabled, "*")) {
    for (guint i = 0; defaults->enabled && i < defaults->enabled->len; i++) {
      const KsSchedConfigPluginRef *d = &g_array_index(defaults->enabled, KsSchedConfigPluginRef, i);
      if (refs_have(out->disabled, d->name))
        continue;
      gint c = custom->enabled ? last_index(custom->enabled, d->name) : -1;
      if (c >= 0) { /* re-configured default: keep its place, take the user's entry */
        append_ref(out->enabled, &g_array_index(custom->enabled, KsSchedConfigPluginRef, c));
        replaced[c] = TRUE;
      } else {
        append_ref(out->enabled, d);
      }
    }
  }
  for (guint i = 0; i < n_custom; i++)
    if (!replaced[i])
      append_ref(out->enabled, &g_array_index(custom->enabled, KsSchedConfigPluginRef, i));
  g_free(replaced);
}

/* ---- strict decoding helpers ---------------------------------------------------- */

gboolean ks_sched_config_check_fields(KsDec *d, const KsYamlNode *m, const char *const *known) {
  for (guint i = 0; i < ks_yaml_len(m); i++) {
    const char *key = ks_yaml_key(m, i);
    const KsYamlNode *key_node = m->items->pdata[2 * i];
    gsize mark = ks_dec_push_field(d, key ? key : "?");
    gboolean ok = TRUE;
    if (!key || !g_strv_contains(known, key))
      ok = ks_dec_fail(d, key_node, "unknown field \"%s\"", key ? key : "?");
    for (guint j = 0; ok && j < i; j++)
      if (g_strcmp0(ks_yaml_key(m, j), key) == 0)
        ok = ks_dec_fail(d, key_node, "duplicate field \"%s\"", key);
    ks_dec_pop(d, mark);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* A mapping field that may be absent; *out is NULL then. */
static gboolean get_mapping(KsDec *d, const KsYamlNode *m, const char *key,
                            const char *const *known, const KsYamlNode **out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  *out = NULL;
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_mapping(d, n) && (!known || ks_sched_config_check_fields(d, n, known));
  ks_dec_pop(d, mark);
  *out = ok ? n : NULL;
  return ok;
}

static gboolean get_sequence(KsDec *d, const KsYamlNode *m, const char *key,
                             const KsYamlNode **out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  *out = NULL;
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_sequence(d, n);
  ks_dec_pop(d, mark);
  *out = ok ? n : NULL;
  return ok;
}

/* Fails at field `key` of m (or at m when absent) with path ...key. */
static gboolean fail_field(KsDec *d, const KsYamlNode *m, const char *key, const char *msg) {
  const KsYamlNode *at = ks_yaml_get(m, key);
  gsize mark = ks_dec_push_field(d, key);
  ks_dec_fail(d, at ? at : m, "%s", msg);
  ks_dec_pop(d, mark);
  return FALSE;
}

/* ---- TypeMeta ---------------------------------------------------------------------- */

static gboolean check_type_meta(KsDec *d, const KsYamlNode *root) {
  char *api = NULL, *kind = NULL;
  gboolean ok = ks_dec_string(d, root, "apiVersion", &api) && ks_dec_string(d, root, "kind", &kind);
  if (ok && !api) {
    ok = fail_field(d, root, "apiVersion",
                    "Required value: must be " KS_SCHED_CONFIG_API_VERSION);
  } else if (ok && strcmp(api, KS_SCHED_CONFIG_API_VERSION) != 0) {
    char *msg = g_str_has_prefix(api, "kubescheduler.config.k8s.io/")
                    ? g_strdup_printf("no kind \"KubeSchedulerConfiguration\" is registered for "
                                      "version \"%s\": that version is no longer served; "
                                      "kube-scheduler v1.31 reads " KS_SCHED_CONFIG_API_VERSION
                                      " only",
                                      api)
                    : g_strdup_printf("Unsupported value: \"%s\": supported values: "
                                      "\"" KS_SCHED_CONFIG_API_VERSION "\"",
                                      api);
    ok = fail_field(d, root, "apiVersion", msg);
    g_free(msg);
  } else if (ok && !kind) {
    ok = fail_field(d, root, "kind", "Required value: must be " KS_SCHED_CONFIG_KIND);
  } else if (ok && strcmp(kind, KS_SCHED_CONFIG_KIND) != 0) {
    char *msg = g_strdup_printf("no kind \"%s\" is registered for version \"%s\"", kind, api);
    ok = fail_field(d, root, "kind", msg);
    g_free(msg);
  }
  g_free(api);
  g_free(kind);
  return ok;
}

/* ---- component-base sections (checked, not modelled) ------------------------------ */

static gboolean decode_leader_election(KsDec *d, const KsYamlNode *root) {
  static const char *const known[] = {"leaderElect", "leaseDuration", "renewDeadline",
                                      "retryPeriod", "resourceLock", "resourceName",
                                      "resourceNamespace", NULL};
  const KsYamlNode *le = NULL;
  if (!get_mapping(d, root, "leaderElection", known, &le))
    return FALSE;
  if (!le)
    return TRUE;
  gsize mark = ks_dec_push_field(d, "leaderElection");
  gboolean elect = TRUE; /* defaulted to true */
  char *lock = NULL, *s = NULL;
  gboolean ok = ks_dec_bool(d, le, "leaderElect", &elect) &&
                ks_dec_string(d, le, "resourceLock", &lock) &&
                ks_dec_string(d, le, "leaseDuration", &s) &&
                ks_dec_string(d, le, "renewDeadline", &s) &&
                ks_dec_string(d, le, "retryPeriod", &s) &&
                ks_dec_string(d, le, "resourceName", &s) &&
                ks_dec_string(d, le, "resourceNamespace", &s);
  if (ok && elect && lock && strcmp(lock, "leases") != 0) {
    char *msg = g_strdup_printf("Invalid value: \"%s\": resourceLock value must be \"leases\"", lock);
    ok = fail_field(d, le, "resourceLock", msg);
    g_free(msg);
  }
  g_free(lock);
  g_free(s);
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean decode_client_connection(KsDec *d, const KsYamlNode *root) {
  static const char *const known[] = {"kubeconfig", "acceptContentTypes", "contentType", "qps",
                                      "burst", NULL};
  const KsYamlNode *cc = NULL;
  if (!get_mapping(d, root, "clientConnection", known, &cc))
    return FALSE;
  if (!cc)
    return TRUE;
  gsize mark = ks_dec_push_field(d, "clientConnection");
  char *s = NULL;
  gint32 burst = 0;
  gboolean ok = ks_dec_string(d, cc, "kubeconfig", &s) &&
                ks_dec_string(d, cc, "acceptContentTypes", &s) &&
                ks_dec_string(d, cc, "contentType", &s) && ks_dec_string(d, cc, "qps", &s) &&
                ks_dec_int32(d, cc, "burst", &burst, NULL);
  g_free(s);
  ks_dec_pop(d, mark);
  return ok;
}

/* ---- profiles ------------------------------------------------------------------------ */

typedef struct {
  KsSchedConfigPluginSet custom[KS_SCHED_CONFIG_N_SETS];
} CustomPlugins;

static gboolean decode_plugin_ref(KsDec *d, const KsYamlNode *n, gboolean enabled,
                                  GArray *out) {
  static const char *const known_enabled[] = {"name", "weight", NULL};
  static const char *const known_disabled[] = {"name", "weight", NULL}; /* same v1.Plugin type */
  if (!ks_dec_expect_mapping(d, n) || ks_dec_is_absent(n))
    return ks_dec_is_absent(n) ? ks_dec_fail(d, n, "expected a mapping, got null") : FALSE;
  if (!ks_sched_config_check_fields(d, n, enabled ? known_enabled : known_disabled))
    return FALSE;
  KsSchedConfigPluginRef r = {0};
  gboolean has_weight = FALSE;
  gint32 w = 0;
  if (!ks_dec_required_string(d, n, "name", &r.name) ||
      !ks_dec_int32(d, n, "weight", &w, &has_weight)) {
    g_free(r.name);
    return FALSE;
  }
  if (has_weight && w < 0) { /* ksim: the framework's weights are non-negative */
    g_free(r.name);
    char *msg = g_strdup_printf("Invalid value: %d: must not be negative", w);
    gboolean ok = fail_field(d, n, "weight", msg);
    g_free(msg);
    return ok;
  }
  r.weight = w;
  r.has_weight = has_weight;
  r.line = n->line;
  r.column = n->column;
  r.path = g_strdup(d->path->str);
  g_array_append_val(out, r);
  return TRUE;
}

static gboolean decode_plugin_list(KsDec *d, const KsYamlNode *set, const char *key,
                                   gboolean enabled, GArray *out) {
  const KsYamlNode *seq = NULL;
  if (!get_sequence(d, set, key, &seq))
    return FALSE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = TRUE;
  for (guint i = 0; ok && seq && i < ks_yaml_len(seq); i++) {
    gsize im = ks_dec_push_index(d, i);
    ok = decode_plugin_ref(d, ks_yaml_item(seq, i), enabled, out);
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean decode_plugins(KsDec *d, const KsYamlNode *prof, CustomPlugins *cp) {
  static const char *const set_known[] = {"enabled", "disabled", NULL};
  static const char *const sets_known[KS_SCHED_CONFIG_N_SETS + 1] = {
      "queueSort", "preEnqueue", "preFilter", "filter", "postFilter", "preScore", "score",
      "reserve", "permit", "preBind", "bind", "postBind", "multiPoint", NULL};
  const KsYamlNode *plugins = NULL;
  if (!get_mapping(d, prof, "plugins", sets_known, &plugins))
    return FALSE;
  if (!plugins)
    return TRUE;
  gsize mark = ks_dec_push_field(d, "plugins");
  gboolean ok = TRUE;
  for (guint s = 0; ok && s < KS_SCHED_CONFIG_N_SETS; s++) {
    const KsYamlNode *set = NULL;
    ok = get_mapping(d, plugins, set_names[s], set_known, &set);
    if (!ok || !set)
      continue;
    gsize sm = ks_dec_push_field(d, set_names[s]);
    ok = decode_plugin_list(d, set, "enabled", TRUE, cp->custom[s].enabled) &&
         decode_plugin_list(d, set, "disabled", FALSE, cp->custom[s].disabled);
    ks_dec_pop(d, sm);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static void plugin_args_clear(KsSchedConfigPluginArgs *a) {
  g_free(a->name);
  if (a->args && a->args_free)
    a->args_free(a->args);
}

static gboolean decode_plugin_config_entry(KsDec *d, const KsYamlNode *n,
                                           KsSchedConfigPluginArgs *out) {
  static const char *const known[] = {"name", "args", NULL};
  if (ks_dec_is_absent(n) || n->kind != KS_YAML_MAPPING)
    return ks_dec_fail(d, n, "expected a mapping, got %s",
                       ks_dec_is_absent(n) ? "null" : ks_yaml_kind_name(n));
  if (!ks_sched_config_check_fields(d, n, known) || !ks_dec_required_string(d, n, "name", &out->name))
    return FALSE;
  out->line = n->line;
  out->column = n->column;
  const KsYamlNode *args = ks_yaml_get(n, "args");
  out->raw = ks_dec_is_absent(args) ? NULL : args;
  gsize mark = ks_dec_push_field(d, "args");
  gboolean ok = ks_sched_config_decode_args(d, out->raw, out);
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean decode_plugin_config(KsDec *d, const KsYamlNode *prof, KsSchedConfigProfile *p) {
  const KsYamlNode *seq = NULL;
  if (!get_sequence(d, prof, "pluginConfig", &seq))
    return FALSE;
  guint n = seq ? ks_yaml_len(seq) : 0;
  p->plugin_config = g_new0(KsSchedConfigPluginArgs, n + 1);
  gsize mark = ks_dec_push_field(d, "pluginConfig");
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < n; i++) {
    gsize im = ks_dec_push_index(d, i);
    const KsYamlNode *it = ks_yaml_item(seq, i);
    ok = decode_plugin_config_entry(d, it, &p->plugin_config[i]);
    p->n_plugin_config = i + 1; /* cleared on error too */
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean validate_pct(KsDec *d, const KsYamlNode *m, gint32 pct) {
  if (pct >= 0 && pct <= 100)
    return TRUE;
  char *msg = g_strdup_printf("Invalid value: %d: not in valid range [0-100]", pct);
  fail_field(d, m, "percentageOfNodesToScore", msg);
  g_free(msg);
  return FALSE;
}

static gboolean decode_profile(KsDec *d, const KsYamlNode *n, KsSchedConfigProfile *p,
                               CustomPlugins *cp) {
  static const char *const known[] = {"schedulerName", "percentageOfNodesToScore", "plugins",
                                      "pluginConfig", NULL};
  if (ks_dec_is_absent(n) || n->kind != KS_YAML_MAPPING)
    return ks_dec_fail(d, n, "expected a mapping, got %s",
                       ks_dec_is_absent(n) ? "null" : ks_yaml_kind_name(n));
  p->line = n->line;
  p->column = n->column;
  gboolean has_pct = FALSE;
  gint32 pct = 0;
  if (!ks_sched_config_check_fields(d, n, known) ||
      !ks_dec_string(d, n, "schedulerName", &p->scheduler_name) ||
      !ks_dec_int32(d, n, "percentageOfNodesToScore", &pct, &has_pct))
    return FALSE;
  /* Checked here: -1 is also the framework's "unset" value. */
  if (has_pct && !validate_pct(d, n, pct))
    return FALSE;
  p->percentage_of_nodes_to_score = has_pct ? pct : -1;
  return decode_plugins(d, n, cp) && decode_plugin_config(d, n, p);
}

/* ---- defaulting: merge with the default plugins and resolve ------------------------- */

static void default_multi_point(KsSchedConfigPluginSet *s) {
  const gint32 *weights = NULL;
  const char *const *names = ks_sched_default_profile_names(&weights);
  ks_sched_config_plugin_set_init(s);
  for (guint i = 0; names[i]; i++) /* upstream sets a weight only on score plugins */
    ks_sched_config_plugin_set_add(s, TRUE, names[i], weights[i] > 0 ? weights[i] : -1);
}

static KsSchedConfigPlugin *find_plugin(GArray *list, const char *name) {
  for (guint i = 0; i < list->len; i++)
    if (strcmp(g_array_index(list, KsSchedConfigPlugin, i).name, name) == 0)
      return &g_array_index(list, KsSchedConfigPlugin, i);
  return NULL;
}

static void note_plugin(GArray *list, const KsSchedConfigPluginRef *r, guint set) {
  KsSchedConfigPlugin *p = find_plugin(list, r->name);
  if (!p) {
    KsSchedConfigPlugin np = {.name = r->name, .default_only = TRUE, .ref = r};
    g_array_append_val(list, np);
    p = &g_array_index(list, KsSchedConfigPlugin, list->len - 1);
  }
  if (set == KS_SCHED_CONFIG_MULTI_POINT)
    p->multi_point = TRUE;
  else
    p->enabled_points |= 1u << set;
  if (r->line > 0) {
    if (p->default_only)
      p->ref = r;
    p->default_only = FALSE;
  }
}

/* getScoreWeights: the first entry of score.enabled ++ multiPoint.enabled. */
static gint32 score_weight(const KsSchedConfigProfile *p, const char *name) {
  const GArray *lists[] = {p->sets[KS_SCHED_EP_SCORE].enabled,
                           p->sets[KS_SCHED_CONFIG_MULTI_POINT].enabled};
  for (guint l = 0; l < G_N_ELEMENTS(lists); l++)
    for (guint i = 0; i < lists[l]->len; i++) {
      const KsSchedConfigPluginRef *r = &g_array_index(lists[l], KsSchedConfigPluginRef, i);
      if (strcmp(r->name, name) == 0)
        return r->has_weight ? r->weight : 0;
    }
  return 0;
}

static void resolve_profile(KsSchedConfigProfile *p, CustomPlugins *cp) {
  for (guint s = 0; s < KS_SCHED_CONFIG_N_SETS; s++) {
    KsSchedConfigPluginSet def;
    if (s == KS_SCHED_CONFIG_MULTI_POINT)
      default_multi_point(&def);
    else
      ks_sched_config_plugin_set_init(&def); /* v1 has defaults only in multiPoint */
    ks_sched_config_merge_plugin_set(&def, &cp->custom[s], &p->sets[s]);
    ks_sched_config_plugin_set_clear(&def);
  }
  GArray *list = g_array_new(FALSE, TRUE, sizeof(KsSchedConfigPlugin));
  const guint order[] = {KS_SCHED_CONFIG_MULTI_POINT, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  for (guint k = 0; k < G_N_ELEMENTS(order); k++) {
    const GArray *en = p->sets[order[k]].enabled;
    for (guint i = 0; i < en->len; i++)
      note_plugin(list, &g_array_index(en, KsSchedConfigPluginRef, i), order[k]);
  }
  p->n_plugins = list->len;
  p->plugins = (KsSchedConfigPlugin *)g_array_free(list, FALSE);
  p->plugin_configs = g_new0(KsSchedPluginConfig, p->n_plugins + 1);
  for (guint i = 0; i < p->n_plugins; i++) {
    KsSchedConfigPlugin *pl = &p->plugins[i];
    pl->name = g_strdup(pl->name);
    for (guint e = 0; e < KS_SCHED_EP_COUNT; e++) {
      const GArray *dis = p->sets[e].disabled;
      if (refs_have(dis, "*") || refs_have(dis, pl->name))
        pl->disabled_points |= 1u << e;
    }
    pl->weight = score_weight(p, pl->name);
    const KsSchedConfigPluginArgs *a = ks_sched_config_profile_args(p, pl->name);
    pl->args = a ? a->args : NULL;
    p->plugin_configs[i] = (KsSchedPluginConfig){pl->name, pl->weight, pl->args};
  }
}

/* ---- validation (validation.go order) ---------------------------------------------- */

typedef struct {
  const KsYamlNode *root;
  const KsYamlNode *profiles; /* the sequence, or NULL */
} Nodes;

/* Fails at profiles[i].<key>[.<key2>], pointing at the deepest node written
 * (the profile itself, or the file's root for the implicit profile). */
static gboolean fail_profile_at(KsDec *d, const Nodes *nodes, guint i, const char *key,
                                const char *key2, const char *msg) {
  const KsYamlNode *at = nodes->profiles ? ks_yaml_item(nodes->profiles, i) : nodes->root;
  gsize mark = ks_dec_push_field(d, "profiles");
  ks_dec_push_index(d, i);
  const char *keys[] = {key, key2};
  for (guint k = 0; k < G_N_ELEMENTS(keys) && keys[k]; k++) {
    ks_dec_push_field(d, keys[k]);
    const KsYamlNode *v = ks_yaml_get(at, keys[k]);
    if (v)
      at = v;
  }
  ks_dec_fail(d, at, "%s", msg);
  ks_dec_pop(d, mark);
  return FALSE;
}

static gboolean fail_profile_field(KsDec *d, const Nodes *nodes, guint i, const char *key,
                                   const char *msg) {
  return fail_profile_at(d, nodes, i, key, NULL, msg);
}

static gboolean fail_ref(KsDec *d, const KsSchedConfigPluginRef *r, const char *msg) {
  KsYamlNode at = {.line = r->line, .column = r->column};
  ks_yaml_set_error(d->error, d->file, r->line ? &at : NULL, r->path, "%s", msg);
  return FALSE;
}

static gboolean validate_invalid_plugins(KsDec *d, const CustomPlugins *cp) {
  for (guint s = 0; s < KS_SCHED_EP_COUNT; s++) { /* multiPoint is not checked upstream */
    const GArray *en = cp->custom[s].enabled;
    for (guint i = 0; i < en->len; i++) {
      const KsSchedConfigPluginRef *r = &g_array_index(en, KsSchedConfigPluginRef, i);
      if (!g_strv_contains(invalid_v1_plugins, r->name))
        continue;
      char *msg = g_strdup_printf("Invalid value: \"%s\": was invalid in version \"%s\" "
                                  "(KubeSchedulerConfiguration is version \"%s\")",
                                  r->name, KS_SCHED_CONFIG_API_VERSION,
                                  KS_SCHED_CONFIG_API_VERSION);
      fail_ref(d, r, msg);
      g_free(msg);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean validate_plugin_config(KsDec *d, const KsSchedConfigProfile *p, guint pi) {
  for (guint i = 0; i < p->n_plugin_config; i++) {
    const KsSchedConfigPluginArgs *a = &p->plugin_config[i];
    KsYamlNode at = {.line = a->line, .column = a->column};
    char *path = g_strdup_printf("profiles[%u].pluginConfig[%u]", pi, i);
    char *msg = NULL;
    for (guint j = 0; j < i && !msg; j++)
      if (strcmp(p->plugin_config[j].name, a->name) == 0)
        msg = g_strdup_printf("Duplicate value: \"%s\"", a->name);
    if (!msg && g_strv_contains(invalid_v1_plugins, a->name))
      msg = g_strdup_printf("Invalid value: \"%s\": was invalid in version \"%s\" "
                            "(KubeSchedulerConfiguration is version \"%s\")",
                            a->name, KS_SCHED_CONFIG_API_VERSION, KS_SCHED_CONFIG_API_VERSION);
    if (msg)
      ks_yaml_set_error(d->error, d->file, &at, path, "%s", msg);
    g_free(path);
    g_free(msg);
    if (d->error && *d->error)
      return FALSE;
  }
  return TRUE;
}

static gboolean same_set(const KsSchedConfigPluginSet *a, const KsSchedConfigPluginSet *b) {
  const GArray *la[] = {a->enabled, a->disabled}, *lb[] = {b->enabled, b->disabled};
  for (guint k = 0; k < 2; k++) {
    if (la[k]->len != lb[k]->len)
      return FALSE;
    for (guint i = 0; i < la[k]->len; i++) {
      const KsSchedConfigPluginRef *x = &g_array_index(la[k], KsSchedConfigPluginRef, i);
      const KsSchedConfigPluginRef *y = &g_array_index(lb[k], KsSchedConfigPluginRef, i);
      if (strcmp(x->name, y->name) || x->has_weight != y->has_weight ||
          (x->has_weight && x->weight != y->weight))
        return FALSE;
    }
  }
  return TRUE;
}

/* validateCommonQueueSort: every profile's (merged) queueSort set and its
 * args must equal the first profile's. */
static gboolean validate_common_queue_sort(KsDec *d, const KsSchedulerConfigFile *c,
                                           const Nodes *nodes) {
  const KsSchedConfigPluginSet *canon = &c->profiles[0].sets[KS_SCHED_EP_QUEUE_SORT];
  if (canon->enabled->len > 1) {
    char *msg = g_strdup_printf("Invalid value: %u: only one queue sort plugin can be enabled",
                                canon->enabled->len);
    gboolean ok = fail_profile_at(d, nodes, 0, "plugins", "queueSort", msg);
    g_free(msg);
    return ok;
  }
  const char *qs = canon->enabled->len ? g_array_index(canon->enabled, KsSchedConfigPluginRef, 0).name
                                       : NULL;
  const KsSchedConfigPluginArgs *qa = qs ? ks_sched_config_profile_args(&c->profiles[0], qs) : NULL;
  for (guint i = 1; i < c->n_profiles; i++) {
    if (!same_set(canon, &c->profiles[i].sets[KS_SCHED_EP_QUEUE_SORT]))
      return fail_profile_at(d, nodes, i, "plugins", "queueSort",
                             "Invalid value: must be the same for all profiles");
    /* Args compared by presence only: no queue sort plugin ksim has takes args. */
    const KsSchedConfigPluginArgs *a = qs ? ks_sched_config_profile_args(&c->profiles[i], qs) : NULL;
    if (a && (!qa || !a->raw != !qa->raw))
      return fail_profile_at(d, nodes, i, "pluginConfig", "args",
                             "Invalid value: queueSort must be the same for all profiles");
  }
  return TRUE;
}

static gboolean validate_profiles(KsDec *d, KsSchedulerConfigFile *c, const Nodes *nodes) {
  for (guint i = 0; i < c->n_profiles; i++) {
    const KsSchedConfigProfile *p = &c->profiles[i];
    if (!p->scheduler_name || !*p->scheduler_name)
      return fail_profile_field(d, nodes, i, "schedulerName", "Required value");
    if (!validate_plugin_config(d, p, i))
      return FALSE;
    for (guint j = 0; j < i; j++)
      if (strcmp(c->profiles[j].scheduler_name, p->scheduler_name) == 0) {
        char *msg = g_strdup_printf("Duplicate value: \"%s\"", p->scheduler_name);
        fail_profile_field(d, nodes, i, "schedulerName", msg);
        g_free(msg);
        return FALSE;
      }
  }
  return validate_common_queue_sort(d, c, nodes);
}

/* ---- the whole file ---------------------------------------------------------------- */

static gboolean decode_backoff(KsDec *d, const KsYamlNode *root, const char *key, gint64 *us) {
  gint64 s = *us / G_USEC_PER_SEC;
  if (!ks_dec_int64(d, root, key, &s, NULL))
    return FALSE;
  /* Larger values cannot be held in microseconds (ksim's clock). */
  if (s > G_MAXINT64 / G_USEC_PER_SEC) {
    char *msg = g_strdup_printf("Invalid value: %" G_GINT64_FORMAT ": must be at most %" G_GINT64_FORMAT
                                " (ksim keeps microseconds in 64 bits)",
                                s, (gint64)(G_MAXINT64 / G_USEC_PER_SEC));
    fail_field(d, root, key, msg);
    g_free(msg);
    return FALSE;
  }
  *us = s * G_USEC_PER_SEC;
  return TRUE;
}

static gboolean validate_globals(KsDec *d, const KsSchedulerConfigFile *c, const Nodes *n) {
  gint64 init_s = c->config.pod_initial_backoff_us / G_USEC_PER_SEC;
  gint64 max_s = c->config.pod_max_backoff_us / G_USEC_PER_SEC;
  char *msg = NULL;
  const char *key = NULL;
  if (!validate_pct(d, n->root, c->config.percentage_of_nodes_to_score))
    return FALSE;
  if (init_s <= 0) {
    key = "podInitialBackoffSeconds";
    msg = g_strdup_printf("Invalid value: %" G_GINT64_FORMAT ": must be greater than 0", init_s);
  } else if (max_s < init_s) {
    key = "podMaxBackoffSeconds";
    msg = g_strdup_printf("Invalid value: %" G_GINT64_FORMAT
                          ": must be greater than or equal to PodInitialBackoffSeconds",
                          max_s);
  }
  if (!msg)
    return TRUE;
  fail_field(d, n->root, key, msg);
  g_free(msg);
  return FALSE;
}

static gboolean decode_globals(KsDec *d, const KsYamlNode *root, KsSchedulerConfigFile *c) {
  gboolean profiling = FALSE;
  const KsYamlNode *ext = NULL;
  if (!ks_dec_int32(d, root, "parallelism", &c->parallelism, NULL) ||
      !ks_dec_int32(d, root, "percentageOfNodesToScore", &c->config.percentage_of_nodes_to_score,
                    NULL) ||
      !decode_backoff(d, root, "podInitialBackoffSeconds", &c->config.pod_initial_backoff_us) ||
      !decode_backoff(d, root, "podMaxBackoffSeconds", &c->config.pod_max_backoff_us) ||
      !ks_dec_bool(d, root, "enableProfiling", &profiling) ||
      !ks_dec_bool(d, root, "enableContentionProfiling", &profiling) ||
      !ks_dec_bool(d, root, "delayCacheUntilActive", &c->delay_cache_until_active) ||
      !decode_leader_election(d, root) || !decode_client_connection(d, root) ||
      !get_sequence(d, root, "extenders", &ext))
    return FALSE;
  if (ext && ks_yaml_len(ext) > 0)
    return fail_field(d, root, "extenders",
                      "scheduler extenders are not supported by ksim (they are HTTP services "
                      "outside the scheduler)");
  if (c->parallelism <= 0) {
    char *msg = g_strdup_printf("Invalid value: %d: should be an integer value greater than zero",
                                c->parallelism);
    fail_field(d, root, "parallelism", msg);
    g_free(msg);
    return FALSE;
  }
  return TRUE;
}

static void custom_init(CustomPlugins *cp) {
  for (guint s = 0; s < KS_SCHED_CONFIG_N_SETS; s++)
    ks_sched_config_plugin_set_init(&cp->custom[s]);
}

static void custom_clear(CustomPlugins *cp) {
  for (guint s = 0; s < KS_SCHED_CONFIG_N_SETS; s++)
    ks_sched_config_plugin_set_clear(&cp->custom[s]);
}

/* Decodes, defaults and checks every profile. */
static gboolean load_profiles(KsDec *d, KsSchedulerConfigFile *c, Nodes *nodes) {
  if (!get_sequence(d, nodes->root, "profiles", &nodes->profiles))
    return FALSE;
  guint n = nodes->profiles ? ks_yaml_len(nodes->profiles) : 0;
  c->n_profiles = n ? n : 1;
  c->profiles = g_new0(KsSchedConfigProfile, c->n_profiles);
  CustomPlugins *cp = g_new0(CustomPlugins, c->n_profiles);
  gboolean ok = TRUE;
  gsize mark = ks_dec_push_field(d, "profiles");
  for (guint i = 0; i < c->n_profiles; i++) {
    custom_init(&cp[i]);
    c->profiles[i].percentage_of_nodes_to_score = -1;
    if (ok && n) {
      gsize im = ks_dec_push_index(d, i);
      ok = decode_profile(d, ks_yaml_item(nodes->profiles, i), &c->profiles[i], &cp[i]);
      ks_dec_pop(d, im);
    }
  }
  ks_dec_pop(d, mark);
  if (ok && c->n_profiles == 1 && !c->profiles[0].scheduler_name)
    c->profiles[0].scheduler_name = g_strdup(KS_DEFAULT_SCHEDULER_NAME);
  for (guint i = 0; ok && i < c->n_profiles; i++)
    ok = validate_invalid_plugins(d, &cp[i]);
  for (guint i = 0; ok && i < c->n_profiles; i++)
    resolve_profile(&c->profiles[i], &cp[i]);
  for (guint i = 0; i < c->n_profiles; i++)
    custom_clear(&cp[i]);
  g_free(cp);
  return ok;
}

static KsSchedulerConfigFile *load_stream(KsYamlStream *s, GError **error) {
  static const char *const known[] = {
      "apiVersion", "kind", "parallelism", "leaderElection", "clientConnection",
      "enableProfiling", "enableContentionProfiling", "percentageOfNodesToScore",
      "podInitialBackoffSeconds", "podMaxBackoffSeconds", "profiles", "extenders",
      "delayCacheUntilActive", NULL};
  KsSchedulerConfigFile *c = g_new0(KsSchedulerConfigFile, 1);
  c->file = g_strdup(s->file);
  c->stream = s;
  ks_sched_config_init_defaults(&c->config);
  c->parallelism = 16;
  KsDec d = {c->file, g_string_new(""), error, FALSE};
  Nodes nodes = {s->documents->len ? s->documents->pdata[0] : NULL, NULL};
  gboolean ok;
  if (s->documents->len != 1 || !nodes.root)
    ok = ks_dec_fail(&d, NULL, "expected exactly one KubeSchedulerConfiguration document, "
                               "found %u", s->documents->len);
  else
    ok = ks_dec_expect_mapping(&d, nodes.root) &&
         (nodes.root->kind == KS_YAML_MAPPING ||
          ks_dec_fail(&d, nodes.root, "expected a mapping, got null")) &&
         ks_sched_config_check_fields(&d, nodes.root, known) && check_type_meta(&d, nodes.root) &&
         decode_globals(&d, nodes.root, c) && load_profiles(&d, c, &nodes) &&
         validate_profiles(&d, c, &nodes) && validate_globals(&d, c, &nodes);
  g_string_free(d.path, TRUE);
  if (!ok) {
    ks_scheduler_config_free(c);
    return NULL;
  }
  return c; /* transfer full */
}

KsSchedulerConfigFile *ks_scheduler_config_load_file(const char *path, GError **error) {
  KsYamlStream *s = ks_yaml_load_file(path, error);
  return s ? load_stream(s, error) : NULL; /* transfer full */
}

KsSchedulerConfigFile *ks_scheduler_config_load_string(const char *data, gsize len,
                                                       const char *display_name, GError **error) {
  KsYamlStream *s = ks_yaml_load_string(data, len, display_name, error);
  return s ? load_stream(s, error) : NULL; /* transfer full */
}

static void profile_clear(KsSchedConfigProfile *p) {
  g_free(p->scheduler_name);
  for (guint s = 0; s < KS_SCHED_CONFIG_N_SETS; s++)
    ks_sched_config_plugin_set_clear(&p->sets[s]);
  for (guint i = 0; i < p->n_plugins; i++)
    g_free(p->plugins[i].name);
  g_free(p->plugins);
  g_free(p->plugin_configs);
  for (guint i = 0; i < p->n_plugin_config; i++)
    plugin_args_clear(&p->plugin_config[i]);
  g_free(p->plugin_config);
}

void ks_scheduler_config_free(KsSchedulerConfigFile *c) {
  if (!c)
    return;
  for (guint i = 0; c->profiles && i < c->n_profiles; i++)
    profile_clear(&c->profiles[i]);
  g_free(c->profiles);
  ks_yaml_stream_free(c->stream);
  g_free(c->file);
  g_free(c);
}

const KsSchedConfigProfile *ks_scheduler_config_profile(const KsSchedulerConfigFile *c,
                                                        const char *scheduler_name) {
  for (guint i = 0; i < c->n_profiles; i++)
    if (g_strcmp0(c->profiles[i].scheduler_name, scheduler_name) == 0)
      return &c->profiles[i];
  return NULL;
}

const KsSchedConfigPluginArgs *ks_sched_config_profile_args(const KsSchedConfigProfile *p,
                                                            const char *plugin) {
  for (guint i = 0; i < p->n_plugin_config; i++)
    if (g_strcmp0(p->plugin_config[i].name, plugin) == 0)
      return &p->plugin_config[i];
  return NULL;
}
