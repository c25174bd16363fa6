/* The writer of the native ksim trace format (docs/trace-format.md).
 *
 * It writes what trace_reader.c reads: an object the compact tokens can say
 * exactly (one container, no affinity, volumes, ports, ...) is written as
 * tokens, anything else as a one-line JSON manifest (trace_json.c), so
 * read -> write -> read gives equal events whatever the objects hold.
 *
 * Lines are built in one reused GString and batched into a 256 KiB buffer;
 * with gzip the batch goes through gio's GZlibCompressor. The file is
 * PATH.partial until ks_trace_writer_close renames it, so an interrupted
 * conversion never leaves a file that looks complete.
 */
#include "traces/trace_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "traces/trace_json.h"
#include "traces/trace_reader.h"
#include "traces/trace_source.h"
#include "traces/trace_text.h"
#include "workloads/annotations.h"
#include "workloads/duration.h"

#define KS_TRACE_WRITER_BUFFER (256u << 10)
#define KS_TRACE_DEFAULT_CONTAINER "main"

struct KsTraceWriter {
  char *path;
  char *partial;
  int fd;
  GConverter *gz;   /* NULL for plain text */
  GString *line;    /* the line being built */
  GString *buf;     /* lines not yet written */
  guint8 *zbuf;     /* compressed output */
  gint64 last_time_us;
  guint64 events;
};

static gboolean write_all(KsTraceWriter *w, const void *data, gsize n, GError **error) {
  const guint8 *p = data;
  while (n > 0) {
    gssize k = write(w->fd, p, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0) {
      int err = errno;
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot write: %s", w->partial,
                  g_strerror(err));
      return FALSE;
    }
    p += k;
    n -= (gsize)k;
  }
  return TRUE;
}

/* Writes out buf (compressed when gzip); at_end finishes the gzip member. */
static gboolean flush(KsTraceWriter *w, gboolean at_end, GError **error) {
  if (!w->gz) {
    gboolean ok = write_all(w, w->buf->str, w->buf->len, error);
    g_string_truncate(w->buf, 0);
    return ok;
  }
  gsize pos = 0;
  for (;;) {
    gsize nread = 0, nwritten = 0;
    GError *e = NULL;
    GConverterResult r = g_converter_convert(
        w->gz, w->buf->str + pos, w->buf->len - pos, w->zbuf, KS_TRACE_WRITER_BUFFER,
        at_end ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS, &nread, &nwritten, &e);
    if (r == G_CONVERTER_ERROR) {
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: gzip: %s", w->partial,
                  e->message);
      g_error_free(e);
      return FALSE;
    }
    pos += nread;
    if (nwritten && !write_all(w, w->zbuf, nwritten, error))
      return FALSE;
    /* Without at_end, output zlib still holds comes out with later input. */
    if (r == G_CONVERTER_FINISHED || (!at_end && pos == w->buf->len))
      break;
  }
  g_string_truncate(w->buf, 0);
  return TRUE;
}

KsTraceWriter *ks_trace_writer_open(const char *path, gboolean gzip, GError **error) {
  KsTraceWriter *w = g_new0(KsTraceWriter, 1);
  w->path = g_strdup(path);
  w->partial = g_strconcat(path, ".partial", NULL);
  w->fd = open(w->partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd < 0) {
    int err = errno;
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot create: %s", w->partial,
                g_strerror(err));
    g_free(w->partial);
    g_free(w->path);
    g_free(w);
    return NULL;
  }
  if (gzip || g_str_has_suffix(path, ".gz")) {
    w->gz = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6));
    w->zbuf = g_malloc(KS_TRACE_WRITER_BUFFER);
  }
  w->line = g_string_sized_new(256);
  w->buf = g_string_sized_new(KS_TRACE_WRITER_BUFFER + 4096);
  w->last_time_us = G_MININT64;
  g_string_append_printf(w->buf, "%s %d\n", KS_TRACE_FORMAT_MAGIC, KS_TRACE_FORMAT_VERSION);
  return w;
}

/* ---- quantities -------------------------------------------------------- */

/* cpu in millicores as "2" or "1500m"; other resources as integers, with the
 * largest binary suffix that divides them exactly ("128Gi"). */
