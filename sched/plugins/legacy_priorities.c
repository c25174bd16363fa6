/* The v1.7 priority functions (Kubernetes v1.6/v1.7,
 * plugin/pkg/scheduler/algorithm/priorities) as Score plugins registered
 * under their old names, on v1.7's 0-10 scale.
 *
 * v1.7 computed each priority as a Map (one node) and an optional Reduce
 * (all scored nodes); here Map is Score and Reduce is NormalizeScore. The
 * formulas, with v1.7's integer and float truncations:
 *  - LeastRequestedPriority: per resource (cpu, memory)
 *    (allocatable - requested) * 10 / allocatable (0 when allocatable is 0
 *    or requested exceeds it), integer division; the score is the integer
 *    mean of the two. requested = the node's non-zero requests + the pod's
 *    (a container without a cpu/memory request counts 100m / 200Mi).
 *  - BalancedResourceAllocation: fractions requested/allocatable (1 when
 *    allocatable is 0); 0 if either is >= 1, else int(10 - |cpu-mem| * 10).
 *  - ImageLocalityPriority: sum of the sizes of the pod's container images
 *    the node lists (exact name match, as v1.7: no ":latest" normalization);
 *    0 below 23 MiB, 10 from 1000 MiB, else 10*(sum-23Mi)/(977Mi) + 1.
 *  - NodeAffinityPriority: sum of the weights of the matching preferred
 *    terms; Reduce: int(10 * count / maxCount) (all 0 when maxCount is 0).
 *  - TaintTolerationPriority: intolerable PreferNoSchedule taints counted;
 *    Reduce: int((1 - count / maxCount) * 10), 10 when maxCount is 0.
 *  - SelectorSpreadPriority: count of the node's pods in the pod's namespace
 *    matched by any selector of the pod's Services/RCs/RSs/StatefulSets;
 *    Reduce: 10 * (maxNode - count) / maxNode, blended with the zone score
 *    10 * (maxZone - zoneCount) / maxZone at weight 2/3 when any scored node
 *    has a zone; int() of the float.
 *  - CalculateAntiAffinityPriority (ServiceAntiAffinity): pods of the first
 *    Service selecting the pod, in its namespace, counted per value of a
 *    node label over the scored nodes; a labeled node scores
 *    int(10 * (total - count[value]) / total) (10 when total is 0), an
 *    unlabeled node 0. total counts every pod of the cache (all nodes).
 *
 * Selectors: SelectorSpread takes those of the Services, RCs, ReplicaSets
 * and StatefulSets in the cache's spread lister (sched/spread_lister.h,
 * filled by the host) that select the pod, unless the host passes its own
 * function in the args. ServiceAntiAffinity (a policy-file priority) takes
 * the Services of the lister that select the pod, unless the host passes
 * its own function, and uses the first: v1.7 took services[0] of an
 * informer's list, in map order; the lister walks Services in name order,
 * so "first" is the selecting Service whose name sorts first. A pod no
 * Service selects scores 10 on every labeled node (v1.7), and a pod
 * nothing selects scores 10 everywhere in SelectorSpread.
 *
 * Per-cycle data (selectors, scored slots, domain counts) lives in the
 * plugin's cycle slot and its arrays are reused across cycles. Zones and
 * label values are borrowed pointers into node labels, valid for the cycle.
 */
#include "sched/plugins/legacy_priorities.h"
#include <math.h>
#include "sched/cache.h"
#include "sched/pod.h"
#include "sched/spread_lister.h"

/* ---- shared: v1.7 non-zero requests ---------------------------------------------- */

/* v1.7 getNonZeroRequests: app containers only; a missing cpu/memory entry
 * counts as the default (an explicit 0 stays 0). */
