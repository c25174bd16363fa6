/* Decoders for the pieces several kinds share: metadata, label and node
 * selectors, taints and tolerations, affinity, topology spread.
 *
 * Each decoder builds its result locally and hands it over only when the
 * whole piece decoded, so an error never leaves a half-filled object behind
 * (the caller then frees what it owns and returns NULL). Arrays are created
 * with a clear func, the sched module's convention, so g_array_unref frees
 * elements too.
 *
 * Validation is limited to what the API server would reject and what would
 * otherwise change meaning silently: unknown operators and effects, values
 * given where an operator forbids them (or missing where it needs them).
 */
#include "workloads/manifest_decode.h"

#include <string.h>

/* A sequence item must be a mapping; a null item is an error here. */
static gboolean require_mapping(KsDec *d, const KsYamlNode *n) {
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  return ks_dec_expect_mapping(d, n);
}

void ks_dec_meta_clear(KsDecMeta *m) {
  g_free(m->name);
  g_free(m->namespace);
  g_free(m->uid);
  ks_labels_clear(&m->labels);
  ks_labels_clear(&m->annotations);
  memset(m, 0, sizeof *m);
}

gboolean ks_dec_metadata(KsDec *d, const KsYamlNode *obj, KsDecMeta *out) {
  memset(out, 0, sizeof *out);
  ks_labels_init(&out->labels);
  ks_labels_init(&out->annotations);
  const KsYamlNode *md = ks_yaml_get(obj, "metadata");
  gsize mark = ks_dec_push_field(d, "metadata");
  gboolean ok = ks_dec_expect_mapping(d, md);
  ks_dec_pop(d, mark);
  if (!ok)
    return FALSE;
  if (ks_dec_is_absent(md) && !d->name_optional)
    return ks_dec_missing(d, obj, "metadata.name");
  mark = ks_dec_push_field(d, "metadata");
  ok = (d->name_optional ? ks_dec_string(d, md, "name", &out->name)
                         : ks_dec_required_string(d, md, "name", &out->name)) &&
       ks_dec_string(d, md, "namespace", &out->namespace) &&
       ks_dec_string(d, md, "uid", &out->uid) && ks_dec_labels(d, md, "labels", &out->labels) &&
       ks_dec_labels(d, md, "annotations", &out->annotations) &&
       ks_dec_timestamp(d, md, "creationTimestamp", &out->creation_timestamp_us);
  ks_dec_pop(d, mark);
  if (ok && !out->name)
    out->name = g_strdup("");
  return ok;
}

/* ---- selector requirements --------------------------------------------- */

static void requirement_clear_func(gpointer p) {
  ks_selector_requirement_clear(p);
}

static GArray *requirement_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsSelectorRequirement));
  g_array_set_clear_func(a, requirement_clear_func);
  return a; /* transfer full */
}

typedef enum { REQ_LABEL, REQ_NODE_LABEL, REQ_NODE_FIELD } ReqFlavor;

static gboolean check_requirement(KsDec *d, const KsYamlNode *n, ReqFlavor flavor,
                                  const KsSelectorRequirement *r) {
  guint nv = r->values ? g_strv_length(r->values) : 0;
  gsize mark = ks_dec_push_field(d, "values");
  gboolean ok = TRUE;
  const char *op = ks_selector_op_to_string(r->op);
  if ((r->op == KS_SELECTOR_OP_IN || r->op == KS_SELECTOR_OP_NOT_IN) && nv == 0)
    ok = ks_dec_fail(d, n, "must be non-empty when operator is %s", op);
  else if ((r->op == KS_SELECTOR_OP_EXISTS || r->op == KS_SELECTOR_OP_DOES_NOT_EXIST) && nv)
    ok = ks_dec_fail(d, n, "must be empty when operator is %s", op);
  else if ((r->op == KS_SELECTOR_OP_GT || r->op == KS_SELECTOR_OP_LT) && nv != 1)
    ok = ks_dec_fail(d, n, "must have exactly one value when operator is %s", op);
  else if (flavor == REQ_NODE_FIELD && nv != 1)
    ok = ks_dec_fail(d, n, "must have exactly one value for a field selector");
  ks_dec_pop(d, mark);
  if (ok && flavor == REQ_NODE_FIELD && strcmp(r->key, "metadata.name")) {
    mark = ks_dec_push_field(d, "key");
    ok = ks_dec_fail(d, ks_yaml_get(n, "key"), "\"%s\" is not a supported field (use metadata.name)",
                     r->key);
    ks_dec_pop(d, mark);
  }
  return ok;
}

