/* The framework: statuses, the plugin registry, profiles and event matching.
 *
 * Design. A profile is a flat array of plugin instances plus, per extension
 * point, a small array of indexes into it, so the scheduling cycle walks a
 * byte array instead of testing function pointers for every plugin. Plugin
 * order is the profile's order, which for the default profile is upstream's
 * v1.31 MultiPoint order (kube-semantics 1.5).
 *
 * The default profile is a table of upstream names and weights; building it
 * keeps the names this build's registry knows and skips the others, so a new
 * built-in plugin takes its upstream place by being registered (one line in
 * `builtins` below) and nothing else. Explicit profiles, by contrast, fail on
 * an unknown name: a user's configuration must never be silently trimmed.
 *
 * ks_sched_framework_new joins each plugin to every point it implements
 * (MultiPoint); ks_sched_framework_new_points takes the per-point lists a
 * KubeSchedulerConfiguration resolves to. Both instantiate the plugins with
 * the same code and differ only in how fw->ep is filled, so the lists are
 * never rewritten behind the framework's back.
 *
 * No global mutable state: a registry and a framework are values the caller
 * owns; several schedulers can live in one process.
 */
#include "sched/framework.h"
#include "sched/plugins/plugins.h"

#include <string.h>

G_DEFINE_QUARK(ks-sched-error-quark, ks_sched_error)

const KsSchedClusterEvent KS_SCHED_EVENT_NODE_ADD = {KS_SCHED_EV_NODE, KS_SCHED_ACT_ADD, "NodeAdd"};
const KsSchedClusterEvent KS_SCHED_EVENT_ASSIGNED_POD_DELETE = {KS_SCHED_EV_POD, KS_SCHED_ACT_DELETE,
                                                                "AssignedPodDelete"};
const KsSchedClusterEvent KS_SCHED_EVENT_UNSCHEDULABLE_TIMEOUT = {
    KS_SCHED_EV_ANY_RESOURCE, KS_SCHED_ACT_ALL, "UnschedulableTimeout"};

/* ---- status ----------------------------------------------------------- */

const char *ks_sched_code_to_string(KsSchedCode c) {
  static const char *const names[] = {"Success", "Error", "Unschedulable",
                                      "UnschedulableAndUnresolvable", "Wait", "Skip", "Pending"};
  return (guint)c < G_N_ELEMENTS(names) ? names[c] : "Unknown";
}

void ks_sched_status_reset(KsSchedStatus *st) {
  st->code = KS_SCHED_SUCCESS;
  st->n_reasons = 0;
  st->plugin = NULL;
  st->plugin_index = -1;
}

void ks_sched_status_set(KsSchedStatus *st, KsSchedCode code, const char *reason) {
  st->code = code;
  st->n_reasons = 0;
  if (reason)
    ks_sched_status_add_reason(st, reason);
}

void ks_sched_status_add_reason(KsSchedStatus *st, const char *reason) {
  if (st->n_reasons < KS_SCHED_MAX_REASONS)
    st->reasons[st->n_reasons++] = reason;
  else
    st->reasons[KS_SCHED_MAX_REASONS - 1] = "...";
}

char *ks_sched_status_message(const KsSchedStatus *st) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < st->n_reasons; i++) {
    if (i)
      g_string_append(s, ", ");
    g_string_append(s, st->reasons[i]);
  }
  return g_string_free(s, FALSE);
}

/* ---- registry ------------------------------------------------------------- */

struct KsSchedRegistry {
  GHashTable *by_name; /* borrowed name -> borrowed desc */
};

