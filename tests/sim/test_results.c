/* The results file: every field survives a write and a read, identical
 * input gives identical bytes, failures leave no file that looks complete,
 * and files that are not ksim results are refused with a clear message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <glib/gstdio.h>
#include <hdf5.h>

#include "ks_version.h"
#include "sim/results.h"
#include "sim/results_read.h"

#define N_PODS 5000 /* more than one chunk, and a partial last one */

static char *tmpdir(void) {
  GError *error = NULL;
  char *dir = g_dir_make_tmp("ksim-results-XXXXXX", &error);
  assert_non_null(dir);
  return dir;
}

static void rm_rf(const char *dir) {
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d)
    return;
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(dir, name, NULL);
    if (g_file_test(p, G_FILE_TEST_IS_DIR))
      rm_rf(p);
    else
      g_unlink(p);
  }
  g_dir_close(d);
  g_rmdir(dir);
}

static KsSampleRow sample(int i) {
  KsSampleRow s = {
    .time_us = (gint64)i * 10000000,
    .nodes = 2 + i,
    .pending = 10 - i,
    .running = 3 * i,
    .succeeded = i,
    .failed = i / 2,
    .cpu_requested_milli = 1000 * i,
    .cpu_allocatable_milli = 8000,
    .memory_requested = (gint64)i << 30,
    .memory_allocatable = (gint64)16 << 30,
    .pods_allocatable = 220,
    .gpu_requested_milli = 250 * i,
    .gpu_allocatable_milli = 16000,
  };
  return s;
}

static KsPodRow pod(int i, char *name, gsize len) {
  g_snprintf(name, len, "pod-%05d-\xc3\xa9", i);
  KsPodRow p = {
    .name = name,
    .namespace = i % 3 ? "default" : "batch",
    .priority = i % 7 - 3,
    .cpu_request_milli = 100 + i,
    .memory_request = (gint64)i * 1048576,
    .gpu_count = i % 3,
    .gpu_request_milli = i % 3 == 1 ? 300 : (i % 3) * 1000,
    .created_us = i,
    .scheduled_us = i % 11 ? 2 * i : -1,
    .started_us = i % 11 ? 3 * i : -1,
    .finished_us = i % 5 ? 4 * i : -1,
    .node = i % 11 ? i % 2 : -1,
    .attempts = i % 4,
    .outcome = (KsPodOutcome)(i % 5),
  };
  return p;
}

static KsNodeRow node(int i) {
  KsNodeRow n = {
    .name = i ? "node-b" : "node-a",
    .pool = i ? "" : "general",
    .cpu_allocatable_milli = 4000,
    .memory_allocatable = (gint64)8 << 30,
    .pods_allocatable = 110,
    .gpus = i ? 0 : 8,
    .gpu_model = i ? "" : "V100M32",
    .added_us = i * 5,
    .removed_us = i ? 99 : -1,
    .pods_bound = 7 + i,
  };
  return n;
}

static void write_file(const char *path) {
  GError *error = NULL;
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  assert_non_null(w);
  ks_results_writer_set_attr_string(w, "scenario", "tiny");
  ks_results_writer_set_attr_int(w, "seed", 42);
  ks_results_writer_set_attr_string(w, "scenario", "tiny-2"); /* replaces, keeps place */
  for (int i = 0; i < 3; i++) {
    KsSampleRow s = sample(i);
    assert_true(ks_results_writer_append_sample(w, &s, &error));
  }
  for (int i = 0; i < N_PODS; i++) {
    char name[64];
    KsPodRow p = pod(i, name, sizeof name);
    assert_true(ks_results_writer_append_pod(w, &p, &error));
  }
  for (int i = 0; i < 2; i++) {
    KsNodeRow n = node(i);
    assert_true(ks_results_writer_append_node(w, &n, &error));
  }
  if (!ks_results_writer_commit(w, &error))
    fail_msg("commit: %s", error->message);
}

