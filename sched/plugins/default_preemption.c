/* DefaultPreemption: the PostFilter plugin and the preemption evaluator
 * (upstream v1.31 pkg/scheduler/framework/plugins/defaultpreemption and
 * framework/preemption, kube-semantics 3.14).
 *
 * When a pod fits no node, find nodes where removing lower-priority pods
 * would let it fit, choose one, and hand the victims to the host to delete;
 * the pod is nominated to that node and retried later.
 *
 * Design and trade-offs.
 * - The scheduler attaches a KsSchedPreemptionHost (sched/preemption.h):
 *   a writable cache, RunFilterPluginsWithNominatedPods, the nominator,
 *   start times and the "sched/preemption" random stream. The plugin writes
 *   the victims into the host; the scheduler does the rest of
 *   prepareCandidate (clearing lower-priority nominations) and reports to
 *   the host.
 * - Dry runs edit the cache in place and restore the node exactly
 *   (ks_sched_node_save/restore) instead of copying a NodeInfo.
 * - Sequential dry run from a random offset (ks_rng_below(#potential)),
 *   stopping as soon as a non-violating candidate exists and the candidate
 *   count reaches numCandidates, as upstream with parallelism 1.
 * - PodDisruptionBudgets come from the host (host->pdbs, the scheduler's
 *   ks_sched_set_pdb). As upstream filterPodsWithPDBViolation: potential
 *   victims, most important first, spend a copy of each covering PDB's
 *   disruptionsAllowed (pods in its status.disruptedPods spend nothing); a
 *   pod that drives some PDB below zero is violating. Violating pods are
 *   reprieved first, and those that stay victims are the candidate's
 *   numPDBViolations, pickOneNode's first criterion. Candidates are listed
 *   non-violating first, then violating, each in dry-run order, and the
 *   dry run stops only once a non-violating candidate exists. As
 *   upstream's candidateList, each of the two lists holds at most
 *   numCandidates: later violating candidates are dropped.
 * - Ties upstream leaves to Go's unstable sort and map order are broken
 *   deterministically: victims of equal priority and start time keep the
 *   node's pod order (stable sort), and among equally good nodes the first
 *   in dry-run order wins.
 * - PreFilterExtensions: each pod the dry run removes from or re-adds to
 *   the node goes through the profile's RemovePod/AddPod hooks
 *   (ks_sched_run_remove_pod/add_pod), as upstream's SelectVictimsOnNode.
 *   Upstream does this on a per-node clone of the CycleState; we edit the
 *   cycle's state and, before leaving the node, AddPod every pod still
 *   removed, which restores it exactly (preemption.c). The profile is found
 *   from the plugin instance (ks_sched_plugin_framework), so the scheduler
 *   need not pass it.
 * - Per-call buffers (statuses, candidate lists, node save) live in the
 *   plugin instance and are reused; only the preemption path allocates
 *   (messages, cache entries re-added during dry runs).
 */
#include "sched/plugins/default_preemption.h"

#include "sched/cache.h"
#include "sched/pdb.h"

#include <string.h>

#define NOT_HELPFUL "Preemption is not helpful for scheduling"
#define NO_VICTIMS "No preemption victims found for incoming pod"

typedef struct {
  guint slot;
  guint first, n;         /* victims: cand_pods[first .. first+n) */
  gint64 pdb_violations;  /* victims that violate a PDB (numPDBViolations) */
} Candidate;