static const KsSchedPluginDesc *const builtins[] = {
    &ks_sched_plugin_scheduling_gates,
    &ks_sched_plugin_priority_sort,
    &ks_sched_plugin_node_resources_fit,
    &ks_sched_plugin_default_binder,
    &ks_sched_plugin_node_name,
    &ks_sched_plugin_node_unschedulable,
    &ks_sched_plugin_node_ports,
    &ks_sched_plugin_taint_toleration,
    &ks_sched_plugin_node_affinity,
    &ks_sched_plugin_image_locality,
    &ks_sched_plugin_balanced_allocation,
    &ks_sched_plugin_pod_topology_spread,
    &ks_sched_plugin_inter_pod_affinity,
    &ks_sched_plugin_default_preemption,
    &ks_sched_plugin_volume_restrictions,
    &ks_sched_plugin_node_volume_limits,
    &ks_sched_plugin_volume_binding,
    &ks_sched_plugin_volume_zone,
    &ks_sched_plugin_random,
    &ks_sched_plugin_first_fit,
    &ks_sched_plugin_best_fit,
    &ks_sched_plugin_dot_product,
    &ks_sched_plugin_gpu_share,
    &ks_sched_plugin_fgd,
    &ks_sched_plugin_gpu_best_fit,
    &ks_sched_plugin_gpu_packing,
    &ks_sched_plugin_gpu_clustering,
    &ks_sched_plugin_gpu_dot_product,
    &ks_sched_plugin_gpu_random,
    &ks_sched_plugin_legacy_pod_fits_resources,
    &ks_sched_plugin_legacy_pod_fits_host_ports,
    &ks_sched_plugin_legacy_host_name,
    &ks_sched_plugin_legacy_pod_tolerates_node_taints,
    &ks_sched_plugin_legacy_match_node_selector,
    &ks_sched_plugin_legacy_no_disk_conflict,
    &ks_sched_plugin_legacy_no_volume_zone_conflict,
    &ks_sched_plugin_legacy_max_ebs_volume_count,
    &ks_sched_plugin_legacy_max_gce_pd_volume_count,
    &ks_sched_plugin_legacy_check_node_memory_pressure,
    &ks_sched_plugin_legacy_check_node_disk_pressure,
    &ks_sched_plugin_legacy_least_requested,
    &ks_sched_plugin_legacy_balanced_resource_allocation,
    &ks_sched_plugin_legacy_selector_spread,
    &ks_sched_plugin_legacy_service_anti_affinity,
    &ks_sched_plugin_legacy_image_locality,
    &ks_sched_plugin_legacy_taint_toleration,
    &ks_sched_plugin_legacy_node_affinity,
};

KsSchedRegistry *ks_sched_registry_new(void) {
  KsSchedRegistry *r = g_new0(KsSchedRegistry, 1);
  r->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < G_N_ELEMENTS(builtins); i++)
    g_hash_table_insert(r->by_name, (gpointer)builtins[i]->name, (gpointer)builtins[i]);
  return r;
}

void ks_sched_registry_free(KsSchedRegistry *r) {
  if (!r)
    return;
  g_hash_table_destroy(r->by_name);
  g_free(r);
}

gboolean ks_sched_registry_add(KsSchedRegistry *r, const KsSchedPluginDesc *desc, GError **error) {
  if (!desc->name || !*desc->name) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS, "plugin without a name");
    return FALSE;
  }
  if (g_hash_table_contains(r->by_name, desc->name)) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_DUPLICATE_PLUGIN,
                "a plugin named %s is already registered", desc->name);
    return FALSE;
  }
  g_hash_table_insert(r->by_name, (gpointer)desc->name, (gpointer)desc);
  return TRUE;
}

const KsSchedPluginDesc *ks_sched_registry_lookup(const KsSchedRegistry *r, const char *name) {
  return g_hash_table_lookup(r->by_name, name);
}

/* ---- profile ---------------------------------------------------------------- */

/* v1.31 default profile (kube-semantics 1.5), in MultiPoint order. */
static const char *const default_names[] = {
    "SchedulingGates",     "PrioritySort",        "NodeUnschedulable",
    "NodeName",            "TaintToleration",     "NodeAffinity",
    "NodePorts",           "NodeResourcesFit",    "VolumeRestrictions",
    "NodeVolumeLimits",    "VolumeBinding",       "VolumeZone",
    "PodTopologySpread",   "InterPodAffinity",    "DefaultPreemption",
    "NodeResourcesBalancedAllocation",            "ImageLocality",
    "DefaultBinder",       NULL,
};
static const gint32 default_weights[] = {0, 0, 0, 0, 3, 2, 0, 1, 0, 0, 0, 0, 2, 2, 0, 1, 1, 0};

