/* The Sweep file decoder (format: docs/sweeps.md; API: sweep_spec.h), and
 * setting a scenario field by its dotted path.
 *
 * Decoding follows scenario.c: one small function per part of the file,
 * each given the field path of its node, so every error names
 * file:line:column and the path. Strict: a key outside a mapping's known
 * fields is an error naming it. Nothing is opened here (a sweep may name
 * files that only exist on the machine that runs it); the planner does that.
 *
 * Parameter keys are either a scenario field path (beginning "spec." or
 * "metadata.") or one of the `ksim run` options in ks_sweep_run_options.
 * Values are scalars kept as text, with the quoted flag, because they are
 * handed to `ksim run` as text and decoded there by the scenario decoder
 * (so "8" and '"8"' differ exactly as they would in the scenario file).
 *
 * Values end up in a tab-separated run list and in shell command lines, so
 * control characters (tab, newline, ...) are refused here, once.
 */
#include "workloads/sweep_spec.h"

#include <stdarg.h>
#include <string.h>

const char *const ks_sweep_run_options[] = {"--tie-break", "--replay", "--trace-param",
                                            "--terminated-pod-gc-threshold", NULL};

typedef struct {
  const char *file;
  KsSweepSpec *s;
  GError **error;
} Dec;

static char *field_path(const char *parent, const char *key) {
  /* Keys that are not identifiers ("--tie-break", "spec.x[0]") go in brackets. */
  gboolean plain = key[0] != '\0';
  for (const char *c = key; *c; c++)
    if (!g_ascii_isalnum(*c) && *c != '_')
      plain = FALSE;
  if (!plain)
    return g_strdup_printf("%s[%s]", parent ? parent : "", key);
  return parent && *parent ? g_strdup_printf("%s.%s", parent, key) : g_strdup(key);
}