typedef struct {
  KsSchedDefaultPreemptionArgs args;
  KsSchedPreemptionHost *host;
  KsSchedNodeSave save;
  guint cap;                 /* slots the per-slot buffers hold */
  KsSchedStatus *status;     /* per slot: why preemption cannot use the node */
  guint *listed;             /* slots with a status, in the order they got it */
  guint n_listed;
  guint *potential;
  /* Per slot: the PostFilter call (stamp) whose cycle failed the node in
   * Filter. Marking the failed slots once per call makes "the node's cycle
   * status" O(1); a scan of failed_slots per node made PostFilter
   * O(nodes x failed nodes), most of a fill run's time. */
  guint32 *failed_stamp;
  guint32 stamp;
  GArray *cands;             /* of Candidate, dry-run order */
  GPtrArray *cand_pods;      /* victims of all candidates (refs) */
  GPtrArray *work;           /* potential victims on one node (borrowed) */
  GPtrArray *victims;        /* victims on one node (borrowed) */
  GPtrArray *violating;      /* potential victims that violate a PDB (borrowed) */
  GArray *allowed;           /* gint32 per PDB: disruptionsAllowed left in one node's split */
  GArray *cand_tmp;          /* of Candidate: reordering scratch */
  guint n_violations;        /* of the node just evaluated */
  GPtrArray *out;            /* pods RemovePod took out of the PreFilter state (borrowed) */
  const KsSchedFramework *fw; /* the profile holding this instance */
  const KsPod *preemptor;    /* for the sort comparator */
  char *message;             /* the last PostFilter message: the status points at it, and
                                the scheduler copies it within the cycle */
} Self;

/* ---- construction ------------------------------------------------------------------ */

static gboolean check_args(const KsSchedDefaultPreemptionArgs *a, GError **error) {
  if (a->min_candidate_nodes_percentage < 0 || a->min_candidate_nodes_percentage > 100) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "minCandidateNodesPercentage: Invalid value: %d: not in valid range [0, 100]",
                a->min_candidate_nodes_percentage);
    return FALSE;
  }
  if (a->min_candidate_nodes_absolute < 0) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "minCandidateNodesAbsolute: Invalid value: %d: not in valid range [0, inf)",
                a->min_candidate_nodes_absolute);
    return FALSE;
  }
  if (a->min_candidate_nodes_percentage == 0 && a->min_candidate_nodes_absolute == 0) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "both minCandidateNodesPercentage and minCandidateNodesAbsolute cannot be zero");
    return FALSE;
  }
  return TRUE;
}

static gpointer dp_create(gconstpointer args, GError **error) {
  KsSchedDefaultPreemptionArgs a = {KS_SCHED_DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE,
                                    KS_SCHED_DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE};
  if (args)
    a = *(const KsSchedDefaultPreemptionArgs *)args;
  if (!check_args(&a, error))
    return NULL;
  Self *s = g_new0(Self, 1);
  s->args = a;
  ks_sched_node_save_init(&s->save);
  s->cands = g_array_new(FALSE, FALSE, sizeof(Candidate));
  s->cand_pods = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  s->work = g_ptr_array_new();
  s->victims = g_ptr_array_new();
  s->out = g_ptr_array_new();
  s->violating = g_ptr_array_new();
  s->allowed = g_array_new(FALSE, FALSE, sizeof(gint32));
  s->cand_tmp = g_array_new(FALSE, FALSE, sizeof(Candidate));
  return s;
}

static void dp_destroy(gpointer self) {
  Self *s = self;
  if (!s)
    return;
  ks_sched_node_save_clear(&s->save);
  g_free(s->message);
  g_free(s->status);
  g_free(s->listed);
  g_free(s->potential);
  g_free(s->failed_stamp);
  g_array_free(s->cands, TRUE);
  g_ptr_array_free(s->cand_pods, TRUE);
  g_ptr_array_free(s->work, TRUE);
  g_ptr_array_free(s->victims, TRUE);
  g_ptr_array_free(s->out, TRUE);
  g_ptr_array_free(s->violating, TRUE);
  g_array_free(s->allowed, TRUE);
  g_array_free(s->cand_tmp, TRUE);
  g_free(s);
}

void ks_sched_default_preemption_attach(KsSchedPlugin *p, KsSchedPreemptionHost *host) {
  ((Self *)p->self)->host = host;
}

gint32 ks_sched_default_preemption_num_candidates(const KsSchedPlugin *p, gint32 n) {
  const Self *s = p->self;
  gint32 k = (gint32)((gint64)n * s->args.min_candidate_nodes_percentage / 100);
  if (k < s->args.min_candidate_nodes_absolute)
    k = s->args.min_candidate_nodes_absolute;
  return k > n ? n : k;
}

guint ks_sched_default_preemption_n_candidates(const KsSchedPlugin *p) {
  return ((const Self *)p->self)->cands->len;
}

