/* Typed field readers for the manifest decoders (see manifest_decode.h).
 *
 * These mirror what upstream's JSON decoding accepts after sigs.k8s.io/yaml
 * has turned YAML into JSON, with two deliberate leniencies that cannot
 * change a manifest's meaning: an unquoted scalar is accepted where a string
 * is expected (`version: 1` as a label value), and YAML null is "absent".
 * Integers must be written as integers: a quoted "5" for a number field is
 * an error, as it is for the API server.
 */
#include "workloads/manifest_decode.h"

#include <string.h>

static gboolean is_plain_key(const char *k) {
  if (!*k)
    return FALSE;
  for (const char *p = k; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

gsize ks_dec_push_field(KsDec *d, const char *name) {
  gsize mark = d->path->len;
  if (is_plain_key(name))
    g_string_append_printf(d->path, "%s%s", d->path->len ? "." : "", name);
  else
    g_string_append_printf(d->path, "[%s]", name); /* label keys like app.kubernetes.io/name */
  return mark;
}

gsize ks_dec_push_index(KsDec *d, guint i) {
  gsize mark = d->path->len;
  g_string_append_printf(d->path, "[%u]", i);
  return mark;
}

void ks_dec_pop(KsDec *d, gsize mark) {
  g_string_truncate(d->path, mark);
}

gboolean ks_dec_fail(KsDec *d, const KsYamlNode *at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  ks_yaml_set_error(d->error, d->file, at, d->path->str, "%s", msg);
  g_free(msg);
  return FALSE;
}

gboolean ks_dec_missing(KsDec *d, const KsYamlNode *parent, const char *field) {
  gsize mark = ks_dec_push_field(d, field);
  ks_dec_fail(d, parent, "required field is missing");
  ks_dec_pop(d, mark);
  return FALSE;
}

gboolean ks_dec_is_absent(const KsYamlNode *n) {
  return !n || ks_yaml_is_null(n);
}

/* How a wrong node is named in "expected X, got Y". */
static char *describe(const KsYamlNode *n) {
  if (n->kind != KS_YAML_SCALAR)
    return g_strdup(ks_yaml_kind_name(n));
  return g_strdup_printf(n->quoted ? "the string \"%s\"" : "\"%s\"", n->scalar);
}

static gboolean wrong_type(KsDec *d, const KsYamlNode *n, const char *expected) {
  char *got = describe(n);
  ks_dec_fail(d, n, "expected %s, got %s", expected, got);
  g_free(got);
  return FALSE;
}

gboolean ks_dec_expect_mapping(KsDec *d, const KsYamlNode *n) {
  return ks_dec_is_absent(n) || n->kind == KS_YAML_MAPPING || wrong_type(d, n, "a mapping");
}

gboolean ks_dec_expect_sequence(KsDec *d, const KsYamlNode *n) {
  return ks_dec_is_absent(n) || n->kind == KS_YAML_SEQUENCE || wrong_type(d, n, "a sequence");
}

gboolean ks_dec_scalar(KsDec *d, const KsYamlNode *n, const char **out) {
  if (n->kind != KS_YAML_SCALAR)
    return wrong_type(d, n, "a string");
  *out = n->scalar;
  return TRUE;
}

gboolean ks_dec_string(KsDec *d, const KsYamlNode *m, const char *key, char **out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  const char *s = NULL;
  gboolean ok = ks_dec_scalar(d, n, &s);
  ks_dec_pop(d, mark);
  if (ok) {
    g_free(*out);
    *out = g_strdup(s);
  }
  return ok;
}

gboolean ks_dec_required_string(KsDec *d, const KsYamlNode *m, const char *key, char **out) {
  if (!ks_dec_string(d, m, key, out))
    return FALSE;
  if (!*out || !**out)
    return ks_dec_missing(d, m, key);
  return TRUE;
}

static gboolean parse_integer(KsDec *d, const KsYamlNode *n, gint64 min, gint64 max,
                              gint64 *out) {
  if (n->kind != KS_YAML_SCALAR || n->quoted)
    return wrong_type(d, n, "an integer");
  const char *s = n->scalar;
  const char *digits = (*s == '-' || *s == '+') ? s + 1 : s;
  if (!*digits || strspn(digits, "0123456789") != strlen(digits))
    return ks_dec_fail(d, n, "\"%s\" is not an integer", s);
  guint64 mag = 0;
  for (const char *p = digits; *p; p++) {
    if (mag > (G_MAXUINT64 - 9) / 10)
      return ks_dec_fail(d, n, "%s is out of range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                         s, min, max);
    mag = mag * 10 + (guint64)(*p - '0');
  }
  gboolean neg = *s == '-';
  if ((!neg && mag > (guint64)max) || (neg && mag > (guint64)-(min + 1) + 1))
    return ks_dec_fail(d, n, "%s is out of range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]", s,
                       min, max);
  *out = neg ? (gint64)(0 - mag) : (gint64)mag;
  return TRUE;
}

static gboolean read_integer(KsDec *d, const KsYamlNode *m, const char *key, gint64 min,
                             gint64 max, gint64 *out, gboolean *present) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = parse_integer(d, n, min, max, out);
  ks_dec_pop(d, mark);
  if (ok && present)
    *present = TRUE;
  return ok;
}

gboolean ks_dec_int32(KsDec *d, const KsYamlNode *m, const char *key, gint32 *out,
                      gboolean *present) {
  gint64 v = *out;
  if (!read_integer(d, m, key, G_MININT32, G_MAXINT32, &v, present))
    return FALSE;
  *out = (gint32)v;
  return TRUE;
}

gboolean ks_dec_int64(KsDec *d, const KsYamlNode *m, const char *key, gint64 *out,
                      gboolean *present) {
  return read_integer(d, m, key, G_MININT64, G_MAXINT64, out, present);
}

/* YAML 1.1 booleans, as sigs.k8s.io/yaml (go-yaml v2) resolves them. */
gboolean ks_dec_bool(KsDec *d, const KsYamlNode *m, const char *key, gboolean *out) {
  static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = FALSE;
  if (n->kind != KS_YAML_SCALAR || n->quoted) {
    wrong_type(d, n, "a boolean (true or false)");
  } else {
    for (guint i = 0; i < G_N_ELEMENTS(yes) && !ok; i++) {
      if (!strcmp(n->scalar, yes[i]))
        *out = ok = TRUE;
      else if (!strcmp(n->scalar, no[i])) {
        *out = FALSE;
        ok = TRUE;
      }
    }
    if (!ok)
      ks_dec_fail(d, n, "\"%s\" is not a boolean (true or false)", n->scalar);
  }
  ks_dec_pop(d, mark);
  return ok;
}

gboolean ks_dec_string_list(KsDec *d, const KsYamlNode *m, const char *key, char ***out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_sequence(d, n);
  GStrvBuilder *b = g_strv_builder_new();
  for (guint i = 0; ok && i < ks_yaml_len(n); i++) {
    const KsYamlNode *it = ks_yaml_item(n, i);
    const char *s = NULL;
    gsize im = ks_dec_push_index(d, i);
    ok = ks_dec_scalar(d, it, &s);
    ks_dec_pop(d, im);
    if (ok)
      g_strv_builder_add(b, s);
  }
  ks_dec_pop(d, mark);
  if (ok) {
    g_strfreev(*out);
    *out = g_strv_builder_end(b);
  }
  g_strv_builder_unref(b);
  return ok;
}

gboolean ks_dec_labels(KsDec *d, const KsYamlNode *m, const char *key, KsLabels *out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_mapping(d, n);
  for (guint i = 0; ok && i < ks_yaml_len(n); i++) {
    const KsYamlNode *v = ks_yaml_value(n, i);
    const char *s = "";
    gsize km = ks_dec_push_field(d, ks_yaml_key(n, i));
    ok = ks_dec_is_absent(v) || ks_dec_scalar(d, v, &s);
    ks_dec_pop(d, km);
    if (ok)
      ks_labels_set(out, ks_yaml_key(n, i), s);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean quantity_text(KsDec *d, const KsYamlNode *v, const char **out) {
  if (ks_dec_is_absent(v) || v->kind != KS_YAML_SCALAR)
    return wrong_type(d, v, "a quantity");
  *out = v->scalar;
  return TRUE;
}

gboolean ks_dec_resources(KsDec *d, const KsYamlNode *m, const char *key, KsResourceList *out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_mapping(d, n);
  for (guint i = 0; ok && i < ks_yaml_len(n); i++) {
    const KsYamlNode *v = ks_yaml_value(n, i);
    const char *name = ks_yaml_key(n, i), *text = NULL;
    gsize km = ks_dec_push_field(d, name);
    GError *qerr = NULL;
    ok = quantity_text(d, v, &text);
    if (ok && !ks_resource_list_set_quantity(out, name, text, &qerr)) {
      ok = ks_dec_fail(d, v, "%s", qerr->message);
      g_error_free(qerr);
    }
    ks_dec_pop(d, km);
  }
  ks_dec_pop(d, mark);
  return ok;
}

gboolean ks_dec_quantity_value(KsDec *d, const KsYamlNode *m, const char *key, gint64 *out) {
  const KsYamlNode *v = ks_yaml_get(m, key);
  if (ks_dec_is_absent(v))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  const char *text = NULL;
  GError *qerr = NULL;
  gboolean ok = quantity_text(d, v, &text);
  if (ok && !ks_quantity_parse(text, out, NULL, &qerr)) {
    ok = ks_dec_fail(d, v, "%s", qerr->message);
    g_error_free(qerr);
  }
  ks_dec_pop(d, mark);
  return ok;
}

/* n digits at s, as an integer; -1 if any is not a digit. */
static int digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* RFC 3339 (Go's time.RFC3339Nano, what metav1.Time accepts):
 * YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm). */
static gboolean parse_rfc3339(const char *s, gint64 *out_us) {
  if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':')
    return FALSE;
  int Y = digits(s, 4), M = digits(s + 5, 2), D = digits(s + 8, 2);
  int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
  if (Y < 0 || M < 0 || D < 0 || h < 0 || mi < 0 || sec < 0 || sec > 59)
    return FALSE;
  const char *p = s + 19;
  gint64 frac_us = 0, scale = 100000;
  if (*p == '.') {
    p++;
    if (*p < '0' || *p > '9')
      return FALSE;
    for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
      frac_us += scale * (*p - '0'); /* digits past microseconds add 0 */
  }
  int offset_min = 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
    int oh = digits(p + 1, 2), om = digits(p + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59)
      return FALSE;
    offset_min = (*p == '-' ? -1 : 1) * (oh * 60 + om);
    p += 6;
  } else {
    return FALSE;
  }
  if (*p)
    return FALSE;
  GDateTime *dt = g_date_time_new_utc(Y, M, D, h, mi, sec);
  if (!dt)
    return FALSE; /* glib validates the calendar (month 13, Feb 30, ...) */
  *out_us = (g_date_time_to_unix(dt) - (gint64)offset_min * 60) * G_USEC_PER_SEC + frac_us;
  g_date_time_unref(dt);
  return TRUE;
}

gboolean ks_dec_timestamp(KsDec *d, const KsYamlNode *m, const char *key, gint64 *out_us) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  const char *s = NULL;
  gboolean ok = ks_dec_scalar(d, n, &s);
  if (ok && !parse_rfc3339(s, out_us))
    ok = ks_dec_fail(d, n, "\"%s\" is not an RFC 3339 timestamp (e.g. 2024-01-15T10:00:00Z)", s);
  ks_dec_pop(d, mark);
  return ok;
}