static gboolean fail(Dec *d, const KsYamlNode *at, const char *path, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static gboolean fail(Dec *d, const KsYamlNode *at, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  ks_yaml_set_error(d->error, d->file, at, path, "%s", msg);
  return FALSE;
}

/* The value of key, or NULL when absent or null (null counts as absent). */
static const KsYamlNode *get(const KsYamlNode *m, const char *key) {
  const KsYamlNode *v = ks_yaml_get(m, key);
  return v && !ks_yaml_is_null(v) ? v : NULL;
}

static gboolean missing(Dec *d, const KsYamlNode *m, const char *path, const char *key) {
  g_autofree char *p = field_path(path, key);
  return fail(d, m, p, "required field is missing");
}

static gboolean expect(Dec *d, const KsYamlNode *n, KsYamlKind kind, const char *path) {
  if (n && n->kind == kind)
    return TRUE;
  return fail(d, n, path, "must be %s, not %s",
              kind == KS_YAML_MAPPING ? "a mapping" : kind == KS_YAML_SEQUENCE ? "a sequence" : "a string",
              ks_yaml_kind_name(n));
}

static gboolean check_fields(Dec *d, const KsYamlNode *m, const char *path,
                             const char *const *known) {
  for (guint i = 0; i < ks_yaml_len(m); i++) {
    const char *key = ks_yaml_key(m, i);
    if (key && g_strv_contains(known, key))
      continue;
    g_autofree char *list = g_strjoinv(", ", (char **)known);
    g_autofree char *p = field_path(path, key ? key : "?");
    return fail(d, m->items->pdata[2 * i], p, "unknown field (known fields: %s)", list);
  }
  return TRUE;
}

/* A non-empty scalar without control characters, at most
 * KS_SWEEP_MAX_VALUE_LENGTH bytes. */
static gboolean text_value(Dec *d, const KsYamlNode *v, const char *path, const char **out) {
  if (!v || v->kind != KS_YAML_SCALAR)
    return fail(d, v, path, "must be a string, not %s", ks_yaml_kind_name(v));
  if (!v->scalar[0] || ks_yaml_is_null(v))
    return fail(d, v, path, "must not be empty");
  if (strlen(v->scalar) > KS_SWEEP_MAX_VALUE_LENGTH)
    return fail(d, v, path, "longer than %d bytes", KS_SWEEP_MAX_VALUE_LENGTH);
  for (const char *c = v->scalar; *c; c++)
    if ((guchar)*c < 0x20 || *c == 0x7f)
      return fail(d, v, path, "must not contain control characters (tab, newline, ...)");
  *out = v->scalar;
  return TRUE;
}

/* A sequence of 1..KS_SWEEP_MAX_VALUES items. */
static gboolean list(Dec *d, const KsYamlNode *v, const char *path) {
  if (!expect(d, v, KS_YAML_SEQUENCE, path))
    return FALSE;
  if (ks_yaml_len(v) == 0)
    return fail(d, v, path, "must list at least one value");
  if (ks_yaml_len(v) > KS_SWEEP_MAX_VALUES)
    return fail(d, v, path, "more than %d values", KS_SWEEP_MAX_VALUES);
  return TRUE;
}

/* A non-negative decimal integer that fits ksim run --seed (gint64). */
static gboolean seed_value(Dec *d, const KsYamlNode *v, const char *path, gint64 *out) {
  guint64 x = 0;
  if (v && v->kind == KS_YAML_SCALAR && !v->quoted && v->scalar[0] &&
      strspn(v->scalar, "0123456789") == strlen(v->scalar) &&
      g_ascii_string_to_unsigned(v->scalar, 10, 0, G_MAXINT64, &x, NULL)) {
    *out = (gint64)x;
    return TRUE;
  }
  return fail(d, v, path, "must be an integer between 0 and %" G_GINT64_FORMAT, G_MAXINT64);
}

static void entry_free(gpointer p) {
  KsSweepEntry *e = p;
  g_free(e->text);
  g_free(e->path);
  g_free(e);
}

static void value_free(gpointer p) {
  KsSweepValue *v = p;
  g_free(v->text);
  g_free(v);
}

static void param_free(gpointer p) {
  KsSweepParam *x = p;
  g_free(x->name);
  g_ptr_array_free(x->values, TRUE);
  g_free(x);
}

void ks_sweep_spec_free(KsSweepSpec *s) {
  if (!s)
    return;
  g_free(s->name);
  g_free(s->file);
  g_free(s->base_dir);
  g_ptr_array_free(s->scenarios, TRUE);
  g_ptr_array_free(s->traces, TRUE);
  g_free(s->trace_format);
  g_ptr_array_free(s->profiles, TRUE);
  g_ptr_array_free(s->params, TRUE);
  g_array_free(s->seeds, TRUE);
  g_free(s->output);
  g_free(s);
}

static gboolean is_builtin_profile(const char *name) {
  return !strcmp(name, "default") || !strcmp(name, "legacy-v1.7");
}

/* A list of file entries (scenarios, traces) or profiles (built-in names or
 * files), with duplicates refused: a duplicate would run twice under one id. */
static gboolean entries(Dec *d, const KsYamlNode *spec, const char *key, gboolean profiles,
                        GPtrArray *out) {
  const KsYamlNode *v = get(spec, key);
  g_autofree char *path = field_path("spec", key);
  if (!v)
    return TRUE;
  if (!list(d, v, path))
    return FALSE;
  for (guint i = 0; i < ks_yaml_len(v); i++) {
    const KsYamlNode *item = ks_yaml_item(v, i);
    g_autofree char *ip = g_strdup_printf("%s[%u]", path, i);
    const char *text;
    if (!text_value(d, item, ip, &text))
      return FALSE;
    for (guint j = 0; j < out->len; j++)
      if (!strcmp(((KsSweepEntry *)out->pdata[j])->text, text))
        return fail(d, item, ip, "\"%s\" is listed twice (also %s[%u])", text, path, j);
    KsSweepEntry *e = g_new0(KsSweepEntry, 1);
    e->text = g_strdup(text);
    e->line = item->line;
    e->column = item->column;
    if (profiles && !is_builtin_profile(text) && !strchr(text, '/') &&
        !g_str_has_suffix(text, ".yaml") && !g_str_has_suffix(text, ".yml")) {
      entry_free(e);
      return fail(d, item, ip,
                  "\"%s\" is neither a built-in profile (default, legacy-v1.7) nor a "
                  "KubeSchedulerConfiguration file (a path ending in .yaml or .yml)", text);
    }
    if (!profiles || !is_builtin_profile(text))
      e->path = g_path_is_absolute(text) ? g_strdup(text)
                                         : g_build_filename(d->s->base_dir, text, NULL);
    g_ptr_array_add(out, e);
  }
  return TRUE;
}

/* "spec.a.b[0].c": identifiers separated by dots, each optionally followed
 * by [index]s. Checked here so a typo fails before any run starts. */
static gboolean is_field_path(const char *p) {
  if (!g_str_has_prefix(p, "spec.") && !g_str_has_prefix(p, "metadata."))
    return FALSE;
  const char *c = p;
  while (*c) {
    if (!g_ascii_isalpha(*c))
      return FALSE;
    while (g_ascii_isalnum(*c) || *c == '_' || *c == '-')
      c++;
    while (*c == '[') {
      c++;
      if (!g_ascii_isdigit(*c))
        return FALSE;
      while (g_ascii_isdigit(*c))
        c++;
      if (*c++ != ']')
        return FALSE;
    }
    if (*c == '.')
      c++;
    else if (*c)
      return FALSE;
  }
  return c[-1] != '.';
}

static gboolean option_value_ok(const char *option, const char *value) {
  if (!strcmp(option, "--replay") || !strcmp(option, "--trace-param")) {
    const char *eq = strchr(value, '=');
    return eq && eq != value;
  }
  return TRUE;
}

static gboolean parameters(Dec *d, const KsYamlNode *spec) {
  const KsYamlNode *m = get(spec, "parameters");
  if (!m)
    return TRUE;
  if (!expect(d, m, KS_YAML_MAPPING, "spec.parameters"))
    return FALSE;
  if (ks_yaml_len(m) > KS_SWEEP_MAX_PARAMETERS)
    return fail(d, m, "spec.parameters", "more than %d parameters", KS_SWEEP_MAX_PARAMETERS);
  for (guint i = 0; i < ks_yaml_len(m); i++) {
    const KsYamlNode *key_node = m->items->pdata[2 * i];
    const KsYamlNode *v = ks_yaml_value(m, i);
    const char *key;
    if (!text_value(d, key_node, "spec.parameters", &key))
      return FALSE;
    g_autofree char *path = field_path("spec.parameters", key);
    gboolean option = g_strv_contains(ks_sweep_run_options, key);
    if (!option && !is_field_path(key)) {
      g_autofree char *opts = g_strjoinv(", ", (char **)ks_sweep_run_options);
      return fail(d, key_node, path,
                  "not a scenario field path (spec.… or metadata.…, e.g. "
                  "spec.nodePools[0].count) nor a ksim run option (%s)", opts);
    }
    if (!list(d, v, path))
      return FALSE;
    KsSweepParam *p = g_new0(KsSweepParam, 1);
    p->kind = option ? KS_SWEEP_PARAM_OPTION : KS_SWEEP_PARAM_FIELD;
    p->name = g_strdup(key);
    p->values = g_ptr_array_new_with_free_func(value_free);
    p->line = key_node->line;
    p->column = key_node->column;
    g_ptr_array_add(d->s->params, p);
    for (guint j = 0; j < ks_yaml_len(v); j++) {
      const KsYamlNode *item = ks_yaml_item(v, j);
      g_autofree char *ip = g_strdup_printf("%s[%u]", path, j);
      const char *text;
      if (!text_value(d, item, ip, &text))
        return FALSE;
      if (option && !option_value_ok(key, text))
        return fail(d, item, ip, "\"%s\" is not KEY=VALUE", text);
      for (guint k = 0; k < p->values->len; k++) {
        const KsSweepValue *o = p->values->pdata[k];
        if (!strcmp(o->text, text) && o->quoted == item->quoted)
          return fail(d, item, ip, "\"%s\" is listed twice (also %s[%u])", text, path, k);
      }
      KsSweepValue *x = g_new0(KsSweepValue, 1);
      x->text = g_strdup(text);
      x->quoted = item->quoted;
      x->line = item->line;
      x->column = item->column;
      g_ptr_array_add(p->values, x);
    }
  }
  return TRUE;
}

/* seeds: [1, 2, 5] or {from: 1, to: 3} (inclusive) or {from: 1, count: 3}. */
static gboolean seeds(Dec *d, const KsYamlNode *spec) {
  static const char *const known[] = {"from", "to", "count", NULL};
  const KsYamlNode *v = get(spec, "seeds");
  if (!v)
    return missing(d, spec, "spec", "seeds");
  d->s->seeds_line = v->line;
  d->s->seeds_column = v->column;
  if (v->kind == KS_YAML_SEQUENCE) {
    if (!list(d, v, "spec.seeds"))
      return FALSE;
    for (guint i = 0; i < ks_yaml_len(v); i++) {
      g_autofree char *ip = g_strdup_printf("spec.seeds[%u]", i);
      gint64 x;
      if (!seed_value(d, ks_yaml_item(v, i), ip, &x))
        return FALSE;
      for (guint k = 0; k < d->s->seeds->len; k++)
        if (g_array_index(d->s->seeds, gint64, k) == x)
          return fail(d, ks_yaml_item(v, i), ip,
                      "seed %" G_GINT64_FORMAT " is listed twice (also spec.seeds[%u])", x, k);
      g_array_append_val(d->s->seeds, x);
    }
    return TRUE;
  }
  if (v->kind != KS_YAML_MAPPING)
    return fail(d, v, "spec.seeds",
                "must be a sequence of seeds or a range {from, to} or {from, count}, not %s",
                ks_yaml_kind_name(v));
  if (!check_fields(d, v, "spec.seeds", known))
    return FALSE;
  const KsYamlNode *from = get(v, "from"), *to = get(v, "to"), *count = get(v, "count");
  gint64 a, b = 0, n = 0;
  if (!from)
    return missing(d, v, "spec.seeds", "from");
  if (!seed_value(d, from, "spec.seeds.from", &a))
    return FALSE;
  if (!to == !count)
    return fail(d, v, "spec.seeds", "give exactly one of to and count");
  if (to) {
    if (!seed_value(d, to, "spec.seeds.to", &b))
      return FALSE;
    if (b < a)
      return fail(d, to, "spec.seeds.to",
                  "must not be less than spec.seeds.from (%" G_GINT64_FORMAT ")", a);
    if (b - a >= KS_SWEEP_MAX_VALUES)
      return fail(d, v, "spec.seeds", "more than %d seeds", KS_SWEEP_MAX_VALUES);
    n = b - a + 1;
  } else {
    if (!seed_value(d, count, "spec.seeds.count", &n))
      return FALSE;
    if (n < 1 || n > KS_SWEEP_MAX_VALUES)
      return fail(d, count, "spec.seeds.count", "must be between 1 and %d", KS_SWEEP_MAX_VALUES);
    if (a > G_MAXINT64 - (n - 1))
      return fail(d, count, "spec.seeds.count",
                  "the last seed would be larger than %" G_GINT64_FORMAT, G_MAXINT64);
  }
  for (gint64 i = 0; i < n; i++) {
    gint64 x = a + i;
    g_array_append_val(d->s->seeds, x);
  }
  return TRUE;
}

static gboolean header(Dec *d, const KsYamlNode *root) {
  static const char *const known[] = {"apiVersion", "kind", "metadata", "spec", NULL};
  static const char *const meta_known[] = {"name", NULL};
  if (!expect(d, root, KS_YAML_MAPPING, "") || !check_fields(d, root, "", known))
    return FALSE;
  const KsYamlNode *api = get(root, "apiVersion"), *kind = get(root, "kind");
  const char *text;
  if (!api)
    return missing(d, root, "", "apiVersion");
  if (!text_value(d, api, "apiVersion", &text))
    return FALSE;
  if (strcmp(text, KS_SWEEP_API_VERSION))
    return fail(d, api, "apiVersion", "\"%s\" is not supported; use %s", text,
                KS_SWEEP_API_VERSION);
  if (!kind)
    return missing(d, root, "", "kind");
  if (!text_value(d, kind, "kind", &text))
    return FALSE;
  if (strcmp(text, KS_SWEEP_KIND))
    return fail(d, kind, "kind", "must be %s, not \"%s\"", KS_SWEEP_KIND, text);
  const KsYamlNode *m = get(root, "metadata"), *name;
  if (!m)
    return missing(d, root, "", "metadata");
  if (!expect(d, m, KS_YAML_MAPPING, "metadata") || !check_fields(d, m, "metadata", meta_known))
    return FALSE;
  if (!(name = get(m, "name")))
    return missing(d, m, "metadata", "name");
  if (!text_value(d, name, "metadata.name", &text))
    return FALSE;
  gboolean ok = strlen(text) <= KS_SWEEP_MAX_NAME_LENGTH && g_ascii_isalnum(text[0]) &&
                g_ascii_isalnum(text[strlen(text) - 1]);
  for (const char *c = text; *c; c++)
    ok = ok && (g_ascii_islower(*c) || g_ascii_isdigit(*c) || *c == '-' || *c == '.');
  if (!ok)
    return fail(d, name, "metadata.name",
                "\"%s\" is not a valid name (lower-case letters, digits, '-' and '.')", text);
  d->s->name = g_strdup(text);
  return TRUE;
}

static gboolean spec(Dec *d, const KsYamlNode *root) {
  static const char *const known[] = {"scenarios", "traces", "traceFormat", "profiles",
                                      "parameters", "seeds", "output", NULL};
  const KsYamlNode *s = get(root, "spec");
  const char *text;
  if (!s)
    return missing(d, root, "", "spec");
  if (!expect(d, s, KS_YAML_MAPPING, "spec") || !check_fields(d, s, "spec", known))
    return FALSE;
  if (!get(s, "scenarios"))
    return missing(d, s, "spec", "scenarios");
  if (!entries(d, s, "scenarios", FALSE, d->s->scenarios) ||
      !entries(d, s, "traces", FALSE, d->s->traces) ||
      !entries(d, s, "profiles", TRUE, d->s->profiles))
    return FALSE;
  const KsYamlNode *tf = get(s, "traceFormat");
  if (tf) {
    if (!text_value(d, tf, "spec.traceFormat", &text))
      return FALSE;
    if (d->s->traces->len == 0)
      return fail(d, tf, "spec.traceFormat", "only applies with spec.traces");
    d->s->trace_format = g_strdup(text);
  }
  if (d->s->profiles->len == 0) {
    KsSweepEntry *e = g_new0(KsSweepEntry, 1);
    e->text = g_strdup("default");
    e->line = s->line;
    e->column = s->column;
    g_ptr_array_add(d->s->profiles, e);
  }
  if (!parameters(d, s) || !seeds(d, s))
    return FALSE;
  const KsYamlNode *out = get(s, "output");
  if (out) {
    if (!text_value(d, out, "spec.output", &text))
      return FALSE;
    d->s->output = g_strdup(text);
  } else {
    d->s->output = g_build_filename("results", "sweeps", d->s->name, NULL);
  }
  guint64 runs = ks_sweep_spec_run_count(d->s);
  if (runs > KS_SWEEP_MAX_RUNS)
    return fail(d, s, "spec",
                "the matrix has %" G_GUINT64_FORMAT " runs, more than %d", runs, KS_SWEEP_MAX_RUNS);
  return TRUE;
}

guint64 ks_sweep_spec_run_count(const KsSweepSpec *s) {
  guint64 n = s->scenarios->len * (guint64)MAX(s->traces->len, 1) * s->profiles->len * s->seeds->len;
  for (guint i = 0; i < s->params->len && n; i++) {
    guint64 k = ((const KsSweepParam *)s->params->pdata[i])->values->len;
    n = n > G_MAXUINT64 / k ? G_MAXUINT64 : n * k;
  }
  return n;
}

static KsSweepSpec *load_stream(const KsYamlStream *stream, const char *file,
                                const char *base_dir, GError **error) {
  KsSweepSpec *s = g_new0(KsSweepSpec, 1);
  s->file = g_strdup(file);
  s->base_dir = g_strdup(base_dir ? base_dir : ".");
  s->scenarios = g_ptr_array_new_with_free_func(entry_free);
  s->traces = g_ptr_array_new_with_free_func(entry_free);
  s->profiles = g_ptr_array_new_with_free_func(entry_free);
  s->params = g_ptr_array_new_with_free_func(param_free);
  s->seeds = g_array_new(FALSE, FALSE, sizeof(gint64));
  Dec d = {.file = file, .s = s, .error = error};
  const KsYamlNode *root = NULL;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < stream->documents->len; i++) {
    const KsYamlNode *doc = stream->documents->pdata[i];
    if (doc && root)
      ok = fail(&d, doc, NULL, "a Sweep file holds one document; found a second one here");
    else if (doc)
      root = doc;
  }
  if (ok && !root)
    ok = fail(&d, NULL, NULL, "empty file: expected a Sweep document");
  ok = ok && header(&d, root) && spec(&d, root);
  if (!ok) {
    ks_sweep_spec_free(s);
    return NULL;
  }
  return s;
}

