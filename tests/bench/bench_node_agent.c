/* bench_node_agent: the kubelet model under load (sim/node_agent.c and
 * sim/kubelet/: resource model, cpu shares, OOM killer, eviction manager,
 * image manager) through the whole simulator, as `ksim run` does it.
 *
 *   bench_node_agent [--nodes N] [--pods P] [--hours H] [--seed S] [--keep]
 *
 * An overcommitted cluster of N nodes (default 1,000; 4 cpu, 8Gi each):
 *   - Deployment "web", P/2 replicas, two containers each: app (requests
 *     300m/512Mi, limits 500m/1Gi) wanting normal(400m, 200m) redrawn every
 *     minute (throttled above its 500m quota) and memory ramping from 200Mi
 *     to 900Mi over 2 h; log (requests 50m/64Mi, limits 100m/128Mi) wanting
 *     uniform(20m, 150m) every 30 s and memory stepping from 32Mi to 200Mi
 *     45 min after each start (OOM-killed, restarted with back-off).
 *   - Job "batch", parallelism P/2, 20 min pods, BestEffort, memory
 *     uniform(500Mi, 1500Mi) every 5 min and cpu normal(1, 500m) every
 *     minute: with web's ramps the nodes come under memory pressure and the
 *     eviction manager evicts; the Job recreates what it loses.
 *   - Three images to pull (web 200Mi, batch 100Mi, sidecar 20Mi) at
 *     50Mi/s per node.
 * The run lasts H simulated hours (default 24). Prints simulated pods/s,
 * engine events/s, bytes per modelled pod (peak RSS over the largest number
 * of pods alive at a sample), evictions, OOM kills, throttled cpu-seconds,
 * the wall time and a checksum of the results (FNV-1a over the run's counts,
 * the /kubelet per-QoS rows and every eviction): the same seed and size give
 * the same checksum, so runs before and after a change can be compared. A
 * benchmark prints figures; it is never a test.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "sim/kubelet/kubelet_results.h"
#include "sim/results_read.h"
#include "sim/simulation.h"
#include "workloads/scenario.h"

static gint64 peak_rss_bytes(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (gint64)ru.ru_maxrss * 1024;
}

static guint64 fnv(guint64 h, const void *data, gsize n) {
  const guchar *p = data;
  for (gsize i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static guint64 fnv_i64(guint64 h, gint64 v) {
  return fnv(h, &v, sizeof v);
}

static guint64 fnv_str(guint64 h, const char *s) {
  return fnv(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* transfer full */
