/* Helpers shared by the tests of the traces module.
 *
 * Why a header of static inline functions: tests/CMakeLists.txt builds every
 * tests/<module>/test_*.c as a program of its own, so a shared .c would need
 * build changes; static inline functions cost nothing where they are not
 * called (no -Wunused-function). Include it after <cmocka.h>.
 *
 * Only what several tests really did the same way lives here: temporary
 * folders and files, gzip bytes and streams, reading a source to its end,
 * byte-for-byte file comparison, the resident set size. */
#ifndef KSIM_TESTS_TRACES_TRACE_TEST_UTIL_H
#define KSIM_TESTS_TRACES_TRACE_TEST_UTIL_H

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "traces/trace_source.h"

/* Defined when AddressSanitizer is on: its quarantine makes RSS meaningless. */
#if defined(__SANITIZE_ADDRESS__)
#define TRACE_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRACE_TEST_ASAN 1
#endif
#endif

/* The source tree: $KSIM_SOURCE_DIR (set by ctest), else the configured one. transfer full */
static inline char *trace_test_source_dir(void) {
  const char *s = g_getenv("KSIM_SOURCE_DIR");
  return g_strdup(s ? s : KSIM_SOURCE_DIR);
}

/* Removes the files of dir, then dir itself (one level), and frees the name. */
static inline void trace_test_rm_tree(char *dir /* transfer full */) {
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    char *p = g_build_filename(dir, name, NULL);
    g_unlink(p);
    g_free(p);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(dir);
  g_free(dir);
}

/* Writes len bytes of data (len -1: a string) to dir/name, making the
 * folders of name. transfer full: the path */
static inline char *trace_test_put(const char *dir, const char *name, const void *data,
                                   gssize len) {
  char *path = g_build_filename(dir, name, NULL);
  char *parent = g_path_get_dirname(path);
  g_mkdir_with_parents(parent, 0700);
  g_free(parent);
  assert_true(g_file_set_contents(path, data, len, NULL));
  return path;
}

/* trace_test_put of a string, when the caller needs no path. */
static inline void trace_test_write_file(const char *dir, const char *name, const char *text) {
  g_free(trace_test_put(dir, name, text, -1));
}

/* A test's own temporary folder, for cmocka setup/teardown. */
typedef struct {
  char *dir;
} TraceTestFixture;

/* cmocka setup body: *state becomes a fixture with a new folder from tmpl. */
static inline int trace_test_fixture_setup(void **state, const char *tmpl) {
  TraceTestFixture *f = g_new0(TraceTestFixture, 1);
  f->dir = g_dir_make_tmp(tmpl, NULL);
  assert_non_null(f->dir);
  *state = f;
  return 0;
}

/* cmocka teardown: removes the fixture's folder (NULL: a skipped setup). */
static inline int trace_test_fixture_teardown(void **state) {
  TraceTestFixture *f = *state;
  if (!f)
    return 0;
  trace_test_rm_tree(f->dir);
  g_free(f);
  return 0;
}

/* gzip of data, one member. transfer full */
static inline GBytes *trace_test_gzip_bytes(const char *data, gsize len) {
  GConverter *c = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6));
  GByteArray *out = g_byte_array_new();
  gsize cap = len + 1024, nread = 0, nwritten = 0;
  g_byte_array_set_size(out, (guint)cap);
  GConverterResult res = g_converter_convert(c, data, len, out->data, cap,
                                             G_CONVERTER_INPUT_AT_END, &nread, &nwritten, NULL);
  assert_int_equal(res, G_CONVERTER_FINISHED);
  assert_int_equal(nread, len);
  g_byte_array_set_size(out, (guint)nwritten);
  g_object_unref(c);
  return g_byte_array_free_to_bytes(out);
}

/* A gzip'd file being written (fast level), for large generated tables. transfer full */
static inline GOutputStream *trace_test_gzip_create(const char *path) {
  GFile *f = g_file_new_for_path(path);
  GFileOutputStream *fs = g_file_replace(f, NULL, FALSE, 0, NULL, NULL);
  assert_non_null(fs);
  GZlibCompressor *z = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  GOutputStream *out = g_converter_output_stream_new(G_OUTPUT_STREAM(fs), G_CONVERTER(z));
  g_object_unref(z);
  g_object_unref(fs);
  g_object_unref(f);
  return out;
}

/* Moves buf into out once it holds 64 KiB (or always, when force). */
static inline void trace_test_gzip_flush(GOutputStream *out, GString *buf, gboolean force) {
  if (!force && buf->len <= 1 << 16)
    return;
  assert_true(g_output_stream_write_all(out, buf->str, buf->len, NULL, NULL, NULL));
  g_string_truncate(buf, 0);
}

/* Writes what is left of buf, closes the file and frees both. */
static inline void trace_test_gzip_finish(GOutputStream *out /* transfer full */,
                                          GString *buf /* transfer full */) {
  trace_test_gzip_flush(out, buf, TRUE);
  assert_true(g_output_stream_close(out, NULL, NULL));
  g_string_free(buf, TRUE);
  g_object_unref(out);
}

/* Called with each event of a source. */
typedef void (*TraceTestEventFunc)(gpointer data, const KsTraceEvent *ev);

/* Passes every event of src to fn (NULL: none); the error that ended the
 * read, or NULL at its end. transfer full */
