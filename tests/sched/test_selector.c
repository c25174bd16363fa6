/* Tests of label selectors and node selectors against upstream outcomes.
 *
 * Cases marked "upstream" carry over inputs and expected results from
 * apimachinery labels/selector_test.go (TestSelectorMatches,
 * TestRequirementSelectorMatching, TestRequirementConstructor) and
 * component-helpers scheduling/corev1/nodeaffinity/nodeaffinity_test.go
 * (TestNodeSelectorMatch, TestPodMatchesNodeSelectorAndAffinityTerms,
 * TestPreferredSchedulingTermsScore). Label sets are written "k=v,k2=v2".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/affinity.h"
#include "sched/selector.h"

#define IN KS_SELECTOR_OP_IN
#define NOTIN KS_SELECTOR_OP_NOT_IN
#define EXISTS KS_SELECTOR_OP_EXISTS
#define DNE KS_SELECTOR_OP_DOES_NOT_EXIST
#define GT KS_SELECTOR_OP_GT
#define LT KS_SELECTOR_OP_LT

typedef struct {
  const char *key; /* NULL ends a list */
  KsSelectorOp op;
  const char *v[4]; /* NULL-terminated values */
} Req;

static void parse_labels(KsLabels *l, const char *s) {
  ks_labels_init(l);
  if (s == NULL || *s == '\0')
    return;
  char **kvs = g_strsplit(s, ",", -1);
  for (char **p = kvs; *p != NULL; p++) {
    char *eq = strchr(*p, '=');
    assert_non_null(eq);
    *eq = '\0';
    ks_labels_set(l, *p, eq + 1);
  }
  g_strfreev(kvs);
}

static const char *const *vals(const Req *r) {
  return r->v[0] != NULL ? r->v : NULL;
}

/* ---- label selectors ------------------------------------------------------ */

typedef struct {
  const char *name;
  gboolean nil;               /* a NULL selector */
  const char *match_labels;   /* "k=v,..." */
  Req exprs[4];
  const char *labels;
  gboolean want;
} LabelSelectorCase;

