/* Fuzz target: any byte string is parsed as a quantity (and as a cpu and a
 * memory quantity), and whatever parses is formatted and parsed back. It
 * must never crash, hang or leak, and a parsed value must survive the
 * format/parse round trip unchanged. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched/quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(gint64 value, gint64 milli) {
  char *s = ks_quantity_format_value(value, value % 1024 == 0);
  gint64 back = 0;
  if (!ks_quantity_parse(s, &back, NULL, NULL) || back != value)
    abort();
  g_free(s);
  s = ks_quantity_format_milli(milli);
  if (!ks_quantity_parse(s, NULL, &back, NULL) || back != milli)
    abort();
  g_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = g_strndup((const char *)data, size); /* stops at an embedded NUL */
  gint64 value = 0, milli = 0;
  GError *error = NULL;
  if (ks_quantity_parse(s, &value, &milli, &error))
    round_trip(value, milli);
  else if (error == NULL || error->message == NULL || error->domain != KS_QUANTITY_ERROR)
    abort();
  g_clear_error(&error);
  gint64 v;
  if (!ks_quantity_parse_for_resource("cpu", s, &v, &error))
    g_clear_error(&error);
  if (!ks_quantity_parse_for_resource("memory", s, &v, &error))
    g_clear_error(&error);
  g_free(s);
  return 0;
}