static void legacy_nonzero_requests(const KsPod *pod, gint64 *cpu, gint64 *mem) {
  *cpu = *mem = 0;
  for (guint i = 0; pod->containers && i < pod->containers->len; i++) {
    const KsResourceList *r = &g_array_index(pod->containers, KsContainer, i).requests;
    *cpu += (r->present & KS_RESOURCE_HAS_CPU) ? r->milli_cpu : KS_DEFAULT_MILLI_CPU_REQUEST;
    *mem += (r->present & KS_RESOURCE_HAS_MEMORY) ? r->memory : KS_DEFAULT_MEMORY_REQUEST;
  }
}

/* ---- LeastRequestedPriority -------------------------------------------------------------- */

static gint64 least_requested_score(gint64 requested, gint64 capacity) {
  if (capacity == 0 || requested > capacity)
    return 0;
  return (capacity - requested) * KS_LEGACY_MAX_PRIORITY / capacity;
}

static void least_requested_score_fn(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                     const KsSchedCache *c, guint slot, gint64 *score,
                                     KsSchedStatus *st) {
  gint64 cpu, mem;
  legacy_nonzero_requests(pod, &cpu, &mem);
  *score = (least_requested_score(cpu + c->nz_cpu[slot], c->alloc_cpu[slot]) +
            least_requested_score(mem + c->nz_mem[slot], c->alloc_mem[slot])) /
           2;
}

const KsSchedPluginDesc ks_sched_plugin_legacy_least_requested = {
    .name = "LeastRequestedPriority",
    .score = least_requested_score_fn,
};

/* ---- BalancedResourceAllocation ------------------------------------------------------------ */

static double fraction_of_capacity(gint64 requested, gint64 capacity) {
  return capacity == 0 ? 1.0 : (double)requested / (double)capacity;
}

static void balanced_score_fn(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                              const KsSchedCache *c, guint slot, gint64 *score,
                              KsSchedStatus *st) {
  gint64 cpu, mem;
  legacy_nonzero_requests(pod, &cpu, &mem);
  double fc = fraction_of_capacity(cpu + c->nz_cpu[slot], c->alloc_cpu[slot]);
  double fm = fraction_of_capacity(mem + c->nz_mem[slot], c->alloc_mem[slot]);
  if (fc >= 1 || fm >= 1)
    *score = 0; /* a node requested to capacity is never preferred */
  else
    *score = (gint64)(KS_LEGACY_MAX_PRIORITY - fabs(fc - fm) * KS_LEGACY_MAX_PRIORITY);
}

const KsSchedPluginDesc ks_sched_plugin_legacy_balanced_resource_allocation = {
    .name = "BalancedResourceAllocation",
    .score = balanced_score_fn,
};

/* ---- ImageLocalityPriority ----------------------------------------------------------------- */

static gint64 node_image_size(const KsNode *n, const char *image) {
  for (guint i = 0; image && n->images && i < n->images->len; i++) {
    const KsContainerImage *im = &g_array_index(n->images, KsContainerImage, i);
    for (char **name = im->names; name && *name; name++)
      if (strcmp(*name, image) == 0)
        return im->size_bytes;
  }
  return 0;
}

static gint64 image_score_from_size(gint64 sum) {
  if (sum < KS_LEGACY_MIN_IMAGE_SIZE)
    return 0;
  if (sum >= KS_LEGACY_MAX_IMAGE_SIZE)
    return KS_LEGACY_MAX_PRIORITY;
  return KS_LEGACY_MAX_PRIORITY * (sum - KS_LEGACY_MIN_IMAGE_SIZE) /
             (KS_LEGACY_MAX_IMAGE_SIZE - KS_LEGACY_MIN_IMAGE_SIZE) +
         1;
}

static void image_locality_score_fn(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                    const KsSchedCache *c, guint slot, gint64 *score,
                                    KsSchedStatus *st) {
  gint64 sum = 0;
  for (guint i = 0; pod->containers && i < pod->containers->len; i++)
    sum += node_image_size(c->nodes[slot], g_array_index(pod->containers, KsContainer, i).image);
  *score = image_score_from_size(sum);
}

