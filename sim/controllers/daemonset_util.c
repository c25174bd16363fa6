/* The pure parts of the DaemonSet controller: see daemonset_util.h. */
#include "sim/controllers/daemonset_util.h"

#include <string.h>

#include "sched/affinity.h"
#include "sched/selector.h"

static const char *str_or_empty(const char *s) {
  return s != NULL ? s : "";
}

/* upstream Toleration.MatchToleration: same key, operator, value, effect. */
static gboolean toleration_matches(const KsToleration *a, const KsToleration *b) {
  return strcmp(str_or_empty(a->key), str_or_empty(b->key)) == 0 && a->op == b->op &&
         strcmp(str_or_empty(a->value), str_or_empty(b->value)) == 0 && a->effect == b->effect;
}

static gboolean toleration_identical(const KsToleration *a, const KsToleration *b) {
  return toleration_matches(a, b) && a->has_toleration_seconds == b->has_toleration_seconds &&
         (!a->has_toleration_seconds || a->toleration_seconds == b->toleration_seconds);
}

gboolean ks_daemonset_add_or_update_toleration(KsPod *pod, const KsToleration *tol) {
  gboolean updated = FALSE;
  guint n = pod->tolerations ? pod->tolerations->len : 0;
  for (guint i = 0; i < n; i++) {
    KsToleration *t = &g_array_index(pod->tolerations, KsToleration, i);
    if (!toleration_matches(tol, t))
      continue;
    if (toleration_identical(tol, t))
      return FALSE;
    ks_toleration_clear(t);
    ks_toleration_copy(t, tol);
    updated = TRUE;
  }
  if (!updated)
    ks_toleration_copy(ks_pod_add_toleration(pod), tol);
  return TRUE;
}

static void add_exists(KsPod *pod, const char *key, KsTaintEffect effect) {
  KsToleration t = {.key = (char *)key, .op = KS_TOLERATION_OP_EXISTS, .effect = effect};
  ks_daemonset_add_or_update_toleration(pod, &t);
}

void ks_daemonset_add_daemon_tolerations(KsPod *pod) {
  /* Daemon pods survive taint-based eviction when their node goes not ready
   * or unreachable, and ignore the node-condition taints (upstream's
   * TaintNodesByCondition comment). */
  add_exists(pod, KS_TAINT_NODE_NOT_READY, KS_TAINT_EFFECT_NO_EXECUTE);
  add_exists(pod, KS_TAINT_NODE_UNREACHABLE, KS_TAINT_EFFECT_NO_EXECUTE);
  add_exists(pod, KS_TAINT_NODE_DISK_PRESSURE, KS_TAINT_EFFECT_NO_SCHEDULE);
  add_exists(pod, KS_TAINT_NODE_MEMORY_PRESSURE, KS_TAINT_EFFECT_NO_SCHEDULE);
  add_exists(pod, KS_TAINT_NODE_PID_PRESSURE, KS_TAINT_EFFECT_NO_SCHEDULE);
  add_exists(pod, KS_TAINT_NODE_UNSCHEDULABLE, KS_TAINT_EFFECT_NO_SCHEDULE);
  if (pod->host_network)
    add_exists(pod, KS_TAINT_NODE_NETWORK_UNAVAILABLE, KS_TAINT_EFFECT_NO_SCHEDULE);
}

KsPod *ks_daemonset_new_pod(const KsPod *template, const char *ds_namespace) {
  KsPod *pod = ks_pod_copy(template);
  g_free(pod->namespace);
  pod->namespace = g_strdup(ds_namespace);
  ks_daemonset_add_daemon_tolerations(pod);
  return pod;
}

/* upstream nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): every
 * nodeSelector pair, and the required node selector when set. */
static gboolean required_affinity_matches(const KsPod *pod, const KsNode *node) {
  for (guint i = 0; i < pod->node_selector.n; i++) {
    const KsLabel *l = &pod->node_selector.items[i];
    const char *v = ks_labels_get(&node->labels, l->key);
    if (v == NULL || strcmp(v, l->value) != 0)
      return FALSE;
  }
  const KsAffinity *a = pod->affinity;
  const KsNodeSelector *req = a && a->node_affinity ? a->node_affinity->required : NULL;
  return req == NULL || ks_node_selector_matches(req, &node->labels, node->name);
}

/* upstream v1helper.FindMatchingUntoleratedTaint: is there a taint with one
 * of the two effects that no toleration of pod tolerates? */
