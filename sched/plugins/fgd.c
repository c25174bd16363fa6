/* FGD (Score): fragmentation gradient descent, the FGD paper's policy
 * (docs/fgd.md 3.6; upstream pkg/simulator/plugin/fgd_score.go).
 *
 * With F the node's fragmentation against the typical pods (milli-GPU,
 * sched/gpu_frag.h) before and after the placement:
 *
 *   score = floor(100 * sigmoid((F_before - F_after) / 1000))
 *
 * A GPU-share pod (1 GPU, < 1000 milli) is tried on every GPU with room, in
 * index order; the node scores the best of them and the pod goes to the
 * first GPU reaching it (integer scores compared, as upstream). Whole-GPU
 * and CPU-only pods have one outcome per node (which free GPUs they take
 * does not change F); they take the lowest-indexed free GPUs. A pod that
 * requests nothing scores 100. No normalisation.
 *
 * F_before - F_after is exact (integer cum x F, gpu_frag.h); only the
 * sigmoid is floating point. The GPU chooser runs at assume, when the
 * scheduler has picked the node: it finds the node's slot from the view it
 * is given (ks_sched_gpu_slot_of_view) to read the CPU left, and recomputes
 * the same arg-max as Score.
 *
 * State: the typical pods (shared, reference counted) and, per cycle, the
 * cache pointer and pod CPU the chooser needs (written at PreFilter; one
 * scheduler per instance).
 *
 * Memo (speed, docs/fgd.md 3.6): a node's score is a pure function of the
 * typical pods, the pod's shape (CPU, GPU count, GPU milli) and the node's
 * state (CPU left, model, free milli per GPU). Between two pods only the
 * node that took the previous one changes, and pods repeat a few dozen
 * shapes, so the plugin keeps per cache slot the last state seen, its
 * F(before), and per shape the score and chosen GPUs computed for that
 * state. A slot's state is compared exactly (a few integers) on every call;
 * when it differs the slot gets a new version number and every entry of the
 * older version is dead, so an entry can never be stale and the scores are
 * identical to computing them afresh. Memory is bounded: FGD_MEMO_SHAPES
 * shapes (replaced round-robin when more appear) times the cache's slot
 * capacity. Score and the chooser run on the scheduler thread only (Filter
 * is the only parallel extension point, sched/scheduler.c), so the memo
 * needs no locking. Changing the typical pods drops the memo.
 */
#include "sched/plugins/fgd.h"

#include <math.h>
#include <string.h>

#include "sched/plugins/gpu_policy.h"

/* Shapes remembered per slot; a trace has a few dozen (openb default: 91). */
#define FGD_MEMO_SHAPES 64

/* The inputs of a node's score that come from the pod. */
typedef struct {
  gint64 cpu;
  guint count;
  gint32 milli;
} FgdShape;

/* A slot's last state seen, and its F(before) once computed. */
typedef struct {
  guint64 version; /* 0 = none yet */
  gint64 cpu_left;
  GQuark model;
  guint count;
  gint32 free[KS_GPU_MAX_PER_NODE];
  gboolean have_before;
  gint64 before; /* cum x F of this state */
} FgdSlotState;

/* One shape's result on one slot, valid while the slot's version is `version`. */
typedef struct {
  guint64 version; /* 0 = empty */
  gint64 score;
  KsGpuAssignment a;
} FgdMemoEntry;

typedef struct {
  guint cap;              /* slots of the arrays below (the cache's capacity) */
  FgdSlotState *slots;    /* [cap] */
  FgdMemoEntry *entries;  /* [FGD_MEMO_SHAPES * cap], shape-major */
  FgdShape shapes[FGD_MEMO_SHAPES];
  guint n_shapes;
  guint victim;           /* next shape replaced when the table is full */
  guint last;             /* shape of the previous lookup (a fast path) */
  guint64 next_version;
} FgdMemo;

typedef struct {
  KsGpuTypicalPods *typical;
  const KsSchedCache *cache; /* of the current cycle, for the chooser */
  gint64 cpu;                /* the current pod's non-zero CPU */
  FgdMemo memo;
} Fgd;

static void memo_clear(FgdMemo *m) {
  g_free(m->slots);
  g_free(m->entries);
  memset(m, 0, sizeof *m);
}

/* Makes room for `cap` slots; a new capacity starts the memo afresh. */
static void memo_reserve(FgdMemo *m, guint cap) {
  if (cap <= m->cap)
    return;
  memo_clear(m);
  m->cap = cap;
  m->slots = g_new0(FgdSlotState, cap);
  m->entries = g_new0(FgdMemoEntry, (gsize)FGD_MEMO_SHAPES * cap);
}

