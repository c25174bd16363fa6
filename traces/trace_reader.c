/* The reader of the native ksim trace format (docs/trace-format.md).
 *
 * Why a line format with hand tokenising: a replay of millions of pods is
 * bound by how fast lines become KsPods. Each line is split in place inside
 * the line reader's buffer (spaces separate tokens, %XX escapes are decoded
 * in place), so reading allocates nothing but the objects it returns. The
 * rare object the compact tokens cannot say (affinity, volumes, several
 * containers, PriorityClasses, ...) is a one-line JSON manifest, which is
 * YAML flow syntax, decoded by the same manifest decoder as every other
 * Kubernetes object; its error positions are moved onto the trace's line.
 *
 * Every bad line is reported as "path:line: <event> <identity>: field <f>:
 * <reason>" through ks_trace_source_bad_row, so --skip-bad-rows works the
 * same as for the importers. I/O errors (a truncated gzip) always stop.
 */
#include "traces/trace_reader.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "traces/line_reader.h"
#include "traces/trace_text.h"
#include "workloads/annotations.h"
#include "workloads/manifest.h"

/* The container of a pod written in tokens, unless container= names it. */
#define KS_TRACE_DEFAULT_CONTAINER "main"

typedef struct {
  KsTraceSource base;
  KsLineReader *lr;
  int version;
} KsimSource;

/* What a line is about, for messages. */
typedef struct {
  KsimSource *src;
  guint64 line;
  const char *keyword; /* NULL before it is known */
  const char *ns;      /* the pod's namespace once split off, else NULL */
  const char *ident;   /* the name (or the raw identity before it is split) */
  char *msg;           /* the full message once failed; owned */
  guint fields;        /* tokens read so far */
} LineCtx;

G_GNUC_PRINTF(2, 3)
static gboolean fail(LineCtx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *reason = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  GString *m = g_string_new(NULL);
  g_string_printf(m, "%s:%" G_GUINT64_FORMAT ": ", c->src->base.path, c->line);
  if (c->keyword && c->ns)
    g_string_append_printf(m, "%s %s/%s: ", c->keyword, c->ns, c->ident);
  else if (c->keyword && c->ident)
    g_string_append_printf(m, "%s %s: ", c->keyword, c->ident);
  else if (c->keyword)
    g_string_append_printf(m, "%s: ", c->keyword);
  g_string_append(m, reason);
  g_free(reason);
  g_free(c->msg);
  c->msg = g_string_free(m, FALSE);
  return FALSE;
}

/* Splits off the next token (spaces and tabs separate); NULL at the end. */
static char *next_token(char **cur) {
  char *p = *cur;
  while (*p == ' ' || *p == '\t')
    p++;
  if (!*p) {
    *cur = p;
    return NULL;
  }
  char *t = p;
  while (*p && *p != ' ' && *p != '\t')
    p++;
  if (*p)
    *p++ = '\0';
  *cur = p;
  return t;
}

/* next_token, counting against KS_TRACE_MAX_FIELDS; NULL with c->msg set
 * when over. */
static char *next_field(LineCtx *c, char **cur) {
  char *t = next_token(cur);
  if (t && ++c->fields > KS_TRACE_MAX_FIELDS) {
    fail(c, "more than %d fields (use the JSON form)", KS_TRACE_MAX_FIELDS);
    return NULL;
  }
  return t;
}