static gboolean has_untolerated_taint(const KsPod *pod, const KsNode *node, KsTaintEffect e1,
                                      KsTaintEffect e2) {
  guint n = node->taints ? node->taints->len : 0;
  const KsToleration *tols = pod->tolerations ? (const KsToleration *)(const void *)pod->tolerations->data : NULL;
  guint ntols = pod->tolerations ? pod->tolerations->len : 0;
  for (guint i = 0; i < n; i++) {
    const KsTaint *t = &g_array_index(node->taints, KsTaint, i);
    if (t->effect != e1 && t->effect != e2)
      continue;
    if (!ks_tolerations_tolerate(tols, ntols, t))
      return TRUE;
  }
  return FALSE;
}

void ks_daemonset_node_should_run(const KsPod *daemon_pod, const KsNode *node,
                                  gboolean *should_run, gboolean *should_continue_running) {
  gboolean run = FALSE, cont = FALSE;
  /* NewPod sets spec.nodeName to the node, so upstream's fitsNodeName is only
   * the template's own nodeName check. */
  const char *pinned = daemon_pod->node_name;
  if ((pinned == NULL || pinned[0] == '\0' || strcmp(pinned, node->name) == 0) &&
      required_affinity_matches(daemon_pod, node)) {
    if (!has_untolerated_taint(daemon_pod, node, KS_TAINT_EFFECT_NO_SCHEDULE,
                               KS_TAINT_EFFECT_NO_EXECUTE)) {
      run = cont = TRUE;
    } else {
      cont = !has_untolerated_taint(daemon_pod, node, KS_TAINT_EFFECT_NO_EXECUTE,
                                    KS_TAINT_EFFECT_NO_EXECUTE);
    }
  }
  if (should_run)
    *should_run = run;
  if (should_continue_running)
    *should_continue_running = cont;
}

void ks_daemonset_set_target_node(KsPod *pod, const char *node_name) {
  if (pod->affinity == NULL)
    pod->affinity = ks_affinity_new();
  if (pod->affinity->node_affinity == NULL)
    pod->affinity->node_affinity = ks_node_affinity_new();
  KsNodeAffinity *na = pod->affinity->node_affinity;
  ks_node_selector_free(na->required);
  na->required = ks_node_selector_new();
  const char *values[] = {node_name, NULL};
  ks_node_selector_term_add_field(ks_node_selector_add_term(na->required), "metadata.name",
                                  KS_SELECTOR_OP_IN, values);
}

const char *ks_daemonset_target_node(const KsPod *pod) {
  if (pod->node_name != NULL && pod->node_name[0] != '\0')
    return pod->node_name;
  const KsAffinity *a = pod->affinity;
  const KsNodeSelector *req = a && a->node_affinity ? a->node_affinity->required : NULL;
  if (req == NULL || req->terms == NULL)
    return NULL;
  for (guint i = 0; i < req->terms->len; i++) {
    const KsNodeSelectorTerm *term = &g_array_index(req->terms, KsNodeSelectorTerm, i);
    guint nf = term->match_fields ? term->match_fields->len : 0;
    for (guint j = 0; j < nf; j++) {
      const KsSelectorRequirement *r = &g_array_index(term->match_fields, KsSelectorRequirement, j);
      if (strcmp(str_or_empty(r->key), "metadata.name") != 0 || r->op != KS_SELECTOR_OP_IN)
        continue;
      if (r->values == NULL || r->values[0] == NULL || r->values[1] != NULL)
        return NULL; /* upstream: "the matchFields value ... is not unique" */
      return r->values[0];
    }
  }
  return NULL;
}

static gboolean is_bound(const KsPod *p) {
  return p->node_name != NULL && p->node_name[0] != '\0';
}

gint ks_daemonset_pod_compare(gconstpointer a, gconstpointer b) {
  const KsPod *pa = *(const KsPod *const *)a;
  const KsPod *pb = *(const KsPod *const *)b;
  gboolean ba = is_bound(pa), bb = is_bound(pb);
  if (ba != bb)
    return ba ? -1 : 1;
  if (pa->creation_timestamp_us != pb->creation_timestamp_us)
    return pa->creation_timestamp_us < pb->creation_timestamp_us ? -1 : 1;
  return strcmp(pa->name, pb->name);
}

gboolean ks_daemonset_pod_is_updated(const KsPod *pod, const char *hash) {
  if (hash == NULL || hash[0] == '\0')
    return FALSE;
  const char *v = ks_labels_get(&pod->labels, KS_DAEMONSET_HASH_LABEL);
  return v != NULL && strcmp(v, hash) == 0;
}