const char *ks_sched_default_preemption_candidate(const KsSchedPlugin *p, guint i,
                                                  KsPod *const **victims, guint *n_victims) {
  const Self *s = p->self;
  g_return_val_if_fail(i < s->cands->len, NULL);
  const Candidate *c = &g_array_index(s->cands, Candidate, i);
  if (victims)
    *victims = (KsPod *const *)&s->cand_pods->pdata[c->first];
  if (n_victims)
    *n_victims = c->n;
  return s->host->cache->nodes[c->slot]->name;
}

gint64 ks_sched_default_preemption_candidate_pdb_violations(const KsSchedPlugin *p, guint i) {
  const Self *s = p->self;
  g_return_val_if_fail(i < s->cands->len, 0);
  return g_array_index(s->cands, Candidate, i).pdb_violations;
}

static void ensure_buffers(Self *s, guint cap) {
  if (s->cap >= cap)
    return;
  s->status = g_renew(KsSchedStatus, s->status, cap);
  s->listed = g_renew(guint, s->listed, cap);
  s->potential = g_renew(guint, s->potential, cap);
  s->failed_stamp = g_renew(guint32, s->failed_stamp, cap);
  memset(s->failed_stamp + s->cap, 0, (cap - s->cap) * sizeof(guint32));
  s->cap = cap;
}

/* ---- node statuses of the failed cycle ---------------------------------------------- */

/* The Filter status the cycle recorded for `slot`, or NULL when the node has
 * none (upstream: absent from NodeToStatusMap). After a PreFilter rejection
 * every node carries that status, as upstream copies it to all nodes. */
static const KsSchedStatus *cycle_status(const Self *s, const KsSchedDiagnosis *d, guint slot) {
  if (d->pre_filter.code != KS_SCHED_SUCCESS)
    return &d->pre_filter;
  return slot < s->cap && s->failed_stamp[slot] == s->stamp ? &d->node_status[slot] : NULL;
}

/* Marks the cycle's failed slots with a new stamp (see Self.failed_stamp). */
static void mark_failed(Self *s, const KsSchedDiagnosis *d) {
  if (++s->stamp == 0) { /* wrapped: old marks could alias the new stamp */
    memset(s->failed_stamp, 0, s->cap * sizeof(guint32));
    s->stamp = 1;
  }
  for (guint i = 0; i < d->n_failed; i++)
    if (d->failed_slots[i] < s->cap)
      s->failed_stamp[d->failed_slots[i]] = s->stamp;
}

static void list_status(Self *s, guint slot, const KsSchedStatus *st) {
  s->status[slot] = *st;
  s->listed[s->n_listed++] = slot;
}

/* ---- eligibility ---------------------------------------------------------------------- */

static gint32 prio(const KsPod *p) { return p->priority; }

/* PodEligibleToPreemptOthers; NULL when eligible, else the reason. */
static const char *not_eligible(Self *s, const KsPod *pod, const KsSchedDiagnosis *d) {
  if (pod->preemption_policy == KS_PREEMPT_NEVER)
    return "not eligible due to preemptionPolicy=Never.";
  const char *nn = s->host->nominated_node(s->host, pod);
  if (!nn)
    return NULL;
  KsSchedCache *c = s->host->cache;
  gint slot = ks_sched_cache_node_slot(c, nn);
  if (slot < 0)
    return NULL;
  const KsSchedStatus *st = cycle_status(s, d, (guint)slot);
  if (st && st->code == KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE)
    return NULL; /* the nominated node cannot work: preempt again */
  GPtrArray *on = c->pods[slot];
  for (guint i = 0; i < on->len; i++) {
    const KsPod *p = ((const KsSchedPodEntry *)g_ptr_array_index(on, i))->pod;
    if (prio(p) < prio(pod) && s->host->terminating(s->host, p))
      return "not eligible due to a terminating pod on the nominated node.";
  }
  return NULL;
}

/* ---- SelectVictimsOnNode ---------------------------------------------------------------- */

