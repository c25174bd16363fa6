/* Synthetic samples in the layout of the 2019 trace's BigQuery / GCS JSON
 * export: machine_events-000000000000.json.gz and
 * instance_events-00000000000N.json.gz in one folder, one JSON object per
 * line, INT64 values as strings, resources nested, NULL fields left out.
 *
 * Design as google_2011_synth.c: draw a cell and a workload with the
 * statistics in docs/traces/google-2019.md ("Samples"), hold the rows,
 * sort by (time, draw order), write. RNG streams "google-2019/...".
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sched/rng.h"
#include "traces/google_2019.h"

#define SYNTH_START_US ((gint64)600 * 1000000)
#define SYNTH_WINDOW_US ((gint64)2 * 3600 * 1000000)
#define SYNTH_PARTS 2

/* Machine shapes (normalised cpus, memory) and their shares: illustrative,
 * the v3 documents publish no table of shapes. */
static const struct {
  double share, cpus, memory;
  const char *platform;
} shapes[] = {
    {0.35, 0.50, 0.50, "p1"}, {0.25, 0.591, 0.333, "p2"}, {0.20, 0.708, 0.666, "p3"},
    {0.10, 1.00, 1.00, "p4"}, {0.10, 0.25, 0.25, "p5"},
};

/* Priorities and their share of collections (tiers as EuroSys'20: most work
 * in best-effort batch, about a third production, a little free, mid and
 * monitoring). */
static const struct {
  double share;
  gint priority;
} priorities[] = {
    {0.10, 0},   {0.08, 25},  {0.05, 110}, {0.35, 115}, {0.03, 117},
    {0.30, 200}, {0.03, 205}, {0.02, 210}, {0.03, 360}, {0.01, 400},
};

typedef struct {
  gint64 time;
  guint seq;
  gboolean is_machine;
  gint type;
  /* machines */
  gint64 machine;
  guint shape;
  /* instances */
  gint64 collection, alloc;
  gint index, priority, sched_class, ctype;
  double cpu, mem;
  gboolean constrained;
} Row;

typedef struct {
  KsRng arrivals, shape, jobs, requests, outcome, machines;
  GArray *rows;
  guint seq, n_machines;
  GArray *allocs; /* gint64: alloc set ids made so far */
} Synth;

static Row *add(Synth *s, gint64 time) {
  Row r = {0};
  r.time = time;
  r.seq = s->seq++;
  g_array_append_val(s->rows, r);
  return &g_array_index(s->rows, Row, s->rows->len - 1);
}

static gint64 machine_id(guint i) {
  return 100000000 + (gint64)i * 7919;
}

static void gen_machines(Synth *s) {
  for (guint i = 0; i < s->n_machines; i++) {
    double u = ks_rng_uniform(&s->shape), acc = 0;
    guint k = 0;
    while (k + 1 < G_N_ELEMENTS(shapes) && u >= (acc += shapes[k].share))
      k++;
    Row *r = add(s, 0);
    r->is_machine = TRUE, r->type = 1, r->machine = machine_id(i), r->shape = k;
    double u2 = ks_rng_uniform(&s->machines);
    gint64 t = SYNTH_START_US + (gint64)(ks_rng_uniform(&s->machines) * SYNTH_WINDOW_US * 0.8);
    if (u2 < 0.05) {
      Row *up = add(s, t);
      up->is_machine = TRUE, up->type = u2 < 0.03 ? 2 : 3, up->machine = machine_id(i),
      up->shape = k;
    }
  }
}

static double request(KsRng *r, double median, double sigma) {
  double v = MIN(ks_rng_lognormal(r, log(median), sigma), 0.5);
  v = round(v * 1048576.0) / 1048576.0;
  return MAX(v, 1.0 / 1048576.0);
}

static void inst(Synth *s, const Row *proto, gint index, gint type, gint64 t) {
  Row *r = add(s, t);
  guint seq = r->seq;
  *r = *proto;
  r->seq = seq;
  r->time = t;
  r->index = index;
  r->type = type;
}