const KsSchedPluginDesc ks_sched_plugin_legacy_image_locality = {
    .name = "ImageLocalityPriority",
    .score = image_locality_score_fn,
};

/* ---- NodeAffinityPriority ------------------------------------------------------------------ */

static void node_affinity_score_fn(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                   const KsSchedCache *c, guint slot, gint64 *score,
                                   KsSchedStatus *st) {
  *score = 0;
  const KsNodeAffinity *na = pod->affinity ? pod->affinity->node_affinity : NULL;
  if (!na || !na->preferred)
    return;
  const KsNode *n = c->nodes[slot];
  for (guint i = 0; i < na->preferred->len; i++) {
    const KsPreferredSchedulingTerm *t = &g_array_index(na->preferred, KsPreferredSchedulingTerm, i);
    /* v1.7 skipped weight-0 terms; a term without expressions matches nothing */
    if (t->weight != 0 && ks_node_selector_term_matches(&t->preference, &n->labels, n->name))
      *score += t->weight;
  }
}

static void node_affinity_normalize(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                    gint64 *scores, guint n, KsSchedStatus *st) {
  gint64 max = 0;
  for (guint i = 0; i < n; i++)
    max = MAX(max, scores[i]);
  if (max == 0)
    return;
  for (guint i = 0; i < n; i++)
    scores[i] = (gint64)(KS_LEGACY_MAX_PRIORITY * ((double)scores[i] / (double)max));
}

const KsSchedPluginDesc ks_sched_plugin_legacy_node_affinity = {
    .name = "NodeAffinityPriority",
    .score = node_affinity_score_fn,
    .normalize_score = node_affinity_normalize,
};

/* ---- TaintTolerationPriority ---------------------------------------------------------------- */

/* Map: the node's PreferNoSchedule taints the pod does not tolerate (only
 * tolerations with an empty or PreferNoSchedule effect can tolerate them). */
static void taint_toleration_score_fn(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                      const KsSchedCache *c, guint slot, gint64 *score,
                                      KsSchedStatus *st) {
  const GArray *taints = c->nodes[slot]->taints;
  const KsToleration *tols = pod->tolerations ? (const KsToleration *)pod->tolerations->data : NULL;
  guint n_tols = pod->tolerations ? pod->tolerations->len : 0;
  *score = 0;
  for (guint i = 0; taints && i < taints->len; i++) {
    const KsTaint *t = &g_array_index(taints, KsTaint, i);
    if (t->effect == KS_TAINT_EFFECT_PREFER_NO_SCHEDULE && !ks_tolerations_tolerate(tols, n_tols, t))
      (*score)++;
  }
}

/* Reduce: int((1 - count/maxCount) * 10), 10 for all when maxCount is 0. */
static void taint_toleration_normalize(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                       gint64 *scores, guint n, KsSchedStatus *st) {
  gint64 max = 0;
  for (guint i = 0; i < n; i++)
    max = MAX(max, scores[i]);
  for (guint i = 0; i < n; i++) {
    double f = KS_LEGACY_MAX_PRIORITY;
    if (max > 0)
      f = (1.0 - (double)scores[i] / (double)max) * KS_LEGACY_MAX_PRIORITY;
    scores[i] = (gint64)f;
  }
}

const KsSchedPluginDesc ks_sched_plugin_legacy_taint_toleration = {
    .name = "TaintTolerationPriority",
    .score = taint_toleration_score_fn,
    .normalize_score = taint_toleration_normalize,
};

/* ---- spreading: shared per-cycle state ------------------------------------------------------ */

/* A spreading domain: a zone (region + zone label values) or a label value. */
typedef struct {
  const char *a, *b; /* borrowed; b unused for label values */
  gint64 count;
} Domain;

