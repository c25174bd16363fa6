/* pluginConfig[].args of a KubeSchedulerConfiguration.
 *
 * Upstream decodes args into the type named "<plugin>Args" when the v1
 * scheme knows it (strictly: unknown fields are errors), defaults it, and
 * validates it (validation_pluginargs.go). Args of any other plugin (an
 * out-of-tree one) stay raw for the plugin to read. We do the same: each
 * known args type has a decoder here that fills the plugin's own args
 * struct (sched/plugins/<plugin>.h) with defaults applied; everything else
 * keeps its YAML node (KsSchedConfigPluginArgs.raw, alive as long as the
 * config) with decoded = FALSE.
 *
 * NodeResourcesFitArgs are validated here, at load, with positions, where
 * upstream validates them only when the plugin is built (its entry in
 * validatePluginConfig's table is keyed "NodeResourcesFitArgs", so the
 * config-level check never matches): the messages are the same, the error
 * simply comes earlier.
 *
 * Decoded: NodeResourcesFit, InterPodAffinity, NodeResourcesBalancedAllocation,
 * PodTopologySpread, NodeAffinity, DefaultPreemption, VolumeBinding, and
 * the research policies Random (seed) and BestFit (cpuWeight,
 * memoryWeight; docs/policies.md). Other built-in names (the plugins ksim
 * lacks, e.g. DynamicResources) keep their raw node and get NULL args.
 *
 * Feature gates are v1.31's defaults and cannot be changed (kube-scheduler
 * takes them on its command line, not in this file): VolumeBindingArgs'
 * `shape` needs the alpha gate VolumeCapacityPriority, so it is refused
 * with upstream's gate-off message.
 *
 * Upstream aggregates every validation error of an args object; we stop at
 * the first, in upstream's order, so a message always has one position.
 * Decoding and validation are separate passes where upstream's order
 * needs it (PodTopologySpread checks defaultingType before the
 * constraints, whose type errors come first since they are decode errors).
 *
 * NodeAffinity: addedAffinity is decoded here with upstream's messages
 * (nodeaffinity.NewNodeSelector / NewPreferredSchedulingTerms and
 * labels.NewRequirement), not with the manifest decoder, whose messages are
 * the API server's; like upstream, a preferred term's errors name the
 * term, not ".preference". Departures: matchFields keys other than
 * metadata.name are refused (upstream accepts them; they never match), and
 * preferred weights are checked by the plugin's create() (range 1..100),
 * not at load.
 *
 * PodTopologySpread: a file cannot give default_selector (the function that
 * derives a pod's selector from the Services and controllers selecting it),
 * so it is NULL and, as the plugin documents, default constraints then
 * select no pods. A host that models those objects must set it in the
 * decoded struct before building the profile.
 *
 * Plugins that are not built in (ks_sched_config_plugin_is_builtin): their
 * args become the flat string map a loaded plugin's create() receives
 * (sched/ksim_plugin.h); nested values are an error naming the field.
 *
 * The args structs hold borrowed pointers (names, arrays); one allocation
 * per args (a box) owns everything they point to.
 */
#include "workloads/scheduler_config.h"
#include "sched/plugins/balanced_allocation.h"
#include "sched/plugins/best_fit.h"
#include "sched/plugins/default_preemption.h"
#include "sched/plugins/inter_pod_affinity.h"
#include "sched/plugins/node_affinity.h"
#include "sched/plugins/node_resources_fit.h"
#include "sched/plugins/pod_topology_spread.h"
#include "sched/plugins/gpu_random.h"
#include "sched/plugins/random.h"
#include "sched/plugins/volume_binding.h"

#include <string.h>

/* Fails at <path>.<key> (value node when present, else `m`). */
static gboolean fail_key(KsDec *d, const KsYamlNode *m, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static gboolean fail_key(KsDec *d, const KsYamlNode *m, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  const KsYamlNode *at = ks_yaml_get(m, key);
  gsize mark = ks_dec_push_field(d, key);
  ks_dec_fail(d, at ? at : m, "%s", msg);
  ks_dec_pop(d, mark);
  g_free(msg);
  return FALSE;
}

/* ---- apimachinery IsQualifiedName (ValidateLabelName) ------------------------------ */

#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_CHARS_MSG                                                                       \
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " \
  "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "     \
  "validation is '" QNAME_FMT "')"

static gboolean name_part_ok(const char *s, gsize n) {
  if (n == 0 || !g_ascii_isalnum(s[0]) || !g_ascii_isalnum(s[n - 1]))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
      return FALSE;
  return TRUE;
}

static gboolean dns1123_subdomain_ok(const char *s, gsize n) {
  if (n == 0 || n > 253)
    return FALSE;
  gsize label = 0; /* start of the current dot-separated label */
  for (gsize i = 0; i <= n; i++) {
    if (i < n && s[i] != '.') {
      if (!g_ascii_islower(s[i]) && !g_ascii_isdigit(s[i]) && s[i] != '-')
        return FALSE;
      continue;
    }
    if (i == label || s[label] == '-' || s[i - 1] == '-')
      return FALSE;
    label = i + 1;
  }
  return TRUE;
}

/* The first IsQualifiedName message for s, or NULL when valid. transfer none */
static const char *qualified_name_error(const char *s) {
  const char *slash = strchr(s, '/');
  const char *name = slash ? slash + 1 : s;
  if (slash && strchr(name, '/'))
    return "a qualified name " QNAME_CHARS_MSG " with an optional DNS subdomain prefix and '/' "
           "(e.g. 'example.com/MyName')";
  if (slash && slash == s)
    return "prefix part must be non-empty";
  if (slash && !dns1123_subdomain_ok(s, (gsize)(slash - s)))
    return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
           "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
           "'example.com', regex used for validation is "
           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  if (!*name)
    return "name part must be non-empty";
  if (strlen(name) > 63)
    return "name part must be no more than 63 characters";
  if (!name_part_ok(name, strlen(name)))
    return "name part " QNAME_CHARS_MSG;
  return NULL;
}

/* ---- TypeMeta inside args ------------------------------------------------------------ */

static gboolean check_args_type(KsDec *d, const KsYamlNode *args, const char *plugin) {
  char *api = NULL, *kind = NULL;
  gboolean ok = ks_dec_string(d, args, "apiVersion", &api) && ks_dec_string(d, args, "kind", &kind);
  if (ok && api && strcmp(api, KS_SCHED_CONFIG_API_VERSION) != 0)
    ok = fail_key(d, args, "apiVersion", "Unsupported value: \"%s\": supported values: \"%s\"",
                  api, KS_SCHED_CONFIG_API_VERSION);
  if (ok && kind && !(g_str_has_prefix(kind, plugin) && strcmp(kind + strlen(plugin), "Args") == 0))
    ok = fail_key(d, args, "kind",
                  "args for plugin %s were not of type %sArgs.kubescheduler.config.k8s.io, got "
                  "%s.kubescheduler.config.k8s.io",
                  plugin, plugin, kind);
  g_free(api);
  g_free(kind);
  return ok;
}

/* ---- NodeResourcesFitArgs ---------------------------------------------------------- */

typedef struct {
  KsSchedFitArgs a; /* first: the pointer handed to the plugin */
  char **ignored, **groups;
  KsSchedResourceSpec *res;
  char **res_names;
  KsSchedShapePoint *shape;
} FitBox;

