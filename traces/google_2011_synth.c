/* Synthetic samples in the clusterdata-2011-2 layout.
 *
 * Design: draw a small cell and a workload with the published statistics
 * (docs/traces/google-2011.md, "Samples"), keep every row in memory, sort by
 * (time, draw order) and write the two tables as the real trace lays them
 * out: machine_events/part-00000-of-00001.csv.gz and task_events split into
 * part files, headerless, in the official column order. Every draw comes
 * from RNG streams named "google-2011/..." of the seed, so the same seed
 * writes the same bytes. Samples are small (thousands of rows), so holding
 * them before sorting costs nothing; only the importer must stream.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sched/rng.h"
#include "traces/google_2011.h"
#include "traces/google_common.h"

/* The sample's window: the real trace starts at 600 s; tasks alive before it
 * are submitted at time 0. */
#define SYNTH_START_US ((gint64)600 * 1000000)
#define SYNTH_WINDOW_US ((gint64)2 * 3600 * 1000000)
#define SYNTH_TASK_PARTS 2

/* Machine shapes of the cell (Reiss et al., SoCC'12, table 1): count,
 * platform, normalised CPUs, normalised memory. */
static const struct {
  guint count;
  const char *platform;
  double cpus, memory;
} shapes[] = {
    {6732, "B", 0.50, 0.50}, {3863, "B", 0.50, 0.25}, {1001, "B", 0.50, 0.75},
    {795, "C", 1.00, 1.00},  {126, "A", 0.25, 0.25},  {52, "B", 0.50, 0.12},
    {5, "B", 0.50, 0.03},    {5, "B", 0.50, 0.97},    {3, "C", 1.00, 0.50},
    {1, "B", 0.50, 0.06},
};

/* Share of tasks per priority (approximate, from the published per-band
 * task counts: free ~ a quarter, batch bands the largest part, production
 * about a quarter). */
static const double priority_weights[12] = {0.22, 0.03, 0.04, 0.01, 0.33, 0.02,
                                            0.03, 0.01, 0.03, 0.24, 0.03, 0.01};
static const double class_weights[4] = {0.60, 0.25, 0.13, 0.02};

typedef struct {
  gint64 time;
  guint seq;
  gint64 machine; /* machine rows: id; task rows: machine or 0 (blank) */
  gint64 job, task;
  gint type;
  gint8 sched_class, priority, different;
  guint16 user;
  double cpu, mem;
  gboolean is_machine;
  guint shape;
} Row;

typedef struct {
  KsRng arrivals, shape, jobs, requests, outcome, machines;
  GArray *rows;
  guint seq;
  guint n_machines;
} Synth;

static guint pick(KsRng *r, const double *w, guint n) {
  double u = ks_rng_uniform(r), acc = 0;
  for (guint i = 0; i < n; i++) {
    acc += w[i];
    if (u < acc)
      return i;
  }
  return n - 1;
}

static Row *add(Synth *s, gint64 time) {
  Row r = {0};
  r.time = time;
  r.seq = s->seq++;
  g_array_append_val(s->rows, r);
  return &g_array_index(s->rows, Row, s->rows->len - 1);
}

static gint64 machine_id(guint i) {
  /* Real ids are large, sparse integers. */
  return 5000000 + (gint64)i * 1117;
}

static void gen_machines(Synth *s) {
  double total = 0;
  for (guint i = 0; i < G_N_ELEMENTS(shapes); i++)
    total += shapes[i].count;
  for (guint i = 0; i < s->n_machines; i++) {
    double u = ks_rng_uniform(&s->shape) * total, acc = 0;
    guint k = 0;
    while (k + 1 < G_N_ELEMENTS(shapes) && u >= (acc += shapes[k].count))
      k++;
    Row *r = add(s, 0);
    *r = (Row){.time = 0, .seq = r->seq, .machine = machine_id(i), .type = 0, .is_machine = TRUE,
               .shape = k};
    /* Churn, scaled up so a small sample shows every event type: ~3% of
     * machines leave and come back, ~2% change capacity. */
    double u2 = ks_rng_uniform(&s->machines);
    gint64 t = SYNTH_START_US + (gint64)(ks_rng_uniform(&s->machines) * SYNTH_WINDOW_US * 0.8);
    if (u2 < 0.03) {
      Row *rm = add(s, t);
      *rm = (Row){.time = t, .seq = rm->seq, .machine = machine_id(i), .type = 1, .is_machine = TRUE};
      gint64 back = t + 1 + (gint64)ks_rng_exponential(&s->machines, 1800e6);
      if (back < SYNTH_START_US + SYNTH_WINDOW_US) {
        Row *ad = add(s, back);
        *ad = (Row){.time = back, .seq = ad->seq, .machine = machine_id(i), .type = 0,
                    .is_machine = TRUE, .shape = k};
      }
    } else if (u2 < 0.05) {
      Row *up = add(s, t);
      *up = (Row){.time = t, .seq = up->seq, .machine = machine_id(i), .type = 2, .is_machine = TRUE,
                  .shape = k};
    }
  }
}

