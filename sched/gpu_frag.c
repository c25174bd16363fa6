/* The FGD paper's fragmentation measure: typical pods and node / cluster
 * fragmentation (docs/fgd.md section 2; upstream pkg/utils/frag.go).
 *
 * Node fragmentation in closed form. With I the node's idle milli and, for
 * a typical shape j (count n_j, CPU c_j, k_j GPUs of m_j milli):
 *
 *   f_j = I                      when m_j = 0, the model is not allowed, the
 *                                CPU is short or fewer than k_j GPUs have m_j free
 *   f_j = I - sum_{L_i >= m_j} L_i   otherwise (the GPUs too small are fragment)
 *
 * so cum * F = cum * I - sum over the shapes that can run of n_j * sum_{L_i >= m_j} L_i.
 * The free list is sorted once in decreasing order, after which each shape
 * is a short prefix scan. The per-category split (only for reports) walks
 * the shapes the long way, as the table in docs/fgd.md.
 */
#include "sched/gpu_frag.h"

#include <string.h>

#include "sched/cache.h"
#include "sched/labels.h"
#include "sched/pod.h"

static const char *const category_names[KS_GPU_FRAG_N] = {
    "q1_lack_both", "q2_lack_gpu", "q3_satisfied", "q4_lack_cpu",
    "xl_satisfied", "xr_lack_cpu", "no_access",
};

const char *ks_gpu_frag_category_name(KsGpuFragCategory c) {
  return (guint)c < KS_GPU_FRAG_N ? category_names[c] : "unknown";
}

/* ---- shapes -------------------------------------------------------------- */

static guint shape_hash(gconstpointer key) {
  const KsGpuTypicalPod *s = key;
  guint64 h = (guint64)s->milli_cpu * 1000003u;
  h ^= ((guint64)s->gpu_count << 40) ^ ((guint64)(guint32)s->gpu_milli << 8) ^ s->n_models;
  for (guint i = 0; i < s->n_models; i++)
    h = h * 31u + s->models[i];
  return (guint)(h ^ (h >> 32));
}

static gboolean shape_equal(gconstpointer a, gconstpointer b) {
  const KsGpuTypicalPod *x = a, *y = b;
  if (x->milli_cpu != y->milli_cpu || x->gpu_count != y->gpu_count ||
      x->gpu_milli != y->gpu_milli || x->n_models != y->n_models)
    return FALSE;
  return memcmp(x->models, y->models, x->n_models * sizeof x->models[0]) == 0;
}

/* "A|B": the model string upstream compares. transfer full */
static char *shape_models(const KsGpuTypicalPod *s) {
  GString *g = g_string_new(NULL);
  for (guint i = 0; i < s->n_models; i++) {
    if (i)
      g_string_append_c(g, '|');
    const char *name = g_quark_to_string(s->models[i]); /* NULL for KS_GPU_MODEL_UNKNOWN */
    g_string_append(g, name ? name : "");
  }
  return g_string_free(g, FALSE);
}

/* Upstream's order: count descending, then the shape descending. */
static gint shape_order(gconstpointer a, gconstpointer b) {
  const KsGpuTypicalPod *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if (x->milli_cpu != y->milli_cpu)
    return x->milli_cpu > y->milli_cpu ? -1 : 1;
  if (x->gpu_milli != y->gpu_milli)
    return x->gpu_milli > y->gpu_milli ? -1 : 1;
  if (x->gpu_count != y->gpu_count)
    return x->gpu_count > y->gpu_count ? -1 : 1;
  char *mx = shape_models(x), *my = shape_models(y);
  gint r = -strcmp(mx, my);
  g_free(mx);
  g_free(my);
  return r;
}

/* ---- builder -------------------------------------------------------------- */

struct KsGpuTypicalBuilder {
  GHashTable *shapes; /* KsGpuTypicalPod* (owned, key) -> itself */
};

KsGpuTypicalBuilder *ks_gpu_typical_builder_new(void) {
  KsGpuTypicalBuilder *b = g_new0(KsGpuTypicalBuilder, 1);
  b->shapes = g_hash_table_new_full(shape_hash, shape_equal, g_free, NULL);
  return b; /* transfer full */
}

