/* Label selectors and node selectors, matched exactly as upstream does.
 *
 * Upstream parses a selector into labels.Requirement objects once, and a
 * requirement that fails to construct (NewRequirement) makes the whole
 * selector (or, for node affinity, the whole NodeSelectorTerm) an error. The
 * scheduler then treats the erroneous selector or term as matching nothing.
 * We keep the API objects as they are and apply the same constructor rules
 * at match time: an invalid requirement never matches, and it spoils its
 * enclosing label selector or node selector term, including a NotIn whose
 * key is absent. The rules that matter for matching (labels.NewRequirement):
 *   In, NotIn      at least one value;
 *   Exists, DNE    no values;
 *   Gt, Lt         exactly one value, and it parses as a base-10 int64.
 * Syntax of keys and values (qualified names) is the loader's job and is
 * not checked here; a malformed key simply never equals a real one.
 *
 * Matching a valid requirement (labels.Requirement.Matches):
 *   In             key present and value in the set;
 *   NotIn          key absent, or value not in the set;
 *   Exists / DNE   key present / absent;
 *   Gt / Lt        key present, label value parses as int64 (Go
 *                  strconv.ParseInt base 10: optional sign, digits, no
 *                  spaces, in range) and compares strictly.
 *
 * metav1.LabelSelector: NULL matches nothing; no matchLabels and no
 * matchExpressions matches everything; otherwise all matchLabels (key equal
 * value) AND all matchExpressions. Gt/Lt are not valid LabelSelector
 * operators upstream, so a LabelSelector carrying them matches nothing.
 *
 * v1.NodeSelector (component-helpers nodeaffinity, LazyErrorNodeSelector):
 * terms are ORed; an invalid term is skipped; a term with neither
 * matchExpressions nor matchFields matches nothing; inside a term
 * matchExpressions (on node labels) AND matchFields (on node fields) must
 * hold. matchFields need exactly one value and operator In or NotIn; they
 * compare against the node's field set, which holds only metadata.name and
 * only when the name is non-empty: a missing field reads as "" (fields.Set
 * Get), and when the node has no name at all matchFields are not evaluated,
 * both exactly as upstream. A node selector with no terms matches nothing.
 */
#include "sched/selector.h"

#include <string.h>

static const char *const op_names[] = {
    [KS_SELECTOR_OP_IN] = "In",
    [KS_SELECTOR_OP_NOT_IN] = "NotIn",
    [KS_SELECTOR_OP_EXISTS] = "Exists",
    [KS_SELECTOR_OP_DOES_NOT_EXIST] = "DoesNotExist",
    [KS_SELECTOR_OP_GT] = "Gt",
    [KS_SELECTOR_OP_LT] = "Lt",
};

