/* ImageLocality (Score, weight 1; kube-semantics 3.10, upstream
 * plugins/imagelocality v1.31).
 *
 * score = 100 * (clamp(sum, 23 MiB, 1000 MiB * containers) - 23 MiB)
 *             / (1000 MiB * containers - 23 MiB)
 * where sum adds, for every init and regular container whose normalized
 * image the node reports, int64(size * (nodesWithImage / totalNodes)) in
 * float64 as upstream. Counts are over all live nodes of the cluster (the
 * cache), not the feasible ones. No NormalizeScore.
 *
 * Design and trade-offs.
 * - Upstream normalizes every container's image on every Score call. We
 *   normalize once per cycle (PreScore) into buffers kept in the cycle
 *   state and reused, and look up each image's node count once; Score is
 *   then one per-node hash lookup per container and allocates nothing.
 * - The cycle data remembers the pod and the cache generation it was built
 *   for, so a Score without PreScore (or after the cluster changed)
 *   rebuilds it instead of reading stale names.
 * - The size is the one the scored node reports (what upstream's
 *   NodeInfo.ImageStates gives in its tests); upstream's live cache keeps
 *   the first reporter's size for every node, which differs only when nodes
 *   report one image name with different sizes.
 */
#include "sched/plugins/image_locality.h"
#include "sched/cache.h"

#define MB G_GINT64_CONSTANT(1048576)
#define MIN_THRESHOLD (23 * MB)
#define MAX_CONTAINER_THRESHOLD (1000 * MB)

typedef struct {
  GPtrArray *names; /* of GString*: normalized image per container, init first */
  GArray *nodes;    /* of guint: live nodes reporting names[i] */
  guint n;          /* entries in use */
  const KsPod *pod; /* what the entries were built for */
  guint64 generation;
} ImageCycle;

static void il_cycle_free(gpointer data) {
  ImageCycle *ic = data;
  for (guint i = 0; i < ic->names->len; i++)
    g_string_free(g_ptr_array_index(ic->names, i), TRUE);
  g_ptr_array_free(ic->names, TRUE);
  g_array_free(ic->nodes, TRUE);
  g_free(ic);
}

static ImageCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    ImageCycle *ic = g_new0(ImageCycle, 1);
    ic->names = g_ptr_array_new();
    ic->nodes = g_array_new(FALSE, TRUE, sizeof(guint));
    cs->data[p->index] = ic;
  }
  return cs->data[p->index];
}

static void add_containers(ImageCycle *ic, const GArray *containers, const KsSchedCache *c) {
  for (guint i = 0; containers && i < containers->len; i++) {
    const KsContainer *k = &g_array_index(containers, KsContainer, i);
    if (ic->n == ic->names->len)
      g_ptr_array_add(ic->names, g_string_new(NULL));
    GString *name = g_ptr_array_index(ic->names, ic->n);
    ks_sched_normalize_image_name_into(name, k->image ? k->image : "");
    guint nodes = ks_sched_cache_image_num_nodes(c, name->str);
    if (ic->n >= ic->nodes->len)
      g_array_set_size(ic->nodes, ic->n + 1);
    g_array_index(ic->nodes, guint, ic->n) = nodes;
    ic->n++;
  }
}

static void build(ImageCycle *ic, const KsPod *pod, const KsSchedCache *c) {
  ic->n = 0;
  add_containers(ic, pod->init_containers, c);
  add_containers(ic, pod->containers, c);
  ic->pod = pod;
  ic->generation = c->generation;
}

static void il_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st) {
  (void)slots, (void)n, (void)st;
  build(cycle_data(p, cs), pod, c);
}

/* upstream calculatePriority */
static gint64 priority(gint64 sum, guint n_containers) {
  gint64 max_threshold = MAX_CONTAINER_THRESHOLD * (gint64)n_containers;
  if (sum < MIN_THRESHOLD)
    sum = MIN_THRESHOLD;
  else if (sum > max_threshold)
    sum = max_threshold;
  return KS_SCHED_MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max_threshold - MIN_THRESHOLD);
}

/* The cycle's images of the pod, rebuilt when the pod or the cache changed. */
static const ImageCycle *score_state(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                     const KsSchedCache *c) {
  ImageCycle *ic = cycle_data(p, cs);
  if (ic->pod != pod || ic->generation != c->generation)
    build(ic, pod, c);
  return ic;
}

static inline gint64 il_score_one(const ImageCycle *ic, const KsSchedCache *c, guint slot) {
  double total = (double)ks_sched_cache_n_nodes(c);
  gint64 sum = 0;
  for (guint i = 0; i < ic->n; i++) {
    GString *name = g_ptr_array_index(ic->names, i);
    gint64 size = ks_sched_cache_node_image_size(c, slot, name->str);
    if (size < 0)
      continue;
    /* upstream scaledImageScore: float64 spread, truncated */
    double spread = (double)g_array_index(ic->nodes, guint, i) / total;
    sum += (gint64)((double)size * spread);
  }
  return priority(sum, ic->n);
}

static void il_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                     const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  *score = il_score_one(score_state(p, cs, pod, c), c, slot);
}

static void il_score_nodes(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, const guint *slots, guint n, gint64 *scores,
                           KsSchedStatus *st) {
  const ImageCycle *ic = score_state(p, cs, pod, c);
  gboolean anywhere = FALSE; /* some image of the pod is on some node */
  for (guint i = 0; i < ic->n && !anywhere; i++)
    anywhere = g_array_index(ic->nodes, guint, i) > 0;
  if (!anywhere) { /* every node scores as one without the images */
    gint64 none = priority(0, ic->n);
    for (guint i = 0; i < n; i++)
      scores[i] = none;
    return;
  }
  for (guint i = 0; i < n; i++)
    scores[i] = il_score_one(ic, c, slots[i]);
}

const KsSchedPluginDesc ks_sched_plugin_image_locality = {
    .name = "ImageLocality",
    .cycle_data_free = il_cycle_free,
    .pre_score = il_pre_score,
    .score = il_score,
    .score_nodes = il_score_nodes,
};
