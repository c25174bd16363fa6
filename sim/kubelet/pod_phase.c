/* See pod_phase.h. The counters follow upstream's getPhase: plain init
 * containers count as pending until they terminate (a failed one, or one
 * waiting to restart after a failure, counts as failed); sidecars count as
 * running once running, and as pending while not yet started; regular
 * containers are running, stopped (terminated, or waiting after a
 * termination), waiting or unknown. */
#include "sim/kubelet/pod_phase.h"

static gboolean is(const KsContainerState *s, KsContainerStateKind k) {
  return s && s->kind == k;
}

/* HasAnyRegularContainerStarted: a regular container running or terminated. */
static gboolean any_regular_started(const KsPhaseContainer *cs, guint n) {
  for (guint i = 0; i < n; i++)
    if (cs[i].role == KS_PHASE_REGULAR &&
        (is(cs[i].state, KS_CONTAINER_RUNNING) || is(cs[i].state, KS_CONTAINER_TERMINATED)))
      return TRUE;
  return FALSE;
}

KsPodPhase ks_kubelet_pod_phase(const KsPhaseContainer *cs, guint n, KsRestartPolicy policy,
                                gboolean terminal) {
  guint pending_init = 0, failed_init = 0;
  guint unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (guint i = 0; i < n; i++) {
    const KsPhaseContainer *c = &cs[i];
    const KsContainerState *st = c->state;
    gboolean last_term = is(c->last_state, KS_CONTAINER_TERMINATED);
    gboolean none = !st || st->kind == KS_CONTAINER_STATE_NONE;
    switch (c->role) {
    case KS_PHASE_INIT:
      if (none || st->kind == KS_CONTAINER_RUNNING)
        pending_init++;
      else if (st->kind == KS_CONTAINER_TERMINATED)
        failed_init += st->exit_code != 0;
      else if (last_term)
        failed_init += c->last_state->exit_code != 0;
      else
        pending_init++;
      break;
    case KS_PHASE_SIDECAR:
      if (none) {
        unknown++;
      } else if (st->kind == KS_CONTAINER_RUNNING) {
        pending_init += !c->started;
        running++;
      } else if (st->kind == KS_CONTAINER_WAITING && !last_term) {
        pending_init++;
        waiting++;
      } /* terminated (or restarting after one): not counted */
      break;
    case KS_PHASE_REGULAR:
      if (none)
        unknown++;
      else if (st->kind == KS_CONTAINER_RUNNING)
        running++;
      else if (st->kind == KS_CONTAINER_TERMINATED) {
        stopped++;
        succeeded += st->exit_code == 0;
      } else if (last_term)
        stopped++;
      else
        waiting++;
      break;
    }
  }
  if (failed_init > 0 && policy == KS_RESTART_NEVER)
    return KS_POD_FAILED;
  if ((pending_init > 0 && !any_regular_started(cs, n)) || waiting > 0)
    return KS_POD_PENDING;
  if (running > 0 && unknown == 0)
    return KS_POD_RUNNING;
  if (running == 0 && stopped > 0 && unknown == 0) {
    if (terminal)
      return stopped == succeeded ? KS_POD_SUCCEEDED : KS_POD_FAILED;
    if (policy == KS_RESTART_ALWAYS)
      return KS_POD_RUNNING; /* all restarting */
    if (stopped == succeeded)
      return KS_POD_SUCCEEDED;
    if (policy == KS_RESTART_NEVER)
      return KS_POD_FAILED;
    return KS_POD_RUNNING; /* OnFailure: the failed ones restart */
  }
  return KS_POD_PENDING;
}

/* Go's fmt %s of a []string: "[a b]". */
static void append_list(GString *s, const char *what, GPtrArray *names) {
  if (names->len == 0)
    return;
  if (s->len)
    g_string_append(s, ", ");
  g_string_append_printf(s, "containers with %s status: [", what);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf(s, "%s%s", i ? " " : "", (const char *)names->pdata[i]);
  g_string_append_c(s, ']');
}

gboolean ks_kubelet_pod_initialized(const KsPhaseContainer *cs, guint n, KsPodPhase phase,
                                    const char **reason, char **message) {
  *reason = NULL;
  *message = NULL;
  GPtrArray *unknown = g_ptr_array_new(), *incomplete = g_ptr_array_new();
  for (guint i = 0; i < n; i++) {
    const KsPhaseContainer *c = &cs[i];
    if (c->role == KS_PHASE_REGULAR)
      continue;
    if (!c->state || c->state->kind == KS_CONTAINER_STATE_NONE) {
      g_ptr_array_add(unknown, (gpointer)c->name);
      continue;
    }
    if (c->role == KS_PHASE_SIDECAR) {
      if (!c->started)
        g_ptr_array_add(incomplete, (gpointer)c->name);
      continue;
    }
    if (c->state->kind != KS_CONTAINER_TERMINATED || c->state->exit_code != 0)
      g_ptr_array_add(incomplete, (gpointer)c->name);
  }
  gboolean ok = TRUE;
  if (phase == KS_POD_SUCCEEDED && unknown->len == 0) {
    *reason = KS_REASON_POD_COMPLETED;
  } else if (!any_regular_started(cs, n) && (unknown->len || incomplete->len)) {
    GString *s = g_string_new(NULL);
    append_list(s, "unknown", unknown);
    append_list(s, "incomplete", incomplete);
    *message = g_string_free(s, FALSE);
    *reason = KS_REASON_CONTAINERS_NOT_INITIALIZED;
    ok = FALSE;
  }
  g_ptr_array_unref(unknown);
  g_ptr_array_unref(incomplete);
  return ok;
}

void ks_kubelet_set_initialized_true(KsPod *pod, gint64 now_us) {
  ks_pod_set_condition(pod, KS_POD_CONDITION_INITIALIZED, KS_POD_CONDITION_TRUE,
                       pod->phase == KS_POD_SUCCEEDED ? KS_REASON_POD_COMPLETED : NULL, NULL,
                       now_us);
}