static const LabelSelectorCase label_cases[] = {
    {"nil selector matches nothing", TRUE, NULL, {{0}}, "x=y", FALSE},
    {"nil selector, no labels", TRUE, NULL, {{0}}, "", FALSE},
    {"empty selector matches everything (upstream)", FALSE, NULL, {{0}}, "x=y", TRUE},
    {"empty selector, no labels", FALSE, NULL, {{0}}, "", TRUE},
    {"x=y (upstream)", FALSE, "x=y", {{0}}, "x=y", TRUE},
    {"x=y,z=w (upstream)", FALSE, "x=y,z=w", {{0}}, "x=y,z=w", TRUE},
    {"x=z on {} (upstream)", FALSE, "x=z", {{0}}, "", FALSE},
    {"x=y on x=z (upstream)", FALSE, "x=y", {{0}}, "x=z", FALSE},
    {"x=y,z=w on x=w,z=w (upstream)", FALSE, "x=y,z=w", {{0}}, "x=w,z=w", FALSE},
    {"foo=bar,foobar=bar,baz=blah (upstream)", FALSE, "foo=bar,foobar=bar,baz=blah", {{0}},
     "foo=bar,baz=blah", FALSE},
    {"x=y with empty value label", FALSE, "x=", {{0}}, "x=", TRUE},
    {"x in (foo), y notin (alpha) (upstream)", FALSE, NULL,
     {{"x", IN, {"foo"}}, {"y", NOTIN, {"alpha"}}}, "x=foo,y=baz", TRUE},
    {"x in (foo), y in (alpha) (upstream)", FALSE, NULL,
     {{"x", IN, {"foo"}}, {"y", IN, {"alpha"}}}, "x=foo,y=baz", FALSE},
    {"x notin (\"\"), y exists on y= (upstream)", FALSE, NULL,
     {{"x", NOTIN, {""}}, {"y", EXISTS, {NULL}}}, "y=", TRUE},
    {"!x, y exists on y= (upstream)", FALSE, NULL, {{"x", DNE, {NULL}}, {"y", EXISTS, {NULL}}},
     "y=", TRUE},
    {"x notin (\"\"), !y on y= (upstream)", FALSE, NULL, {{"x", NOTIN, {""}}, {"y", DNE, {NULL}}},
     "y=", FALSE},
    {"x in (\"\") on y=baz (upstream)", FALSE, NULL, {{"x", IN, {""}}}, "y=baz", FALSE},
    {"x notin (a,b), key absent", FALSE, NULL, {{"x", NOTIN, {"a", "b"}}}, "y=1", TRUE},
    {"x notin (a,b), x=b", FALSE, NULL, {{"x", NOTIN, {"a", "b"}}}, "x=b", FALSE},
    {"x exists (upstream)", FALSE, NULL, {{"x", EXISTS, {NULL}}}, "x=z", TRUE},
    {"x exists, absent (upstream)", FALSE, NULL, {{"x", EXISTS, {NULL}}}, "y=z", FALSE},
    {"!x, absent (upstream)", FALSE, NULL, {{"x", DNE, {NULL}}}, "y=z", TRUE},
    {"!x, present (upstream)", FALSE, NULL, {{"x", DNE, {NULL}}}, "x=z", FALSE},
    {"Gt is not a LabelSelector operator", FALSE, NULL, {{"z", GT, {"1"}}}, "z=2", FALSE},
    {"In without values is invalid (upstream constructor)", FALSE, NULL, {{"x", IN, {NULL}}},
     "x=", FALSE},
    {"NotIn without values is invalid even if key absent", FALSE, NULL, {{"x", NOTIN, {NULL}}},
     "y=1", FALSE},
    {"Exists with values is invalid", FALSE, NULL, {{"x", EXISTS, {"a"}}}, "x=a", FALSE},
    {"matchLabels AND matchExpressions, both hold", FALSE, "app=web", {{"tier", IN, {"fe", "be"}}},
     "app=web,tier=fe", TRUE},
    {"matchLabels holds, expression fails", FALSE, "app=web", {{"tier", IN, {"fe"}}},
     "app=web,tier=be", FALSE},
    {"expression holds, matchLabels fails", FALSE, "app=db", {{"tier", IN, {"fe"}}},
     "app=web,tier=fe", FALSE},
};

static KsLabelSelector *build_label_selector(const LabelSelectorCase *c) {
  if (c->nil)
    return NULL;
  KsLabelSelector *s = ks_label_selector_new();
  parse_labels(&s->match_labels, c->match_labels);
  for (const Req *r = c->exprs; r->key != NULL; r++)
    ks_label_selector_add_expression(s, r->key, r->op, vals(r));
  return s;
}

static void test_label_selector_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(label_cases); i++) {
    const LabelSelectorCase *c = &label_cases[i];
    KsLabelSelector *s = build_label_selector(c);
    KsLabels labels;
    parse_labels(&labels, c->labels);
    gboolean got = ks_label_selector_matches(s, &labels);
    if (got != c->want)
      fail_msg("label selector case \"%s\": got %d want %d", c->name, got, c->want);
    /* A copy behaves the same. */
    KsLabelSelector *copy = ks_label_selector_copy(s);
    assert_int_equal(ks_label_selector_matches(copy, &labels), c->want);
    ks_label_selector_free(copy);
    ks_label_selector_free(s);
    ks_labels_clear(&labels);
  }
}

static void test_label_selector_is_empty(void **state) {
  assert_false(ks_label_selector_is_empty(NULL));
  KsLabelSelector *s = ks_label_selector_new();
  assert_true(ks_label_selector_is_empty(s));
  ks_label_selector_add_expression(s, "a", EXISTS, NULL);
  assert_false(ks_label_selector_is_empty(s));
  ks_label_selector_free(s);
  s = ks_label_selector_new();
  ks_labels_set(&s->match_labels, "a", "b");
  assert_false(ks_label_selector_is_empty(s));
  ks_label_selector_free(s);
  ks_label_selector_free(NULL);
  assert_null(ks_label_selector_copy(NULL));
}

