/* See image_catalog.h. The decoder walks the two fields with a small
 * context of its own (file, error) in the Scenario loader's style: each
 * mapping lists its known fields, explicit nulls count as absent. */
#include "workloads/image_catalog.h"

#include <string.h>

#include "sched/cache.h"
#include "sched/quantity.h"
#include "workloads/duration.h"

#define MAX_DURATION_US ((gint64)366 * 24 * 3600 * 1000000)

KsImageCatalog *ks_image_catalog_new(void) {
  KsImageCatalog *c = g_new0(KsImageCatalog, 1);
  c->sizes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  c->names = g_ptr_array_new();
  c->failures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  c->registry_latency_us = KS_IMAGE_DEFAULT_REGISTRY_LATENCY_US;
  c->container_start_us = KS_IMAGE_DEFAULT_CONTAINER_START_US;
  return c;
}

void ks_image_catalog_free(KsImageCatalog *c) {
  if (!c)
    return;
  g_ptr_array_free(c->names, TRUE); /* the strings belong to sizes */
  g_hash_table_destroy(c->sizes);
  g_hash_table_destroy(c->failures);
  g_free(c);
}

gint64 ks_image_catalog_size(const KsImageCatalog *c, const char *image) {
  char *name = ks_sched_normalize_image_name(image);
  const gint64 *size = g_hash_table_lookup(c->sizes, name);
  g_free(name);
  return size ? *size : -1;
}

const KsImageFailure *ks_image_catalog_failure(const KsImageCatalog *c, const char *image) {
  if (!c || g_hash_table_size(c->failures) == 0)
    return NULL;
  char *name = ks_sched_normalize_image_name(image);
  const KsImageFailure *f = g_hash_table_lookup(c->failures, name);
  g_free(name);
  return f;
}

