/* Synthetic samples of the Alibaba traces (openb / gpu-v2023, v2018,
 * v2017): files with the real ones' columns, written from a seed, whose
 * value distributions follow the real data sets.
 *
 * Why synthetic: the real traces may not be redistributed inside the
 * project (research-use terms) and are large; tests, the README and users
 * without the data need small files in the exact format.
 *
 * How: every distribution below is an empirical table measured on the real
 * files in ../shared/traces (the awk command that measured it is next to
 * it), sampled with one seeded RNG stream per format ("synth/<format>"), so
 * the same seed gives the same bytes. Categorical values (request shapes,
 * node types, QoS, GPU models) are weighted choices with the real counts as
 * weights; continuous ones (inter-arrival times, durations) are inverse-CDF
 * samples, linear between measured quantiles. Numbers only; no time of day,
 * locale or hash order enters the output.
 */
#include "traces/synth_alibaba.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "sched/rng.h"
#include "traces/alibaba_v2017.h"
#include "traces/alibaba_v2018.h"
#include "traces/openb.h"
#include "traces/trace_source.h"

/* What --pods 0 asks for: the size of the committed samples. */
#define SYNTH_DEFAULT_PODS 300

/* ---- shared helpers ------------------------------------------------------- */

/* One point of an empirical CDF: P(X <= v) = p. */
typedef struct {
  double p;
  double v;
} Quantile;

/* Inverse-CDF sample, linear between points; q sorted by p from 0 to 1. */
static double sample_quantiles(KsRng *rng, const Quantile *q, gsize n) {
  double u = ks_rng_uniform(rng);
  for (gsize i = 1; i < n; i++) {
    if (u <= q[i].p) {
      double span = q[i].p - q[i - 1].p;
      double f = span > 0 ? (u - q[i - 1].p) / span : 0;
      return q[i - 1].v + f * (q[i].v - q[i - 1].v);
    }
  }
  return q[n - 1].v;
}

/* Index drawn with probability weight[i] / sum. */
static gsize pick_weighted(KsRng *rng, const guint *weight, gsize n) {
  guint64 total = 0;
  for (gsize i = 0; i < n; i++)
    total += weight[i];
  guint64 x = ks_rng_below(rng, total);
  for (gsize i = 0; i < n; i++) {
    if (x < weight[i])
      return i;
    x -= weight[i];
  }
  return n - 1;
}

struct KsSynthOut {
  FILE *f;
  char *path;
};

KsSynthOut *ks_synth_out_open(const char *path, GError **error) {
  FILE *f = g_fopen(path, "wb");
  if (!f) {
    int err = errno;
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot create: %s", path,
                g_strerror(err));
    return NULL;
  }
  KsSynthOut *o = g_new0(KsSynthOut, 1);
  o->f = f;
  o->path = g_strdup(path);
  return o;
}

void ks_synth_out_printf(KsSynthOut *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(o->f, fmt, ap);
  va_end(ap);
}

gboolean ks_synth_out_close(KsSynthOut *o, GError **error) {
  gboolean ok = !ferror(o->f);
  ok = fclose(o->f) == 0 && ok;
  if (!ok)
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: write failed", o->path);
  g_free(o->path);
  g_free(o);
  return ok;
}

/* Creates dir and its parents; FALSE with an error naming dir. */
static gboolean make_dir(const char *dir, GError **error) {
  if (g_mkdir_with_parents(dir, 0755) == 0)
    return TRUE;
  int err = errno;
  g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot create: %s", dir, g_strerror(err));
  return FALSE;
}

/* ---- openb (cluster-trace-gpu-v2023) --------------------------------------- */

/* Node types of openb_node_list_gpu_node.csv (1,213 nodes):
 *   awk -F, 'NR>1{print $2","$3","$4","$5}' openb_node_list_gpu_node.csv | sort | uniq -c */
typedef struct {
  guint count;
  gint64 cpu_milli, memory_mib;
  guint gpu;
  const char *model;
} OpenbNodeType;

