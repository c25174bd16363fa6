/* The Scenario loader (format: docs/formats.md; API: scenario.h).
 *
 * The file is parsed once into a KsYamlNode tree (yaml_doc.c), then walked by
 * one small function per Scenario type, each taking the field path of its
 * node so every error reads "file:line:column: spec.nodePools[0].count: ...".
 * Fields are read in a fixed order, not file order, so that later checks can
 * rely on earlier values (a workload's `at` is checked against
 * spec.duration wherever the two appear in the file).
 *
 * Strictness: the Scenario's own mappings list their known fields and any
 * other key is an error naming the key; the Kubernetes objects it carries
 * (templates, inline objects, manifest files) go to the manifest decoders,
 * which ignore unknown fields as the API server does. Explicit nulls count as
 * absent, as in Kubernetes.
 *
 * Ownership: everything decoded goes straight into the KsScenario being
 * built; on the first error the whole scenario is freed, so a caller never
 * sees a partial one.
 */
#include "workloads/scenario.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "workloads/annotations.h"
#include "workloads/duration.h"
#include "workloads/manifest_decode.h"

typedef struct {
  const char *file;     /* display name for messages */
  const char *base_dir; /* manifest paths are relative to it */
  KsScenario *s;
  guint manifest_files; /* counted against KS_SCENARIO_MAX_MANIFEST_FILES */
  guint64 nodes;        /* counted against KS_SCENARIO_MAX_NODES */
  GHashTable *names;    /* "pool:<name>", "prefix:<p>", "gen:<name>", "pods:<ns>/<name>" */
  GError **error;
} Loader;

/* ---- paths and errors ---------------------------------------------------- */

static char *field_path(const char *parent, const char *key) {
  return parent && *parent ? g_strdup_printf("%s.%s", parent, key) : g_strdup(key);
}

static char *item_path(const char *parent, guint i) { return g_strdup_printf("%s[%u]", parent, i); }

