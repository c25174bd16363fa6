/* Decoding pieces the workload kinds share: full object metadata (owner
 * references, deletion, finalizers, generation), a pod's readiness, status
 * conditions, int-or-percent, non-negative integers, enums, pod templates.
 *
 * Wording. Where the API server's validation would reject a value, the
 * message after the field path is upstream's detail ("must be greater than
 * or equal to 0", `Unsupported value: "x": supported values: ...`), so a
 * user recognises it from kubectl.
 */
#include "workloads/manifest_decode.h"

#include <string.h>

const KsYamlNode *ks_dec_get_path(const KsYamlNode *m, const char *dotted) {
  char **parts = g_strsplit(dotted, ".", -1);
  const KsYamlNode *n = m;
  for (guint i = 0; n && parts[i]; i++)
    n = (n->kind == KS_YAML_MAPPING) ? ks_yaml_get(n, parts[i]) : NULL;
  g_strfreev(parts);
  return n;
}

/* ---- metadata ---------------------------------------------------------------- */

static gboolean decode_owner_reference(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsOwnerReference *r = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  return ks_dec_expect_mapping(d, n) &&
         ks_dec_required_string(d, n, "apiVersion", &r->api_version) &&
         ks_dec_required_string(d, n, "kind", &r->kind) &&
         ks_dec_required_string(d, n, "name", &r->name) &&
         ks_dec_required_string(d, n, "uid", &r->uid) &&
         ks_dec_bool(d, n, "controller", &r->controller) &&
         ks_dec_bool(d, n, "blockOwnerDeletion", &r->block_owner_deletion);
}

static void owner_reference_clear_func(gpointer p) { ks_owner_reference_clear(p); }

gboolean ks_dec_owner_references(KsDec *d, const KsYamlNode *md, GArray **out) {
  GArray *refs = NULL;
  if (!ks_dec_array(d, md, "ownerReferences", sizeof(KsOwnerReference),
                    owner_reference_clear_func, decode_owner_reference, &refs))
    return FALSE;
  /* upstream ValidateOwnerReferences: at most one controller */
  const KsOwnerReference *first = NULL;
  for (guint i = 0; refs && i < refs->len; i++) {
    const KsOwnerReference *r = &g_array_index(refs, KsOwnerReference, i);
    if (!r->controller)
      continue;
    if (first) {
      gsize mark = ks_dec_push_field(d, "ownerReferences");
      ks_dec_fail(d, ks_yaml_get(md, "ownerReferences"),
                  "Only one reference can have Controller set to true. Found \"true\" in "
                  "references for %s/%s and %s/%s",
                  first->kind, first->name, r->kind, r->name);
      ks_dec_pop(d, mark);
      g_array_unref(refs);
      return FALSE;
    }
    first = r;
  }
  if (refs) {
    if (*out)
      g_array_unref(*out);
    *out = refs;
  }
  return TRUE;
}

typedef struct {
  char *generate_name;
  GArray *owner_references;
  gint64 deletion_timestamp_us, deletion_grace_period_seconds, generation;
  char **finalizers;
} MetaExtras;

static void extras_clear(MetaExtras *x) {
  g_free(x->generate_name);
  if (x->owner_references)
    g_array_unref(x->owner_references);
  g_strfreev(x->finalizers);
  memset(x, 0, sizeof *x);
}

static gboolean decode_extras(KsDec *d, const KsYamlNode *obj, MetaExtras *x) {
  memset(x, 0, sizeof *x);
  const KsYamlNode *md = ks_yaml_get(obj, "metadata");
  if (ks_dec_is_absent(md) || md->kind != KS_YAML_MAPPING)
    return TRUE; /* ks_dec_metadata has judged it */
  gsize mark = ks_dec_push_field(d, "metadata");
  gboolean ok = ks_dec_string(d, md, "generateName", &x->generate_name) &&
                ks_dec_owner_references(d, md, &x->owner_references) &&
                ks_dec_timestamp(d, md, "deletionTimestamp", &x->deletion_timestamp_us) &&
                ks_dec_nonneg_int64(d, md, "deletionGracePeriodSeconds",
                                    &x->deletion_grace_period_seconds, NULL) &&
                ks_dec_string_list(d, md, "finalizers", &x->finalizers) &&
                ks_dec_nonneg_int64(d, md, "generation", &x->generation, NULL);
  ks_dec_pop(d, mark);
  if (!ok)
    extras_clear(x);
  return ok;
}