KsSweepSpec *ks_sweep_spec_load_string(const char *data, gsize len, const char *display_name,
                                       const char *base_dir, GError **error) {
  const char *file = display_name ? display_name : "<string>";
  KsYamlStream *stream = ks_yaml_load_string(data, len, file, error);
  if (!stream)
    return NULL;
  KsSweepSpec *s = load_stream(stream, file, base_dir, error);
  ks_yaml_stream_free(stream);
  return s;
}

KsSweepSpec *ks_sweep_spec_load_file(const char *path, GError **error) {
  KsYamlStream *stream = ks_yaml_load_file(path, error);
  if (!stream)
    return NULL;
  g_autofree char *dir = g_path_get_dirname(path);
  KsSweepSpec *s = load_stream(stream, path, dir, error);
  ks_yaml_stream_free(stream);
  return s;
}

/* ---- setting a field by path -------------------------------------------- */

/* Moves every node of `from` into `to` (which then frees them), and gives
 * them the position `at`. */
static void adopt_nodes(KsYamlStream *to, KsYamlStream *from, const KsYamlNode *at) {
  for (guint i = 0; i < from->nodes->len; i++) {
    KsYamlNode *n = from->nodes->pdata[i];
    n->line = at->line;
    n->column = at->column;
    g_ptr_array_add(to->nodes, n);
  }
  g_ptr_array_set_free_func(from->nodes, NULL);
}