static void gen_instance(Synth *s, const Row *proto, gint index, gint64 submit) {
  const gint64 end = SYNTH_START_US + SYNTH_WINDOW_US;
  /* FINISH, KILL, FAIL, EVICT, LOST, still running at the end */
  static const double w[6] = {0.40, 0.40, 0.12, 0.04, 0.005, 0.035};
  static const gint types[6] = {6, 7, 5, 4, 8, -1};
  for (int incarnation = 0; incarnation < 4 && submit < end; incarnation++) {
    inst(s, proto, index, 0, submit);
    gint64 t = submit;
    if (proto->priority >= 110 && proto->priority <= 115 && ks_rng_uniform(&s->outcome) < 0.3) {
      t += 1 + (gint64)ks_rng_exponential(&s->outcome, 30e6); /* the batch scheduler queues it */
      inst(s, proto, index, 1, t);
      t += 1 + (gint64)ks_rng_exponential(&s->outcome, 60e6);
      inst(s, proto, index, 2, t);
    }
    gint64 start = submit == 0 ? 0 : t + 1 + (gint64)ks_rng_exponential(&s->outcome, 3e6);
    if (start >= end)
      return;
    inst(s, proto, index, 3, start);
    if (ks_rng_uniform(&s->outcome) < 0.01)
      inst(s, proto, index, 10, start + 1 + (gint64)ks_rng_exponential(&s->outcome, 60e6));
    double u = ks_rng_uniform(&s->outcome), acc = 0;
    guint k = 0;
    while (k + 1 < 6 && u >= (acc += w[k]))
      k++;
    gint64 stop = MAX(start, SYNTH_START_US) + 1 +
                  (gint64)ks_rng_lognormal(&s->outcome, log(300e6), 1.4);
    if (types[k] < 0 || stop >= end)
      return;
    inst(s, proto, index, types[k], stop);
    if (!(types[k] == 4 || (types[k] == 5 && ks_rng_uniform(&s->outcome) < 0.5)))
      return;
    submit = stop + 1 + (gint64)ks_rng_exponential(&s->outcome, 10e6);
  }
}

static void gen_collections(Synth *s, guint64 pods) {
  guint64 made = 0;
  gint64 id = 300000000000;
  while (made < pods) {
    Row proto = {0};
    proto.collection = id;
    id += 1 + (gint64)ks_rng_below(&s->jobs, 100000);
    double u = ks_rng_uniform(&s->jobs), acc = 0;
    guint k = 0;
    while (k + 1 < G_N_ELEMENTS(priorities) && u >= (acc += priorities[k].share))
      k++;
    proto.priority = priorities[k].priority;
    proto.sched_class = (gint)ks_rng_below(&s->jobs, 4);
    /* ~3% of collections are alloc sets; ~10% of jobs run in one. */
    double a = ks_rng_uniform(&s->jobs);
    proto.ctype = a < 0.03 ? 1 : 0;
    if (!proto.ctype && a < 0.13 && s->allocs->len)
      proto.alloc = g_array_index(s->allocs, gint64, ks_rng_below(&s->jobs, s->allocs->len));
    if (proto.ctype)
      g_array_append_val(s->allocs, proto.collection);
    proto.constrained = ks_rng_uniform(&s->jobs) < 0.05;
    double v = ks_rng_uniform(&s->jobs);
    guint64 n = v < 0.75 ? 1 : v < 0.95 ? 2 + ks_rng_below(&s->jobs, 19) : 20 + ks_rng_below(&s->jobs, 81);
    n = MIN(n, pods - made);
    gint64 submit = ks_rng_uniform(&s->arrivals) < 0.10
                        ? 0
                        : SYNTH_START_US + (gint64)(ks_rng_uniform(&s->arrivals) * SYNTH_WINDOW_US);
    proto.cpu = request(&s->requests, proto.ctype ? 0.05 : 0.006, 1.2);
    proto.mem = request(&s->requests, proto.ctype ? 0.04 : 0.004, 1.2);
    for (guint64 i = 0; i < n; i++)
      gen_instance(s, &proto, (gint)i, submit);
    made += n;
  }
}

