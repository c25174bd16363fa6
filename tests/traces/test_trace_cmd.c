/* `ksim trace`: inspect's figures on a small hand-made trace (counts, time
 * span, totals, peak alive pods, histogram buckets, all computed by hand),
 * convert's round trip and its failure modes (no output left behind), synth,
 * and the exit codes (0 ok, 1 output failure, 2 bad usage or input). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/trace_cmd.h"
#include "traces/trace_source.h"
#include "trace_test_util.h"

typedef TraceTestFixture Fixture;

static int setup(void **state) {
  if (!ks_trace_format_lookup("ksim")) {
    print_message("the ksim format is not in the registry (traces/trace_formats.c) yet\n");
    skip();
  }
  return trace_test_fixture_setup(state, "ksim-tracecmd-XXXXXX");
}

static int teardown(void **state) {
  return trace_test_fixture_teardown(state);
}

/* Runs `ksim trace ARGS...` in-process; *out gets what it printed on stdout. */
static int run(Fixture *f, char **out, ...) {
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) "trace");
  va_list ap;
  va_start(ap, out);
  const char *a;
  while ((a = va_arg(ap, const char *)))
    g_ptr_array_add(argv, (gpointer)a);
  va_end(ap);
  g_ptr_array_add(argv, NULL);
  char *cap = g_build_filename(f->dir, "stdout.txt", NULL);
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  int fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  int code = ks_cli_trace((int)argv->len - 1, (char **)argv->pdata);
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  if (out)
    assert_true(g_file_get_contents(cap, out, NULL, NULL));
  g_unlink(cap);
  g_free(cap);
  g_ptr_array_free(argv, TRUE);
  return code;
}

static const char *const small =
    "#ksim-trace 1\n"
    "0 node-add n1 cpu=4 memory=8Gi nvidia.com/gpu=2\n"
    "0 node-add n2 cpu=8 memory=16Gi\n"
    "10 pod-create default/a cpu=500m memory=1Gi run=100\n"
    "20 pod-create default/b cpu=2 memory=3Gi\n"
    "30 pod-create default/c cpu=250m memory=256Mi run=5\n"
    "50 pod-delete default/b\n"
    "120 pod-create default/d cpu=1 memory=512Mi run=3600\n";

/* Writes text to the fixture's folder. transfer full: the path */
static char *put(Fixture *f, const char *name, const char *text) {
  return trace_test_put(f->dir, name, text, -1);
}

static void assert_has(const char *text, const char *needle) {
  if (!strstr(text, needle))
    fail_msg("missing %s in:\n%s", needle, text);
}

static void test_inspect_json(void **state) {
  Fixture *f = *state;
  char *path = put(f, "small.ksim", small);
  char *out = NULL;
  assert_int_equal(run(f, &out, "inspect", "-o", "json", path, NULL), 0);
  assert_has(out, "\"node-add\": 2");
  assert_has(out, "\"pod-create\": 4");
  assert_has(out, "\"pod-delete\": 1");
  assert_has(out, "\"first_us\": 0");
  assert_has(out, "\"last_us\": 120000000");
  /* nodes: 4 + 8 cores, 8Gi + 16Gi, 2 GPUs */
  assert_has(out, "\"node_capacity\": {\n    \"cpu\": 12.000,\n    \"memory\": 25769803776,\n"
                  "    \"nvidia.com/gpu\": 2\n  }");
  /* pods: 0.5 + 2 + 0.25 + 1 cores; 1Gi + 3Gi + 256Mi + 512Mi = 4864Mi */
  assert_has(out, "\"pod_requests\": {\n    \"cpu\": 3.750,\n    \"memory\": 5100273664\n  }");
  /* alive: a(10..110), b(20..50 deleted), c(30..35), d(120..): 3 at 30 s */
  assert_has(out, "\"peak_alive_pods\": 3");
  assert_has(out, "\"peak_alive_at_us\": 30000000");
  assert_has(out, "\"pods_without_run_time\": 1");
  g_free(out);
  g_free(path);
}

/* GPUs in both declarations the GPU model reads (sched/gpu.h): whole
 * nvidia.com/gpu, and the FGD simulator's alibabacloud.com keys. */
