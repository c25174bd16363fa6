/* Shared preemption machinery: the FitError message and exact node
 * save/restore (see preemption.h).
 *
 * Design and trade-offs.
 * - Upstream dry-runs preemption on a copy of each NodeInfo. Our snapshot is
 *   the cache itself, so a dry run edits the cache in place (removing and
 *   re-adding pods through the cache's API, which keeps every sum exact) and
 *   then restores the node: every pod now on it is removed from the end
 *   (no swaps), and the saved pods are re-added in their saved order, as
 *   assumed where they were. The result equals the saved state entry for
 *   entry; only cache->generation moves on (it counts changes, and a plugin
 *   that keys memo data on it merely recomputes). Cost: O(pods on the node)
 *   per candidate node, the same order as upstream's NodeInfo copy.
 * - Scalar resources stay in the node's requested list at 0 after a
 *   removal (resources.c never drops a key), so key order survives too.
 * - PreFilterExtensions: upstream clones the CycleState per candidate node
 *   and lets AddPod/RemovePod edit the clone. KsSchedCycleState has no
 *   clone hook (framework.h is frozen), so dry runs edit the one state and
 *   undo every RemovePod with an AddPod of the same pod on the same node
 *   before leaving the node (default_preemption.c). The built-in hooks
 *   keep exact integer counts, and PodTopologySpread resets its critical
 *   paths once its counts are back to PreFilter's, so the undo restores the
 *   state exactly. A plugin whose AddPod does not invert its RemovePod would
 *   leak its dry-run edits into the next node's evaluation.
 */
#include "sched/preemption.h"

#include <stddef.h>
#include <string.h>

static gint cmp_str(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char *ks_sched_fit_error_message(guint n_all, const KsSchedStatus *pre_filter,
                                 const KsSchedStatus *status, const guint *slots, guint n) {
  GString *m = g_string_new(NULL);
  g_string_printf(m, "0/%u nodes are available:", n_all);
  if (pre_filter && pre_filter->code != KS_SCHED_SUCCESS) {
    char *msg = ks_sched_status_message(pre_filter);
    g_string_append_printf(m, " %s.", msg);
    g_free(msg);
    return g_string_free(m, FALSE);
  }
  /* Reasons are static or interned strings, so counting by pointer is exact
   * and cheap (this runs over every node for every unschedulable pod): a
   * short array of (pointer, count), searched from the last hit since
   * neighbouring nodes mostly fail alike; the few distinct pointers are then
   * merged by text. */
  typedef struct {
    const char *reason;
    guint count;
  } Tally;
  GArray *hist = g_array_sized_new(FALSE, FALSE, sizeof(Tally), 8);
  guint last = 0;
  for (guint i = 0; i < n; i++) {
    const KsSchedStatus *st = &status[slots[i]];
    for (guint r = 0; r < st->n_reasons; r++) {
      const char *reason = st->reasons[r];
      guint len = hist->len, j = 0;
      while (j < len && g_array_index(hist, Tally, (last + j) % len).reason != reason)
        j++;
      if (j < len) {
        last = (last + j) % len;
        g_array_index(hist, Tally, last).count++;
      } else {
        Tally t = {reason, 1};
        g_array_append_val(hist, t);
        last = hist->len - 1;
      }
    }
  }
  /* Merge equal texts behind different pointers (a handful: quadratic is
   * cheapest), then one "count reason" line per text. */
  GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < hist->len; i++) {
    Tally *t = &g_array_index(hist, Tally, i);
    if (!t->count)
      continue;
    for (guint j = i + 1; j < hist->len; j++) {
      Tally *u = &g_array_index(hist, Tally, j);
      if (u->count && !strcmp(u->reason, t->reason)) {
        t->count += u->count;
        u->count = 0;
      }
    }
    g_ptr_array_add(lines, g_strdup_printf("%u %s", t->count, t->reason));
  }
  g_ptr_array_sort(lines, cmp_str); /* upstream sorts the "count reason" strings */
  for (guint i = 0; i < lines->len; i++) {
    g_string_append(m, i ? ", " : " ");
    g_string_append(m, g_ptr_array_index(lines, i));
  }
  if (lines->len)
    g_string_append_c(m, '.');
  g_ptr_array_free(lines, TRUE);
  g_array_free(hist, TRUE);
  return g_string_free(m, FALSE);
}

void ks_sched_node_save_init(KsSchedNodeSave *sv) {
  sv->slot = 0;
  sv->pods = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  sv->assumed = g_array_new(FALSE, FALSE, sizeof(gboolean));
}