static void fit_box_free(gpointer p) {
  FitBox *b = p;
  g_strfreev(b->ignored);
  g_strfreev(b->groups);
  g_strfreev(b->res_names);
  g_free(b->res);
  g_free(b->shape);
  g_free(b);
}

static gboolean fit_ignored(KsDec *d, const KsYamlNode *args, FitBox *b) {
  if (!ks_dec_string_list(d, args, "ignoredResources", &b->ignored) ||
      !ks_dec_string_list(d, args, "ignoredResourceGroups", &b->groups))
    return FALSE;
  const KsYamlNode *seq = ks_yaml_get(args, "ignoredResources");
  for (guint i = 0; b->ignored && b->ignored[i]; i++) {
    const char *e = qualified_name_error(b->ignored[i]);
    if (!e)
      continue;
    gsize m = ks_dec_push_field(d, "ignoredResources");
    ks_dec_push_index(d, i);
    ks_dec_fail(d, ks_yaml_item(seq, i), "Invalid value: \"%s\": %s", b->ignored[i], e);
    ks_dec_pop(d, m);
    return FALSE;
  }
  seq = ks_yaml_get(args, "ignoredResourceGroups");
  for (guint i = 0; b->groups && b->groups[i]; i++) {
    const char *e = strchr(b->groups[i], '/') ? "resource group name can't contain '/'"
                                              : qualified_name_error(b->groups[i]);
    if (!e)
      continue;
    gsize m = ks_dec_push_field(d, "ignoredResourceGroups");
    ks_dec_push_index(d, i);
    ks_dec_fail(d, ks_yaml_item(seq, i), "Invalid value: \"%s\": %s", b->groups[i], e);
    ks_dec_pop(d, m);
    return FALSE;
  }
  b->a.ignored_resources = (const char *const *)b->ignored;
  b->a.ignored_resource_groups = (const char *const *)b->groups;
  return TRUE;
}

static gboolean fit_resource(KsDec *d, const KsYamlNode *n, FitBox *b, guint i) {
  static const char *const known[] = {"name", "weight", NULL};
  if (!ks_dec_expect_mapping(d, n) || ks_dec_is_absent(n))
    return ks_dec_is_absent(n) ? ks_dec_fail(d, n, "expected a mapping, got null") : FALSE;
  gint64 w = 0;
  if (!ks_sched_config_check_fields(d, n, known) ||
      !ks_dec_string(d, n, "name", &b->res_names[i]) || !ks_dec_int64(d, n, "weight", &w, NULL))
    return FALSE;
  if (!b->res_names[i])
    b->res_names[i] = g_strdup("");
  if (w == 0)
    w = 1; /* SetDefaults_NodeResourcesFitArgs */
  if (w < 0 || w > 100)
    return fail_key(d, n, "weight",
                    "Invalid value: %" G_GINT64_FORMAT ": resource weight of %s not in valid "
                    "range (0, 100]",
                    w, b->res_names[i]);
  b->res[i] = (KsSchedResourceSpec){b->res_names[i], w};
  return TRUE;
}

static gboolean fit_resources(KsDec *d, const KsYamlNode *ss, FitBox *b) {
  const KsYamlNode *seq = ks_yaml_get(ss, "resources");
  gsize m = ks_dec_push_field(d, "resources");
  gboolean ok = ks_dec_expect_sequence(d, seq);
  guint n = ok && !ks_dec_is_absent(seq) ? ks_yaml_len(seq) : 0;
  if (n == 0) { /* defaults: cpu:1, memory:1 */
    b->res_names = g_strsplit("cpu memory", " ", -1);
    n = 2;
    b->res = g_new0(KsSchedResourceSpec, n);
    for (guint i = 0; i < n; i++)
      b->res[i] = (KsSchedResourceSpec){b->res_names[i], 1};
  } else {
    b->res_names = g_new0(char *, n + 1);
    b->res = g_new0(KsSchedResourceSpec, n);
    for (guint i = 0; ok && i < n; i++) {
      gsize im = ks_dec_push_index(d, i);
      ok = fit_resource(d, ks_yaml_item(seq, i), b, i);
      ks_dec_pop(d, im);
    }
  }
  ks_dec_pop(d, m);
  b->a.resources = b->res;
  b->a.n_resources = n;
  return ok;
}

/* One UtilizationShapePoint, decoded strictly (types and fields only:
 * validate_function_shape checks the values). */
static gboolean shape_point(KsDec *d, const KsYamlNode *n, KsSchedShapePoint *out) {
  static const char *const known[] = {"utilization", "score", NULL};
  if (!ks_dec_expect_mapping(d, n) || ks_dec_is_absent(n))
    return ks_dec_is_absent(n) ? ks_dec_fail(d, n, "expected a mapping, got null") : FALSE;
  gint32 u = 0, sc = 0; /* int32 upstream */
  if (!ks_sched_config_check_fields(d, n, known) || !ks_dec_int32(d, n, "utilization", &u, NULL) ||
      !ks_dec_int32(d, n, "score", &sc, NULL))
    return FALSE;
  *out = (KsSchedShapePoint){u, sc};
  return TRUE;
}

/* The points of the sequence `seq` (absent: none) into *out (n + 1
 * entries, owned by the caller even on error); d->path at the shape. */
static gboolean decode_shape(KsDec *d, const KsYamlNode *seq, KsSchedShapePoint **out, guint *n) {
  gboolean ok = ks_dec_expect_sequence(d, seq);
  *n = ok && !ks_dec_is_absent(seq) ? ks_yaml_len(seq) : 0;
  *out = g_new0(KsSchedShapePoint, *n + 1);
  for (guint i = 0; ok && i < *n; i++) {
    gsize im = ks_dec_push_index(d, i);
    ok = shape_point(d, ks_yaml_item(seq, i), &(*out)[i]);
    ks_dec_pop(d, im);
  }
  return ok;
}

/* Fails at <shape>[i].<key>. */
static gboolean shape_fail(KsDec *d, const KsYamlNode *seq, guint i, const char *key, gint64 v,
                           const char *detail) {
  gsize im = ks_dec_push_index(d, i);
  fail_key(d, ks_yaml_item(seq, i), key, "Invalid value: %" G_GINT64_FORMAT ": %s", v, detail);
  ks_dec_pop(d, im);
  return FALSE;
}

/* upstream validateFunctionShape (first error only), d->path at the shape,
 * `at` where an empty shape is reported: at least one point; then the
 * first point whose utilization does not increase; then each point's
 * utilization in [0, 100] and score in [0, MaxCustomPriorityScore]. */
static gboolean validate_function_shape(KsDec *d, const KsYamlNode *at, const KsYamlNode *seq,
                                        const KsSchedShapePoint *s, guint n) {
  if (n == 0)
    return ks_dec_fail(d, at, "Required value: at least one point must be specified");
  for (guint i = 1; i < n; i++)
    if (s[i - 1].utilization >= s[i].utilization)
      return shape_fail(d, seq, i, "utilization", s[i].utilization,
                        "values must be sorted in increasing order");
  for (guint i = 0; i < n; i++) {
    if (s[i].utilization < 0 || s[i].utilization > 100)
      return shape_fail(d, seq, i, "utilization", s[i].utilization, "not in valid range [0, 100]");
    if (s[i].score < 0 || s[i].score > 10)
      return shape_fail(d, seq, i, "score", s[i].score, "not in valid range [0, 10]");
  }
  return TRUE;
}