/* util.MoreImportantPod: higher priority, then earlier start time. */
static gint more_important_first(gconstpointer a, gconstpointer b, gpointer data) {
  Self *s = data;
  const KsPod *x = *(const KsPod *const *)a, *y = *(const KsPod *const *)b;
  if (prio(x) != prio(y))
    return prio(x) > prio(y) ? -1 : 1;
  gint64 tx = s->host->start_time(s->host, x), ty = s->host->start_time(s->host, y);
  return tx < ty ? -1 : tx > ty ? 1 : 0;
}

/* The pods in s->out have been removed from the PreFilter state (through
 * RemovePod); ext_remove / ext_add move one pod out of / back into it. */
static gboolean ext_remove(Self *s, KsSchedCycleState *cs, const KsPod *pod, KsPod *v,
                           guint slot, KsSchedStatus *st) {
  if (!ks_sched_run_remove_pod_status(s->fw, cs, pod, v, s->host->cache, slot, st))
    return FALSE;
  g_ptr_array_add(s->out, v);
  return TRUE;
}

static gboolean ext_add(Self *s, KsSchedCycleState *cs, const KsPod *pod, KsPod *v, guint slot,
                        KsSchedStatus *st) {
  if (!ks_sched_run_add_pod_status(s->fw, cs, pod, v, s->host->cache, slot, st))
    return FALSE;
  g_ptr_array_remove_fast(s->out, v);
  return TRUE;
}

/* Leaves the node as it was: every pod still out of the PreFilter state is
 * added back (undoing upstream's per-node CycleState clone, see
 * preemption.c), then the cache's node is restored. */
static void restore_node(Self *s, KsSchedCycleState *cs, const KsPod *pod, guint slot) {
  KsSchedStatus ignored;
  for (guint i = 0; i < s->out->len; i++)
    ks_sched_run_add_pod_status(s->fw, cs, pod, g_ptr_array_index(s->out, i), s->host->cache,
                                slot, &ignored);
  g_ptr_array_set_size(s->out, 0);
  ks_sched_node_restore(&s->save, s->host->cache);
}

/* Removes every potential victim (cache and PreFilter state). */
static gboolean remove_all(Self *s, KsSchedCycleState *cs, const KsPod *pod, guint slot,
                           KsSchedStatus *st) {
  for (guint i = 0; i < s->work->len; i++) {
    KsPod *v = g_ptr_array_index(s->work, i);
    ks_sched_cache_remove_pod(s->host->cache, v);
    if (!ext_remove(s, cs, pod, v, slot, st))
      return FALSE;
  }
  return TRUE;
}

/* filterPodsWithPDBViolation: splits s->work (most important first) into
 * s->violating and the non-violating rest, kept in s->work, both in order. */
static void split_pdb_violation(Self *s) {
  const GPtrArray *pdbs = s->host->pdbs;
  guint n_pdb = pdbs ? pdbs->len : 0;
  g_ptr_array_set_size(s->violating, 0);
  if (n_pdb == 0)
    return;
  g_array_set_size(s->allowed, n_pdb);
  for (guint i = 0; i < n_pdb; i++)
    g_array_index(s->allowed, gint32, i) =
        ((const KsPodDisruptionBudget *)g_ptr_array_index(pdbs, i))->disruptions_allowed;
  guint kept = 0;
  for (guint k = 0; k < s->work->len; k++) {
    KsPod *p = g_ptr_array_index(s->work, k);
    gboolean violated = FALSE;
    for (guint i = 0; i < n_pdb; i++) {
      const KsPodDisruptionBudget *b = g_ptr_array_index(pdbs, i);
      if (!ks_pdb_covers(b, p) || ks_pdb_is_disrupted(b, p->name))
        continue; /* a pod whose eviction the API server processed spends nothing */
      if (--g_array_index(s->allowed, gint32, i) < 0)
        violated = TRUE;
    }
    if (violated)
      g_ptr_array_add(s->violating, p);
    else
      g_ptr_array_index(s->work, kept++) = p;
  }
  g_ptr_array_set_size(s->work, kept);
}

/* reprievePod: puts p back; when the pod no longer fits, p is a victim.
 * *victim tells which. */
