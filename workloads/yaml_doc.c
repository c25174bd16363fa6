/* libyaml events -> KsYamlNode tree.
 *
 * We use libyaml's event API rather than its document loader because the
 * loader keeps no per-node column for aliases, reports limits poorly and
 * builds a tree we would have to copy anyway. The builder keeps a stack of
 * open collections; every finished node is appended to the collection on top
 * of the stack (or becomes the document root).
 *
 * Ownership: the stream owns every node exactly once in `nodes`; documents
 * and collections only point at them. That makes aliases cheap (an alias is
 * the anchored node itself, shared) and freeing trivial (no walk, no cycle
 * worries). Cycles cannot occur anyway: an anchor becomes visible only once
 * its node is complete, so `&a [*a]` is an undefined alias.
 *
 * Limits (yaml_doc.h): the file size is checked before parsing; depth and
 * node count as nodes open; alias expansion by giving each node the size of
 * its subtree with aliases expanded (`expanded`) and bounding the sum over
 * the whole stream, so a decoder walking the tree never does more than
 * KS_YAML_MAX_EXPANDED_NODES steps however the aliases nest.
 */
#include "workloads/yaml_doc.h"

#include <glib/gstdio.h>
#include <string.h>
#include <yaml.h>

G_DEFINE_QUARK(ks-yaml-error-quark, ks_yaml_error)

#define STR_TAG "tag:yaml.org,2002:str"
#define NULL_TAG "tag:yaml.org,2002:null"

typedef struct {
  const char *file;
  const char *data;
  gsize len;
  KsYamlStream *s;
  GPtrArray *stack;     /* open collections */
  GHashTable *anchors;  /* name -> node, per document (anchors are document scoped) */
  KsYamlNode *root;     /* root of the current document */
  gboolean have_root;
  guint64 expanded;     /* stream total */
} Builder;

static void node_free(gpointer p) {
  KsYamlNode *n = p;
  g_free(n->scalar);
  g_free(n->tag);
  if (n->items)
    g_ptr_array_free(n->items, TRUE);
  g_free(n);
}

void ks_yaml_stream_free(KsYamlStream *s) {
  if (!s)
    return;
  g_free(s->file);
  g_ptr_array_free(s->documents, TRUE);
  g_ptr_array_free(s->nodes, TRUE);
  g_free(s);
}

static KsYamlStream *stream_new(const char *file) {
  KsYamlStream *s = g_new0(KsYamlStream, 1);
  s->file = g_strdup(file);
  s->documents = g_ptr_array_new();
  s->nodes = g_ptr_array_new_with_free_func(node_free);
  return s;
}

/* what: a phrase with one %llu-style slot for the limit's value */
static gboolean limit_error(GError **error, const char *file, yaml_mark_t m, const char *what,
                            guint64 limit) {
  char *msg = g_strdup_printf(what, limit);
  g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_LIMIT, "%s:%zu:%zu: %s", file, m.line + 1,
              m.column + 1, msg);
  g_free(msg);
  return FALSE;
}

static gboolean syntax_at(GError **error, const char *file, yaml_mark_t m, const char *fmt,
                          const char *arg) {
  char *msg = g_strdup_printf(fmt, arg);
  g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_SYNTAX, "%s:%zu:%zu: %s", file, m.line + 1,
              m.column + 1, msg);
  g_free(msg);
  return FALSE;
}

/* libyaml's own message, with the two mistakes people make most often
 * (tabs for indentation, and a stray colon) said plainly. */
static void parser_error(GError **error, const Builder *b, const yaml_parser_t *p) {
  yaml_mark_t m = p->problem_mark;
  const char *problem = p->problem ? p->problem : "cannot parse YAML";
  if (m.index < b->len && b->data[m.index] == '\t' && p->error == YAML_SCANNER_ERROR) {
    syntax_at(error, b->file, m, "%s",
              "tab character in indentation (YAML allows only spaces there)");
    return;
  }
  if (p->error == YAML_READER_ERROR) {
    /* reader errors carry an offset, not a line/column */
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_SYNTAX, "%s: byte %zu: %s", b->file,
                p->problem_offset, problem);
    return;
  }
  if (p->context)
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_SYNTAX,
                "%s:%zu:%zu: %s (%s at line %zu column %zu)", b->file, m.line + 1, m.column + 1,
                problem, p->context, p->context_mark.line + 1, p->context_mark.column + 1);
  else
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_SYNTAX, "%s:%zu:%zu: %s", b->file,
                m.line + 1, m.column + 1, problem);
}

