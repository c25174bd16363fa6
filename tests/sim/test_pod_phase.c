/* The kubelet's getPhase and Initialized condition (sim/kubelet/pod_phase.h)
 * over tables of container state combinations, after upstream's
 * TestPodPhaseWithRestartAlways / Never / OnFailure, the init container and
 * restartable init container cases of kubelet_pods_test.go, and
 * TestGeneratePodInitializedCondition (v1.31).
 *
 * A container is written "<role>:<state>": role c (regular), i (plain
 * init), s (sidecar); state R running, R- running but not started
 * (sidecars), T0 / T1 terminated with that exit code, W waiting, WT0 / WT1
 * waiting after a termination with that exit code, N no status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/kubelet/pod_phase.h"

#define MAX_C 4

typedef struct {
  KsPhaseContainer c[MAX_C];
  KsContainerState st[MAX_C], last[MAX_C];
  char names[MAX_C][8];
  guint n;
} View;

/* "c:R i:T0 ..." -> view (names: c0, i1, s2: role letter and position) */
static void parse(View *v, const char *spec) {
  memset(v, 0, sizeof *v);
  char **items = g_strsplit(spec, " ", MAX_C + 1);
  for (guint k = 0; items[k]; k++) {
    const char *it = items[k];
    assert_true(k < MAX_C);
    g_snprintf(v->names[k], sizeof v->names[k], "%c%u", it[0], k);
    KsPhaseContainer *c = &v->c[k];
    c->role = it[0] == 'c' ? KS_PHASE_REGULAR : it[0] == 'i' ? KS_PHASE_INIT : KS_PHASE_SIDECAR;
    c->name = v->names[k];
    const char *st = it + 2;
    c->started = TRUE;
    c->state = &v->st[k];
    c->last_state = &v->last[k];
    if (st[0] == 'R') {
      v->st[k].kind = KS_CONTAINER_RUNNING;
      c->started = st[1] != '-';
    } else if (st[0] == 'T') {
      v->st[k].kind = KS_CONTAINER_TERMINATED;
      v->st[k].exit_code = st[1] - '0';
    } else if (st[0] == 'W') {
      v->st[k].kind = KS_CONTAINER_WAITING;
      c->started = FALSE;
      if (st[1] == 'T') {
        v->last[k].kind = KS_CONTAINER_TERMINATED;
        v->last[k].exit_code = st[2] - '0';
      }
    } else {
      c->state = NULL; /* N */
      c->started = FALSE;
    }
    v->n = k + 1;
  }
  g_strfreev(items);
}

typedef struct {
  const char *spec;
  KsRestartPolicy policy;
  gboolean terminal;
  KsPodPhase want;
} PhaseCase;

#define A KS_RESTART_ALWAYS
#define O KS_RESTART_ON_FAILURE
#define NV KS_RESTART_NEVER

