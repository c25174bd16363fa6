/* A synthetic native trace: a cluster of a few node shapes and a week of
 * pods (docs/trace-format.md, "Synthetic traces").
 *
 * Pods arrive as a Poisson process (exponential inter-arrival times) over
 * one week: 20% services (run time log-normal, median 1 day), 72% batch
 * jobs (median 10 min) and 8% GPU jobs (median 1 h), so the cluster fills
 * up over the days to roughly two thirds of its cpu. Run times are written
 * as ksim.io/run-time (capped at the week), so no finish events are needed and
 * generation streams: each pod is built, written and freed, in time order,
 * and a 2-million-pod trace needs the memory of one pod. Sizes, GPU share
 * and priorities are drawn from small fixed tables. Every draw comes from a
 * named RNG stream of the seed (sched/rng.h): same seed, same bytes.
 */
#include <math.h>

#include "sched/objects.h"
#include "sched/rng.h"
#include "traces/trace_reader.h"
#include "traces/trace_writer.h"
#include "workloads/annotations.h"

#define KS_SYNTH_DEFAULT_PODS 10000
#define KS_SYNTH_WEEK_US ((gint64)7 * 24 * 3600 * 1000000)
/* One node per this many pods (2M pods -> 5,000 nodes), at least 4. */
#define KS_SYNTH_PODS_PER_NODE 400
#define KS_SYNTH_GPU "nvidia.com/gpu"

typedef struct {
  const char *pool;
  gint64 milli_cpu;
  gint64 memory_gi;
  gint64 gpus;
  guint weight; /* out of 10 */
} NodeShape;

static const NodeShape shapes[] = {
    {"general", 32000, 128, 0, 5},
    {"highmem", 64000, 512, 0, 3},
    {"gpu", 96000, 768, 8, 2},
};

/* Pod cpu requests (millicores) and how often each occurs (out of 100). */
static const struct {
  gint64 milli_cpu;
  guint weight;
} cpu_sizes[] = {{100, 15}, {250, 20}, {500, 20}, {1000, 20}, {2000, 12}, {4000, 8}, {8000, 5}};

static const struct {
  gint32 priority;
  guint weight;
} priorities[] = {{0, 70}, {100, 25}, {1000, 5}};

static guint pick(KsRng *r, const guint *weights, guint n) {
  guint total = 0;
  for (guint i = 0; i < n; i++)
    total += weights[i];
  guint64 x = ks_rng_below(r, total);
  for (guint i = 0; i < n; i++) {
    if (x < weights[i])
      return i;
    x -= weights[i];
  }
  return n - 1;
}

static KsNode *make_node(guint i, KsRng *r) {
  guint w[G_N_ELEMENTS(shapes)];
  for (guint k = 0; k < G_N_ELEMENTS(shapes); k++)
    w[k] = shapes[k].weight;
  const NodeShape *s = &shapes[pick(r, w, G_N_ELEMENTS(shapes))];
  char name[32];
  g_snprintf(name, sizeof name, "node-%05u", i);
  KsNode *n = ks_node_new(name);
  ks_resource_list_set(&n->capacity, KS_RESOURCE_CPU, s->milli_cpu);
  ks_resource_list_set(&n->capacity, KS_RESOURCE_MEMORY, s->memory_gi << 30);
  ks_resource_list_set(&n->capacity, KS_RESOURCE_PODS, 110);
  if (s->gpus) {
    ks_resource_list_set(&n->capacity, KS_SYNTH_GPU, s->gpus);
    ks_node_add_taint(n, KS_SYNTH_GPU, "present", KS_TAINT_EFFECT_NO_SCHEDULE);
  }
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  static const char *const zones[] = {"zone-a", "zone-b", "zone-c"};
  ks_labels_set(&n->labels, KS_LABEL_HOSTNAME, name);
  ks_labels_set(&n->labels, KS_LABEL_NODE_POOL, s->pool);
  ks_labels_set(&n->labels, "topology.kubernetes.io/zone", zones[i % 3]);
  return n;
}

/* Pod classes: services (long-running, restart Always), batch jobs and GPU
 * training jobs (both restart Never), with their log-normal run times. */
typedef enum { POD_SERVICE, POD_BATCH, POD_GPU } PodClass;

static const struct {
  guint weight;      /* out of 100 */
  double median_s;   /* of the run time */
  double sigma;
} classes[] = {
    [POD_SERVICE] = {20, 86400.0, 1.0},
    [POD_BATCH] = {72, 600.0, 1.5},
    [POD_GPU] = {8, 3600.0, 1.0},
};

static const struct {
  gint64 gpus;
  guint weight;
} gpu_sizes[] = {{1, 60}, {2, 25}, {4, 10}, {8, 5}};