gboolean ks_selector_op_from_string(const char *s, KsSelectorOp *out) {
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(op_names); i++) {
    if (strcmp(s, op_names[i]) == 0) {
      *out = (KsSelectorOp)i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *ks_selector_op_to_string(KsSelectorOp op) {
  if ((guint)op >= G_N_ELEMENTS(op_names))
    return "Unknown";
  return op_names[op];
}

/* ---- integers, as Go's strconv.ParseInt(s, 10, 64) ---------------------- */

gboolean ks_selector_parse_int64(const char *s, gint64 *out) {
  if (s == NULL)
    return FALSE;
  gboolean neg = FALSE;
  if (*s == '+' || *s == '-')
    neg = (*s++ == '-');
  if (*s == '\0')
    return FALSE;
  /* Accumulate negatively so that G_MININT64 is representable. */
  gint64 v = 0;
  for (; *s != '\0'; s++) {
    if (*s < '0' || *s > '9')
      return FALSE;
    int d = *s - '0';
    if (v < (G_MININT64 + d) / 10)
      return FALSE;
    v = v * 10 - d;
  }
  if (!neg) {
    if (v == G_MININT64)
      return FALSE;
    v = -v;
  }
  *out = v;
  return TRUE;
}

/* ---- requirements --------------------------------------------------------- */

void ks_selector_requirement_clear(KsSelectorRequirement *r) {
  g_clear_pointer(&r->key, g_free);
  g_clear_pointer(&r->values, g_strfreev);
}

void ks_selector_requirement_copy(KsSelectorRequirement *dst, const KsSelectorRequirement *src) {
  dst->key = g_strdup(src->key);
  dst->op = src->op;
  dst->values = g_strdupv(src->values);
}

static guint nvalues(const KsSelectorRequirement *r) {
  return r->values != NULL ? g_strv_length(r->values) : 0;
}

gboolean ks_label_value_is_valid(const char *v) {
  /* upstream validation.IsValidLabelValue: empty, or at most 63 characters
   * of [-A-Za-z0-9_.] beginning and ending with an alphanumeric. */
  gsize n = strlen(v);
  if (n == 0)
    return TRUE;
  if (n > KS_LABEL_VALUE_MAX_LENGTH || !g_ascii_isalnum(v[0]) || !g_ascii_isalnum(v[n - 1]))
    return FALSE;
  for (gsize i = 1; i + 1 < n; i++)
    if (!g_ascii_isalnum(v[i]) && v[i] != '-' && v[i] != '_' && v[i] != '.')
      return FALSE;
  return TRUE;
}

static gboolean values_are_label_values(const KsSelectorRequirement *r) {
  for (char **p = r->values; p && *p; p++)
    if (!ks_label_value_is_valid(*p))
      return FALSE;
  return TRUE;
}

gboolean ks_selector_requirement_is_valid(const KsSelectorRequirement *r) {
  gint64 ignored;
  if (r->key == NULL)
    return FALSE;
  switch (r->op) {
  case KS_SELECTOR_OP_IN:
  case KS_SELECTOR_OP_NOT_IN:
    /* labels.NewRequirement rejects values that are not label values. */
    return nvalues(r) > 0 && values_are_label_values(r);
  case KS_SELECTOR_OP_EXISTS:
  case KS_SELECTOR_OP_DOES_NOT_EXIST:
    return nvalues(r) == 0;
  case KS_SELECTOR_OP_GT:
  case KS_SELECTOR_OP_LT:
    return nvalues(r) == 1 && ks_selector_parse_int64(r->values[0], &ignored);
  }
  return FALSE;
}

static gboolean has_value(const KsSelectorRequirement *r, const char *v) {
  for (char **p = r->values; p != NULL && *p != NULL; p++)
    if (strcmp(*p, v) == 0)
      return TRUE;
  return FALSE;
}

/* Matching of a requirement already known to be valid. */
static gboolean requirement_matches_valid(const KsSelectorRequirement *r, const KsLabels *labels) {
  const char *v = ks_labels_get(labels, r->key);
  gint64 lv, rv;
  switch (r->op) {
  case KS_SELECTOR_OP_IN:
    return v != NULL && has_value(r, v);
  case KS_SELECTOR_OP_NOT_IN:
    return v == NULL || !has_value(r, v);
  case KS_SELECTOR_OP_EXISTS:
    return v != NULL;
  case KS_SELECTOR_OP_DOES_NOT_EXIST:
    return v == NULL;
  case KS_SELECTOR_OP_GT:
  case KS_SELECTOR_OP_LT:
    if (v == NULL || !ks_selector_parse_int64(v, &lv) ||
        !ks_selector_parse_int64(r->values[0], &rv))
      return FALSE;
    return r->op == KS_SELECTOR_OP_GT ? lv > rv : lv < rv;
  }
  return FALSE;
}

gboolean ks_selector_requirement_matches(const KsSelectorRequirement *r, const KsLabels *labels) {
  return ks_selector_requirement_is_valid(r) && requirement_matches_valid(r, labels);
}

/* ---- arrays of requirements ---------------------------------------------- */

static void requirement_clear_func(gpointer p) {
  ks_selector_requirement_clear(p);
}

GArray *ks_selector_requirement_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsSelectorRequirement));
  g_array_set_clear_func(a, requirement_clear_func);
  return a;
}

GArray *ks_selector_requirement_array_copy(const GArray *src) {
  if (src == NULL)
    return NULL;
  GArray *a = ks_selector_requirement_array_new();
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    ks_selector_requirement_copy(&g_array_index(a, KsSelectorRequirement, i),
                                 &((const KsSelectorRequirement *)(const void *)src->data)[i]);
  return a;
}