static const OpenbNodeType openb_node_types[] = {
    {549, 96000, 393216, 8, "G2"},      {387, 104000, 524288, 2, "T4"},
    {107, 16000, 122880, 2, "P100"},    {39, 128000, 786432, 8, "G3"},
    {28, 32000, 131072, 4, "V100M16"},  {22, 64000, 262144, 2, "P100"},
    {21, 96000, 786432, 8, "V100M32"},  {19, 8000, 32768, 1, "V100M16"},
    {17, 96000, 393216, 4, "T4"},       {9, 48000, 376832, 4, "V100M32"},
    {7, 64000, 262144, 8, "V100M16"},   {3, 8000, 61440, 1, "P100"},
    {2, 8000, 61440, 2, "P100"},        {2, 128000, 1048576, 1, "A10"},
    {1, 82000, 344064, 8, "V100M16"},
};

/* Request shapes of openb_pod_list_default.csv: the 40 most frequent
 * (cpu_milli, memory_mib, num_gpu, gpu_milli) of 151 (7,446 of 8,152 pods)
 * and every multi-GPU shape:
 *   awk -F, 'NR>1{print $2","$3","$4","$5}' openb_pod_list_default.csv | sort | uniq -c | sort -rn */
typedef struct {
  guint count;
  gint64 cpu_milli, memory_mib;
  guint num_gpu, gpu_milli;
} OpenbShape;

static const OpenbShape openb_shapes[] = {
    {1047, 3152, 5600, 1, 810},    {857, 11300, 49152, 1, 1000},  {534, 11400, 48128, 1, 1000},
    {470, 3152, 5600, 1, 1000},    {388, 11908, 47104, 1, 470},   {364, 12500, 57344, 0, 0},
    {360, 8000, 30517, 1, 470},    {284, 32000, 49152, 0, 0},     {255, 18708, 64512, 1, 1000},
    {237, 11908, 47104, 1, 650},   {195, 9810, 41560, 1, 1000},   {163, 8000, 30517, 0, 0},
    {158, 15700, 58368, 1, 1000},  {158, 12000, 24576, 1, 1000},  {153, 11908, 47104, 1, 1000},
    {120, 15400, 51200, 0, 0},     {111, 4000, 22888, 1, 320},    {108, 16000, 32768, 1, 1000},
    {104, 8000, 16384, 1, 1000},   {104, 4000, 24576, 1, 1000},   {99, 12000, 16384, 1, 1000},
    {95, 16500, 51200, 0, 0},      {93, 14200, 58368, 1, 1000},   {84, 4000, 30517, 1, 230},
    {84, 24200, 93184, 1, 1000},   {78, 4000, 15258, 1, 320},     {75, 3152, 5600, 1, 590},
    {72, 8000, 30517, 1, 320},     {72, 4152, 10600, 1, 550},     {65, 11400, 77824, 1, 1000},
    {55, 8000, 32768, 1, 1000},    {53, 4000, 15258, 1, 160},     {51, 6000, 6144, 1, 460},
    {51, 11900, 77824, 1, 1000},   {45, 4152, 10600, 1, 370},     {44, 12000, 15360, 1, 1000},
    {43, 4000, 30517, 1, 320},     {41, 8200, 33792, 1, 1000},    {40, 4000, 31250, 1, 1000},
    {36, 15200, 80896, 1, 1000},   {18, 88000, 327680, 8, 1000},  {18, 64200, 263168, 8, 1000},
    {9, 32200, 132096, 4, 1000},   {7, 16200, 66560, 2, 1000},    {3, 64000, 262144, 8, 1000},
    {3, 60200, 320512, 4, 1000},   {3, 6000, 65536, 2, 1000},     {3, 32000, 131072, 4, 1000},
    {3, 30200, 160768, 2, 1000},   {3, 120000, 737280, 8, 1000},  {2, 17400, 43008, 2, 1000},
    {2, 120200, 640000, 8, 1000},  {1, 14000, 60000, 2, 1000},
};