/* The shape's index, added (replacing one round-robin when full) if new. */
static guint memo_shape(FgdMemo *m, gint64 cpu, const KsGpuRequest *r) {
  FgdShape k = {cpu, r->count, r->milli};
  for (guint t = 0; t < m->n_shapes; t++) {
    guint i = (m->last + t) % m->n_shapes;
    const FgdShape *s = &m->shapes[i];
    if (s->cpu == k.cpu && s->count == k.count && s->milli == k.milli)
      return m->last = i;
  }
  guint i;
  if (m->n_shapes < FGD_MEMO_SHAPES) {
    i = m->n_shapes++;
  } else {
    i = m->victim;
    m->victim = (m->victim + 1) % FGD_MEMO_SHAPES;
  }
  m->shapes[i] = k;
  memset(&m->entries[(gsize)i * m->cap], 0, m->cap * sizeof m->entries[0]);
  return m->last = i;
}

/* The slot's state record, renewed (new version) when the node changed. */
static FgdSlotState *memo_state(FgdMemo *m, guint slot, gint64 cpu_left, const gint32 *free,
                                guint count, GQuark model) {
  FgdSlotState *st = &m->slots[slot];
  if (st->version && st->cpu_left == cpu_left && st->model == model && st->count == count &&
      memcmp(st->free, free, count * sizeof *free) == 0)
    return st;
  st->version = ++m->next_version;
  st->cpu_left = cpu_left;
  st->model = model;
  st->count = count;
  memcpy(st->free, free, count * sizeof *free);
  st->have_before = FALSE;
  return st;
}

static gpointer fgd_create(gconstpointer args, GError **error) {
  const KsSchedFgdArgs *a = args;
  Fgd *f = g_new0(Fgd, 1);
  if (a && a->typical)
    f->typical = ks_gpu_typical_pods_ref(a->typical);
  return f; /* transfer full */
}

static void fgd_destroy(gpointer self) {
  Fgd *f = self;
  ks_gpu_typical_pods_unref(f->typical);
  memo_clear(&f->memo);
  g_free(f);
}

void ks_sched_fgd_set_typical_pods(KsSchedPlugin *p, KsGpuTypicalPods *tp) {
  g_return_if_fail(p && p->desc == &ks_sched_plugin_fgd);
  Fgd *f = p->self;
  if (tp)
    ks_gpu_typical_pods_ref(tp);
  ks_gpu_typical_pods_unref(f->typical);
  f->typical = tp;
  memo_clear(&f->memo); /* every result depended on the old set */
}

/* floor(100 * sigmoid(delta / cum / 1000)) for delta = cum x (F_before - F_after). */
static gint64 frag_score(gint64 delta, gint64 cum) {
  double x = (double)delta / ((double)cum * 1000.0);
  return (gint64)(1.0 / (1.0 + exp(-x)) * KS_SCHED_MAX_NODE_SCORE);
}

static gboolean seen_before(const gint32 *free, guint i) {
  for (guint j = 0; j < i; j++)
    if (free[j] == free[i])
      return TRUE;
  return FALSE;
}

/* Share pod: the best GPU by score, first index on ties. */
static gint64 score_share(const KsGpuTypicalPods *tp, gint64 cpu, const KsGpuRequest *r,
                          gint64 cpu_left, const gint32 *free, guint count, GQuark model,
                          gint64 before, KsGpuAssignment *out) {
  gint32 after[KS_GPU_MAX_PER_NODE];
  gint64 best = 0;
  gint best_i = -1;
  memcpy(after, free, count * sizeof *free);
  for (guint i = 0; i < count; i++) {
    if (free[i] < r->milli || seen_before(free, i))
      continue; /* an earlier GPU with the same free milli scores the same and wins the tie */
    after[i] = free[i] - r->milli;
    gint64 s = frag_score(before - ks_gpu_frag_free_scaled(tp, cpu_left - cpu, after, count, model,
                                                           NULL),
                          tp->cum);
    after[i] = free[i];
    if (best_i < 0 || s > best) {
      best = s;
      best_i = (gint)i;
    }
  }
  if (best_i >= 0) {
    out->mask = G_GUINT64_CONSTANT(1) << best_i;
    out->milli = r->milli;
  }
  return best;
}

/* Whole GPUs (or none): the k lowest-indexed fully free GPUs. */
static gint64 score_whole(const KsGpuTypicalPods *tp, gint64 cpu, const KsGpuRequest *r,
                          gint64 cpu_left, const gint32 *free, guint count, GQuark model,
                          gint64 before, KsGpuAssignment *out) {
  gint32 after[KS_GPU_MAX_PER_NODE];
  guint64 mask = 0;
  guint need = r->count;
  memcpy(after, free, count * sizeof *free);
  for (guint i = 0; i < count && need > 0; i++) {
    if (free[i] >= KS_GPU_MILLI && free[i] >= r->milli) {
      after[i] = free[i] - r->milli;
      mask |= G_GUINT64_CONSTANT(1) << i;
      need--;
    }
  }
  if (need == 0 && r->count > 0) {
    out->mask = mask;
    out->milli = r->milli;
  }
  gint64 after_s = ks_gpu_frag_free_scaled(tp, cpu_left - cpu, after, count, model, NULL);
  return frag_score(before - after_s, tp->cum);
}