static void append_quantity(GString *o, const char *name, gint64 v) {
  if (strcmp(name, KS_RESOURCE_CPU) == 0) {
    if (v % 1000 == 0) {
      ks_trace_text_append_int(o, v / 1000);
    } else {
      ks_trace_text_append_int(o, v);
      g_string_append_c(o, 'm');
    }
    return;
  }
  static const char *const suffix[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  int s = -1;
  while (v != 0 && s < 5 && v % 1024 == 0) {
    v /= 1024;
    s++;
  }
  ks_trace_text_append_int(o, v);
  if (s >= 0)
    g_string_append(o, suffix[s]);
}

typedef struct {
  GString *o;
  const char *sigil;
} ResOut;

static void res_token(const char *name, gint64 v, gpointer data) {
  ResOut *r = data;
  g_string_append_c(r->o, ' ');
  if (r->sigil) {
    g_string_append(r->o, r->sigil);
    g_string_append_c(r->o, ':');
  }
  ks_trace_text_append_escaped(r->o, name, KS_TRACE_ESCAPE_KEY);
  g_string_append_c(r->o, '=');
  append_quantity(r->o, name, v);
}

static void resource_tokens(GString *o, const char *sigil, const KsResourceList *l) {
  ResOut r = {o, sigil};
  ks_resource_list_foreach(l, res_token, &r);
}

static void name_check(const char *name, gint64 v, gpointer data) {
  if (!ks_trace_text_is_resource_key(name))
    *(gboolean *)data = FALSE;
}

static gboolean resources_compact(const KsResourceList *l) {
  gboolean ok = TRUE;
  ks_resource_list_foreach(l, name_check, &ok);
  return ok;
}

/* ---- tokens ------------------------------------------------------------ */

static void token(GString *o, const char *sigil, const char *key, const char *value) {
  g_string_append_c(o, ' ');
  if (sigil) {
    g_string_append(o, sigil);
    g_string_append_c(o, ':');
  }
  ks_trace_text_append_escaped(o, key, KS_TRACE_ESCAPE_KEY);
  g_string_append_c(o, '=');
  ks_trace_text_append_escaped(o, value, KS_TRACE_ESCAPE_VALUE);
}

static void label_tokens(GString *o, const char *sigil, const KsLabels *l, const char *skip) {
  for (guint i = 0; i < l->n; i++) {
    if (skip && strcmp(l->items[i].key, skip) == 0)
      continue;
    token(o, sigil, l->items[i].key, l->items[i].value);
  }
}

static gboolean labels_compact(const KsLabels *l) {
  for (guint i = 0; i < l->n; i++) {
    if (!*l->items[i].key)
      return FALSE;
  }
  return TRUE;
}

/* The run time as "run=<seconds>" when ksim.io/run-time is in the form
 * ks_pod_set_run_time writes (so reading it back gives the same string). */
static gboolean run_seconds(const KsPod *p, gint64 *us) {
  const char *v = ks_labels_get(&p->annotations, KS_ANNOTATION_RUN_TIME);
  if (!v || !ks_duration_parse(v, us, NULL))
    return FALSE;
  char *canon = ks_duration_format(*us);
  gboolean same = strcmp(canon, v) == 0;
  g_free(canon);
  return same;
}

static gboolean toleration_compact(const KsToleration *t) {
  if (t->key && !*t->key)
    return FALSE; /* "" and NULL both read back as NULL */
  if (t->op == KS_TOLERATION_OP_EQUAL)
    return t->value != NULL && t->key != NULL;
  return t->value == NULL;
}

/* Can the tokens say everything about p? */
static gboolean pod_compact(const KsPod *p) {
  if (!p->containers || p->containers->len != 1 ||
      (p->init_containers && p->init_containers->len) || ks_resource_list_count(&p->overhead) ||
      p->affinity || (p->topology_spread_constraints && p->topology_spread_constraints->len) ||
      (p->volumes && p->volumes->len) || p->scheduling_gates || p->nominated_node_name ||
      p->reason || p->message || (p->conditions && p->conditions->len) || !p->scheduler_name)
    return FALSE;
  const KsContainer *c = &g_array_index(p->containers, KsContainer, 0);
  /* 16: the attributes (priority=, run=, class=, ...) */
  guint64 fields = 16 + (guint64)ks_resource_list_count(&c->requests) +
                   ks_resource_list_count(&c->limits) + p->labels.n + p->annotations.n +
                   p->node_selector.n + (p->tolerations ? p->tolerations->len : 0);
  if (fields > KS_TRACE_MAX_FIELDS)
    return FALSE;
  if ((c->ports && c->ports->len) || (c->config_refs && c->config_refs->len) ||
      c->restart_always || c->image_pull_policy != KS_PULL_POLICY_UNSET || !c->name || !*c->name ||
      (c->image && !*c->image) || !resources_compact(&c->requests) ||
      !resources_compact(&c->limits))
    return FALSE;
  if (!labels_compact(&p->labels) || !labels_compact(&p->annotations) ||
      !labels_compact(&p->node_selector))
    return FALSE;
  for (guint i = 0; p->tolerations && i < p->tolerations->len; i++) {
    if (!toleration_compact(&g_array_index(p->tolerations, KsToleration, i)))
      return FALSE;
  }
  return (!p->uid || *p->uid) && (!p->node_name || *p->node_name) &&
         (!p->priority_class_name || *p->priority_class_name) && *p->scheduler_name;
}

static void toleration_token(GString *o, const KsToleration *t) {
  g_string_append(o, " tol:");
  if (t->key)
    ks_trace_text_append_escaped(o, t->key, KS_TRACE_ESCAPE_KEY);
  if (t->op == KS_TOLERATION_OP_EQUAL) {
    g_string_append_c(o, '=');
    ks_trace_text_append_escaped(o, t->value, KS_TRACE_ESCAPE_KEY);
  }
  g_string_append_c(o, ':');
  if (t->effect != KS_TAINT_EFFECT_ALL)
    g_string_append(o, ks_taint_effect_to_string(t->effect));
  if (t->has_toleration_seconds)
    g_string_append_printf(o, ":%" G_GINT64_FORMAT, t->toleration_seconds);
}

static void attr(GString *o, const char *key, const char *value) {
  if (value)
    token(o, NULL, key, value);
}

static void pod_tokens(GString *o, const KsPod *p) {
  const KsContainer *c = &g_array_index(p->containers, KsContainer, 0);
  resource_tokens(o, NULL, &c->requests);
  resource_tokens(o, "lim", &c->limits);
  if (p->has_priority) {
    g_string_append(o, " priority=");
    ks_trace_text_append_int(o, p->priority);
  }
  gint64 run_us;
  gboolean run = run_seconds(p, &run_us);
  if (run) {
    g_string_append(o, " run=");
    ks_trace_text_append_time(o, run_us);
  }
  attr(o, "class", p->priority_class_name);
  if (strcmp(p->scheduler_name, KS_DEFAULT_SCHEDULER_NAME) != 0)
    attr(o, "scheduler", p->scheduler_name);
  attr(o, "node", p->node_name);
  attr(o, "uid", p->uid);
  if (strcmp(c->name, KS_TRACE_DEFAULT_CONTAINER) != 0)
    attr(o, "container", c->name);
  attr(o, "image", c->image);
  if (p->restart_policy != KS_RESTART_ALWAYS)
    attr(o, "restart", ks_restart_policy_to_string(p->restart_policy));
  if (p->preemption_policy != KS_PREEMPT_LOWER_PRIORITY)
    attr(o, "preemption", ks_preemption_policy_to_string(p->preemption_policy));
  if (p->termination_grace_period_seconds != 30)
    g_string_append_printf(o, " grace=%" G_GINT64_FORMAT, p->termination_grace_period_seconds);
  if (p->host_network)
    g_string_append(o, " hostNetwork=true");
  if (p->phase != KS_POD_PENDING)
    attr(o, "phase", ks_pod_phase_to_string(p->phase));
  label_tokens(o, "l", &p->labels, NULL);
  label_tokens(o, "a", &p->annotations, run ? KS_ANNOTATION_RUN_TIME : NULL);
  label_tokens(o, "sel", &p->node_selector, NULL);
  for (guint i = 0; p->tolerations && i < p->tolerations->len; i++)
    toleration_token(o, &g_array_index(p->tolerations, KsToleration, i));
}

static gboolean node_compact(const KsNode *n) {
  guint64 fields = 2 + (guint64)ks_resource_list_count(&n->capacity) +
                   ks_resource_list_count(&n->allocatable) + n->labels.n + n->annotations.n +
                   (n->taints ? n->taints->len : 0);
  if (fields > KS_TRACE_MAX_FIELDS)
    return FALSE;
  if ((n->conditions && n->conditions->len) || (n->images && n->images->len) ||
      (n->uid && !*n->uid) || !resources_compact(&n->capacity) ||
      !resources_compact(&n->allocatable) || !labels_compact(&n->labels) ||
      !labels_compact(&n->annotations))
    return FALSE;
  /* An empty allocatable would read back as a copy of capacity. */
  if (ks_resource_list_count(&n->allocatable) == 0 && ks_resource_list_count(&n->capacity) > 0)
    return FALSE;
  for (guint i = 0; n->taints && i < n->taints->len; i++) {
    const KsTaint *t = &g_array_index(n->taints, KsTaint, i);
    if (!t->key || !*t->key || t->effect == KS_TAINT_EFFECT_ALL || t->time_added_us)
      return FALSE;
  }
  return TRUE;
}

static void node_tokens(GString *o, const KsNode *n) {
  resource_tokens(o, NULL, &n->capacity);
  if (!ks_resource_list_equal(&n->capacity, &n->allocatable))
    resource_tokens(o, "alloc", &n->allocatable);
  if (n->unschedulable)
    g_string_append(o, " unschedulable=true");
  attr(o, "uid", n->uid);
  label_tokens(o, "l", &n->labels, NULL);
  label_tokens(o, "a", &n->annotations, NULL);
  for (guint i = 0; n->taints && i < n->taints->len; i++) {
    const KsTaint *t = &g_array_index(n->taints, KsTaint, i);
    g_string_append(o, " t:");
    ks_trace_text_append_escaped(o, t->key, KS_TRACE_ESCAPE_KEY);
    if (t->value) {
      g_string_append_c(o, '=');
      ks_trace_text_append_escaped(o, t->value, KS_TRACE_ESCAPE_KEY);
    }
    g_string_append_c(o, ':');
    g_string_append(o, ks_taint_effect_to_string(t->effect));
  }
}

/* ---- events ------------------------------------------------------------ */

static void pod_ident(GString *o, const char *ns, const char *name) {
  g_string_append_c(o, ' ');
  ks_trace_text_append_escaped(o, ns ? ns : "default", KS_TRACE_ESCAPE_NAME);
  g_string_append_c(o, '/');
  ks_trace_text_append_escaped(o, name, KS_TRACE_ESCAPE_NAME);
}

static void node_ident(GString *o, const char *name) {
  g_string_append_c(o, ' ');
  ks_trace_text_append_escaped(o, name, KS_TRACE_ESCAPE_NAME);
}

static gboolean need(KsTraceWriter *w, const KsTraceEvent *ev, gboolean have, const char *what,
                     GError **error) {
  if (have)
    return TRUE;
  g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
              "%s: event %" G_GUINT64_FORMAT " (%s): no %s to write", w->path, w->events + 1,
              ks_trace_event_type_to_string(ev->type), what);
  return FALSE;
}