static char *scenario_yaml(gint64 nodes, gint64 pods, gint64 hours) {
  gint64 web = MAX(pods / 2, 1), batch = MAX(pods - web, 1);
  /* Each batch slot runs a 20 min pod three times an hour. */
  gint64 completions = batch * hours * 3;
  return g_strdup_printf(
    "apiVersion: ksim.io/v1alpha1\nkind: Scenario\n"
    "metadata: {name: bench-node-agent}\n"
    "spec:\n"
    "  duration: %" G_GINT64_FORMAT "h\n"
    "  sampleInterval: 10m\n"
    "  images:\n"
    "  - {name: \"web:1\", sizeBytes: 200Mi}\n"
    "  - {name: \"batch:1\", sizeBytes: 100Mi}\n"
    "  - {name: \"log:1\", sizeBytes: 20Mi}\n"
    "  imagePulls: {bandwidth: 50Mi, registryLatency: 100ms, containerStartTime: 1s}\n"
    "  nodePools:\n"
    "  - name: n\n"
    "    count: %" G_GINT64_FORMAT "\n"
    "    template: {status: {capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}}}\n"
    "  workloads:\n"
    "  - at: 0s\n"
    "    objects:\n"
    "    - apiVersion: apps/v1\n"
    "      kind: Deployment\n"
    "      metadata: {name: web}\n"
    "      spec:\n"
    "        replicas: %" G_GINT64_FORMAT "\n"
    "        selector: {matchLabels: {app: web}}\n"
    "        template:\n"
    "          metadata:\n"
    "            labels: {app: web}\n"
    "            annotations:\n"
    "              ksim.io/usage-cpu.app: \"normal(400m, 200m) every 1m\"\n"
    "              ksim.io/usage-memory.app: \"ramp(0s=200Mi, 2h=900Mi)\"\n"
    "              ksim.io/usage-cpu.log: \"uniform(20m, 150m) every 30s\"\n"
    "              ksim.io/usage-memory.log: \"step(0s=32Mi, 45m=200Mi)\"\n"
    "          spec:\n"
    "            containers:\n"
    "            - name: app\n"
    "              image: \"web:1\"\n"
    "              resources: {requests: {cpu: 300m, memory: 512Mi}, limits: {cpu: 500m, memory: 1Gi}}\n"
    "            - name: log\n"
    "              image: \"log:1\"\n"
    "              resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: 100m, memory: 128Mi}}\n"
    "    - apiVersion: batch/v1\n"
    "      kind: Job\n"
    "      metadata: {name: batch}\n"
    "      spec:\n"
    "        parallelism: %" G_GINT64_FORMAT "\n"
    "        completions: %" G_GINT64_FORMAT "\n"
    "        backoffLimit: 1000000000\n"
    "        template:\n"
    "          metadata:\n"
    "            annotations:\n"
    "              ksim.io/run-time: 20m\n"
    "              ksim.io/usage-cpu: \"normal(1, 500m) every 1m\"\n"
    "              ksim.io/usage-memory: \"uniform(500Mi, 1500Mi) every 5m\"\n"
    "          spec:\n"
    "            restartPolicy: Never\n"
    "            containers:\n"
    "            - {name: work, image: \"batch:1\"}\n",
    hours, nodes, web, batch, completions);
}