static gboolean fit_shape(KsDec *d, const KsYamlNode *ss, FitBox *b) {
  static const char *const known[] = {"shape", NULL};
  const KsYamlNode *r = ks_yaml_get(ss, "requestedToCapacityRatio");
  if (ks_dec_is_absent(r))
    return fail_key(d, ss, "requestedToCapacityRatio",
                    "Required value: must be specified when type is RequestedToCapacityRatio");
  gsize m = ks_dec_push_field(d, "requestedToCapacityRatio");
  gboolean ok = ks_dec_expect_mapping(d, r) && ks_sched_config_check_fields(d, r, known);
  if (ok) {
    const KsYamlNode *seq = ks_yaml_get(r, "shape");
    gsize sm = ks_dec_push_field(d, "shape");
    ok = decode_shape(d, seq, &b->shape, &b->a.n_shape) &&
         validate_function_shape(d, ks_dec_is_absent(seq) ? r : seq, seq, b->shape, b->a.n_shape);
    b->a.shape = b->shape;
    ks_dec_pop(d, sm);
  }
  ks_dec_pop(d, m);
  return ok;
}

static gboolean fit_strategy(KsDec *d, const KsYamlNode *args, FitBox *b) {
  static const char *const known[] = {"type", "resources", "requestedToCapacityRatio", NULL};
  static const char *const types[] = {"LeastAllocated", "MostAllocated",
                                      "RequestedToCapacityRatio", NULL};
  const KsYamlNode *ss = ks_yaml_get(args, "scoringStrategy");
  if (ks_dec_is_absent(ss)) { /* SetDefaults: LeastAllocated over cpu:1, memory:1 */
    b->a.strategy = KS_SCHED_FIT_LEAST_ALLOCATED;
    gsize m = ks_dec_push_field(d, "scoringStrategy");
    gboolean ok = fit_resources(d, NULL, b);
    ks_dec_pop(d, m);
    return ok;
  }
  gsize m = ks_dec_push_field(d, "scoringStrategy");
  char *type = NULL;
  gboolean ok = ks_dec_expect_mapping(d, ss) && ks_sched_config_check_fields(d, ss, known) &&
                ks_dec_string(d, ss, "type", &type);
  guint t = 0;
  while (ok && types[t] && g_strcmp0(type, types[t]) != 0)
    t++;
  if (ok && !types[t])
    ok = fail_key(d, ss, "type",
                  "Unsupported value: \"%s\": supported values: \"LeastAllocated\", "
                  "\"MostAllocated\", \"RequestedToCapacityRatio\"",
                  type ? type : "");
  ok = ok && fit_resources(d, ss, b);
  b->a.strategy = (KsSchedFitStrategy)t;
  if (ok && t == KS_SCHED_FIT_REQUESTED_TO_CAPACITY_RATIO)
    ok = fit_shape(d, ss, b);
  else if (ok && !ks_dec_is_absent(ks_yaml_get(ss, "requestedToCapacityRatio")))
    ok = fail_key(d, ss, "requestedToCapacityRatio",
                  "Forbidden: must be nil when type is not RequestedToCapacityRatio");
  g_free(type);
  ks_dec_pop(d, m);
  return ok;
}

static gboolean decode_fit(KsDec *d, const KsYamlNode *args, KsSchedConfigPluginArgs *out) {
  static const char *const known[] = {"apiVersion", "kind", "ignoredResources",
                                      "ignoredResourceGroups", "scoringStrategy", NULL};
  FitBox *b = g_new0(FitBox, 1);
  out->args = b;
  out->args_free = fit_box_free;
  if (args && !ks_sched_config_check_fields(d, args, known))
    return FALSE;
  if (args && (!check_args_type(d, args, "NodeResourcesFit") || !fit_ignored(d, args, b)))
    return FALSE;
  return fit_strategy(d, args, b);
}

/* ---- InterPodAffinityArgs ------------------------------------------------------------ */

static gboolean decode_inter_pod_affinity(KsDec *d, const KsYamlNode *args,
                                          KsSchedConfigPluginArgs *out) {
  static const char *const known[] = {"apiVersion", "kind", "hardPodAffinityWeight",
                                      "ignorePreferredTermsOfExistingPods", NULL};
  KsSchedInterPodAffinityArgs *a = g_new0(KsSchedInterPodAffinityArgs, 1);
  out->args = a;
  out->args_free = g_free;
  a->hard_pod_affinity_weight = KS_SCHED_DEFAULT_HARD_POD_AFFINITY_WEIGHT;
  if (!args)
    return TRUE;
  if (!ks_sched_config_check_fields(d, args, known) ||
      !check_args_type(d, args, "InterPodAffinity") ||
      !ks_dec_int32(d, args, "hardPodAffinityWeight", &a->hard_pod_affinity_weight, NULL) ||
      !ks_dec_bool(d, args, "ignorePreferredTermsOfExistingPods",
                   &a->ignore_preferred_terms_of_existing_pods))
    return FALSE;
  if (a->hard_pod_affinity_weight < 0 || a->hard_pod_affinity_weight > 100)
    return fail_key(d, args, "hardPodAffinityWeight", "Invalid value: %d: not in valid range [0, 100]",
                    a->hard_pod_affinity_weight);
  return TRUE;
}

/* ---- NodeResourcesBalancedAllocationArgs ------------------------------------------------- */

typedef struct {
  KsSchedBalancedAllocationArgs a; /* first: the pointer handed to the plugin */
  KsSchedResourceSpec *res;
  char **names;
} BalancedBox;

static void balanced_box_free(gpointer p) {
  BalancedBox *b = p;
  g_strfreev(b->names);
  g_free(b->res);
  g_free(b);
}

static gboolean balanced_resource(KsDec *d, const KsYamlNode *n, BalancedBox *b, guint i) {
  static const char *const known[] = {"name", "weight", NULL};
  if (!ks_dec_expect_mapping(d, n) || ks_dec_is_absent(n))
    return ks_dec_is_absent(n) ? ks_dec_fail(d, n, "expected a mapping, got null") : FALSE;
  gint64 w = 0;
  if (!ks_sched_config_check_fields(d, n, known) || !ks_dec_string(d, n, "name", &b->names[i]) ||
      !ks_dec_int64(d, n, "weight", &w, NULL))
    return FALSE;
  if (!b->names[i])
    b->names[i] = g_strdup("");
  for (guint j = 0; j < i; j++)
    if (strcmp(b->names[j], b->names[i]) == 0)
      return fail_key(d, n, "name", "Duplicate value: \"%s\"", b->names[i]);
  if (w == 0)
    w = 1; /* SetDefaults_NodeResourcesBalancedAllocationArgs */
  if (w != 1)
    return fail_key(d, n, "weight", "Invalid value: %" G_GINT64_FORMAT ": must be 1", w);
  b->res[i] = (KsSchedResourceSpec){b->names[i], w};
  return TRUE;
}