static gboolean format_event(KsTraceWriter *w, const KsTraceEvent *ev, GString *o,
                             GError **error) {
  ks_trace_text_append_time(o, ev->time_us);
  g_string_append_c(o, ' ');
  g_string_append(o, ks_trace_event_type_to_string(ev->type));
  switch (ev->type) {
  case KS_TRACE_NODE_ADD:
  case KS_TRACE_NODE_UPDATE:
    if (!need(w, ev, ev->node && ev->node->name && *ev->node->name, "node", error))
      return FALSE;
    node_ident(o, ev->node->name);
    if (node_compact(ev->node)) {
      node_tokens(o, ev->node);
    } else {
      g_string_append_c(o, ' ');
      ks_trace_json_node(o, ev->node);
    }
    return TRUE;
  case KS_TRACE_NODE_REMOVE:
    if (!need(w, ev, ev->name && *ev->name, "node name", error))
      return FALSE;
    node_ident(o, ev->name);
    return TRUE;
  case KS_TRACE_POD_CREATE:
    if (!need(w, ev, ev->pod && ev->pod->name && *ev->pod->name, "pod", error))
      return FALSE;
    pod_ident(o, ev->pod->namespace, ev->pod->name);
    if (pod_compact(ev->pod)) {
      pod_tokens(o, ev->pod);
    } else {
      g_string_append_c(o, ' ');
      ks_trace_json_pod(o, ev->pod);
    }
    return TRUE;
  case KS_TRACE_POD_DELETE:
  case KS_TRACE_POD_FINISH:
    if (!need(w, ev, ev->name && *ev->name, "pod name", error))
      return FALSE;
    pod_ident(o, ev->namespace, ev->name);
    if (ev->type == KS_TRACE_POD_FINISH) {
      if (ev->phase == KS_POD_FAILED)
        g_string_append(o, " phase=Failed");
      if (ev->ran_us >= 0) {
        g_string_append(o, " ran=");
        ks_trace_text_append_time(o, ev->ran_us);
      }
    }
    return TRUE;
  case KS_TRACE_USAGE:
    if (!need(w, ev, ev->name && *ev->name, "name", error) ||
        !need(w, ev, resources_compact(&ev->usage),
              "usage with resource names the format takes (cpu, memory, ..., domain/name)", error))
      return FALSE;
    if (ev->namespace)
      pod_ident(o, ev->namespace, ev->name);
    else
      node_ident(o, ev->name);
    resource_tokens(o, NULL, &ev->usage);
    return TRUE;
  case KS_TRACE_OBJECT:
    if (!need(w, ev, ev->object != NULL, "object", error))
      return FALSE;
    g_string_append_c(o, ' ');
    /* the workload controllers' kinds (Deployment, ...) are not trace objects */
    return ks_trace_json_object(o, ev->object) ||
           need(w, ev, FALSE, "object of a kind a trace holds", error);
  }
  return need(w, ev, FALSE, "known event type", error);
}

