/* The Job controller's pure arithmetic (declared in job.h): back-off,
 * wanted active pods, completed-index strings, generated names. Kept apart
 * from job.c so the numbers can be tested without a store. */
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/controller_utils.h"
#include "sim/controllers/job.h"

gint64 ks_job_backoff_us(gint32 failures) {
  if (failures <= 0)
    return 0;
  gint64 d = KS_JOB_POD_FAILURE_BACKOFF_US;
  for (gint32 i = 1; i < failures; i++) {
    d *= 2;
    if (d >= KS_JOB_POD_FAILURE_BACKOFF_MAX_US)
      return KS_JOB_POD_FAILURE_BACKOFF_MAX_US;
  }
  return d;
}

gint64 ks_job_backoff_remaining_us(gint32 failures, gint64 last_failure_us, gint64 now_us) {
  gint64 d = ks_job_backoff_us(failures), elapsed = now_us - last_failure_us;
  if (d == 0 || d < elapsed)
    return 0;
  return d - elapsed;
}

gint32 ks_job_want_active(gint32 parallelism, gint32 completions, gint32 succeeded,
                          gint32 active) {
  if (completions < 0)
    return succeeded > 0 ? active : parallelism;
  gint32 want = completions - succeeded;
  return CLAMP(want, 0, parallelism);
}

char *ks_job_format_indexes(const gint32 *sorted, guint n) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < n;) {
    guint j = i;
    while (j + 1 < n && sorted[j + 1] == sorted[j] + 1)
      j++;
    if (s->len)
      g_string_append_c(s, ',');
    g_string_append_printf(s, "%d", sorted[i]);
    if (j > i)
      g_string_append_printf(s, "%c%d", j == i + 1 ? ',' : '-', sorted[j]);
    i = j + 1;
  }
  return g_string_free(s, FALSE);
}

static gint cmp_int32(gconstpointer a, gconstpointer b) {
  gint32 x = *(const gint32 *)a, y = *(const gint32 *)b;
  return (x > y) - (x < y);
}

static gboolean parse_index(const char *s, gint64 *out) {
  return *s && g_ascii_string_to_signed(s, 10, 0, G_MAXINT32, out, NULL);
}

GArray *ks_job_parse_indexes(const char *s, gint32 completions) {
  GArray *out = g_array_new(FALSE, FALSE, sizeof(gint32));
  if (!s || !*s)
    return out;
  char **parts = g_strsplit(s, ",", -1);
  for (guint i = 0; parts[i]; i++) {
    char **lim = g_strsplit(parts[i], "-", -1);
    guint n = g_strv_length(lim);
    gint64 x = 0, y = 0;
    if ((n == 1 || n == 2) && parse_index(lim[0], &x) && (n == 1 || parse_index(lim[1], &y))) {
      if (n == 1)
        y = x;
      for (gint64 v = x; v <= y && v < completions; v++) {
        gint32 v32 = (gint32)v;
        g_array_append_val(out, v32);
      }
    }
    g_strfreev(lim);
  }
  g_strfreev(parts);
  g_array_sort(out, cmp_int32);
  /* drop duplicates */
  guint w = 0;
  for (guint r = 0; r < out->len; r++)
    if (w == 0 || g_array_index(out, gint32, r) != g_array_index(out, gint32, w - 1))
      g_array_index(out, gint32, w++) = g_array_index(out, gint32, r);
  g_array_set_size(out, w);
  return out;
}

#define MAX_GENERATED_NAME_LENGTH 58 /* 63 - 5 random characters */

char *ks_job_generate_name(const char *base, KsRng *rng) {
  return ks_controller_generate_name(rng, base);
}

char *ks_job_pod_generate_name(const char *job, gint32 index) {
  if (index < 0)
    return g_strconcat(job, "-", NULL);
  char *suffix = g_strdup_printf("-%d-", index);
  gsize keep = strlen(job);
  if (keep + strlen(suffix) > MAX_GENERATED_NAME_LENGTH)
    keep = MAX_GENERATED_NAME_LENGTH - strlen(suffix);
  char *out = g_strdup_printf("%.*s%s", (int)keep, job, suffix);
  g_free(suffix);
  return out;
}