gboolean ks_image_bandwidth_parse(const char *text, gint64 *out, GError **error) {
  gint64 v = 0;
  if (!ks_quantity_parse(text, &v, NULL, error))
    return FALSE;
  if (v <= 0) {
    g_set_error(error, KS_QUANTITY_ERROR, KS_QUANTITY_ERROR_RANGE,
                "\"%s\" must be greater than 0 (bytes per second)", text);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

gboolean ks_image_node_bandwidth(const KsNode *node, gint64 *out, GError **error) {
  const char *v = ks_labels_get(&node->annotations, KS_ANNOTATION_IMAGE_PULL_BANDWIDTH);
  *out = -1;
  if (!v)
    return TRUE;
  GError *inner = NULL;
  if (ks_image_bandwidth_parse(v, out, &inner))
    return TRUE;
  g_set_error(error, inner->domain, inner->code, "node %s: annotation %s: %s",
              node->name ? node->name : "(template)",
              KS_ANNOTATION_IMAGE_PULL_BANDWIDTH, inner->message);
  g_error_free(inner);
  return FALSE;
}

/* ---- decoding ------------------------------------------------------------ */

typedef struct {
  const char *file;
  GError **error;
} Dec;

static gboolean fail(Dec *d, const KsYamlNode *at, const char *path, const char *msg) {
  ks_yaml_set_error(d->error, d->file, at, path, "%s", msg);
  return FALSE;
}

static const KsYamlNode *get(const KsYamlNode *m, const char *key) {
  const KsYamlNode *v = ks_yaml_get(m, key);
  return v && !ks_yaml_is_null(v) ? v : NULL;
}

static gboolean check_fields(Dec *d, const KsYamlNode *m, const char *path,
                             const char *const *known) {
  if (m->kind != KS_YAML_MAPPING) {
    char *msg = g_strdup_printf("must be a mapping, not %s", ks_yaml_kind_name(m));
    fail(d, m, path, msg);
    g_free(msg);
    return FALSE;
  }
  for (guint i = 0; i < ks_yaml_len(m); i++) {
    const char *key = ks_yaml_key(m, i);
    if (key && g_strv_contains(known, key))
      continue;
    char *list = g_strjoinv(", ", (char **)known);
    char *p = g_strdup_printf("%s.%s", path, key ? key : "?");
    char *msg = g_strdup_printf("unknown field (known fields: %s)", list);
    fail(d, m->items->pdata[2 * i], p, msg);
    g_free(msg);
    g_free(p);
    g_free(list);
    return FALSE;
  }
  return TRUE;
}

/* A byte quantity >= 0 (> 0 when positive) at m[key]; untouched when absent. */
static gboolean read_bytes(Dec *d, const KsYamlNode *m, const char *path, const char *key,
                           gboolean required, gboolean positive, gint64 *out) {
  const KsYamlNode *v = get(m, key);
  char *p = g_strdup_printf("%s.%s", path, key);
  gboolean ok = TRUE;
  GError *inner = NULL;
  gint64 x = 0;
  if (!v)
    ok = !required || fail(d, m, p, "required field is missing");
  else if (v->kind != KS_YAML_SCALAR) {
    char *msg = g_strdup_printf("must be a quantity such as 50Mi, not %s", ks_yaml_kind_name(v));
    ok = fail(d, v, p, msg);
    g_free(msg);
  } else if (!ks_quantity_parse(v->scalar, &x, NULL, &inner))
    ok = fail(d, v, p, inner->message);
  else if (x < 0 || (positive && x == 0))
    ok = fail(d, v, p, positive ? "must be greater than 0" : "must not be negative");
  else
    *out = x;
  g_clear_error(&inner);
  g_free(p);
  return ok;
}

static gboolean read_duration(Dec *d, const KsYamlNode *m, const char *path, const char *key,
                              gint64 *out) {
  const KsYamlNode *v = get(m, key);
  if (!v)
    return TRUE;
  char *p = g_strdup_printf("%s.%s", path, key);
  GError *inner = NULL;
  gint64 x = 0;
  gboolean ok = FALSE;
  if (v->kind != KS_YAML_SCALAR) {
    char *msg = g_strdup_printf("must be a duration such as 30s, not %s", ks_yaml_kind_name(v));
    fail(d, v, p, msg);
    g_free(msg);
  } else if (!ks_duration_parse(v->scalar, &x, &inner))
    fail(d, v, p, inner->message);
  else if (x < 0)
    fail(d, v, p, "must not be negative");
  else if (x > MAX_DURATION_US) {
    char *bound = ks_duration_format(MAX_DURATION_US);
    char *msg = g_strdup_printf("must be at most %s", bound);
    fail(d, v, p, msg);
    g_free(msg);
    g_free(bound);
  } else {
    *out = x;
    ok = TRUE;
  }
  g_clear_error(&inner);
  g_free(p);
  return ok;
}

/* A probability 0..1 with at most 6 decimals ("0.25", "1", ".5"), in millionths. */
static gboolean parse_rate(const char *t, gint32 *ppm) {
  gint64 whole = 0, frac = 0;
  int digits = 0, fdigits = 0;
  const char *p = t;
  for (; g_ascii_isdigit(*p) && digits < 2; p++, digits++)
    whole = whole * 10 + (*p - '0');
  if (*p == '.') {
    for (p++; g_ascii_isdigit(*p) && fdigits < 7; p++, fdigits++)
      frac = frac * 10 + (*p - '0');
    if (fdigits == 0 || fdigits > 6)
      return FALSE;
  }
  if (*p || (digits == 0 && fdigits == 0))
    return FALSE;
  for (int i = fdigits; i < 6; i++)
    frac *= 10;
  gint64 v = whole * KS_IMAGE_FAILURE_RATE_SCALE + frac;
  if (v > KS_IMAGE_FAILURE_RATE_SCALE)
    return FALSE;
  *ppm = (gint32)v;
  return TRUE;
}

/* missing, availableAfter, pullFailureRate of one image; *any TRUE when set. */
static gboolean decode_failure(Dec *d, const KsYamlNode *m, const char *path, KsImageFailure *f,
                               gboolean *any) {
  const KsYamlNode *v = get(m, "missing");
  char *p = g_strdup_printf("%s.missing", path);
  gboolean ok = TRUE;
  if (v && (v->kind != KS_YAML_SCALAR || (strcmp(v->scalar, "true") && strcmp(v->scalar, "false"))))
    ok = fail(d, v, p, "must be true or false");
  else if (v)
    f->missing = !strcmp(v->scalar, "true");
  g_free(p);
  if (!ok || !read_duration(d, m, path, "availableAfter", &f->available_after_us))
    return FALSE;
  v = get(m, "pullFailureRate");
  if (v) {
    p = g_strdup_printf("%s.pullFailureRate", path);
    if (v->kind != KS_YAML_SCALAR || !parse_rate(v->scalar, &f->failure_rate_ppm))
      ok = fail(d, v, p, "must be a probability from 0 to 1 with at most 6 decimals, such as 0.25");
    g_free(p);
    if (!ok)
      return FALSE;
  }
  if (f->missing && (f->available_after_us > 0 || f->failure_rate_ppm > 0)) {
    p = g_strdup_printf("%s.missing", path);
    fail(d, get(m, "missing"), p,
         "a missing image never becomes available: drop availableAfter and pullFailureRate");
    g_free(p);
    return FALSE;
  }
  *any = f->missing || f->available_after_us > 0 || f->failure_rate_ppm > 0;
  return TRUE;
}

static gboolean decode_image(Dec *d, const KsYamlNode *m, const char *path, KsImageCatalog *c) {
  static const char *const known[] = {"name", "sizeBytes", "missing", "availableAfter",
                                      "pullFailureRate", NULL};
  if (!check_fields(d, m, path, known))
    return FALSE;
  const KsYamlNode *n = get(m, "name");
  char *p = g_strdup_printf("%s.name", path);
  gboolean ok = TRUE;
  if (!n)
    ok = fail(d, m, p, "required field is missing");
  else if (n->kind != KS_YAML_SCALAR)
    ok = fail(d, n, p, "must be a string");
  else if (!*n->scalar || strpbrk(n->scalar, " \t\n"))
    ok = fail(d, n, p, "must be an image reference without blanks");
  g_free(p);
  KsImageFailure f = {0};
  gboolean any = FALSE;
  if (!ok || !decode_failure(d, m, path, &f, &any))
    return FALSE;
  gint64 size = 0; /* a missing image has nothing to download: its size may be left out */
  if (!read_bytes(d, m, path, "sizeBytes", !f.missing, FALSE, &size))
    return FALSE;
  char *name = ks_sched_normalize_image_name(n->scalar);
  if (g_hash_table_contains(c->sizes, name)) {
    p = g_strdup_printf("%s.name", path);
    char *msg = g_strdup_printf("duplicate image \"%s\" (listed before as the same name)", name);
    fail(d, n, p, msg);
    g_free(msg);
    g_free(p);
    g_free(name);
    return FALSE;
  }
  gint64 *v = g_new(gint64, 1);
  *v = size;
  g_hash_table_insert(c->sizes, name, v);
  g_ptr_array_add(c->names, name);
  if (any)
    g_hash_table_insert(c->failures, g_strdup(name), g_memdup2(&f, sizeof f));
  return TRUE;
}

static gboolean decode_images(Dec *d, const KsYamlNode *seq, KsImageCatalog *c) {
  if (seq->kind != KS_YAML_SEQUENCE) {
    char *msg = g_strdup_printf("must be a sequence, not %s", ks_yaml_kind_name(seq));
    fail(d, seq, "spec.images", msg);
    g_free(msg);
    return FALSE;
  }
  if (ks_yaml_len(seq) > KS_IMAGE_CATALOG_MAX_IMAGES) {
    char *msg = g_strdup_printf("too many images (at most %d)", KS_IMAGE_CATALOG_MAX_IMAGES);
    fail(d, seq, "spec.images", msg);
    g_free(msg);
    return FALSE;
  }
  for (guint i = 0; i < ks_yaml_len(seq); i++) {
    char *p = g_strdup_printf("spec.images[%u]", i);
    gboolean ok = decode_image(d, ks_yaml_item(seq, i), p, c);
    g_free(p);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

static gboolean decode_pulls(Dec *d, const KsYamlNode *m, KsImageCatalog *c) {
  static const char *const known[] = {"defaultImageSize", "bandwidth", "registryLatency",
                                      "containerStartTime", NULL};
  const char *path = "spec.imagePulls";
  return check_fields(d, m, path, known) &&
         read_bytes(d, m, path, "defaultImageSize", FALSE, FALSE, &c->default_size_bytes) &&
         read_bytes(d, m, path, "bandwidth", FALSE, TRUE, &c->bandwidth) &&
         read_duration(d, m, path, "registryLatency", &c->registry_latency_us) &&
         read_duration(d, m, path, "containerStartTime", &c->container_start_us);
}

gboolean ks_image_catalog_decode(const KsYamlNode *spec, const char *file, KsImageCatalog **out,
                                 GError **error) {
  Dec d = {file, error};
  const KsYamlNode *images = get(spec, "images"), *pulls = get(spec, "imagePulls");
  *out = NULL;
  if (!images && !pulls)
    return TRUE;
  KsImageCatalog *c = ks_image_catalog_new();
  if ((images && !decode_images(&d, images, c)) || (pulls && !decode_pulls(&d, pulls, c))) {
    ks_image_catalog_free(c);
    return FALSE;
  }
  *out = c;
  return TRUE;
}