/* A normalised request: log-normal around `median`, kept in (0, cap] and
 * quantised to 1/2^14 as the trace's values are. */
static double request(KsRng *r, double median, double sigma, double cap) {
  double v = ks_rng_lognormal(r, log(median), sigma);
  v = MIN(v, cap);
  v = round(v * 16384.0) / 16384.0;
  return MAX(v, 1.0 / 16384.0);
}

typedef struct {
  gint64 job;
  gint8 priority, sched_class, different;
  guint16 user;
} Job;

static void task_row(Synth *s, const Job *j, gint64 task, gint type, gint64 t, gint64 machine,
                     double cpu, double mem) {
  Row *r = add(s, t);
  *r = (Row){.time = t, .seq = r->seq, .machine = machine, .job = j->job, .task = task,
             .type = type, .sched_class = j->sched_class, .priority = j->priority,
             .different = j->different, .user = j->user, .cpu = cpu, .mem = mem};
}

/* One task's life from its first SUBMIT: incarnations until one ends for good. */
static void gen_task(Synth *s, const Job *j, gint64 task, gint64 submit, double cpu, double mem) {
  const gint64 end = SYNTH_START_US + SYNTH_WINDOW_US;
  /* Ends: FINISH, KILL, FAIL, EVICT, LOST, still running at the end. */
  static const double outcome_w[6] = {0.55, 0.28, 0.08, 0.05, 0.005, 0.035};
  static const gint outcome_type[6] = {4, 5, 3, 2, 6, -1};
  for (int incarnation = 0; incarnation < 4 && submit < end; incarnation++) {
    task_row(s, j, task, 0, submit, 0, cpu, mem);
    gint64 start = submit == 0 ? 0 : submit + 1 + (gint64)ks_rng_exponential(&s->outcome, 5e6);
    if (start >= end)
      return;
    gint64 machine = machine_id((guint)ks_rng_below(&s->outcome, s->n_machines));
    task_row(s, j, task, 1, start, machine, cpu, mem);
    if (ks_rng_uniform(&s->outcome) < 0.01)
      task_row(s, j, task, 8, start + 1 + (gint64)ks_rng_exponential(&s->outcome, 60e6), machine,
               cpu, mem);
    gint type = outcome_type[pick(&s->outcome, outcome_w, 6)];
    gint64 stop = MAX(start, SYNTH_START_US) + 1 +
                  (gint64)ks_rng_lognormal(&s->outcome, log(600e6), 1.2);
    if (type < 0 || stop >= end)
      return;
    task_row(s, j, task, type, stop, machine, cpu, mem);
    /* Evicted tasks always come back; failed ones half of the time. */
    gboolean again = type == 2 || (type == 3 && ks_rng_uniform(&s->outcome) < 0.5);
    if (!again)
      return;
    submit = stop + 1 + (gint64)ks_rng_exponential(&s->outcome, 20e6);
  }
}

static void gen_jobs(Synth *s, guint64 pods) {
  guint64 made = 0;
  gint64 job_id = 6000000000;
  while (made < pods) {
    Job j = {.job = job_id, .priority = (gint8)pick(&s->jobs, priority_weights, 12),
             .sched_class = (gint8)pick(&s->jobs, class_weights, 4),
             .user = (guint16)ks_rng_below(&s->jobs, 24)};
    job_id += 1 + (gint64)ks_rng_below(&s->jobs, 5000);
    /* Jobs: ~70% one task, ~25% 2-20, ~5% 20-100 (heavy tailed). */
    double u = ks_rng_uniform(&s->jobs);
    guint64 n = u < 0.70 ? 1 : u < 0.95 ? 2 + ks_rng_below(&s->jobs, 19) : 20 + ks_rng_below(&s->jobs, 81);
    n = MIN(n, pods - made);
    j.different = n > 1 && ks_rng_uniform(&s->jobs) < 0.1;
    /* ~10% of the work was already running when the trace began (time 0). */
    gint64 submit = ks_rng_uniform(&s->arrivals) < 0.10
                        ? 0
                        : SYNTH_START_US + (gint64)(ks_rng_uniform(&s->arrivals) * SYNTH_WINDOW_US);
    double cpu = request(&s->requests, 0.0125, 1.0, 0.5);
    double mem = request(&s->requests, 0.0095, 1.1, 0.5);
    for (guint64 i = 0; i < n; i++)
      gen_task(s, &j, (gint64)i, submit, cpu, mem);
    made += n;
  }
}