static gboolean decode_balanced(KsDec *d, const KsYamlNode *args, KsSchedConfigPluginArgs *out) {
  static const char *const known[] = {"apiVersion", "kind", "resources", NULL};
  BalancedBox *b = g_new0(BalancedBox, 1);
  out->args = b;
  out->args_free = balanced_box_free;
  if (args && (!ks_sched_config_check_fields(d, args, known) ||
               !check_args_type(d, args, "NodeResourcesBalancedAllocation")))
    return FALSE;
  const KsYamlNode *seq = args ? ks_yaml_get(args, "resources") : NULL;
  gsize m = ks_dec_push_field(d, "resources");
  gboolean ok = ks_dec_expect_sequence(d, seq);
  guint n = ok && !ks_dec_is_absent(seq) ? ks_yaml_len(seq) : 0;
  if (ok && n == 0) { /* defaults: cpu:1, memory:1 */
    b->names = g_strsplit("cpu memory", " ", -1);
    n = 2;
    b->res = g_new0(KsSchedResourceSpec, n);
    for (guint i = 0; i < n; i++)
      b->res[i] = (KsSchedResourceSpec){b->names[i], 1};
  } else if (ok) {
    b->names = g_new0(char *, n + 1);
    b->res = g_new0(KsSchedResourceSpec, n);
    for (guint i = 0; ok && i < n; i++) {
      gsize im = ks_dec_push_index(d, i);
      ok = balanced_resource(d, ks_yaml_item(seq, i), b, i);
      ks_dec_pop(d, im);
    }
  }
  ks_dec_pop(d, m);
  b->a.resources = b->res;
  b->a.n_resources = n;
  return ok;
}

/* ---- DefaultPreemptionArgs ------------------------------------------------------------ */

static gboolean decode_default_preemption(KsDec *d, const KsYamlNode *args,
                                          KsSchedConfigPluginArgs *out) {
  static const char *const known[] = {"apiVersion", "kind", "minCandidateNodesPercentage",
                                      "minCandidateNodesAbsolute", NULL};
  KsSchedDefaultPreemptionArgs *a = g_new0(KsSchedDefaultPreemptionArgs, 1);
  out->args = a;
  out->args_free = g_free;
  /* SetDefaults_DefaultPreemptionArgs: only unset (nil) fields take 10 / 100,
   * so an explicit 0 stays 0. */
  a->min_candidate_nodes_percentage = KS_SCHED_DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE;
  a->min_candidate_nodes_absolute = KS_SCHED_DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE;
  if (!args)
    return TRUE;
  if (!ks_sched_config_check_fields(d, args, known) ||
      !check_args_type(d, args, "DefaultPreemption") ||
      !ks_dec_int32(d, args, "minCandidateNodesPercentage", &a->min_candidate_nodes_percentage,
                    NULL) ||
      !ks_dec_int32(d, args, "minCandidateNodesAbsolute", &a->min_candidate_nodes_absolute, NULL))
    return FALSE;
  /* ValidateDefaultPreemptionArgs, first error only. */
  gint32 pct = a->min_candidate_nodes_percentage, abs = a->min_candidate_nodes_absolute;
  if (pct < 0 || pct > 100)
    return fail_key(d, args, "minCandidateNodesPercentage",
                    "Invalid value: %d: not in valid range [0, 100]", pct);
  if (abs < 0)
    return fail_key(d, args, "minCandidateNodesAbsolute",
                    "Invalid value: %d: not in valid range [0, inf)", abs);
  if (pct == 0 && abs == 0)
    return fail_key(d, args, "minCandidateNodesPercentage",
                    "Invalid value: 0: cannot be zero at the same time as "
                    "minCandidateNodesAbsolute");
  return TRUE;
}

/* ---- VolumeBindingArgs ------------------------------------------------------------------ */

typedef struct {
  KsSchedVolumeBindingArgs a; /* first: the pointer handed to the plugin */
  KsSchedShapePoint *shape;
} VolumeBindingBox;

static void volume_binding_box_free(gpointer p) {
  VolumeBindingBox *b = p;
  g_free(b->shape);
  g_free(b);
}

/* Go's %#v of a []config.UtilizationShapePoint, as field.Invalid prints it. transfer full */
static char *go_shape_slice(const KsSchedShapePoint *s, guint n) {
  GString *out = g_string_new("[]config.UtilizationShapePoint{");
  for (guint i = 0; i < n; i++)
    g_string_append_printf(out,
                           "%sconfig.UtilizationShapePoint{Utilization:%" G_GINT64_FORMAT
                           ", Score:%" G_GINT64_FORMAT "}",
                           i ? ", " : "", s[i].utilization, s[i].score);
  g_string_append_c(out, '}');
  return g_string_free(out, FALSE);
}

/* SetDefaults_VolumeBindingArgs and ValidateVolumeBindingArgs with v1.31's
 * default feature gates: VolumeCapacityPriority (alpha) is off, so the
 * shape is neither defaulted nor allowed, and capacity scoring stays off.
 * Any non-null shape, even [], is refused (a Go non-nil slice), after its
 * points are decoded (type errors come first, as decode errors). */
static gboolean decode_volume_binding(KsDec *d, const KsYamlNode *args,
                                      KsSchedConfigPluginArgs *out) {
  static const char *const known[] = {"apiVersion", "kind", "bindTimeoutSeconds", "shape", NULL};
  VolumeBindingBox *b = g_new0(VolumeBindingBox, 1);
  out->args = b;
  out->args_free = volume_binding_box_free;
  b->a.bind_timeout_seconds = KS_SCHED_VOLUME_BINDING_DEFAULT_BIND_TIMEOUT_SECONDS;
  if (!args)
    return TRUE;
  gboolean has_timeout = FALSE;
  gint64 timeout = 0;
  if (!ks_sched_config_check_fields(d, args, known) ||
      !check_args_type(d, args, "VolumeBinding") ||
      !ks_dec_int64(d, args, "bindTimeoutSeconds", &timeout, &has_timeout))
    return FALSE;
  if (has_timeout) /* an explicit 0 stays 0 (no waiting); only nil takes 600 */
    b->a.bind_timeout_seconds = timeout;
  const KsYamlNode *seq = ks_yaml_get(args, "shape");
  guint n = 0;
  gsize m = ks_dec_push_field(d, "shape");
  gboolean ok = decode_shape(d, seq, &b->shape, &n);
  ks_dec_pop(d, m);
  if (!ok)
    return FALSE;
  if (b->a.bind_timeout_seconds < 0)
    return fail_key(d, args, "bindTimeoutSeconds",
                    "Invalid value: %" G_GINT64_FORMAT
                    ": invalid BindTimeoutSeconds, should not be a negative value",
                    b->a.bind_timeout_seconds);
  if (!ks_dec_is_absent(seq)) {
    char *bad = go_shape_slice(b->shape, n);
    fail_key(d, args, "shape",
             "Invalid value: %s: unexpected field `shape`, remove it or turn on the feature gate "
             "VolumeCapacityPriority",
             bad);
    g_free(bad);
    return FALSE;
  }
  return TRUE;
}

/* ---- PodTopologySpreadArgs --------------------------------------------------------------- */

/* A default constraint as written, before validation. */
typedef struct {
  gboolean has_skew;
  char *when; /* whenUnsatisfiable as written; NULL/"" = empty */
} PtsRaw;