gboolean ks_dec_object_meta(KsDec *d, const KsYamlNode *obj, gboolean namespaced,
                            KsObjectMeta *out) {
  ks_object_meta_init(out, NULL, NULL);
  /* generateName stands in for a missing name (the API server appends a suffix) */
  const KsYamlNode *gn = ks_dec_get_path(obj, "metadata.generateName");
  gboolean saved = d->name_optional;
  if (gn && gn->kind == KS_YAML_SCALAR && gn->scalar && *gn->scalar)
    d->name_optional = TRUE;
  KsDecMeta m;
  gboolean ok = ks_dec_metadata(d, obj, &m);
  d->name_optional = saved;
  MetaExtras x = {0};
  ok = ok && decode_extras(d, obj, &x);
  if (!ok) {
    ks_dec_meta_clear(&m);
    ks_object_meta_clear(out);
    return FALSE;
  }
  g_free(out->name);
  out->name = g_steal_pointer(&m.name);
  if (namespaced)
    out->namespace = g_strdup(m.namespace && *m.namespace ? m.namespace : "default");
  out->uid = g_steal_pointer(&m.uid);
  ks_labels_clear(&out->labels);
  ks_labels_clear(&out->annotations);
  out->labels = m.labels;
  out->annotations = m.annotations;
  ks_labels_init(&m.labels);
  ks_labels_init(&m.annotations);
  out->creation_timestamp_us = m.creation_timestamp_us;
  out->generate_name = g_steal_pointer(&x.generate_name);
  out->owner_references = g_steal_pointer(&x.owner_references);
  out->deletion_timestamp_us = x.deletion_timestamp_us;
  out->deletion_grace_period_seconds = x.deletion_grace_period_seconds;
  out->finalizers = g_steal_pointer(&x.finalizers);
  out->generation = x.generation;
  ks_dec_meta_clear(&m);
  extras_clear(&x);
  return TRUE;
}

/* ---- a pod's extras ------------------------------------------------------------ */

gboolean ks_dec_pod_extras(KsDec *d, const KsYamlNode *obj, KsPod *p) {
  MetaExtras x;
  if (!decode_extras(d, obj, &x))
    return FALSE;
  g_free(p->generate_name);
  p->generate_name = g_steal_pointer(&x.generate_name);
  if (p->owner_references)
    g_array_unref(p->owner_references);
  p->owner_references = g_steal_pointer(&x.owner_references);
  p->deletion_timestamp_us = x.deletion_timestamp_us;
  p->deletion_grace_period_seconds = x.deletion_grace_period_seconds;
  g_strfreev(p->finalizers);
  p->finalizers = g_steal_pointer(&x.finalizers);
  extras_clear(&x);

  const KsYamlNode *st = ks_yaml_get(obj, "status");
  if (ks_dec_is_absent(st) || st->kind != KS_YAML_MAPPING)
    return TRUE; /* ks_dec_pod has judged it */
  GArray *conds = NULL;
  gsize mark = ks_dec_push_field(d, "status");
  p->has_start_time = !ks_dec_is_absent(ks_yaml_get(st, "startTime"));
  gboolean ok = ks_dec_timestamp(d, st, "startTime", &p->start_time_us) &&
                ks_dec_conditions(d, st, "conditions", &conds);
  ks_dec_pop(d, mark);
  const KsCondition *ready = ok ? ks_conditions_get(conds, "Ready") : NULL;
  if (ready && ready->status == KS_CONDITION_TRUE) {
    p->ready = TRUE;
    p->ready_since_us = ready->last_transition_time_us;
  }
  if (conds)
    g_array_unref(conds);
  return ok;
}

/* ---- conditions ------------------------------------------------------------------ */