static void add_gpus(KsPod *p, KsContainer *c, KsRng *r) {
  guint w[G_N_ELEMENTS(gpu_sizes)];
  for (guint k = 0; k < G_N_ELEMENTS(gpu_sizes); k++)
    w[k] = gpu_sizes[k].weight;
  ks_resource_list_set(&c->requests, KS_SYNTH_GPU, gpu_sizes[pick(r, w, G_N_ELEMENTS(w))].gpus);
  KsToleration *t = ks_pod_add_toleration(p);
  t->key = g_strdup(KS_SYNTH_GPU);
  t->op = KS_TOLERATION_OP_EXISTS;
  t->effect = KS_TAINT_EFFECT_NO_SCHEDULE;
}

static KsPod *make_pod(guint64 i, gint64 now_us, KsRng *r) {
  char name[32];
  g_snprintf(name, sizeof name, "pod-%08" G_GUINT64_FORMAT, i);
  KsPod *p = ks_pod_new("default", name);
  p->creation_timestamp_us = now_us;
  KsContainer *c = ks_pod_add_container(p, "main", FALSE);
  guint cw[G_N_ELEMENTS(classes)];
  for (guint k = 0; k < G_N_ELEMENTS(classes); k++)
    cw[k] = classes[k].weight;
  PodClass cls = (PodClass)pick(r, cw, G_N_ELEMENTS(cw));
  guint w[G_N_ELEMENTS(cpu_sizes)];
  for (guint k = 0; k < G_N_ELEMENTS(cpu_sizes); k++)
    w[k] = cpu_sizes[k].weight;
  gint64 cpu = cpu_sizes[pick(r, w, G_N_ELEMENTS(cpu_sizes))].milli_cpu;
  gint64 gib_per_core = (gint64)1 << ks_rng_below(r, 3); /* 1, 2 or 4 GiB per core */
  ks_resource_list_set(&c->requests, KS_RESOURCE_CPU, cpu);
  ks_resource_list_set(&c->requests, KS_RESOURCE_MEMORY, (cpu * gib_per_core << 30) / 1000);
  if (cls == POD_GPU)
    add_gpus(p, c, r);
  ks_resource_list_copy(&c->limits, &c->requests);
  guint pw[G_N_ELEMENTS(priorities)];
  for (guint k = 0; k < G_N_ELEMENTS(priorities); k++)
    pw[k] = priorities[k].weight;
  p->priority = priorities[pick(r, pw, G_N_ELEMENTS(priorities))].priority;
  p->has_priority = TRUE;
  char app[16];
  g_snprintf(app, sizeof app, "app-%02u", (guint)ks_rng_below(r, 50));
  ks_labels_set(&p->labels, "app", app);
  /* whole microseconds, at least 1 s, at most a week */
  double run_s = ks_rng_lognormal(r, log(classes[cls].median_s), classes[cls].sigma);
  gint64 run_us = (gint64)MIN(run_s * 1e6, (double)KS_SYNTH_WEEK_US);
  ks_pod_set_run_time(p, MAX(run_us, 1000000));
  p->restart_policy = cls == POD_SERVICE ? KS_RESTART_ALWAYS : KS_RESTART_NEVER;
  return p;
}

static gboolean emit(KsTraceWriter *w, KsTraceEvent *ev, GError **error) {
  gboolean ok = ks_trace_writer_write(w, ev, error);
  ks_trace_event_clear(ev);
  return ok;
}

gboolean ks_trace_ksim_synth(const char *path, guint64 seed, guint64 pods, GError **error) {
  if (pods == 0)
    pods = KS_SYNTH_DEFAULT_PODS;
  KsTraceWriter *w = ks_trace_writer_open(path, FALSE, error);
  if (!w)
    return FALSE;
  KsRng node_rng, arrival_rng, pod_rng;
  ks_rng_init(&node_rng, seed, "synth/ksim/nodes");
  ks_rng_init(&arrival_rng, seed, "synth/ksim/arrivals");
  ks_rng_init(&pod_rng, seed, "synth/ksim/pods");
  guint nodes = (guint)MAX(4, pods / KS_SYNTH_PODS_PER_NODE);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < nodes; i++) {
    ev.type = KS_TRACE_NODE_ADD;
    ev.node = make_node(i, &node_rng);
    ok = emit(w, &ev, error);
  }
  double mean_gap_us = (double)KS_SYNTH_WEEK_US / (double)pods;
  double t = 0;
  for (guint64 i = 0; ok && i < pods; i++) {
    t += ks_rng_exponential(&arrival_rng, mean_gap_us);
    ev.type = KS_TRACE_POD_CREATE;
    ev.time_us = (gint64)t;
    ev.pod = make_pod(i, ev.time_us, &pod_rng);
    ok = emit(w, &ev, error);
  }
  if (!ok) {
    ks_trace_writer_abort(w);
    return FALSE;
  }
  return ks_trace_writer_close(w, error);
}