static gboolean decode_operator(KsDec *d, const KsYamlNode *n, ReqFlavor flavor, KsSelectorOp *op) {
  char *s = NULL;
  if (!ks_dec_required_string(d, n, "operator", &s))
    return FALSE;
  gboolean ok = ks_selector_op_from_string(s, op);
  if (ok && flavor == REQ_LABEL && (*op == KS_SELECTOR_OP_GT || *op == KS_SELECTOR_OP_LT))
    ok = FALSE;
  if (ok && flavor == REQ_NODE_FIELD && *op != KS_SELECTOR_OP_IN && *op != KS_SELECTOR_OP_NOT_IN)
    ok = FALSE;
  if (!ok) {
    const char *allowed = flavor == REQ_LABEL        ? "In, NotIn, Exists or DoesNotExist"
                          : flavor == REQ_NODE_FIELD ? "In or NotIn"
                                                     : "In, NotIn, Exists, DoesNotExist, Gt or Lt";
    gsize mark = ks_dec_push_field(d, "operator");
    ks_dec_fail(d, ks_yaml_get(n, "operator"), "unknown operator \"%s\" (use %s)", s, allowed);
    ks_dec_pop(d, mark);
  }
  g_free(s);
  return ok;
}

static gboolean decode_requirements(KsDec *d, const KsYamlNode *m, const char *key,
                                    ReqFlavor flavor, GArray **out) {
  const KsYamlNode *seq = ks_yaml_get(m, key);
  if (ks_dec_is_absent(seq))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_sequence(d, seq);
  GArray *a = requirement_array_new();
  for (guint i = 0; ok && i < ks_yaml_len(seq); i++) {
    const KsYamlNode *n = ks_yaml_item(seq, i);
    gsize im = ks_dec_push_index(d, i);
    KsSelectorRequirement r = {0};
    ok = require_mapping(d, n) && ks_dec_required_string(d, n, "key", &r.key) && decode_operator(d, n, flavor, &r.op) &&
         ks_dec_string_list(d, n, "values", &r.values) && check_requirement(d, n, flavor, &r);
    if (ok)
      g_array_append_val(a, r);
    else
      ks_selector_requirement_clear(&r);
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, mark);
  if (!ok) {
    g_array_unref(a);
    return FALSE;
  }
  if (*out)
    g_array_unref(*out);
  *out = a;
  return TRUE;
}

gboolean ks_dec_label_selector(KsDec *d, const KsYamlNode *m, const char *key,
                               KsLabelSelector **out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  KsLabelSelector *s = ks_label_selector_new();
  gboolean ok = ks_dec_expect_mapping(d, n) && ks_dec_labels(d, n, "matchLabels", &s->match_labels) &&
                decode_requirements(d, n, "matchExpressions", REQ_LABEL, &s->match_expressions);
  ks_dec_pop(d, mark);
  if (!ok) {
    ks_label_selector_free(s);
    return FALSE;
  }
  if (*out)
    ks_label_selector_free(*out);
  *out = s;
  return TRUE;
}