const char *const *ks_sched_default_profile_names(const gint32 **weights) {
  if (weights)
    *weights = default_weights;
  return default_names;
}

gboolean ks_sched_plugin_implements(const KsSchedPluginDesc *d, KsSchedExtensionPoint e) {
  const gboolean has[KS_SCHED_EP_COUNT] = {
      [KS_SCHED_EP_QUEUE_SORT] = d->less != NULL,
      [KS_SCHED_EP_PRE_ENQUEUE] = d->pre_enqueue != NULL,
      [KS_SCHED_EP_PRE_FILTER] = d->pre_filter != NULL,
      [KS_SCHED_EP_FILTER] = d->filter != NULL,
      [KS_SCHED_EP_POST_FILTER] = d->post_filter != NULL,
      [KS_SCHED_EP_PRE_SCORE] = d->pre_score != NULL,
      [KS_SCHED_EP_SCORE] = d->score != NULL,
      [KS_SCHED_EP_RESERVE] = d->reserve != NULL,
      [KS_SCHED_EP_PERMIT] = d->permit != NULL,
      [KS_SCHED_EP_PRE_BIND] = d->pre_bind != NULL,
      [KS_SCHED_EP_BIND] = d->bind != NULL,
      [KS_SCHED_EP_POST_BIND] = d->post_bind != NULL,
  };
  return (guint)e < KS_SCHED_EP_COUNT && has[e];
}

static void join_extension_points(KsSchedFramework *fw, guint i) {
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++)
    if (ks_sched_plugin_implements(fw->plugins[i].desc, (KsSchedExtensionPoint)e))
      fw->ep[e][fw->n_ep[e]++] = (guint8)i;
}

/* Instantiates plugin `pc` at the end of fw->plugins; with `join`, it also
 * joins every point it implements (MultiPoint). */
static gboolean add_plugin(KsSchedFramework *fw, const KsSchedPluginDesc *d,
                           const KsSchedPluginConfig *pc, gboolean join, GError **error) {
  if (fw->n_plugins >= KS_SCHED_MAX_PLUGINS) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_TOO_MANY_PLUGINS,
                "profile %s: more than %d plugins", fw->name, KS_SCHED_MAX_PLUGINS);
    return FALSE;
  }
  if (ks_sched_framework_plugin(fw, d->name)) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_DUPLICATE_PLUGIN,
                "profile %s: plugin %s enabled twice", fw->name, d->name);
    return FALSE;
  }
  if (pc->weight < 0) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "profile %s: plugin %s: weight %d must not be negative", fw->name, d->name,
                pc->weight);
    return FALSE;
  }
  KsSchedPlugin *p = &fw->plugins[fw->n_plugins];
  p->desc = d;
  p->index = fw->n_plugins;
  /* Upstream: a score plugin enabled with weight 0 (unset) weighs 1. */
  p->weight = pc->weight > 0 ? pc->weight : 1;
  p->self = NULL;
  if (d->create) {
    GError *local = NULL;
    p->self = d->create(pc->args, &local);
    if (local) {
      g_propagate_prefixed_error(error, local, "profile %s: plugin %s: ", fw->name, d->name);
      return FALSE;
    }
  }
  fw->n_plugins++;
  if (join)
    join_extension_points(fw, p->index);
  return TRUE;
}

static KsSchedFramework *framework_alloc(const char *profile_name) {
  KsSchedFramework *fw = g_new0(KsSchedFramework, 1);
  fw->name = g_strdup(profile_name ? profile_name : KS_DEFAULT_SCHEDULER_NAME);
  fw->percentage_of_nodes_to_score = -1;
  return fw;
}