typedef struct {
  KsSchedPodTopologySpreadArgs a; /* first: the pointer handed to the plugin */
  GArray *constraints;            /* of KsTopologySpreadConstraint */
  PtsRaw *raws;                   /* as written, for validation; one per constraint */
  guint n_raws;
} PtsBox;

static void pts_box_free(gpointer p) {
  PtsBox *b = p;
  if (b->constraints)
    g_array_unref(b->constraints);
  for (guint i = 0; i < b->n_raws; i++)
    g_free(b->raws[i].when);
  g_free(b->raws);
  g_free(b);
}

/* One of `names` (NULL-terminated) or an "Unsupported value" error at key.
 * An absent field leaves *out alone; *present tells. */
static gboolean decode_choice(KsDec *d, const KsYamlNode *m, const char *key,
                              const char *const *names, gint *out, char **text) {
  char *s = NULL;
  if (!ks_dec_string(d, m, key, &s))
    return FALSE;
  if (text)
    *text = g_strdup(s);
  if (!s || (!*s && text)) { /* "" is "unset" where the caller checks Required itself */
    g_free(s);
    return TRUE;
  }
  for (gint i = 0; names[i]; i++)
    if (strcmp(s, names[i]) == 0) {
      *out = i;
      g_free(s);
      return TRUE;
    }
  GString *list = g_string_new(NULL);
  for (guint i = 0; names[i]; i++)
    g_string_append_printf(list, "%s\"%s\"", i ? ", " : "", names[i]);
  fail_key(d, m, key, "Unsupported value: \"%s\": supported values: %s", s, list->str);
  g_string_free(list, TRUE);
  g_free(s);
  return FALSE;
}

static gboolean pts_decode_constraint(KsDec *d, const KsYamlNode *n, KsTopologySpreadConstraint *c,
                                      PtsRaw *raw) {
  static const char *const known[] = {"maxSkew", "topologyKey", "whenUnsatisfiable",
                                      "labelSelector", "minDomains", "nodeAffinityPolicy",
                                      "nodeTaintsPolicy", "matchLabelKeys", NULL};
  /* sets.List order, as upstream's NotSupported prints them. */
  static const char *const actions[] = {"DoNotSchedule", "ScheduleAnyway", NULL};
  static const char *const policies[] = {"Honor", "Ignore", NULL};
  if (ks_dec_is_absent(n) || n->kind != KS_YAML_MAPPING)
    return ks_dec_fail(d, n, "expected a mapping, got %s",
                       ks_dec_is_absent(n) ? "null" : ks_yaml_kind_name(n));
  gint when = 0, na = -1, nt = -1;
  gboolean ok = ks_sched_config_check_fields(d, n, known) &&
                ks_dec_int32(d, n, "maxSkew", &c->max_skew, &raw->has_skew) &&
                ks_dec_string(d, n, "topologyKey", &c->topology_key) &&
                ks_dec_string(d, n, "whenUnsatisfiable", &raw->when) &&
                ks_dec_label_selector(d, n, "labelSelector", &c->label_selector) &&
                ks_dec_int32(d, n, "minDomains", &c->min_domains, NULL) &&
                decode_choice(d, n, "nodeAffinityPolicy", policies, &na, NULL) &&
                decode_choice(d, n, "nodeTaintsPolicy", policies, &nt, NULL) &&
                ks_dec_string_list(d, n, "matchLabelKeys", &c->match_label_keys);
  /* Any string decodes (a typed string upstream); validation checks it. */
  for (gint i = 0; raw->when && actions[i]; i++)
    if (strcmp(raw->when, actions[i]) == 0)
      when = i;
  c->when_unsatisfiable = when == 1 ? KS_UNSATISFIABLE_SCHEDULE_ANYWAY
                                    : KS_UNSATISFIABLE_DO_NOT_SCHEDULE;
  c->node_affinity_policy = na < 0 ? KS_INCLUSION_POLICY_UNSET
                                   : na == 0 ? KS_INCLUSION_POLICY_HONOR : KS_INCLUSION_POLICY_IGNORE;
  c->node_taints_policy = nt < 0 ? KS_INCLUSION_POLICY_UNSET
                                 : nt == 0 ? KS_INCLUSION_POLICY_HONOR : KS_INCLUSION_POLICY_IGNORE;
  return ok;
}

/* ValidatePodTopologySpreadArgs' per-constraint checks, in its order. */
static gboolean pts_validate_constraint(KsDec *d, const KsYamlNode *n, const PtsBox *b, guint i,
                                        const PtsRaw *raws) {
  const KsTopologySpreadConstraint *c = &g_array_index(b->constraints, KsTopologySpreadConstraint, i);
  const char *when = raws[i].when ? raws[i].when : "";
  if (c->max_skew <= 0)
    return fail_key(d, n, "maxSkew", "Invalid value: %d: not in valid range (0, inf)", c->max_skew);
  if (!c->topology_key || !*c->topology_key)
    return fail_key(d, n, "topologyKey", "Required value: can not be empty");
  const char *qn = qualified_name_error(c->topology_key);
  if (qn)
    return fail_key(d, n, "topologyKey", "Invalid value: \"%s\": %s", c->topology_key, qn);
  if (!*when)
    return fail_key(d, n, "whenUnsatisfiable", "Required value: can not be empty");
  if (strcmp(when, "DoNotSchedule") != 0 && strcmp(when, "ScheduleAnyway") != 0)
    return fail_key(d, n, "whenUnsatisfiable",
                    "Unsupported value: \"%s\": supported values: \"DoNotSchedule\", "
                    "\"ScheduleAnyway\"",
                    when);
  if (c->label_selector)
    return fail_key(d, n, "labelSelector",
                    "Forbidden: constraint must not define a selector, as they deduced for each pod");
  for (guint j = 0; j < i; j++) {
    const KsTopologySpreadConstraint *o = &g_array_index(b->constraints, KsTopologySpreadConstraint, j);
    if (o->when_unsatisfiable == c->when_unsatisfiable && strcmp(o->topology_key, c->topology_key) == 0)
      return ks_dec_fail(d, n, "Duplicate value: \"{%s, %s}\"", c->topology_key, when);
  }
  return TRUE;
}

static gboolean pts_constraints(KsDec *d, const KsYamlNode *seq, PtsBox *b, gboolean validate) {
  guint n = ks_dec_is_absent(seq) ? 0 : ks_yaml_len(seq);
  if (!validate) {
    b->raws = g_new0(PtsRaw, n + 1);
    b->n_raws = n;
  }
  gsize m = ks_dec_push_field(d, "defaultConstraints");
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < n; i++) {
    gsize im = ks_dec_push_index(d, i);
    const KsYamlNode *it = ks_yaml_item(seq, i);
    if (!validate) {
      g_array_set_size(b->constraints, i + 1);
      ok = pts_decode_constraint(
          d, it, &g_array_index(b->constraints, KsTopologySpreadConstraint, i), &b->raws[i]);
    } else {
      ok = pts_validate_constraint(d, it, b, i, b->raws);
    }
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, m);
  return ok;
}

