/* See bench_sched.h. The cluster is built from manifests (the same decoder
 * users' files go through), so the constraint shapes read as YAML here. */
#include "sim/bench_sched.h"

#include "sched/rng.h"
#include "sched/scheduler.h"
#include "sim/scheduler_setup.h"
#include "workloads/manifest.h"

#define KS_BENCH_ZONES 10
#define KS_BENCH_APPS 100 /* label groups the constraints refer to */

static const char *const pod_templates[] = {
  [KS_BENCH_CONSTRAINTS_NONE] = "apiVersion: v1\nkind: Pod\nmetadata: {name: t}\n"
                                "spec: {containers: [{name: c, image: app}]}\n",
  /* Preferred anti-affinity to pods of the same app on the node and required
   * affinity to the app's zone group, as scheduler_perf's affinity tests. */
  [KS_BENCH_CONSTRAINTS_AFFINITY] =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: t}\nspec:\n"
    "  containers: [{name: c, image: app}]\n"
    "  affinity:\n"
    "    podAntiAffinity:\n"
    "      preferredDuringSchedulingIgnoredDuringExecution:\n"
    "      - weight: 100\n"
    "        podAffinityTerm:\n"
    "          topologyKey: kubernetes.io/hostname\n"
    "          labelSelector: {matchLabels: {app: PLACEHOLDER}}\n"
    "    podAffinity:\n"
    "      preferredDuringSchedulingIgnoredDuringExecution:\n"
    "      - weight: 10\n"
    "        podAffinityTerm:\n"
    "          topologyKey: topology.kubernetes.io/zone\n"
    "          labelSelector: {matchLabels: {app: PLACEHOLDER}}\n",
  [KS_BENCH_CONSTRAINTS_SPREAD] =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: t}\nspec:\n"
    "  containers: [{name: c, image: app}]\n"
    "  topologySpreadConstraints:\n"
    "  - maxSkew: 1\n"
    "    topologyKey: topology.kubernetes.io/zone\n"
    "    whenUnsatisfiable: DoNotSchedule\n"
    "    labelSelector: {matchLabels: {app: PLACEHOLDER}}\n"
    "  - maxSkew: 1\n"
    "    topologyKey: kubernetes.io/hostname\n"
    "    whenUnsatisfiable: ScheduleAnyway\n"
    "    labelSelector: {matchLabels: {app: PLACEHOLDER}}\n",
};

/* The pod template of the chosen shape, for app `app`. transfer full */
static KsPod *template_pod(KsBenchConstraints c, guint app, GError **error) {
  char app_name[16];
  g_snprintf(app_name, sizeof app_name, "app-%u", app);
  char **parts = g_strsplit(pod_templates[c], "PLACEHOLDER", -1);
  char *yaml = g_strjoinv(app_name, parts);
  g_strfreev(parts);
  KsManifestSet *set = ks_manifest_load_string(yaml, strlen(yaml), "bench-template", error);
  g_free(yaml);
  if (!set)
    return NULL;
  KsPod *pod = ks_pod_ref(((KsManifestObject *)set->objects->pdata[0])->u.pod);
  ks_manifest_set_free(set);
  ks_labels_set(&pod->labels, "app", app_name);
  return pod;
}

static KsNode *bench_node(guint i) {
  char name[32], zone[32];
  g_snprintf(name, sizeof name, "node-%05u", i);
  g_snprintf(zone, sizeof zone, "zone-%u", i % KS_BENCH_ZONES);
  KsNode *n = ks_node_new(name);
  ks_labels_set(&n->labels, "kubernetes.io/hostname", name);
  ks_labels_set(&n->labels, "topology.kubernetes.io/zone", zone);
  ks_resource_list_set(&n->allocatable, "cpu", 64000);
  ks_resource_list_set(&n->allocatable, "memory", (gint64)256 << 30);
  ks_resource_list_set(&n->allocatable, "pods", 110);
  ks_resource_list_copy(&n->capacity, &n->allocatable);
  return n;
}

/* A pod of template `t` with requests drawn from rng. transfer full */
static KsPod *make_pod(KsPod *const *templates, KsRng *rng, const char *prefix, guint i) {
  guint app = (guint)ks_rng_below(rng, KS_BENCH_APPS);
  KsPod *pod = ks_pod_copy(templates[app]);
  g_free(pod->name);
  pod->name = g_strdup_printf("%s-%u", prefix, i);
  KsContainer *c = &g_array_index(pod->containers, KsContainer, 0);
  ks_resource_list_set(&c->requests, "cpu", 100 + 100 * (gint64)ks_rng_below(rng, 10));
  ks_resource_list_set(&c->requests, "memory", ((gint64)256 << 20) * (1 + (gint64)ks_rng_below(rng, 8)));
  return pod;
}