/* ks_label_selector_matches_valid: skip = 0 answers as ks_label_selector_matches
 * for valid selectors; skip = 1 ignores the first matchLabels pair only. */
static void test_label_selector_matches_valid(void **state) {
  KsLabelSelector *s = ks_label_selector_new();
  ks_labels_set(&s->match_labels, "app", "web");
  ks_labels_set(&s->match_labels, "tier", "fe");
  ks_label_selector_add_expression(s, "env", EXISTS, NULL);
  KsLabels l;
  ks_labels_init(&l);
  ks_labels_set(&l, "app", "web");
  ks_labels_set(&l, "tier", "fe");
  assert_false(ks_label_selector_matches(s, &l));
  assert_false(ks_label_selector_matches_valid(s, &l, 0));
  ks_labels_set(&l, "env", "prod");
  assert_true(ks_label_selector_matches(s, &l));
  assert_true(ks_label_selector_matches_valid(s, &l, 0));
  assert_true(ks_label_selector_matches_valid(s, &l, 1));
  ks_labels_set(&l, "app", "db"); /* the first pair fails: only skip = 1 ignores it */
  assert_false(ks_label_selector_matches_valid(s, &l, 0));
  assert_true(ks_label_selector_matches_valid(s, &l, 1));
  ks_labels_set(&l, "tier", "be"); /* the second pair is always checked */
  assert_false(ks_label_selector_matches_valid(s, &l, 1));
  ks_labels_clear(&l);
  ks_label_selector_free(s);
}

/* ---- requirements: constructor validity (upstream TestRequirementConstructor) */

typedef struct {
  Req r;
  gboolean valid;
} ValidityCase;

static const ValidityCase validity_cases[] = {
    {{"x", IN, {NULL}}, FALSE},
    {{"x", NOTIN, {NULL}}, FALSE},
    {{"x", IN, {"foo"}}, TRUE},
    {{"x", NOTIN, {"foo"}}, TRUE},
    {{"x", EXISTS, {NULL}}, TRUE},
    {{"x", DNE, {NULL}}, TRUE},
    {{"1foo", IN, {"bar"}}, TRUE},
    {{"y", GT, {"1"}}, TRUE},
    {{"z", LT, {"6"}}, TRUE},
    {{"foo", GT, {"bar"}}, FALSE},
    {{"barz", LT, {"blah"}}, FALSE},
    {{"foo", GT, {"1", "2"}}, FALSE},
    {{"foo", EXISTS, {"bar", "baz"}}, FALSE}, /* nodeaffinity_test: values set must be empty */
};

static void test_requirement_validity(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(validity_cases); i++) {
    const Req *q = &validity_cases[i].r;
    KsSelectorRequirement r = {(char *)q->key, q->op, (char **)vals(q)};
    if (ks_selector_requirement_is_valid(&r) != validity_cases[i].valid)
      fail_msg("validity case %u (%s %s)", i, q->key, ks_selector_op_to_string(q->op));
  }
}

/* ---- Go strconv.ParseInt(s, 10, 64) --------------------------------------- */

static void test_parse_int64(void **state) {
  static const struct {
    const char *s;
    gboolean ok;
    gint64 v;
  } cases[] = {
      {"0", TRUE, 0},
      {"0206", TRUE, 206},
      {"-200", TRUE, -200},
      {"+5", TRUE, 5},
      {"9223372036854775807", TRUE, G_MAXINT64},
      {"-9223372036854775808", TRUE, G_MININT64},
      {"9223372036854775808", FALSE, 0},
      {"-9223372036854775809", FALSE, 0},
      {"", FALSE, 0},
      {"-", FALSE, 0},
      {" 5", FALSE, 0},
      {"5 ", FALSE, 0},
      {"5.0", FALSE, 0},
      {"0x10", FALSE, 0},
      {"1_000", FALSE, 0},
      {"v2", FALSE, 0},
      {"1e3", FALSE, 0},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    gint64 v = 0;
    gboolean ok = ks_selector_parse_int64(cases[i].s, &v);
    if (ok != cases[i].ok || (ok && v != cases[i].v))
      fail_msg("parse_int64(\"%s\"): ok=%d v=%" G_GINT64_FORMAT, cases[i].s, ok, v);
  }
  gint64 v;
  assert_false(ks_selector_parse_int64(NULL, &v));
}