static void requirement_array_append(GArray **a, const char *key, KsSelectorOp op,
                                     const char *const *values) {
  if (*a == NULL)
    *a = ks_selector_requirement_array_new();
  KsSelectorRequirement r = {
      .key = g_strdup(key), .op = op, .values = g_strdupv((char **)values)};
  g_array_append_val(*a, r);
}

static const KsSelectorRequirement *req_at(const GArray *a, guint i) {
  return &((const KsSelectorRequirement *)(const void *)a->data)[i];
}

static guint array_len(const GArray *a) {
  return a != NULL ? a->len : 0;
}

/* ---- label selectors ------------------------------------------------------ */

KsLabelSelector *ks_label_selector_new(void) {
  KsLabelSelector *s = g_new0(KsLabelSelector, 1);
  ks_labels_init(&s->match_labels);
  return s;
}

void ks_label_selector_free(KsLabelSelector *s) {
  if (s == NULL)
    return;
  ks_labels_clear(&s->match_labels);
  if (s->match_expressions != NULL)
    g_array_unref(s->match_expressions);
  g_free(s);
}

KsLabelSelector *ks_label_selector_copy(const KsLabelSelector *s) {
  if (s == NULL)
    return NULL;
  KsLabelSelector *c = g_new0(KsLabelSelector, 1);
  ks_labels_copy(&c->match_labels, &s->match_labels);
  c->match_expressions = ks_selector_requirement_array_copy(s->match_expressions);
  return c;
}

void ks_label_selector_add_expression(KsLabelSelector *s, const char *key, KsSelectorOp op,
                                      const char *const *values) {
  requirement_array_append(&s->match_expressions, key, op, values);
}

/* Upstream applyLabelKeysToLabelSelector: keys the pod lacks are skipped. */
void ks_label_selector_add_label_keys(KsLabelSelector *s, char *const *keys, KsSelectorOp op,
                                      const KsLabels *pod_labels) {
  if (s == NULL)
    return; /* a nil selector stays nil: it matches nothing anyway */
  for (char *const *k = keys; k != NULL && *k != NULL; k++) {
    const char *v = ks_labels_get(pod_labels, *k);
    if (v == NULL)
      continue;
    const char *one[] = {v, NULL};
    ks_label_selector_add_expression(s, *k, op, one);
  }
}

gboolean ks_label_selector_is_empty(const KsLabelSelector *s) {
  return s != NULL && s->match_labels.n == 0 && array_len(s->match_expressions) == 0;
}

gboolean ks_label_selector_is_valid(const KsLabelSelector *s) {
  if (s == NULL)
    return TRUE;
  for (guint i = 0; i < array_len(s->match_expressions); i++) {
    const KsSelectorRequirement *r = req_at(s->match_expressions, i);
    if (r->op == KS_SELECTOR_OP_GT || r->op == KS_SELECTOR_OP_LT ||
        !ks_selector_requirement_is_valid(r))
      return FALSE;
  }
  return TRUE;
}

gboolean ks_label_selector_matches_valid(const KsLabelSelector *s, const KsLabels *labels,
                                         guint skip) {
  const KsLabels *want = &s->match_labels;
  for (guint i = skip; i < want->n; i++) {
    const char *v = ks_labels_get(labels, want->items[i].key);
    if (v == NULL || strcmp(v, want->items[i].value) != 0)
      return FALSE;
  }
  for (guint i = 0; i < array_len(s->match_expressions); i++)
    if (!requirement_matches_valid(req_at(s->match_expressions, i), labels))
      return FALSE;
  return TRUE;
}

gboolean ks_label_selector_matches(const KsLabelSelector *s, const KsLabels *labels) {
  if (s == NULL || !ks_label_selector_is_valid(s))
    return FALSE;
  return ks_label_selector_matches_valid(s, labels, 0);
}

/* ---- node selector terms ------------------------------------------------- */

void ks_node_selector_term_clear(KsNodeSelectorTerm *t) {
  g_clear_pointer(&t->match_expressions, g_array_unref);
  g_clear_pointer(&t->match_fields, g_array_unref);
}

void ks_node_selector_term_copy(KsNodeSelectorTerm *dst, const KsNodeSelectorTerm *src) {
  dst->match_expressions = ks_selector_requirement_array_copy(src->match_expressions);
  dst->match_fields = ks_selector_requirement_array_copy(src->match_fields);
}