void ks_gpu_typical_builder_free(KsGpuTypicalBuilder *b) {
  if (!b)
    return;
  g_hash_table_destroy(b->shapes);
  g_free(b);
}

void ks_gpu_typical_builder_add(KsGpuTypicalBuilder *b, gint64 milli_cpu, const KsGpuRequest *r) {
  KsGpuTypicalPod key;
  memset(&key, 0, sizeof key);
  key.milli_cpu = milli_cpu;
  if (r && r->count > 0) {
    key.gpu_count = r->count;
    key.gpu_milli = r->milli;
    key.n_models = MIN(r->n_models, KS_GPU_MAX_MODELS);
    memcpy(key.models, r->models, key.n_models * sizeof key.models[0]);
  }
  KsGpuTypicalPod *s = g_hash_table_lookup(b->shapes, &key);
  if (!s) {
    s = g_memdup2(&key, sizeof key);
    g_hash_table_add(b->shapes, s);
  }
  s->count++;
}

/* The request's models by name, interned: ks_gpu_request_from_pod only
 * looks names up (a model no node has yet becomes KS_GPU_MODEL_UNKNOWN), but
 * the typical set may be built before the nodes are known and must keep
 * "X" and "Y" apart and match a node of model "X" added later. The names
 * come from the trace being replayed, so the quark table grows by its few
 * distinct model names at most. Same splitting as the request: '|',
 * trimmed, empty entries skipped (the request already checked the count). */
static void intern_models(const KsPod *pod, KsGpuRequest *r) {
  const char *s = ks_labels_get(&pod->annotations, KS_GPU_KEY_MODEL);
  if (!s || r->n_models == 0)
    return;
  char **parts = g_strsplit(s, "|", -1);
  guint n = 0;
  for (guint i = 0; parts[i] && n < KS_GPU_MAX_MODELS; i++) {
    char *m = g_strstrip(parts[i]);
    if (*m)
      r->models[n++] = g_quark_from_string(m);
  }
  r->n_models = n;
  g_strfreev(parts);
}

gboolean ks_gpu_typical_builder_add_pod(KsGpuTypicalBuilder *b, const KsPod *pod,
                                        GError **error) {
  KsGpuRequest r;
  if (!ks_gpu_request_from_pod(pod, &r, error))
    return FALSE;
  intern_models(pod, &r);
  gint64 cpu = 0, mem = 0;
  ks_pod_compute_nonzero_requests(pod, &cpu, &mem);
  ks_gpu_typical_builder_add(b, cpu, &r);
  return TRUE;
}

static KsGpuTypicalPods *typical_alloc(guint n) {
  KsGpuTypicalPods *tp = g_new0(KsGpuTypicalPods, 1);
  tp->pods = g_new0(KsGpuTypicalPod, MAX(n, 1));
  tp->refs = 1;
  return tp;
}

/* Fills cum and cpu_count from pods[0..n). */
static void typical_sums(KsGpuTypicalPods *tp) {
  tp->cum = 0;
  tp->cpu_count = 0;
  for (guint i = 0; i < tp->n; i++) {
    tp->cum += tp->pods[i].count;
    if (tp->pods[i].gpu_count == 0)
      tp->cpu_count += tp->pods[i].count;
  }
}

KsGpuTypicalPods *ks_gpu_typical_builder_finish(const KsGpuTypicalBuilder *b, guint threshold_pct,
                                                gboolean include_cpu_pods) {
  GArray *all = g_array_new(FALSE, FALSE, sizeof(KsGpuTypicalPod));
  GHashTableIter it;
  gpointer key;
  gint64 total = 0;
  g_hash_table_iter_init(&it, b->shapes);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    const KsGpuTypicalPod *s = key;
    if (s->gpu_count == 0 && !include_cpu_pods)
      continue;
    g_array_append_vals(all, s, 1);
    total += s->count;
  }
  g_array_sort(all, shape_order);
  threshold_pct = CLAMP(threshold_pct, 1, 100);
  /* keep shapes while 100 * cum < threshold * total: the shape that reaches it is kept */
  guint keep = 0;
  gint64 cum = 0;
  while (keep < all->len && cum * 100 < (gint64)threshold_pct * total)
    cum += g_array_index(all, KsGpuTypicalPod, keep++).count;
  KsGpuTypicalPods *tp = typical_alloc(keep);
  if (keep) /* an empty GArray's data is NULL */
    memcpy(tp->pods, all->data, keep * sizeof(KsGpuTypicalPod));
  tp->n = keep;
  tp->total = total;
  tp->n_shapes = all->len;
  typical_sums(tp);
  g_array_free(all, TRUE);
  return tp; /* transfer full */
}