/* ---- node selectors ------------------------------------------------------- */

typedef struct {
  Req exprs[3];
  Req fields[2];
} Term;

typedef struct {
  const char *name;
  guint nterms;
  Term terms[3];
  const char *labels;
  const char *node_name;
  gboolean want;
} NodeSelectorCase;

/* X(...) : a term's matchExpressions, F(...) : its matchFields. */
#define X(...) .exprs = {__VA_ARGS__}
#define F(...) .fields = {__VA_ARGS__}

static const NodeSelectorCase node_cases[] = {
    {"In matches (upstream)", 1, {{X({"foo", IN, {"bar", "value2"}})}}, "foo=bar", "n", TRUE},
    {"Gt 0204 on 0206 (upstream)", 1, {{X({"kernel-version", GT, {"0204"}})}},
     "kernel-version=0206", "n", TRUE},
    {"NotIn DDR,DDR2 on DDR3 (upstream)", 1, {{X({"mem-type", NOTIN, {"DDR", "DDR2"}})}},
     "mem-type=DDR3", "n", TRUE},
    {"Exists GPU (upstream)", 1, {{X({"GPU", EXISTS, {NULL}})}}, "GPU=NVIDIA-GRID-K1", "n", TRUE},
    {"In value1,value2 on bar (upstream)", 1, {{X({"foo", IN, {"value1", "value2"}})}},
     "foo=bar", "n", FALSE},
    {"no terms (upstream nil/empty NodeSelectorTerms)", 0, {{X({0})}}, "foo=bar", "n", FALSE},
    {"one empty term matches nothing", 1, {{X({0})}}, "foo=bar", "n", FALSE},
    {"empty term then matching term", 2, {{X({0})}, {X({"foo", EXISTS, {NULL}})}}, "foo=bar",
     "n", TRUE},
    {"Gt 1 on 2 (upstream)", 1, {{X({"z", GT, {"1"}})}}, "z=2", "n", TRUE},
    {"Gt 1 on v2: label not an integer (upstream)", 1, {{X({"z", GT, {"1"}})}}, "z=v2", "n",
     FALSE},
    {"Gt bar: value not an integer", 1, {{X({"foo", GT, {"bar"}})}}, "foo=1", "n", FALSE},
    {"Gt absent key", 1, {{X({"z", GT, {"1"}})}}, "y=5", "n", FALSE},
    {"Lt 7 on 6", 1, {{X({"bar", LT, {"7"}})}}, "bar=6", "n", TRUE},
    {"Lt 7 on 7 is strict", 1, {{X({"bar", LT, {"7"}})}}, "bar=7", "n", FALSE},
    {"Gt with two values is invalid", 1, {{X({"z", GT, {"1", "2"}})}}, "z=5", "n", FALSE},
    {"Gt -5 on -3", 1, {{X({"x", GT, {"-5"}})}}, "x=-3", "n", TRUE},
    {"Gt 4 on +5 (ParseInt accepts a sign)", 1, {{X({"x", GT, {"4"}})}}, "x=+5", "n", TRUE},
    {"Gt 4 on 5.0", 1, {{X({"x", GT, {"4"}})}}, "x=5.0", "n", FALSE},
    {"Gt max-1 on max", 1, {{X({"x", GT, {"9223372036854775806"}})}},
     "x=9223372036854775807", "n", TRUE},
    {"Gt 0 on overflowing label", 1, {{X({"x", GT, {"0"}})}}, "x=9223372036854775808", "n",
     FALSE},
    {"NotIn with absent key", 1, {{X({"foo", NOTIN, {"a"}})}}, "bar=1", "n", TRUE},
    {"DoesNotExist with absent key", 1, {{X({"foo", DNE, {NULL}})}}, "bar=1", "n", TRUE},
    {"expressions are ANDed", 1, {{X({"a", EXISTS, {NULL}}, {"b", IN, {"2"}})}}, "a=1,b=3", "n",
     FALSE},
    {"matchFields metadata.name In", 1, {{F({"metadata.name", IN, {"host_1"}})}}, "", "host_1",
     TRUE},
    {"matchFields metadata.name In, other node", 1, {{F({"metadata.name", IN, {"host_1"}})}}, "",
     "host_2", FALSE},
    {"matchFields metadata.name NotIn", 1, {{F({"metadata.name", NOTIN, {"host_1"}})}}, "",
     "host_2", TRUE},
    {"matchFields with two values is invalid (upstream)", 1,
     {{F({"metadata.name", IN, {"host_1", "host_2"}})}}, "", "host_1", FALSE},
    {"matchFields Exists is invalid", 1, {{F({"metadata.name", EXISTS, {NULL}})}}, "", "host_1",
     FALSE},
    {"field matches but labels do not (upstream)", 1,
     {{X({"label_1", IN, {"label_1_val"}}), F({"metadata.name", IN, {"host_1"}})}}, "", "host_1",
     FALSE},
    {"field and labels match (upstream)", 1,
     {{X({"label_1", IN, {"label_1_val"}}), F({"metadata.name", IN, {"host_1"}})}},
     "label_1=label_1_val", "host_1", TRUE},
    {"second term matches (upstream)", 2,
     {{X({"label_1", IN, {"label_1_val"}})}, {F({"metadata.name", IN, {"host_1"}})}}, "",
     "host_1", TRUE},
    {"invalid term is skipped, valid term matches", 2,
     {{F({"metadata.name", IN, {"host_1", "host_2"}})}, {X({"label_1", EXISTS, {NULL}})}},
     "label_1=x", "host_1", TRUE},
    {"invalid requirement spoils the whole term", 1,
     {{X({"label_1", EXISTS, {NULL}}, {"foo", NOTIN, {NULL}})}}, "label_1=x", "n", FALSE},
};