static KsYamlNode *node_new(Builder *b, KsYamlKind kind, const yaml_event_t *ev,
                            GError **error) {
  if (b->s->nodes->len >= KS_YAML_MAX_NODES) {
    limit_error(error, b->file, ev->start_mark,
                "more than %" G_GUINT64_FORMAT " YAML nodes", KS_YAML_MAX_NODES);
    return NULL;
  }
  KsYamlNode *n = g_new0(KsYamlNode, 1);
  n->kind = kind;
  n->line = (guint)ev->start_mark.line + 1;
  n->column = (guint)ev->start_mark.column + 1;
  n->expanded = 1;
  if (kind != KS_YAML_SCALAR)
    n->items = g_ptr_array_new();
  g_ptr_array_add(b->s->nodes, n);
  return n;
}

static gboolean is_null_text(const char *s) {
  return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
         !strcmp(s, "NULL");
}

/* Appends a finished node (fresh or aliased) to the open collection or makes
 * it the document root, enforcing the key rules and the expansion budget. */
static gboolean attach(Builder *b, KsYamlNode *n, yaml_mark_t at, GError **error) {
  if (b->stack->len == 0) {
    b->root = n;
    b->have_root = TRUE;
    return TRUE;
  }
  KsYamlNode *parent = g_ptr_array_index(b->stack, b->stack->len - 1);
  if (parent->kind == KS_YAML_MAPPING && parent->items->len % 2 == 0) {
    if (n->kind != KS_YAML_SCALAR)
      return syntax_at(error, b->file, at, "%s", "a mapping key must be a scalar");
    if (!n->quoted && !strcmp(n->scalar, "<<"))
      return syntax_at(error, b->file, at, "%s", "merge keys (<<) are not supported");
  }
  parent->expanded += n->expanded;
  if (parent->expanded > KS_YAML_MAX_EXPANDED_NODES)
    return limit_error(error, b->file, at,
                       "aliases expand to more than %" G_GUINT64_FORMAT " nodes",
                       KS_YAML_MAX_EXPANDED_NODES);
  g_ptr_array_add(parent->items, n);
  return TRUE;
}

static void remember_anchor(Builder *b, const yaml_char_t *anchor, KsYamlNode *n) {
  if (anchor)
    g_hash_table_replace(b->anchors, g_strdup((const char *)anchor), n);
}

static gboolean on_scalar(Builder *b, const yaml_event_t *ev, GError **error) {
  KsYamlNode *n = node_new(b, KS_YAML_SCALAR, ev, error);
  if (!n)
    return FALSE;
  const char *tag = (const char *)ev->data.scalar.tag;
  n->scalar = g_strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
  n->tag = g_strdup(tag);
  /* block scalars (| and >) are strings just as quoted ones are */
  n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || (tag && !strcmp(tag, STR_TAG));
  n->is_null = (!n->quoted && is_null_text(n->scalar)) || (tag && !strcmp(tag, NULL_TAG));
  remember_anchor(b, ev->data.scalar.anchor, n);
  return attach(b, n, ev->start_mark, error);
}

static gboolean on_alias(Builder *b, const yaml_event_t *ev, GError **error) {
  const char *name = (const char *)ev->data.alias.anchor;
  KsYamlNode *n = g_hash_table_lookup(b->anchors, name);
  if (!n)
    return syntax_at(error, b->file, ev->start_mark,
                     "alias *%s refers to no anchor defined before it", name);
  return attach(b, n, ev->start_mark, error);
}

static gboolean on_start(Builder *b, const yaml_event_t *ev, KsYamlKind kind, GError **error) {
  if (b->stack->len >= KS_YAML_MAX_DEPTH)
    return limit_error(error, b->file, ev->start_mark,
                       "nesting deeper than %" G_GUINT64_FORMAT " levels",
                       (guint64)KS_YAML_MAX_DEPTH);
  KsYamlNode *n = node_new(b, kind, ev, error);
  if (!n)
    return FALSE;
  const yaml_char_t *tag =
      kind == KS_YAML_MAPPING ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
  n->tag = g_strdup((const char *)tag);
  g_ptr_array_add(b->stack, n);
  return TRUE;
}