KsGpuTypicalPods *ks_gpu_typical_pods_new(const KsGpuTypicalPod *pods, guint n) {
  KsGpuTypicalPods *tp = typical_alloc(n);
  if (n)
    memcpy(tp->pods, pods, n * sizeof *pods);
  tp->n = n;
  tp->n_shapes = n;
  typical_sums(tp);
  tp->total = tp->cum;
  return tp; /* transfer full */
}

KsGpuTypicalPods *ks_gpu_typical_pods_ref(KsGpuTypicalPods *tp) {
  g_atomic_int_inc(&tp->refs);
  return tp;
}

void ks_gpu_typical_pods_unref(KsGpuTypicalPods *tp) {
  if (!tp || !g_atomic_int_dec_and_test(&tp->refs))
    return;
  g_free(tp->pods);
  g_free(tp);
}

/* ---- fragmentation -------------------------------------------------------- */

static gboolean shape_allows(const KsGpuTypicalPod *s, GQuark model) {
  if (s->n_models == 0)
    return TRUE;
  for (guint i = 0; i < s->n_models; i++)
    if (s->models[i] == model && model != 0)
      return TRUE;
  return FALSE;
}

/* Insertion sort, descending: at most KS_GPU_MAX_PER_NODE (in practice 8) values. */
static void sort_desc(gint32 *v, guint n) {
  for (guint i = 1; i < n; i++) {
    gint32 x = v[i];
    guint j = i;
    for (; j > 0 && v[j - 1] < x; j--)
      v[j] = v[j - 1];
    v[j] = x;
  }
}

/* GPUs with >= m free and their free milli, from a list sorted descending. */
static guint prefix_ge(const gint32 *sorted, guint count, gint32 m, gint64 *sum) {
  guint n = 0;
  *sum = 0;
  while (n < count && sorted[n] >= m)
    *sum += sorted[n++];
  return n;
}

/* Adds one shape's amounts (times its count) to cat[]. */
static void shape_categories(const KsGpuTypicalPod *s, gint64 cpu_left, const gint32 *sorted,
                             guint count, GQuark model, gint64 idle, gint64 cat[KS_GPU_FRAG_N]) {
  gboolean cpu_ok = cpu_left >= s->milli_cpu;
  if (s->gpu_count == 0) {
    cat[cpu_ok ? KS_GPU_FRAG_XL_SATISFIED : KS_GPU_FRAG_XR_LACK_CPU] += s->count * idle;
    return;
  }
  if (!shape_allows(s, model)) {
    cat[KS_GPU_FRAG_NO_ACCESS] += s->count * idle;
    return;
  }
  gint64 ge;
  gboolean fits = prefix_ge(sorted, count, s->gpu_milli, &ge) >= s->gpu_count;
  if (fits && cpu_ok) {
    cat[KS_GPU_FRAG_Q2_LACK_GPU] += s->count * (idle - ge);
    cat[KS_GPU_FRAG_Q3_SATISFIED] += s->count * ge;
  } else if (fits) {
    cat[KS_GPU_FRAG_Q4_LACK_CPU] += s->count * idle;
  } else {
    cat[cpu_ok ? KS_GPU_FRAG_Q2_LACK_GPU : KS_GPU_FRAG_Q1_LACK_BOTH] += s->count * idle;
  }
}