/* The most frequent gpu_spec values of openb_pod_list_gpuspec33.csv (the
 * default list has none): awk -F, 'NR>1 && $6!=""{print $6}' ... | sort | uniq -c */
static const char *const openb_specs[] = {"T4", "G2", "P100", "V100M16|V100M32",
                                          "P100|V100M16|V100M32", "G3",
                                          "G2|P100|T4|V100M16|V100M32"};
static const guint openb_spec_counts[] = {1291, 331, 279, 141, 103, 86, 39};
/* Share of GPU pods given a gpu_spec in the sample (gpuspec10's share). */
#define OPENB_SPEC_PERCENT 10

/* QoS and phase by class (CPU-only, GPU share, whole GPUs), default list:
 *   awk -F, 'NR>1{c=($4==0)?"cpu":(($5<1000)?"share":"whole"); print c,$7,$8}' | sort | uniq -c
 * Order: LS, BE, Burstable, Guaranteed. */
static const char *const openb_qos[] = {"LS", "BE", "Burstable", "Guaranteed"};
static const guint openb_qos_counts[3][4] = {{636, 450, 1, 1}, {759, 2319, 0, 0}, {2853, 629, 99, 6}};
/* Phase of scheduled pods by class; order Running, Failed, Succeeded. Pods
 * never scheduled are Pending: 36/1088, 505/3078, 356/3986 by class. */
static const char *const openb_phases[] = {"Running", "Failed", "Succeeded"};
static const guint openb_phase_counts[3][3] = {{1043, 2, 7}, {1412, 1161, 0}, {2737, 708, 185}};
static const guint openb_pending_permille[3] = {33, 164, 89};

/* Seconds between consecutive creation_time (deciles, then 95 %, 99 %,
 * 99.9 %; the 0.1 % tail, up to 16 days, is cut):
 *   awk -F, 'NR>2{print $9-p} NR>1{p=$9}' openb_pod_list_default.csv | sort -n */
static const Quantile openb_iat[] = {{0, 0},      {0.1, 6},     {0.2, 32},     {0.3, 59},
                                     {0.4, 103},  {0.5, 161},   {0.6, 238},    {0.7, 356},
                                     {0.8, 544},  {0.9, 948},   {0.95, 1466},  {0.99, 3417},
                                     {0.999, 388628}, {1, 388628}};
/* deletion_time - scheduled_time of scheduled pods (same quantiles). */
static const Quantile openb_duration[] = {{0, 4},        {0.1, 73},       {0.2, 146},
                                          {0.3, 210},    {0.4, 355},      {0.5, 616},
                                          {0.6, 998},    {0.7, 1661},     {0.8, 3203},
                                          {0.9, 7763},   {0.95, 18022},   {0.99, 114035},
                                          {0.999, 8772762}, {1, 8772762}};
/* scheduled_time - creation_time (deciles, then 98 %, 100 %). */
static const Quantile openb_delay[] = {{0, 0},    {0.3, 0},   {0.4, 1},   {0.5, 1},  {0.6, 2},
                                       {0.7, 3},  {0.8, 33},  {0.9, 106}, {0.98, 490}, {1, 14330}};
/* deletion_time - creation_time of pods never scheduled. */
static const Quantile openb_pending_life[] = {{0, 0},    {0.1, 22},  {0.2, 41},  {0.3, 56},
                                              {0.4, 75}, {0.5, 94},  {0.6, 114}, {0.7, 142},
                                              {0.8, 196}, {0.9, 338}, {1, 11717}};