/* Instantiates plugins[0..n) in order; shared by both explicit constructors
 * so that lookup, duplicate and args errors read the same. */
static KsSchedFramework *instantiate(const KsSchedRegistry *r, const char *profile_name,
                                     const KsSchedPluginConfig *plugins, guint n, gboolean join,
                                     GError **error) {
  KsSchedFramework *fw = framework_alloc(profile_name);
  for (guint i = 0; i < n; i++) {
    const KsSchedPluginDesc *d = ks_sched_registry_lookup(r, plugins[i].name);
    if (!d) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_UNKNOWN_PLUGIN,
                  "profile %s: unknown plugin \"%s\"", fw->name, plugins[i].name);
      ks_sched_framework_free(fw);
      return NULL;
    }
    if (!add_plugin(fw, d, &plugins[i], join, error)) {
      ks_sched_framework_free(fw);
      return NULL;
    }
  }
  return fw;
}

KsSchedFramework *ks_sched_framework_new(const KsSchedRegistry *r, const char *profile_name,
                                         const KsSchedPluginConfig *plugins, guint n,
                                         GError **error) {
  return instantiate(r, profile_name, plugins, n, TRUE, error); /* transfer full */
}

static const char *const point_names[KS_SCHED_EP_COUNT] = {
    [KS_SCHED_EP_QUEUE_SORT] = "QueueSort", [KS_SCHED_EP_PRE_ENQUEUE] = "PreEnqueue",
    [KS_SCHED_EP_PRE_FILTER] = "PreFilter", [KS_SCHED_EP_FILTER] = "Filter",
    [KS_SCHED_EP_POST_FILTER] = "PostFilter", [KS_SCHED_EP_PRE_SCORE] = "PreScore",
    [KS_SCHED_EP_SCORE] = "Score",          [KS_SCHED_EP_RESERVE] = "Reserve",
    [KS_SCHED_EP_PERMIT] = "Permit",        [KS_SCHED_EP_PRE_BIND] = "PreBind",
    [KS_SCHED_EP_BIND] = "Bind",            [KS_SCHED_EP_POST_BIND] = "PostBind",
};

/* Copies point e's list into fw after checking every index: in range,
 * implementing the point, listed once (upstream updatePluginList's checks). */
static gboolean set_point(KsSchedFramework *fw, KsSchedExtensionPoint e, const guint8 *idx,
                          guint n, GError **error) {
  guint64 seen = 0;
  if (n > KS_SCHED_MAX_PLUGINS || (n > 0 && !idx)) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "profile %s: %s: %u entries given%s", fw->name, point_names[e], n,
                idx ? " (more than a profile's plugins can be)" : " without a list");
    return FALSE;
  }
  for (guint k = 0; k < n; k++) {
    if (idx[k] >= fw->n_plugins) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "profile %s: %s entry %u: plugin index %u out of range (%u plugins)", fw->name,
                  point_names[e], k, idx[k], fw->n_plugins);
      return FALSE;
    }
    const KsSchedPluginDesc *d = fw->plugins[idx[k]].desc;
    if (!ks_sched_plugin_implements(d, e)) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "profile %s: plugin \"%s\" does not extend %s plugin", fw->name, d->name,
                  point_names[e]);
      return FALSE;
    }
    if (seen & (G_GUINT64_CONSTANT(1) << idx[k])) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_DUPLICATE_PLUGIN,
                  "profile %s: plugin \"%s\" listed twice at %s", fw->name, d->name,
                  point_names[e]);
      return FALSE;
    }
    seen |= G_GUINT64_CONSTANT(1) << idx[k];
    fw->ep[e][k] = idx[k];
  }
  fw->n_ep[e] = n;
  return TRUE;
}