/* Kubernetes' decoders reject duplicate keys (yaml.v2 "already set in map"),
 * and a silently ignored duplicate is a classic source of wrong manifests. */
static gboolean check_duplicates(Builder *b, const KsYamlNode *m, GError **error) {
  guint pairs = m->items->len / 2;
  GHashTable *seen = pairs > 8 ? g_hash_table_new(g_str_hash, g_str_equal) : NULL;
  gboolean ok = TRUE;
  for (guint i = 0; i < pairs && ok; i++) {
    const KsYamlNode *k = m->items->pdata[2 * i];
    const KsYamlNode *first = NULL;
    if (seen) {
      first = g_hash_table_lookup(seen, k->scalar);
      if (!first)
        g_hash_table_insert(seen, k->scalar, (gpointer)k);
    } else {
      for (guint j = 0; j < i && !first; j++) {
        const KsYamlNode *o = m->items->pdata[2 * j];
        if (!strcmp(o->scalar, k->scalar))
          first = o;
      }
    }
    if (first) {
      g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_SYNTAX,
                  "%s:%u:%u: duplicate key \"%s\" (first at line %u)", b->file, k->line,
                  k->column, k->scalar, first->line);
      ok = FALSE;
    }
  }
  if (seen)
    g_hash_table_destroy(seen);
  return ok;
}

static gboolean on_end(Builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
                       GError **error) {
  KsYamlNode *n = g_ptr_array_steal_index(b->stack, b->stack->len - 1);
  if (n->kind == KS_YAML_MAPPING && !check_duplicates(b, n, error))
    return FALSE;
  remember_anchor(b, anchor, n);
  yaml_mark_t at = {0};
  at.line = n->line - 1;
  at.column = n->column - 1;
  return attach(b, n, at, error);
}

static gboolean on_document_end(Builder *b, const yaml_event_t *ev, GError **error) {
  KsYamlNode *root = b->have_root ? b->root : NULL;
  b->expanded += root ? root->expanded : 0;
  if (b->expanded > KS_YAML_MAX_EXPANDED_NODES)
    return limit_error(error, b->file, ev->start_mark,
                       "aliases expand to more than %" G_GUINT64_FORMAT " nodes",
                       KS_YAML_MAX_EXPANDED_NODES);
  if (root && root->kind == KS_YAML_SCALAR && root->is_null)
    root = NULL;
  g_ptr_array_add(b->s->documents, root);
  b->root = NULL;
  b->have_root = FALSE;
  g_hash_table_remove_all(b->anchors);
  return TRUE;
}

/* Anchors of collections are known at their start event but registered at
 * their end; keep them on a stack parallel to b->stack. */
static gboolean handle_event(Builder *b, const yaml_event_t *ev, GPtrArray *open_anchors,
                             GError **error) {
  switch (ev->type) {
  case YAML_SCALAR_EVENT:
    return on_scalar(b, ev, error);
  case YAML_ALIAS_EVENT:
    return on_alias(b, ev, error);
  case YAML_SEQUENCE_START_EVENT:
    g_ptr_array_add(open_anchors, g_strdup((const char *)ev->data.sequence_start.anchor));
    return on_start(b, ev, KS_YAML_SEQUENCE, error);
  case YAML_MAPPING_START_EVENT:
    g_ptr_array_add(open_anchors, g_strdup((const char *)ev->data.mapping_start.anchor));
    return on_start(b, ev, KS_YAML_MAPPING, error);
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: {
    char *anchor = g_ptr_array_steal_index(open_anchors, open_anchors->len - 1);
    gboolean ok = on_end(b, ev, (const yaml_char_t *)anchor, error);
    g_free(anchor);
    return ok;
  }
  case YAML_DOCUMENT_END_EVENT:
    return on_document_end(b, ev, error);
  default:
    return TRUE;
  }
}

static gboolean run_parser(Builder *b, GError **error) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_IO, "%s: cannot initialise libyaml", b->file);
    return FALSE;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)b->data, b->len);
  GPtrArray *open_anchors = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = TRUE, done = FALSE;
  while (ok && !done) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      parser_error(error, b, &parser);
      ok = FALSE;
      break;
    }
    done = ev.type == YAML_STREAM_END_EVENT;
    /* On failure the stack may hold nodes; they are owned by b->s->nodes. */
    ok = handle_event(b, &ev, open_anchors, error);
    yaml_event_delete(&ev);
  }
  g_ptr_array_free(open_anchors, TRUE);
  yaml_parser_delete(&parser);
  return ok;
}