static gint row_cmp(gconstpointer a, gconstpointer b) {
  const Row *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void user_hash(guint16 user, char out[45]) {
  /* A stand-in for the trace's base64 SHA-256 user hashes. */
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  KsRng r;
  char name[32];
  g_snprintf(name, sizeof name, "google-2011/user/%u", user);
  ks_rng_init(&r, 0, name);
  for (int i = 0; i < 43; i++)
    out[i] = b64[ks_rng_below(&r, 64)];
  out[43] = '=';
  out[44] = '\0';
}

static void write_machine(KsGoogleOut *o, const Row *r) {
  if (r->type == 1) {
    ks_google_out_printf(o, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",1,,,\n", r->time, r->machine);
    return;
  }
  char cpu[32], mem[32];
  double m = shapes[r->shape].memory;
  if (r->type == 2) /* an update: part of the memory is taken out of service */
    m = round(m * 0.75 * 10000) / 10000;
  ks_google_format_double(cpu, sizeof cpu, shapes[r->shape].cpus);
  ks_google_format_double(mem, sizeof mem, m);
  ks_google_out_printf(o, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%d,%s,%s,%s\n", r->time,
                       r->machine, r->type, shapes[r->shape].platform, cpu, mem);
}

static void write_task(KsGoogleOut *o, const Row *r) {
  char cpu[32], mem[32], user[45], machine[24] = "";
  ks_google_format_double(cpu, sizeof cpu, r->cpu);
  ks_google_format_double(mem, sizeof mem, r->mem);
  user_hash(r->user, user);
  if (r->machine)
    g_snprintf(machine, sizeof machine, "%" G_GINT64_FORMAT, r->machine);
  /* time,missing,job,task,machine,type,user,class,priority,cpu,mem,disk,different */
  ks_google_out_printf(o,
                       "%" G_GINT64_FORMAT ",,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                       ",%s,%d,%s,%d,%d,%s,%s,0.0001,%d\n",
                       r->time, r->job, r->task, machine, r->type, user, r->sched_class, r->priority,
                       cpu, mem, r->different);
}

/* The file name of task_events part k. transfer full */
static char *task_part(guint k) {
  return g_strdup_printf("part-%05u-of-%05u.csv.gz", k, SYNTH_TASK_PARTS);
}

static gboolean write_tables(Synth *s, const char *dir, GError **error) {
  char *mdir = g_build_filename(dir, "machine_events", NULL);
  char *tdir = g_build_filename(dir, "task_events", NULL);
  gboolean ok = g_mkdir_with_parents(mdir, 0755) == 0 && g_mkdir_with_parents(tdir, 0755) == 0;
  if (!ok)
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot create", dir);
  guint n_tasks = 0;
  for (guint i = 0; i < s->rows->len; i++)
    n_tasks += !g_array_index(s->rows, Row, i).is_machine;
  char *mpath = g_build_filename(mdir, "part-00000-of-00001.csv.gz", NULL);
  KsGoogleOut *mo = ok ? ks_google_out_open(mpath, TRUE, error) : NULL;
  KsGoogleParts tasks = {
      .parts = SYNTH_TASK_PARTS, .total = n_tasks, .dir = tdir, .name = task_part};
  for (guint i = 0; mo && i < s->rows->len; i++) {
    const Row *r = &g_array_index(s->rows, Row, i);
    if (r->is_machine) {
      write_machine(mo, r);
      continue;
    }
    KsGoogleOut *to = ks_google_parts_next(&tasks, error);
    if (!to)
      break;
    write_task(to, r);
  }
  ok = ks_google_parts_close(&tasks, mo != NULL, error);
  if (mo)
    ok = ks_google_out_close(mo, ok ? error : NULL) && ok;
  g_free(mpath);
  g_free(mdir);
  g_free(tdir);
  return ok;
}

gboolean ks_trace_google_2011_synth(const char *dir, guint64 seed, guint64 pods, GError **error) {
  if (pods == 0)
    pods = KS_GOOGLE_SYNTH_DEFAULT_PODS;
  Synth s = {0};
  ks_rng_init(&s.arrivals, seed, "google-2011/arrivals");
  ks_rng_init(&s.shape, seed, "google-2011/machine-shape");
  ks_rng_init(&s.machines, seed, "google-2011/machine-churn");
  ks_rng_init(&s.jobs, seed, "google-2011/jobs");
  ks_rng_init(&s.requests, seed, "google-2011/requests");
  ks_rng_init(&s.outcome, seed, "google-2011/outcome");
  s.rows = g_array_new(FALSE, FALSE, sizeof(Row));
  /* About 10 tasks per machine were alive at once in the real cell. */
  s.n_machines = (guint)MAX(4, MIN(pods / 10, 100000));
  gen_machines(&s);
  gen_jobs(&s, pods);
  g_array_sort(s.rows, row_cmp);
  gboolean ok = write_tables(&s, dir, error);
  g_array_free(s.rows, TRUE);
  return ok;
}
