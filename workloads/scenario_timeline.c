/* spec.timeline decoding (format: docs/formats.md "Timeline"; API:
 * scenario_timeline.h).
 *
 * One row per action in `actions` below: the action's name, the fields it
 * knows besides `at` and `action`, and its decoder. An entry is checked in a
 * fixed order: `at` (a duration before the end of the run), `action` (a
 * name of the table), then the row's known fields (strict: anything else is
 * an error naming the stranger and listing the known ones), then the row's
 * decoder. Readers come from the manifest decoders (manifest_decode.h), so
 * the messages read as everywhere else: file:line:column: path: reason.
 *
 * Kinds are written as kubectl accepts them: the Kind ("Deployment"), the
 * resource ("deployments") or its short name ("deploy"), in any case.
 */
#include "workloads/scenario_timeline.h"

#include <string.h>

#include "workloads/duration.h"
#include "workloads/manifest_decode.h"

/* ---- kinds ---------------------------------------------------------------- */

typedef struct {
  KsKind kind;
  const char *resource; /* plural resource name */
  const char *short_name; /* kubectl's short name; NULL when none */
  gboolean namespaced;
} KindName;

static const KindName kind_names[] = {
    {KS_KIND_POD, "pods", "po", TRUE},
    {KS_KIND_NODE, "nodes", "no", FALSE},
    {KS_KIND_NAMESPACE, "namespaces", "ns", FALSE},
    {KS_KIND_PRIORITY_CLASS, "priorityclasses", "pc", FALSE},
    {KS_KIND_POD_DISRUPTION_BUDGET, "poddisruptionbudgets", "pdb", TRUE},
    {KS_KIND_DEPLOYMENT, "deployments", "deploy", TRUE},
    {KS_KIND_REPLICA_SET, "replicasets", "rs", TRUE},
    {KS_KIND_DAEMON_SET, "daemonsets", "ds", TRUE},
    {KS_KIND_STATEFUL_SET, "statefulsets", "sts", TRUE},
    {KS_KIND_CONTROLLER_REVISION, "controllerrevisions", NULL, TRUE},
    {KS_KIND_JOB, "jobs", NULL, TRUE},
    {KS_KIND_CRON_JOB, "cronjobs", "cj", TRUE},
    {KS_KIND_SERVICE, "services", "svc", TRUE},
    {KS_KIND_CONFIG_MAP, "configmaps", "cm", TRUE},
    {KS_KIND_SECRET, "secrets", NULL, TRUE},
    {KS_KIND_PERSISTENT_VOLUME, "persistentvolumes", "pv", FALSE},
    {KS_KIND_PERSISTENT_VOLUME_CLAIM, "persistentvolumeclaims", "pvc", TRUE},
    {KS_KIND_STORAGE_CLASS, "storageclasses", "sc", FALSE},
    {KS_KIND_REPLICATION_CONTROLLER, "replicationcontrollers", "rc", TRUE},
};

static const KindName *kind_by_text(const char *s) {
  for (guint i = 0; i < G_N_ELEMENTS(kind_names); i++) {
    const KindName *k = &kind_names[i];
    const char *kind = ks_kind_to_string(k->kind);
    /* the singular resource is the Kind in lower case */
    if (!g_ascii_strcasecmp(s, kind) || !g_ascii_strcasecmp(s, k->resource) ||
        (k->short_name && !g_ascii_strcasecmp(s, k->short_name)))
      return k;
  }
  return NULL;
}

static const KindName *kind_entry(KsKind kind) {
  for (guint i = 0; i < G_N_ELEMENTS(kind_names); i++)
    if (kind_names[i].kind == kind)
      return &kind_names[i];
  return NULL;
}

/* ---- the decoding context -------------------------------------------------- */

typedef struct {
  KsDec d;
  const KsTimelineDecodeContext *c;
} Td;

static void action_clear(KsTimelineAction *a) {
  g_free(a->name);
  g_free(a->namespace);
  ks_label_selector_free(a->selector);
  if (a->objects)
    ks_manifest_set_free(a->objects);
  g_free(a->container);
  g_free(a->image);
}