typedef struct {
  const KsLabelSelector *const *sel; /* borrowed from the host for the cycle */
  guint n_sel;
  GPtrArray *lister_sel; /* SelectorSpread without a host function: borrowed from the cache's
                            spread lister */
  GArray *zone_of; /* gint per scored node, in PreScore order: domain index, -1 = no zone */
  GArray *domains; /* Domain */
  gint64 total;    /* ServiceAntiAffinity: service pods in the cluster */
} SpreadState;

static void spread_state_free(gpointer d) {
  SpreadState *s = d;
  g_array_unref(s->zone_of);
  g_array_unref(s->domains);
  g_ptr_array_unref(s->lister_sel);
  g_free(s);
}

static SpreadState *spread_state(KsSchedCycleState *cs, guint index) {
  SpreadState *s = cs->data[index];
  if (!s) {
    s = g_new0(SpreadState, 1);
    s->zone_of = g_array_new(FALSE, FALSE, sizeof(gint));
    s->domains = g_array_new(FALSE, FALSE, sizeof(Domain));
    s->lister_sel = g_ptr_array_new();
    cs->data[index] = s;
  }
  g_array_set_size(s->zone_of, 0);
  g_array_set_size(s->domains, 0);
  s->sel = NULL;
  s->n_sel = 0;
  s->total = 0;
  return s;
}

/* Index of the domain (a, b), added with count 0 when new. Linear: a
 * cluster has few zones and few values of a spreading label. */
static gint domain_index(GArray *domains, const char *a, const char *b) {
  for (guint i = 0; i < domains->len; i++) {
    const Domain *d = &g_array_index(domains, Domain, i);
    if (strcmp(d->a, a) == 0 && strcmp(d->b, b) == 0)
      return (gint)i;
  }
  Domain d = {a, b, 0};
  g_array_append_val(domains, d);
  return (gint)domains->len - 1;
}

/* Pods of the node in `ns` matched by any of the selectors. */
static gint64 count_matching_pods(const KsSchedCache *c, guint slot, const char *ns,
                                  const KsLabelSelector *const *sel, guint n_sel) {
  gint64 count = 0;
  const GPtrArray *pods = c->pods[slot];
  for (guint i = 0; pods && i < pods->len; i++) {
    const KsPod *other = ((const KsSchedPodEntry *)pods->pdata[i])->pod;
    if (g_strcmp0(other->namespace, ns) != 0)
      continue;
    for (guint k = 0; k < n_sel; k++) {
      if (ks_label_selector_matches(sel[k], &other->labels)) {
        count++;
        break;
      }
    }
  }
  return count;
}

/* ---- SelectorSpreadPriority ------------------------------------------------------------------- */

/* v1.7 zoneWeighting: zone spreading counts twice as much as node spreading.
 * Go folds the untyped constant 1.0 - 2.0/3.0 exactly before rounding it to
 * float64, so the node weight is the double nearest 1/3, not 1.0 minus the
 * double nearest 2/3 (they differ in the last bit, which moves int() cuts). */
#define LEGACY_ZONE_WEIGHTING (2.0 / 3.0)
#define LEGACY_NODE_WEIGHTING (1.0 / 3.0)

static gpointer selector_spread_create(gconstpointer args, GError **error) {
  KsSchedLegacySelectorSpreadArgs *a = g_new0(KsSchedLegacySelectorSpreadArgs, 1);
  if (args)
    *a = *(const KsSchedLegacySelectorSpreadArgs *)args;
  return a; /* transfer full */
}

/* upstream utilnode.GetZoneKey's parts, with ksim's label fallback (cache.c:
 * topology.kubernetes.io labels first, then the failure-domain.beta labels v1.7
 * read). FALSE when the node has neither a region nor a zone. */
static gboolean node_zone(const KsNode *n, const char **region, const char **zone) {
  *region = ks_labels_get(&n->labels, "topology.kubernetes.io/region");
  if (!*region)
    *region = ks_labels_get(&n->labels, "failure-domain.beta.kubernetes.io/region");
  *zone = ks_labels_get(&n->labels, "topology.kubernetes.io/zone");
  if (!*zone)
    *zone = ks_labels_get(&n->labels, "failure-domain.beta.kubernetes.io/zone");
  if (!*region)
    *region = "";
  if (!*zone)
    *zone = "";
  return **region || **zone;
}