static gboolean decode_pod_topology_spread(KsDec *d, const KsYamlNode *args,
                                           KsSchedConfigPluginArgs *out) {
  static const char *const known[] = {"apiVersion", "kind", "defaultConstraints", "defaultingType",
                                      NULL};
  static const char *const types[] = {"System", "List", NULL};
  PtsBox *b = g_new0(PtsBox, 1);
  out->args = b;
  out->args_free = pts_box_free;
  b->constraints = ks_topology_spread_constraint_array_new();
  b->a.defaulting_type = KS_SCHED_PTS_DEFAULTING_SYSTEM; /* SetDefaults_PodTopologySpreadArgs */
  if (!args)
    return TRUE;
  const KsYamlNode *seq = ks_yaml_get(args, "defaultConstraints");
  gint type = 0;
  char *type_text = NULL;
  gboolean ok = ks_sched_config_check_fields(d, args, known) &&
                check_args_type(d, args, "PodTopologySpread");
  if (ok) {
    gsize m = ks_dec_push_field(d, "defaultConstraints");
    ok = ks_dec_expect_sequence(d, seq);
    ks_dec_pop(d, m);
  }
  /* Decode everything first (type errors), then validate in upstream's
   * order: defaultingType, then each constraint. */
  ok = ok && pts_constraints(d, seq, b, FALSE) &&
       decode_choice(d, args, "defaultingType", types, &type, &type_text);
  if (ok && type_text && !*type_text)
    type = 0; /* "" is unset: defaulted to System */
  b->a.defaulting_type = type == 1 ? KS_SCHED_PTS_DEFAULTING_LIST : KS_SCHED_PTS_DEFAULTING_SYSTEM;
  if (ok && type == 0 && b->constraints->len > 0)
    ok = fail_key(d, args, "defaultingType",
                  "Invalid value: \"System\": when .defaultConstraints are not empty");
  ok = ok && pts_constraints(d, seq, b, TRUE);
  g_free(type_text);
  b->a.default_constraints = (const KsTopologySpreadConstraint *)b->constraints->data;
  b->a.n_default_constraints = b->constraints->len;
  return ok;
}

/* ---- NodeAffinityArgs ------------------------------------------------------------------ */

/* Go's %#v of a []string, as field.Invalid prints a bad value. transfer full */
static char *go_string_slice(char **v, gboolean present) {
  if (!present)
    return g_strdup("[]string(nil)");
  GString *s = g_string_new("[]string{");
  for (guint i = 0; v && v[i]; i++)
    g_string_append_printf(s, "%s\"%s\"", i ? ", " : "", v[i]);
  g_string_append_c(s, '}');
  return g_string_free(s, FALSE);
}

#define LABEL_VALUE_MSG                                                                        \
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or " \
  "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "         \
  "'my_value',  or '12345', regex used for validation is "                                  \
  "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

/* apimachinery IsValidLabelValue, joined with "; " as validateLabelValue does. */
static char *label_value_error(const char *v) {
  gsize n = strlen(v);
  gboolean long_ = n > 63, bad = n > 0 && !name_part_ok(v, n);
  if (!long_ && !bad)
    return NULL;
  return g_strdup_printf("%s%s%s", long_ ? "must be no more than 63 characters" : "",
                         long_ && bad ? "; " : "", bad ? LABEL_VALUE_MSG : "");
}

/* labels.NewRequirement's checks (key, value count, integers, values) for
 * one matchExpressions entry; `n` is its node, d->path its path. */
static gboolean na_check_expression(KsDec *d, const KsYamlNode *n, const KsSelectorRequirement *r,
                                    gboolean has_values) {
  const char *kerr = qualified_name_error(r->key);
  if (kerr)
    return fail_key(d, n, "key", "Invalid value: \"%s\": %s", r->key, kerr);
  guint nv = r->values ? g_strv_length(r->values) : 0;
  const char *msg = NULL;
  switch (r->op) {
  case KS_SELECTOR_OP_IN:
  case KS_SELECTOR_OP_NOT_IN:
    msg = nv == 0 ? "for 'in', 'notin' operators, values set can't be empty" : NULL;
    break;
  case KS_SELECTOR_OP_EXISTS:
  case KS_SELECTOR_OP_DOES_NOT_EXIST:
    msg = nv != 0 ? "values set must be empty for exists and does not exist" : NULL;
    break;
  case KS_SELECTOR_OP_GT:
  case KS_SELECTOR_OP_LT:
    msg = nv != 1 ? "for 'Gt', 'Lt' operators, exactly one value is required" : NULL;
    break;
  }
  if (msg) {
    char *bad = go_string_slice(r->values, has_values);
    fail_key(d, n, "values", "Invalid value: %s: %s", bad, msg);
    g_free(bad);
    return FALSE;
  }
  const KsYamlNode *vals = ks_yaml_get(n, "values");
  for (guint i = 0; i < nv; i++) {
    gint64 x;
    char *verr = NULL;
    if ((r->op == KS_SELECTOR_OP_GT || r->op == KS_SELECTOR_OP_LT) &&
        !ks_selector_parse_int64(r->values[i], &x))
      verr = g_strdup("for 'Gt', 'Lt' operators, the value must be an integer");
    else
      verr = label_value_error(r->values[i]);
    if (verr) {
      gsize m = ks_dec_push_field(d, "values");
      ks_dec_push_index(d, i);
      ks_dec_fail(d, ks_yaml_item(vals, i), "Invalid value: \"%s\": %s", r->values[i], verr);
      ks_dec_pop(d, m);
      g_free(verr);
      return FALSE;
    }
  }
  return TRUE;
}

/* matchFields: In / NotIn with exactly one value (nodeSelectorRequirementsAsFieldSelector). */
static gboolean na_check_field(KsDec *d, const KsYamlNode *n, const KsSelectorRequirement *r,
                               gboolean has_values) {
  guint nv = r->values ? g_strv_length(r->values) : 0;
  if (nv != 1) {
    char *bad = go_string_slice(r->values, has_values);
    fail_key(d, n, "values", "Invalid value: %s: must have one element", bad);
    g_free(bad);
    return FALSE;
  }
  /* ksim's node fields are metadata.name only (sched/selector.h); upstream
   * accepts any key and such a term simply never matches. */
  if (strcmp(r->key, "metadata.name") != 0)
    return fail_key(d, n, "key", "Invalid value: \"%s\": ksim supports only \"metadata.name\" "
                                 "in matchFields", r->key);
  return TRUE;
}

static gboolean na_requirement(KsDec *d, const KsYamlNode *n, gboolean field_sel, GArray *out) {
  static const char *const known[] = {"key", "operator", "values", NULL};
  static const char *const ops[] = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", NULL};
  static const char *const field_ops[] = {"In", "NotIn", NULL};
  if (ks_dec_is_absent(n) || n->kind != KS_YAML_MAPPING)
    return ks_dec_fail(d, n, "expected a mapping, got %s",
                       ks_dec_is_absent(n) ? "null" : ks_yaml_kind_name(n));
  KsSelectorRequirement r = {0};
  gint op = 0;
  char *op_text = NULL;
  gboolean ok = ks_sched_config_check_fields(d, n, known) && ks_dec_string(d, n, "key", &r.key) &&
                ks_dec_string_list(d, n, "values", &r.values) &&
                decode_choice(d, n, "operator", field_sel ? field_ops : ops, &op, &op_text);
  if (ok && (!op_text || !*op_text)) /* "" is not a valid operator either */
    ok = fail_key(d, n, "operator", "Unsupported value: \"\": supported values: %s",
                  field_sel ? "\"In\", \"NotIn\""
                            : "\"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\"");
  g_free(op_text);
  if (!r.key)
    r.key = g_strdup("");
  r.op = (KsSelectorOp)op; /* ops[] is in KsSelectorOp order */
  gboolean has_values = !ks_dec_is_absent(ks_yaml_get(n, "values"));
  ok = ok && (field_sel ? na_check_field(d, n, &r, has_values)
                        : na_check_expression(d, n, &r, has_values));
  if (ok)
    g_array_append_val(out, r);
  else
    ks_selector_requirement_clear(&r);
  return ok;
}

