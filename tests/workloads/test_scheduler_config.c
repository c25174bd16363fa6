/* KubeSchedulerConfiguration loading: the upstream docs' examples load
 * unchanged, two profiles with custom weights resolve as upstream does,
 * mergePluginSet follows upstream's TestMergePlugins table, the MultiPoint
 * expansion order and framework errors follow NewFramework, and broken
 * files fail with exact file:line:column messages. Every args type has its
 * upstream validation_pluginargs_test.go cases (valid ones in
 * plugin-args-all.yaml, invalid ones in bad/), and upstream's
 * TestNewFrameworkMultiPointExpansion table is replayed through the loader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/plugins/gpu_random.h"

#include "sched/plugins/balanced_allocation.h"
#include "sched/plugins/best_fit.h"
#include "sched/plugins/default_preemption.h"
#include "sched/plugins/inter_pod_affinity.h"
#include "sched/plugins/node_affinity.h"
#include "sched/plugins/node_resources_fit.h"
#include "sched/plugins/pod_topology_spread.h"
#include "sched/plugins/random.h"
#include "sched/plugins/volume_binding.h"
#include "workloads/scheduler_config.h"

#define DATA KSIM_TEST_DATA "/schedconfig/"

static KsSchedulerConfigFile *load_ok(const char *name) {
  char *path = g_strconcat(DATA, name, NULL);
  GError *err = NULL;
  KsSchedulerConfigFile *c = ks_scheduler_config_load_file(path, &err);
  if (!c)
    fail_msg("%s: %s", name, err->message);
  g_free(path);
  return c;
}

static const KsSchedConfigPlugin *plugin(const KsSchedConfigProfile *p, const char *name) {
  for (guint i = 0; i < p->n_plugins; i++)
    if (strcmp(p->plugins[i].name, name) == 0)
      return &p->plugins[i];
  return NULL;
}

/* Names at extension point e of fw, comma-joined. transfer full */
static char *point(const KsSchedFramework *fw, KsSchedExtensionPoint e) {
  GString *s = g_string_new("");
  for (guint i = 0; i < fw->n_ep[e]; i++)
    g_string_append_printf(s, "%s%s", i ? "," : "", fw->plugins[fw->ep[e][i]].desc->name);
  return g_string_free(s, FALSE);
}

static gboolean point_has(const KsSchedFramework *fw, KsSchedExtensionPoint e, const char *name) {
  for (guint i = 0; i < fw->n_ep[e]; i++)
    if (strcmp(fw->plugins[fw->ep[e][i]].desc->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* ---- fake out-of-tree plugins ------------------------------------------------- */

static gboolean fake_less(KsSchedPlugin *p, const KsSchedQueuedPod *a, const KsSchedQueuedPod *b) {
  return FALSE;
}
static void fake_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                            const KsSchedCache *c, GHashTable **nn, KsSchedStatus *st) {}
static void fake_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                        const KsSchedCache *c, guint slot, KsSchedStatus *st) {}
static void fake_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st) {}
static void fake_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                       const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {}

static const KsSchedPluginDesc custom_queue_sort = {.name = "CustomQueueSort", .less = fake_less};
static const KsSchedPluginDesc custom1 = {.name = "CustomPlugin1", .filter = fake_filter,
                                          .score = fake_score};
static const KsSchedPluginDesc custom2 = {.name = "CustomPlugin2", .filter = fake_filter,
                                          .score = fake_score};
static const KsSchedPluginDesc score_a = {.name = "MyCustomPluginA", .score = fake_score};
static const KsSchedPluginDesc score_b = {.name = "MyCustomPluginB", .score = fake_score};
static const KsSchedPluginDesc my_plugin = {.name = "MyPlugin", .pre_filter = fake_pre_filter,
                                            .filter = fake_filter, .pre_score = fake_pre_score,
                                            .score = fake_score};

static KsSchedRegistry *registry(void) {
  KsSchedRegistry *r = ks_sched_registry_new();
  const KsSchedPluginDesc *fakes[] = {&custom_queue_sort, &custom1, &custom2,
                                      &score_a,           &score_b, &my_plugin};
  for (guint i = 0; i < G_N_ELEMENTS(fakes); i++)
    assert_true(ks_sched_registry_add(r, fakes[i], NULL));
  return r;
}

static KsSchedFramework *build_ok(const KsSchedulerConfigFile *c, guint i, KsSchedRegistry *r) {
  GError *err = NULL;
  KsSchedFramework *fw = ks_scheduler_config_build_profile(c, i, r, &err);
  if (!fw)
    fail_msg("build: %s", err->message);
  return fw;
}

/* ---- the docs' examples --------------------------------------------------------------- */

/* "Scheduler Configuration": minimal file; v1.31 defaults (defaults.go). */
static void test_minimal(void **state) {
  KsSchedulerConfigFile *c = load_ok("minimal.yaml");
  assert_int_equal(c->parallelism, 16);
  assert_int_equal(c->config.percentage_of_nodes_to_score, 0);
  assert_int_equal(c->config.pod_initial_backoff_us, 1000000);
  assert_int_equal(c->config.pod_max_backoff_us, 10000000);
  assert_int_equal(c->n_profiles, 1);
  const KsSchedConfigProfile *p = &c->profiles[0];
  assert_string_equal(p->scheduler_name, "default-scheduler");
  assert_int_equal(p->percentage_of_nodes_to_score, -1);
  /* getDefaultPlugins (v1.31): 18 plugins, in order, score weights. */
  const gint32 *w = NULL;
  const char *const *names = ks_sched_default_profile_names(&w);
  assert_int_equal(p->n_plugins, 18);
  for (guint i = 0; i < p->n_plugins; i++) {
    assert_string_equal(p->plugins[i].name, names[i]);
    assert_int_equal(p->plugins[i].weight, w[i]);
    assert_true(p->plugins[i].multi_point && p->plugins[i].default_only);
    assert_int_equal(p->plugins[i].enabled_points | p->plugins[i].disabled_points, 0);
  }
  assert_int_equal(plugin(p, "TaintToleration")->weight, 3);
  assert_int_equal(plugin(p, "NodeAffinity")->weight, 2);
  assert_int_equal(plugin(p, "InterPodAffinity")->weight, 2);
  assert_int_equal(plugin(p, "NodeResourcesFit")->weight, 1);
  /* Built against the real registry: the same lists as the default profile. */
  KsSchedRegistry *r = ks_sched_registry_new();
  KsSchedFramework *fw = build_ok(c, 0, r), *def = ks_sched_framework_new_default(r, NULL);
  assert_int_equal(fw->n_plugins, def->n_plugins);
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++) {
    char *a = point(fw, e), *b = point(def, e);
    assert_string_equal(a, b);
    g_free(a);
    g_free(b);
  }
  ks_sched_framework_free(def);
  ks_sched_framework_free(fw);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

/* "Scheduler Configuration": disable PodTopologySpread at score, add two
 * custom score plugins with weights. */