static gboolean decode_condition(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsCondition *c = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  static const char *const status_names[] = {"Unknown", "True", "False"};
  guint status = KS_CONDITION_UNKNOWN;
  gboolean ok = ks_dec_expect_mapping(d, n) && ks_dec_required_string(d, n, "type", &c->type) &&
                (!ks_dec_is_absent(ks_yaml_get(n, "status")) || ks_dec_missing(d, n, "status")) &&
                ks_dec_enum(d, n, "status", status_names, G_N_ELEMENTS(status_names), &status) &&
                ks_dec_string(d, n, "reason", &c->reason) &&
                ks_dec_string(d, n, "message", &c->message) &&
                ks_dec_timestamp(d, n, "lastTransitionTime", &c->last_transition_time_us) &&
                ks_dec_timestamp(d, n, "lastUpdateTime", &c->last_update_time_us) &&
                ks_dec_timestamp(d, n, "lastProbeTime", &c->last_update_time_us);
  c->status = (KsConditionStatus)status;
  return ok;
}

static void condition_clear_func(gpointer p) { ks_condition_clear(p); }

gboolean ks_dec_conditions(KsDec *d, const KsYamlNode *m, const char *key, GArray **out) {
  return ks_dec_array(d, m, key, sizeof(KsCondition), condition_clear_func, decode_condition, out);
}

/* ---- numbers and enums ------------------------------------------------------------ */

gboolean ks_dec_int_or_percent(KsDec *d, const KsYamlNode *m, const char *key, gboolean max_100,
                               KsIntOrPercent *out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = FALSE;
  const char *s = NULL;
  KsIntOrPercent v = {0};
  if (!ks_dec_scalar(d, n, &s)) {
    /* message set */
  } else if (!n->quoted && !g_str_has_suffix(s, "%")) {
    gint64 i = 0;
    if (!ks_selector_parse_int64(s, &i))
      ks_dec_fail(d, n, "\"%s\" must be an integer or percentage (e.g '5%%')", s);
    else if (i < 0)
      ks_dec_fail(d, n, "%s must be greater than or equal to 0", s);
    else if (i > G_MAXINT32)
      ks_dec_fail(d, n, "%s is out of range [0, %d]", s, G_MAXINT32);
    else {
      *out = (KsIntOrPercent){TRUE, FALSE, (gint32)i};
      ok = TRUE;
    }
  } else if (!ks_int_or_percent_parse_percent(s, &v) || !v.is_percent) {
    /* upstream IsValidPercent */
    ks_dec_fail(d, n, "\"%s\" must be an integer or percentage (e.g '5%%')", s);
  } else if (max_100 && v.value > 100) {
    ks_dec_fail(d, n, "\"%s\" must not be greater than 100%%", s);
  } else {
    *out = v;
    ok = TRUE;
  }
  ks_dec_pop(d, mark);
  return ok;
}