static gboolean reprieve_one(Self *s, KsSchedCycleState *cs, const KsPod *pod, guint slot,
                             KsPod *p, gboolean *victim, KsSchedStatus *st) {
  KsSchedCache *c = s->host->cache;
  KsSchedStatus probe;
  ks_sched_cache_add_pod(c, p, c->nodes[slot]->name);
  if (!ext_add(s, cs, pod, p, slot, st))
    return FALSE;
  *victim = !s->host->run_filters(s->host, cs, pod, slot, &probe);
  if (*victim) {
    ks_sched_cache_remove_pod(c, p);
    if (!ext_remove(s, cs, pod, p, slot, st))
      return FALSE;
    g_ptr_array_add(s->victims, p);
  }
  return TRUE;
}

/* Reprieves the potential victims, most important first: PDB-violating
 * ones before the others; those that do not fit back become victims and
 * the violating ones among them are counted in s->n_violations. */
static gboolean reprieve(Self *s, KsSchedCycleState *cs, const KsPod *pod, guint slot,
                         KsSchedStatus *st) {
  gboolean victim = FALSE;
  g_ptr_array_sort_with_data(s->work, more_important_first, s);
  split_pdb_violation(s);
  for (guint i = 0; i < s->violating->len; i++) {
    if (!reprieve_one(s, cs, pod, slot, g_ptr_array_index(s->violating, i), &victim, st))
      return FALSE;
    s->n_violations += victim;
  }
  for (guint i = 0; i < s->work->len; i++)
    if (!reprieve_one(s, cs, pod, slot, g_ptr_array_index(s->work, i), &victim, st))
      return FALSE;
  /* keep victims most important first (a stable sort: equal pods keep their order) */
  if (s->violating->len && s->work->len)
    g_ptr_array_sort_with_data(s->victims, more_important_first, s);
  return TRUE;
}

/* SelectVictimsOnNode: fills s->victims (most important first). The node and
 * the PreFilter state are restored before returning whatever the outcome. */
static gboolean has_lower_priority_pod(const KsSchedCache *c, guint slot, gint32 priority) {
  if (!ks_sched_cache_has_pod_below(c, priority))
    return FALSE; /* nobody in the cluster: no node's pods to walk */
  const GPtrArray *on = c->pods[slot];
  for (guint i = 0; i < on->len; i++)
    if (prio(((const KsSchedPodEntry *)g_ptr_array_index(on, i))->pod) < priority)
      return TRUE;
  return FALSE;
}

static void select_victims(Self *s, KsSchedCycleState *cs, const KsPod *pod, guint slot,
                           KsSchedStatus *st) {
  KsSchedCache *c = s->host->cache;
  ks_sched_status_reset(st);
  g_ptr_array_set_size(s->work, 0);
  g_ptr_array_set_size(s->victims, 0);
  g_ptr_array_set_size(s->out, 0);
  s->n_violations = 0;
  /* Most nodes of a cluster without priorities hold no lower-priority pod:
   * answer those before paying for the node's snapshot. */
  if (!has_lower_priority_pod(c, slot, prio(pod))) {
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, NO_VICTIMS);
    return;
  }
  ks_sched_node_save(&s->save, c, slot); /* holds refs: the pointers below stay valid */
  for (guint i = 0; i < s->save.pods->len; i++) {
    KsPod *p = g_ptr_array_index(s->save.pods, i);
    if (prio(p) < prio(pod))
      g_ptr_array_add(s->work, p);
  }
  if (s->work->len == 0) {
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, NO_VICTIMS);
    return;
  }
  gboolean ok = remove_all(s, cs, pod, slot, st) && s->host->run_filters(s->host, cs, pod, slot, st);
  if (ok && reprieve(s, cs, pod, slot, st))
    ks_sched_status_reset(st);
  else if (st->code == KS_SCHED_SUCCESS)
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "preemption: dry run failed");
  restore_node(s, cs, pod, slot);
}

/* ---- DryRunPreemption ------------------------------------------------------------------- */