gboolean ks_dec_node_selector_term(KsDec *d, const KsYamlNode *n, KsNodeSelectorTerm *out) {
  memset(out, 0, sizeof *out);
  if (!ks_dec_expect_mapping(d, n))
    return FALSE;
  gboolean ok =
      decode_requirements(d, n, "matchExpressions", REQ_NODE_LABEL, &out->match_expressions) &&
      decode_requirements(d, n, "matchFields", REQ_NODE_FIELD, &out->match_fields);
  if (!ok)
    ks_node_selector_term_clear(out);
  return ok;
}

/* ---- taints and tolerations --------------------------------------------- */

static gboolean decode_effect(KsDec *d, const KsYamlNode *n, gboolean taint, KsTaintEffect *out) {
  char *s = NULL;
  if (!ks_dec_string(d, n, "effect", &s))
    return FALSE;
  gboolean ok = ks_taint_effect_from_string(s ? s : "", out);
  if (ok && taint && *out == KS_TAINT_EFFECT_ALL) {
    g_free(s);
    return ks_dec_missing(d, n, "effect");
  }
  if (!ok) {
    gsize mark = ks_dec_push_field(d, "effect");
    ks_dec_fail(d, ks_yaml_get(n, "effect"),
                "unknown effect \"%s\" (use NoSchedule, PreferNoSchedule or NoExecute)", s);
    ks_dec_pop(d, mark);
  }
  g_free(s);
  return ok;
}

static void toleration_clear_func(gpointer p) {
  ks_toleration_clear(p);
}

static void taint_clear_func(gpointer p) {
  ks_taint_clear(p);
}

static gboolean decode_toleration_operator(KsDec *d, const KsYamlNode *n, KsToleration *t) {
  char *op = NULL;
  if (!ks_dec_string(d, n, "operator", &op))
    return FALSE;
  gboolean ok = TRUE;
  gsize mark = ks_dec_push_field(d, "operator");
  if (!op || !*op || !strcmp(op, "Equal"))
    t->op = KS_TOLERATION_OP_EQUAL;
  else if (!strcmp(op, "Exists"))
    t->op = KS_TOLERATION_OP_EXISTS;
  else
    ok = ks_dec_fail(d, ks_yaml_get(n, "operator"), "unknown operator \"%s\" (use Equal or Exists)",
                     op);
  ks_dec_pop(d, mark);
  g_free(op);
  return ok;
}

/* Upstream validation: an empty key needs Exists; Exists takes no value. */
static gboolean check_toleration(KsDec *d, const KsYamlNode *n, const KsToleration *t) {
  gboolean ok = TRUE;
  if (t->op == KS_TOLERATION_OP_EXISTS && t->value && *t->value) {
    gsize mark = ks_dec_push_field(d, "value");
    ok = ks_dec_fail(d, ks_yaml_get(n, "value"), "must be empty when operator is Exists");
    ks_dec_pop(d, mark);
  } else if (t->op == KS_TOLERATION_OP_EQUAL && (!t->key || !*t->key)) {
    gsize mark = ks_dec_push_field(d, "operator");
    ok = ks_dec_fail(d, n, "must be Exists when key is empty");
    ks_dec_pop(d, mark);
  }
  return ok;
}

static gboolean decode_toleration(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsToleration *t = elem;
  if (!require_mapping(d, n))
    return FALSE;
  return ks_dec_string(d, n, "key", &t->key) && decode_toleration_operator(d, n, t) &&
         ks_dec_string(d, n, "value", &t->value) && decode_effect(d, n, FALSE, &t->effect) &&
         ks_dec_int64(d, n, "tolerationSeconds", &t->toleration_seconds,
                      &t->has_toleration_seconds) &&
         check_toleration(d, n, t);
}

static gboolean decode_taint(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsTaint *t = elem;
  if (!require_mapping(d, n))
    return FALSE;
  return ks_dec_required_string(d, n, "key", &t->key) && ks_dec_string(d, n, "value", &t->value) &&
         decode_effect(d, n, TRUE, &t->effect) &&
         ks_dec_timestamp(d, n, "timeAdded", &t->time_added_us);
}