/* The score given F(before) = before / cum (tp non-empty; *out zeroed). */
static gint64 score_from(const KsGpuTypicalPods *tp, gint64 cpu, const KsGpuRequest *r,
                         gint64 cpu_left, const gint32 *free, guint count, GQuark model,
                         gint64 before, KsGpuAssignment *out) {
  if (r->count == 1 && r->milli < KS_GPU_MILLI)
    return score_share(tp, cpu, r, cpu_left, free, count, model, before, out);
  return score_whole(tp, cpu, r, cpu_left, free, count, model, before, out);
}

gint64 ks_sched_fgd_node_score(const KsGpuTypicalPods *tp, gint64 cpu, const KsGpuRequest *r,
                               gint64 cpu_left, const gint32 *free, guint count, GQuark model,
                               KsGpuAssignment *out) {
  KsGpuAssignment none = {0, 0};
  *out = none;
  if (!tp || tp->cum == 0)
    return KS_SCHED_MIN_NODE_SCORE;
  gint64 before = ks_gpu_frag_free_scaled(tp, cpu_left, free, count, model, NULL);
  return score_from(tp, cpu, r, cpu_left, free, count, model, before, out);
}

/* ks_sched_fgd_node_score through the memo, for the node on cache slot
 * `slot` (tp non-empty; the state arguments are that slot's). */
static gint64 memo_node_score(Fgd *f, guint cap, guint slot, gint64 cpu, const KsGpuRequest *r,
                              gint64 cpu_left, const gint32 *free, guint count, GQuark model,
                              KsGpuAssignment *out) {
  FgdMemo *m = &f->memo;
  memo_reserve(m, MAX(cap, slot + 1));
  FgdSlotState *st = memo_state(m, slot, cpu_left, free, count, model);
  FgdMemoEntry *e = &m->entries[(gsize)memo_shape(m, cpu, r) * m->cap + slot];
  if (e->version == st->version) {
    *out = e->a;
    return e->score;
  }
  if (!st->have_before) {
    st->before = ks_gpu_frag_free_scaled(f->typical, cpu_left, free, count, model, NULL);
    st->have_before = TRUE;
  }
  KsGpuAssignment none = {0, 0};
  *out = none;
  e->score = score_from(f->typical, cpu, r, cpu_left, free, count, model, st->before, out);
  e->a = *out;
  e->version = st->version;
  return e->score;
}

static gboolean fgd_choose(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                           KsGpuAssignment *out) {
  Fgd *f = data;
  if (!f->typical || f->typical->cum == 0 || !(r->count == 1 && r->milli < KS_GPU_MILLI))
    return ks_gpu_choose_best_fit(r, v, NULL, out);
  gint slot = f->cache ? ks_sched_gpu_slot_of_view(f->cache, v) : -1;
  gint64 cpu_left = G_MAXINT64 / 4; /* slot unknown: as if the CPU were ample */
  if (slot >= 0)
    cpu_left = f->cache->alloc_cpu[slot] - f->cache->req_cpu[slot];
  gint32 free[KS_GPU_MAX_PER_NODE];
  guint count = MIN(v->count, KS_GPU_MAX_PER_NODE);
  for (guint i = 0; i < count; i++)
    free[i] = ks_gpu_free(v, i);
  if (slot >= 0)
    memo_node_score(f, f->cache->cap, (guint)slot, f->cpu, r, cpu_left, free, count, v->model, out);
  else
    ks_sched_fgd_node_score(f->typical, f->cpu, r, cpu_left, free, count, v->model, out);
  return out->mask != 0;
}

static void fgd_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  Fgd *f = p->self;
  const KsSchedGpuPod *gp = ks_sched_gpu_pod_prepare(p, cs, pod, c, fgd_choose, f, st);
  f->cache = c;
  f->cpu = gp ? gp->cpu : 0;
}

static void fgd_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  Fgd *f = p->self;
  const KsSchedGpuPod *gp = ks_sched_gpu_pod_get(p, cs, st);
  *score = KS_SCHED_MIN_NODE_SCORE;
  if (!gp)
    return;
  if (!gp->requests) {
    *score = KS_SCHED_MAX_NODE_SCORE;
    return;
  }
  if (!f->typical || f->typical->cum == 0) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "FGD: no typical pods (set them in the args or "
                                                 "with ks_sched_fgd_set_typical_pods)");
    return;
  }
  gint64 cpu_left;
  gint32 free[KS_GPU_MAX_PER_NODE];
  guint count;
  GQuark model;
  ks_sched_gpu_node(c, slot, &cpu_left, free, &count, &model);
  KsGpuAssignment a;
  *score = memo_node_score(f, c->cap, slot, gp->cpu, &gp->req, cpu_left, free, count, model, &a);
}

const KsSchedPluginDesc ks_sched_plugin_fgd = {
    .name = "FGD",
    .create = fgd_create,
    .destroy = fgd_destroy,
    .cycle_data_free = ks_sched_gpu_pod_free,
    .pre_filter = fgd_pre_filter,
    .score = fgd_score,
};