gint64 ks_gpu_frag_free_scaled(const KsGpuTypicalPods *tp, gint64 cpu_left, const gint32 *free,
                               guint count, GQuark model, gint64 cat[KS_GPU_FRAG_N]) {
  gint32 sorted[KS_GPU_MAX_PER_NODE];
  count = MIN(count, KS_GPU_MAX_PER_NODE);
  gint64 idle = 0;
  for (guint i = 0; i < count; i++) {
    sorted[i] = MAX(free[i], 0);
    idle += sorted[i];
  }
  if (cat)
    memset(cat, 0, KS_GPU_FRAG_N * sizeof cat[0]);
  if (!tp || idle == 0)
    return 0;
  sort_desc(sorted, count);
  gint64 s = tp->cum * idle;
  for (guint j = 0; j < tp->n; j++) {
    const KsGpuTypicalPod *p = &tp->pods[j];
    if (cat)
      shape_categories(p, cpu_left, sorted, count, model, idle, cat);
    if (p->gpu_count == 0 || cpu_left < p->milli_cpu || !shape_allows(p, model))
      continue;
    gint64 ge;
    if (prefix_ge(sorted, count, p->gpu_milli, &ge) >= p->gpu_count)
      s -= p->count * ge;
  }
  return s;
}

gint64 ks_gpu_frag_node_scaled(const KsGpuTypicalPods *tp, gint64 cpu_left,
                               const KsGpuNodeView *v, gint64 cat[KS_GPU_FRAG_N]) {
  gint32 free[KS_GPU_MAX_PER_NODE];
  guint count = MIN(v->count, KS_GPU_MAX_PER_NODE);
  for (guint i = 0; i < count; i++)
    free[i] = ks_gpu_free(v, i);
  return ks_gpu_frag_free_scaled(tp, cpu_left, free, count, v->model, cat);
}

double ks_gpu_frag_node(const KsGpuTypicalPods *tp, gint64 cpu_left, const KsGpuNodeView *v) {
  if (!tp || tp->cum == 0)
    return 0.0;
  return (double)ks_gpu_frag_node_scaled(tp, cpu_left, v, NULL) / (double)tp->cum;
}

/* Adds one node's allocation figures (upstream ClusterGpuFragReport). */
static void report_alloc(KsGpuFragReport *out, const KsGpuNodeView *v, gint64 cpu_left,
                         gint64 cpu_alloc) {
  gint64 idle = 0;
  guint fully_free = 0;
  for (guint i = 0; i < v->count; i++) {
    gint32 f = ks_gpu_free(v, i);
    idle += f;
    fully_free += f == KS_GPU_MILLI;
  }
  out->total_gpus += v->count;
  if (fully_free < v->count || cpu_left < cpu_alloc) {
    out->used_nodes++;
    out->used_gpus += v->count;
    out->used_gpu_milli += (gint64)v->count * KS_GPU_MILLI - idle;
  }
}

void ks_gpu_frag_cluster(const KsGpuTypicalPods *tp, const KsSchedCache *c, KsGpuFragReport *out) {
  memset(out, 0, sizeof *out);
  gint64 sum[KS_GPU_FRAG_N] = {0};
  gint64 idle_direct = 0;
  for (guint k = 0; k < c->n_order; k++) {
    guint slot = c->order[k];
    KsGpuNodeView v = ks_sched_cache_gpu_view(c, slot);
    gint64 cpu_left = c->alloc_cpu[slot] - c->req_cpu[slot];
    report_alloc(out, &v, cpu_left, c->alloc_cpu[slot]);
    for (guint i = 0; i < v.count; i++)
      idle_direct += MAX(ks_gpu_free(&v, i), 0);
    if (!tp || tp->cum == 0 || v.count == 0)
      continue;
    gint64 cat[KS_GPU_FRAG_N];
    ks_gpu_frag_node_scaled(tp, cpu_left, &v, cat);
    for (guint i = 0; i < KS_GPU_FRAG_N; i++)
      sum[i] += cat[i];
  }
  double frag = 0, q124 = 0;
  for (guint i = 0; tp && tp->cum && i < KS_GPU_FRAG_N; i++) {
    out->category[i] = (double)sum[i] / (double)tp->cum;
    if (i != KS_GPU_FRAG_Q3_SATISFIED)
      frag += out->category[i];
  }
  if (tp && tp->cum)
    q124 = out->category[KS_GPU_FRAG_Q1_LACK_BOTH] + out->category[KS_GPU_FRAG_Q2_LACK_GPU] +
           out->category[KS_GPU_FRAG_Q4_LACK_CPU];
  out->idle_milli = (double)idle_direct;
  out->frag_milli = frag;
  if (idle_direct > 0) {
    out->frag_ratio_pct = 100.0 * frag / (double)idle_direct;
    out->q124_ratio_pct = 100.0 * q124 / (double)idle_direct;
  }
}