static void confirm(KsScheduler *s, const KsSchedResult *r, gint64 now) {
  ks_sched_bind_done(s, r->pod, TRUE, now);
  ks_sched_add_assigned_pod(s, r->pod, r->node, now);
}

gboolean ks_bench_sched_run(const KsBenchSchedOptions *opts, KsBenchSchedResult *out,
                            GError **error) {
  *out = (KsBenchSchedResult){0};
  KsPod *templates[KS_BENCH_APPS] = {0};
  for (guint a = 0; a < KS_BENCH_APPS; a++)
    if (!(templates[a] = template_pod(opts->constraints, a, error)))
      goto fail;
  KsSchedSetupOptions setup_opts = {
    .config_path = opts->config,
    .seed = opts->seed,
    .percentage_of_nodes_to_score = opts->percentage_of_nodes_to_score,
    .parallelism = opts->parallelism,
  };
  KsSchedSetup *setup = ks_sched_setup_new(&setup_opts, error);
  if (!setup)
    goto fail;
  KsScheduler *s = setup->sched;
  KsRng rng;
  ks_rng_init(&rng, opts->seed, "bench/pods");
  for (guint i = 0; i < opts->nodes; i++) {
    KsNode *n = bench_node(i);
    ks_sched_add_node(s, n, 0);
    for (guint k = 0; k < opts->pods_per_node; k++) {
      KsPod *p = make_pod(templates, &rng, "existing", i * opts->pods_per_node + k);
      p->node_name = g_strdup(n->name);
      ks_sched_add_assigned_pod(s, p, n->name, 0);
      ks_pod_unref(p);
    }
    ks_node_unref(n);
  }
  for (guint i = 0; i < opts->pods; i++) {
    KsPod *p = make_pod(templates, &rng, "pending", i);
    ks_sched_add_pending_pod(s, p, 0);
    ks_pod_unref(p);
  }
  gint64 start = g_get_monotonic_time();
  for (;;) {
    KsSchedResult r;
    ks_sched_schedule_one(s, 0, &r);
    if (r.kind == KS_SCHED_RESULT_NONE)
      break;
    out->nodes_examined += (guint64)MAX(r.nodes_examined, 0);
    if (r.kind == KS_SCHED_RESULT_SCHEDULED) {
      confirm(s, &r, 0);
      out->scheduled++;
    } else {
      out->unschedulable++;
    }
  }
  out->seconds = (double)(g_get_monotonic_time() - start) / 1e6;
  ks_sched_setup_free(setup);
  for (guint a = 0; a < KS_BENCH_APPS; a++)
    ks_pod_unref(templates[a]);
  double secs = MAX(out->seconds, 1e-9);
  out->pods_per_s = (double)(out->scheduled + out->unschedulable) / secs;
  out->ns_per_node = out->nodes_examined ? secs * 1e9 / (double)out->nodes_examined : 0;
  return TRUE;
fail:
  for (guint a = 0; a < KS_BENCH_APPS; a++)
    if (templates[a])
      ks_pod_unref(templates[a]);
  return FALSE;
}

static const char *constraints_name(KsBenchConstraints c) {
  static const char *const names[] = {"none", "affinity", "spread"};
  return names[c];
}

gboolean ks_bench_sched_print(const KsBenchSchedOptions *opts, FILE *out, GError **error) {
  KsBenchSchedResult r;
  if (!ks_bench_sched_run(opts, &r, error))
    return FALSE;
  guint64 cycles = r.scheduled + r.unschedulable;
  fprintf(out, "nodes=%u pods_per_node=%u pods=%u constraints=%s percentage_of_nodes_to_score=%d "
               "config=%s\n",
          opts->nodes, opts->pods_per_node, opts->pods, constraints_name(opts->constraints),
          opts->percentage_of_nodes_to_score, opts->config ? opts->config : "(default profile)");
  fprintf(out, "scheduled=%" G_GUINT64_FORMAT " unschedulable=%" G_GUINT64_FORMAT
               " seconds=%.3f\n", r.scheduled, r.unschedulable, r.seconds);
  fprintf(out, "nodes_examined_per_pod=%.1f ns_per_node_examined=%.1f\n",
          cycles ? (double)r.nodes_examined / (double)cycles : 0.0, r.ns_per_node);
  fprintf(out, "pods_per_s=%.0f\n", r.pods_per_s);
  return TRUE;
}
