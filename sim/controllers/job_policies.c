/* The Job's podFailurePolicy and successPolicy (declared in job.h): which
 * rule a failed pod matches, and whether the succeeded indexes meet a
 * success rule (upstream pkg/controller/job pod_failure_policy.go and
 * success_policy.go, v1.31). Pure functions, so the tables of upstream's
 * unit tests run without a store.
 *
 * onExitCodes looks at the containers' terminated states as upstream's
 * matchOnExitCodes does: the regular containers' statuses first, then the
 * init containers' (plain and sidecars) in spec order; the first that is
 * terminated with a non-zero exit code, is named by containerName (or any
 * when none is given) and satisfies the operator matches. Pods the
 * resource model runs carry those statuses (KsPod.container_statuses and
 * init_container_statuses, docs/node-agent.md). A pod on the node agent's
 * plain path reports one container state for all its containers: its app
 * containers are taken to have terminated with that state's exit code (137
 * for an OOM kill) or, when the agent reported none, the pod's
 * ksim.io/exit-code (absent: 0), in template order; its init containers
 * (which ran to the end before the app containers started) with 0, which
 * no rule matches, as upstream skips exit code 0. Pod conditions come from
 * the pod's status conditions.
 */
#include <string.h>

#include "sim/controllers/job.h"
#include "workloads/annotations.h"
#include "workloads/batch.h"

static gint32 pod_exit_code(const KsPod *p) {
  if (p->container_state.kind == KS_CONTAINER_TERMINATED)
    return p->container_state.exit_code; /* the node agent's report (137 for OOMKilled) */
  const char *v = ks_labels_get(&p->annotations, KS_ANNOTATION_EXIT_CODE);
  gint64 n = 0;
  if (!v || !g_ascii_string_to_signed(v, 10, G_MININT32, G_MAXINT32, &n, NULL))
    return 0;
  return (gint32)n;
}

static gboolean operator_matches(const KsPodFailurePolicyRule *r, gint32 code) {
  gboolean in = FALSE;
  for (guint i = 0; r->values && i < r->values->len && !in; i++)
    in = g_array_index(r->values, gint32, i) == code;
  return r->not_in ? !in : in;
}

static const KsContainerStatus *status_named(const GArray *list, const char *name) {
  for (guint i = 0; list && i < list->len; i++) {
    const KsContainerStatus *s = &g_array_index(list, KsContainerStatus, i);
    if (!g_strcmp0(s->name, name))
      return s;
  }
  return NULL;
}

/* getMatchingContainerFromList for one status: terminated, named by the
 * rule (or any), non-zero, and the operator holds. */
static gboolean status_matches(const KsPodFailurePolicyRule *r, const KsContainerStatus *s) {
  if (!s || s->state.kind != KS_CONTAINER_TERMINATED)
    return FALSE; /* still running or restarting: no exit code to match */
  if (r->container_name && g_strcmp0(r->container_name, s->name))
    return FALSE;
  return s->state.exit_code != 0 && operator_matches(r, s->state.exit_code);
}

/* matchOnExitCodes over the per-container statuses: containerStatuses (the
 * regular containers), then initContainerStatuses (init containers in spec
 * order, sidecars included). */
static const char *match_container_statuses(const KsPodFailurePolicyRule *r, const KsPod *p,
                                            gint32 *code_out) {
  const KsContainerStatus *found = NULL;
  for (guint i = 0; !found && p->containers && i < p->containers->len; i++) {
    const KsContainerStatus *s =
        status_named(p->container_statuses, g_array_index(p->containers, KsContainer, i).name);
    if (status_matches(r, s))
      found = s;
  }
  for (guint i = 0; !found && p->init_containers && i < p->init_containers->len; i++) {
    const char *name = g_array_index(p->init_containers, KsContainer, i).name;
    const KsContainerStatus *s = status_named(p->init_container_statuses, name);
    if (status_matches(r, s))
      found = s;
  }
  if (!found)
    return NULL;
  *code_out = found->state.exit_code;
  return found->name ? found->name : "";
}

/* matchOnExitCodes: the name of the first terminated container (app
 * containers, then init containers) whose exit code matches; NULL if none. */
static const char *match_exit_codes(const KsPodFailurePolicyRule *r, const KsPod *p,
                                    gint32 *code_out) {
  if (p->container_statuses || p->init_container_statuses)
    return match_container_statuses(r, p, code_out);
  gint32 code = pod_exit_code(p);
  if (code == 0)
    return NULL; /* init containers exited 0 too: nothing to match */
  for (guint i = 0; p->containers && i < p->containers->len; i++) {
    const KsContainer *c = &g_array_index(p->containers, KsContainer, i);
    if (r->container_name && g_strcmp0(r->container_name, c->name))
      continue;
    if (operator_matches(r, code)) {
      *code_out = code;
      return c->name ? c->name : "";
    }
  }
  return NULL;
}