KsSchedFramework *ks_sched_framework_new_points(const KsSchedRegistry *r, const char *profile_name,
                                                const KsSchedPluginConfig *plugins, guint n,
                                                const guint8 *const points[KS_SCHED_EP_COUNT],
                                                const guint n_points[KS_SCHED_EP_COUNT],
                                                GError **error) {
  KsSchedFramework *fw = instantiate(r, profile_name, plugins, n, FALSE, error);
  for (guint e = 0; fw && e < KS_SCHED_EP_COUNT; e++)
    if (!set_point(fw, (KsSchedExtensionPoint)e, points[e], n_points[e], error))
      g_clear_pointer(&fw, ks_sched_framework_free);
  return fw; /* transfer full */
}

KsSchedFramework *ks_sched_framework_new_default(const KsSchedRegistry *r, GError **error) {
  KsSchedFramework *fw = framework_alloc(KS_DEFAULT_SCHEDULER_NAME);
  for (guint i = 0; default_names[i]; i++) {
    const KsSchedPluginDesc *d = ks_sched_registry_lookup(r, default_names[i]);
    if (!d)
      continue; /* not built yet: see docs/scheduler.md */
    KsSchedPluginConfig pc = {default_names[i], default_weights[i], NULL};
    if (!add_plugin(fw, d, &pc, TRUE, error)) {
      ks_sched_framework_free(fw);
      return NULL;
    }
  }
  return fw;
}

void ks_sched_framework_free(KsSchedFramework *fw) {
  if (!fw)
    return;
  for (guint i = 0; i < fw->n_plugins; i++)
    if (fw->plugins[i].desc->destroy)
      fw->plugins[i].desc->destroy(fw->plugins[i].self);
  g_free(fw->name);
  g_free(fw);
}

KsSchedPlugin *ks_sched_framework_plugin(KsSchedFramework *fw, const char *name) {
  for (guint i = 0; i < fw->n_plugins; i++)
    if (strcmp(fw->plugins[i].desc->name, name) == 0)
      return &fw->plugins[i];
  return NULL;
}

/* ---- cycle state -------------------------------------------------------------- */

void ks_sched_cycle_state_init(KsSchedCycleState *cs) { memset(cs, 0, sizeof *cs); }

void ks_sched_cycle_state_clear(KsSchedCycleState *cs, const KsSchedFramework *fw) {
  for (guint i = 0; i < fw->n_plugins; i++) {
    if (cs->data[i] && fw->plugins[i].desc->cycle_data_free)
      fw->plugins[i].desc->cycle_data_free(cs->data[i]);
    cs->data[i] = NULL;
  }
  cs->skip_filter = cs->skip_score = 0;
}

/* ---- events --------------------------------------------------------------------- */

static gboolean event_matches(const KsSchedClusterEvent *reg, const KsSchedClusterEvent *ev) {
  return (reg->resource & ev->resource) && (reg->actions & ev->actions);
}

gboolean ks_sched_framework_event_moves(const KsSchedFramework *fw, guint64 rejectors,
                                        const KsSchedClusterEvent *ev) {
  if (rejectors == 0 || ev == &KS_SCHED_EVENT_UNSCHEDULABLE_TIMEOUT)
    return TRUE;
  for (guint i = 0; i < fw->n_plugins; i++) {
    if (!(rejectors & (G_GUINT64_CONSTANT(1) << i)))
      continue;
    const KsSchedPluginDesc *d = fw->plugins[i].desc;
    for (guint k = 0; k < d->n_events; k++)
      if (event_matches(&d->events[k], ev))
        return TRUE;
  }
  return FALSE;
}

/* ---- DefaultNormalizeScore -------------------------------------------------------- */

void ks_sched_default_normalize_score(gint64 max_priority, gboolean reverse, gint64 *scores,
                                      guint n) {
  gint64 max = 0;
  for (guint i = 0; i < n; i++)
    if (scores[i] > max)
      max = scores[i];
  if (max == 0) {
    if (reverse)
      for (guint i = 0; i < n; i++)
        scores[i] = max_priority;
    return;
  }
  for (guint i = 0; i < n; i++) {
    gint64 s = max_priority * scores[i] / max;
    scores[i] = reverse ? max_priority - s : s;
  }
}