void ks_timeline_action_free(KsTimelineAction *a) {
  if (!a)
    return;
  action_clear(a);
  g_free(a);
}

/* An error about field key of m (at its value, or at m when absent). */
static gboolean fail_field(Td *t, const KsYamlNode *m, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static gboolean fail_field(Td *t, const KsYamlNode *m, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  gsize mark = ks_dec_push_field(&t->d, key);
  const KsYamlNode *v = ks_yaml_get(m, key);
  ks_dec_fail(&t->d, v && !ks_dec_is_absent(v) ? v : m, "%s", msg);
  ks_dec_pop(&t->d, mark);
  g_free(msg);
  return FALSE;
}

static gboolean present(const KsYamlNode *m, const char *key) {
  return !ks_dec_is_absent(ks_yaml_get(m, key));
}

/* A required, non-empty string. */
static gboolean required_string(Td *t, const KsYamlNode *m, const char *key, char **out) {
  if (!ks_dec_string(&t->d, m, key, out))
    return FALSE;
  if (!*out)
    return ks_dec_missing(&t->d, m, key);
  if (!**out)
    return fail_field(t, m, key, "must not be empty");
  return TRUE;
}

static gboolean optional_string(Td *t, const KsYamlNode *m, const char *key, char **out) {
  if (!ks_dec_string(&t->d, m, key, out))
    return FALSE;
  if (*out && !**out)
    return fail_field(t, m, key, "must not be empty");
  return TRUE;
}

/* kind: one of `allowed` (n of them). */
static gboolean read_kind(Td *t, const KsYamlNode *m, const KsKind *allowed, guint n,
                          KsTimelineAction *a) {
  char *text = NULL;
  if (!required_string(t, m, "kind", &text))
    return FALSE;
  const KindName *k = kind_by_text(text);
  gboolean ok = FALSE;
  for (guint i = 0; k && i < n; i++)
    ok = ok || allowed[i] == k->kind;
  if (ok) {
    a->kind = k->kind;
  } else {
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < n; i++)
      g_string_append_printf(list, "%s%s", i ? ", " : "", ks_kind_to_string(allowed[i]));
    fail_field(t, m, "kind", "\"%s\" is not a kind %s acts on (%s)", text,
               ks_timeline_action_name(a->type), list->str);
    g_string_free(list, TRUE);
  }
  g_free(text);
  return ok;
}

/* namespace: "default" when absent on a namespaced kind; refused on a
 * cluster-scoped one (kubectl would ignore it; a scenario saying it is a
 * mistake worth reporting). */
static gboolean read_namespace(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  if (!optional_string(t, m, "namespace", &a->namespace))
    return FALSE;
  if (kind_entry(a->kind)->namespaced) {
    if (!a->namespace)
      a->namespace = g_strdup("default");
    return TRUE;
  }
  if (a->namespace)
    return fail_field(t, m, "namespace", "must not be set: %s is cluster-scoped",
                      ks_kind_to_string(a->kind));
  return TRUE;
}

/* kind, name and namespace of the object acted on. */
static gboolean read_object(Td *t, const KsYamlNode *m, const KsKind *allowed, guint n,
                            KsTimelineAction *a) {
  return read_kind(t, m, allowed, n, a) && required_string(t, m, "name", &a->name) &&
         read_namespace(t, m, a);
}

static gboolean read_grace_period(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  return ks_dec_nonneg_int64(&t->d, m, "gracePeriodSeconds", &a->grace_period_seconds,
                             &a->has_grace_period);
}

/* ---- the actions ------------------------------------------------------------ */

static gboolean decode_apply(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  if (!present(m, "manifests") && !present(m, "objects"))
    return ks_dec_fail(&t->d, m, "needs manifests or objects");
  return t->c->load_objects(t->c->ctx, m, t->d.path->str, &a->objects, t->d.error);
}