static gboolean na_requirements(KsDec *d, const KsYamlNode *term, const char *key,
                                gboolean field_sel, GArray **out) {
  const KsYamlNode *seq = ks_yaml_get(term, key);
  gsize m = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_sequence(d, seq);
  if (ok && !ks_dec_is_absent(seq) && ks_yaml_len(seq) > 0) {
    *out = ks_selector_requirement_array_new();
    for (guint i = 0; ok && i < ks_yaml_len(seq); i++) {
      gsize im = ks_dec_push_index(d, i);
      ok = na_requirement(d, ks_yaml_item(seq, i), field_sel, *out);
      ks_dec_pop(d, im);
    }
  }
  ks_dec_pop(d, m);
  return ok;
}

/* A NodeSelectorTerm at `n`; errors are reported at d->path (upstream
 * reports a preferred term's errors without ".preference"). */
static gboolean na_term(KsDec *d, const KsYamlNode *n, KsNodeSelectorTerm *t) {
  static const char *const known[] = {"matchExpressions", "matchFields", NULL};
  memset(t, 0, sizeof *t);
  if (ks_dec_is_absent(n) || n->kind != KS_YAML_MAPPING)
    return ks_dec_fail(d, n, "expected a mapping, got %s",
                       ks_dec_is_absent(n) ? "null" : ks_yaml_kind_name(n));
  return ks_sched_config_check_fields(d, n, known) &&
         na_requirements(d, n, "matchExpressions", FALSE, &t->match_expressions) &&
         na_requirements(d, n, "matchFields", TRUE, &t->match_fields);
}

static gboolean na_required(KsDec *d, const KsYamlNode *req, KsNodeAffinity *na) {
  static const char *const known[] = {"nodeSelectorTerms", NULL};
  gsize m = ks_dec_push_field(d, "requiredDuringSchedulingIgnoredDuringExecution");
  gboolean ok = ks_dec_expect_mapping(d, req) && ks_sched_config_check_fields(d, req, known);
  const KsYamlNode *seq = ok ? ks_yaml_get(req, "nodeSelectorTerms") : NULL;
  na->required = ks_node_selector_new();
  gsize sm = ks_dec_push_field(d, "nodeSelectorTerms");
  ok = ok && ks_dec_expect_sequence(d, seq);
  for (guint i = 0; ok && !ks_dec_is_absent(seq) && i < ks_yaml_len(seq); i++) {
    gsize im = ks_dec_push_index(d, i);
    KsNodeSelectorTerm t;
    ok = na_term(d, ks_yaml_item(seq, i), &t);
    g_array_append_val(na->required->terms, t); /* cleared with the selector on error */
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, sm);
  ks_dec_pop(d, m);
  return ok;
}

static gboolean na_preferred_one(KsDec *d, const KsYamlNode *n, KsPreferredSchedulingTerm *t) {
  static const char *const known[] = {"weight", "preference", NULL};
  if (ks_dec_is_absent(n) || n->kind != KS_YAML_MAPPING)
    return ks_dec_fail(d, n, "expected a mapping, got %s",
                       ks_dec_is_absent(n) ? "null" : ks_yaml_kind_name(n));
  if (!ks_sched_config_check_fields(d, n, known) || !ks_dec_int32(d, n, "weight", &t->weight, NULL))
    return FALSE;
  const KsYamlNode *pref = ks_yaml_get(n, "preference");
  if (ks_dec_is_absent(pref)) /* a zero NodeSelectorTerm: valid, matches nothing */
    return TRUE;
  /* The path stays at the term: upstream's NewPreferredSchedulingTerms
   * reports "...[i].matchFields[0].values", without ".preference". */
  return na_term(d, pref, &t->preference);
}

static gboolean na_preferred(KsDec *d, const KsYamlNode *seq, KsNodeAffinity *na) {
  gsize m = ks_dec_push_field(d, "preferredDuringSchedulingIgnoredDuringExecution");
  gboolean ok = ks_dec_expect_sequence(d, seq);
  guint n = ok && !ks_dec_is_absent(seq) ? ks_yaml_len(seq) : 0;
  if (n)
    na->preferred = ks_preferred_scheduling_term_array_new();
  for (guint i = 0; ok && i < n; i++) {
    gsize im = ks_dec_push_index(d, i);
    KsPreferredSchedulingTerm t = {0};
    ok = na_preferred_one(d, ks_yaml_item(seq, i), &t);
    g_array_append_val(na->preferred, t); /* cleared with the array on error */
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, m);
  return ok;
}

typedef struct {
  KsSchedNodeAffinityArgs a; /* first: the pointer handed to the plugin */
} NodeAffinityBox;

static void node_affinity_box_free(gpointer p) {
  NodeAffinityBox *b = p;
  if (b->a.added_affinity)
    ks_node_affinity_free(b->a.added_affinity);
  g_free(b);
}

static gboolean decode_node_affinity_args(KsDec *d, const KsYamlNode *args,
                                          KsSchedConfigPluginArgs *out) {
  static const char *const known[] = {"apiVersion", "kind", "addedAffinity", NULL};
  static const char *const added_known[] = {"requiredDuringSchedulingIgnoredDuringExecution",
                                            "preferredDuringSchedulingIgnoredDuringExecution", NULL};
  NodeAffinityBox *b = g_new0(NodeAffinityBox, 1);
  out->args = b;
  out->args_free = node_affinity_box_free;
  if (!args)
    return TRUE;
  if (!ks_sched_config_check_fields(d, args, known) || !check_args_type(d, args, "NodeAffinity"))
    return FALSE;
  const KsYamlNode *added = ks_yaml_get(args, "addedAffinity");
  if (ks_dec_is_absent(added))
    return TRUE;
  gsize m = ks_dec_push_field(d, "addedAffinity");
  gboolean ok = ks_dec_expect_mapping(d, added) && ks_sched_config_check_fields(d, added, added_known);
  if (ok) {
    b->a.added_affinity = ks_node_affinity_new();
    const KsYamlNode *req = ks_yaml_get(added, "requiredDuringSchedulingIgnoredDuringExecution");
    ok = (ks_dec_is_absent(req) || na_required(d, req, b->a.added_affinity)) &&
         na_preferred(d, ks_yaml_get(added, "preferredDuringSchedulingIgnoredDuringExecution"),
                      b->a.added_affinity);
  }
  ks_dec_pop(d, m);
  return ok;
}

/* ---- research policies: RandomArgs, BestFitArgs (docs/policies.md) ------------------------ */