static void test_roundtrip(void **state) {
  g_autofree char *dir = tmpdir();
  g_autofree char *path = g_build_filename(dir, "a", "b", "run.h5", NULL);
  write_file(path);
  g_autofree char *partial = g_strconcat(path, ".partial", NULL);
  assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));

  GError *error = NULL;
  KsResults *r = ks_results_read(path, &error);
  if (!r)
    fail_msg("read: %s", error->message);
  assert_int_equal(r->schema_version, KS_RESULTS_SCHEMA_VERSION);
  assert_int_equal(r->n_attrs, 4);
  assert_string_equal(ks_results_attr(r, "ksim_version")->str, KSIM_VERSION);
  assert_string_equal(ks_results_attr(r, "scenario")->str, "tiny-2");
  assert_null(ks_results_attr(r, "seed")->str);
  assert_int_equal(ks_results_attr(r, "seed")->num, 42);
  assert_string_equal(r->attrs[0].key, "ksim_version"); /* sorted by key */

  assert_int_equal(r->n_samples, 3);
  for (int i = 0; i < 3; i++) {
    KsSampleRow want = sample(i);
    const KsSampleRow *got = &r->samples[i];
    assert_int_equal(got->time_us, want.time_us);
    assert_int_equal(got->nodes, want.nodes);
    assert_int_equal(got->pending, want.pending);
    assert_int_equal(got->running, want.running);
    assert_int_equal(got->succeeded, want.succeeded);
    assert_int_equal(got->failed, want.failed);
    assert_int_equal(got->cpu_requested_milli, want.cpu_requested_milli);
    assert_int_equal(got->cpu_allocatable_milli, want.cpu_allocatable_milli);
    assert_int_equal(got->memory_requested, want.memory_requested);
    assert_int_equal(got->memory_allocatable, want.memory_allocatable);
    assert_int_equal(got->pods_allocatable, want.pods_allocatable);
    assert_int_equal(got->gpu_requested_milli, want.gpu_requested_milli);
    assert_int_equal(got->gpu_allocatable_milli, want.gpu_allocatable_milli);
  }
  assert_int_equal(r->n_pods, N_PODS);
  for (int i = 0; i < N_PODS; i++) {
    char name[64];
    KsPodRow want = pod(i, name, sizeof name);
    const KsPodRow *got = &r->pods[i];
    assert_string_equal(got->name, want.name);
    assert_string_equal(got->namespace, want.namespace);
    assert_int_equal(got->priority, want.priority);
    assert_int_equal(got->cpu_request_milli, want.cpu_request_milli);
    assert_int_equal(got->memory_request, want.memory_request);
    assert_int_equal(got->gpu_count, want.gpu_count);
    assert_int_equal(got->gpu_request_milli, want.gpu_request_milli);
    assert_int_equal(got->created_us, want.created_us);
    assert_int_equal(got->scheduled_us, want.scheduled_us);
    assert_int_equal(got->started_us, want.started_us);
    assert_int_equal(got->finished_us, want.finished_us);
    assert_int_equal(got->node, want.node);
    assert_int_equal(got->attempts, want.attempts);
    assert_int_equal(got->outcome, want.outcome);
  }
  assert_int_equal(r->n_nodes, 2);
  for (int i = 0; i < 2; i++) {
    KsNodeRow want = node(i);
    const KsNodeRow *got = &r->nodes[i];
    assert_string_equal(got->name, want.name);
    assert_string_equal(got->pool, want.pool);
    assert_int_equal(got->cpu_allocatable_milli, want.cpu_allocatable_milli);
    assert_int_equal(got->memory_allocatable, want.memory_allocatable);
    assert_int_equal(got->pods_allocatable, want.pods_allocatable);
    assert_int_equal(got->added_us, want.added_us);
    assert_int_equal(got->removed_us, want.removed_us);
    assert_int_equal(got->pods_bound, want.pods_bound);
    assert_int_equal(got->gpus, want.gpus);
    assert_string_equal(got->gpu_model, want.gpu_model);
  }
  ks_results_free(r);
  rm_rf(dir);
}

static void test_byte_identical(void **state) {
  g_autofree char *dir = tmpdir();
  g_autofree char *a = g_build_filename(dir, "a.h5", NULL);
  g_autofree char *b = g_build_filename(dir, "b.h5", NULL);
  write_file(a);
  write_file(b);
  g_autofree char *da = NULL, *db = NULL;
  gsize la = 0, lb = 0;
  assert_true(g_file_get_contents(a, &da, &la, NULL));
  assert_true(g_file_get_contents(b, &db, &lb, NULL));
  assert_int_equal(la, lb);
  assert_memory_equal(da, db, la);
  rm_rf(dir);
}

/* A string member that does not fit is refused (never truncated: two pods
 * must not share a name), and the writer carries on. */
static void test_name_too_long(void **state) {
  g_autofree char *dir = tmpdir();
  g_autofree char *path = g_build_filename(dir, "run.h5", NULL);
  GError *error = NULL;
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  char longname[300];
  memset(longname, 'x', sizeof longname - 1);
  longname[299] = '\0';
  KsPodRow p = {.name = longname, .namespace = "default", .node = -1};
  assert_false(ks_results_writer_append_pod(w, &p, &error));
  assert_int_equal(error->code, KS_RESULTS_ERROR_FORMAT);
  assert_non_null(strstr(error->message, "pod name"));
  assert_non_null(strstr(error->message, "299 bytes, longer than 253"));
  g_clear_error(&error);
  longname[253] = '\0'; /* exactly the limit fits */
  assert_true(ks_results_writer_append_pod(w, &p, &error));
  assert_true(ks_results_writer_commit(w, &error));
  KsResults *r = ks_results_read(path, &error);
  assert_int_equal(r->n_pods, 1);
  assert_string_equal(r->pods[0].name, longname);
  ks_results_free(r);
  rm_rf(dir);
}

