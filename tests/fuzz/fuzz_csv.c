/* Fuzz target: any byte string is read as a CSV table (with a header, then
 * without) through traces/csv.h, and every field is read as an integer and
 * as a number. It must never crash, hang or leak; every error must be a
 * KS_TRACE_ERROR whose message starts with the file's path (the
 * "path:line: ..." form). The reader takes a path, so the input is written
 * to a temporary file first. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "traces/csv.h"
#include "traces/trace_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(GError *error, const char *path) {
  if (!error || error->domain != KS_TRACE_ERROR || !g_str_has_prefix(error->message, path))
    abort();
}

static void read_all(const char *path, gboolean header) {
  GError *error = NULL;
  KsCsvReader *r = ks_csv_open(path, header, &error);
  if (!r) {
    check_error(error, path);
    g_error_free(error);
    return;
  }
  const char *const names[] = {"a", "b", NULL};
  if (!header)
    ks_csv_set_columns(r, names);
  while (ks_csv_next(r, &error)) {
    guint n = ks_csv_n_fields(r);
    if (n == 0)
      abort();
    for (guint i = 0; i <= n; i++) {
      gint64 v;
      double d;
      if (!ks_csv_int64(r, i, &v, &error)) {
        check_error(error, path);
        g_clear_error(&error);
      }
      if (!ks_csv_double(r, i, &d, &error)) {
        check_error(error, path);
        g_clear_error(&error);
      }
    }
    (void)ks_csv_column(r, ks_csv_field(r, 0));
  }
  if (error) {
    check_error(error, path);
    g_error_free(error);
  }
  ks_csv_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *path = NULL;
  int fd = g_file_open_tmp("ksim-fuzz-csv-XXXXXX", &path, NULL);
  if (fd < 0)
    abort();
  gsize done = 0;
  while (done < size) {
    ssize_t w = write(fd, data + done, size - done);
    if (w <= 0)
      abort();
    done += (gsize)w;
  }
  close(fd);
  read_all(path, TRUE);
  read_all(path, FALSE);
  g_unlink(path);
  g_free(path);
  return 0;
}