static void test_inspect_gpus(void **state) {
  Fixture *f = *state;
  char *path = put(f, "gpu.ksim",
                   "#ksim-trace 1\n"
                   "0 node-add n1 cpu=4 nvidia.com/gpu=2\n"
                   "0 node-add n2 cpu=4 alibabacloud.com/gpu-count=4 l:alibabacloud.com/gpu-card-model=V100\n"
                   "0 node-add n3 cpu=4\n"
                   "1 pod-create default/share cpu=1 a:alibabacloud.com/gpu-milli=500\n"
                   "2 pod-create default/whole cpu=1 a:alibabacloud.com/gpu-count=2\n"
                   "3 pod-create default/nv cpu=1 nvidia.com/gpu=1\n"
                   "4 pod-create default/none cpu=1\n");
  char *out = NULL;
  assert_int_equal(run(f, &out, "inspect", "-o", "json", path, NULL), 0);
  /* 2 + 4 GPUs on 2 nodes; 0.5 + 2 + 1 GPUs asked by 3 pods, one a share */
  assert_has(out, "\"gpu\": {\n    \"nodes\": 2,\n    \"gpus\": 6,\n    \"pods\": 3,\n"
                  "    \"share_pods\": 1,\n    \"milli_requested\": 3500,\n    \"unreadable\": 0\n  }");
  g_free(out);
  g_free(path);
}

static void test_inspect_table(void **state) {
  Fixture *f = *state;
  char *path = put(f, "small.ksim", small);
  char *out = NULL;
  assert_int_equal(run(f, &out, "inspect", path, NULL), 0);
  assert_has(out, "events: 7 (skipped bad rows: 0)");
  assert_has(out, "time span: 0.000000 s .. 120.000000 s (120.000000 s)");
  assert_has(out, "peak alive pods: 3 at 30.000000 s");
  /* cpu: c <=250m, a <=500m, d <=1, b <=2: one each, 25% */
  assert_has(out, "  <=250m               1  25.00% ");
  assert_has(out, "  <=2                  1  25.00% ");
  /* run times 100 s (<=10m), 5 s (<=10s), 3600 s (<=1h) of 3 */
  assert_has(out, "  <=10s                1  33.33% ");
  assert_has(out, "  none                 1\n");
  /* inter-arrival 10, 10, 90 s */
  assert_has(out, "  <=10s                2  66.67% ");
  g_free(out);
  g_free(path);
}

static void test_convert_and_exit_codes(void **state) {
  Fixture *f = *state;
  char *path = put(f, "small.ksim", small);
  char *gz = g_build_filename(f->dir, "small.ksim.gz", NULL);
  assert_int_equal(run(f, NULL, "convert", "--from", "ksim", path, "-o", gz, "-q", NULL), 0);
  char *a = NULL, *b = NULL;
  assert_int_equal(run(f, &a, "inspect", "-o", "json", path, NULL), 0);
  assert_int_equal(run(f, &b, "inspect", "-o", "json", gz, NULL), 0);
  /* same figures; only the path differs */
  assert_string_equal(strstr(a, "\"events\""), strstr(b, "\"events\""));
  g_free(a);
  g_free(b);

  /* A bad line: exit 2, and neither OUT nor OUT.partial is left. */
  char *badp = put(f, "bad.ksim", "#ksim-trace 1\n1 node-add n1 cpu=x\n");
  char *out = g_build_filename(f->dir, "out.ksim", NULL);
  char *partial = g_strconcat(out, ".partial", NULL);
  assert_int_equal(run(f, NULL, "convert", badp, "-o", out, NULL), 2);
  assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
  assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));
  /* ... unless the bad rows are skipped. */
  assert_int_equal(run(f, NULL, "convert", "--skip-bad-rows", "-q", badp, "-o", out, NULL), 0);
  assert_true(g_file_test(out, G_FILE_TEST_EXISTS));
  /* An output that cannot be created: exit 1. */
  char *nodir = g_build_filename(f->dir, "no", "such", "dir.ksim", NULL);
  assert_int_equal(run(f, NULL, "convert", "-q", path, "-o", nodir, NULL), 1);
  /* usage and input errors: exit 2 */
  assert_int_equal(run(f, NULL, "inspect", NULL), 2);
  assert_int_equal(run(f, NULL, "inspect", "/nonexistent.ksim", NULL), 2);
  assert_int_equal(run(f, NULL, "inspect", "--format", "nope", path, NULL), 2);
  assert_int_equal(run(f, NULL, "inspect", "-O", "x=1", path, NULL), 2);
  assert_int_equal(run(f, NULL, "inspect", "-o", "yaml", path, NULL), 2);
  assert_int_equal(run(f, NULL, "convert", path, NULL), 2);
  assert_int_equal(run(f, NULL, "synth", "nope", "-o", out, NULL), 2);
  assert_int_equal(run(f, NULL, "frobnicate", NULL), 2);
  assert_int_equal(run(f, NULL, "--help", NULL), 0);
  g_free(nodir);
  g_free(partial);
  g_free(out);
  g_free(badp);
  g_free(gz);
  g_free(path);
}