static void test_disable_score(void **state) {
  KsSchedulerConfigFile *c = load_ok("disable-score.yaml");
  const KsSchedConfigProfile *p = &c->profiles[0];
  assert_int_equal(plugin(p, "PodTopologySpread")->disabled_points, 1u << KS_SCHED_EP_SCORE);
  const KsSchedConfigPlugin *a = plugin(p, "MyCustomPluginA");
  assert_int_equal(a->weight, 2);
  assert_false(a->multi_point);
  assert_int_equal(a->enabled_points, 1u << KS_SCHED_EP_SCORE);
  assert_int_equal(plugin(p, "MyCustomPluginB")->weight, 1);
  /* Without the custom plugins: upstream's error, at the entry. */
  KsSchedRegistry *plain = ks_sched_registry_new();
  GError *err = NULL;
  assert_null(ks_scheduler_config_build_profile(c, 0, plain, &err));
  assert_string_equal(err->message, DATA "disable-score.yaml:10:11: "
                                         "profiles[0].plugins.score.enabled[0]: ScorePlugin "
                                         "\"MyCustomPluginA\" does not exist");
  g_clear_error(&err);
  ks_sched_registry_free(plain);
  KsSchedRegistry *r = registry();
  KsSchedFramework *fw = build_ok(c, 0, r);
  guint n = fw->n_ep[KS_SCHED_EP_SCORE];
  assert_true(n >= 3); /* NodeResourcesFit (built) + A + B */
  assert_string_equal(fw->plugins[fw->ep[KS_SCHED_EP_SCORE][n - 2]].desc->name, "MyCustomPluginA");
  assert_int_equal(fw->plugins[fw->ep[KS_SCHED_EP_SCORE][n - 2]].weight, 2);
  assert_string_equal(fw->plugins[fw->ep[KS_SCHED_EP_SCORE][n - 1]].desc->name, "MyCustomPluginB");
  assert_false(point_has(fw, KS_SCHED_EP_SCORE, "PodTopologySpread"));
  assert_false(point_has(fw, KS_SCHED_EP_FILTER, "MyCustomPluginA"));
  ks_sched_framework_free(fw);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

/* "Scheduler Configuration": two profiles, the second without scoring. */
static void test_multiple_profiles(void **state) {
  KsSchedulerConfigFile *c = load_ok("multiple-profiles.yaml");
  assert_int_equal(c->n_profiles, 2);
  assert_string_equal(c->profiles[1].scheduler_name, "no-scoring-scheduler");
  assert_ptr_equal(ks_scheduler_config_profile(c, "no-scoring-scheduler"), &c->profiles[1]);
  assert_null(ks_scheduler_config_profile(c, "other"));
  KsSchedRegistry *r = ks_sched_registry_new();
  KsSchedFramework *def = build_ok(c, 0, r), *ns = build_ok(c, 1, r);
  assert_string_equal(ns->name, "no-scoring-scheduler");
  assert_true(def->n_ep[KS_SCHED_EP_SCORE] > 0);
  assert_int_equal(ns->n_ep[KS_SCHED_EP_SCORE], 0);
  assert_int_equal(ns->n_ep[KS_SCHED_EP_PRE_SCORE], 0);
  assert_true(point_has(ns, KS_SCHED_EP_FILTER, "NodeResourcesFit"));
  assert_int_equal(ns->n_ep[KS_SCHED_EP_BIND], 1);
  ks_sched_framework_free(def);
  ks_sched_framework_free(ns);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

/* "Scheduler Configuration": MyPlugin through multiPoint, Score and
 * PreScore excluded with '*'. */
static void test_multipoint(void **state) {
  KsSchedulerConfigFile *c = load_ok("multipoint.yaml");
  KsSchedRegistry *r = registry();
  KsSchedFramework *fw = build_ok(c, 0, r);
  assert_true(point_has(fw, KS_SCHED_EP_PRE_FILTER, "MyPlugin"));
  assert_true(point_has(fw, KS_SCHED_EP_FILTER, "MyPlugin"));
  assert_int_equal(fw->n_ep[KS_SCHED_EP_PRE_SCORE], 0);
  assert_int_equal(fw->n_ep[KS_SCHED_EP_SCORE], 0);
  ks_sched_framework_free(fw);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

/* "Resource Bin Packing": MostAllocated with extended resources. */
static void test_most_allocated(void **state) {
  KsSchedulerConfigFile *c = load_ok("most-allocated.yaml");
  const KsSchedConfigPluginArgs *a = ks_sched_config_profile_args(&c->profiles[0], "NodeResourcesFit");
  assert_non_null(a);
  assert_true(a->decoded);
  const KsSchedFitArgs *f = a->args;
  assert_int_equal(f->strategy, KS_SCHED_FIT_MOST_ALLOCATED);
  assert_int_equal(f->n_resources, 4);
  const char *names[] = {"cpu", "memory", "intel.com/foo", "intel.com/bar"};
  const gint64 weights[] = {1, 1, 3, 3};
  for (guint i = 0; i < 4; i++) {
    assert_string_equal(f->resources[i].name, names[i]);
    assert_int_equal(f->resources[i].weight, weights[i]);
  }
  assert_ptr_equal(plugin(&c->profiles[0], "NodeResourcesFit")->args, f);
  assert_ptr_equal(c->profiles[0].plugin_configs[7].args, f);
  KsSchedRegistry *r = ks_sched_registry_new();
  KsSchedFramework *fw = build_ok(c, 0, r);
  ks_sched_framework_free(fw);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

/* "Resource Bin Packing": RequestedToCapacityRatio. */
static void test_rtcr(void **state) {
  KsSchedulerConfigFile *c = load_ok("rtcr.yaml");
  const KsSchedFitArgs *f = ks_sched_config_profile_args(&c->profiles[0], "NodeResourcesFit")->args;
  assert_int_equal(f->strategy, KS_SCHED_FIT_REQUESTED_TO_CAPACITY_RATIO);
  assert_int_equal(f->n_resources, 2);
  assert_string_equal(f->resources[1].name, "intel.com/bar");
  assert_int_equal(f->resources[1].weight, 3);
  assert_int_equal(f->n_shape, 2);
  assert_int_equal(f->shape[0].utilization, 0);
  assert_int_equal(f->shape[0].score, 0);
  assert_int_equal(f->shape[1].utilization, 100);
  assert_int_equal(f->shape[1].score, 10);
  KsSchedRegistry *r = ks_sched_registry_new();
  KsSchedFramework *fw = build_ok(c, 0, r);
  ks_sched_framework_free(fw);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

/* Two profiles, custom weights, global settings, args with defaults. */
static void test_two_profiles(void **state) {
  KsSchedulerConfigFile *c = load_ok("two-profiles.yaml");
  assert_int_equal(c->parallelism, 8);
  assert_int_equal(c->config.percentage_of_nodes_to_score, 50);
  assert_int_equal(c->config.pod_initial_backoff_us, 2000000);
  assert_int_equal(c->config.pod_max_backoff_us, 20000000);
  const KsSchedConfigProfile *p0 = &c->profiles[0], *p1 = &c->profiles[1];
  assert_int_equal(p0->percentage_of_nodes_to_score, 100);
  /* score.enabled re-weights a default: getScoreWeights takes score first. */
  const KsSchedConfigPlugin *fit0 = plugin(p0, "NodeResourcesFit");
  assert_int_equal(fit0->weight, 5);
  assert_int_equal(fit0->enabled_points, 1u << KS_SCHED_EP_SCORE);
  assert_false(fit0->default_only);
  assert_int_equal(p0->n_plugins, 18);
  /* multiPoint re-enables with weight 3 (in place), BalancedAllocation off. */
  assert_int_equal(p1->n_plugins, 17);
  assert_null(plugin(p1, "NodeResourcesBalancedAllocation"));
  const KsSchedConfigPlugin *fit1 = plugin(p1, "NodeResourcesFit");
  assert_int_equal(fit1->weight, 3);
  assert_ptr_equal(p1->plugins + 7, fit1); /* kept its default position */
  assert_int_equal(fit1->disabled_points, 1u << KS_SCHED_EP_FILTER);
  const KsSchedFitArgs *f = fit1->args;
  assert_int_equal(f->strategy, KS_SCHED_FIT_MOST_ALLOCATED);
  assert_int_equal(f->n_resources, 2);
  assert_int_equal(f->resources[0].weight, 1); /* 0 defaults to 1 */
  assert_int_equal(f->resources[1].weight, 2);
  assert_string_equal(f->ignored_resources[0], "example.com/gpu");
  assert_null(f->ignored_resources[1]);
  assert_string_equal(f->ignored_resource_groups[0], "example.org");
  const KsSchedConfigPluginArgs *oot = ks_sched_config_profile_args(p1, "MyOutOfTreePlugin");
  /* Not built in: its args become the string map a loaded plugin's
   * create() receives (sched/ksim_plugin.h), values as written. */
  assert_true(oot->string_map);
  assert_true(oot->decoded);
  assert_non_null(oot->raw);
  assert_int_equal(oot->raw->line, 44); /* "anything:" */
  const KsLabels *om = oot->args;
  assert_string_equal(ks_labels_get(om, "anything"), "1,2");
  assert_string_equal(ks_labels_get(om, "threshold"), "0.5");
  assert_string_equal(ks_labels_get(om, "enabled"), "true");
  assert_string_equal(ks_labels_get(om, "empty"), "");
  assert_null(ks_labels_get(om, "missing"));
  KsSchedRegistry *r = ks_sched_registry_new();
  KsSchedFramework *fw0 = build_ok(c, 0, r), *fw1 = build_ok(c, 1, r);
  assert_int_equal(fw0->percentage_of_nodes_to_score, 100);
  assert_int_equal(fw1->percentage_of_nodes_to_score, -1);
  assert_int_equal(ks_sched_framework_plugin(fw0, "NodeResourcesFit")->weight, 5);
  assert_int_equal(ks_sched_framework_plugin(fw1, "NodeResourcesFit")->weight, 3);
  assert_true(point_has(fw1, KS_SCHED_EP_PRE_FILTER, "NodeResourcesFit"));
  assert_false(point_has(fw1, KS_SCHED_EP_FILTER, "NodeResourcesFit"));
  assert_true(point_has(fw1, KS_SCHED_EP_SCORE, "NodeResourcesFit"));
  assert_true(point_has(fw0, KS_SCHED_EP_FILTER, "NodeResourcesFit"));
  ks_sched_framework_free(fw0);
  ks_sched_framework_free(fw1);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

/* InterPodAffinity and BalancedAllocation args, defaults applied
 * (SetDefaults_InterPodAffinityArgs, SetDefaults_...BalancedAllocationArgs);
 * PodTopologySpread's defaultingType List with no constraints. */
static void test_plugin_args(void **state) {
  KsSchedulerConfigFile *c = load_ok("plugin-args.yaml");
  const KsSchedConfigProfile *p = &c->profiles[0];
  const KsSchedInterPodAffinityArgs *ipa = ks_sched_config_profile_args(p, "InterPodAffinity")->args;
  assert_int_equal(ipa->hard_pod_affinity_weight, 1);
  assert_true(ipa->ignore_preferred_terms_of_existing_pods);
  const KsSchedBalancedAllocationArgs *ba =
      ks_sched_config_profile_args(p, "NodeResourcesBalancedAllocation")->args;
  assert_int_equal(ba->n_resources, 3);
  assert_string_equal(ba->resources[2].name, "example.com/gpu");
  assert_int_equal(ba->resources[0].weight, 1);
  assert_ptr_equal(plugin(p, "NodeResourcesBalancedAllocation")->args, ba);
  const KsSchedConfigPluginArgs *pts = ks_sched_config_profile_args(p, "PodTopologySpread");
  assert_true(pts->decoded);
  const KsSchedPodTopologySpreadArgs *pa = pts->args;
  assert_int_equal(pa->defaulting_type, KS_SCHED_PTS_DEFAULTING_LIST);
  assert_int_equal(pa->n_default_constraints, 0);
  assert_ptr_equal(plugin(p, "PodTopologySpread")->args, pa);
  ks_scheduler_config_free(c);
}

/* ---- every args type (plugin-args-all.yaml) ------------------------------------------ */

/* A plugin that is not built in, as a loaded one would be: create() gets
 * the pluginConfig args as a string map (sched/ksim_plugin.h). */
typedef struct {
  char *label;
  gint64 scale;
} Probe;

static gpointer probe_create(gconstpointer args, GError **error) {
  const KsLabels *l = args;
  Probe *p = g_new0(Probe, 1);
  p->label = g_strdup(l ? ks_labels_get(l, "label") : NULL);
  p->scale = l && ks_labels_get(l, "scale") ? g_ascii_strtoll(ks_labels_get(l, "scale"), NULL, 10)
                                             : -1;
  return p;
}

static void probe_destroy(gpointer self) {
  Probe *p = self;
  g_free(p->label);
  g_free(p);
}

static const KsSchedPluginDesc args_probe = {.name = "ArgsProbe", .create = probe_create,
                                             .destroy = probe_destroy, .score = fake_score};

static gconstpointer args_of(const KsSchedConfigProfile *p, const char *name) {
  const KsSchedConfigPluginArgs *a = ks_sched_config_profile_args(p, name);
  assert_non_null(a);
  assert_true(a->decoded);
  return a->args;
}

/* Profile "explicit": one valid upstream case per args type, decoded into
 * the plugins' own structs and handed to create() by build_profile. */
static void test_all_args_explicit(void **state) {
  KsSchedulerConfigFile *c = load_ok("plugin-args-all.yaml");
  const KsSchedConfigProfile *p = &c->profiles[0];
  const KsSchedDefaultPreemptionArgs *dp = args_of(p, "DefaultPreemption");
  assert_int_equal(dp->min_candidate_nodes_percentage, 10);
  assert_int_equal(dp->min_candidate_nodes_absolute, 100);
  const KsSchedPodTopologySpreadArgs *pts = args_of(p, "PodTopologySpread");
  assert_int_equal(pts->defaulting_type, KS_SCHED_PTS_DEFAULTING_LIST);
  assert_int_equal(pts->n_default_constraints, 2);
  assert_int_equal(pts->default_constraints[0].max_skew, 1);
  assert_string_equal(pts->default_constraints[0].topology_key, "node");
  assert_int_equal(pts->default_constraints[0].when_unsatisfiable,
                   KS_UNSATISFIABLE_DO_NOT_SCHEDULE);
  assert_int_equal(pts->default_constraints[1].max_skew, 2);
  assert_string_equal(pts->default_constraints[1].topology_key, "zone");
  assert_int_equal(pts->default_constraints[1].when_unsatisfiable,
                   KS_UNSATISFIABLE_SCHEDULE_ANYWAY);
  assert_null(pts->default_constraints[1].label_selector);
  const KsSchedNodeAffinityArgs *na = args_of(p, "NodeAffinity");
  const KsNodeAffinity *added = na->added_affinity;
  assert_int_equal(added->required->terms->len, 1);
  const KsNodeSelectorTerm *t = &g_array_index(added->required->terms, KsNodeSelectorTerm, 0);
  const KsSelectorRequirement *r = &g_array_index(t->match_expressions, KsSelectorRequirement, 0);
  assert_string_equal(r->key, "label-1");
  assert_int_equal(r->op, KS_SELECTOR_OP_IN);
  assert_string_equal(r->values[0], "label-1-val");
  assert_null(t->match_fields);
  assert_int_equal(added->preferred->len, 1);
  const KsPreferredSchedulingTerm *pt = &g_array_index(added->preferred, KsPreferredSchedulingTerm, 0);
  assert_int_equal(pt->weight, 1);
  r = &g_array_index(pt->preference.match_fields, KsSelectorRequirement, 0);
  assert_string_equal(r->key, "metadata.name");
  assert_string_equal(r->values[0], "node-1");
  KsLabels labels;
  ks_labels_init(&labels);
  ks_labels_set(&labels, "label-1", "label-1-val");
  assert_true(ks_node_selector_term_matches(t, &labels, "n"));
  ks_labels_set(&labels, "label-1", "other");
  assert_false(ks_node_selector_term_matches(t, &labels, "n"));
  assert_true(ks_node_selector_term_matches(&pt->preference, &labels, "node-1"));
  assert_false(ks_node_selector_term_matches(&pt->preference, &labels, "node-2"));
  ks_labels_clear(&labels);
  const KsSchedRandomArgs *ra = args_of(p, "Random");
  assert_int_equal(ra->seed, 42);
  const KsSchedBestFitArgs *bf = args_of(p, "BestFit");
  assert_int_equal(bf->cpu_weight, 2);
  assert_int_equal(bf->memory_weight, 1);
  const KsSchedVolumeBindingArgs *vb = args_of(p, "VolumeBinding");
  assert_int_equal(vb->bind_timeout_seconds, 10);
  assert_false(vb->capacity_scoring); /* VolumeCapacityPriority is off in v1.31 */
  assert_int_equal(vb->n_shape, 0);
  const KsSchedConfigPluginArgs *probe = ks_sched_config_profile_args(p, "ArgsProbe");
  assert_true(probe->string_map);
  /* Every plugin is created with its args: upstream's validation passed,
   * so the plugins' own create() checks pass too. */
  KsSchedRegistry *reg = ks_sched_registry_new();
  assert_true(ks_sched_registry_add(reg, &args_probe, NULL));
  KsSchedFramework *fw = build_ok(c, 0, reg);
  assert_string_equal(fw->name, "explicit");
  const Probe *pr = ks_sched_framework_plugin(fw, "ArgsProbe")->self;
  assert_string_equal(pr->label, "example.com/efficiency");
  assert_int_equal(pr->scale, 3);
  assert_int_equal(ks_sched_framework_plugin(fw, "BestFit")->weight, 2);
  assert_true(point_has(fw, KS_SCHED_EP_SCORE, "Random"));
  assert_ptr_equal(plugin(p, "NodeAffinity")->args, na);
  assert_ptr_equal(plugin(p, "Random")->args, ra);
  assert_ptr_equal(plugin(p, "VolumeBinding")->args, vb); /* handed to create() */
  ks_sched_framework_free(fw);
  ks_sched_registry_free(reg);
  ks_scheduler_config_free(c);
}

/* Profiles "defaults" and "edges": defaulting (unset fields only) and the
 * boundaries validation accepts. */
static void test_all_args_defaults_and_edges(void **state) {
  KsSchedulerConfigFile *c = load_ok("plugin-args-all.yaml");
  const KsSchedConfigProfile *p = &c->profiles[1];
  const KsSchedDefaultPreemptionArgs *dp = args_of(p, "DefaultPreemption");
  assert_int_equal(dp->min_candidate_nodes_percentage, KS_SCHED_DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE);
  assert_int_equal(dp->min_candidate_nodes_absolute, KS_SCHED_DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE);
  const KsSchedPodTopologySpreadArgs *pts = args_of(p, "PodTopologySpread");
  assert_int_equal(pts->defaulting_type, KS_SCHED_PTS_DEFAULTING_LIST);
  assert_int_equal(pts->n_default_constraints, 0);
  const KsSchedNodeAffinityArgs *na = args_of(p, "NodeAffinity");
  assert_null(na->added_affinity);
  const KsSchedConfigPluginArgs *ra = ks_sched_config_profile_args(p, "Random");
  assert_non_null(ra->args); /* no args: the defaults, decoded */
  assert_int_equal(((const KsSchedRandomArgs *)ra->args)->seed, 0);
  const KsSchedBestFitArgs *bf = args_of(p, "BestFit");
  assert_int_equal(bf->cpu_weight, 3);
  assert_int_equal(bf->memory_weight, 0);
  const KsSchedVolumeBindingArgs *vb = args_of(p, "VolumeBinding");
  assert_int_equal(vb->bind_timeout_seconds, KS_SCHED_VOLUME_BINDING_DEFAULT_BIND_TIMEOUT_SECONDS);
  assert_int_equal(vb->bind_timeout_seconds, 600);
  assert_false(vb->capacity_scoring);

  p = &c->profiles[2];
  dp = args_of(p, "DefaultPreemption");
  assert_int_equal(dp->min_candidate_nodes_percentage, 0);
  assert_int_equal(dp->min_candidate_nodes_absolute, 5);
  pts = args_of(p, "PodTopologySpread");
  assert_int_equal(pts->defaulting_type, KS_SCHED_PTS_DEFAULTING_SYSTEM);
  na = args_of(p, "NodeAffinity");
  const KsNodeSelectorTerm *t = &g_array_index(na->added_affinity->required->terms,
                                               KsNodeSelectorTerm, 0);
  assert_int_equal(t->match_expressions->len, 2);
  assert_int_equal(g_array_index(t->match_expressions, KsSelectorRequirement, 0).op,
                   KS_SELECTOR_OP_EXISTS);
  assert_int_equal(g_array_index(t->match_expressions, KsSelectorRequirement, 1).op,
                   KS_SELECTOR_OP_GT);
  assert_null(na->added_affinity->preferred);
  assert_true(((const KsSchedRandomArgs *)args_of(p, "Random"))->seed == G_GUINT64_CONSTANT(9223372036854775807));
  bf = args_of(p, "BestFit");
  assert_int_equal(bf->cpu_weight, 0);
  assert_int_equal(bf->memory_weight, 100);
  vb = args_of(p, "VolumeBinding");
  assert_int_equal(vb->bind_timeout_seconds, 0); /* explicit 0 is not defaulted */
  assert_int_equal(vb->n_shape, 0);
  /* Both build against the real registry (PTS System, DP 0%/5). */
  KsSchedRegistry *reg = ks_sched_registry_new();
  for (guint i = 1; i < 3; i++) {
    KsSchedFramework *fw = build_ok(c, i, reg);
    assert_non_null(ks_sched_framework_plugin(fw, "DefaultPreemption"));
    assert_non_null(ks_sched_framework_plugin(fw, "VolumeBinding"));
    ks_sched_framework_free(fw);
  }
  ks_sched_registry_free(reg);
  ks_scheduler_config_free(c);
}

/* ---- mergePluginSet: upstream TestMergePlugins (v1/default_plugins_test.go) ------ */

/* "A,B:2,C" -> enabled/disabled lists. */
static void fill(GArray *a, const char *spec) {
  if (!spec || !*spec)
    return;
  char **items = g_strsplit(spec, ",", -1);
  for (guint i = 0; items[i]; i++) {
    char **nw = g_strsplit(items[i], ":", 2);
    KsSchedConfigPluginRef r = {g_strdup(nw[0]), nw[1] ? atoi(nw[1]) : 0, nw[1] != NULL, 0, 0,
                                NULL};
    g_array_append_val(a, r);
    g_strfreev(nw);
  }
  g_strfreev(items);
}

static char *unfill(const GArray *a) {
  GString *s = g_string_new("");
  for (guint i = 0; i < a->len; i++) {
    const KsSchedConfigPluginRef *r = &g_array_index(a, KsSchedConfigPluginRef, i);
    g_string_append_printf(s, "%s%s", i ? "," : "", r->name);
    if (r->has_weight)
      g_string_append_printf(s, ":%d", r->weight);
  }
  return g_string_free(s, FALSE);
}

typedef struct {
  const char *name;
  guint set; /* which extension point the case exercises */
  const char *def_en, *def_dis, *cus_en, *cus_dis, *want_en, *want_dis;
} MergeCase;

static const MergeCase merge_cases[] = {
    {"AppendCustomPlugin", KS_SCHED_EP_FILTER, "DefaultPlugin1,DefaultPlugin2", "", "CustomPlugin",
     "", "DefaultPlugin1,DefaultPlugin2,CustomPlugin", ""},
    {"InsertAfterDefaultPlugins2", KS_SCHED_EP_FILTER, "DefaultPlugin1,DefaultPlugin2", "",
     "CustomPlugin,DefaultPlugin2", "DefaultPlugin2", "DefaultPlugin1,CustomPlugin,DefaultPlugin2",
     "DefaultPlugin2"},
    {"InsertBeforeAllPlugins", KS_SCHED_EP_FILTER, "DefaultPlugin1,DefaultPlugin2", "",
     "CustomPlugin,DefaultPlugin1,DefaultPlugin2", "*",
     "CustomPlugin,DefaultPlugin1,DefaultPlugin2", "*"},
    {"ReorderDefaultPlugins", KS_SCHED_EP_FILTER, "DefaultPlugin1,DefaultPlugin2", "",
     "DefaultPlugin2,DefaultPlugin1", "*", "DefaultPlugin2,DefaultPlugin1", "*"},
    {"ApplyNilCustomPlugin", KS_SCHED_EP_FILTER, "DefaultPlugin1,DefaultPlugin2", "", "", "",
     "DefaultPlugin1,DefaultPlugin2", ""},
    {"CustomPluginOverrideDefaultPlugin", KS_SCHED_EP_FILTER, "Plugin1,Plugin2,Plugin3", "",
     "Plugin1:2,Plugin3:3", "", "Plugin1:2,Plugin2,Plugin3:3", ""},
    {"OrderPreserveAfterOverride", KS_SCHED_EP_FILTER, "Plugin1,Plugin2,Plugin3", "",
     "Plugin2:2,Plugin1:1", "", "Plugin1:1,Plugin2:2,Plugin3", ""},
    {"RepeatedCustomPlugin", KS_SCHED_EP_FILTER, "Plugin1,Plugin2,Plugin3", "",
     "Plugin1,Plugin2:2,Plugin3,Plugin2:4", "", "Plugin1,Plugin2:4,Plugin3,Plugin2:2", ""},
    {"Append custom MultiPoint plugin", KS_SCHED_CONFIG_MULTI_POINT,
     "DefaultPlugin1,DefaultPlugin2", "", "CustomPlugin", "",
     "DefaultPlugin1,DefaultPlugin2,CustomPlugin", ""},
    {"Append disabled Multipoint plugins (multiPoint)", KS_SCHED_CONFIG_MULTI_POINT,
     "DefaultPlugin1,DefaultPlugin2", "", "CustomPlugin,CustomPlugin2", "DefaultPlugin2",
     "DefaultPlugin1,CustomPlugin,CustomPlugin2", "DefaultPlugin2"},
    {"Append disabled Multipoint plugins (score)", KS_SCHED_EP_SCORE, "", "", "", "CustomPlugin2",
     "", "CustomPlugin2"},
    {"override default MultiPoint plugins with custom value", KS_SCHED_CONFIG_MULTI_POINT,
     "DefaultPlugin", "", "DefaultPlugin:5", "", "DefaultPlugin:5", ""},
    {"disabled MultiPoint plugin in default set", KS_SCHED_CONFIG_MULTI_POINT, "DefaultPlugin",
     "DefaultPlugin2", "CustomPlugin", "", "DefaultPlugin,CustomPlugin", "DefaultPlugin2"},
    {"disabled MultiPoint plugin in default set for specific extension point (score)",
     KS_SCHED_EP_SCORE, "", "DefaultPlugin2", "", "", "", "DefaultPlugin2"},
    {"multipoint with only disabled gets merged", KS_SCHED_CONFIG_MULTI_POINT, "DefaultPlugin", "",
     "", "DefaultPlugin", "", "DefaultPlugin"},
};

static void test_merge_plugins_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(merge_cases); i++) {
    const MergeCase *mc = &merge_cases[i];
    KsSchedConfigPluginSet def, cus, out;
    ks_sched_config_plugin_set_init(&def);
    ks_sched_config_plugin_set_init(&cus);
    fill(def.enabled, mc->def_en);
    fill(def.disabled, mc->def_dis);
    fill(cus.enabled, mc->cus_en);
    fill(cus.disabled, mc->cus_dis);
    ks_sched_config_merge_plugin_set(&def, &cus, &out);
    char *en = unfill(out.enabled), *dis = unfill(out.disabled);
    if (strcmp(en, mc->want_en) || strcmp(dis, mc->want_dis))
      fail_msg("%s (%s): enabled [%s] disabled [%s], want [%s] [%s]", mc->name,
               ks_sched_config_set_name(mc->set), en, dis, mc->want_en, mc->want_dis);
    g_free(en);
    g_free(dis);
    ks_sched_config_plugin_set_clear(&def);
    ks_sched_config_plugin_set_clear(&cus);
    ks_sched_config_plugin_set_clear(&out);
  }
}

/* ---- expansion order and framework errors (runtime/framework.go) ------------------ */

static KsSchedulerConfigFile *load_str(const char *yaml, GError **err) {
  GString *s = g_string_new("apiVersion: kubescheduler.config.k8s.io/v1\n"
                            "kind: KubeSchedulerConfiguration\n");
  g_string_append(s, yaml);
  KsSchedulerConfigFile *c = ks_scheduler_config_load_string(s->str, s->len, "t.yaml", err);
  g_string_free(s, TRUE);
  return c;
}

static void assert_build_error(const char *yaml, const char *want) {
  GError *err = NULL;
  KsSchedulerConfigFile *c = load_str(yaml, &err);
  if (!c)
    fail_msg("load: %s", err->message);
  KsSchedRegistry *r = registry();
  assert_null(ks_scheduler_config_build_profile(c, 0, r, &err));
  assert_non_null(err);
  assert_string_equal(err->message, want);
  g_error_free(err);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

/* GpuRandomArgs (docs/fgd.md 3.5): a seed, decoded like RandomArgs; the
 * GPU plugins are built-ins, so FGD without args is not a string map. */
static void test_gpu_plugin_args(void **state) {
  GError *err = NULL;
  KsSchedulerConfigFile *c = load_str("profiles:\n"
                                      "- pluginConfig:\n"
                                      "  - name: GpuRandom\n"
                                      "    args: {seed: 7}\n"
                                      "  - name: FGD\n",
                                      &err);
  assert_non_null(c);
  const KsSchedConfigProfile *p = &c->profiles[0];
  const KsSchedGpuRandomArgs *gr = args_of(p, "GpuRandom");
  assert_int_equal(gr->seed, 7);
  assert_false(ks_sched_config_profile_args(p, "FGD")->string_map);
  ks_scheduler_config_free(c);
  assert_null(load_str("profiles:\n"
                       "- pluginConfig:\n"
                       "  - name: GpuRandom\n"
                       "    args: {seed: -1}\n",
                       &err));
  assert_string_equal(err->message, "t.yaml:6:18: profiles[0].pluginConfig[0].args.seed: "
                                    "Invalid value: -1: must be non-negative");
  g_clear_error(&err);
}

/* The docs' MultiPoint precedence sample on real defaults: the custom queue
 * sort replaces PrioritySort; custom plugins follow the defaults (mergePluginSet
 * appends them); NodeResourcesFit is dropped from filter only; re-enabling a
 * default at score moves it first there (an "override"). */
static void test_expansion_order(void **state) {
  GError *err = NULL;
  KsSchedulerConfigFile *c = load_str("profiles:\n"
                                      "- plugins:\n"
                                      "    multiPoint:\n"
                                      "      enabled:\n"
                                      "      - name: CustomQueueSort\n"
                                      "      - name: CustomPlugin1\n"
                                      "        weight: 3\n"
                                      "      - name: CustomPlugin2\n"
                                      "      disabled:\n"
                                      "      - name: PrioritySort\n"
                                      "    filter:\n"
                                      "      disabled:\n"
                                      "      - name: NodeResourcesFit\n"
                                      "    score:\n"
                                      "      enabled:\n"
                                      "      - name: NodeResourcesFit\n",
                                      &err);
  assert_non_null(c);
  KsSchedRegistry *r = registry();
  KsSchedFramework *fw = build_ok(c, 0, r);
  char *qs = point(fw, KS_SCHED_EP_QUEUE_SORT);
  assert_string_equal(qs, "CustomQueueSort");
  g_free(qs);
  guint nf = fw->n_ep[KS_SCHED_EP_FILTER], ns = fw->n_ep[KS_SCHED_EP_SCORE];
  assert_false(point_has(fw, KS_SCHED_EP_FILTER, "NodeResourcesFit"));
  assert_true(point_has(fw, KS_SCHED_EP_PRE_FILTER, "NodeResourcesFit"));
  assert_string_equal(fw->plugins[fw->ep[KS_SCHED_EP_FILTER][nf - 2]].desc->name, "CustomPlugin1");
  assert_string_equal(fw->plugins[fw->ep[KS_SCHED_EP_FILTER][nf - 1]].desc->name, "CustomPlugin2");
  assert_string_equal(fw->plugins[fw->ep[KS_SCHED_EP_SCORE][0]].desc->name, "NodeResourcesFit");
  assert_string_equal(fw->plugins[fw->ep[KS_SCHED_EP_SCORE][ns - 2]].desc->name, "CustomPlugin1");
  assert_int_equal(ks_sched_framework_plugin(fw, "CustomPlugin1")->weight, 3);
  assert_int_equal(ks_sched_framework_plugin(fw, "CustomPlugin2")->weight, 1);
  assert_null(ks_sched_framework_plugin(fw, "PrioritySort"));
  ks_sched_framework_free(fw);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

/* A plugin enabled at one point and disabled there is not an override: it
 * runs after the MultiPoint plugins (third part of expandMultiPointPlugins). */
static void test_enabled_and_disabled_at_point(void **state) {
  GError *err = NULL;
  KsSchedulerConfigFile *c = load_str("profiles:\n"
                                      "- plugins:\n"
                                      "    multiPoint:\n"
                                      "      enabled:\n"
                                      "      - name: CustomPlugin1\n"
                                      "    filter:\n"
                                      "      enabled:\n"
                                      "      - name: NodeResourcesFit\n"
                                      "      disabled:\n"
                                      "      - name: NodeResourcesFit\n",
                                      &err);
  assert_non_null(c);
  KsSchedRegistry *r = registry();
  KsSchedFramework *fw = build_ok(c, 0, r);
  guint nf = fw->n_ep[KS_SCHED_EP_FILTER];
  assert_string_equal(fw->plugins[fw->ep[KS_SCHED_EP_FILTER][nf - 2]].desc->name, "CustomPlugin1");
  assert_string_equal(fw->plugins[fw->ep[KS_SCHED_EP_FILTER][nf - 1]].desc->name,
                      "NodeResourcesFit");
  ks_sched_framework_free(fw);
  ks_sched_registry_free(r);
  ks_scheduler_config_free(c);
}

static void test_framework_errors(void **state) {
  /* updatePluginList */
  assert_build_error("profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: PrioritySort\n",
                     "t.yaml:7:9: profiles[0].plugins.filter.enabled[0]: plugin \"PrioritySort\" "
                     "does not extend FilterPlugin plugin");
  assert_build_error("profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: CustomPlugin1\n"
                     "      - name: CustomPlugin1\n",
                     "t.yaml:8:9: profiles[0].plugins.filter.enabled[1]: plugin \"CustomPlugin1\" "
                     "already registered as \"FilterPlugin\"");
  /* expandMultiPointPlugins: RepeatedCustomPlugin in multiPoint. */
  assert_build_error("profiles:\n- plugins:\n    multiPoint:\n      enabled:\n      - name: CustomPlugin1\n"
                     "      - name: CustomPlugin1\n",
                     "t.yaml:8:9: profiles[0].plugins.multiPoint.enabled[1]: plugin "
                     "\"CustomPlugin1\" already registered as \"FilterPlugin\"");
  assert_build_error("profiles:\n- plugins:\n    multiPoint:\n      enabled:\n      - name: Nope\n",
                     "t.yaml:7:9: profiles[0].plugins.multiPoint.enabled[0]: PreFilterPlugin "
                     "\"Nope\" does not exist");
  assert_build_error("profiles:\n- plugins:\n    multiPoint:\n      enabled:\n"
                     "      - name: CustomQueueSort\n",
                     "t.yaml: profiles[0]: only one queue sort plugin required for profile with "
                     "scheduler name \"default-scheduler\", but got 2");
  assert_build_error("profiles:\n- plugins:\n    bind:\n      disabled:\n      - name: '*'\n",
                     "t.yaml: profiles[0]: at least one bind plugin is needed for profile with "
                     "scheduler name \"default-scheduler\"");
}

/* ---- upstream TestNewFrameworkMultiPointExpansion (runtime/framework_test.go) ----------- */

static void fake_post_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                             const KsSchedCache *c, const KsSchedDiagnosis *d, gint *nominated,
                             KsSchedStatus *st) {}
static void fake_node_op(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         const char *node, KsSchedStatus *st) {}
static void fake_post_bind(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const char *node) {}

/* upstream's testPlugin implements every point but PreEnqueue; its
 * TestScorePlugin (scorePlugin1/2) PreScore and Score; the normalize one
 * Score only (ksim's NormalizeScore is not a separate point). */
static const KsSchedPluginDesc up_test = {
    .name = "test-plugin", .less = fake_less, .pre_filter = fake_pre_filter,
    .filter = fake_filter, .post_filter = fake_post_filter, .pre_score = fake_pre_score,
    .score = fake_score, .reserve = fake_node_op, .permit = fake_node_op,
    .pre_bind = fake_node_op, .bind = fake_node_op, .post_bind = fake_post_bind};
static const KsSchedPluginDesc up_score1 = {.name = "score-plugin-1", .pre_score = fake_pre_score,
                                            .score = fake_score};
static const KsSchedPluginDesc up_score2 = {.name = "score-plugin-2", .pre_score = fake_pre_score,
                                            .score = fake_score};
static const KsSchedPluginDesc up_norm1 = {.name = "score-with-normalize-plugin-1",
                                           .score = fake_score};
static const KsSchedPluginDesc up_queue_sort = {.name = "no-op-queue-sort-plugin",
                                                .less = fake_less};
static const KsSchedPluginDesc up_bind = {.name = "bind-plugin", .bind = fake_node_op};

typedef struct {
  const char *name;    /* upstream case name */
  const char *plugins; /* the profile's `plugins:` body */
  /* want lists: queueSort, preFilter, filter, postFilter, preScore, score,
   * reserve, permit, preBind, bind, postBind (NULL = empty) */
  const char *qs, *pf, *f, *pof, *ps, *sc, *res, *per, *pb, *b, *pob;
  const char *weights; /* "name:w,..." of the score plugins */
} ExpandCase;

#define T "test-plugin"
#define S1 "score-plugin-1"
#define S2 "score-plugin-2"
#define N1 "score-with-normalize-plugin-1"
#define ALL_T T, T, T, T
/* Upstream's cases give NewFramework the sets as written: disabling "*" at
 * multiPoint drops the v1 default set that our loader merges in first
 * (mergePluginSet) without affecting the expansion (upstream ignores
 * multiPoint.disabled there, as its last two cases show). */
#define MP(x) "    multiPoint:\n      disabled: [{name: \"*\"}]\n      enabled: [" x "]\n"
static const ExpandCase expand_cases[] = {
    {"plugin expansion", MP("{name: " T ", weight: 5}"), ALL_T, T, T, T, T, T, T, T, T ":5"},
    {"disable MultiPoint plugin at some extension points",
     MP("{name: " T "}") "    preScore: {disabled: [{name: " T "}]}\n"
                         "    score: {disabled: [{name: " T "}]}\n",
     ALL_T, NULL, NULL, T, T, T, T, T, ""},
    {"Multiple MultiPoint plugins", MP("{name: " T "}, {name: " S1 "}"), ALL_T, T "," S1,
     T "," S1, T, T, T, T, T, T ":1," S1 ":1"},
    {"disable MultiPoint extension",
     MP("{name: " T "}, {name: " S1 "}") "    preScore: {disabled: [{name: \"*\"}]}\n", ALL_T,
     NULL, T "," S1, T, T, T, T, T, T ":1," S1 ":1"},
    {"Reorder MultiPoint plugins (specified extension takes precedence)",
     MP("{name: " N1 "}, {name: " T "}, {name: " S1 "}") "    score: {enabled: [{name: " S1
                                                          "}, {name: " T "}]}\n",
     ALL_T, T "," S1, S1 "," T "," N1, T, T, T, T, T, S1 ":1," T ":1," N1 ":1"},
    {"Reorder MultiPoint plugins (specified extension only takes precedence when it exists in "
     "MultiPoint)",
     MP("{name: " T "}, {name: " S1 "}") "    score: {enabled: [{name: " N1 "}, {name: " S1
                                          "}, {name: " T "}]}\n",
     ALL_T, T "," S1, S1 "," T "," N1, T, T, T, T, T, S1 ":1," T ":1," N1 ":1"},
    {"Override MultiPoint plugins weights",
     MP("{name: " T "}, {name: " S1 "}") "    score: {enabled: [{name: " S1 ", weight: 5}, {name: " T
                                          ", weight: 3}]}\n",
     ALL_T, T "," S1, S1 "," T, T, T, T, T, T, S1 ":5," T ":3"},
    {"disable and enable MultiPoint plugins with '*'",
     MP("{name: no-op-queue-sort-plugin}, {name: bind-plugin}, {name: " S1 "}"),
     "no-op-queue-sort-plugin", NULL, NULL, NULL, S1, S1, NULL, NULL, NULL, "bind-plugin", NULL,
     S1 ":1"},
    {"disable and enable MultiPoint plugin by name",
     "    multiPoint:\n      disabled: [{name: \"*\"}, {name: " S1 "}]\n"
     "      enabled: [{name: bind-plugin}, {name: no-op-queue-sort-plugin}, {name: " S1 "}]\n",
     "no-op-queue-sort-plugin", NULL, NULL, NULL, S1, S1, NULL, NULL, NULL, "bind-plugin", NULL,
     S1 ":1"},
    {"Override MultiPoint plugins weights and avoid a plugin being loaded multiple times",
     MP("{name: " T "}, {name: " S1 "}") "    score: {enabled: [{name: " S1 ", weight: 5}, {name: " S2
                                          ", weight: 5}, {name: " T ", weight: 3}]}\n",
     ALL_T, T "," S1, S1 "," T "," S2, T, T, T, T, T, S1 ":5," T ":3," S2 ":5"},
};

static void check_point(const KsSchedFramework *fw, KsSchedExtensionPoint e, const char *want,
                        const char *name) {
  char *got = point(fw, e);
  if (strcmp(got, want ? want : "") != 0)
    fail_msg("%s: point %d: got \"%s\", want \"%s\"", name, e, got, want ? want : "");
  g_free(got);
}

static void test_multi_point_expansion_table(void **state) {
  KsSchedRegistry *r = ks_sched_registry_new();
  const KsSchedPluginDesc *ds[] = {&up_test, &up_score1, &up_score2, &up_norm1, &up_queue_sort,
                                   &up_bind};
  for (guint i = 0; i < G_N_ELEMENTS(ds); i++)
    assert_true(ks_sched_registry_add(r, ds[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS(expand_cases); i++) {
    const ExpandCase *tc = &expand_cases[i];
    char *yaml = g_strconcat("profiles:\n- plugins:\n", tc->plugins, NULL);
    GError *err = NULL;
    KsSchedulerConfigFile *c = load_str(yaml, &err);
    if (!c)
      fail_msg("%s: %s", tc->name, err->message);
    KsSchedFramework *fw = ks_scheduler_config_build_profile(c, 0, r, &err);
    if (!fw)
      fail_msg("%s: %s", tc->name, err->message);
    const struct {
      KsSchedExtensionPoint e;
      const char *want;
    } pts[] = {{KS_SCHED_EP_QUEUE_SORT, tc->qs}, {KS_SCHED_EP_PRE_ENQUEUE, NULL},
               {KS_SCHED_EP_PRE_FILTER, tc->pf}, {KS_SCHED_EP_FILTER, tc->f},
               {KS_SCHED_EP_POST_FILTER, tc->pof}, {KS_SCHED_EP_PRE_SCORE, tc->ps},
               {KS_SCHED_EP_SCORE, tc->sc},      {KS_SCHED_EP_RESERVE, tc->res},
               {KS_SCHED_EP_PERMIT, tc->per},    {KS_SCHED_EP_PRE_BIND, tc->pb},
               {KS_SCHED_EP_BIND, tc->b},        {KS_SCHED_EP_POST_BIND, tc->pob}};
    for (guint k = 0; k < G_N_ELEMENTS(pts); k++)
      check_point(fw, pts[k].e, pts[k].want, tc->name);
    char **ws = g_strsplit(tc->weights, ",", -1);
    for (guint k = 0; ws[k] && *ws[k]; k++) {
      char **nw = g_strsplit(ws[k], ":", 2);
      KsSchedPlugin *pl = ks_sched_framework_plugin(fw, nw[0]);
      if (!pl || pl->weight != atoi(nw[1]))
        fail_msg("%s: weight of %s: %d, want %s", tc->name, nw[0], pl ? pl->weight : -1, nw[1]);
      g_strfreev(nw);
    }
    g_strfreev(ws);
    ks_sched_framework_free(fw);
    ks_scheduler_config_free(c);
    g_free(yaml);
  }
  ks_sched_registry_free(r);
}

/* TestNewFrameworkMultiPointExpansion "Expect 'already registered' error". */
static void test_multi_point_already_registered(void **state) {
  KsSchedRegistry *r = ks_sched_registry_new();
  assert_true(ks_sched_registry_add(r, &up_test, NULL));
  GError *err = NULL;
  KsSchedulerConfigFile *c = load_str("profiles:\n- plugins:\n" MP("{name: " T "}, {name: " T "}"),
                                      &err);
  assert_non_null(c);
  assert_null(ks_scheduler_config_build_profile(c, 0, r, &err));
  assert_string_equal(err->message, "t.yaml:7:38: profiles[0].plugins.multiPoint.enabled[1]: "
                                    "plugin \"test-plugin\" already registered as "
                                    "\"PreFilterPlugin\"");
  g_error_free(err);
  ks_scheduler_config_free(c);
  ks_sched_registry_free(r);
}
#undef T
#undef S1
#undef S2
#undef N1
#undef ALL_T
#undef MP

/* ---- broken files -------------------------------------------------------------------- */

static const struct {
  const char *file, *message;
} bad[] = {
    {"args-wrong-kind.yaml", "7:13: profiles[0].pluginConfig[0].args.kind: args for plugin "
                             "NodeResourcesFit were not of type "
                             "NodeResourcesFitArgs.kubescheduler.config.k8s.io, got "
                             "NodeResourcesBalancedAllocationArgs.kubescheduler.config.k8s.io"},
    {"balanced-duplicate.yaml", "9:15: profiles[0].pluginConfig[0].args.resources[1].name: "
                                "Duplicate value: \"cpu\""},
    {"balanced-weight-2.yaml", "9:17: profiles[0].pluginConfig[0].args.resources[0].weight: "
                               "Invalid value: 2: must be 1"},
    {"ipa-weight-101.yaml", "7:30: profiles[0].pluginConfig[0].args.hardPodAffinityWeight: "
                            "Invalid value: 101: not in valid range [0, 100]"},
    {"backoff-initial-zero.yaml",
     "3:27: podInitialBackoffSeconds: Invalid value: 0: must be greater than 0"},
    {"backoff-max-below-initial.yaml", "4:23: podMaxBackoffSeconds: Invalid value: 4: must be "
                                       "greater than or equal to PodInitialBackoffSeconds"},
    {"duplicate-field.yaml", "4:1: duplicate key \"parallelism\" (first at line 3)"},
    {"duplicate-plugin-config.yaml",
     "6:5: profiles[0].pluginConfig[1]: Duplicate value: \"NodeResourcesFit\""},
    {"duplicate-scheduler-name.yaml", "6:18: profiles[2].schedulerName: Duplicate value: \"a\""},
    {"empty.yaml", NULL},
    {"extenders.yaml", "4:1: extenders: scheduler extenders are not supported by ksim (they are "
                       "HTTP services outside the scheduler)"},
    {"fit-unknown-arg.yaml", "9:7: profiles[0].pluginConfig[0].args.ignoredResource: unknown "
                             "field \"ignoredResource\""},
    {"fit-unsupported-type.yaml",
     "8:15: profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: "
     "\"LeastRequested\": supported values: \"LeastAllocated\", \"MostAllocated\", "
     "\"RequestedToCapacityRatio\""},
    {"fit-weight-101.yaml", "11:19: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0]"
                            ".weight: Invalid value: 101: resource weight of cpu not in valid "
                            "range (0, 100]"},
    {"ignored-group-slash.yaml", "7:31: profiles[0].pluginConfig[0].args.ignoredResourceGroups[0]"
                                 ": Invalid value: \"example.com/gpu\": resource group name "
                                 "can't contain '/'"},
    {"ignored-resource-invalid.yaml",
     "7:26: profiles[0].pluginConfig[0].args.ignoredResources[0]: Invalid value: \"-bad-\": name "
     "part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
     "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
     "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
    {"missing-scheduler-name.yaml", "5:3: profiles[1].schedulerName: Required value"},
    {"parallelism-zero.yaml",
     "3:14: parallelism: Invalid value: 0: should be an integer value greater than zero"},
    {"percentage-101.yaml",
     "3:27: percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]"},
    {"plugin-without-name.yaml",
     "7:9: profiles[0].plugins.filter.enabled[0].name: required field is missing"},
    {"profile-percentage-negative.yaml", "5:29: profiles[0].percentageOfNodesToScore: Invalid "
                                         "value: -1: not in valid range [0-100]"},
    {"queue-sort-differs.yaml",
     "8:7: profiles[1].plugins.queueSort: Invalid value: must be the same for all profiles"},
    {"removed-plugin.yaml", "7:9: profiles[0].plugins.filter.enabled[0]: Invalid value: "
                            "\"EBSLimits\": was invalid in version \"kubescheduler.config.k8s.io/"
                            "v1\" (KubeSchedulerConfiguration is version "
                            "\"kubescheduler.config.k8s.io/v1\")"},
    {"rtcr-missing.yaml", "8:9: profiles[0].pluginConfig[0].args.scoringStrategy."
                          "requestedToCapacityRatio: Required value: must be specified when type "
                          "is RequestedToCapacityRatio"},
    {"rtcr-score-11.yaml", "11:37: profiles[0].pluginConfig[0].args.scoringStrategy."
                           "requestedToCapacityRatio.shape[0].score: Invalid value: 11: not in "
                           "valid range [0, 10]"},
    {"rtcr-unsorted.yaml", "12:27: profiles[0].pluginConfig[0].args.scoringStrategy."
                           "requestedToCapacityRatio.shape[1].utilization: Invalid value: 20: "
                           "values must be sorted in increasing order"},
    {"shape-without-rtcr.yaml", "10:11: profiles[0].pluginConfig[0].args.scoringStrategy."
                                "requestedToCapacityRatio: Forbidden: must be nil when type is "
                                "not RequestedToCapacityRatio"},
    {"unknown-field.yaml", "3:1: profile: unknown field \"profile\""},
    {"unknown-plugin-set.yaml",
     "5:5: profiles[0].plugins.scores: unknown field \"scores\""},
    {"v1beta3.yaml", "1:13: apiVersion: no kind \"KubeSchedulerConfiguration\" is registered for "
                     "version \"kubescheduler.config.k8s.io/v1beta3\": that version is no longer "
                     "served; kube-scheduler v1.31 reads kubescheduler.config.k8s.io/v1 only"},
    {"weight-quoted.yaml",
     "8:17: profiles[0].plugins.score.enabled[0].weight: expected an integer, got the string \"2\""},
    /* TestValidateDefaultPreemptionArgs "negative minCandidateNodesPercentage" */
    {"dp-percentage-negative.yaml",
     "7:36: profiles[0].pluginConfig[0].args.minCandidateNodesPercentage: Invalid value: -1: not in valid range [0, 100]"},
    /* TestValidateDefaultPreemptionArgs "minCandidateNodesPercentage over 100" */
    {"dp-percentage-900.yaml",
     "7:36: profiles[0].pluginConfig[0].args.minCandidateNodesPercentage: Invalid value: 900: not in valid range [0, 100]"},
    /* TestValidateDefaultPreemptionArgs "negative minCandidateNodesAbsolute" */
    {"dp-absolute-negative.yaml",
     "8:34: profiles[0].pluginConfig[0].args.minCandidateNodesAbsolute: Invalid value: -1: not in valid range [0, inf)"},
    /* TestValidateDefaultPreemptionArgs "all zero" (first of its two errors) */
    {"dp-all-zero.yaml",
     "7:36: profiles[0].pluginConfig[0].args.minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute"},
    /* TestValidateDefaultPreemptionArgs "both negative" (first of its two errors) */
    {"dp-both-negative.yaml",
     "7:36: profiles[0].pluginConfig[0].args.minCandidateNodesPercentage: Invalid value: -1: not in valid range [0, 100]"},
    /* TestValidatePodTopologySpreadArgs "maxSkew less than zero" */
    {"pts-max-skew-negative.yaml",
     "9:18: profiles[0].pluginConfig[0].args.defaultConstraints[0].maxSkew: Invalid value: -1: not in valid range (0, inf)"},
    /* TestValidatePodTopologySpreadArgs "empty topology key" */
    {"pts-empty-topology-key.yaml",
     "10:22: profiles[0].pluginConfig[0].args.defaultConstraints[0].topologyKey: Required value: can not be empty"},
    /* validateTopologyKey: ValidateLabelName */
    {"pts-invalid-topology-key.yaml",
     "10:22: profiles[0].pluginConfig[0].args.defaultConstraints[0].topologyKey: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
    /* TestValidatePodTopologySpreadArgs "whenUnsatisfiable is empty" */
    {"pts-when-empty.yaml",
     "11:28: profiles[0].pluginConfig[0].args.defaultConstraints[0].whenUnsatisfiable: Required value: can not be empty"},
    /* TestValidatePodTopologySpreadArgs "whenUnsatisfiable contains unsupported action" */
    {"pts-when-unsupported.yaml",
     "11:28: profiles[0].pluginConfig[0].args.defaultConstraints[0].whenUnsatisfiable: Unsupported value: \"unknown action\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\""},
    /* TestValidatePodTopologySpreadArgs "duplicated constraints" */
    {"pts-duplicated.yaml",
     "12:9: profiles[0].pluginConfig[0].args.defaultConstraints[1]: Duplicate value: \"{node, DoNotSchedule}\""},
    /* TestValidatePodTopologySpreadArgs "label selector present" */
    {"pts-label-selector.yaml",
     "13:11: profiles[0].pluginConfig[0].args.defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod"},
    /* TestValidatePodTopologySpreadArgs "wrong constraints" */
    {"pts-wrong-defaulting.yaml",
     "7:23: profiles[0].pluginConfig[0].args.defaultingType: Unsupported value: \"unknown\": supported values: \"System\", \"List\""},
    /* TestValidatePodTopologySpreadArgs "system default constraints, but has constraints" */
    {"pts-system-with-constraints.yaml",
     "7:23: profiles[0].pluginConfig[0].args.defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty"},
    /* SetDefaults_PodTopologySpreadArgs: unset defaultingType is System */
    {"pts-defaulted-system-with-constraints.yaml",
     "7:7: profiles[0].pluginConfig[0].args.defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty"},
    /* ValidatePodTopologySpreadArgs checks defaultingType (defaulted to System)
     * before the constraints: a bad whenUnsatisfiable is not the first error */
    {"pts-defaulting-checked-first.yaml",
     "7:7: profiles[0].pluginConfig[0].args.defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty"},
    /* TestValidateNodeAffinityArgs "invalid added affinity" (its first error) */
    {"na-invalid-key.yaml",
     "11:20: profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key: Invalid value: \"invalid/label/key\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
    /* TestValidateNodeAffinityArgs "invalid added affinity" (its second error, alone) */
    {"na-match-fields-two-values.yaml",
     "14:23: profiles[0].pluginConfig[0].args.addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].matchFields[0].values: Invalid value: []string{\"node-1\", \"node-2\"}: must have one element"},
    /* nodeSelectorRequirementsAsSelector: unknown operator */
    {"na-unsupported-operator.yaml",
     "12:25: profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: \"Equals\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\""},
    /* labels.NewRequirement: In without values */
    {"na-in-without-values.yaml",
     "11:15: profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"},
    /* labels.NewRequirement: Exists with values */
    {"na-exists-with-values.yaml",
     "13:23: profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: []string{\"yes\"}: values set must be empty for exists and does not exist"},
    /* labels.NewRequirement: Gt value not an integer */
    {"na-gt-not-integer.yaml",
     "14:24: profiles[0].pluginConfig[0].args.addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].matchExpressions[0].values[0]: Invalid value: \"four\": for 'Gt', 'Lt' operators, the value must be an integer"},
    /* strict decoding of NodeAffinityArgs */
    {"na-unknown-field.yaml",
     "8:9: profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingRequiredDuringExecution: unknown field \"requiredDuringSchedulingRequiredDuringExecution\""},
    /* ksim RandomArgs */
    {"random-seed-negative.yaml",
     "7:13: profiles[0].pluginConfig[0].args.seed: Invalid value: -7: must be non-negative"},
    /* ksim RandomArgs */
    {"random-seed-string.yaml",
     "7:13: profiles[0].pluginConfig[0].args.seed: expected an integer, got the string \"42\""},
    /* ksim RandomArgs */
    {"random-unknown-field.yaml",
     "7:7: profiles[0].pluginConfig[0].args.sead: unknown field \"sead\""},
    /* ksim BestFitArgs */
    {"bestfit-cpu-101.yaml",
     "7:18: profiles[0].pluginConfig[0].args.cpuWeight: Invalid value: 101: not in valid range [0, 100]"},
    /* ksim BestFitArgs */
    {"bestfit-memory-negative.yaml",
     "8:21: profiles[0].pluginConfig[0].args.memoryWeight: Invalid value: -1: not in valid range [0, 100]"},
    /* ksim BestFitArgs */
    {"bestfit-both-zero.yaml",
     "7:18: profiles[0].pluginConfig[0].args.cpuWeight: Invalid value: 0: cannot be zero at the same time as memoryWeight"},
    /* ksim BestFitArgs: one weight written as 0, the other unset (0) */
    {"bestfit-memory-zero-alone.yaml",
     "7:21: profiles[0].pluginConfig[0].args.memoryWeight: Invalid value: 0: cannot be zero at the same time as cpuWeight"},
    /* ksim BestFitArgs */
    {"bestfit-wrong-kind.yaml",
     "7:13: profiles[0].pluginConfig[0].args.kind: args for plugin BestFit were not of type BestFitArgs.kubescheduler.config.k8s.io, got RandomArgs.kubescheduler.config.k8s.io"},
    /* a plugin that is not built in: flat string map */
    {"loaded-nested-mapping.yaml",
     "9:9: profiles[0].pluginConfig[0].args.weights: nested values are not supported: a loaded plugin's args are a flat map of scalars (got a mapping)"},
    /* a plugin that is not built in: flat string map */
    {"loaded-nested-sequence.yaml",
     "8:7: profiles[0].pluginConfig[0].args.labels: nested values are not supported: a loaded plugin's args are a flat map of scalars (got a sequence)"},
    /* a plugin that is not built in: flat string map */
    {"loaded-args-scalar.yaml",
     "6:11: profiles[0].pluginConfig[0].args: expected a mapping, got a scalar"},
    /* a plugin that is not built in: flat string map */
    {"loaded-duplicate-key.yaml",
     "8:7: duplicate key \"label\" (first at line 7)"},
    /* TestValidateVolumeBindingArgs "negative value is invalid config" */
    {"vb-timeout-negative.yaml",
     "7:27: profiles[0].pluginConfig[0].args.bindTimeoutSeconds: Invalid value: -10: invalid BindTimeoutSeconds, should not be a negative value"},
    /* TestValidateVolumeBindingArgs "[VolumeCapacityPriority=off] error if the shape is not nil when the feature is off" */
    {"vb-shape-gate-off.yaml",
     "9:7: profiles[0].pluginConfig[0].args.shape: Invalid value: []config.UtilizationShapePoint{config.UtilizationShapePoint{Utilization:1, Score:1}, config.UtilizationShapePoint{Utilization:3, Score:3}}: unexpected field `shape`, remove it or turn on the feature gate VolumeCapacityPriority"},
    /* an empty list is a non-nil slice: refused too (gate off, nothing defaulted) */
    {"vb-shape-empty.yaml",
     "7:14: profiles[0].pluginConfig[0].args.shape: Invalid value: []config.UtilizationShapePoint{}: unexpected field `shape`, remove it or turn on the feature gate VolumeCapacityPriority"},
    /* decoding comes before validation: a point's type error first */
    {"vb-shape-score-string.yaml",
     "8:33: profiles[0].pluginConfig[0].args.shape[0].score: expected an integer, got the string \"10\""},
    /* strict decoding of UtilizationShapePoint */
    {"vb-shape-unknown-field.yaml",
     "8:26: profiles[0].pluginConfig[0].args.shape[0].scor: unknown field \"scor\""},
    /* ValidateVolumeBindingArgs checks bindTimeoutSeconds before the shape */
    {"vb-timeout-before-shape.yaml",
     "7:27: profiles[0].pluginConfig[0].args.bindTimeoutSeconds: Invalid value: -1: invalid BindTimeoutSeconds, should not be a negative value"},
    {"vb-wrong-kind.yaml",
     "7:13: profiles[0].pluginConfig[0].args.kind: args for plugin VolumeBinding were not of type VolumeBindingArgs.kubescheduler.config.k8s.io, got VolumeBindingArg.kubescheduler.config.k8s.io"},
    {"vb-unknown-field.yaml",
     "7:7: profiles[0].pluginConfig[0].args.bindTimeout: unknown field \"bindTimeout\""},
    /* validateFunctionShape: the order check runs over all points before the range checks */
    {"rtcr-unsorted-before-range.yaml",
     "12:27: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape[1].utilization: Invalid value: -5: values must be sorted in increasing order"},
    {"wrong-kind.yaml",
     "2:7: kind: no kind \"KubeSchedulerConfig\" is registered for version "
     "\"kubescheduler.config.k8s.io/v1\""},
};

static void test_broken_files(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *path = g_strconcat(DATA "bad/", bad[i].file, NULL);
    char *want = bad[i].message
                     ? g_strconcat(path, ":", bad[i].message, NULL)
                     : g_strconcat(path, ": expected exactly one KubeSchedulerConfiguration "
                                         "document, found 0", NULL);
    GError *err = NULL;
    KsSchedulerConfigFile *c = ks_scheduler_config_load_file(path, &err);
    if (c)
      fail_msg("%s loaded", bad[i].file);
    assert_int_equal(err->domain, KS_YAML_ERROR);
    assert_string_equal(err->message, want);
    g_error_free(err);
    g_free(want);
    g_free(path);
  }
}

/* Every file of bad/ is in the table (a new broken file needs its message). */
static void test_broken_files_listed(void **state) {
  GDir *dir = g_dir_open(DATA "bad", 0, NULL);
  assert_non_null(dir);
  guint n = 0;
  for (const char *f; (f = g_dir_read_name(dir));) {
    gboolean found = FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
      found |= strcmp(bad[i].file, f) == 0;
    if (!found)
      fail_msg("bad/%s has no expected message", f);
    n++;
  }
  g_dir_close(dir);
  assert_int_equal(n, G_N_ELEMENTS(bad));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_minimal),
      cmocka_unit_test(test_disable_score),
      cmocka_unit_test(test_multiple_profiles),
      cmocka_unit_test(test_multipoint),
      cmocka_unit_test(test_most_allocated),
      cmocka_unit_test(test_rtcr),
      cmocka_unit_test(test_two_profiles),
      cmocka_unit_test(test_plugin_args),
      cmocka_unit_test(test_all_args_explicit),
      cmocka_unit_test(test_all_args_defaults_and_edges),
      cmocka_unit_test(test_merge_plugins_table),
      cmocka_unit_test(test_expansion_order),
      cmocka_unit_test(test_enabled_and_disabled_at_point),
      cmocka_unit_test(test_framework_errors),
      cmocka_unit_test(test_multi_point_expansion_table),
      cmocka_unit_test(test_multi_point_already_registered),
      cmocka_unit_test(test_broken_files),
      cmocka_unit_test(test_broken_files_listed),
      cmocka_unit_test(test_gpu_plugin_args),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