gboolean ks_dec_array(KsDec *d, const KsYamlNode *m, const char *key, guint elem_size,
                      GDestroyNotify clear, KsDecElemFn one, GArray **out) {
  const KsYamlNode *seq = ks_yaml_get(m, key);
  if (ks_dec_is_absent(seq))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_sequence(d, seq);
  GArray *a = g_array_new(FALSE, TRUE, elem_size);
  g_array_set_clear_func(a, clear);
  for (guint i = 0; ok && i < ks_yaml_len(seq); i++) {
    gsize im = ks_dec_push_index(d, i);
    g_array_set_size(a, i + 1); /* zeroed; cleared with the array on failure */
    ok = one(d, ks_yaml_item(seq, i), a->data + (gsize)i * elem_size);
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, mark);
  if (!ok) {
    g_array_unref(a);
    return FALSE;
  }
  if (*out)
    g_array_unref(*out);
  *out = a;
  return TRUE;
}

gboolean ks_dec_tolerations(KsDec *d, const KsYamlNode *m, const char *key, GArray **out) {
  return ks_dec_array(d, m, key, sizeof(KsToleration), toleration_clear_func,
                      decode_toleration, out);
}

gboolean ks_dec_taints(KsDec *d, const KsYamlNode *m, const char *key, GArray **out) {
  return ks_dec_array(d, m, key, sizeof(KsTaint), taint_clear_func, decode_taint, out);
}

/* ---- affinity ------------------------------------------------------------ */

static gboolean decode_weight(KsDec *d, const KsYamlNode *n, gint32 *w) {
  gboolean present = FALSE;
  if (!ks_dec_int32(d, n, "weight", w, &present))
    return FALSE;
  if (!present)
    return ks_dec_missing(d, n, "weight");
  if (*w < 1 || *w > 100) {
    gsize mark = ks_dec_push_field(d, "weight");
    ks_dec_fail(d, ks_yaml_get(n, "weight"), "%d is not in the range 1 to 100", *w);
    ks_dec_pop(d, mark);
    return FALSE;
  }
  return TRUE;
}

static void node_term_clear_func(gpointer p) {
  ks_node_selector_term_clear(p);
}

static gboolean decode_node_term(KsDec *d, const KsYamlNode *n, gpointer elem) {
  return require_mapping(d, n) && ks_dec_node_selector_term(d, n, elem);
}

static void preferred_term_clear_func(gpointer p) {
  ks_node_selector_term_clear(&((KsPreferredSchedulingTerm *)p)->preference);
}