static void test_abort_leaves_nothing(void **state) {
  g_autofree char *dir = tmpdir();
  g_autofree char *path = g_build_filename(dir, "run.h5", NULL);
  g_autofree char *partial = g_strconcat(path, ".partial", NULL);
  GError *error = NULL;
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  KsSampleRow s = sample(1);
  assert_true(ks_results_writer_append_sample(w, &s, &error));
  assert_true(g_file_test(partial, G_FILE_TEST_EXISTS));
  ks_results_writer_abort(w);
  assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  rm_rf(dir);
}

/* A commit that cannot publish (the final path is a non-empty directory)
 * fails, names the path, and leaves no partial file. */
static void test_failed_commit(void **state) {
  g_autofree char *dir = tmpdir();
  g_autofree char *path = g_build_filename(dir, "run.h5", NULL);
  g_autofree char *inside = g_build_filename(path, "x", NULL);
  g_autofree char *partial = g_strconcat(path, ".partial", NULL);
  assert_int_equal(g_mkdir_with_parents(inside, 0777), 0);
  GError *error = NULL;
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  assert_non_null(w);
  assert_false(ks_results_writer_commit(w, &error));
  assert_int_equal(error->code, KS_RESULTS_ERROR_IO);
  assert_true(g_str_has_prefix(error->message, path));
  assert_non_null(strstr(error->message, "cannot rename"));
  g_clear_error(&error);
  assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));
  assert_true(g_file_test(path, G_FILE_TEST_IS_DIR));
  rm_rf(dir);
}

static void test_open_error(void **state) {
  g_autofree char *dir = tmpdir();
  g_autofree char *file = g_build_filename(dir, "plain", NULL);
  g_autofree char *path = g_build_filename(file, "run.h5", NULL);
  assert_true(g_file_set_contents(file, "x", 1, NULL));
  GError *error = NULL;
  assert_null(ks_results_writer_open(path, &error));
  assert_int_equal(error->code, KS_RESULTS_ERROR_IO);
  g_autofree char *want = g_strdup_printf("%s: cannot create directory %s: ", path, file);
  assert_true(g_str_has_prefix(error->message, want));
  g_clear_error(&error);
  rm_rf(dir);
}

static void expect_read_error(const char *path, int code, const char *suffix) {
  GError *error = NULL;
  assert_null(ks_results_read(path, &error));
  assert_non_null(error);
  assert_true(error->domain == KS_RESULTS_ERROR);
  assert_int_equal(error->code, code);
  g_autofree char *want = g_strconcat(path, ": ", suffix, NULL);
  assert_string_equal(error->message, want);
  g_error_free(error);
}

/* An HDF5 file with an optional integer schema_version. */
static void write_plain_h5(const char *path, gint64 version) {
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(f >= 0);
  if (version >= 0) {
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, "schema_version", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &version);
    H5Aclose(a);
    H5Sclose(sp);
  }
  H5Fclose(f);
}

static void test_read_errors(void **state) {
  g_autofree char *dir = tmpdir();
  g_autofree char *text = g_build_filename(dir, "notes.txt", NULL);
  g_autofree char *plain = g_build_filename(dir, "plain.h5", NULL);
  g_autofree char *newer = g_build_filename(dir, "newer.h5", NULL);
  g_autofree char *current = g_build_filename(dir, "current.h5", NULL);
  g_autofree char *missing = g_build_filename(dir, "missing.h5", NULL);
  assert_true(g_file_set_contents(text, "time,pods\n1,2\n", -1, NULL));
  write_plain_h5(plain, -1);
  write_plain_h5(newer, KS_RESULTS_SCHEMA_VERSION + 1);
  write_plain_h5(current, KS_RESULTS_SCHEMA_VERSION);
  expect_read_error(text, KS_RESULTS_ERROR_FORMAT, "not a ksim results file (not an HDF5 file)");
  expect_read_error(plain, KS_RESULTS_ERROR_FORMAT,
                    "not a ksim results file (no integer schema_version attribute)");
  g_autofree char *newer_msg = g_strdup_printf(
      "results schema version %d, this ksim reads version %d; use the ksim that wrote it",
      KS_RESULTS_SCHEMA_VERSION + 1, KS_RESULTS_SCHEMA_VERSION);
  expect_read_error(newer, KS_RESULTS_ERROR_FORMAT, newer_msg);
  expect_read_error(current, KS_RESULTS_ERROR_FORMAT, "no /timeseries dataset");
  expect_read_error(missing, KS_RESULTS_ERROR_IO, "No such file or directory");
  rm_rf(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_roundtrip),
    cmocka_unit_test(test_byte_identical),
    cmocka_unit_test(test_name_too_long),
    cmocka_unit_test(test_abort_leaves_nothing),
    cmocka_unit_test(test_failed_commit),
    cmocka_unit_test(test_open_error),
    cmocka_unit_test(test_read_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