void ks_sched_node_save_clear(KsSchedNodeSave *sv) {
  if (sv->pods)
    g_ptr_array_free(sv->pods, TRUE);
  if (sv->assumed)
    g_array_free(sv->assumed, TRUE);
  sv->pods = NULL;
  sv->assumed = NULL;
}

void ks_sched_node_save(KsSchedNodeSave *sv, const KsSchedCache *c, guint slot) {
  GPtrArray *on = c->pods[slot];
  sv->slot = slot;
  g_ptr_array_set_size(sv->pods, 0);
  g_array_set_size(sv->assumed, 0);
  for (guint i = 0; i < on->len; i++) {
    const KsSchedPodEntry *e = g_ptr_array_index(on, i);
    g_ptr_array_add(sv->pods, ks_pod_ref(e->pod));
    g_array_append_val(sv->assumed, e->assumed);
  }
}

void ks_sched_node_restore(KsSchedNodeSave *sv, KsSchedCache *c) {
  GPtrArray *on = c->pods[sv->slot];
  while (on->len > 0) {
    const KsSchedPodEntry *e = g_ptr_array_index(on, on->len - 1);
    ks_sched_cache_remove_pod(c, e->pod);
  }
  const char *node = c->nodes[sv->slot]->name;
  for (guint i = 0; i < sv->pods->len; i++) {
    KsPod *p = g_ptr_array_index(sv->pods, i);
    if (g_array_index(sv->assumed, gboolean, i))
      ks_sched_cache_assume_pod(c, p, sv->slot);
    else
      ks_sched_cache_add_pod(c, p, node);
  }
}

/* ---- PreFilterExtensions ---------------------------------------------------------------- */

static gboolean run_extension(const KsSchedFramework *fw, KsSchedCycleState *cs, const KsPod *pod,
                              const KsPod *other, const KsSchedCache *c, guint slot,
                              gboolean add, KsSchedStatus *st) {
  for (guint k = 0; k < fw->n_ep[KS_SCHED_EP_PRE_FILTER]; k++) {
    const KsSchedPlugin *p = &fw->plugins[fw->ep[KS_SCHED_EP_PRE_FILTER][k]];
    if (cs->skip_filter & (G_GUINT64_CONSTANT(1) << p->index))
      continue;
    void (*hook)(KsSchedPlugin *, KsSchedCycleState *, const KsPod *, const KsPod *,
                 const KsSchedCache *, guint, KsSchedStatus *) =
        add ? p->desc->add_pod : p->desc->remove_pod;
    if (!hook)
      continue;
    ks_sched_status_reset(st);
    hook((KsSchedPlugin *)p, cs, pod, other, c, slot, st);
    if (!ks_sched_status_ok(st)) {
      st->plugin = p->desc->name;
      st->plugin_index = (gint)p->index;
      return FALSE;
    }
  }
  ks_sched_status_reset(st);
  return TRUE;
}

gboolean ks_sched_run_add_pod_status(const KsSchedFramework *fw, KsSchedCycleState *cs,
                                     const KsPod *pod, const KsPod *other,
                                     const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  return run_extension(fw, cs, pod, other, c, slot, TRUE, st);
}

gboolean ks_sched_run_remove_pod_status(const KsSchedFramework *fw, KsSchedCycleState *cs,
                                        const KsPod *pod, const KsPod *other,
                                        const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  return run_extension(fw, cs, pod, other, c, slot, FALSE, st);
}

void ks_sched_run_add_pod(const KsSchedFramework *fw, KsSchedCycleState *cs, const KsPod *pod,
                          const KsPod *other, const KsSchedCache *c, guint slot) {
  KsSchedStatus st;
  run_extension(fw, cs, pod, other, c, slot, TRUE, &st);
}

void ks_sched_run_remove_pod(const KsSchedFramework *fw, KsSchedCycleState *cs, const KsPod *pod,
                             const KsPod *other, const KsSchedCache *c, guint slot) {
  KsSchedStatus st;
  run_extension(fw, cs, pod, other, c, slot, FALSE, &st);
}

/* container_of: plugins[] is an array member of KsSchedFramework and p is
 * its element p->index. */
const KsSchedFramework *ks_sched_plugin_framework(const KsSchedPlugin *p) {
  const KsSchedPlugin *first = p - p->index;
  return (const KsSchedFramework *)(const void *)((const char *)first -
                                                  offsetof(KsSchedFramework, plugins));
}