static char *rest_of_line(char **cur) {
  char *p = *cur;
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* A token split into sigil ("l", "a", ... or NULL), key and value (NULL
 * when the token has no '='), unescaped in place. */
typedef struct {
  const char *field; /* the token as written up to '=', for messages */
  const char *sigil;
  char *key;
  char *value;
} Token;

static gboolean split_token(LineCtx *c, char *tok, Token *t) {
  /* One pass: the first ':' before any '=', the first '=', any '%'. */
  char *colon = NULL, *eq = NULL;
  gboolean escaped = FALSE;
  for (char *p = tok; *p; p++) {
    if (*p == '=' && !eq)
      eq = p;
    else if (*p == ':' && !colon && !eq)
      colon = p;
    else if (*p == '%')
      escaped = TRUE;
  }
  t->sigil = NULL;
  t->key = tok;
  t->value = NULL;
  if (colon) {
    *colon = '\0';
    t->sigil = tok;
    t->key = colon + 1;
  }
  if (eq) {
    *eq = '\0';
    t->value = eq + 1;
  }
  t->field = tok;
  if (escaped &&
      (!ks_trace_text_unescape(t->key) || (t->value && !ks_trace_text_unescape(t->value))))
    return fail(c, "field %s%s%s: malformed %%-escape (or not UTF-8)", t->sigil ? t->sigil : "",
                t->sigil ? ":" : "", t->key);
  return TRUE;
}

#define FIELD_FMT "field %s%s%s"
#define FIELD_ARGS(t) (t)->sigil ? (t)->sigil : "", (t)->sigil ? ":" : "", (t)->key

static gboolean need_value(LineCtx *c, const Token *t) {
  if (t->value)
    return TRUE;
  return fail(c, FIELD_FMT ": expected key=value", FIELD_ARGS(t));
}

static gboolean set_resource(LineCtx *c, const Token *t, KsResourceList *l) {
  if (!need_value(c, t))
    return FALSE;
  GError *e = NULL;
  if (ks_resource_list_set_quantity(l, t->key, t->value, &e))
    return TRUE;
  fail(c, FIELD_FMT ": %s", FIELD_ARGS(t), e->message);
  g_error_free(e);
  return FALSE;
}

/* lim: and alloc: take the resource names unprefixed tokens take. */
static gboolean resource_key(LineCtx *c, const Token *t) {
  if (ks_trace_text_is_resource_key(t->key))
    return TRUE;
  return fail(c, FIELD_FMT ": not a resource name (cpu, memory, ..., or domain/name)",
              FIELD_ARGS(t));
}

static gboolean parse_bool(LineCtx *c, const Token *t, gboolean *out) {
  if (strcmp(t->value, "true") == 0)
    *out = TRUE;
  else if (strcmp(t->value, "false") == 0)
    *out = FALSE;
  else
    return fail(c, FIELD_FMT ": \"%s\" is not true or false", FIELD_ARGS(t), t->value);
  return TRUE;
}

static gboolean parse_int(LineCtx *c, const Token *t, gint64 min, gint64 max, gint64 *out) {
  char *end = NULL;
  if (!g_ascii_isdigit(t->value[0]) && !(t->value[0] == '-' && g_ascii_isdigit(t->value[1])))
    return fail(c, FIELD_FMT ": \"%s\" is not an integer", FIELD_ARGS(t), t->value);
  gint64 v = g_ascii_strtoll(t->value, &end, 10);
  if (*end)
    return fail(c, FIELD_FMT ": \"%s\" is not an integer", FIELD_ARGS(t), t->value);
  if (v < min || v > max)
    return fail(c, FIELD_FMT ": %s is out of range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                FIELD_ARGS(t), t->value, min, max);
  *out = v;
  return TRUE;
}

static gboolean parse_seconds(LineCtx *c, const Token *t, gint64 *us) {
  if (ks_trace_text_parse_time(t->value, us) && *us >= 0)
    return TRUE;
  return fail(c, FIELD_FMT ": \"%s\" is not a duration in seconds (up to 6 decimals)",
              FIELD_ARGS(t), t->value);
}

/* "key[=value]:effect[:seconds]" of t: and tol: tokens, split on the raw
 * text (':' and '=' inside the parts are escaped). */
typedef struct {
  char *key, *value, *effect, *seconds;
} TaintSpec;

static gboolean split_taint(LineCtx *c, char *tok, const char *sigil, TaintSpec *ts) {
  memset(ts, 0, sizeof *ts);
  char *rest = tok + strlen(sigil) + 1;
  ts->key = rest;
  char *c1 = strchr(rest, ':');
  if (!c1)
    return fail(c, "field %s: expected %s:key[=value]:effect", tok, sigil);
  *c1 = '\0';
  ts->effect = c1 + 1;
  char *c2 = strchr(ts->effect, ':');
  if (c2) {
    *c2 = '\0';
    ts->seconds = c2 + 1;
  }
  char *eq = strchr(ts->key, '=');
  if (eq) {
    *eq = '\0';
    ts->value = eq + 1;
  }
  if (!ks_trace_text_unescape(ts->key) || (ts->value && !ks_trace_text_unescape(ts->value)))
    return fail(c, "field %s:%s: malformed %%-escape (or not UTF-8)", sigil, ts->key);
  return TRUE;
}

static gboolean parse_effect(LineCtx *c, const char *sigil, const TaintSpec *ts,
                             KsTaintEffect *out) {
  if (ks_taint_effect_from_string(ts->effect, out))
    return TRUE;
  return fail(c, "field %s:%s: unknown effect \"%s\" (use NoSchedule, PreferNoSchedule or "
                 "NoExecute)",
              sigil, ts->key, ts->effect);
}

static gboolean parse_taint(LineCtx *c, char *tok, KsNode *n) {
  TaintSpec ts;
  KsTaintEffect eff;
  if (!split_taint(c, tok, "t", &ts) || !parse_effect(c, "t", &ts, &eff))
    return FALSE;
  if (eff == KS_TAINT_EFFECT_ALL || ts.seconds || !*ts.key)
    return fail(c, "field t:%s: a taint needs a key and an effect (t:key[=value]:effect)", ts.key);
  ks_node_add_taint(n, ts.key, ts.value, eff);
  return TRUE;
}

static gboolean parse_toleration(LineCtx *c, char *tok, KsPod *p) {
  TaintSpec ts;
  KsTaintEffect eff;
  if (!split_taint(c, tok, "tol", &ts) || !parse_effect(c, "tol", &ts, &eff))
    return FALSE;
  if (ts.value && !*ts.key)
    return fail(c, "field tol:: a toleration without a key must be tol::effect (Exists)");
  gint64 secs = 0;
  if (ts.seconds) {
    Token t = {.sigil = "tol", .key = ts.key, .value = ts.seconds};
    if (!parse_int(c, &t, G_MININT64, G_MAXINT64, &secs))
      return FALSE;
  }
  KsToleration *tol = ks_pod_add_toleration(p);
  tol->key = *ts.key ? g_strdup(ts.key) : NULL; /* an empty key matches every key */
  tol->op = ts.value ? KS_TOLERATION_OP_EQUAL : KS_TOLERATION_OP_EXISTS;
  tol->value = g_strdup(ts.value);
  tol->effect = eff;
  tol->has_toleration_seconds = ts.seconds != NULL;
  tol->toleration_seconds = secs;
  return TRUE;
}

static gboolean unknown_field(LineCtx *c, const Token *t) {
  if (t->sigil)
    return fail(c, "field %s:%s: unknown prefix \"%s:\"", t->sigil, t->key, t->sigil);
  return fail(c, "field %s: unknown field", t->key);
}

/* Labels, annotations and node selector entries: "<sigil>:key=value". */
static gboolean set_label(LineCtx *c, const Token *t, KsLabels *l) {
  if (!need_value(c, t))
    return FALSE;
  if (!*t->key)
    return fail(c, "field %s:: empty key", t->sigil);
  ks_labels_set(l, t->key, t->value);
  return TRUE;
}

/* Names (node, class, container, ...) are never empty: "" is refused as the
 * API server refuses it, so every pod read from tokens can be written as
 * tokens again. */
static gboolean need_name(LineCtx *c, const Token *t) {
  if (*t->value)
    return TRUE;
  return fail(c, FIELD_FMT ": empty value", FIELD_ARGS(t));
}

static gboolean is_name_attribute(const char *k) {
  static const char *const names[] = {"class", "scheduler", "node", "uid", "container", "image"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    if (strcmp(k, names[i]) == 0)
      return TRUE;
  }
  return FALSE;
}

static gboolean pod_attribute(LineCtx *c, const Token *t, KsPod *p, KsContainer *ct) {
  const char *k = t->key, *v = t->value;
  gint64 n;
  if (!*v && is_name_attribute(k))
    return need_name(c, t);
  if (strcmp(k, "priority") == 0) {
    if (!parse_int(c, t, G_MININT32, G_MAXINT32, &n))
      return FALSE;
    p->priority = (gint32)n;
    p->has_priority = TRUE;
  } else if (strcmp(k, "run") == 0) {
    if (!parse_seconds(c, t, &n))
      return FALSE;
    ks_pod_set_run_time(p, n);
  } else if (strcmp(k, "class") == 0) {
    g_free(p->priority_class_name);
    p->priority_class_name = g_strdup(v);
  } else if (strcmp(k, "scheduler") == 0) {
    g_free(p->scheduler_name);
    p->scheduler_name = g_strdup(v);
  } else if (strcmp(k, "node") == 0) {
    g_free(p->node_name);
    p->node_name = g_strdup(v);
  } else if (strcmp(k, "uid") == 0) {
    g_free(p->uid);
    p->uid = g_strdup(v);
  } else if (strcmp(k, "container") == 0) {
    g_free(ct->name);
    ct->name = g_strdup(v);
  } else if (strcmp(k, "image") == 0) {
    g_free(ct->image);
    ct->image = g_strdup(v);
  } else if (strcmp(k, "restart") == 0) {
    if (!ks_restart_policy_from_string(v, &p->restart_policy))
      return fail(c, "field restart: unknown policy \"%s\" (use Always, OnFailure or Never)", v);
  } else if (strcmp(k, "preemption") == 0) {
    if (!ks_preemption_policy_from_string(v, &p->preemption_policy))
      return fail(c, "field preemption: unknown policy \"%s\" (use PreemptLowerPriority or Never)",
                  v);
  } else if (strcmp(k, "grace") == 0) {
    if (!parse_int(c, t, 0, G_MAXINT64, &p->termination_grace_period_seconds))
      return FALSE;
  } else if (strcmp(k, "hostNetwork") == 0) {
    return parse_bool(c, t, &p->host_network);
  } else if (strcmp(k, "phase") == 0) {
    if (!ks_pod_phase_from_string(v, &p->phase))
      return fail(c, "field phase: unknown phase \"%s\"", v);
  } else {
    return unknown_field(c, t);
  }
  return TRUE;
}

static gboolean pod_token(LineCtx *c, char *tok, KsPod *p, KsContainer *ct) {
  if (tok[0] == 't' && tok[1] == 'o' && tok[2] == 'l' && tok[3] == ':')
    return parse_toleration(c, tok, p);
  Token t;
  if (!split_token(c, tok, &t))
    return FALSE;
  if (!t.sigil) {
    if (ks_trace_text_is_resource_key(t.key))
      return set_resource(c, &t, &ct->requests);
    return need_value(c, &t) && pod_attribute(c, &t, p, ct);
  }
  if (strcmp(t.sigil, "l") == 0)
    return set_label(c, &t, &p->labels);
  if (strcmp(t.sigil, "a") == 0)
    return set_label(c, &t, &p->annotations);
  if (strcmp(t.sigil, "sel") == 0)
    return set_label(c, &t, &p->node_selector);
  if (strcmp(t.sigil, "lim") == 0)
    return resource_key(c, &t) && set_resource(c, &t, &ct->limits);
  return unknown_field(c, &t);
}

static gboolean node_token(LineCtx *c, char *tok, KsNode *n, gboolean *has_alloc) {
  if (tok[0] == 't' && tok[1] == ':')
    return parse_taint(c, tok, n);
  Token t;
  if (!split_token(c, tok, &t))
    return FALSE;
  if (!t.sigil) {
    if (ks_trace_text_is_resource_key(t.key))
      return set_resource(c, &t, &n->capacity);
    if (!need_value(c, &t))
      return FALSE;
    if (strcmp(t.key, "unschedulable") == 0)
      return parse_bool(c, &t, &n->unschedulable);
    if (strcmp(t.key, "uid") == 0) {
      if (!need_name(c, &t))
        return FALSE;
      g_free(n->uid);
      n->uid = g_strdup(t.value);
      return TRUE;
    }
    return unknown_field(c, &t);
  }
  if (strcmp(t.sigil, "l") == 0)
    return set_label(c, &t, &n->labels);
  if (strcmp(t.sigil, "a") == 0)
    return set_label(c, &t, &n->annotations);
  if (strcmp(t.sigil, "alloc") == 0) {
    *has_alloc = TRUE;
    return resource_key(c, &t) && set_resource(c, &t, &n->allocatable);
  }
  return unknown_field(c, &t);
}

/* Moves "path:1:COL: ..." of a one-line manifest onto the trace's line,
 * with the column counted from the start of the trace line. */
static gboolean fail_manifest(LineCtx *c, const char *message, gsize json_offset) {
  const char *path = c->src->base.path;
  gsize plen = strlen(path);
  if (strncmp(message, path, plen) == 0 && message[plen] == ':') {
    char *end = NULL;
    (void)g_ascii_strtoull(message + plen + 1, &end, 10); /* the line inside the JSON: 1 */
    if (end && *end == ':') {
      char *end2 = NULL;
      guint64 col = g_ascii_strtoull(end + 1, &end2, 10);
      if (end2 && *end2 == ':') {
        g_free(c->msg);
        c->msg = g_strdup_printf("%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ":%s", path,
                                 c->line, col + json_offset, end2 + 1);
        return FALSE;
      }
    }
  }
  return fail(c, "%s", message);
}

/* Decodes the one-line JSON manifest at json (json_offset bytes into the
 * line) into exactly one object. transfer full */
static KsManifestObject *decode_json(LineCtx *c, const char *json, gsize json_offset) {
  GError *e = NULL;
  KsManifestSet *set = ks_manifest_load_string(json, strlen(json), c->src->base.path, &e);
  if (!set) {
    fail_manifest(c, e->message, json_offset);
    g_error_free(e);
    return NULL;
  }
  KsManifestObject *o = NULL;
  if (set->warnings->len > 0)
    fail_manifest(c, g_ptr_array_index(set->warnings, 0), json_offset);
  else if (set->objects->len != 1)
    fail(c, "expected one object, found %u", set->objects->len);
  else
    o = g_ptr_array_steal_index(set->objects, 0);
  ks_manifest_set_free(set);
  return o;
}

static gboolean split_pod_ident(LineCtx *c, char *ident, char **ns, char **name) {
  char *slash = strchr(ident, '/');
  if (!slash || slash == ident || !slash[1])
    return fail(c, "expected namespace/name");
  *slash = '\0';
  *ns = ident;
  *name = slash + 1;
  if (!ks_trace_text_unescape(*ns) || !ks_trace_text_unescape(*name))
    return fail(c, "malformed %%-escape (or not UTF-8) in the identity");
  if (!**ns || !**name)
    return fail(c, "empty namespace or name");
  c->ns = *ns;
  c->ident = *name;
  return TRUE;
}

static gboolean parse_pod_json(LineCtx *c, char *json, gsize off, const char *ns,
                               const char *name, KsTraceEvent *ev) {
  KsManifestObject *o = decode_json(c, json, off);
  if (!o)
    return FALSE;
  gboolean ok = o->kind == KS_KIND_POD;
  if (!ok) {
    fail(c, "expected a Pod, found a %s", ks_kind_to_string(o->kind));
  } else if (strcmp(o->u.pod->namespace, ns) || strcmp(o->u.pod->name, name)) {
    fail(c, "the object is %s/%s", o->u.pod->namespace, o->u.pod->name);
    ok = FALSE;
  } else {
    ev->pod = o->u.pod;
    o->u.pod = NULL;
  }
  ks_manifest_object_free(o);
  return ok;
}

static gboolean parse_pod_create(LineCtx *c, char *ident, char *line, char **cur,
                                 KsTraceEvent *ev) {
  char *ns = NULL, *name = NULL; /* set by split_pod_ident; NULL quiets -O3 warnings */
  if (!split_pod_ident(c, ident, &ns, &name))
    return FALSE;
  char *json = rest_of_line(cur);
  if (*json == '{') {
    gboolean ok = parse_pod_json(c, json, (gsize)(json - line), ns, name, ev);
    if (ok)
      ev->pod->creation_timestamp_us = ev->time_us;
    return ok;
  }
  KsPod *p = ks_pod_new(ns, name);
  ev->pod = p;
  p->creation_timestamp_us = ev->time_us;
  KsContainer *ct = ks_pod_add_container(p, KS_TRACE_DEFAULT_CONTAINER, FALSE);
  char *tok;
  while ((tok = next_field(c, cur))) {
    if (!pod_token(c, tok, p, ct))
      return FALSE;
  }
  if (c->msg)
    return FALSE; /* over KS_TRACE_MAX_FIELDS */
  return TRUE;
}

static gboolean parse_node(LineCtx *c, char *ident, char *line, char **cur, KsTraceEvent *ev) {
  if (!ks_trace_text_unescape(ident) || !*ident)
    return fail(c, "bad node name");
  c->ident = ident;
  char *json = rest_of_line(cur);
  if (*json == '{') {
    KsManifestObject *o = decode_json(c, json, (gsize)(json - line));
    if (!o)
      return FALSE;
    gboolean ok = o->kind == KS_KIND_NODE;
    if (!ok)
      fail(c, "expected a Node, found a %s", ks_kind_to_string(o->kind));
    else if (strcmp(o->u.node->name, ident) != 0)
      ok = fail(c, "the object is %s", o->u.node->name);
    if (ok) {
      ev->node = o->u.node;
      o->u.node = NULL;
    }
    ks_manifest_object_free(o);
    return ok;
  }
  KsNode *n = ks_node_new(ident);
  ev->node = n;
  gboolean has_alloc = FALSE;
  char *tok;
  while ((tok = next_field(c, cur))) {
    if (!node_token(c, tok, n, &has_alloc))
      return FALSE;
  }
  if (c->msg)
    return FALSE; /* over KS_TRACE_MAX_FIELDS */
  if (!has_alloc) {
    ks_resource_list_clear(&n->allocatable);
    ks_resource_list_copy(&n->allocatable, &n->capacity);
    n->allocatable_from_capacity = TRUE;
  }
  return TRUE;
}

static gboolean no_more_tokens(LineCtx *c, char **cur) {
  char *tok = next_token(cur);
  if (!tok)
    return TRUE;
  return fail(c, "unexpected \"%s\"", tok);
}

static gboolean parse_pod_ref(LineCtx *c, char *ident, KsTraceEvent *ev) {
  char *ns = NULL, *name = NULL; /* set by split_pod_ident; NULL quiets -O3 warnings */
  if (!split_pod_ident(c, ident, &ns, &name))
    return FALSE;
  ev->namespace = g_strdup(ns);
  ev->name = g_strdup(name);
  return TRUE;
}

static gboolean parse_finish(LineCtx *c, char *ident, char **cur, KsTraceEvent *ev) {
  if (!parse_pod_ref(c, ident, ev))
    return FALSE;
  ev->phase = KS_POD_SUCCEEDED;
  char *tok;
  while ((tok = next_field(c, cur))) {
    Token t;
    if (!split_token(c, tok, &t) || !need_value(c, &t))
      return FALSE;
    if (!t.sigil && strcmp(t.key, "phase") == 0) {
      if (strcmp(t.value, "Succeeded") == 0)
        ev->phase = KS_POD_SUCCEEDED;
      else if (strcmp(t.value, "Failed") == 0)
        ev->phase = KS_POD_FAILED;
      else
        return fail(c, "field phase: \"%s\" is not Succeeded or Failed", t.value);
    } else if (!t.sigil && strcmp(t.key, "ran") == 0) {
      if (!parse_seconds(c, &t, &ev->ran_us))
        return FALSE;
    } else {
      return unknown_field(c, &t);
    }
  }
  if (c->msg)
    return FALSE; /* over KS_TRACE_MAX_FIELDS */
  return TRUE;
}

static gboolean parse_usage(LineCtx *c, char *ident, char **cur, KsTraceEvent *ev) {
  if (strchr(ident, '/')) {
    if (!parse_pod_ref(c, ident, ev))
      return FALSE;
  } else {
    if (!ks_trace_text_unescape(ident) || !*ident)
      return fail(c, "bad node name");
    ev->name = g_strdup(ident);
    c->ident = ident;
  }
  char *tok;
  while ((tok = next_field(c, cur))) {
    Token t;
    if (!split_token(c, tok, &t))
      return FALSE;
    if (t.sigil || !ks_trace_text_is_resource_key(t.key))
      return unknown_field(c, &t);
    if (!set_resource(c, &t, &ev->usage))
      return FALSE;
  }
  if (c->msg)
    return FALSE; /* over KS_TRACE_MAX_FIELDS */
  return TRUE;
}

static gboolean parse_object(LineCtx *c, char *line, char **cur, KsTraceEvent *ev) {
  char *json = rest_of_line(cur);
  if (*json != '{')
    return fail(c, "expected a JSON object");
  ev->object = decode_json(c, json, (gsize)(json - line));
  return ev->object != NULL;
}

static gboolean parse_line(LineCtx *c, char *line, KsTraceEvent *ev) {
  char *cur = line;
  char *time = next_token(&cur);
  if (!time)
    return fail(c, "a NUL byte in the line");
  if (!ks_trace_text_parse_time(time, &ev->time_us))
    return fail(c, "time \"%s\" is not seconds with up to 6 decimals", time);
  char *kw = next_token(&cur);
  if (!kw || !ks_trace_event_type_from_string(kw, &ev->type))
    return fail(c, "unknown event \"%s\" (use node-add, node-update, node-remove, pod-create, "
                   "pod-delete, pod-finish, usage or object)",
                kw ? kw : "");
  c->keyword = kw;
  if (ev->type == KS_TRACE_OBJECT)
    return parse_object(c, line, &cur, ev);
  char *ident = next_token(&cur);
  if (!ident)
    return fail(c, "missing identity");
  c->ident = ident;
  switch (ev->type) {
  case KS_TRACE_NODE_ADD:
  case KS_TRACE_NODE_UPDATE:
    return parse_node(c, ident, line, &cur, ev);
  case KS_TRACE_NODE_REMOVE:
    if (!ks_trace_text_unescape(ident) || !*ident)
      return fail(c, "bad node name");
    ev->name = g_strdup(ident);
    return no_more_tokens(c, &cur);
  case KS_TRACE_POD_CREATE:
    return parse_pod_create(c, ident, line, &cur, ev);
  case KS_TRACE_POD_DELETE:
    return parse_pod_ref(c, ident, ev) && no_more_tokens(c, &cur);
  case KS_TRACE_POD_FINISH:
    return parse_finish(c, ident, &cur, ev);
  case KS_TRACE_USAGE:
    return parse_usage(c, ident, &cur, ev);
  case KS_TRACE_OBJECT:
    break;
  }
  return FALSE;
}

/* A line of only spaces and tabs counts as blank. */
static gboolean is_blank(const char *line) {
  if (*line != ' ' && *line != '\t')
    return FALSE;
  return line[strspn(line, " \t")] == '\0';
}

static gboolean ksim_next(KsTraceSource *base, KsTraceEvent *ev, GError **error) {
  KsimSource *s = (KsimSource *)base;
  for (;;) {
    gsize len;
    char *line = ks_line_reader_next(s->lr, &len, error);
    if (!line)
      return FALSE;
    if (len == 0 || line[0] == '#' || is_blank(line))
      continue;
    LineCtx c = {.src = s, .line = ks_line_reader_line(s->lr)};
    ev->line = c.line;
    int check = ks_trace_text_check_line(line, len);
    if (check)
      fail(&c, check == 1 ? "a NUL byte in the line" : "the line is not UTF-8");
    else if (parse_line(&c, line, ev))
      return TRUE;
    ks_trace_event_clear(ev);
    gboolean go_on = ks_trace_source_bad_row(base, error, c.msg);
    g_free(c.msg);
    if (!go_on)
      return FALSE;
  }
}

static void ksim_free(KsTraceSource *base) {
  KsimSource *s = (KsimSource *)base;
  ks_line_reader_free(s->lr);
  g_free(s);
}

static const KsTraceSourceVTable ksim_vtable = {ksim_next, ksim_free};

/* The first line: "#ksim-trace <version>[ <anything>]". */
static gboolean read_header(KsimSource *s, GError **error) {
  gsize len;
  GError *e = NULL;
  char *line = ks_line_reader_next(s->lr, &len, &e);
  if (e) {
    g_propagate_error(error, e);
    return FALSE;
  }
  gsize mlen = strlen(KS_TRACE_FORMAT_MAGIC);
  if (!line || strncmp(line, KS_TRACE_FORMAT_MAGIC, mlen) != 0 || line[mlen] != ' ' ||
      !g_ascii_isdigit(line[mlen + 1])) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
                "%s:1: not a ksim trace (the first line must be \"%s %d\")", s->base.path,
                KS_TRACE_FORMAT_MAGIC, KS_TRACE_FORMAT_VERSION);
    return FALSE;
  }
  char *end = NULL;
  guint64 v = g_ascii_strtoull(line + mlen + 1, &end, 10);
  if ((*end && *end != ' ') || v == 0 || v > KS_TRACE_FORMAT_VERSION) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
                "%s:1: ksim trace version %s is not one this ksim reads (%d)", s->base.path,
                line + mlen + 1, KS_TRACE_FORMAT_VERSION);
    return FALSE;
  }
  s->version = (int)v;
  return TRUE;
}

KsTraceSource *ks_trace_ksim_open(const char *path, const KsTraceOpenOptions *opts,
                                  GError **error) {
  static const char *const known[] = {NULL};
  if (!ks_trace_params_check(opts, "ksim", known, error))
    return NULL;
  KsLineReader *lr = ks_line_reader_open(path, error);
  if (!lr)
    return NULL;
  KsimSource *s = g_new0(KsimSource, 1);
  ks_trace_source_init(&s->base, &ksim_vtable, opts, path);
  s->lr = lr;
  if (!read_header(s, error)) {
    ks_trace_source_free(&s->base);
    return NULL;
  }
  return &s->base;
}

const KsTraceFormat ks_trace_format_ksim = {
    .name = "ksim",
    .summary = "the native ksim trace (docs/trace-format.md); plain or gzip",
    .open = ks_trace_ksim_open,
    .synth = ks_trace_ksim_synth,
};