gboolean ks_trace_writer_write(KsTraceWriter *w, const KsTraceEvent *ev, GError **error) {
  if (ev->time_us < w->last_time_us) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_ORDER,
                "%s: event %" G_GUINT64_FORMAT " (%s) at %.6f s is before the previous one "
                "(%.6f s)",
                w->path, w->events + 1, ks_trace_event_type_to_string(ev->type),
                ev->time_us / 1e6, w->last_time_us / 1e6);
    return FALSE;
  }
  g_string_truncate(w->line, 0);
  if (!format_event(w, ev, w->line, error))
    return FALSE;
  g_string_append_c(w->line, '\n');
  g_string_append_len(w->buf, w->line->str, w->line->len);
  w->last_time_us = ev->time_us;
  w->events++;
  if (w->buf->len >= KS_TRACE_WRITER_BUFFER)
    return flush(w, FALSE, error);
  return TRUE;
}

static void writer_free(KsTraceWriter *w) {
  if (w->fd >= 0)
    close(w->fd);
  if (w->gz)
    g_object_unref(w->gz);
  g_free(w->zbuf);
  g_string_free(w->line, TRUE);
  g_string_free(w->buf, TRUE);
  g_free(w->partial);
  g_free(w->path);
  g_free(w);
}

gboolean ks_trace_writer_close(KsTraceWriter *w, GError **error) {
  gboolean ok = flush(w, TRUE, error);
  if (ok && fsync(w->fd) != 0 && errno != EINVAL) {
    int err = errno;
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot sync: %s", w->partial,
                g_strerror(err));
    ok = FALSE;
  }
  if (close(w->fd) != 0 && ok) {
    int err = errno;
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot close: %s", w->partial,
                g_strerror(err));
    ok = FALSE;
  }
  w->fd = -1;
  if (ok && g_rename(w->partial, w->path) != 0) {
    int err = errno;
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot rename to %s: %s",
                w->partial, w->path, g_strerror(err));
    ok = FALSE;
  }
  if (!ok)
    g_unlink(w->partial);
  writer_free(w);
  return ok;
}

void ks_trace_writer_abort(KsTraceWriter *w) {
  if (!w)
    return;
  if (w->fd >= 0)
    close(w->fd);
  w->fd = -1;
  g_unlink(w->partial);
  writer_free(w);
}
