/* The spread lister's walk order (sched/spread_lister.c): within a kind and
 * namespace, objects come in name order whatever order the host set them
 * in, so v1.7 ServiceAntiAffinity's "first service" is well defined. Replacing an object keeps its place
 * and the count; removing it drops both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sched/spread_lister.h"

static void set_service(KsSchedSpreadLister *l, const char *ns, const char *name, const char *k,
                        const char *v) {
  KsLabels m;
  ks_labels_init(&m);
  ks_labels_set(&m, k, v);
  ks_sched_spread_lister_set_service(l, ns, name, &m);
  ks_labels_clear(&m);
}

static KsPod *web_pod(void) {
  KsPod *p = ks_pod_new("default", "p");
  ks_labels_set(&p->labels, "app", "web");
  ks_labels_set(&p->labels, "tier", "front");
  return p; /* transfer full */
}

/* The key:value of each selector's one matchLabels entry, joined. transfer full */
static char *describe(GPtrArray *sels) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < sels->len; i++) {
    const KsLabelSelector *sel = sels->pdata[i];
    assert_int_equal(sel->match_labels.n, 1);
    g_string_append_printf(s, "%s%s=%s", i ? "," : "", sel->match_labels.items[0].key,
                           sel->match_labels.items[0].value);
  }
  return g_string_free(s, FALSE);
}

static void test_services_in_name_order(void **state) {
  (void)state;
  KsSchedSpreadLister *l = ks_sched_spread_lister_new();
  /* set in reverse name order, with non-selecting ones in between */
  set_service(l, "default", "zeta", "tier", "front");
  set_service(l, "default", "mid", "app", "db");        /* does not select the pod */
  set_service(l, "other", "alpha", "app", "web");        /* another namespace */
  set_service(l, "default", "beta", "app", "web");
  set_service(l, "default", "alpha-2", "tier", "front");
  assert_int_equal(ks_sched_spread_lister_size(l), 5);
  KsPod *pod = web_pod();
  GPtrArray *out = g_ptr_array_new();
  assert_int_equal(ks_sched_spread_lister_pod_services(l, pod, out), 3);
  char *got = describe(out);
  assert_string_equal(got, "tier=front,app=web,tier=front"); /* alpha-2, beta, zeta */
  g_free(got);

  /* replacing "beta" keeps its place and the count */
  set_service(l, "default", "beta", "app", "db");
  assert_int_equal(ks_sched_spread_lister_size(l), 5);
  g_ptr_array_set_size(out, 0);
  assert_int_equal(ks_sched_spread_lister_pod_services(l, pod, out), 2);
  set_service(l, "default", "beta", "app", "web");
  g_ptr_array_set_size(out, 0);
  ks_sched_spread_lister_pod_services(l, pod, out);
  got = describe(out);
  assert_string_equal(got, "tier=front,app=web,tier=front");
  g_free(got);

  /* removing the first makes "beta" first */
  assert_true(ks_sched_spread_lister_remove_service(l, "default", "alpha-2"));
  assert_false(ks_sched_spread_lister_remove_service(l, "default", "alpha-2"));
  assert_int_equal(ks_sched_spread_lister_size(l), 4);
  g_ptr_array_set_size(out, 0);
  ks_sched_spread_lister_pod_services(l, pod, out);
  got = describe(out);
  assert_string_equal(got, "app=web,tier=front");
  g_free(got);

  /* getSelectors: Services (by name), then RCs (by name), ... */
  KsLabels m;
  ks_labels_init(&m);
  ks_labels_set(&m, "app", "web");
  ks_sched_spread_lister_set_replication_controller(l, "default", "rc-b", &m);
  ks_labels_clear(&m);
  ks_labels_init(&m);
  ks_labels_set(&m, "tier", "front");
  ks_sched_spread_lister_set_replication_controller(l, "default", "rc-a", &m);
  ks_labels_clear(&m);
  g_ptr_array_set_size(out, 0);
  assert_int_equal(ks_sched_spread_lister_pod_selectors(l, pod, out), 4);
  got = describe(out);
  assert_string_equal(got, "app=web,tier=front,tier=front,app=web");
  g_free(got);
  g_ptr_array_set_size(out, 0);
  assert_int_equal(ks_sched_spread_lister_pod_services(l, pod, out), 2); /* Services only */

  g_ptr_array_unref(out);
  ks_pod_unref(pod);
  ks_sched_spread_lister_free(l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_services_in_name_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