static inline GError *trace_test_drain(KsTraceSource *src, TraceTestEventFunc fn, gpointer data) {
  GError *error = NULL;
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  while (ks_trace_source_next(src, &ev, &error))
    if (fn)
      fn(data, &ev);
  ks_trace_event_clear(&ev);
  return error;
}

/* Opens path with fmt and passes every event to fn; fails the test on an
 * error. Returns the count of bad rows skipped. */
static inline guint64 trace_test_read_all(const KsTraceFormat *fmt, const char *path,
                                          KsTraceBadRows mode, const char *const *params,
                                          TraceTestEventFunc fn, gpointer data) {
  KsTraceOpenOptions opts = {mode, params};
  GError *error = NULL;
  KsTraceSource *src = fmt->open(path, &opts, &error);
  if (!src || (error = trace_test_drain(src, fn, data)))
    fail_msg("%s", error->message);
  guint64 skipped = src->skipped;
  ks_trace_source_free(src);
  return skipped;
}

/* Reads src (freed here) to its end; fails the test (naming the case label)
 * unless the read stopped with exactly message want and error code. */
static inline void trace_test_expect_read_error(KsTraceSource *src /* transfer full */,
                                                const char *want, gint code, const char *label) {
  assert_non_null(src);
  GError *error = trace_test_drain(src, NULL, NULL);
  if (!error)
    fail_msg("case %s: no error", label);
  if (strcmp(error->message, want) != 0)
    fail_msg("case %s:\n got  %s\n want %s", label, error->message, want);
  assert_int_equal(error->code, code);
  g_error_free(error);
  ks_trace_source_free(src);
}

/* One event a hand-made trace must give next. */
typedef struct {
  KsTraceEventType type;
  gint64 time_us;
  const char *name; /* the pod's, the node's, else the event's own name */
} TraceTestExpected;

/* Reads the next event of src into ev; fails unless it is want. */
static inline void trace_test_expect_next(KsTraceSource *src, KsTraceEvent *ev,
                                          const TraceTestExpected *want) {
  GError *error = NULL;
  assert_true(ks_trace_source_next(src, ev, &error));
  assert_int_equal(ev->type, want->type);
  assert_int_equal(ev->time_us, want->time_us);
  const char *name = ev->pod ? ev->pod->name : ev->node ? ev->node->name : ev->name;
  assert_string_equal(name, want->name);
}

/* Fails unless src ends here without an error; then clears ev and frees src. */
static inline void trace_test_expect_end(KsTraceSource *src /* transfer full */, KsTraceEvent *ev) {
  GError *error = NULL;
  assert_false(ks_trace_source_next(src, ev, &error));
  assert_null(error);
  ks_trace_event_clear(ev);
  ks_trace_source_free(src);
}

/* Fails the test unless the two files hold the same bytes. */
static inline void trace_test_assert_same_file(const char *a, const char *b) {
  char *x = NULL, *y = NULL;
  gsize nx = 0, ny = 0;
  assert_true(g_file_get_contents(a, &x, &nx, NULL));
  assert_true(g_file_get_contents(b, &y, &ny, NULL));
  if (nx != ny || memcmp(x, y, nx) != 0)
    fail_msg("%s differs from %s", a, b);
  g_free(x);
  g_free(y);
}

/* trace_test_assert_same_file for each of the n names, under dir_a and dir_b. */
static inline void trace_test_assert_same_files(const char *dir_a, const char *dir_b,
                                                const char *const *names, gsize n) {
  for (gsize i = 0; i < n; i++) {
    char *a = g_build_filename(dir_a, names[i], NULL), *b = g_build_filename(dir_b, names[i], NULL);
    trace_test_assert_same_file(a, b);
    g_free(a);
    g_free(b);
  }
}

/* g_ptr_array_sort order of path strings. */
static inline gint trace_test_cmp_paths(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The paths of the files in dir, sorted. transfer full */
static inline GPtrArray *trace_test_files_of(const char *dir) {
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  GDir *gd = g_dir_open(dir, 0, NULL);
  assert_non_null(gd);
  for (const char *n; (n = g_dir_read_name(gd));)
    g_ptr_array_add(out, g_build_filename(dir, n, NULL));
  g_dir_close(gd);
  g_ptr_array_sort(out, trace_test_cmp_paths);
  return out;
}

/* Fails unless folder made holds the same file names, with the same bytes, as want. */
static inline void trace_test_assert_same_folder(const char *made, const char *want) {
  GPtrArray *mine = trace_test_files_of(made), *theirs = trace_test_files_of(want);
  assert_int_equal(mine->len, theirs->len);
  for (guint i = 0; i < mine->len; i++) {
    assert_string_equal(strrchr(g_ptr_array_index(mine, i), '/'),
                        strrchr(g_ptr_array_index(theirs, i), '/'));
    trace_test_assert_same_file(g_ptr_array_index(mine, i), g_ptr_array_index(theirs, i));
  }
  g_ptr_array_free(mine, TRUE);
  g_ptr_array_free(theirs, TRUE);
}

/* This process's resident set size in KiB (VmRSS), -1 when unknown. */
static inline gint64 trace_test_rss_kib(void) {
  char *status = NULL;
  gint64 kib = -1;
  if (g_file_get_contents("/proc/self/status", &status, NULL, NULL)) {
    const char *p = strstr(status, "VmRSS:");
    if (p)
      kib = g_ascii_strtoll(p + 6, NULL, 10);
  }
  g_free(status);
  return kib;
}

#endif