int main(int argc, char **argv) {
  gint64 nodes = 1000, pods = -1, hours = 24, seed = 1;
  gboolean keep = FALSE;
  GOptionEntry entries[] = {
    {"nodes", 0, 0, G_OPTION_ARG_INT64, &nodes, "Nodes (default 1000)", "N"},
    {"pods", 0, 0, G_OPTION_ARG_INT64, &pods,
     "Pods alive at once: half web replicas, half Job parallelism (default 8 per node)", "P"},
    {"hours", 0, 0, G_OPTION_ARG_INT64, &hours, "Simulated hours (default 24)", "H"},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the run (default 1)", "S"},
    {"keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the results file and print its path", NULL},
    {NULL},
  };
  GOptionContext *ctx = g_option_context_new("- node agent throughput");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "bench_node_agent: %s\n", error->message);
    return 2;
  }
  g_option_context_free(ctx);
  if (pods < 0)
    pods = nodes * 8;
  if (nodes <= 0 || pods < 2 || hours <= 0) {
    fprintf(stderr, "bench_node_agent: --nodes and --hours must be positive, --pods at least 2\n");
    return 2;
  }
  char *yaml = scenario_yaml(nodes, pods, hours);
  KsScenario *s = ks_scenario_load_string(yaml, strlen(yaml), "bench.yaml", NULL, &error);
  if (!s) {
    fprintf(stderr, "bench_node_agent: %s\n", error->message);
    return 2;
  }
  char *out = g_strdup_printf("%s/ksim-bench-node-agent-%d.h5", g_get_tmp_dir(), (int)getpid());
  KsRunOptions opts = {.output = out, .has_seed = TRUE, .seed = (guint64)seed};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error)) {
    fprintf(stderr, "bench_node_agent: %s\n", error->message);
    return 1;
  }
  gint64 rss = peak_rss_bytes();

  KsResults *r = ks_results_read(out, &error);
  KsKubeletResults *k = r ? ks_kubelet_results_read(out, &error) : NULL;
  if (!r || !k) {
    fprintf(stderr, "bench_node_agent: %s\n", error ? error->message : "no /kubelet group");
    return 1;
  }
  gint64 alive = 0;
  for (gsize i = 0; i < r->n_samples; i++)
    alive = MAX(alive, (gint64)r->samples[i].pending + r->samples[i].running);

  guint64 h = 14695981039346656037ULL;
  h = fnv_i64(h, (gint64)report.events);
  h = fnv_i64(h, (gint64)report.pods_created);
  h = fnv_i64(h, (gint64)report.pods_bound);
  h = fnv_i64(h, (gint64)report.pods_finished);
  h = fnv_i64(h, (gint64)report.cycles);
  gint64 oom = 0, node_oom = 0, restarts = 0, throttled_ms = 0, used_ms = 0, modelled = 0;
  gint64 evictions[KS_EVICTION_CAUSE_COUNT] = {0};
  for (guint i = 0; i < k->qos->len; i++) {
    const KsKubeletResultRow *q = &g_array_index(k->qos, KsKubeletResultRow, i);
    h = fnv_str(h, q->name);
    h = fnv_i64(h, q->pods);
    h = fnv_i64(h, q->oom_kills);
    h = fnv_i64(h, q->node_oom_kills);
    h = fnv_i64(h, q->restarts);
    h = fnv_i64(h, q->throttled_cpu_ms);
    h = fnv_i64(h, q->cpu_used_cpu_ms);
    modelled += q->pods;
    oom += q->oom_kills;
    node_oom += q->node_oom_kills;
    restarts += q->restarts;
    throttled_ms += q->throttled_cpu_ms;
    used_ms += q->cpu_used_cpu_ms;
    for (int c = 0; c < KS_EVICTION_CAUSE_COUNT; c++) {
      h = fnv_i64(h, q->evictions[c]);
      evictions[c] += q->evictions[c];
    }
  }
  for (guint i = 0; i < k->evictions->len; i++) {
    const KsKubeletEviction *e = &g_array_index(k->evictions, KsKubeletEviction, i);
    h = fnv_i64(h, e->time_us);
    h = fnv_str(h, e->name);
    h = fnv_str(h, e->node);
    h = fnv_str(h, e->cause);
  }

  double wall = report.wall_seconds > 0 ? report.wall_seconds : 1e-9;
  printf("node agent: %" G_GINT64_FORMAT " nodes, %" G_GINT64_FORMAT " pods alive, %"
         G_GINT64_FORMAT " h simulated, seed %" G_GINT64_FORMAT "\n",
         nodes, pods, hours, seed);
  printf("run: %" G_GUINT64_FORMAT " pods created, %" G_GUINT64_FORMAT " bound, %"
         G_GUINT64_FORMAT " finished, %" G_GINT64_FORMAT " modelled, %" G_GUINT64_FORMAT
         " engine events, %" G_GUINT64_FORMAT " cycles in %.1f s\n",
         report.pods_created, report.pods_bound, report.pods_finished, modelled, report.events,
         report.cycles, report.wall_seconds);
  printf("throughput: %.0f pods/s, %.0f engine events/s, %.0f simulated s per wall s\n",
         report.pods_created / wall, report.events / wall, hours * 3600.0 / wall);
  printf("kubelet: %" G_GINT64_FORMAT " OOM kills (%" G_GINT64_FORMAT " node), %" G_GINT64_FORMAT
         " restarts, %.0f throttled cpu-seconds of %.0f used, evictions %" G_GINT64_FORMAT
         " node-pressure %" G_GINT64_FORMAT " admission (%u rows)\n",
         oom, node_oom, restarts, throttled_ms / 1000.0, used_ms / 1000.0,
         evictions[KS_EVICTION_CAUSE_NODE_PRESSURE], evictions[KS_EVICTION_CAUSE_ADMISSION],
         k->evictions->len);
  printf("memory: peak RSS %.1f MiB, peak pods alive %" G_GINT64_FORMAT ", %.0f bytes per pod\n",
         rss / 1048576.0, alive, alive ? (double)rss / (double)alive : 0.0);
  printf("checksum: %016" G_GINT64_MODIFIER "x\n", h);
  ks_kubelet_results_free(k);
  ks_results_free(r);
  ks_run_report_clear(&report);
  if (keep)
    printf("results: %s\n", out);
  else
    g_unlink(out);
  g_free(out);
  g_free(yaml);
  ks_scenario_free(s);
  return 0;
}