static gboolean decode_preferred_term(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsPreferredSchedulingTerm *t = elem;
  if (!require_mapping(d, n) || !decode_weight(d, n, &t->weight))
    return FALSE;
  const KsYamlNode *pref = ks_yaml_get(n, "preference");
  if (ks_dec_is_absent(pref))
    return ks_dec_missing(d, n, "preference");
  gsize mark = ks_dec_push_field(d, "preference");
  gboolean ok = ks_dec_node_selector_term(d, pref, &t->preference);
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean decode_node_affinity(KsDec *d, const KsYamlNode *n, gpointer outp) {
  KsNodeAffinity **out = outp;
  KsNodeAffinity *na = ks_node_affinity_new();
  const KsYamlNode *req = ks_yaml_get(n, "requiredDuringSchedulingIgnoredDuringExecution");
  gboolean ok = TRUE;
  if (!ks_dec_is_absent(req)) {
    gsize mark = ks_dec_push_field(d, "requiredDuringSchedulingIgnoredDuringExecution");
    GArray *terms = NULL;
    ok = ks_dec_expect_mapping(d, req) &&
         ks_dec_array(d, req, "nodeSelectorTerms", sizeof(KsNodeSelectorTerm),
                      node_term_clear_func, decode_node_term, &terms);
    if (ok) {
      na->required = ks_node_selector_new();
      for (guint i = 0; terms && i < terms->len; i++) {
        /* move each term: zero the source so its clear func frees nothing */
        KsNodeSelectorTerm *t = &g_array_index(terms, KsNodeSelectorTerm, i);
        g_array_append_val(na->required->terms, *t);
        memset(t, 0, sizeof *t);
      }
    }
    if (terms)
      g_array_unref(terms);
    ks_dec_pop(d, mark);
  }
  ok = ok && ks_dec_array(d, n, "preferredDuringSchedulingIgnoredDuringExecution",
                          sizeof(KsPreferredSchedulingTerm), preferred_term_clear_func,
                          decode_preferred_term, &na->preferred);
  if (ok) {
    *out = na;
    return TRUE;
  }
  ks_node_affinity_free(na);
  return FALSE;
}

static void pod_term_clear_func(gpointer p) {
  ks_pod_affinity_term_clear(p);
}

static void weighted_term_clear_func(gpointer p) {
  ks_pod_affinity_term_clear(&((KsWeightedPodAffinityTerm *)p)->term);
}

static gboolean decode_pod_term_fields(KsDec *d, const KsYamlNode *n, KsPodAffinityTerm *t) {
  return ks_dec_label_selector(d, n, "labelSelector", &t->label_selector) &&
         ks_dec_string_list(d, n, "namespaces", &t->namespaces) &&
         ks_dec_required_string(d, n, "topologyKey", &t->topology_key) &&
         ks_dec_label_selector(d, n, "namespaceSelector", &t->namespace_selector) &&
         ks_dec_string_list(d, n, "matchLabelKeys", &t->match_label_keys) &&
         ks_dec_string_list(d, n, "mismatchLabelKeys", &t->mismatch_label_keys);
}

static gboolean decode_pod_term(KsDec *d, const KsYamlNode *n, gpointer elem) {
  return require_mapping(d, n) && decode_pod_term_fields(d, n, elem);
}

static gboolean decode_weighted_term(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsWeightedPodAffinityTerm *t = elem;
  if (!require_mapping(d, n) || !decode_weight(d, n, &t->weight))
    return FALSE;
  const KsYamlNode *term = ks_yaml_get(n, "podAffinityTerm");
  if (ks_dec_is_absent(term))
    return ks_dec_missing(d, n, "podAffinityTerm");
  gsize mark = ks_dec_push_field(d, "podAffinityTerm");
  gboolean ok = ks_dec_expect_mapping(d, term) && decode_pod_term_fields(d, term, &t->term);
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean decode_pod_affinity(KsDec *d, const KsYamlNode *n, gpointer outp) {
  KsPodAffinity **out = outp;
  KsPodAffinity *pa = ks_pod_affinity_new();
  gboolean ok =
      ks_dec_array(d, n, "requiredDuringSchedulingIgnoredDuringExecution",
                   sizeof(KsPodAffinityTerm), pod_term_clear_func, decode_pod_term,
                   &pa->required) &&
      ks_dec_array(d, n, "preferredDuringSchedulingIgnoredDuringExecution",
                   sizeof(KsWeightedPodAffinityTerm), weighted_term_clear_func,
                   decode_weighted_term, &pa->preferred);
  if (ok) {
    *out = pa;
    return TRUE;
  }
  ks_pod_affinity_free(pa);
  return FALSE;
}

/* Runs `fn` on m[key] when it is a mapping, with the path pushed. */
static gboolean with_mapping(KsDec *d, const KsYamlNode *m, const char *key, KsDecElemFn fn,
                             gpointer out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_mapping(d, n) && fn(d, n, out);
  ks_dec_pop(d, mark);
  return ok;
}

gboolean ks_dec_affinity(KsDec *d, const KsYamlNode *m, const char *key, KsAffinity **out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  KsAffinity *a = ks_affinity_new();
  gboolean ok =
      ks_dec_expect_mapping(d, n) &&
      with_mapping(d, n, "nodeAffinity", decode_node_affinity, &a->node_affinity) &&
      with_mapping(d, n, "podAffinity", decode_pod_affinity, &a->pod_affinity) &&
      with_mapping(d, n, "podAntiAffinity", decode_pod_affinity, &a->pod_anti_affinity);
  ks_dec_pop(d, mark);
  if (!ok) {
    ks_affinity_free(a);
    return FALSE;
  }
  *out = a;
  return TRUE;
}

/* ---- topology spread ----------------------------------------------------- */

static gboolean decode_enum(KsDec *d, const KsYamlNode *n, const char *key,
                            const char *const *names, const int *values, int *out) {
  char *s = NULL;
  if (!ks_dec_string(d, n, key, &s))
    return FALSE;
  if (!s)
    return TRUE;
  for (guint i = 0; names[i]; i++) {
    if (!strcmp(s, names[i])) {
      *out = values[i];
      g_free(s);
      return TRUE;
    }
  }
  char *choices = g_strjoinv(", ", (char **)names);
  gsize mark = ks_dec_push_field(d, key);
  ks_dec_fail(d, ks_yaml_get(n, key), "unknown value \"%s\" (use one of %s)", s, choices);
  ks_dec_pop(d, mark);
  g_free(choices);
  g_free(s);
  return FALSE;
}

static void tsc_clear_func(gpointer p) {
  ks_topology_spread_constraint_clear(p);
}

static gboolean decode_tsc(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsTopologySpreadConstraint *c = elem;
  static const char *const actions[] = {"DoNotSchedule", "ScheduleAnyway", NULL};
  static const int action_values[] = {KS_UNSATISFIABLE_DO_NOT_SCHEDULE,
                                      KS_UNSATISFIABLE_SCHEDULE_ANYWAY};
  static const char *const policies[] = {"Honor", "Ignore", NULL};
  static const int policy_values[] = {KS_INCLUSION_POLICY_HONOR, KS_INCLUSION_POLICY_IGNORE};
  if (!require_mapping(d, n))
    return FALSE;
  gboolean has_skew = FALSE;
  int action = -1, na = KS_INCLUSION_POLICY_UNSET, nt = KS_INCLUSION_POLICY_UNSET;
  gboolean ok = ks_dec_int32(d, n, "maxSkew", &c->max_skew, &has_skew) &&
                (has_skew || ks_dec_missing(d, n, "maxSkew")) &&
                ks_dec_required_string(d, n, "topologyKey", &c->topology_key) &&
                decode_enum(d, n, "whenUnsatisfiable", actions, action_values, &action) &&
                (action >= 0 || ks_dec_missing(d, n, "whenUnsatisfiable")) &&
                ks_dec_label_selector(d, n, "labelSelector", &c->label_selector) &&
                ks_dec_int32(d, n, "minDomains", &c->min_domains, NULL) &&
                decode_enum(d, n, "nodeAffinityPolicy", policies, policy_values, &na) &&
                decode_enum(d, n, "nodeTaintsPolicy", policies, policy_values, &nt) &&
                ks_dec_string_list(d, n, "matchLabelKeys", &c->match_label_keys);
  if (ok && c->max_skew < 1) {
    gsize mark = ks_dec_push_field(d, "maxSkew");
    ok = ks_dec_fail(d, ks_yaml_get(n, "maxSkew"), "must be greater than zero");
    ks_dec_pop(d, mark);
  }
  c->when_unsatisfiable = action < 0 ? KS_UNSATISFIABLE_DO_NOT_SCHEDULE : action;
  c->node_affinity_policy = na;
  c->node_taints_policy = nt;
  return ok;
}

gboolean ks_dec_topology_spread(KsDec *d, const KsYamlNode *m, const char *key, GArray **out) {
  return ks_dec_array(d, m, key, sizeof(KsTopologySpreadConstraint), tsc_clear_func,
                      decode_tsc, out);
}
