/* v1 ReplicationController (workloads/replication_controller.h).
 *
 * Decoding, then the API server's defaulting (core/v1
 * SetDefaults_ReplicationController, v1.31): when the template has labels,
 * an empty spec.selector and empty metadata.labels take them; replicas
 * defaults to 1. Then the part of ValidateReplicationControllerSpec that
 * matters here, in its order (first error only): minReadySeconds and
 * replicas non-negative (checked while decoding), the selector non-empty
 * (`spec.selector: Required value`), the template present, the selector
 * matching the template's labels (`spec.template.metadata.labels: `selector`
 * does not match template `labels``), and the template's restartPolicy
 * Always. An RC without spec decodes as an empty spec, so its first error
 * is the selector's, as upstream's. Status is read as written, conditions
 * included (a run clears it when it creates the RC).
 */
#include "workloads/manifest_decode.h"

#include <string.h>

/* Fails at spec.<key> (its node, else the spec mapping, else the object). */
static gboolean fail_spec(KsDec *d, const KsYamlNode *obj, const KsYamlNode *spec,
                          const char *key, const char *msg) {
  const KsYamlNode *at = spec ? ks_yaml_get(spec, key) : NULL;
  gsize mark = ks_dec_push_field(d, "spec");
  gsize m2 = ks_dec_push_field(d, key);
  ks_dec_fail(d, at ? at : spec ? spec : obj, "%s", msg);
  ks_dec_pop(d, m2);
  ks_dec_pop(d, mark);
  return FALSE;
}

static gboolean rc_spec(KsDec *d, const KsYamlNode *spec, KsReplicationController *rc,
                        gboolean *has_template) {
  if (!spec)
    return TRUE;
  gsize mark = ks_dec_push_field(d, "spec");
  gboolean ok = ks_dec_expect_mapping(d, spec) &&
                ks_dec_nonneg_int32(d, spec, "replicas", &rc->replicas, NULL) &&
                ks_dec_nonneg_int32(d, spec, "minReadySeconds", &rc->min_ready_seconds, NULL) &&
                ks_dec_labels(d, spec, "selector", &rc->selector);
  *has_template = ok && !ks_dec_is_absent(ks_yaml_get(spec, "template"));
  if (*has_template)
    ok = ks_dec_pod_template(d, spec, "template", rc->meta.namespace, &rc->template);
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean rc_status(KsDec *d, const KsYamlNode *obj, KsReplicationController *rc) {
  KsDecReplicaStatus st = {&rc->status_replicas,    &rc->fully_labeled_replicas,
                           &rc->ready_replicas,     &rc->available_replicas,
                           &rc->observed_generation, &rc->conditions};
  return ks_dec_replica_status(d, obj, &st);
}

/* SetDefaults_ReplicationController: the template's labels, when it has
 * any, fill an empty selector and empty object labels. */
static void rc_defaults(KsReplicationController *rc, gboolean has_template) {
  const KsLabels *tl = has_template ? &rc->template->labels : NULL;
  if (!tl || tl->n == 0)
    return;
  if (rc->selector.n == 0) {
    ks_labels_clear(&rc->selector);
    ks_labels_copy(&rc->selector, tl);
  }
  if (rc->meta.labels.n == 0) {
    ks_labels_clear(&rc->meta.labels);
    ks_labels_copy(&rc->meta.labels, tl);
  }
}

/* The selector map matches the labels: every key present with its value. */
static gboolean map_matches(const KsLabels *sel, const KsLabels *labels) {
  for (guint i = 0; i < sel->n; i++) {
    const char *v = ks_labels_get(labels, sel->items[i].key);
    if (!v || strcmp(v, sel->items[i].value) != 0)
      return FALSE;
  }
  return TRUE;
}

static gboolean rc_validate(KsDec *d, const KsYamlNode *obj, KsReplicationController *rc,
                            gboolean has_template) {
  const KsYamlNode *spec = ks_yaml_get(obj, "spec");
  if (ks_dec_is_absent(spec))
    spec = NULL;
  if (rc->selector.n == 0)
    return fail_spec(d, obj, spec, "selector", "Required value");
  if (!has_template)
    return fail_spec(d, obj, spec, "template", "required field is missing");
  gsize mark = ks_dec_push_field(d, "spec");
  gboolean ok = ks_dec_check_replica_template(
      d, spec, map_matches(&rc->selector, &rc->template->labels), rc->template);
  ks_dec_pop(d, mark);
  return ok;
}

KsReplicationController *ks_dec_replication_controller(KsDec *d, const KsYamlNode *obj) {
  KsReplicationController *rc = ks_replication_controller_new(NULL, NULL);
  ks_object_meta_clear(&rc->meta);
  gboolean has_template = FALSE;
  const KsYamlNode *spec = NULL;
  gboolean ok = ks_dec_object_meta(d, obj, TRUE, &rc->meta);
  if (ok) {
    spec = ks_yaml_get(obj, "spec");
    ok = rc_spec(d, ks_dec_is_absent(spec) ? NULL : spec, rc, &has_template);
  }
  if (ok) {
    /* the template's namespace is the RC's (decoded after the template
     * was created with the default one) */
    g_free(rc->template->namespace);
    rc->template->namespace = g_strdup(rc->meta.namespace);
    rc_defaults(rc, has_template);
    ok = rc_validate(d, obj, rc, has_template) && rc_status(d, obj, rc);
  }
  if (!ok) {
    ks_replication_controller_free(rc);
    return NULL;
  }
  return rc; /* transfer full */
}