/* RandomArgs and GpuRandomArgs: {seed}. */
static gboolean decode_seed(KsDec *d, const KsYamlNode *args, const char *plugin, guint64 *out) {
  static const char *const known[] = {"apiVersion", "kind", "seed", NULL};
  if (!args)
    return TRUE;
  gint64 seed = 0;
  if (!ks_sched_config_check_fields(d, args, known) || !check_args_type(d, args, plugin) ||
      !ks_dec_int64(d, args, "seed", &seed, NULL))
    return FALSE;
  if (seed < 0) /* YAML integers are signed; a seed is a 64-bit pattern, kept non-negative */
    return fail_key(d, args, "seed", "Invalid value: %" G_GINT64_FORMAT ": must be non-negative",
                    seed);
  *out = (guint64)seed;
  return TRUE;
}

static gboolean decode_random(KsDec *d, const KsYamlNode *args, KsSchedConfigPluginArgs *out) {
  KsSchedRandomArgs *a = g_new0(KsSchedRandomArgs, 1);
  out->args = a;
  out->args_free = g_free;
  return decode_seed(d, args, "Random", &a->seed);
}

static gboolean decode_gpu_random(KsDec *d, const KsYamlNode *args,
                                  KsSchedConfigPluginArgs *out) {
  KsSchedGpuRandomArgs *a = g_new0(KsSchedGpuRandomArgs, 1);
  out->args = a;
  out->args_free = g_free;
  return decode_seed(d, args, "GpuRandom", &a->seed);
}

static gboolean decode_best_fit(KsDec *d, const KsYamlNode *args, KsSchedConfigPluginArgs *out) {
  static const char *const known[] = {"apiVersion", "kind", "cpuWeight", "memoryWeight", NULL};
  KsSchedBestFitArgs *a = g_new0(KsSchedBestFitArgs, 1);
  out->args = a;
  out->args_free = g_free;
  if (!args)
    return TRUE;
  gboolean has_cpu = FALSE, has_mem = FALSE;
  if (!ks_sched_config_check_fields(d, args, known) || !check_args_type(d, args, "BestFit") ||
      !ks_dec_int64(d, args, "cpuWeight", &a->cpu_weight, &has_cpu) ||
      !ks_dec_int64(d, args, "memoryWeight", &a->memory_weight, &has_mem))
    return FALSE;
  const char *keys[] = {"cpuWeight", "memoryWeight"};
  const gint64 w[] = {a->cpu_weight, a->memory_weight};
  for (guint i = 0; i < 2; i++)
    if (w[i] < 0 || w[i] > 100)
      return fail_key(d, args, keys[i],
                      "Invalid value: %" G_GINT64_FORMAT ": not in valid range [0, 100]", w[i]);
  /* The plugin reads 0:0 as its 1:1 default; reached by what the user
   * wrote (both 0, or only one weight given as 0), it is a mistake. */
  if ((has_cpu || has_mem) && w[0] == 0 && w[1] == 0)
    return fail_key(d, args, has_cpu ? "cpuWeight" : "memoryWeight",
                    "Invalid value: 0: cannot be zero at the same time as %s",
                    has_cpu ? "memoryWeight" : "cpuWeight");
  return TRUE;
}

/* ---- args of plugins that are not built in (loaded plugins) --------------------------------- */

typedef struct {
  KsLabels labels; /* first: the pointer handed to the plugin (const KsLabels *) */
} StringMapBox;

static void string_map_box_free(gpointer p) {
  StringMapBox *b = p;
  ks_labels_clear(&b->labels);
  g_free(b);
}

/* A loaded plugin's create() takes a flat string map (sched/ksim_plugin.h):
 * every value must be a scalar, kept as written (a YAML null as ""). */
static gboolean decode_string_map(KsDec *d, const KsYamlNode *args, KsSchedConfigPluginArgs *out) {
  if (!args)
    return TRUE; /* no args: create() gets NULL */
  StringMapBox *b = g_new0(StringMapBox, 1);
  ks_labels_init(&b->labels);
  out->args = b;
  out->args_free = string_map_box_free;
  for (guint i = 0; i < ks_yaml_len(args); i++) {
    const char *key = ks_yaml_key(args, i);
    const KsYamlNode *v = ks_yaml_value(args, i);
    gsize m = ks_dec_push_field(d, key ? key : "?");
    gboolean ok = TRUE;
    if (!key)
      ok = ks_dec_fail(d, args->items->pdata[2 * i], "args keys must be strings");
    else if (ks_labels_has(&b->labels, key))
      ok = ks_dec_fail(d, args->items->pdata[2 * i], "duplicate field \"%s\"", key);
    else if (v && v->kind != KS_YAML_SCALAR)
      ok = ks_dec_fail(d, v,
                       "nested values are not supported: a loaded plugin's args are a flat map "
                       "of scalars (got %s)",
                       ks_yaml_kind_name(v));
    else
      ks_labels_set(&b->labels, key, !v || ks_yaml_is_null(v) ? "" : v->scalar);
    ks_dec_pop(d, m);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* Upstream v1.31's in-tree plugins and ksim's research policies: their
 * args are never handed over as a string map. */
static const char *const builtin_names[] = {
    "PrioritySort", "DefaultBinder", "DefaultPreemption", "SchedulingGates", "NodeName",
    "NodePorts", "NodeUnschedulable", "NodeAffinity", "TaintToleration", "NodeResourcesFit",
    "NodeResourcesBalancedAllocation", "ImageLocality", "InterPodAffinity", "PodTopologySpread",
    "VolumeRestrictions", "NodeVolumeLimits", "VolumeBinding", "VolumeZone", "DynamicResources",
    "Random", "FirstFit", "BestFit", "DotProduct", "GpuShare", "FGD", "GpuBestFit", "GpuPacking",
    "GpuClustering", "GpuDotProduct", "GpuRandom", NULL};

gboolean ks_sched_config_plugin_is_builtin(const char *name) {
  return g_strv_contains(builtin_names, name);
}

/* ---- dispatch ---------------------------------------------------------------------- */

typedef gboolean (*ArgsDecoder)(KsDec *d, const KsYamlNode *args, KsSchedConfigPluginArgs *out);

static const struct {
  const char *plugin;
  ArgsDecoder decode;
} decoders[] = {
    {"NodeResourcesFit", decode_fit},
    {"InterPodAffinity", decode_inter_pod_affinity},
    {"NodeResourcesBalancedAllocation", decode_balanced},
    {"DefaultPreemption", decode_default_preemption},
    {"VolumeBinding", decode_volume_binding},
    {"PodTopologySpread", decode_pod_topology_spread},
    {"NodeAffinity", decode_node_affinity_args},
    {"Random", decode_random},
    {"GpuRandom", decode_gpu_random},
    {"BestFit", decode_best_fit},
};

gboolean ks_sched_config_decode_args(KsDec *d, const KsYamlNode *args,
                                     KsSchedConfigPluginArgs *out) {
  if (args && args->kind != KS_YAML_MAPPING)
    return ks_dec_fail(d, args, "expected a mapping, got %s", ks_yaml_kind_name(args));
  for (guint i = 0; i < G_N_ELEMENTS(decoders); i++)
    if (strcmp(decoders[i].plugin, out->name) == 0) {
      out->decoded = TRUE;
      return decoders[i].decode(d, args, out);
    }
  if (ks_sched_config_plugin_is_builtin(out->name))
    return TRUE; /* a built-in without args in ksim: raw kept, args NULL */
  out->string_map = TRUE;
  out->decoded = args != NULL;
  return decode_string_map(d, args, out);
}