static const KsKind any_kind[] = {
    KS_KIND_POD,         KS_KIND_NODE,           KS_KIND_NAMESPACE,
    KS_KIND_PRIORITY_CLASS, KS_KIND_POD_DISRUPTION_BUDGET, KS_KIND_DEPLOYMENT,
    KS_KIND_REPLICA_SET, KS_KIND_DAEMON_SET,     KS_KIND_STATEFUL_SET,
    KS_KIND_CONTROLLER_REVISION, KS_KIND_JOB,    KS_KIND_CRON_JOB,
    KS_KIND_SERVICE,     KS_KIND_CONFIG_MAP,     KS_KIND_SECRET,
    KS_KIND_PERSISTENT_VOLUME, KS_KIND_PERSISTENT_VOLUME_CLAIM, KS_KIND_STORAGE_CLASS,
    KS_KIND_REPLICATION_CONTROLLER,
};

static gboolean decode_delete(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  static const char *const policies[] = {"Background", "Foreground", "Orphan"};
  guint policy = KS_TIMELINE_PROPAGATE_BACKGROUND;
  if (!read_kind(t, m, any_kind, G_N_ELEMENTS(any_kind), a) ||
      !optional_string(t, m, "name", &a->name) ||
      !ks_dec_label_selector(&t->d, m, "selector", &a->selector) || !read_namespace(t, m, a) ||
      !ks_dec_enum(&t->d, m, "propagationPolicy", policies, G_N_ELEMENTS(policies), &policy) ||
      !read_grace_period(t, m, a))
    return FALSE;
  a->propagation = (KsTimelinePropagation)policy;
  if (a->name && a->selector)
    return fail_field(t, m, "selector", "give name or selector, not both");
  if (!a->name && !a->selector)
    return ks_dec_fail(&t->d, m, "needs name or selector");
  if (a->selector && !ks_label_selector_is_valid(a->selector))
    return fail_field(t, m, "selector", "not a valid label selector");
  return TRUE;
}

static gboolean decode_scale(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  static const KsKind kinds[] = {KS_KIND_DEPLOYMENT, KS_KIND_REPLICA_SET, KS_KIND_STATEFUL_SET,
                                 KS_KIND_REPLICATION_CONTROLLER};
  gboolean has = FALSE;
  if (!read_object(t, m, kinds, G_N_ELEMENTS(kinds), a))
    return FALSE;
  gint32 r = 0;
  if (!ks_dec_int32(&t->d, m, "replicas", &r, &has))
    return FALSE;
  if (!has)
    return ks_dec_missing(&t->d, m, "replicas");
  if (r < 0)
    return fail_field(t, m, "replicas", "%d must be greater than or equal to 0", r);
  a->replicas = r;
  return TRUE;
}

static gboolean decode_set_image(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  static const KsKind kinds[] = {KS_KIND_POD,         KS_KIND_DEPLOYMENT,  KS_KIND_REPLICA_SET,
                                 KS_KIND_DAEMON_SET,  KS_KIND_STATEFUL_SET, KS_KIND_CRON_JOB,
                                 KS_KIND_REPLICATION_CONTROLLER};
  return read_object(t, m, kinds, G_N_ELEMENTS(kinds), a) &&
         required_string(t, m, "container", &a->container) &&
         required_string(t, m, "image", &a->image);
}

static gboolean decode_rollout_undo(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  static const KsKind kinds[] = {KS_KIND_DEPLOYMENT, KS_KIND_DAEMON_SET, KS_KIND_STATEFUL_SET};
  return read_object(t, m, kinds, G_N_ELEMENTS(kinds), a) &&
         ks_dec_nonneg_int64(&t->d, m, "toRevision", &a->to_revision, NULL);
}

/* pause and resume: Deployments only (kubectl: "pausing is not supported"
 * for anything else); kind may be left out. */
static gboolean decode_pause_resume(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  static const KsKind kinds[] = {KS_KIND_DEPLOYMENT};
  a->kind = KS_KIND_DEPLOYMENT;
  if (present(m, "kind") && !read_kind(t, m, kinds, 1, a))
    return FALSE;
  return required_string(t, m, "name", &a->name) && read_namespace(t, m, a);
}

static gboolean decode_node(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  a->kind = KS_KIND_NODE;
  return required_string(t, m, "node", &a->name);
}