gboolean ks_dec_nonneg_int32(KsDec *d, const KsYamlNode *m, const char *key, gint32 *out,
                             gboolean *present) {
  gint32 v = *out;
  if (!ks_dec_int32(d, m, key, &v, present))
    return FALSE;
  if (v < 0) {
    gsize mark = ks_dec_push_field(d, key);
    ks_dec_fail(d, ks_yaml_get(m, key), "%d must be greater than or equal to 0", v);
    ks_dec_pop(d, mark);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

gboolean ks_dec_nonneg_int64(KsDec *d, const KsYamlNode *m, const char *key, gint64 *out,
                             gboolean *present) {
  gint64 v = *out;
  if (!ks_dec_int64(d, m, key, &v, present))
    return FALSE;
  if (v < 0) {
    gsize mark = ks_dec_push_field(d, key);
    ks_dec_fail(d, ks_yaml_get(m, key), "%" G_GINT64_FORMAT " must be greater than or equal to 0",
                v);
    ks_dec_pop(d, mark);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

gboolean ks_dec_enum(KsDec *d, const KsYamlNode *m, const char *key, const char *const *names,
                     guint n, guint *out) {
  char *s = NULL;
  if (!ks_dec_string(d, m, key, &s))
    return FALSE;
  if (!s)
    return TRUE;
  for (guint i = 0; i < n; i++) {
    if (strcmp(s, names[i]) == 0) {
      *out = i;
      g_free(s);
      return TRUE;
    }
  }
  GString *msg = g_string_new(NULL);
  g_string_printf(msg, "Unsupported value: \"%s\": supported values: ", s);
  for (guint i = 0; i < n; i++)
    g_string_append_printf(msg, "%s\"%s\"", i ? ", " : "", names[i]);
  gsize mark = ks_dec_push_field(d, key);
  ks_dec_fail(d, ks_yaml_get(m, key), "%s", msg->str);
  ks_dec_pop(d, mark);
  g_string_free(msg, TRUE);
  g_free(s);
  return FALSE;
}

/* ---- pod templates ------------------------------------------------------------------ */

gboolean ks_dec_pod_template(KsDec *d, const KsYamlNode *spec, const char *key, const char *ns,
                             KsPod **out) {
  const KsYamlNode *t = ks_yaml_get(spec, key);
  if (ks_dec_is_absent(t))
    return ks_dec_missing(d, spec, key);
  gsize mark = ks_dec_push_field(d, key);
  gboolean saved = d->name_optional;
  d->name_optional = TRUE;
  KsPod *p = ks_dec_expect_mapping(d, t) ? ks_dec_pod(d, t) : NULL;
  d->name_optional = saved;
  ks_dec_pop(d, mark);
  if (!p)
    return FALSE;
  g_free(p->namespace);
  p->namespace = g_strdup(ns && *ns ? ns : "default");
  if (*out)
    ks_pod_unref(*out);
  *out = p;
  return TRUE;
}

gboolean ks_dec_check_restart_policy(KsDec *d, const KsYamlNode *spec, const KsPod *tmpl,
                                     const KsRestartPolicy *allowed, guint n_allowed) {
  for (guint i = 0; i < n_allowed; i++)
    if (tmpl->restart_policy == allowed[i])
      return TRUE;
  const KsYamlNode *at = ks_dec_get_path(spec, "template.spec.restartPolicy");
  if (!at)
    at = ks_dec_get_path(spec, "template.spec");
  GString *msg = g_string_new(NULL);
  g_string_printf(msg, "Unsupported value: \"%s\": supported values: ",
                  ks_restart_policy_to_string(tmpl->restart_policy));
  for (guint i = 0; i < n_allowed; i++)
    g_string_append_printf(msg, "%s\"%s\"", i ? ", " : "", ks_restart_policy_to_string(allowed[i]));
  gsize mark = ks_dec_push_field(d, "template");
  gsize m2 = ks_dec_push_field(d, "spec");
  gsize m3 = ks_dec_push_field(d, "restartPolicy");
  ks_dec_fail(d, at, "%s", msg->str);
  ks_dec_pop(d, m3);
  ks_dec_pop(d, m2);
  ks_dec_pop(d, mark);
  g_string_free(msg, TRUE);
  return FALSE;
}

gboolean ks_dec_check_replica_template(KsDec *d, const KsYamlNode *spec, gboolean selector_matches,
                                       const KsPod *tmpl) {
  static const KsRestartPolicy always_only[] = {KS_RESTART_ALWAYS};
  if (selector_matches)
    return ks_dec_check_restart_policy(d, spec, tmpl, always_only, 1);
  const KsYamlNode *at = ks_dec_get_path(spec, "template.metadata.labels");
  if (!at)
    at = ks_dec_get_path(spec, "template.metadata");
  if (!at)
    at = ks_yaml_get(spec, "template");
  gsize mark = ks_dec_push_field(d, "template");
  gsize m2 = ks_dec_push_field(d, "metadata");
  gsize m3 = ks_dec_push_field(d, "labels");
  ks_dec_fail(d, at, "`selector` does not match template `labels`");
  ks_dec_pop(d, m3);
  ks_dec_pop(d, m2);
  ks_dec_pop(d, mark);
  return FALSE;
}