static void build_term(KsNodeSelectorTerm *t, const Term *spec) {
  for (const Req *r = spec->exprs; r->key != NULL; r++)
    ks_node_selector_term_add_expression(t, r->key, r->op, vals(r));
  for (const Req *r = spec->fields; r->key != NULL; r++)
    ks_node_selector_term_add_field(t, r->key, r->op, vals(r));
}

static void test_node_selector_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(node_cases); i++) {
    const NodeSelectorCase *c = &node_cases[i];
    KsNodeSelector *s = ks_node_selector_new();
    for (guint t = 0; t < c->nterms; t++)
      build_term(ks_node_selector_add_term(s), &c->terms[t]);
    KsLabels labels;
    parse_labels(&labels, c->labels);
    gboolean got = ks_node_selector_matches(s, &labels, c->node_name);
    if (got != c->want)
      fail_msg("node selector case \"%s\": got %d want %d", c->name, got, c->want);
    KsNodeSelector *copy = ks_node_selector_copy(s);
    ks_node_selector_free(s);
    assert_int_equal(ks_node_selector_matches(copy, &labels, c->node_name), c->want);
    ks_node_selector_free(copy);
    ks_labels_clear(&labels);
  }
}

static void test_node_selector_null(void **state) {
  KsLabels l;
  ks_labels_init(&l);
  assert_false(ks_node_selector_matches(NULL, &l, "n"));
  assert_null(ks_node_selector_copy(NULL));
  ks_node_selector_free(NULL);
}