/* Records each scored node's zone: NormalizeScore (v1.7's Reduce) needs it
 * and gets no cache. */
static void selector_spread_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                      const KsSchedCache *c, const guint *slots, guint n,
                                      KsSchedStatus *st) {
  const KsSchedLegacySelectorSpreadArgs *a = p->self;
  SpreadState *s = spread_state(cs, p->index);
  if (a->selectors) {
    s->n_sel = a->selectors(pod, &s->sel, a->user_data);
  } else if (c->spread) {
    g_ptr_array_set_size(s->lister_sel, 0);
    s->n_sel = ks_sched_spread_lister_pod_selectors(c->spread, pod, s->lister_sel);
    s->sel = (const KsLabelSelector *const *)s->lister_sel->pdata;
  }
  for (guint k = 0; k < n; k++) {
    const char *region, *zone;
    gint idx = node_zone(c->nodes[slots[k]], &region, &zone) ? domain_index(s->domains, region, zone)
                                                              : -1;
    g_array_append_val(s->zone_of, idx);
  }
}

static void selector_spread_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                  const KsSchedCache *c, guint slot, gint64 *score,
                                  KsSchedStatus *st) {
  const SpreadState *s = cs->data[p->index];
  *score = s->n_sel ? count_matching_pods(c, slot, pod->namespace, s->sel, s->n_sel) : 0;
}

static gint64 zone_totals(SpreadState *s, const gint64 *scores, guint n) {
  gint64 max_zone = 0;
  for (guint i = 0; i < s->domains->len; i++)
    g_array_index(s->domains, Domain, i).count = 0;
  for (guint k = 0; k < n; k++) {
    gint idx = g_array_index(s->zone_of, gint, k);
    if (idx >= 0)
      g_array_index(s->domains, Domain, idx).count += scores[k];
  }
  for (guint i = 0; i < s->domains->len; i++)
    max_zone = MAX(max_zone, g_array_index(s->domains, Domain, i).count);
  return max_zone;
}

static void selector_spread_normalize(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                      gint64 *scores, guint n, KsSchedStatus *st) {
  SpreadState *s = cs->data[p->index];
  if (!s || s->zone_of->len != n) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "SelectorSpreadPriority: PreScore did not run");
    return;
  }
  gint64 max_node = 0;
  for (guint k = 0; k < n; k++)
    max_node = MAX(max_node, scores[k]);
  gint64 max_zone = zone_totals(s, scores, n);
  gboolean have_zones = s->domains->len > 0;
  for (guint k = 0; k < n; k++) {
    double f = KS_LEGACY_MAX_PRIORITY;
    if (max_node > 0)
      f = KS_LEGACY_MAX_PRIORITY * ((double)(max_node - scores[k]) / (double)max_node);
    gint idx = g_array_index(s->zone_of, gint, k);
    if (have_zones && idx >= 0) {
      double zs = KS_LEGACY_MAX_PRIORITY;
      gint64 zc = g_array_index(s->domains, Domain, idx).count;
      if (max_zone > 0)
        zs = KS_LEGACY_MAX_PRIORITY * ((double)(max_zone - zc) / (double)max_zone);
      f = f * LEGACY_NODE_WEIGHTING + LEGACY_ZONE_WEIGHTING * zs;
    }
    scores[k] = (gint64)f;
  }
}

const KsSchedPluginDesc ks_sched_plugin_legacy_selector_spread = {
    .name = "SelectorSpreadPriority",
    .create = selector_spread_create,
    .destroy = g_free,
    .cycle_data_free = spread_state_free,
    .pre_score = selector_spread_pre_score,
    .score = selector_spread_score,
    .normalize_score = selector_spread_normalize,
};