void ks_node_selector_term_add_expression(KsNodeSelectorTerm *t, const char *key, KsSelectorOp op,
                                          const char *const *values) {
  requirement_array_append(&t->match_expressions, key, op, values);
}

void ks_node_selector_term_add_field(KsNodeSelectorTerm *t, const char *key, KsSelectorOp op,
                                     const char *const *values) {
  requirement_array_append(&t->match_fields, key, op, values);
}

/* nodeSelectorRequirementsAsFieldSelector's constructor rules. */
static gboolean field_requirement_is_valid(const KsSelectorRequirement *r) {
  return r->key != NULL && nvalues(r) == 1 &&
         (r->op == KS_SELECTOR_OP_IN || r->op == KS_SELECTOR_OP_NOT_IN);
}

static gboolean field_requirement_matches(const KsSelectorRequirement *r, const char *node_name) {
  /* The node's field set is {metadata.name: name}; other fields read "". */
  const char *v = strcmp(r->key, "metadata.name") == 0 ? node_name : "";
  gboolean eq = strcmp(v, r->values[0]) == 0;
  return r->op == KS_SELECTOR_OP_IN ? eq : !eq;
}

gboolean ks_node_selector_term_is_valid(const KsNodeSelectorTerm *t) {
  for (guint i = 0; i < array_len(t->match_expressions); i++)
    if (!ks_selector_requirement_is_valid(req_at(t->match_expressions, i)))
      return FALSE;
  for (guint i = 0; i < array_len(t->match_fields); i++)
    if (!field_requirement_is_valid(req_at(t->match_fields, i)))
      return FALSE;
  return TRUE;
}

gboolean ks_node_selector_term_matches(const KsNodeSelectorTerm *t, const KsLabels *node_labels,
                                       const char *node_name) {
  guint ne = array_len(t->match_expressions), nf = array_len(t->match_fields);
  if ((ne == 0 && nf == 0) || !ks_node_selector_term_is_valid(t))
    return FALSE;
  for (guint i = 0; i < ne; i++)
    if (!requirement_matches_valid(req_at(t->match_expressions, i), node_labels))
      return FALSE;
  if (node_name == NULL || node_name[0] == '\0')
    return TRUE; /* upstream: no node fields, matchFields not evaluated */
  for (guint i = 0; i < nf; i++)
    if (!field_requirement_matches(req_at(t->match_fields, i), node_name))
      return FALSE;
  return TRUE;
}

/* ---- node selectors ------------------------------------------------------- */

static void term_clear_func(gpointer p) {
  ks_node_selector_term_clear(p);
}

static GArray *term_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsNodeSelectorTerm));
  g_array_set_clear_func(a, term_clear_func);
  return a;
}

KsNodeSelector *ks_node_selector_new(void) {
  KsNodeSelector *s = g_new0(KsNodeSelector, 1);
  s->terms = term_array_new();
  return s;
}

void ks_node_selector_free(KsNodeSelector *s) {
  if (s == NULL)
    return;
  if (s->terms != NULL)
    g_array_unref(s->terms);
  g_free(s);
}

KsNodeSelector *ks_node_selector_copy(const KsNodeSelector *s) {
  if (s == NULL)
    return NULL;
  KsNodeSelector *c = ks_node_selector_new();
  guint n = array_len(s->terms);
  g_array_set_size(c->terms, n);
  for (guint i = 0; i < n; i++)
    ks_node_selector_term_copy(&g_array_index(c->terms, KsNodeSelectorTerm, i),
                               &g_array_index(s->terms, KsNodeSelectorTerm, i));
  return c;
}

KsNodeSelectorTerm *ks_node_selector_add_term(KsNodeSelector *s) {
  if (s->terms == NULL)
    s->terms = term_array_new();
  g_array_set_size(s->terms, s->terms->len + 1); /* zero-filled: an empty term */
  return &g_array_index(s->terms, KsNodeSelectorTerm, s->terms->len - 1);
}

gboolean ks_node_selector_matches(const KsNodeSelector *s, const KsLabels *node_labels,
                                  const char *node_name) {
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < array_len(s->terms); i++)
    if (ks_node_selector_term_matches(&g_array_index(s->terms, KsNodeSelectorTerm, i),
                                      node_labels, node_name))
      return TRUE;
  return FALSE;
}