/* The real openb default trace (../shared/traces, when present): inspect
 * reads the same figures from the importer and from its conversion to a
 * ksim trace (plain and gzip), the conversion converts to itself byte for
 * byte, and the GPU totals are the data set's published ones (1,213 GPU
 * nodes with 6,212 GPUs; 8,152 pods). */
static void test_openb_real(void **state) {
  Fixture *f = *state;
  const char *src_dir = g_getenv("KSIM_SOURCE_DIR");
  char *csv = src_dir ? g_build_filename(src_dir, "..", "shared", "traces", "alibaba-gpu-v2023",
                                         "csv", "openb_pod_list_default.csv", NULL)
                      : NULL;
  if (!csv || !g_file_test(csv, G_FILE_TEST_EXISTS) || !ks_trace_format_lookup("openb")) {
    g_free(csv);
    skip();
  }
  char *plain = g_build_filename(f->dir, "openb.ksim", NULL);
  char *gz = g_build_filename(f->dir, "openb.ksim.gz", NULL);
  char *again = g_build_filename(f->dir, "again.ksim", NULL);
  assert_int_equal(run(f, NULL, "convert", "-q", "--from", "openb", csv, "-o", plain, NULL), 0);
  assert_int_equal(run(f, NULL, "convert", "-q", plain, "-o", gz, NULL), 0);
  assert_int_equal(run(f, NULL, "convert", "-q", gz, "-o", again, NULL), 0);
  char *a, *b;
  gsize la, lb;
  assert_true(g_file_get_contents(plain, &a, &la, NULL));
  assert_true(g_file_get_contents(again, &b, &lb, NULL));
  assert_int_equal(la, lb);
  assert_memory_equal(a, b, la);
  g_free(a);
  g_free(b);
  char *from_csv = NULL, *from_plain = NULL, *from_gz = NULL;
  assert_int_equal(run(f, &from_csv, "inspect", "-o", "json", "--format", "openb", csv, NULL), 0);
  assert_int_equal(run(f, &from_plain, "inspect", "-o", "json", plain, NULL), 0);
  assert_int_equal(run(f, &from_gz, "inspect", "-o", "json", gz, NULL), 0);
  assert_string_equal(strstr(from_csv, "\"events\""), strstr(from_plain, "\"events\""));
  assert_string_equal(strstr(from_csv, "\"events\""), strstr(from_gz, "\"events\""));
  assert_has(from_plain, "\"pod-create\": 8152");
  assert_has(from_plain, "\"nodes\": 1213,\n    \"gpus\": 6212,");
  g_free(from_csv);
  g_free(from_plain);
  g_free(from_gz);
  g_free(again);
  g_free(gz);
  g_free(plain);
  g_free(csv);
}

static void test_synth(void **state) {
  Fixture *f = *state;
  char *path = g_build_filename(f->dir, "s.ksim", NULL);
  assert_int_equal(run(f, NULL, "synth", "ksim", "-o", path, "--seed", "4", "--pods", "2000", NULL), 0);
  char *out = NULL;
  assert_int_equal(run(f, &out, "inspect", "-o", "json", path, NULL), 0);
  /* 2000 pods, 2000 / 400 = 5 nodes */
  assert_has(out, "\"pod-create\": 2000");
  assert_has(out, "\"node-add\": 5");
  assert_has(out, "\"pods_without_run_time\": 0");
  g_free(out);
  g_free(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_inspect_json, setup, teardown),
      cmocka_unit_test_setup_teardown(test_inspect_table, setup, teardown),
      cmocka_unit_test_setup_teardown(test_inspect_gpus, setup, teardown),
      cmocka_unit_test_setup_teardown(test_convert_and_exit_codes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_synth, setup, teardown),
      cmocka_unit_test_setup_teardown(test_openb_real, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