/* Upstream returns nonViolatingCandidates then violatingCandidates. */
static void order_candidates(Self *s) {
  g_array_set_size(s->cand_tmp, 0);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < s->cands->len; i++) {
      const Candidate *c = &g_array_index(s->cands, Candidate, i);
      if ((c->pdb_violations == 0) == (pass == 0))
        g_array_append_val(s->cand_tmp, *c);
    }
  GArray *t = s->cands;
  s->cands = s->cand_tmp;
  s->cand_tmp = t;
}

/* Returns TRUE when a dry-run error occurred (its status is listed). */
static gboolean dry_run(Self *s, KsSchedCycleState *cs, const KsPod *pod, guint n_pot,
                        guint offset, gint32 n_cand) {
  KsSchedCache *c = s->host->cache;
  gboolean error = FALSE;
  guint n_non_violating = 0, n_violating = 0;
  KsSchedStatus st;
  for (guint i = 0; i < n_pot; i++) {
    guint slot = s->potential[(offset + i) % n_pot];
    select_victims(s, cs, pod, slot, &st);
    if (ks_sched_status_ok(&st) && s->victims->len > 0) {
      /* upstream's two candidateLists hold numCandidates each: a violating
       * candidate past that is dropped (and the node gets no status) */
      guint *n_list = s->n_violations ? &n_violating : &n_non_violating;
      if ((gint32)*n_list < n_cand) {
        Candidate cand = {slot, s->cand_pods->len, s->victims->len, s->n_violations};
        for (guint k = 0; k < s->victims->len; k++)
          g_ptr_array_add(s->cand_pods, ks_pod_ref(g_ptr_array_index(s->victims, k)));
        g_array_append_val(s->cands, cand);
        (*n_list)++;
      }
      if (n_non_violating > 0 && (gint32)(n_non_violating + n_violating) >= n_cand)
        break;
      continue;
    }
    if (ks_sched_status_ok(&st)) {
      char *m = g_strdup_printf("expected at least one victim pod on node \"%s\"",
                                c->nodes[slot]->name);
      ks_sched_status_set(&st, KS_SCHED_ERROR_CODE, g_intern_string(m));
      g_free(m);
    }
    if (st.code == KS_SCHED_ERROR_CODE)
      error = TRUE;
    list_status(s, slot, &st);
  }
  order_candidates(s);
  return error;
}

/* ---- pickOneNodeForPreemption ----------------------------------------------------------- */

static gint64 earliest_top_start(Self *s, const Candidate *c) {
  KsPod **v = (KsPod **)&s->cand_pods->pdata[c->first];
  gint32 top = prio(v[0]);
  gint64 t = s->host->start_time(s->host, v[0]);
  for (guint i = 1; i < c->n; i++) {
    gint64 ti = s->host->start_time(s->host, v[i]);
    if (prio(v[i]) == top && ti < t)
      t = ti;
    else if (prio(v[i]) > top)
      top = prio(v[i]), t = ti;
  }
  return t;
}

/* Criterion k's score of a candidate (higher is better). */
static gint64 score(Self *s, const Candidate *c, guint k) {
  KsPod **v = (KsPod **)&s->cand_pods->pdata[c->first];
  gint64 sum = 0;
  switch (k) {
  case 0: return -c->pdb_violations;
  case 1: return -(gint64)prio(v[0]);
  case 2:
    for (guint i = 0; i < c->n; i++)
      sum += (gint64)prio(v[i]) + (gint64)G_MAXINT32 + 1;
    return -sum;
  case 3: return -(gint64)c->n;
  default: return earliest_top_start(s, c);
  }
}

/* Index in s->cands of the chosen candidate. */
static guint pick_one(Self *s) {
  guint n = s->cands->len;
  guint *keep = g_newa(guint, n);
  for (guint i = 0; i < n; i++)
    keep[i] = i;
  for (guint k = 0; k < 5 && n > 1; k++) {
    gint64 best = G_MININT64;
    guint m = 0;
    for (guint i = 0; i < n; i++) {
      gint64 v = score(s, &g_array_index(s->cands, Candidate, keep[i]), k);
      if (v > best)
        best = v, m = 0;
      if (v == best)
        keep[m++] = keep[i];
    }
    n = m;
  }
  return keep[0];
}