/* ---- CalculateAntiAffinityPriority (ServiceAntiAffinity) -------------------------------------------- */

typedef struct {
  char *label;
  KsSchedLegacySelectorsFunc services;
  gpointer user_data;
} ServiceAntiAffinity;

static void service_anti_affinity_destroy(gpointer self) {
  ServiceAntiAffinity *s = self;
  g_free(s->label);
  g_free(s);
}

static gpointer service_anti_affinity_create(gconstpointer args, GError **error) {
  const KsSchedLegacyServiceAntiAffinityArgs *a = args;
  if (!a || !a->label || !*a->label) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "CalculateAntiAffinityPriority: args.label is required");
    return NULL;
  }
  ServiceAntiAffinity *s = g_new0(ServiceAntiAffinity, 1);
  s->label = g_strdup(a->label);
  s->services = a->services;
  s->user_data = a->user_data;
  return s; /* transfer full */
}

/* Service pods of the pod's namespace on every node the cache knows
 * (v1.7 listed them cluster-wide). */
static gint64 count_service_pods(const KsSchedCache *c, const KsPod *pod,
                                 const KsLabelSelector *sel) {
  gint64 total = 0;
  for (guint slot = 0; slot < c->cap; slot++)
    if (c->pods[slot])
      total += count_matching_pods(c, slot, pod->namespace, &sel, 1);
  return total;
}

static void service_anti_affinity_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs,
                                            const KsPod *pod, const KsSchedCache *c,
                                            const guint *slots, guint n, KsSchedStatus *st) {
  const ServiceAntiAffinity *a = p->self;
  SpreadState *s = spread_state(cs, p->index);
  if (a->services) {
    s->n_sel = a->services(pod, &s->sel, a->user_data);
  } else if (c->spread) { /* v1.7 GetPodServices, first by name (spread_lister.c) */
    g_ptr_array_set_size(s->lister_sel, 0);
    s->n_sel = ks_sched_spread_lister_pod_services(c->spread, pod, s->lister_sel);
    s->sel = (const KsLabelSelector *const *)s->lister_sel->pdata;
  }
  if (s->n_sel > 0)
    s->total = count_service_pods(c, pod, s->sel[0]); /* only the first service, as v1.7 */
  for (guint k = 0; k < n; k++) {
    const char *value = ks_labels_get(&c->nodes[slots[k]]->labels, a->label);
    if (!value)
      continue;
    gint idx = domain_index(s->domains, value, ""); /* may grow the array: index after */
    if (s->n_sel > 0)
      g_array_index(s->domains, Domain, idx).count += count_matching_pods(c, slots[k], pod->namespace, s->sel, 1);
  }
}

static void service_anti_affinity_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                        const KsSchedCache *c, guint slot, gint64 *score,
                                        KsSchedStatus *st) {
  const ServiceAntiAffinity *a = p->self;
  SpreadState *s = cs->data[p->index];
  const char *value = ks_labels_get(&c->nodes[slot]->labels, a->label);
  *score = 0; /* unlabeled nodes are never preferred */
  if (!value)
    return;
  double f = KS_LEGACY_MAX_PRIORITY;
  if (s->total > 0) {
    gint idx = domain_index(s->domains, value, ""); /* found: PreScore added every value */
    gint64 count = g_array_index(s->domains, Domain, idx).count;
    f = KS_LEGACY_MAX_PRIORITY * ((double)(s->total - count) / (double)s->total);
  }
  *score = (gint64)f;
}

const KsSchedPluginDesc ks_sched_plugin_legacy_service_anti_affinity = {
    .name = "CalculateAntiAffinityPriority",
    .create = service_anti_affinity_create,
    .destroy = service_anti_affinity_destroy,
    .cycle_data_free = spread_state_free,
    .pre_score = service_anti_affinity_pre_score,
    .score = service_anti_affinity_score,
};
