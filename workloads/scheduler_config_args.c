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
 * Decoded: NodeResourcesFit, InterPodAffinity, NodeResourcesBalancedAllocation.
 * Not yet decoded (raw kept, values unchecked): PodTopologySpread,
 * NodeAffinity, DefaultPreemption, VolumeBinding.
 *
 * The args structs hold borrowed pointers (names, arrays); one allocation
 * per args (a box) owns everything they point to.
 */
#include "workloads/scheduler_config.h"
#include "sched/plugins/balanced_allocation.h"
#include "sched/plugins/inter_pod_affinity.h"
#include "sched/plugins/node_resources_fit.h"

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

static gboolean shape_point(KsDec *d, const KsYamlNode *n, KsSchedShapePoint *out,
                            const KsSchedShapePoint *prev) {
  static const char *const known[] = {"utilization", "score", NULL};
  if (!ks_dec_expect_mapping(d, n) || ks_dec_is_absent(n))
    return ks_dec_is_absent(n) ? ks_dec_fail(d, n, "expected a mapping, got null") : FALSE;
  gint32 u = 0, s = 0;
  if (!ks_sched_config_check_fields(d, n, known) || !ks_dec_int32(d, n, "utilization", &u, NULL) ||
      !ks_dec_int32(d, n, "score", &s, NULL))
    return FALSE;
  if (prev && prev->utilization >= u)
    return fail_key(d, n, "utilization", "Invalid value: %d: values must be sorted in increasing "
                                         "order", u);
  if (u < 0 || u > 100)
    return fail_key(d, n, "utilization", "Invalid value: %d: not in valid range [0, 100]", u);
  if (s < 0 || s > 10)
    return fail_key(d, n, "score", "Invalid value: %d: not in valid range [0, 10]", s);
  *out = (KsSchedShapePoint){u, s};
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
  const KsYamlNode *seq = ok ? ks_yaml_get(r, "shape") : NULL;
  if (ok) {
    gsize sm = ks_dec_push_field(d, "shape");
    ok = ks_dec_expect_sequence(d, seq);
    guint n = ok && !ks_dec_is_absent(seq) ? ks_yaml_len(seq) : 0;
    if (ok && n == 0)
      ok = ks_dec_fail(d, ks_dec_is_absent(seq) ? r : seq,
                       "Required value: at least one point must be specified");
    b->shape = g_new0(KsSchedShapePoint, n + 1);
    for (guint i = 0; ok && i < n; i++) {
      gsize im = ks_dec_push_index(d, i);
      ok = shape_point(d, ks_yaml_item(seq, i), &b->shape[i], i ? &b->shape[i - 1] : NULL);
      ks_dec_pop(d, im);
    }
    b->a.shape = b->shape;
    b->a.n_shape = n;
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

/* ---- dispatch ---------------------------------------------------------------------- */

typedef gboolean (*ArgsDecoder)(KsDec *d, const KsYamlNode *args, KsSchedConfigPluginArgs *out);

static const struct {
  const char *plugin;
  ArgsDecoder decode;
} decoders[] = {
    {"NodeResourcesFit", decode_fit},
    {"InterPodAffinity", decode_inter_pod_affinity},
    {"NodeResourcesBalancedAllocation", decode_balanced},
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
  return TRUE; /* not (yet) decoded: raw kept */
}