static void test_phase_table(void **state) {
  (void)state;
  static const PhaseCase cases[] = {
      /* restartPolicy Always (TestPodPhaseWithRestartAlways) */
      {"c:R c:R", A, FALSE, KS_POD_RUNNING},
      {"c:R c:T0", A, FALSE, KS_POD_RUNNING},        /* one stopped, one running */
      {"c:T0 c:T0", A, FALSE, KS_POD_RUNNING},       /* all restarting */
      {"c:T0 c:T0", A, TRUE, KS_POD_SUCCEEDED},      /* terminal: none restarts */
      {"c:T0 c:T1", A, TRUE, KS_POD_FAILED},
      {"c:R c:W", A, FALSE, KS_POD_PENDING},         /* one not started yet */
      {"c:R c:N", A, FALSE, KS_POD_PENDING},         /* no status: unknown */
      {"c:R c:WT1", A, FALSE, KS_POD_RUNNING},       /* CrashLoopBackOff beside a running one */
      {"c:WT0 c:WT1", A, FALSE, KS_POD_RUNNING},
      /* restartPolicy Never */
      {"c:T0 c:T0", NV, FALSE, KS_POD_SUCCEEDED},
      {"c:T0 c:T1", NV, FALSE, KS_POD_FAILED},
      {"c:R c:T1", NV, FALSE, KS_POD_RUNNING},
      {"c:R c:W", NV, FALSE, KS_POD_PENDING},
      /* restartPolicy OnFailure */
      {"c:T0 c:T0", O, FALSE, KS_POD_SUCCEEDED},
      {"c:T0 c:WT1", O, FALSE, KS_POD_RUNNING},      /* the failed one restarts */
      {"c:T0 c:T1", O, FALSE, KS_POD_RUNNING},
      {"c:T0 c:T1", O, TRUE, KS_POD_FAILED},
      {"c:R c:T0", O, FALSE, KS_POD_RUNNING},
      /* init containers */
      {"i:R c:W", A, FALSE, KS_POD_PENDING},
      {"i:T0 i:R c:W", O, FALSE, KS_POD_PENDING},
      {"i:T0 i:W c:W", O, FALSE, KS_POD_PENDING},
      {"i:T1 c:W", NV, FALSE, KS_POD_FAILED},        /* failed initialization, Never */
      {"i:WT1 c:W", NV, FALSE, KS_POD_FAILED},
      {"i:WT1 c:W", O, FALSE, KS_POD_PENDING},       /* restarting with back-off */
      {"i:T1 c:W", A, FALSE, KS_POD_PENDING},
      {"i:T0 c:R", A, FALSE, KS_POD_RUNNING},
      {"i:T0 c:T0", NV, FALSE, KS_POD_SUCCEEDED},
      {"i:N c:N", A, FALSE, KS_POD_PENDING},
      /* restartable init containers (sidecars) */
      {"s:R c:R", A, FALSE, KS_POD_RUNNING},
      {"s:R- c:W", A, FALSE, KS_POD_PENDING},        /* not started yet */
      {"s:W c:W", A, FALSE, KS_POD_PENDING},
      {"s:WT1 c:R", A, FALSE, KS_POD_RUNNING},       /* restarting: not counted */
      {"s:T0 c:T0", NV, TRUE, KS_POD_SUCCEEDED},     /* stopped with the pod */
      {"s:T1 c:T0", NV, TRUE, KS_POD_SUCCEEDED},     /* a sidecar's exit does not count */
      {"s:R c:T0", NV, FALSE, KS_POD_RUNNING},       /* still running */
      {"s:N c:R", A, FALSE, KS_POD_PENDING},         /* unknown */
      {"s:W c:R", A, FALSE, KS_POD_PENDING},         /* waiting counts even after start */
      {"s:R i:T1 c:W", NV, FALSE, KS_POD_FAILED},
      {"s:R i:R c:W", NV, FALSE, KS_POD_PENDING},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    View v;
    parse(&v, cases[i].spec);
    KsPodPhase got = ks_kubelet_pod_phase(v.c, v.n, cases[i].policy, cases[i].terminal);
    if (got != cases[i].want)
      fail_msg("case %u \"%s\" policy %d terminal %d: got %s, want %s", i, cases[i].spec,
               cases[i].policy, cases[i].terminal, ks_pod_phase_to_string(got),
               ks_pod_phase_to_string(cases[i].want));
  }
}

typedef struct {
  const char *spec;
  KsPodPhase phase;
  gboolean want;
  const char *reason, *message;
} InitCase;

static void test_initialized_table(void **state) {
  (void)state;
  static const InitCase cases[] = {
      {"c:R", KS_POD_RUNNING, TRUE, NULL, NULL}, /* no init containers */
      {"i:T0 i:T0 c:R", KS_POD_RUNNING, TRUE, NULL, NULL},
      {"i:T0 i:R c:W", KS_POD_PENDING, FALSE, "ContainersNotInitialized",
       "containers with incomplete status: [i1]"},
      {"i:R i:W c:W", KS_POD_PENDING, FALSE, "ContainersNotInitialized",
       "containers with incomplete status: [i0 i1]"},
      {"i:N i:R c:W", KS_POD_PENDING, FALSE, "ContainersNotInitialized",
       "containers with unknown status: [i0], containers with incomplete status: [i1]"},
      {"i:T1 c:W", KS_POD_FAILED, FALSE, "ContainersNotInitialized",
       "containers with incomplete status: [i0]"},
      {"i:WT1 c:W", KS_POD_PENDING, FALSE, "ContainersNotInitialized",
       "containers with incomplete status: [i0]"},
      {"i:T0 c:T0", KS_POD_SUCCEEDED, TRUE, "PodCompleted", NULL},
      {"s:R- i:W c:W", KS_POD_PENDING, FALSE, "ContainersNotInitialized",
       "containers with incomplete status: [s0 i1]"},
      {"s:R i:T0 c:R", KS_POD_RUNNING, TRUE, NULL, NULL},
      {"s:WT1 i:T0 c:R", KS_POD_RUNNING, TRUE, NULL, NULL}, /* a regular one has started */
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    View v;
    parse(&v, cases[i].spec);
    const char *reason = (const char *)1;
    char *message = (char *)1;
    gboolean ok = ks_kubelet_pod_initialized(v.c, v.n, cases[i].phase, &reason, &message);
    if (ok != cases[i].want || g_strcmp0(reason, cases[i].reason) ||
        g_strcmp0(message, cases[i].message))
      fail_msg("case %u \"%s\": got %d %s \"%s\"", i, cases[i].spec, ok,
               reason ? reason : "(null)", message ? message : "(null)");
    g_free(message);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_phase_table),
      cmocka_unit_test(test_initialized_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
