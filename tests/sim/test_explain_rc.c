/* `ksim explain` hands ReplicationControllers to the scheduler's spread
 * lister: a pod whose controller is a v1 ReplicationController (and which
 * no Service selects) gets PodTopologySpread's system default constraints
 * from the RC's selector map (numbers worked out in
 * tests/data/explain/rc-spread.yaml). Without the RC the default selector
 * would be empty and PodTopologySpread would not score at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/explain.h"

static void test_rc_default_spreading(void **state) {
  (void)state;
  char *path = g_build_filename(KSIM_TEST_DATA, "explain/rc-spread.yaml", NULL);
  const char *files[] = {path, NULL};
  KsExplainOptions opts = {.files = files, .format = KS_EXPLAIN_TABLE, .seed = 1};
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  GError *error = NULL;
  gboolean ok = ks_explain(&opts, out, &error);
  fclose(out);
  if (!ok)
    fail_msg("%s", error->message);
  const char *want[] = {"pod default/web-2: scheduled to node-b",
                        "PodTopologySpread 9 -> 66 x 2 = 132",
                        "PodTopologySpread 6 -> 100 x 2 = 200"};
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    if (!strstr(buf, want[i]))
      fail_msg("expected \"%s\" in:\n%s", want[i], buf);
  free(buf);
  g_free(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rc_default_spreading),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
