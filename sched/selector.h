/* Label selectors (metav1.LabelSelector) and node selectors (v1.NodeSelector).
 *
 * Upstream semantics: a nil label selector matches nothing, an empty one
 * matches everything; NotIn and DoesNotExist match when the key is absent;
 * Gt/Lt (node selectors only) compare the label and the single value as
 * integers and fail when either does not parse.
 */
#pragma once
#include <glib.h>
#include "sched/labels.h"

typedef enum {
  KS_SELECTOR_OP_IN,
  KS_SELECTOR_OP_NOT_IN,
  KS_SELECTOR_OP_EXISTS,
  KS_SELECTOR_OP_DOES_NOT_EXIST,
  KS_SELECTOR_OP_GT,
  KS_SELECTOR_OP_LT,
} KsSelectorOp;

/* "In", "NotIn", ... ; FALSE for anything else. */
gboolean ks_selector_op_from_string(const char *s, KsSelectorOp *out);

#define KS_LABEL_VALUE_MAX_LENGTH 63
/* upstream IsValidLabelValue: "" or <= 63 of [-A-Za-z0-9_.], alphanumeric at both ends. */
gboolean ks_label_value_is_valid(const char *value);
const char *ks_selector_op_to_string(KsSelectorOp op);

typedef struct {
  char *key;
  KsSelectorOp op;
  char **values; /* NULL-terminated; owned; may be NULL for Exists/DoesNotExist */
} KsSelectorRequirement;

void ks_selector_requirement_clear(KsSelectorRequirement *r);
gboolean ks_selector_requirement_matches(const KsSelectorRequirement *r, const KsLabels *labels);

typedef struct {
  KsLabels match_labels;
  GArray *match_expressions; /* of KsSelectorRequirement (clear func set); may be NULL */
} KsLabelSelector;

KsLabelSelector *ks_label_selector_new(void); /* transfer full; empty (matches all) */
void ks_label_selector_free(KsLabelSelector *s);
KsLabelSelector *ks_label_selector_copy(const KsLabelSelector *s); /* transfer full; NULL->NULL */
/* NULL selector matches nothing. */
gboolean ks_label_selector_matches(const KsLabelSelector *s, const KsLabels *labels);
gboolean ks_label_selector_is_empty(const KsLabelSelector *s);

typedef struct {
  GArray *match_expressions; /* of KsSelectorRequirement; may be NULL */
  GArray *match_fields;      /* of KsSelectorRequirement (key "metadata.name"); may be NULL */
} KsNodeSelectorTerm;

void ks_node_selector_term_clear(KsNodeSelectorTerm *t);
void ks_node_selector_term_copy(KsNodeSelectorTerm *dst, const KsNodeSelectorTerm *src);
/* A term with no requirements matches nothing. */
gboolean ks_node_selector_term_matches(const KsNodeSelectorTerm *t, const KsLabels *node_labels,
                                       const char *node_name);

typedef struct {
  GArray *terms; /* of KsNodeSelectorTerm (ORed); owned */
} KsNodeSelector;

KsNodeSelector *ks_node_selector_new(void); /* transfer full */
void ks_node_selector_free(KsNodeSelector *s);
KsNodeSelector *ks_node_selector_copy(const KsNodeSelector *s);
gboolean ks_node_selector_matches(const KsNodeSelector *s, const KsLabels *node_labels,
                                  const char *node_name);

/* ---- additions: validity, copies, builders --------------------------------
 * A requirement upstream's labels.NewRequirement would reject (In/NotIn
 * without values, Exists/DoesNotExist with values, Gt/Lt without exactly one
 * integer value) is invalid: it never matches and makes its label selector or
 * node selector term match nothing. */
gboolean ks_selector_requirement_is_valid(const KsSelectorRequirement *r);
void ks_selector_requirement_copy(KsSelectorRequirement *dst,
                                  const KsSelectorRequirement *src); /* dst uninitialised */
/* Go strconv.ParseInt(s, 10, 64): optional sign, digits only, in range. */
gboolean ks_selector_parse_int64(const char *s, gint64 *out);

/* An empty GArray of KsSelectorRequirement with its clear func set. */
GArray *ks_selector_requirement_array_new(void);                 /* transfer full */
GArray *ks_selector_requirement_array_copy(const GArray *src);   /* transfer full; NULL->NULL */

/* Appends a requirement (copies key and the NULL-terminated values, which may
 * be NULL); creates match_expressions if needed. */
void ks_label_selector_add_expression(KsLabelSelector *s, const char *key, KsSelectorOp op,
                                      const char *const *values);
/* FALSE if an expression is invalid or uses Gt/Lt (not LabelSelector operators). */
gboolean ks_label_selector_is_valid(const KsLabelSelector *s);
/* ks_label_selector_matches for a selector the caller already knows to be
 * non-NULL and valid (ks_label_selector_is_valid), whose first `skip`
 * matchLabels pairs the caller knows `labels` to carry (e.g. a candidate
 * found under that pair in an index): the same answer, less work. */
gboolean ks_label_selector_matches_valid(const KsLabelSelector *s, const KsLabels *labels,
                                         guint skip);

void ks_node_selector_term_add_expression(KsNodeSelectorTerm *t, const char *key, KsSelectorOp op,
                                          const char *const *values);
void ks_node_selector_term_add_field(KsNodeSelectorTerm *t, const char *key, KsSelectorOp op,
                                     const char *const *values);
/* FALSE if upstream would reject the term (then it matches no node). */
gboolean ks_node_selector_term_is_valid(const KsNodeSelectorTerm *t);
/* Appends an empty term and returns it (valid until the next append). */
KsNodeSelectorTerm *ks_node_selector_add_term(KsNodeSelector *s);
/* For each key the pod has, AND "key op (pod's value)" into s (upstream
 * applyLabelKeysToLabelSelector, used for matchLabelKeys with In and
 * mismatchLabelKeys with NotIn). NULL s is left alone. */
void ks_label_selector_add_label_keys(KsLabelSelector *s, char *const *keys, KsSelectorOp op,
                                      const KsLabels *pod_labels);