/* The pod's status conditions, in order: its conditions array (in the
 * order they were first set), then Ready, which the object model keeps
 * apart (ready). */
static guint pod_condition_count(const KsPod *p) {
  return (p->conditions ? p->conditions->len : 0) + 1;
}

static KsConditionStatus from_pod_status(KsPodConditionStatus st) {
  switch (st) {
  case KS_POD_CONDITION_TRUE: return KS_CONDITION_TRUE;
  case KS_POD_CONDITION_FALSE: return KS_CONDITION_FALSE;
  default: return KS_CONDITION_UNKNOWN;
  }
}

static void pod_condition_at(const KsPod *p, guint i, const char **type, KsConditionStatus *st) {
  guint n = p->conditions ? p->conditions->len : 0;
  if (i < n) {
    const KsPodCondition *c = &g_array_index(p->conditions, KsPodCondition, i);
    *type = c->type;
    *st = from_pod_status(c->status);
    return;
  }
  *type = "Ready";
  *st = p->ready ? KS_CONDITION_TRUE : KS_CONDITION_FALSE;
}

/* matchOnPodConditions: the type of the first pod condition (in the pod's
 * order) that some pattern matches; NULL if none. */
static const char *match_pod_conditions(const KsPodFailurePolicyRule *r, const KsPod *p) {
  for (guint i = 0; i < pod_condition_count(p); i++) {
    const char *type = NULL;
    KsConditionStatus st = KS_CONDITION_UNKNOWN;
    pod_condition_at(p, i, &type, &st);
    for (guint k = 0; r->patterns && k < r->patterns->len; k++) {
      const KsPodConditionPattern *pat = &g_array_index(r->patterns, KsPodConditionPattern, k);
      if (!g_strcmp0(pat->type, type) && pat->status == st)
        return type;
    }
  }
  return NULL;
}

gboolean ks_job_match_pod_failure_policy(const GArray *rules, const KsPod *pod,
                                         KsPodFailurePolicyAction *action,
                                         gboolean *count_failed, char **message) {
  *count_failed = TRUE;
  if (message)
    *message = NULL;
  for (guint i = 0; rules && i < rules->len; i++) {
    const KsPodFailurePolicyRule *r = &g_array_index(rules, KsPodFailurePolicyRule, i);
    gint32 code = 0;
    const char *container = NULL, *cond = NULL;
    if (r->on_exit_codes)
      container = match_exit_codes(r, pod, &code);
    else
      cond = match_pod_conditions(r, pod);
    if (!container && !cond)
      continue;
    *action = r->action;
    *count_failed = r->action != KS_PFP_ACTION_IGNORE;
    if (r->action == KS_PFP_ACTION_FAIL_JOB && message) {
      const char *a = ks_pod_failure_policy_action_to_string(r->action);
      if (container)
        *message = g_strdup_printf("Container %s for pod %s/%s failed with exit code %d matching "
                                   "%s rule at index %u",
                                   container, pod->namespace, pod->name, code, a, i);
      else
        *message = g_strdup_printf("Pod %s/%s has condition %s matching %s rule at index %u",
                                   pod->namespace, pod->name, cond, a, i);
    }
    return TRUE;
  }
  return FALSE;
}

/* matchSucceededIndexesRule over sorted, duplicate-free index lists. */
static gboolean indexes_rule_met(const GArray *rule, const GArray *succeeded, gboolean has_count,
                                 gint32 count) {
  guint a = 0, b = 0;
  gint64 contains = 0;
  while (a < rule->len && b < succeeded->len) {
    gint32 x = g_array_index(rule, gint32, a), y = g_array_index(succeeded, gint32, b);
    if (x == y) {
      contains++;
      a++;
      b++;
    } else if (x < y) {
      a++;
    } else {
      b++;
    }
  }
  return contains == (gint64)rule->len || (has_count && contains >= count);
}

gboolean ks_job_match_success_policy(const GArray *rules, gint32 completions,
                                     const GArray *succeeded, char **message) {
  *message = NULL;
  if (!rules || !succeeded || succeeded->len == 0)
    return FALSE;
  for (guint i = 0; i < rules->len; i++) {
    const KsSuccessPolicyRule *r = &g_array_index(rules, KsSuccessPolicyRule, i);
    gboolean met = FALSE;
    if (r->succeeded_indexes) {
      GArray *want = ks_job_parse_indexes(r->succeeded_indexes, completions);
      /* an unparsable rule is skipped */
      met = want->len > 0 &&
            indexes_rule_met(want, succeeded, r->has_succeeded_count, r->succeeded_count);
      g_array_free(want, TRUE);
    } else if (r->has_succeeded_count) {
      met = (gint64)succeeded->len >= r->succeeded_count;
    }
    if (met) {
      *message = g_strdup_printf("Matched rules at index %u", i);
      return TRUE;
    }
  }
  return FALSE;
}