static gboolean openb_write_nodes(const char *path, KsRng *rng, guint64 n, GError **error) {
  KsSynthOut *o = ks_synth_out_open(path, error);
  if (!o)
    return FALSE;
  guint weights[G_N_ELEMENTS(openb_node_types)];
  for (gsize i = 0; i < G_N_ELEMENTS(openb_node_types); i++)
    weights[i] = openb_node_types[i].count;
  ks_synth_out_printf(o, "sn,cpu_milli,memory_mib,gpu,model\n");
  for (guint64 i = 0; i < n; i++) {
    const OpenbNodeType *t = &openb_node_types[pick_weighted(rng, weights, G_N_ELEMENTS(weights))];
    ks_synth_out_printf(o, "openb-node-%04" G_GUINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%u,%s\n",
                        i, t->cpu_milli, t->memory_mib, t->gpu, t->model);
  }
  return ks_synth_out_close(o, error);
}

static void openb_write_pod(KsSynthOut *o, KsRng *rng, guint64 i, gint64 created) {
  guint weights[G_N_ELEMENTS(openb_shapes)];
  for (gsize k = 0; k < G_N_ELEMENTS(openb_shapes); k++)
    weights[k] = openb_shapes[k].count;
  const OpenbShape *s = &openb_shapes[pick_weighted(rng, weights, G_N_ELEMENTS(weights))];
  guint cls = s->num_gpu == 0 ? 0 : s->gpu_milli < 1000 ? 1 : 2;
  const char *spec = "";
  if (s->num_gpu > 0 && ks_rng_below(rng, 100) < OPENB_SPEC_PERCENT)
    spec = openb_specs[pick_weighted(rng, openb_spec_counts, G_N_ELEMENTS(openb_spec_counts))];
  const char *qos = openb_qos[pick_weighted(rng, openb_qos_counts[cls], 4)];
  ks_synth_out_printf(o, "openb-pod-%04" G_GUINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%u,%u,%s,%s,",
                      i, s->cpu_milli, s->memory_mib, s->num_gpu, s->gpu_milli, spec, qos);
  if (ks_rng_below(rng, 1000) < openb_pending_permille[cls]) {
    gint64 life = (gint64)sample_quantiles(rng, openb_pending_life, G_N_ELEMENTS(openb_pending_life));
    ks_synth_out_printf(o, "Pending,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",\n", created, created + life);
    return;
  }
  const char *phase = openb_phases[pick_weighted(rng, openb_phase_counts[cls], 3)];
  gint64 sched = created + (gint64)sample_quantiles(rng, openb_delay, G_N_ELEMENTS(openb_delay));
  gint64 dur = (gint64)sample_quantiles(rng, openb_duration, G_N_ELEMENTS(openb_duration));
  ks_synth_out_printf(o, "%s,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n", phase,
                      created, sched + dur, sched);
}

gboolean ks_openb_synth(const char *path, guint64 seed, guint64 pods, GError **error) {
  if (pods == 0)
    pods = SYNTH_DEFAULT_PODS;
  KsRng rng;
  ks_rng_init(&rng, seed, "synth/openb");
  /* As many nodes per pod as the real default trace: 1,213 GPU nodes for
   * 8,152 pods; at least 4. */
  guint64 nodes = MAX(4, (pods * 1213 + 4076) / 8152);
  char *dir = g_path_get_dirname(path);
  char *node_path = g_build_filename(dir, KS_OPENB_DEFAULT_NODE_FILE, NULL);
  if (!make_dir(dir, error)) {
    g_free(dir);
    g_free(node_path);
    return FALSE;
  }
  g_free(dir);
  gboolean ok = openb_write_nodes(node_path, &rng, nodes, error);
  g_free(node_path);
  KsSynthOut *o = ok ? ks_synth_out_open(path, error) : NULL;
  if (!o)
    return FALSE;
  ks_synth_out_printf(o, "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,"
                         "creation_time,deletion_time,scheduled_time\n");
  gint64 created = 0;
  for (guint64 i = 0; i < pods; i++) {
    if (i > 0)
      created += (gint64)sample_quantiles(&rng, openb_iat, G_N_ELEMENTS(openb_iat));
    openb_write_pod(o, &rng, i, created);
  }
  return ks_synth_out_close(o, error);
}

/* ---- alibaba-v2018 -------------------------------------------------------------
 * Measured on the published machine_meta (4,034 machines, all cpu_num 96
 * and mem_size 100; 3,887 present at time 0; 292 failure_domain_1 and 21
 * failure_domain_2 values; 5 IMPORT_INSTALLING rows; 1..10+ rows per
 * machine) and the first 100,002 rows of machine_usage (mean CPU 35 %, mean
 * memory 90 %, samples every 10 s or more). container_meta and the batch
 * tables are not in ../shared: their shapes below are assumptions in the
 * trace's documented units (CPU 100 = 1 core, memory 0..100), not
 * measurements. */

#define V2018_SPAN_S 86400          /* one day of trace */
#define V2018_USAGE_INTERVAL_S 900  /* one usage row per machine per 15 min */

typedef struct {
  gint64 time;
  GString *row;
} TimedRow;

static gint compare_timed(gconstpointer a, gconstpointer b) {
  const TimedRow *x = a, *y = b;
  return x->time < y->time ? -1 : x->time > y->time;
}

/* Prints rows to o (when not NULL) sorted by time, one a line, and frees them. */
static void print_sorted(KsSynthOut *o, GArray *rows) {
  g_array_sort(rows, compare_timed); /* keys are unique (add_row) */
  for (guint i = 0; i < rows->len; i++) {
    GString *r = g_array_index(rows, TimedRow, i).row;
    if (o)
      ks_synth_out_printf(o, "%s\n", r->str);
    g_string_free(r, TRUE);
  }
  g_array_free(rows, TRUE);
}

/* Writes rows sorted by time to a new file at path and frees them. */
static gboolean write_sorted(const char *path, GArray *rows, GError **error) {
  KsSynthOut *o = ks_synth_out_open(path, error);
  print_sorted(o, rows);
  return o && ks_synth_out_close(o, error);
}

/* time * 2^20 + index keeps equal times in creation order through the sort. */
static void add_row(GArray *rows, gint64 time, guint64 index, GString *row) {
  TimedRow r = {time * ((gint64)1 << 20) + (gint64)(index & 0xFFFFF), row};
  g_array_append_val(rows, r);
}

/* first[m]: the time machine m first appears. */
static gboolean v2018_machines(const char *dir, KsRng *rng, guint64 machines, gint64 *first,
                               GError **error) {
  char *path = g_build_filename(dir, "machine_meta.csv", NULL);
  KsSynthOut *o = ks_synth_out_open(path, error);
  g_free(path);
  if (!o)
    return FALSE;
  /* Grouped by machine, time ascending within, as the published table. */
  for (guint64 m = 0; m < machines; m++) {
    guint64 fd1 = ks_rng_below(rng, 292), fd2 = ks_rng_below(rng, 21);
    gint64 t = ks_rng_below(rng, 1000) < 36 ? (gint64)ks_rng_below(rng, V2018_SPAN_S / 2) : 0;
    first[m] = t;
    guint rows = 1 + (guint)ks_rng_below(rng, 6);
    gboolean installing = ks_rng_below(rng, 8) == 0;
    for (guint r = 0; r < rows; r++) {
      const char *status = installing && r == 0 ? "IMPORT_INSTALLING" : "USING";
      ks_synth_out_printf(o, "m_%" G_GUINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",96,100,%s\n",
                          m + 1, t, fd1, fd2, status);
      t += 1 + (gint64)ks_rng_below(rng, V2018_SPAN_S / 8);
    }
  }
  return ks_synth_out_close(o, error);
}

static gboolean v2018_containers(const char *dir, KsRng *rng, guint64 n, guint64 machines,
                                 GError **error) {
  static const guint cpu_req[] = {100, 200, 400, 800, 1600};
  static const guint cpu_w[] = {10, 30, 35, 20, 5};
  GArray *rows = g_array_new(FALSE, FALSE, sizeof(TimedRow));
  guint64 k = 0;
  for (guint64 c = 0; c < n; c++) {
    gint64 t = (gint64)ks_rng_below(rng, V2018_SPAN_S);
    guint req = cpu_req[pick_weighted(rng, cpu_w, G_N_ELEMENTS(cpu_w))];
    guint lim = ks_rng_below(rng, 2) ? req : 2 * req;
    double mem = 1.5 + ks_rng_uniform(rng) * 11.5;
    guint64 machine = 1 + ks_rng_below(rng, machines), app = ks_rng_below(rng, 1 + n / 8);
    const char *const statuses[] = {"allocated", "started"};
    for (guint r = 0; r < 2; r++) {
      GString *row = g_string_new(NULL);
      g_string_printf(row, "c_%" G_GUINT64_FORMAT ",m_%" G_GUINT64_FORMAT ",%" G_GINT64_FORMAT ",app_%" G_GUINT64_FORMAT ",%s,%u,%u,%.2f",
                      c + 1, machine, t + r * 60, app, statuses[r], req, lim, mem);
      add_row(rows, t + r * 60, k++, row);
    }
  }
  char *path = g_build_filename(dir, "container_meta.csv", NULL);
  gboolean ok = write_sorted(path, rows, error);
  g_free(path);
  return ok;
}

static gboolean v2018_batch(const char *dir, KsRng *rng, guint64 pods, guint64 machines,
                            GError **error) {
  static const guint plan_cpu[] = {50, 100, 200, 400};
  static const guint plan_w[] = {30, 45, 20, 5};
  GArray *tasks = g_array_new(FALSE, FALSE, sizeof(TimedRow));
  GArray *insts = g_array_new(FALSE, FALSE, sizeof(TimedRow));
  guint64 made = 0, job = 0, ti = 0, ii = 0;
  while (made < pods) {
    job++;
    gint64 start = (gint64)ks_rng_below(rng, V2018_SPAN_S);
    guint n = ks_rng_below(rng, 2) ? 1 : 2 + (guint)ks_rng_below(rng, 9);
    gint64 dur = 5 + (gint64)ks_rng_exponential(rng, 300);
    guint cpu = plan_cpu[pick_weighted(rng, plan_w, G_N_ELEMENTS(plan_w))];
    double mem = 0.2 + ks_rng_uniform(rng) * 2.8;
    GString *row = g_string_new(NULL);
    g_string_printf(row, "M1,%u,j_%" G_GUINT64_FORMAT ",1,Terminated,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%u,%.2f",
                    n, job, start, start + dur, cpu, mem);
    add_row(tasks, start, ti++, row);
    for (guint i = 0; i < n; i++) {
      gint64 s = start + (gint64)ks_rng_below(rng, 5), e = s + dur - (gint64)ks_rng_below(rng, 5);
      double used = cpu * (0.3 + 0.6 * ks_rng_uniform(rng));
      row = g_string_new(NULL);
      g_string_printf(row, "ins_%" G_GUINT64_FORMAT ",M1,j_%" G_GUINT64_FORMAT ",1,Terminated,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",m_%" G_GUINT64_FORMAT ",1,1,%.2f,%.2f,%.2f,%.2f",
                      ii + 1, job, s, MAX(e, s), 1 + ks_rng_below(rng, machines), used * 0.8, used,
                      mem * 0.7, mem * 0.9);
      add_row(insts, s, ii++, row);
    }
    made += n;
  }
  char *tp = g_build_filename(dir, "batch_task.csv", NULL);
  char *ip = g_build_filename(dir, "batch_instance.csv", NULL);
  gboolean ok = write_sorted(tp, tasks, error);
  ok = write_sorted(ip, insts, ok ? error : NULL) && ok;
  g_free(tp);
  g_free(ip);
  return ok;
}

static gboolean v2018_usage(const char *dir, KsRng *rng, guint64 machines, const gint64 *first,
                            GError **error) {
  char *path = g_build_filename(dir, "machine_usage.csv", NULL);
  KsSynthOut *o = ks_synth_out_open(path, error);
  g_free(path);
  if (!o)
    return FALSE;
  /* Sorted by time, as the importer needs (sort -t, -k2,2n). */
  for (gint64 t = 0; t < V2018_SPAN_S; t += V2018_USAGE_INTERVAL_S) {
    for (guint64 m = 0; m < machines; m++) {
      if (t < first[m])
        continue;
      /* CLAMP evaluates its argument more than once: draw first. */
      double cpu = 35 + 15 * ks_rng_normal(rng), mem = 90 + 5 * ks_rng_normal(rng);
      cpu = CLAMP(cpu, 1, 100);
      mem = CLAMP(mem, 1, 100);
      ks_synth_out_printf(o, "m_%" G_GUINT64_FORMAT ",%" G_GINT64_FORMAT ",%d,%d,,,%.2f,%.2f,%d\n", m + 1, t,
                          (int)lround(cpu), (int)lround(mem), 20 + 30 * ks_rng_uniform(rng),
                          15 + 30 * ks_rng_uniform(rng), (int)ks_rng_below(rng, 20));
    }
  }
  return ks_synth_out_close(o, error);
}

gboolean ks_alibaba_v2018_synth(const char *path, guint64 seed, guint64 pods, GError **error) {
  if (pods == 0)
    pods = SYNTH_DEFAULT_PODS;
  if (!make_dir(path, error))
    return FALSE;
  KsRng rng;
  ks_rng_init(&rng, seed, "synth/alibaba-v2018");
  guint64 machines = MAX(4, pods / 40), containers = pods / 5;
  gint64 *first = g_new0(gint64, machines);
  gboolean ok = v2018_machines(path, &rng, machines, first, error) &&
                v2018_containers(path, &rng, containers, machines, error) &&
                v2018_batch(path, &rng, pods - containers, machines, error) &&
                v2018_usage(path, &rng, machines, first, error);
  g_free(first);
  return ok;
}

/* ---- alibaba-v2017 --------------------------------------------------------------
 * batch_task as measured on the published table (80,553 rows; the 71,536
 * with a request): plan_cpu values and counts
 *   awk -F, 'NR>1 && $7!=""{print $7}' batch_task.csv | sort -n | uniq -c
 * instance_num, plan_mem, run time (modify - create, ended tasks) and create
 * time as deciles and 99 %, the share of statuses, and 12,014 jobs (5.96
 * tasks per job). server_event is not in ../shared: machines of 64 cores
 * and memory 0.69 (assumed), all added at 0, a few soft / hard errors. */

static const guint v2017_cpu[] = {50, 100, 40, 75, 55, 65, 60, 70, 200};
static const guint v2017_cpu_counts[] = {52901, 17584, 372, 274, 122, 109, 77, 76, 8};
static const Quantile v2017_instances[] = {{0, 1},   {0.4, 1},   {0.5, 3},    {0.6, 9},
                                           {0.7, 31}, {0.8, 117}, {0.9, 363}, {0.99, 1986},
                                           {1, 1986}};
static const Quantile v2017_mem[] = {{0, 0.002754122},   {0.1, 0.004074237}, {0.2, 0.004100122},
                                     {0.3, 0.005404706}, {0.6, 0.005404706}, {0.7, 0.00785339},
                                     {0.8, 0.008184713}, {0.9, 0.013356457}, {0.99, 0.016338364},
                                     {1, 0.016338364}};
static const Quantile v2017_run[] = {{0, 0},     {0.1, 4},   {0.2, 6},     {0.3, 10},
                                     {0.4, 16},  {0.5, 29},  {0.6, 57},    {0.7, 112},
                                     {0.8, 212}, {0.9, 424}, {0.99, 2566}, {1, 2566}};
/* Terminated, Failed, Running (tasks with a request), Waiting (none). */
static const char *const v2017_status[] = {"Terminated", "Failed", "Running", "Waiting"};
static const guint v2017_status_counts[] = {67003, 1125, 3408, 9017};
#define V2017_SPAN_S 61668

static gboolean v2017_events(const char *dir, KsRng *rng, guint64 machines, GError **error) {
  char *path = g_build_filename(dir, "server_event.csv", NULL);
  KsSynthOut *o = ks_synth_out_open(path, error);
  g_free(path);
  if (!o)
    return FALSE;
  for (guint64 m = 1; m <= machines; m++)
    ks_synth_out_printf(o, "0,%" G_GUINT64_FORMAT ",add,,64,0.6899697150103723,1\n", m);
  /* One machine in ten has a soft error (back in service later), one in
   * forty a hard error; in time order. */
  GArray *rows = g_array_new(FALSE, FALSE, sizeof(TimedRow));
  guint64 k = 0;
  for (guint64 m = 1; m <= machines; m++) {
    guint64 roll = ks_rng_below(rng, 40);
    if (roll >= 5)
      continue;
    gint64 t = 1 + (gint64)ks_rng_below(rng, V2017_SPAN_S - 3600);
    GString *row = g_string_new(NULL);
    if (roll == 0) {
      g_string_printf(row, "%" G_GINT64_FORMAT ",%" G_GUINT64_FORMAT ",harderror,disk failure,,,", t, m);
      add_row(rows, t, k++, row);
      continue;
    }
    g_string_printf(row, "%" G_GINT64_FORMAT ",%" G_GUINT64_FORMAT ",softerror,agent failure,,,", t, m);
    add_row(rows, t, k++, row);
    row = g_string_new(NULL);
    g_string_printf(row, "%" G_GINT64_FORMAT ",%" G_GUINT64_FORMAT ",add,,64,0.6899697150103723,1", t + 1800, m);
    add_row(rows, t + 1800, k++, row);
  }
  print_sorted(o, rows);
  return ks_synth_out_close(o, error);
}

gboolean ks_alibaba_v2017_synth(const char *path, guint64 seed, guint64 pods, GError **error) {
  if (pods == 0)
    pods = SYNTH_DEFAULT_PODS;
  if (!make_dir(path, error))
    return FALSE;
  KsRng rng;
  ks_rng_init(&rng, seed, "synth/alibaba-v2017");
  guint64 machines = MAX(4, pods / 100);
  if (!v2017_events(path, &rng, machines, error))
    return FALSE;
  char *tp = g_build_filename(path, "batch_task.csv", NULL);
  KsSynthOut *o = ks_synth_out_open(tp, error);
  g_free(tp);
  if (!o)
    return FALSE;
  /* Headerless like the official table, in create-time order. "pods" is
   * the number of tasks; their instances follow the real distribution. */
  gint64 t = 0, step = MAX(1, V2017_SPAN_S / (gint64)MAX(pods, 1));
  guint64 job = 1, task = 1;
  for (guint64 i = 0; i < pods; i++) {
    t += (gint64)ks_rng_below(&rng, (guint64)(2 * step));
    if (ks_rng_below(&rng, 6) == 0)
      job++;
    const char *status = v2017_status[pick_weighted(&rng, v2017_status_counts, 4)];
    guint64 n = (guint64)llround(sample_quantiles(&rng, v2017_instances, G_N_ELEMENTS(v2017_instances)));
    if (status[0] == 'W') {
      ks_synth_out_printf(o, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",Waiting,,\n",
                          t, t, job, task++, n);
      continue;
    }
    guint cpu = v2017_cpu[pick_weighted(&rng, v2017_cpu_counts, G_N_ELEMENTS(v2017_cpu))];
    double mem = sample_quantiles(&rng, v2017_mem, G_N_ELEMENTS(v2017_mem));
    gint64 run = (gint64)sample_quantiles(&rng, v2017_run, G_N_ELEMENTS(v2017_run));
    gint64 modify = status[0] == 'R' ? t : t + run;
    ks_synth_out_printf(o, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%s,%u,%.9f\n",
                        t, modify, job, task++, n, status, cpu, mem);
  }
  return ks_synth_out_close(o, error);
}