static gboolean fail(Loader *L, const KsYamlNode *at, const char *path, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static gboolean fail(Loader *L, const KsYamlNode *at, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  ks_yaml_set_error(L->error, L->file, at, path, "%s", msg);
  g_free(msg);
  return FALSE;
}

/* An error about field `key` of mapping m (at the field's value). */
static gboolean fail_at(Loader *L, const KsYamlNode *m, const char *path, const char *key,
                        const char *msg) {
  char *p = field_path(path, key);
  fail(L, ks_yaml_get(m, key) ? ks_yaml_get(m, key) : m, p, "%s", msg);
  g_free(p);
  return FALSE;
}

/* ---- generic field readers ---------------------------------------------- */

static gboolean expect_mapping(Loader *L, const KsYamlNode *n, const char *path) {
  if (n && n->kind == KS_YAML_MAPPING)
    return TRUE;
  return fail(L, n, path, "must be a mapping, not %s", ks_yaml_kind_name(n));
}

/* Rejects keys outside `known` (NULL-terminated), naming the first stranger. */
static gboolean check_fields(Loader *L, const KsYamlNode *m, const char *path,
                             const char *const *known) {
  for (guint i = 0; i < ks_yaml_len(m); i++) {
    const char *key = ks_yaml_key(m, i);
    const KsYamlNode *key_node = m->items->pdata[2 * i];
    if (key && g_strv_contains(known, key))
      continue;
    char *list = g_strjoinv(", ", (char **)known);
    char *p = field_path(path, key ? key : "?");
    fail(L, key_node, p, "unknown field (known fields: %s)", list);
    g_free(p);
    g_free(list);
    return FALSE;
  }
  return TRUE;
}

/* The value of `key`, or NULL when absent or null. */
static const KsYamlNode *get(const KsYamlNode *m, const char *key) {
  const KsYamlNode *v = ks_yaml_get(m, key);
  return v && !ks_yaml_is_null(v) ? v : NULL;
}

static gboolean missing(Loader *L, const KsYamlNode *m, const char *path, const char *key) {
  char *p = field_path(path, key);
  fail(L, m, p, "required field is missing");
  g_free(p);
  return FALSE;
}

static gboolean scalar_text(Loader *L, const KsYamlNode *v, const char *path, const char **out) {
  if (v->kind != KS_YAML_SCALAR)
    return fail(L, v, path, "must be a string, not %s", ks_yaml_kind_name(v));
  *out = v->scalar;
  return TRUE;
}

/* A string field; *out stays NULL when absent and not required. */
static gboolean read_string(Loader *L, const KsYamlNode *m, const char *path, const char *key,
                            gboolean required, const char **out) {
  const KsYamlNode *v = get(m, key);
  *out = NULL;
  if (!v)
    return required ? missing(L, m, path, key) : TRUE;
  char *p = field_path(path, key);
  gboolean ok = scalar_text(L, v, p, out);
  if (ok && !**out)
    ok = fail(L, v, p, "must not be empty");
  g_free(p);
  return ok;
}

/* A plain decimal integer in [min, max]; `what` completes "must be ...". */
static gboolean read_uint(Loader *L, const KsYamlNode *m, const char *path, const char *key,
                          guint64 min, guint64 max, const char *what, guint64 *out) {
  const KsYamlNode *v = get(m, key);
  if (!v)
    return TRUE;
  char *p = field_path(path, key);
  guint64 x = 0;
  gboolean ok = v->kind == KS_YAML_SCALAR && !v->quoted && v->scalar[0] &&
                strspn(v->scalar, "0123456789") == strlen(v->scalar) &&
                g_ascii_string_to_unsigned(v->scalar, 10, 0, G_MAXUINT64, &x, NULL);
  if (!ok || x < min)
    fail(L, v, p, "must be %s", what);
  else if (x > max)
    fail(L, v, p, "must be at most %" G_GUINT64_FORMAT, max);
  else
    *out = x;
  g_free(p);
  return ok && x >= min && x <= max;
}

static gboolean read_double(Loader *L, const KsYamlNode *m, const char *path, const char *key,
                            gboolean required, double *out) {
  const KsYamlNode *v = get(m, key);
  if (!v)
    return required ? missing(L, m, path, key) : TRUE;
  char *p = field_path(path, key);
  char *end = NULL;
  double x = 0;
  gboolean ok = v->kind == KS_YAML_SCALAR && !v->quoted && v->scalar[0];
  if (ok) {
    x = g_ascii_strtod(v->scalar, &end);
    ok = *end == '\0' && isfinite(x);
  }
  if (ok)
    *out = x;
  else
    fail(L, v, p, "must be a number");
  g_free(p);
  return ok;
}

/* A Go duration in [min_us, max_us]; *out untouched when absent. */
static gboolean read_duration(Loader *L, const KsYamlNode *m, const char *path, const char *key,
                              gboolean required, gint64 min_us, gint64 max_us, gint64 *out) {
  const KsYamlNode *v = get(m, key);
  if (!v)
    return required ? missing(L, m, path, key) : TRUE;
  char *p = field_path(path, key);
  GError *inner = NULL;
  gint64 x = 0;
  gboolean ok = FALSE;
  if (v->kind != KS_YAML_SCALAR)
    fail(L, v, p, "must be a duration such as 30s, not %s", ks_yaml_kind_name(v));
  else if (!ks_duration_parse(v->scalar, &x, &inner))
    fail(L, v, p, "%s", inner->message);
  else if (x < min_us || x > max_us) {
    char *bound = ks_duration_format(x < min_us ? min_us : max_us);
    if (x < min_us && min_us == 1)
      fail(L, v, p, "must be greater than 0");
    else
      fail(L, v, p, "must be at %s %s", x < min_us ? "least" : "most", bound);
    g_free(bound);
  } else {
    *out = x;
    ok = TRUE;
  }
  g_clear_error(&inner);
  g_free(p);
  return ok;
}

/* An optional time in the run: before spec.duration, else it would never happen. */
static gboolean read_before_end(Loader *L, const KsYamlNode *m, const char *path, const char *key,
                                gint64 *out) {
  if (!read_duration(L, m, path, key, FALSE, 0, KS_SCENARIO_MAX_DURATION_US, out))
    return FALSE;
  if (*out < L->s->duration_us)
    return TRUE;
  char *p = field_path(path, key);
  char *end = ks_duration_format(L->s->duration_us);
  fail(L, get(m, key), p, "must be before the end of the run (spec.duration: %s)", end);
  g_free(end);
  g_free(p);
  return FALSE;
}

/* Like read_duration for a lognormal unit, which may be a bare unit ("s"). */
static gboolean read_unit(Loader *L, const KsYamlNode *m, const char *path, gint64 *out) {
  const KsYamlNode *v = get(m, "unit");
  if (v && v->kind == KS_YAML_SCALAR && v->scalar[0] && !g_ascii_isdigit(v->scalar[0])) {
    char *with_one = g_strconcat("1", v->scalar, NULL);
    gboolean ok = ks_duration_parse(with_one, out, NULL) && *out > 0;
    g_free(with_one);
    if (ok)
      return TRUE;
  }
  return read_duration(L, m, path, "unit", FALSE, 1, KS_SCENARIO_MAX_DURATION_US, out);
}

static gboolean expect_sequence(Loader *L, const KsYamlNode *m, const char *path, const char *key,
                                guint max, const KsYamlNode **out) {
  const KsYamlNode *v = get(m, key);
  *out = v;
  if (!v)
    return TRUE;
  char *p = field_path(path, key);
  gboolean ok = FALSE;
  if (v->kind != KS_YAML_SEQUENCE)
    fail(L, v, p, "must be a sequence, not %s", ks_yaml_kind_name(v));
  else if (ks_yaml_len(v) > max)
    fail(L, v, p, "has %u items; at most %u are allowed", ks_yaml_len(v), max);
  else
    ok = TRUE;
  g_free(p);
  return ok;
}

/* DNS-1123 label (maxlen 63) or subdomain (dots allowed, maxlen 253). */
static gboolean is_dns_name(const char *s, gsize maxlen, gboolean dots) {
  gsize n = strlen(s);
  if (n == 0 || n > maxlen)
    return FALSE;
  for (gsize i = 0; i < n; i++) {
    char c = s[i];
    gboolean alnum = g_ascii_islower(c) || g_ascii_isdigit(c);
    gboolean edge = i == 0 || i == n - 1;
    if (!alnum && (edge || !(c == '-' || (dots && c == '.'))))
      return FALSE;
  }
  return TRUE;
}

/* Records `key` in the loader's name set; FALSE if it was there already. */
static gboolean claim_name(Loader *L, const char *kind, const char *name) {
  char *key = g_strdup_printf("%s:%s", kind, name);
  if (g_hash_table_contains(L->names, key)) {
    g_free(key);
    return FALSE;
  }
  g_hash_table_add(L->names, key);
  return TRUE;
}

/* A template's `kind` (and apiVersion) when given must be what we expect. */
static gboolean check_kind(Loader *L, const KsYamlNode *t, const char *path, const char *kind) {
  const char *k = NULL, *api = NULL;
  if (!read_string(L, t, path, "kind", FALSE, &k) ||
      !read_string(L, t, path, "apiVersion", FALSE, &api))
    return FALSE;
  if (k && strcmp(k, kind)) {
    char *p = field_path(path, "kind");
    fail(L, get(t, "kind"), p, "must be %s, not \"%s\"", kind, k);
    g_free(p);
    return FALSE;
  }
  if (api && strcmp(api, "v1")) {
    char *p = field_path(path, "apiVersion");
    fail(L, get(t, "apiVersion"), p, "must be v1, not \"%s\"", api);
    g_free(p);
    return FALSE;
  }
  return TRUE;
}

/* ---- node pools ---------------------------------------------------------- */

static void node_pool_free(gpointer p) {
  KsNodePool *pool = p;
  g_free(pool->name);
  g_free(pool->prefix);
  g_free(pool->kubelet_config);
  if (pool->template)
    ks_node_unref(pool->template);
  g_free(pool);
}

KsNode *ks_node_pool_instantiate(const KsNodePool *pool, guint i) {
  KsNode *n = ks_node_copy(pool->template);
  g_free(n->name);
  n->name = g_strdup_printf("%s-%u", pool->prefix, i);
  ks_labels_set(&n->labels, KS_LABEL_HOSTNAME, n->name);
  return n;
}

static gboolean pool_name(Loader *L, const KsYamlNode *m, const char *path, KsNodePool *pool) {
  const char *name = NULL;
  if (!read_string(L, m, path, "name", TRUE, &name))
    return FALSE;
  char *p = field_path(path, "name");
  gboolean ok = FALSE;
  if (!is_dns_name(name, 63, FALSE))
    fail(L, get(m, "name"), p,
         "\"%s\" is not a valid pool name (lower-case letters, digits and '-', at most 63)", name);
  else if (!claim_name(L, "pool", name))
    fail(L, get(m, "name"), p, "duplicate node pool name \"%s\"", name);
  else {
    pool->name = g_strdup(name);
    ok = TRUE;
  }
  g_free(p);
  return ok;
}

static gboolean pool_count(Loader *L, const KsYamlNode *m, const char *path, KsNodePool *pool) {
  guint64 count = 0;
  if (!get(m, "count"))
    return missing(L, m, path, "count");
  if (!read_uint(L, m, path, "count", 1, KS_SCENARIO_MAX_POOL_NODES, "a positive integer", &count))
    return FALSE;
  if (L->nodes + count > KS_SCENARIO_MAX_NODES) {
    char *p = field_path(path, "count");
    fail(L, get(m, "count"), p, "the node pools would hold more than %d nodes in all",
         KS_SCENARIO_MAX_NODES);
    g_free(p);
    return FALSE;
  }
  L->nodes += count;
  pool->count = (guint)count;
  return TRUE;
}

/* A node template may leave metadata.name out (the nodes are then named
 * after the pool), but the manifest decoder, rightly for a real Node, wants
 * one. So an unnamed template is decoded through a view of it whose metadata
 * has name: <pool>. The view borrows every original node; only the few nodes
 * and arrays made here are freed by named_view_free. */
typedef struct {
  KsYamlNode root, metadata, key, value, name_key;
} NamedView;

static void view_node(KsYamlNode *n, const KsYamlNode *like, KsYamlKind kind, const char *text) {
  memset(n, 0, sizeof *n);
  n->kind = kind;
  n->line = like->line;
  n->column = like->column;
  n->scalar = (char *)text;
  n->expanded = 1;
  if (kind != KS_YAML_SCALAR)
    n->items = g_ptr_array_new();
}

static const KsYamlNode *named_view(NamedView *v, const KsYamlNode *t, const char *name) {
  const KsYamlNode *md = get(t, "metadata");
  if (md && (md->kind != KS_YAML_MAPPING || get(md, "name")))
    return t; /* named already, or broken: the decoder reports it */
  view_node(&v->root, t, KS_YAML_MAPPING, NULL);
  view_node(&v->metadata, md ? md : t, KS_YAML_MAPPING, NULL);
  view_node(&v->key, t, KS_YAML_SCALAR, "metadata");
  view_node(&v->name_key, t, KS_YAML_SCALAR, "name");
  view_node(&v->value, t, KS_YAML_SCALAR, name);
  for (guint i = 0; i < ks_yaml_len(t); i++)
    if (g_strcmp0(ks_yaml_key(t, i), "metadata")) {
      g_ptr_array_add(v->root.items, t->items->pdata[2 * i]);
      g_ptr_array_add(v->root.items, t->items->pdata[2 * i + 1]);
    }
  g_ptr_array_add(v->root.items, &v->key);
  g_ptr_array_add(v->root.items, &v->metadata);
  for (guint i = 0; md && i < md->items->len; i++)
    g_ptr_array_add(v->metadata.items, md->items->pdata[i]);
  g_ptr_array_add(v->metadata.items, &v->name_key);
  g_ptr_array_add(v->metadata.items, &v->value);
  return &v->root;
}

static void named_view_free(NamedView *v, const KsYamlNode *used) {
  if (used != &v->root)
    return;
  g_ptr_array_free(v->root.items, TRUE);
  g_ptr_array_free(v->metadata.items, TRUE);
}

static KsNode *decode_node_template(Loader *L, const KsYamlNode *t, const char *path,
                                    const char *pool_name) {
  NamedView v;
  const KsYamlNode *n = named_view(&v, t, pool_name);
  KsNode *node = ks_manifest_decode_node(n, L->file, path, L->error);
  named_view_free(&v, n);
  return node;
}

static gboolean pool_template(Loader *L, const KsYamlNode *m, const char *path, KsNodePool *pool) {
  const KsYamlNode *t = get(m, "template");
  if (!t)
    return missing(L, m, path, "template");
  char *p = field_path(path, "template");
  gboolean ok = expect_mapping(L, t, p) && check_kind(L, t, p, "Node") &&
                (pool->template = decode_node_template(L, t, p, pool->name)) != NULL;
  if (ok) {
    pool->prefix = g_strdup(pool->template->name);
    ks_labels_set(&pool->template->labels, KS_LABEL_NODE_POOL, pool->name);
    if (!is_dns_name(pool->prefix, 240, TRUE))
      ok = fail(L, t, p, "node name prefix \"%s\" is not a valid DNS-1123 subdomain", pool->prefix);
    else if (!claim_name(L, "prefix", pool->prefix))
      ok = fail(L, t, p, "node name prefix \"%s\" is used by another pool", pool->prefix);
  }
  g_free(p);
  return ok;
}

/* kubeletConfig: a path, relative to the scenario file as spec.kubeletConfig;
 * the file is loaded with the run's kubelet configurations
 * (sim/kubelet/kubelet_configs.h), which name this field in its errors. */
static gboolean pool_kubelet_config(Loader *L, const KsYamlNode *m, const char *path,
                                    KsNodePool *pool) {
  const char *file = NULL;
  if (!read_string(L, m, path, "kubeletConfig", FALSE, &file))
    return FALSE;
  if (file) {
    const KsYamlNode *v = get(m, "kubeletConfig");
    pool->kubelet_config = g_path_is_absolute(file) ? g_strdup(file)
                                                    : g_build_filename(L->s->base_dir, file, NULL);
    pool->kubelet_config_line = v->line;
    pool->kubelet_config_column = v->column;
  }
  return TRUE;
}

static gboolean load_pool(Loader *L, const KsYamlNode *m, const char *path) {
  static const char *const known[] = {"name", "count", "template", "kubeletConfig", NULL};
  if (!expect_mapping(L, m, path) || !check_fields(L, m, path, known))
    return FALSE;
  KsNodePool *pool = g_new0(KsNodePool, 1);
  pool->line = m->line;
  pool->column = m->column;
  g_ptr_array_add(L->s->node_pools, pool);
  return pool_name(L, m, path, pool) && pool_count(L, m, path, pool) &&
         pool_template(L, m, path, pool) && pool_kubelet_config(L, m, path, pool);
}

static gboolean load_pools(Loader *L, const KsYamlNode *spec) {
  const KsYamlNode *seq;
  if (!expect_sequence(L, spec, "spec", "nodePools", KS_SCENARIO_MAX_NODE_POOLS, &seq))
    return FALSE;
  for (guint i = 0; seq && i < ks_yaml_len(seq); i++) {
    char *p = item_path("spec.nodePools", i);
    gboolean ok = load_pool(L, ks_yaml_item(seq, i), p);
    g_free(p);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* ---- timed manifest batches ---------------------------------------------- */

static void batch_free(gpointer p) {
  KsScenarioBatch *b = p;
  if (b->set)
    ks_manifest_set_free(b->set);
  g_free(b);
}

/* Moves every object and warning of `src` to the batch, then frees src. */
static void batch_absorb(KsScenarioBatch *b, KsManifestSet *src) {
  if (!b->set) {
    b->set = src;
    return;
  }
  gsize n = 0;
  gpointer *objs = g_ptr_array_steal(src->objects, &n);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add(b->set->objects, objs[i]);
  g_free(objs);
  gpointer *warns = g_ptr_array_steal(src->warnings, &n);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add(b->set->warnings, warns[i]);
  g_free(warns);
  ks_manifest_set_free(src);
}

static gboolean load_manifest_file(Loader *L, const KsYamlNode *v, const char *path,
                                   KsScenarioBatch *b) {
  const char *rel = NULL;
  if (v->kind == KS_YAML_MAPPING) /* the likely slip: an object where a file belongs */
    return fail(L, v, path, "must be a file name, not a mapping (objects written inline go under "
                            "\"objects\")");
  if (!scalar_text(L, v, path, &rel))
    return FALSE;
  if (++L->manifest_files > KS_SCENARIO_MAX_MANIFEST_FILES)
    return fail(L, v, path, "more than %d manifest files in one scenario",
                KS_SCENARIO_MAX_MANIFEST_FILES);
  char *full = g_path_is_absolute(rel) ? g_strdup(rel) : g_build_filename(L->base_dir, rel, NULL);
  gboolean ok = FALSE;
  /* Only regular files: a FIFO or /dev/zero would block or never end. */
  if (!g_file_test(full, G_FILE_TEST_IS_REGULAR))
    fail(L, v, path, "%s: %s", full,
         g_file_test(full, G_FILE_TEST_EXISTS) ? "not a regular file" : "no such file");
  else {
    KsManifestSet *set = ks_manifest_load_file(full, L->error);
    if (set) {
      batch_absorb(b, set);
      ok = TRUE;
    }
  }
  g_free(full);
  return ok;
}

static gboolean load_manifest_files(Loader *L, const KsYamlNode *seq, const char *path,
                                    KsScenarioBatch *b) {
  for (guint i = 0; i < ks_yaml_len(seq); i++) {
    char *p = item_path(path, i);
    gboolean ok = load_manifest_file(L, ks_yaml_item(seq, i), p, b);
    g_free(p);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* Inline objects are decoded as the documents of a stream that borrows the
 * scenario's nodes, so they go through exactly the manifest file path. */
static gboolean load_inline_objects(Loader *L, const KsYamlNode *seq, KsScenarioBatch *b) {
  KsYamlStream view = {.file = (char *)L->file, .documents = g_ptr_array_new(), .nodes = NULL};
  for (guint i = 0; i < ks_yaml_len(seq); i++)
    g_ptr_array_add(view.documents, (gpointer)ks_yaml_item(seq, i));
  KsManifestSet *set = ks_manifest_load_stream(&view, L->error);
  g_ptr_array_free(view.documents, TRUE);
  if (!set)
    return FALSE;
  batch_absorb(b, set);
  return TRUE;
}

static gboolean nonempty_sequence(Loader *L, const KsYamlNode *m, const char *path,
                                  const char *key, const KsYamlNode **out) {
  if (!expect_sequence(L, m, path, key, G_MAXUINT, out))
    return FALSE;
  if (*out && ks_yaml_len(*out) == 0) {
    char *p = field_path(path, key);
    fail(L, *out, p, "must not be empty");
    g_free(p);
    return FALSE;
  }
  return TRUE;
}

/* m's manifests and objects into b (b->set stays NULL when m has neither). */
static gboolean load_objects(Loader *L, const KsYamlNode *m, const char *path,
                             KsScenarioBatch *b) {
  const KsYamlNode *files = NULL, *objects = NULL;
  if (!nonempty_sequence(L, m, path, "manifests", &files) ||
      !nonempty_sequence(L, m, path, "objects", &objects))
    return FALSE;
  if (!files && !objects)
    return TRUE;
  char *p = field_path(path, "manifests");
  gboolean ok = !files || load_manifest_files(L, files, p, b);
  g_free(p);
  if (ok && objects)
    ok = load_inline_objects(L, objects, b);
  for (guint i = 0; ok && i < b->set->warnings->len; i++)
    g_ptr_array_add(L->s->warnings, g_strdup(b->set->warnings->pdata[i]));
  return ok;
}

static gboolean load_batch(Loader *L, const KsYamlNode *m, const char *path) {
  static const char *const known[] = {"at", "manifests", "objects", "generator", NULL};
  if (!check_fields(L, m, path, known))
    return FALSE;
  KsScenarioBatch *b = g_new0(KsScenarioBatch, 1);
  b->line = m->line;
  b->column = m->column;
  g_ptr_array_add(L->s->batches, b);
  if (!read_before_end(L, m, path, "at", &b->at_us) || !load_objects(L, m, path, b))
    return FALSE;
  return b->set || fail(L, m, path, "needs manifests, objects or a generator");
}

/* ---- generators ---------------------------------------------------------- */

static gboolean load_arrivals(Loader *L, const KsYamlNode *g, const char *gpath,
                              KsGeneratorSpec *spec) {
  static const char *const poisson[] = {"process", "meanInterval", NULL};
  static const char *const fixed[] = {"process", "interval", NULL};
  const KsYamlNode *a = get(g, "arrivals");
  if (!a)
    return missing(L, g, gpath, "arrivals");
  char *path = field_path(gpath, "arrivals");
  const char *process = NULL;
  gboolean ok = expect_mapping(L, a, path) && read_string(L, a, path, "process", TRUE, &process);
  if (ok && !strcmp(process, "poisson")) {
    spec->arrivals = KS_ARRIVALS_POISSON;
    ok = check_fields(L, a, path, poisson) &&
         read_duration(L, a, path, "meanInterval", TRUE, KS_GENERATOR_MIN_INTERVAL_US,
                       KS_SCENARIO_MAX_DURATION_US, &spec->interval_us);
  } else if (ok && !strcmp(process, "fixed")) {
    spec->arrivals = KS_ARRIVALS_FIXED;
    ok = check_fields(L, a, path, fixed) &&
         read_duration(L, a, path, "interval", TRUE, KS_GENERATOR_MIN_INTERVAL_US,
                       KS_SCENARIO_MAX_DURATION_US, &spec->interval_us);
  } else if (ok) {
    char *p = field_path(path, "process");
    ok = fail(L, get(a, "process"), p, "\"%s\" is not an arrival process (poisson, fixed)",
              process);
    g_free(p);
  }
  g_free(path);
  return ok;
}

static gboolean run_time_params(Loader *L, const KsYamlNode *r, const char *path,
                                KsRunTimeSpec *rt) {
  static const char *const constant[] = {"distribution", "value", NULL};
  static const char *const exponential[] = {"distribution", "mean", NULL};
  static const char *const uniform[] = {"distribution", "min", "max", NULL};
  static const char *const lognormal[] = {"distribution", "mu", "sigma", "unit", NULL};
  const gint64 max = KS_GENERATOR_MAX_RUN_TIME_US;
  switch (rt->distribution) {
  case KS_RUN_TIME_CONSTANT:
    return check_fields(L, r, path, constant) &&
           read_duration(L, r, path, "value", TRUE, 1, max, &rt->value_us);
  case KS_RUN_TIME_EXPONENTIAL:
    return check_fields(L, r, path, exponential) &&
           read_duration(L, r, path, "mean", TRUE, 1, max, &rt->mean_us);
  case KS_RUN_TIME_UNIFORM:
    if (!check_fields(L, r, path, uniform) ||
        !read_duration(L, r, path, "min", TRUE, 1, max, &rt->min_us) ||
        !read_duration(L, r, path, "max", TRUE, 1, max, &rt->max_us))
      return FALSE;
    return rt->min_us <= rt->max_us || fail_at(L, r, path, "max", "must not be below min");
  case KS_RUN_TIME_LOGNORMAL:
    rt->unit_us = 1000000;
    if (!check_fields(L, r, path, lognormal) || !read_double(L, r, path, "mu", TRUE, &rt->mu) ||
        !read_double(L, r, path, "sigma", TRUE, &rt->sigma) || !read_unit(L, r, path, &rt->unit_us))
      return FALSE;
    return rt->sigma >= 0 || fail_at(L, r, path, "sigma", "must not be negative");
  case KS_RUN_TIME_TEMPLATE:
    break;
  }
  return TRUE;
}

/* A distribution at m.key, as a generator's runTime and a fault's mtbf /
 * mttr take it; absent: an error when required. */
static gboolean load_distribution(Loader *L, const KsYamlNode *m, const char *mpath,
                                  const char *key, gboolean required, KsRunTimeSpec *rt) {
  static const char *const names[] = {"constant", "exponential", "uniform", "lognormal", NULL};
  static const KsRunTimeDistribution kinds[] = {KS_RUN_TIME_CONSTANT, KS_RUN_TIME_EXPONENTIAL,
                                                KS_RUN_TIME_UNIFORM, KS_RUN_TIME_LOGNORMAL};
  const KsYamlNode *v = get(m, key);
  if (!v)
    return required ? missing(L, m, mpath, key) : TRUE;
  char *p = field_path(mpath, key);
  const char *d = NULL;
  gboolean ok = expect_mapping(L, v, p) && read_string(L, v, p, "distribution", TRUE, &d);
  if (ok) {
    guint i = 0;
    while (names[i] && strcmp(names[i], d))
      i++;
    if (names[i]) {
      rt->distribution = kinds[i];
      ok = run_time_params(L, v, p, rt);
    } else {
      char *msg = g_strdup_printf(
          "\"%s\" is not a distribution (constant, exponential, uniform, lognormal)", d);
      ok = fail_at(L, v, p, "distribution", msg);
      g_free(msg);
    }
  }
  g_free(p);
  return ok;
}

static gboolean generator_template(Loader *L, const KsYamlNode *g, const char *gpath,
                                   KsGeneratorSpec *spec) {
  const KsYamlNode *t = get(g, "template");
  if (!t)
    return missing(L, g, gpath, "template");
  char *p = field_path(gpath, "template");
  gboolean ok = expect_mapping(L, t, p) && check_kind(L, t, p, "Pod") &&
                (spec->template = ks_manifest_decode_pod(t, L->file, p, L->error)) != NULL;
  if (ok && !(spec->template->name && *spec->template->name)) {
    char *np = field_path(p, "metadata.name");
    ok = fail(L, t, np, "required: generated pods are named <name>-<index>");
    g_free(np);
  } else if (ok) {
    char *key = g_strdup_printf("%s/%s", spec->template->namespace ? spec->template->namespace
                                                                   : "default",
                                spec->template->name);
    if (!claim_name(L, "pods", key))
      ok = fail(L, t, p, "pod name prefix %s is used by another generator", key);
    g_free(key);
  }
  g_free(p);
  return ok;
}

static gboolean generator_name(Loader *L, const KsYamlNode *g, const char *gpath,
                               KsGeneratorSpec *spec) {
  const char *name = NULL;
  if (!read_string(L, g, gpath, "name", FALSE, &name))
    return FALSE;
  spec->name = g_strdup(name ? name : spec->template->name);
  if (claim_name(L, "gen", spec->name))
    return TRUE;
  char *p = field_path(gpath, "name");
  fail(L, name ? get(g, "name") : g, p, "duplicate generator name \"%s\"", spec->name);
  g_free(p);
  return FALSE;
}

static gboolean generator_window(Loader *L, const KsYamlNode *g, const char *gpath,
                                 KsGeneratorSpec *spec) {
  spec->stop_us = L->s->duration_us;
  if (!read_before_end(L, g, gpath, "start", &spec->start_us) ||
      !read_duration(L, g, gpath, "stop", FALSE, 0, KS_SCENARIO_MAX_DURATION_US, &spec->stop_us) ||
      !read_uint(L, g, gpath, "count", 1, KS_GENERATOR_MAX_COUNT, "a positive integer",
                 &spec->count))
    return FALSE;
  if (spec->stop_us > spec->start_us)
    return TRUE;
  char *p = field_path(gpath, "stop");
  fail(L, get(g, "stop") ? get(g, "stop") : g, p, "must be after start");
  g_free(p);
  return FALSE;
}

static gboolean load_generator(Loader *L, const KsYamlNode *entry, const char *path) {
  static const char *const known[] = {"name",    "start",   "stop",     "count",
                                      "arrivals", "runTime", "template", NULL};
  if (ks_yaml_len(entry) > 1) {
    guint other = strcmp(ks_yaml_key(entry, 0) ? ks_yaml_key(entry, 0) : "", "generator") ? 0 : 1;
    return fail(L, entry->items->pdata[2 * other], path,
                "a workload is a generator or manifests/objects applied at a time, not both");
  }
  if (L->s->generators->len >= KS_SCENARIO_MAX_GENERATORS)
    return fail(L, entry, path, "more than %d generators", KS_SCENARIO_MAX_GENERATORS);
  char *gpath = field_path(path, "generator");
  const KsYamlNode *g = get(entry, "generator");
  KsGeneratorSpec *spec = g_new0(KsGeneratorSpec, 1);
  spec->line = g ? g->line : entry->line;
  spec->column = g ? g->column : entry->column;
  g_ptr_array_add(L->s->generators, spec);
  gboolean ok = expect_mapping(L, g, gpath) && check_fields(L, g, gpath, known) &&
                generator_template(L, g, gpath, spec) && generator_name(L, g, gpath, spec) &&
                generator_window(L, g, gpath, spec) && load_arrivals(L, g, gpath, spec) &&
                load_distribution(L, g, gpath, "runTime", FALSE, &spec->run_time);
  g_free(gpath);
  return ok;
}

/* ---- spec.workloads ------------------------------------------------------ */

static gint compare_batches(gconstpointer a, gconstpointer b) {
  const KsScenarioBatch *x = *(KsScenarioBatch *const *)a, *y = *(KsScenarioBatch *const *)b;
  if (x->at_us != y->at_us)
    return x->at_us < y->at_us ? -1 : 1;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  return x->column < y->column ? -1 : x->column > y->column;
}

static gboolean load_workloads(Loader *L, const KsYamlNode *spec) {
  const KsYamlNode *seq;
  if (!expect_sequence(L, spec, "spec", "workloads", KS_SCENARIO_MAX_WORKLOADS, &seq))
    return FALSE;
  for (guint i = 0; seq && i < ks_yaml_len(seq); i++) {
    const KsYamlNode *m = ks_yaml_item(seq, i);
    char *p = item_path("spec.workloads", i);
    gboolean ok = expect_mapping(L, m, p) &&
                  (ks_yaml_get(m, "generator") ? load_generator(L, m, p) : load_batch(L, m, p));
    g_free(p);
    if (!ok)
      return FALSE;
  }
  g_ptr_array_sort(L->s->batches, compare_batches);
  return TRUE;
}


/* ---- spec.timeline (workloads/scenario_timeline.c) ------------------------ */

/* An apply entry's manifests and objects, decoded as a batch's. */
static gboolean timeline_objects(gpointer ctx, const KsYamlNode *entry, const char *path,
                                 KsManifestSet **out, GError **error) {
  Loader *L = ctx;
  (void)error; /* the same slot as L->error */
  KsScenarioBatch b = {0};
  gboolean ok = load_objects(L, entry, path, &b);
  *out = ok ? b.set : NULL;
  if (!ok && b.set)
    ks_manifest_set_free(b.set);
  return ok;
}

static gboolean load_timeline(Loader *L, const KsYamlNode *spec) {
  const KsYamlNode *seq;
  if (!expect_sequence(L, spec, "spec", "timeline", KS_SCENARIO_MAX_TIMELINE, &seq))
    return FALSE;
  KsTimelineDecodeContext c = {.file = L->file, .duration_us = L->s->duration_us,
                               .load_objects = timeline_objects, .ctx = L};
  L->s->timeline = ks_timeline_decode(seq, &c, L->error);
  return L->s->timeline != NULL;
}

/* ---- spec.trace ---------------------------------------------------------- */

KsScenarioTrace *ks_scenario_trace_new(void) {
  KsScenarioTrace *t = g_new0(KsScenarioTrace, 1);
  t->params = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(t->params, NULL);
  t->end_us = G_MAXINT64;
  t->speed_ppm = KS_REPLAY_PPM;
  t->arrival_interval_us = KS_REPLAY_DEFAULT_ARRIVAL_INTERVAL_US;
  return t;
}

KsScenarioTrace *ks_scenario_trace_copy(const KsScenarioTrace *t) {
  if (!t)
    return NULL;
  KsScenarioTrace *c = g_new0(KsScenarioTrace, 1);
  *c = *t;
  c->path = g_strdup(t->path);
  c->format = g_strdup(t->format);
  c->node_selector = ks_label_selector_copy(t->node_selector);
  c->params = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i + 1 < t->params->len; i++)
    g_ptr_array_add(c->params, g_strdup(t->params->pdata[i]));
  g_ptr_array_add(c->params, NULL);
  return c;
}

void ks_scenario_trace_free(KsScenarioTrace *t) {
  if (!t)
    return;
  g_free(t->path);
  g_free(t->format);
  g_ptr_array_free(t->params, TRUE);
  ks_label_selector_free(t->node_selector);
  g_free(t);
}

static gboolean set_err(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean set_err(GError **error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD, msg);
  g_free(msg);
  return FALSE;
}

gboolean ks_replay_parse_ppm(const char *s, gint64 *out, GError **error) {
  gint64 whole = 0, frac = 0, scale = KS_REPLAY_PPM;
  const char *p = s;
  if (!g_ascii_isdigit(*p))
    return set_err(error, "\"%s\" is not a decimal number", s);
  for (; g_ascii_isdigit(*p); p++) {
    if (whole > G_MAXINT64 / 10 / KS_REPLAY_PPM)
      return set_err(error, "\"%s\" is too large", s);
    whole = whole * 10 + (*p - '0');
  }
  if (*p == '.') {
    for (p++; g_ascii_isdigit(*p); p++) {
      if (scale == 1)
        return set_err(error, "\"%s\" has more than 6 decimals", s);
      scale /= 10;
      frac += (*p - '0') * scale;
    }
  }
  if (*p)
    return set_err(error, "\"%s\" is not a decimal number", s);
  *out = whole * KS_REPLAY_PPM + frac;
  return TRUE;
}

static gboolean parse_bool(const char *v, gboolean *out, GError **error) {
  if (!strcmp(v, "true") || !strcmp(v, "false")) {
    *out = !strcmp(v, "true");
    return TRUE;
  }
  return set_err(error, "must be true or false, not \"%s\"", v);
}

static gboolean parse_trace_duration(const char *v, gint64 *out, GError **error) {
  GError *inner = NULL;
  if (ks_duration_parse(v, out, &inner) && *out >= 0)
    return TRUE;
  if (inner) {
    set_err(error, "%s", inner->message);
    g_error_free(inner);
    return FALSE;
  }
  return set_err(error, "must not be negative");
}

/* One requirement of "k=v", "k==v", "k!=v", "k", "!k" (kubectl -l style). */
static gboolean parse_requirement(KsLabelSelector *sel, const char *req, GError **error) {
  const char *ne = strstr(req, "!="), *eq = strchr(req, '=');
  if (!*req)
    return set_err(error, "empty requirement in node selector");
  if (ne || eq) {
    const char *op_at = ne ? ne : eq;
    char *key = g_strndup(req, (gsize)(op_at - req));
    const char *value = op_at + (ne ? 2 : (op_at[1] == '=' ? 2 : 1));
    const char *values[] = {value, NULL};
    ks_label_selector_add_expression(sel, key, ne ? KS_SELECTOR_OP_NOT_IN : KS_SELECTOR_OP_IN, values);
    g_free(key);
  } else if (req[0] == '!') {
    ks_label_selector_add_expression(sel, req + 1, KS_SELECTOR_OP_DOES_NOT_EXIST, NULL);
  } else {
    ks_label_selector_add_expression(sel, req, KS_SELECTOR_OP_EXISTS, NULL);
  }
  return TRUE;
}

static gboolean parse_selector_text(const char *v, KsLabelSelector **out, GError **error) {
  KsLabelSelector *sel = ks_label_selector_new();
  char **reqs = g_strsplit(v, ",", -1);
  gboolean ok = TRUE;
  for (guint i = 0; ok && reqs[i]; i++)
    ok = parse_requirement(sel, g_strstrip(reqs[i]), error);
  g_strfreev(reqs);
  if (ok && !ks_label_selector_is_valid(sel))
    ok = set_err(error, "\"%s\" is not a valid label selector", v);
  if (!ok) {
    ks_label_selector_free(sel);
    return FALSE;
  }
  ks_label_selector_free(*out);
  *out = sel;
  return TRUE;
}

static gboolean set_mode(KsScenarioTrace *t, const char *v, GError **error) {
  if (!strcmp(v, "replay") || !strcmp(v, "fill")) {
    t->mode = strcmp(v, "fill") ? KS_REPLAY_MODE_TIME : KS_REPLAY_MODE_FILL;
    return TRUE;
  }
  return set_err(error, "must be replay or fill, not \"%s\"", v);
}

static gboolean set_nodes(KsScenarioTrace *t, const char *v, GError **error) {
  if (!strcmp(v, "trace") || !strcmp(v, "none")) {
    t->no_trace_nodes = !strcmp(v, "none");
    return TRUE;
  }
  return set_err(error, "must be trace or none, not \"%s\"", v);
}

static gboolean set_positive_ppm(const char *v, gint64 max, gint64 *out, GError **error) {
  gint64 x = 0;
  if (!ks_replay_parse_ppm(v, &x, error))
    return FALSE;
  if (x <= 0)
    return set_err(error, "must be greater than 0");
  if (x > max)
    return set_err(error, "must be at most %" G_GINT64_FORMAT, max / KS_REPLAY_PPM);
  *out = x;
  return TRUE;
}

static gboolean set_count(const char *v, guint64 *out, GError **error) {
  guint64 x = 0;
  if (!v[0] || strspn(v, "0123456789") != strlen(v) ||
      !g_ascii_string_to_unsigned(v, 10, 1, G_MAXUINT32, &x, NULL))
    return set_err(error, "must be a positive integer, not \"%s\"", v);
  *out = x;
  return TRUE;
}

gboolean ks_scenario_trace_set(KsScenarioTrace *t, const char *key, const char *v,
                               GError **error) {
  if (!strcmp(key, "path") || !strcmp(key, "format")) {
    if (!*v)
      return set_err(error, "must not be empty");
    char **slot = !strcmp(key, "path") ? &t->path : &t->format;
    g_free(*slot);
    *slot = g_strdup(v);
    return TRUE;
  }
  if (!strcmp(key, "mode"))
    return set_mode(t, v, error);
  if (!strcmp(key, "nodes"))
    return set_nodes(t, v, error);
  if (!strcmp(key, "speed"))
    return set_positive_ppm(v, KS_REPLAY_MAX_SPEED_PPM, &t->speed_ppm, error);
  if (!strcmp(key, "gpuShare"))
    return set_positive_ppm(v, KS_REPLAY_MAX_GPU_SHARE_PPM, &t->gpu_share_ppm, error);
  if (!strcmp(key, "nodeFraction")) {
    if (!set_positive_ppm(v, KS_REPLAY_PPM, &t->node_fraction_ppm, error))
      return FALSE;
    return TRUE;
  }
  if (!strcmp(key, "nodeCount"))
    return set_count(v, &t->node_count, error);
  if (!strcmp(key, "start"))
    return parse_trace_duration(v, &t->start_us, error);
  if (!strcmp(key, "end"))
    return parse_trace_duration(v, &t->end_us, error);
  if (!strcmp(key, "arrivalInterval"))
    return parse_trace_duration(v, &t->arrival_interval_us, error);
  if (!strcmp(key, "shuffle"))
    return parse_bool(v, &t->shuffle, error);
  if (!strcmp(key, "skipBadRows"))
    return parse_bool(v, &t->skip_bad_rows, error);
  if (!strcmp(key, "nodeSelector"))
    return parse_selector_text(v, &t->node_selector, error);
  return set_err(error, "unknown replay option \"%s\" (known: path, format, mode, speed, start, "
                        "end, nodes, nodeSelector, nodeCount, nodeFraction, shuffle, gpuShare, "
                        "arrivalInterval, skipBadRows)", key);
}

gboolean ks_scenario_trace_check(const KsScenarioTrace *t, GError **error) {
  if (!t->path)
    return set_err(error, "path: required field is missing");
  if (t->end_us <= t->start_us)
    return set_err(error, "window: end must be after start");
  if (t->mode != KS_REPLAY_MODE_FILL && (t->shuffle || t->gpu_share_ppm))
    return set_err(error, "%s: needs mode: fill (a reordered workload has no trace times)",
                   t->shuffle ? "shuffle" : "gpuShare");
  if (t->node_count && t->node_fraction_ppm)
    return set_err(error, "nodeSubset: give count or fraction, not both");
  return TRUE;
}

/* A scalar field of the trace block through ks_scenario_trace_set, so the
 * YAML and `--replay key=value` share one parser. `as` is the setter's key. */
static gboolean trace_scalar(Loader *L, KsScenarioTrace *t, const KsYamlNode *m,
                             const char *path, const char *key, const char *as) {
  const KsYamlNode *v = get(m, key);
  if (!v)
    return TRUE;
  char *p = field_path(path, key);
  const char *text = NULL;
  GError *inner = NULL;
  gboolean ok = scalar_text(L, v, p, &text);
  if (ok && !ks_scenario_trace_set(t, as, text, &inner))
    ok = fail(L, v, p, "%s", inner->message);
  g_clear_error(&inner);
  g_free(p);
  return ok;
}

static gboolean trace_params(Loader *L, KsScenarioTrace *t, const KsYamlNode *m) {
  const KsYamlNode *seq;
  if (!expect_sequence(L, m, "spec.trace", "params", KS_REPLAY_MAX_PARAMS, &seq))
    return FALSE;
  g_ptr_array_set_size(t->params, 0);
  for (guint i = 0; seq && i < ks_yaml_len(seq); i++) {
    char *p = item_path("spec.trace.params", i);
    const char *text = NULL;
    gboolean ok = scalar_text(L, ks_yaml_item(seq, i), p, &text);
    if (ok && (!strchr(text, '=') || text[0] == '='))
      ok = fail(L, ks_yaml_item(seq, i), p, "\"%s\" is not key=value", text);
    g_free(p);
    if (!ok)
      return FALSE;
    g_ptr_array_add(t->params, g_strdup(text));
  }
  g_ptr_array_add(t->params, NULL);
  return TRUE;
}

static gboolean trace_window(Loader *L, KsScenarioTrace *t, const KsYamlNode *m) {
  static const char *const known[] = {"start", "end", NULL};
  const KsYamlNode *w = get(m, "window");
  if (!w)
    return TRUE;
  return expect_mapping(L, w, "spec.trace.window") &&
         check_fields(L, w, "spec.trace.window", known) &&
         trace_scalar(L, t, w, "spec.trace.window", "start", "start") &&
         trace_scalar(L, t, w, "spec.trace.window", "end", "end");
}

static gboolean trace_node_subset(Loader *L, KsScenarioTrace *t, const KsYamlNode *m) {
  static const char *const known[] = {"selector", "count", "fraction", NULL};
  const char *path = "spec.trace.nodeSubset";
  const KsYamlNode *n = get(m, "nodeSubset");
  if (!n)
    return TRUE;
  if (!expect_mapping(L, n, path) || !check_fields(L, n, path, known) ||
      !trace_scalar(L, t, n, path, "count", "nodeCount") ||
      !trace_scalar(L, t, n, path, "fraction", "nodeFraction"))
    return FALSE;
  KsDec d = {.file = L->file, .path = g_string_new(path), .error = L->error};
  gboolean ok = ks_dec_label_selector(&d, n, "selector", &t->node_selector);
  g_string_free(d.path, TRUE);
  if (ok && t->node_selector && !ks_label_selector_is_valid(t->node_selector))
    ok = fail(L, get(n, "selector"), "spec.trace.nodeSubset.selector", "not a valid label selector");
  return ok;
}

static gboolean load_trace(Loader *L, const KsYamlNode *spec) {
  static const char *const known[] = {"path",  "format",     "params",  "skipBadRows",
                                      "window", "speed",     "mode",    "nodes",
                                      "nodeSubset", "shuffle", "gpuShare", "arrivalInterval",
                                      NULL};
  static const char *const scalars[] = {"path", "format", "skipBadRows", "speed", "mode",
                                        "nodes", "shuffle", "gpuShare", "arrivalInterval", NULL};
  const KsYamlNode *m = get(spec, "trace");
  const char *path = "spec.trace";
  if (!m)
    return TRUE;
  if (!expect_mapping(L, m, path) || !check_fields(L, m, path, known))
    return FALSE;
  KsScenarioTrace *t = L->s->trace = ks_scenario_trace_new();
  t->line = m->line;
  t->column = m->column;
  if (!get(m, "path"))
    return missing(L, m, path, "path");
  for (guint i = 0; scalars[i]; i++)
    if (!trace_scalar(L, t, m, path, scalars[i], scalars[i]))
      return FALSE;
  if (!trace_params(L, t, m) || !trace_window(L, t, m) || !trace_node_subset(L, t, m))
    return FALSE;
  if (!g_path_is_absolute(t->path)) {
    char *abs = g_build_filename(L->s->base_dir, t->path, NULL);
    g_free(t->path);
    t->path = abs;
  }
  GError *inner = NULL;
  if (ks_scenario_trace_check(t, &inner))
    return TRUE;
  fail(L, m, path, "%s", inner->message);
  g_error_free(inner);
  return FALSE;
}

/* ---- spec.faults ---------------------------------------------------------- */

static void fault_free(gpointer p) {
  KsScenarioFault *f = p;
  g_free(f->pool);
  ks_label_selector_free(f->selector);
  g_free(f);
}

static gboolean fault_target(Loader *L, const KsYamlNode *m, const char *path,
                             KsScenarioFault *f) {
  const char *pool = NULL;
  if (!read_string(L, m, path, "pool", FALSE, &pool))
    return FALSE;
  KsDec d = {.file = L->file, .path = g_string_new(path), .error = L->error};
  gboolean ok = ks_dec_label_selector(&d, m, "nodeSelector", &f->selector);
  g_string_free(d.path, TRUE);
  if (!ok)
    return FALSE;
  if (pool && f->selector)
    return fail(L, m, path, "give pool or nodeSelector, not both");
  if (!pool && !f->selector)
    return fail(L, m, path, "needs pool or nodeSelector");
  if (f->selector && !ks_label_selector_is_valid(f->selector))
    return fail_at(L, m, path, "nodeSelector", "not a valid label selector");
  if (!pool)
    return TRUE;
  for (guint i = 0; i < L->s->node_pools->len; i++)
    if (!strcmp(((const KsNodePool *)L->s->node_pools->pdata[i])->name, pool)) {
      f->pool = g_strdup(pool);
      return TRUE;
    }
  char *msg = g_strdup_printf("no node pool named \"%s\"", pool);
  fail_at(L, m, path, "pool", msg);
  g_free(msg);
  return FALSE;
}

static gboolean load_fault(Loader *L, const KsYamlNode *m, const char *path, guint index) {
  static const char *const known[] = {"pool", "nodeSelector", "mtbf", "mttr", NULL};
  if (!expect_mapping(L, m, path) || !check_fields(L, m, path, known))
    return FALSE;
  KsScenarioFault *f = g_new0(KsScenarioFault, 1);
  f->index = index;
  f->line = m->line;
  f->column = m->column;
  g_ptr_array_add(L->s->faults, f);
  return fault_target(L, m, path, f) && load_distribution(L, m, path, "mtbf", TRUE, &f->mtbf) &&
         load_distribution(L, m, path, "mttr", TRUE, &f->mttr);
}

static gboolean load_faults(Loader *L, const KsYamlNode *spec) {
  const KsYamlNode *seq;
  if (!expect_sequence(L, spec, "spec", "faults", KS_SCENARIO_MAX_FAULTS, &seq))
    return FALSE;
  for (guint i = 0; seq && i < ks_yaml_len(seq); i++) {
    char *p = item_path("spec.faults", i);
    gboolean ok = load_fault(L, ks_yaml_item(seq, i), p, i);
    g_free(p);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* ---- the document -------------------------------------------------------- */

static gboolean load_header(Loader *L, const KsYamlNode *root) {
  static const char *const known[] = {"apiVersion", "kind", "metadata", "spec", NULL};
  const char *api = NULL, *kind = NULL;
  if (!expect_mapping(L, root, "") || !check_fields(L, root, "", known) ||
      !read_string(L, root, "", "apiVersion", TRUE, &api) ||
      !read_string(L, root, "", "kind", TRUE, &kind))
    return FALSE;
  if (strcmp(api, KS_SCENARIO_API_VERSION))
    return fail(L, get(root, "apiVersion"), "apiVersion", "\"%s\" is not supported; use %s", api,
                KS_SCENARIO_API_VERSION);
  if (strcmp(kind, KS_SCENARIO_KIND))
    return fail(L, get(root, "kind"), "kind", "must be %s, not \"%s\"", KS_SCENARIO_KIND, kind);
  return TRUE;
}

static gboolean load_metadata(Loader *L, const KsYamlNode *root) {
  static const char *const known[] = {"name", "labels", "annotations", NULL};
  const KsYamlNode *m = get(root, "metadata");
  const char *name = NULL;
  if (!m)
    return missing(L, root, "", "metadata");
  if (!expect_mapping(L, m, "metadata") || !check_fields(L, m, "metadata", known) ||
      !read_string(L, m, "metadata", "name", TRUE, &name))
    return FALSE;
  if (!is_dns_name(name, KS_SCENARIO_MAX_NAME_LENGTH, TRUE))
    return fail(L, get(m, "name"), "metadata.name",
                "\"%s\" is not a valid name (lower-case letters, digits, '-' and '.')", name);
  L->s->name = g_strdup(name);
  return TRUE;
}

static gboolean load_run_options(Loader *L, const KsYamlNode *spec) {
  KsScenario *s = L->s;
  const char *output = NULL, *config = NULL, *kubelet = NULL;
  if (!read_uint(L, spec, "spec", "seed", 0, G_MAXUINT64, "a non-negative integer", &s->seed) ||
      !read_duration(L, spec, "spec", "duration", TRUE, 1, KS_SCENARIO_MAX_DURATION_US,
                     &s->duration_us) ||
      !read_duration(L, spec, "spec", "sampleInterval", FALSE, KS_SCENARIO_MIN_SAMPLE_INTERVAL_US,
                     s->duration_us, &s->sample_interval_us) ||
      !read_string(L, spec, "spec", "output", FALSE, &output) ||
      !read_string(L, spec, "spec", "schedulerConfig", FALSE, &config) ||
      !read_string(L, spec, "spec", "kubeletConfig", FALSE, &kubelet))
    return FALSE;
  /* Relative to the scenario file, as manifest paths are. */
  if (config)
    s->scheduler_config = g_path_is_absolute(config) ? g_strdup(config)
                                                     : g_build_filename(s->base_dir, config, NULL);
  if (kubelet)
    s->kubelet_config = g_path_is_absolute(kubelet) ? g_strdup(kubelet)
                                                    : g_build_filename(s->base_dir, kubelet, NULL);
  if (s->duration_us / s->sample_interval_us > KS_SCENARIO_MAX_SAMPLES)
    return fail(L, get(spec, "sampleInterval"), "spec.sampleInterval",
                "too short for the duration: more than %" G_GINT64_FORMAT " samples",
                KS_SCENARIO_MAX_SAMPLES);
  s->output = output ? g_strdup(output) : g_strdup_printf("results/%s.h5", s->name);
  return TRUE;
}

/* spec.controllers: the controller manager's options. */
static gboolean load_controllers(Loader *L, const KsYamlNode *spec) {
  static const char *const known[] = {"reconcileLatency", NULL};
  const KsYamlNode *c = get(spec, "controllers");
  if (!c)
    return TRUE;
  return expect_mapping(L, c, "spec.controllers") &&
         check_fields(L, c, "spec.controllers", known) &&
         read_duration(L, c, "spec.controllers", "reconcileLatency", FALSE, 0,
                       KS_SCENARIO_MAX_DURATION_US, &L->s->controller_reconcile_latency_us);
}

static gboolean load_spec(Loader *L, const KsYamlNode *root) {
  static const char *const known[] = {"seed",      "duration",  "sampleInterval",
                                      "output",    "nodePools", "workloads",
                                      "schedulerConfig", "trace", "controllers", "timeline",
                                      "faults",    "kubeletConfig", "images", "imagePulls",
                                      NULL};
  const KsYamlNode *spec = get(root, "spec");
  if (!spec)
    return missing(L, root, "", "spec");
  return expect_mapping(L, spec, "spec") && check_fields(L, spec, "spec", known) &&
         load_run_options(L, spec) && load_pools(L, spec) && load_workloads(L, spec) &&
         load_trace(L, spec) && load_controllers(L, spec) && load_timeline(L, spec) &&
         load_faults(L, spec) && ks_image_catalog_decode(spec, L->file, &L->s->images, L->error);
}

static KsScenario *scenario_new(const char *file, const char *base_dir) {
  KsScenario *s = g_new0(KsScenario, 1);
  s->file = g_strdup(file);
  s->base_dir = g_strdup(base_dir ? base_dir : ".");
  s->seed = KS_SCENARIO_DEFAULT_SEED;
  s->sample_interval_us = KS_SCENARIO_DEFAULT_SAMPLE_INTERVAL_US;
  s->node_pools = g_ptr_array_new_with_free_func(node_pool_free);
  s->batches = g_ptr_array_new_with_free_func(batch_free);
  s->generators = g_ptr_array_new_with_free_func((GDestroyNotify)ks_generator_spec_free);
  s->warnings = g_ptr_array_new_with_free_func(g_free);
  s->faults = g_ptr_array_new_with_free_func(fault_free);
  return s;
}

void ks_scenario_free(KsScenario *s) {
  if (!s)
    return;
  g_free(s->name);
  g_free(s->file);
  g_free(s->base_dir);
  g_free(s->output);
  g_free(s->scheduler_config);
  g_free(s->kubelet_config);
  g_ptr_array_free(s->node_pools, TRUE);
  g_ptr_array_free(s->batches, TRUE);
  g_ptr_array_free(s->generators, TRUE);
  g_ptr_array_free(s->warnings, TRUE);
  g_ptr_array_free(s->faults, TRUE);
  ks_image_catalog_free(s->images);
  if (s->timeline)
    g_ptr_array_free(s->timeline, TRUE);
  ks_scenario_trace_free(s->trace);
  g_free(s);
}

/* The one Scenario document of the stream, or an error. */
static const KsYamlNode *single_document(Loader *L, const KsYamlStream *stream) {
  const KsYamlNode *root = NULL;
  for (guint i = 0; i < stream->documents->len; i++) {
    const KsYamlNode *d = stream->documents->pdata[i];
    if (!d)
      continue;
    if (root) {
      fail(L, d, NULL, "a Scenario file holds one document; found a second one here");
      return NULL;
    }
    root = d;
  }
  if (!root)
    fail(L, NULL, NULL, "empty file: expected a Scenario document");
  return root;
}

static KsScenario *load_stream(const KsYamlStream *stream, const char *file, const char *base_dir,
                               GError **error) {
  Loader L = {.file = file, .base_dir = base_dir ? base_dir : ".", .error = error};
  L.s = scenario_new(file, base_dir);
  L.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  const KsYamlNode *root = single_document(&L, stream);
  gboolean ok = root && load_header(&L, root) && load_metadata(&L, root) && load_spec(&L, root);
  g_hash_table_destroy(L.names);
  if (!ok) {
    ks_scenario_free(L.s);
    return NULL;
  }
  return L.s;
}

KsScenario *ks_scenario_load_stream(const KsYamlStream *stream, const char *base_dir,
                                    GError **error) {
  return load_stream(stream, stream->file, base_dir, error);
}

KsScenario *ks_scenario_load_string(const char *data, gsize len, const char *display_name,
                                    const char *base_dir, GError **error) {
  const char *file = display_name ? display_name : "<string>";
  KsYamlStream *stream = ks_yaml_load_string(data, len, file, error);
  if (!stream)
    return NULL;
  KsScenario *s = load_stream(stream, file, base_dir, error);
  ks_yaml_stream_free(stream);
  return s;
}

KsScenario *ks_scenario_load_file(const char *path, GError **error) {
  KsYamlStream *stream = ks_yaml_load_file(path, error);
  if (!stream)
    return NULL;
  char *dir = g_path_get_dirname(path);
  KsScenario *s = load_stream(stream, path, dir, error);
  g_free(dir);
  ks_yaml_stream_free(stream);
  return s;
}

guint64 ks_scenario_node_count(const KsScenario *s) {
  guint64 n = 0;
  for (guint i = 0; i < s->node_pools->len; i++)
    n += ((const KsNodePool *)s->node_pools->pdata[i])->count;
  return n;
}