/* upstream TestPreferredSchedulingTermsScore "first and third term match":
 * weights 5 (name host_1), 7 (unknown label), 11 (label_1) -> 16. */
static void test_preferred_terms_score(void **state) {
  KsPreferredSchedulingTerm terms[3] = {{.weight = 5}, {.weight = 7}, {.weight = 11}};
  const char *host[] = {"host_1", NULL};
  const char *unknown[] = {"unknown_label_val", NULL};
  const char *l1[] = {"label_1_val", NULL};
  ks_node_selector_term_add_field(&terms[0].preference, "metadata.name", IN, host);
  ks_node_selector_term_add_expression(&terms[1].preference, "unknown_label", IN, unknown);
  ks_node_selector_term_add_expression(&terms[2].preference, "label_1", IN, l1);
  KsLabels labels;
  parse_labels(&labels, "label_1=label_1_val");
  gint64 score = 0;
  for (guint i = 0; i < 3; i++)
    if (ks_node_selector_term_matches(&terms[i].preference, &labels, "host_1"))
      score += terms[i].weight;
  assert_int_equal(score, 16);
  for (guint i = 0; i < 3; i++)
    ks_preferred_scheduling_term_clear(&terms[i]);
  ks_labels_clear(&labels);
}

static void test_op_strings(void **state) {
  static const char *names[] = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    KsSelectorOp op;
    assert_true(ks_selector_op_from_string(names[i], &op));
    assert_string_equal(ks_selector_op_to_string(op), names[i]);
  }
  KsSelectorOp op;
  assert_false(ks_selector_op_from_string("in", &op)); /* case matters upstream */
  assert_false(ks_selector_op_from_string("=", &op));
  assert_false(ks_selector_op_from_string("", &op));
  assert_false(ks_selector_op_from_string(NULL, &op));
}

/* upstream validation.IsValidLabelValue cases (validation_test.go
 * TestIsValidLabelValue): good and bad values. */
static void test_label_value_syntax(void **state) {
  static const char *const good[] = {"simple", "now-with-dashes", "1-starts-with-num",
                                     "end-with-num-1", "1234", "", "a",
                                     "underscores_are_ok", "dots.are.ok", "A.B_C-D",
                                     "012345678901234567890123456789012345678901234567890123456789012"};
  static const char *const bad[] = {"nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun",
                                    "\\backslashes\\are\\bad", "-starts-with-dash",
                                    "ends-with-dash-", ".starts.with.dot", "ends.with.dot.",
                                    "invalid value: ___@#$%^",
                                    "0123456789012345678901234567890123456789012345678901234567890123"};
  for (gsize i = 0; i < G_N_ELEMENTS(good); i++)
    if (!ks_label_value_is_valid(good[i]))
      fail_msg("\"%s\" should be a valid label value", good[i]);
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
    if (ks_label_value_is_valid(bad[i]))
      fail_msg("\"%s\" should not be a valid label value", bad[i]);
  /* An In requirement with a bad value is invalid and matches nothing. */
  KsLabelSelector *sel = ks_label_selector_new();
  const char *vals[] = {"invalid value: ___@#$%^", NULL};
  ks_label_selector_add_expression(sel, "foo", KS_SELECTOR_OP_NOT_IN, vals);
  KsLabels l;
  ks_labels_init(&l);
  assert_false(ks_label_selector_is_valid(sel));
  assert_false(ks_label_selector_matches(sel, &l));
  ks_labels_clear(&l);
  ks_label_selector_free(sel);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_label_selector_table),
      cmocka_unit_test(test_label_selector_is_empty),
      cmocka_unit_test(test_label_selector_matches_valid),
      cmocka_unit_test(test_requirement_validity),
      cmocka_unit_test(test_label_value_syntax),
      cmocka_unit_test(test_parse_int64),
      cmocka_unit_test(test_node_selector_table),
      cmocka_unit_test(test_node_selector_null),
      cmocka_unit_test(test_preferred_terms_score),
      cmocka_unit_test(test_op_strings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