static gint row_cmp(gconstpointer a, gconstpointer b) {
  const Row *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void write_machine(KsGoogleOut *o, const Row *r) {
  ks_google_out_printf(o, "{\"time\":\"%" G_GINT64_FORMAT "\",\"machine_id\":\"%" G_GINT64_FORMAT
                          "\",\"type\":\"%d\"",
                       r->time, r->machine, r->type);
  if (r->type != 2) {
    char cpu[32], mem[32];
    ks_google_format_double(cpu, sizeof cpu, shapes[r->shape].cpus);
    ks_google_format_double(mem, sizeof mem, shapes[r->shape].memory * (r->type == 3 ? 0.5 : 1));
    ks_google_out_printf(o, ",\"switch_id\":\"sw-%" G_GINT64_FORMAT "\",\"capacity\":{\"cpus\":%s,"
                            "\"memory\":%s},\"platform_id\":\"%s\"",
                         r->machine / 100000 % 50, cpu, mem, shapes[r->shape].platform);
  }
  ks_google_out_printf(o, "}\n");
}

static void write_instance(KsGoogleOut *o, const Row *r) {
  char cpu[32], mem[32];
  ks_google_format_double(cpu, sizeof cpu, r->cpu);
  ks_google_format_double(mem, sizeof mem, r->mem);
  ks_google_out_printf(
      o,
      "{\"time\":\"%" G_GINT64_FORMAT "\",\"type\":\"%d\",\"collection_id\":\"%" G_GINT64_FORMAT
      "\",\"scheduling_class\":\"%d\",\"collection_type\":\"%d\",\"priority\":\"%d\","
      "\"alloc_collection_id\":\"%" G_GINT64_FORMAT "\",\"instance_index\":\"%d\","
      "\"machine_id\":\"0\",\"alloc_instance_index\":\"-1\","
      "\"resource_request\":{\"cpus\":%s,\"memory\":%s},\"constraint\":[%s]}\n",
      r->time, r->type, r->collection, r->sched_class, r->ctype, r->priority, r->alloc, r->index,
      cpu, mem,
      r->constrained ? "{\"name\":\"RAND_x\\u00e9\",\"value\":\"1\",\"relation\":\"EQUAL\"}" : "");
}

/* The file name of instance_events part k. transfer full */
static char *instance_part(guint k) {
  return g_strdup_printf("instance_events-%012u.json.gz", k);
}

static gboolean write_tables(Synth *s, const char *dir, GError **error) {
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot create", dir);
    return FALSE;
  }
  guint n_inst = 0;
  for (guint i = 0; i < s->rows->len; i++)
    n_inst += !g_array_index(s->rows, Row, i).is_machine;
  char *mpath = g_build_filename(dir, "machine_events-000000000000.json.gz", NULL);
  KsGoogleOut *mo = ks_google_out_open(mpath, TRUE, error);
  g_free(mpath);
  KsGoogleParts insts = {
      .parts = SYNTH_PARTS, .total = n_inst, .dir = dir, .name = instance_part};
  for (guint i = 0; mo && i < s->rows->len; i++) {
    const Row *r = &g_array_index(s->rows, Row, i);
    if (r->is_machine) {
      write_machine(mo, r);
      continue;
    }
    KsGoogleOut *io = ks_google_parts_next(&insts, error);
    if (!io)
      break;
    write_instance(io, r);
  }
  gboolean ok = ks_google_parts_close(&insts, mo != NULL, error);
  if (mo)
    ok = ks_google_out_close(mo, ok ? error : NULL) && ok;
  return ok;
}

gboolean ks_trace_google_2019_synth(const char *dir, guint64 seed, guint64 pods, GError **error) {
  if (pods == 0)
    pods = KS_GOOGLE_SYNTH_DEFAULT_PODS;
  Synth s = {0};
  ks_rng_init(&s.arrivals, seed, "google-2019/arrivals");
  ks_rng_init(&s.shape, seed, "google-2019/machine-shape");
  ks_rng_init(&s.machines, seed, "google-2019/machine-churn");
  ks_rng_init(&s.jobs, seed, "google-2019/collections");
  ks_rng_init(&s.requests, seed, "google-2019/requests");
  ks_rng_init(&s.outcome, seed, "google-2019/outcome");
  s.rows = g_array_new(FALSE, FALSE, sizeof(Row));
  s.allocs = g_array_new(FALSE, FALSE, sizeof(gint64));
  s.n_machines = (guint)MAX(4, MIN(pods / 10, 100000));
  gen_machines(&s);
  gen_collections(&s, pods);
  g_array_sort(s.rows, row_cmp);
  gboolean ok = write_tables(&s, dir, error);
  g_array_free(s.rows, TRUE);
  g_array_free(s.allocs, TRUE);
  return ok;
}