KsYamlStream *ks_yaml_load_string(const char *data, gsize len, const char *display_name,
                                  GError **error) {
  const char *file = display_name ? display_name : "<string>";
  if (len > KS_YAML_MAX_FILE_SIZE) {
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_LIMIT,
                "%s: %" G_GSIZE_FORMAT " bytes is larger than the limit of %" G_GSIZE_FORMAT
                " bytes",
                file, len, KS_YAML_MAX_FILE_SIZE);
    return NULL;
  }
  Builder b = {0};
  b.file = file;
  b.data = data ? data : "";
  b.len = data ? len : 0;
  b.s = stream_new(file);
  b.stack = g_ptr_array_new();
  b.anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok = run_parser(&b, error);
  g_ptr_array_free(b.stack, TRUE);
  g_hash_table_destroy(b.anchors);
  if (!ok) {
    ks_yaml_stream_free(b.s);
    return NULL;
  }
  return b.s; /* transfer full */
}

KsYamlStream *ks_yaml_load_file(const char *path, GError **error) {
  GStatBuf st;
  if (g_stat(path, &st) == 0 && S_ISREG(st.st_mode) && (guint64)st.st_size > KS_YAML_MAX_FILE_SIZE) {
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_LIMIT,
                "%s: %" G_GUINT64_FORMAT " bytes is larger than the limit of %" G_GSIZE_FORMAT
                " bytes",
                path, (guint64)st.st_size, KS_YAML_MAX_FILE_SIZE);
    return NULL;
  }
  gchar *data = NULL;
  gsize len = 0;
  GError *io = NULL;
  if (!g_file_get_contents(path, &data, &len, &io)) {
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_IO, "%s", io->message);
    g_error_free(io);
    return NULL;
  }
  KsYamlStream *s = ks_yaml_load_string(data, len, path, error);
  g_free(data);
  return s; /* transfer full */
}

const KsYamlNode *ks_yaml_get(const KsYamlNode *n, const char *key) {
  if (!n || n->kind != KS_YAML_MAPPING)
    return NULL;
  for (guint i = 0; i + 1 < n->items->len; i += 2) {
    const KsYamlNode *k = n->items->pdata[i];
    if (!strcmp(k->scalar, key))
      return n->items->pdata[i + 1];
  }
  return NULL;
}

guint ks_yaml_len(const KsYamlNode *n) {
  if (!n || n->kind == KS_YAML_SCALAR)
    return 0;
  return n->kind == KS_YAML_MAPPING ? n->items->len / 2 : n->items->len;
}

const KsYamlNode *ks_yaml_item(const KsYamlNode *n, guint i) {
  if (!n || n->kind != KS_YAML_SEQUENCE || i >= n->items->len)
    return NULL;
  return n->items->pdata[i];
}

const char *ks_yaml_key(const KsYamlNode *n, guint i) {
  if (!n || n->kind != KS_YAML_MAPPING || 2 * i + 1 >= n->items->len)
    return NULL;
  return ((const KsYamlNode *)n->items->pdata[2 * i])->scalar;
}

const KsYamlNode *ks_yaml_value(const KsYamlNode *n, guint i) {
  if (!n || n->kind != KS_YAML_MAPPING || 2 * i + 1 >= n->items->len)
    return NULL;
  return n->items->pdata[2 * i + 1];
}

gboolean ks_yaml_is_null(const KsYamlNode *n) {
  return n && n->kind == KS_YAML_SCALAR && n->is_null;
}

const char *ks_yaml_kind_name(const KsYamlNode *n) {
  if (!n)
    return "nothing";
  switch (n->kind) {
  case KS_YAML_MAPPING:
    return "a mapping";
  case KS_YAML_SEQUENCE:
    return "a sequence";
  default:
    return n->is_null ? "null" : "a scalar";
  }
}

void ks_yaml_set_error(GError **error, const char *file, const KsYamlNode *at, const char *path,
                       const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  GString *s = g_string_new(file ? file : "<string>");
  if (at)
    g_string_append_printf(s, ":%u:%u", at->line, at->column);
  g_string_append(s, ": ");
  if (path && *path)
    g_string_append_printf(s, "%s: ", path);
  g_string_append(s, msg);
  g_set_error_literal(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD, s->str);
  g_string_free(s, TRUE);
  g_free(msg);
}