static gboolean decode_drain(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  a->ignore_daemonsets = TRUE;
  if (!decode_node(t, m, a) ||
      !ks_dec_bool(&t->d, m, "ignoreDaemonSets", &a->ignore_daemonsets) ||
      !ks_dec_bool(&t->d, m, "deleteEmptyDirData", &a->delete_emptydir_data) ||
      !ks_dec_bool(&t->d, m, "force", &a->force) || !read_grace_period(t, m, a))
    return FALSE;
  const KsYamlNode *v = ks_yaml_get(m, "timeout");
  if (ks_dec_is_absent(v))
    return TRUE;
  GError *inner = NULL;
  if (v->kind != KS_YAML_SCALAR)
    return fail_field(t, m, "timeout", "must be a duration such as 30s, not %s",
                      ks_yaml_kind_name(v));
  if (ks_duration_parse(v->scalar, &a->timeout_us, &inner))
    return TRUE;
  fail_field(t, m, "timeout", "%s", inner->message);
  g_error_free(inner);
  return FALSE;
}

typedef gboolean (*DecodeFn)(Td *t, const KsYamlNode *m, KsTimelineAction *a);

typedef struct {
  KsTimelineActionType type;
  const char *name;
  const char *const fields[10]; /* known besides at and action; NULL-terminated */
  DecodeFn decode;
} ActionRow;

/* In KsTimelineActionType order. */
static const ActionRow actions[KS_TIMELINE_N_ACTIONS] = {
    {KS_TIMELINE_APPLY, "apply", {"manifests", "objects"}, decode_apply},
    {KS_TIMELINE_DELETE,
     "delete",
     {"kind", "name", "selector", "namespace", "propagationPolicy", "gracePeriodSeconds"},
     decode_delete},
    {KS_TIMELINE_SCALE, "scale", {"kind", "name", "namespace", "replicas"}, decode_scale},
    {KS_TIMELINE_SET_IMAGE,
     "setImage",
     {"kind", "name", "namespace", "container", "image"},
     decode_set_image},
    {KS_TIMELINE_ROLLOUT_UNDO,
     "rolloutUndo",
     {"kind", "name", "namespace", "toRevision"},
     decode_rollout_undo},
    {KS_TIMELINE_ROLLOUT_PAUSE, "rolloutPause", {"kind", "name", "namespace"}, decode_pause_resume},
    {KS_TIMELINE_ROLLOUT_RESUME,
     "rolloutResume",
     {"kind", "name", "namespace"},
     decode_pause_resume},
    {KS_TIMELINE_CORDON, "cordon", {"node"}, decode_node},
    {KS_TIMELINE_UNCORDON, "uncordon", {"node"}, decode_node},
    {KS_TIMELINE_DRAIN,
     "drain",
     {"node", "ignoreDaemonSets", "deleteEmptyDirData", "force", "gracePeriodSeconds",
      "timeout"},
     decode_drain},
    {KS_TIMELINE_NODE_DOWN, "nodeDown", {"node"}, decode_node},
    {KS_TIMELINE_NODE_UP, "nodeUp", {"node"}, decode_node},
};

const char *ks_timeline_action_name(KsTimelineActionType t) {
  return (guint)t < KS_TIMELINE_N_ACTIONS ? actions[t].name : NULL;
}

/* ---- one entry ---------------------------------------------------------------- */

static gboolean check_fields(Td *t, const KsYamlNode *m, const ActionRow *row) {
  for (guint i = 0; i < ks_yaml_len(m); i++) {
    const char *key = ks_yaml_key(m, i);
    gboolean known = key && (!strcmp(key, "at") || !strcmp(key, "action"));
    for (guint f = 0; !known && key && row->fields[f]; f++)
      known = !strcmp(key, row->fields[f]);
    if (known)
      continue;
    GString *list = g_string_new("at, action");
    for (guint f = 0; row->fields[f]; f++)
      g_string_append_printf(list, ", %s", row->fields[f]);
    gsize mark = ks_dec_push_field(&t->d, key ? key : "?");
    ks_dec_fail(&t->d, m->items->pdata[2 * i], "unknown field (known fields: %s)", list->str);
    ks_dec_pop(&t->d, mark);
    g_string_free(list, TRUE);
    return FALSE;
  }
  return TRUE;
}