static KsYamlNode *new_key(KsYamlStream *s, const char *text, const KsYamlNode *at) {
  KsYamlNode *k = g_new0(KsYamlNode, 1);
  k->kind = KS_YAML_SCALAR;
  k->scalar = g_strdup(text);
  k->line = at->line;
  k->column = at->column;
  g_ptr_array_add(s->nodes, k);
  return k;
}

static KsYamlNode *new_mapping(KsYamlStream *s, const KsYamlNode *at) {
  KsYamlNode *m = g_new0(KsYamlNode, 1);
  m->kind = KS_YAML_MAPPING;
  m->items = g_ptr_array_new();
  m->line = at->line;
  m->column = at->column;
  g_ptr_array_add(s->nodes, m);
  return m;
}

/* The slot in a parent's items that holds the node at the next step. */
typedef struct {
  KsYamlNode *parent;
  guint index; /* into parent->items */
} Slot;

gboolean ks_yaml_set_path(KsYamlStream *stream, const char *path, const char *value,
                          GError **error) {
  KsYamlNode *root = NULL;
  for (guint i = 0; i < stream->documents->len; i++)
    if (stream->documents->pdata[i] && !root)
      root = stream->documents->pdata[i];
  if (!root) {
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD, "the file has no document");
    return FALSE;
  }
  KsYamlStream *v = ks_yaml_load_string(value, strlen(value), "value", error);
  if (!v)
    return FALSE;
  if (v->documents->len > 1) {
    ks_yaml_stream_free(v);
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD, "the value holds more than one document");
    return FALSE;
  }
  KsYamlNode *node = v->documents->len ? v->documents->pdata[0] : NULL;
  GString *walked = g_string_new(NULL);
  KsYamlNode *cur = root;
  Slot slot = {NULL, 0};
  const char *c = path;
  gboolean ok = TRUE;
  while (ok && *c) {
    gboolean index = *c == '[';
    const char *end = index ? strchr(c, ']') : c + strcspn(c, ".[");
    if (!end || end == c) {
      g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD, "\"%s\" is not a field path", path);
      ok = FALSE;
      break;
    }
    g_autofree char *step = index ? g_strndup(c + 1, end - c - 1) : g_strndup(c, end - c);
    if (!index && walked->len)
      g_string_append_c(walked, '.');
    g_string_append_len(walked, c, end - c + index);
    c = end + index;
    if (*c == '.')
      c++;
    if (index) {
      guint64 k;
      if (!cur || cur->kind != KS_YAML_SEQUENCE ||
          !g_ascii_string_to_unsigned(step, 10, 0, G_MAXUINT, &k, NULL)) {
        g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD, "%s: the parent is %s, not a sequence",
                    walked->str, cur ? ks_yaml_kind_name(cur) : "a missing field");
        ok = FALSE;
      } else if (k >= cur->items->len) {
        g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD,
                    "%s: index out of range (the sequence has %u item%s)", walked->str,
                    cur->items->len, cur->items->len == 1 ? "" : "s");
        ok = FALSE;
      } else {
        slot = (Slot){cur, (guint)k};
        cur = cur->items->pdata[k];
      }
      continue;
    }
    if (cur && cur->kind == KS_YAML_SCALAR && ks_yaml_is_null(cur) && slot.parent) {
      /* "field: " (null) holding nothing yet: make it a mapping. */
      cur = new_mapping(stream, cur);
      slot.parent->items->pdata[slot.index] = cur;
    }
    if (!cur || cur->kind != KS_YAML_MAPPING) {
      g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD, "%s: the parent is %s, not a mapping",
                  walked->str, ks_yaml_kind_name(cur));
      ok = FALSE;
      break;
    }
    guint i = 0;
    while (i < ks_yaml_len(cur) && g_strcmp0(ks_yaml_key(cur, i), step))
      i++;
    if (i == ks_yaml_len(cur)) {
      g_ptr_array_add(cur->items, new_key(stream, step, cur));
      g_ptr_array_add(cur->items, *c ? new_mapping(stream, cur) : NULL);
    }
    slot = (Slot){cur, 2 * i + 1};
    cur = cur->items->pdata[2 * i + 1];
  }
  if (ok) {
    const KsYamlNode *at = cur ? cur : slot.parent;
    if (!node) {
      /* An empty value is YAML null. */
      node = new_key(stream, "", at);
      node->is_null = TRUE;
    } else {
      adopt_nodes(stream, v, at);
    }
    slot.parent->items->pdata[slot.index] = node;
  }
  g_string_free(walked, TRUE);
  ks_yaml_stream_free(v);
  return ok;
}

KsScenario *ks_scenario_load_file_with_sets(const char *path, const char *const *sets,
                                            GError **error) {
  if (!sets || !sets[0])
    return ks_scenario_load_file(path, error);
  KsYamlStream *stream = ks_yaml_load_file(path, error);
  if (!stream)
    return NULL;
  for (const char *const *s = sets; *s; s++) {
    const char *eq = strchr(*s, '=');
    GError *e = NULL;
    if (!eq || eq == *s) {
      g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD, "--set %s: expected PATH=VALUE", *s);
    } else {
      g_autofree char *field = g_strndup(*s, eq - *s);
      if (ks_yaml_set_path(stream, field, eq + 1, &e))
        continue;
      g_set_error(error, e->domain, e->code, "--set %s: %s", *s, e->message);
      g_error_free(e);
    }
    ks_yaml_stream_free(stream);
    return NULL;
  }
  g_autofree char *dir = g_path_get_dirname(path);
  KsScenario *s = ks_scenario_load_stream(stream, dir, error);
  ks_yaml_stream_free(stream);
  return s;
}