/* ---- PostFilter ---------------------------------------------------------------------------- */

/* Not interned: the message carries node counts, so interning every
 * distinct one would grow glib's never-freed string table with each
 * unschedulable pod of a long run. */
static void set_prefixed(Self *s, KsSchedStatus *st, KsSchedCode code, const char *msg) {
  char *m = g_strconcat("preemption: ", msg, NULL);
  g_free(s->message);
  s->message = m;
  ks_sched_status_set(st, code, m);
}

/* No candidate: "preemption: 0/N nodes are available: ..." and the pod's
 * nomination is cleared (a PostFilterResult with an empty node). */
static void no_candidate(Self *s, guint n_all, gint *nominated, KsSchedStatus *st) {
  char *m = ks_sched_fit_error_message(n_all, NULL, s->status, s->listed, s->n_listed);
  set_prefixed(s, st, KS_SCHED_UNSCHEDULABLE, m);
  g_free(m);
  *nominated = KS_SCHED_NOMINATE_CLEAR;
}

/* Potential nodes (status Unschedulable) into s->potential; the others get
 * "Preemption is not helpful for scheduling". Returns their number. */
static guint potential_nodes(Self *s, const KsSchedDiagnosis *d) {
  const KsSchedCache *c = s->host->cache;
  KsSchedStatus not_helpful;
  ks_sched_status_reset(&not_helpful);
  ks_sched_status_set(&not_helpful, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, NOT_HELPFUL);
  guint n = 0;
  for (guint i = 0; i < c->n_order; i++) {
    guint slot = c->order[i];
    const KsSchedStatus *st = cycle_status(s, d, slot);
    if (st && st->code == KS_SCHED_UNSCHEDULABLE)
      s->potential[n++] = slot;
    else
      list_status(s, slot, &not_helpful);
  }
  return n;
}

static void dp_post_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *cache, const KsSchedDiagnosis *d, gint *nominated,
                           KsSchedStatus *st) {
  Self *s = p->self;
  s->fw = ks_sched_plugin_framework(p);
  g_array_set_size(s->cands, 0);
  g_ptr_array_set_size(s->cand_pods, 0);
  if (!s->host || s->host->cache != cache) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "DefaultPreemption: no scheduler attached");
    return;
  }
  ensure_buffers(s, cache->cap);
  mark_failed(s, d);
  const char *why = not_eligible(s, pod, d);
  if (why) {
    set_prefixed(s, st, KS_SCHED_UNSCHEDULABLE, why);
    return;
  }
  s->n_listed = 0;
  guint n_all = cache->n_order;
  guint n_pot = potential_nodes(s, d);
  if (n_pot == 0)
    return no_candidate(s, n_all, nominated, st);
  guint offset = (guint)ks_rng_below(s->host->rng, n_pot);
  gint32 n_cand = ks_sched_default_preemption_num_candidates(p, (gint32)n_pot);
  gboolean error = dry_run(s, cs, pod, n_pot, offset, n_cand);
  if (s->cands->len == 0 && error) {
    /* upstream returns the aggregated dry-run errors as an Error status */
    for (guint i = 0; i < s->n_listed; i++) {
      const KsSchedStatus *e = &s->status[s->listed[i]];
      if (e->code == KS_SCHED_ERROR_CODE) {
        set_prefixed(s, st, KS_SCHED_ERROR_CODE, e->reasons[0]);
        return;
      }
    }
  }
  if (s->cands->len == 0)
    return no_candidate(s, n_all, nominated, st);
  guint best = s->cands->len == 1 ? 0 : pick_one(s);
  const Candidate *c = &g_array_index(s->cands, Candidate, best);
  for (guint i = 0; i < c->n; i++)
    g_ptr_array_add(s->host->victims, ks_pod_ref(g_ptr_array_index(s->cand_pods, c->first + i)));
  *nominated = (gint)c->slot;
  ks_sched_status_reset(st);
}

const KsSchedPluginDesc ks_sched_plugin_default_preemption = {
    .name = "DefaultPreemption",
    .create = dp_create,
    .destroy = dp_destroy,
    .post_filter = dp_post_filter,
};