/* at: a duration before the end of the run (as a workload batch's at). */
static gboolean read_at(Td *t, const KsYamlNode *m, KsTimelineAction *a) {
  const KsYamlNode *v = ks_yaml_get(m, "at");
  if (ks_dec_is_absent(v))
    return ks_dec_missing(&t->d, m, "at");
  if (v->kind != KS_YAML_SCALAR)
    return fail_field(t, m, "at", "must be a duration such as 30s, not %s", ks_yaml_kind_name(v));
  GError *inner = NULL;
  if (!ks_duration_parse(v->scalar, &a->at_us, &inner)) {
    fail_field(t, m, "at", "%s", inner->message);
    g_error_free(inner);
    return FALSE;
  }
  if (a->at_us < t->c->duration_us)
    return TRUE;
  char *end = ks_duration_format(t->c->duration_us);
  fail_field(t, m, "at", "must be before the end of the run (spec.duration: %s)", end);
  g_free(end);
  return FALSE;
}

static const ActionRow *read_action(Td *t, const KsYamlNode *m) {
  char *name = NULL;
  if (!required_string(t, m, "action", &name))
    return NULL;
  for (guint i = 0; i < KS_TIMELINE_N_ACTIONS; i++)
    if (!strcmp(name, actions[i].name)) {
      g_free(name);
      return &actions[i];
    }
  GString *list = g_string_new(NULL);
  for (guint i = 0; i < KS_TIMELINE_N_ACTIONS; i++)
    g_string_append_printf(list, "%s%s", i ? ", " : "", actions[i].name);
  fail_field(t, m, "action", "\"%s\" is not an action (%s)", name, list->str);
  g_string_free(list, TRUE);
  g_free(name);
  return NULL;
}

static KsTimelineAction *decode_entry(Td *t, const KsYamlNode *m, guint index) {
  if (m->kind != KS_YAML_MAPPING) {
    ks_dec_fail(&t->d, m, "must be a mapping, not %s", ks_yaml_kind_name(m));
    return NULL;
  }
  KsTimelineAction *a = g_new0(KsTimelineAction, 1);
  a->index = index;
  a->line = m->line;
  a->column = m->column;
  const ActionRow *row = NULL;
  gboolean ok = read_at(t, m, a) && (row = read_action(t, m)) != NULL;
  if (ok) {
    a->type = row->type;
    ok = check_fields(t, m, row) && row->decode(t, m, a);
  }
  if (!ok) {
    ks_timeline_action_free(a);
    return NULL;
  }
  return a;
}

static gint compare_actions(gconstpointer pa, gconstpointer pb) {
  const KsTimelineAction *x = *(KsTimelineAction *const *)pa, *y = *(KsTimelineAction *const *)pb;
  if (x->at_us != y->at_us)
    return x->at_us < y->at_us ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

GPtrArray *ks_timeline_decode(const KsYamlNode *seq, const KsTimelineDecodeContext *c,
                              GError **error) {
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)ks_timeline_action_free);
  if (ks_dec_is_absent(seq))
    return out;
  Td t = {.d = {.file = c->file, .path = g_string_new("spec.timeline"), .error = error}, .c = c};
  gboolean ok = ks_dec_expect_sequence(&t.d, seq);
  if (ok && ks_yaml_len(seq) > KS_SCENARIO_MAX_TIMELINE)
    ok = ks_dec_fail(&t.d, seq, "has %u items; at most %u are allowed", ks_yaml_len(seq),
                     KS_SCENARIO_MAX_TIMELINE);
  for (guint i = 0; ok && i < ks_yaml_len(seq); i++) {
    gsize mark = ks_dec_push_index(&t.d, i);
    KsTimelineAction *a = decode_entry(&t, ks_yaml_item(seq, i), i);
    ks_dec_pop(&t.d, mark);
    if (a)
      g_ptr_array_add(out, a);
    else
      ok = FALSE;
  }
  g_string_free(t.d.path, TRUE);
  if (!ok) {
    g_ptr_array_free(out, TRUE);
    return NULL;
  }
  g_ptr_array_sort(out, compare_actions);
  return out;
}
