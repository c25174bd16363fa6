/* See explain.h. */
#include "sched/volume_lister.h"
#include "sched/spread_lister.h"
#include "sched/cache.h"
#include "sim/explain.h"

#include <string.h>

#include "sched/scheduler.h"
#include "sched/trace.h"
#include "sim/admission.h"
#include "sim/admission_storage_class.h"
#include "sim/json.h"
#include "sim/scheduler_setup.h"
#include "workloads/manifest.h"

G_DEFINE_QUARK(ks-explain-error-quark, ks_explain_error)

typedef struct {
  GPtrArray *sets;       /* KsManifestSet* */
  GPtrArray *nodes;      /* KsNode* (borrowed from sets) */
  GPtrArray *bound;      /* KsPod* copies, admitted */
  GPtrArray *pending;    /* KsPod* copies, admitted */
  GPtrArray *namespaces; /* KsNamespace* (borrowed) */
  GPtrArray *classes;    /* KsPriorityClass* (borrowed) */
  GPtrArray *storage_classes; /* KsStorageClass* (borrowed) */
} Inputs;

static const KsPriorityClass *input_class(const char *name, gpointer user_data) {
  const Inputs *in = user_data;
  for (guint i = 0; i < in->classes->len; i++) {
    const KsPriorityClass *pc = in->classes->pdata[i];
    if (name ? !g_strcmp0(pc->name, name) : pc->global_default)
      return pc;
  }
  return NULL;
}

static void inputs_clear(Inputs *in) {
  g_ptr_array_free(in->bound, TRUE);
  g_ptr_array_free(in->pending, TRUE);
  g_ptr_array_free(in->nodes, TRUE);
  g_ptr_array_free(in->namespaces, TRUE);
  g_ptr_array_free(in->classes, TRUE);
  g_ptr_array_free(in->storage_classes, TRUE);
  g_ptr_array_free(in->sets, TRUE);
}

static gboolean load_inputs(const KsExplainOptions *opts, Inputs *in, GError **error) {
  in->sets = g_ptr_array_new_with_free_func((GDestroyNotify)ks_manifest_set_free);
  in->nodes = g_ptr_array_new();
  in->bound = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  in->pending = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  in->namespaces = g_ptr_array_new();
  in->classes = g_ptr_array_new();
  in->storage_classes = g_ptr_array_new();
  for (const char *const *f = opts->files; *f; f++) {
    KsManifestSet *set = ks_manifest_load_file(*f, error);
    if (!set)
      return FALSE;
    g_ptr_array_add(in->sets, set);
    for (guint i = 0; i < set->objects->len; i++) {
      const KsManifestObject *o = set->objects->pdata[i];
      if (o->kind == KS_KIND_NODE)
        g_ptr_array_add(in->nodes, o->u.node);
      else if (o->kind == KS_KIND_NAMESPACE)
        g_ptr_array_add(in->namespaces, o->u.ns);
      else if (o->kind == KS_KIND_PRIORITY_CLASS)
        g_ptr_array_add(in->classes, o->u.priority_class);
      else if (o->kind == KS_KIND_STORAGE_CLASS)
        g_ptr_array_add(in->storage_classes, o->u.storage_class);
    }
  }
  /* Pods after every PriorityClass is known, as they would be created. */
  for (guint s = 0; s < in->sets->len; s++) {
    const KsManifestSet *set = in->sets->pdata[s];
    for (guint i = 0; i < set->objects->len; i++) {
      const KsManifestObject *o = set->objects->pdata[i];
      if (o->kind != KS_KIND_POD)
        continue;
      KsPod *pod = ks_pod_copy(o->u.pod);
      if (!ks_admit_pod(pod, input_class, in, error)) {
        g_prefix_error(error, "%s:%u:%u: ", o->file, o->line, o->column);
        ks_pod_unref(pod);
        return FALSE;
      }
      g_ptr_array_add(pod->node_name ? in->bound : in->pending, pod);
    }
  }
  if (in->pending->len != 1) {
    GString *names = g_string_new(NULL);
    for (guint i = 0; i < in->pending->len; i++) {
      const KsPod *p = in->pending->pdata[i];
      g_string_append_printf(names, "%s%s/%s", i ? ", " : "", p->namespace, p->name);
    }
    g_set_error(error, KS_EXPLAIN_ERROR, 0,
                "expected exactly one Pod without spec.nodeName (the pod to place), found %u%s%s%s",
                in->pending->len, names->len ? " (" : "", names->str, names->len ? ")" : "");
    g_string_free(names, TRUE);
    return FALSE;
  }
  if (in->nodes->len == 0) {
    g_set_error(error, KS_EXPLAIN_ERROR, 0, "no Node objects in the manifests");
    return FALSE;
  }
  return TRUE;
}

/* explain is a dry run: VolumeBinding's PreBind writes (the PV's claimRef,
 * the claim's selected-node) are accepted and dropped, so a pod whose claims
 * bind at its node is shown as scheduled rather than failing for want of an
 * API server. */
static gboolean accept_pv_write(gpointer data, const KsPersistentVolume *pv, GError **error) {
  return TRUE;
}

static gboolean accept_pvc_write(gpointer data, const KsPersistentVolumeClaim *pvc,
                                 GError **error) {
  return TRUE;
}

/* What the scheduler lists besides nodes and pods, as the sim driver feeds
 * it from the store: PVs, claims and StorageClasses for the volume plugins;
 * Services, ReplicationControllers, ReplicaSets and StatefulSets for the
 * spreading default selector. */
static void add_listed_objects(KsScheduler *s, const Inputs *in) {
  KsSchedVolumeLister *volumes = ks_sched_volume_lister(s);
  KsSchedSpreadLister *spread = ks_sched_cache(s)->spread;
  const KsStorageClass *default_class = ks_default_storage_class_among(in->storage_classes);
  const KsSchedVolumeWriter dry_writer = {accept_pv_write, accept_pvc_write, NULL};
  ks_sched_volume_lister_set_writer(volumes, &dry_writer);
  for (guint f = 0; f < in->sets->len; f++) {
    const KsManifestSet *set = in->sets->pdata[f];
    for (guint i = 0; i < set->objects->len; i++) {
      const KsManifestObject *o = set->objects->pdata[i];
      switch (o->kind) {
      case KS_KIND_PERSISTENT_VOLUME:
        ks_sched_volume_lister_set_pv(volumes, ks_pv_copy(o->u.pv));
        break;
      case KS_KIND_PERSISTENT_VOLUME_CLAIM: {
        /* As created through the API server: DefaultStorageClass admission
         * gives a claim without a class the default one. */
        KsPersistentVolumeClaim *pvc = ks_pvc_copy(o->u.pvc);
        ks_pvc_apply_default_storage_class(pvc, default_class);
        ks_sched_volume_lister_set_pvc(volumes, pvc);
        break;
      }
      case KS_KIND_STORAGE_CLASS:
        ks_sched_volume_lister_set_storage_class(volumes, ks_storage_class_copy(o->u.storage_class));
        break;
      case KS_KIND_SERVICE:
        ks_sched_spread_lister_set_service(spread, o->u.service->meta.namespace,
                                           o->u.service->meta.name, &o->u.service->selector);
        break;
      case KS_KIND_REPLICA_SET:
        ks_sched_spread_lister_set_replica_set(spread, o->u.replica_set->meta.namespace,
                                               o->u.replica_set->meta.name,
                                               o->u.replica_set->selector);
        break;
      case KS_KIND_STATEFUL_SET:
        ks_sched_spread_lister_set_stateful_set(spread, o->u.stateful_set->meta.namespace,
                                                o->u.stateful_set->meta.name,
                                                o->u.stateful_set->selector);
        break;
      case KS_KIND_REPLICATION_CONTROLLER:
        ks_sched_spread_lister_set_replication_controller(
            spread, o->u.replication_controller->meta.namespace,
            o->u.replication_controller->meta.name, &o->u.replication_controller->selector);
        break;
      default:
        break;
      }
    }
  }
}

/* The scheduler with the cluster of the manifests in it and the pod queued. */
static KsSchedSetup *build_scheduler(const KsExplainOptions *opts, const Inputs *in,
                                     GError **error) {
  KsSchedSetupOptions setup_opts = {.config_path = opts->config,
                                    .builtin_profile = opts->builtin_profile,
                                    .plugin_paths = opts->plugins,
                                    .seed = opts->seed,
                                    .percentage_of_nodes_to_score = -1};
  KsSchedSetup *setup = ks_sched_setup_new(&setup_opts, error);
  if (!setup)
    return NULL;
  KsScheduler *s = setup->sched;
  for (guint i = 0; i < in->namespaces->len; i++) {
    const KsNamespace *ns = in->namespaces->pdata[i];
    ks_sched_set_namespace(s, ns->name, &ns->labels);
  }
  for (guint i = 0; i < in->nodes->len; i++)
    ks_sched_add_node(s, in->nodes->pdata[i], 0);
  add_listed_objects(s, in);
  for (guint i = 0; i < in->bound->len; i++) {
    KsPod *p = in->bound->pdata[i];
    ks_sched_add_assigned_pod(s, p, p->node_name, 0);
  }
  KsPod *pod = in->pending->pdata[0];
  if (!ks_sched_add_pending_pod(s, pod, 0)) {
    g_set_error(error, KS_EXPLAIN_ERROR, 0,
                "pod %s/%s: spec.schedulerName \"%s\" is served by no profile", pod->namespace,
                pod->name, pod->scheduler_name);
    ks_sched_setup_free(setup);
    return NULL;
  }
  return setup;
}

/* ---- output ---------------------------------------------------------------- */

static void print_json(const KsSchedTrace *t, FILE *out) {
  KsJson j;
  ks_json_init(&j, out);
  ks_json_begin_object(&j, NULL);
  ks_json_string(&j, "pod", t->pod);
  ks_json_string(&j, "selected", t->selected);
  if (t->message)
    ks_json_string(&j, "message", t->message);
  ks_json_begin_array(&j, "nodes");
  for (guint i = 0; i < t->nodes->len; i++) {
    const KsSchedTraceNode *n = &g_array_index(t->nodes, KsSchedTraceNode, i);
    ks_json_begin_object(&j, NULL);
    ks_json_string(&j, "name", n->name);
    ks_json_bool(&j, "examined", n->examined);
    ks_json_bool(&j, "feasible", n->feasible);
    gboolean failed = n->examined && !n->feasible;
    ks_json_string(&j, "plugin", failed ? n->status.plugin : NULL);
    char *reason = failed ? ks_sched_status_message(&n->status) : NULL;
    ks_json_string(&j, "reason", reason);
    g_free(reason);
    ks_json_begin_object(&j, "scores");
    for (guint k = 0; n->scored && k < n->n_scores; k++) {
      ks_json_begin_object(&j, n->scores[k].plugin);
      ks_json_int(&j, "raw", n->scores[k].raw);
      ks_json_int(&j, "normalized", n->scores[k].normalized);
      ks_json_int(&j, "weighted", n->scores[k].weighted);
      ks_json_end_object(&j);
    }
    ks_json_end_object(&j);
    if (n->scored)
      ks_json_int(&j, "total", n->total);
    else
      ks_json_raw(&j, "total", NULL);
    ks_json_end_object(&j);
  }
  ks_json_end_array(&j);
  if (!t->nominated) {
    ks_json_raw(&j, "preemption", NULL);
  } else {
    ks_json_begin_object(&j, "preemption");
    ks_json_string(&j, "node", t->nominated);
    ks_json_begin_array(&j, "victims");
    for (guint i = 0; i < t->victims->len; i++)
      ks_json_string(&j, NULL, t->victims->pdata[i]);
    ks_json_end_array(&j);
    ks_json_end_object(&j);
  }
  ks_json_end_object(&j);
  ks_json_finish(&j);
}

static void print_table(const KsSchedTrace *t, FILE *out) {
  fprintf(out, "pod %s: %s%s\n", t->pod, t->selected ? "scheduled to " : "unschedulable",
          t->selected ? t->selected : "");
  if (t->message)
    fprintf(out, "  %s\n", t->message);
  if (t->pre_filter.code != KS_SCHED_SUCCESS) {
    char *m = ks_sched_status_message(&t->pre_filter);
    fprintf(out, "PreFilter %s: %s\n", t->pre_filter.plugin ? t->pre_filter.plugin : "", m);
    g_free(m);
  }
  fprintf(out, "\n%-24s %-10s %s\n", "NODE", "VERDICT", "DETAILS (score: raw -> normalized x weight = weighted)");
  for (guint i = 0; i < t->nodes->len; i++) {
    const KsSchedTraceNode *n = &g_array_index(t->nodes, KsSchedTraceNode, i);
    const char *verdict = !n->examined ? "skipped" : n->feasible ? "feasible" : "filtered";
    gboolean chosen = t->selected && !strcmp(t->selected, n->name);
    fprintf(out, "%-24s %-10s", n->name, chosen ? "SELECTED" : verdict);
    if (n->examined && !n->feasible) {
      char *m = ks_sched_status_message(&n->status);
      fprintf(out, " %s: %s", n->status.plugin ? n->status.plugin : "?", m);
      g_free(m);
    }
    if (n->scored) {
      fprintf(out, " total %" G_GINT64_FORMAT, n->total);
      for (guint k = 0; k < n->n_scores; k++) {
        const KsSchedTraceScore *sc = &n->scores[k];
        fprintf(out, "%s %s %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT, k ? "," : ":", sc->plugin,
                sc->raw, sc->normalized);
        if (sc->weight != 1)
          fprintf(out, " x %d = %" G_GINT64_FORMAT, sc->weight, sc->weighted);
      }
    }
    fputc('\n', out);
  }
  if (t->nominated) {
    fprintf(out, "\npreemption: nominated node %s, victims:", t->nominated);
    for (guint i = 0; i < t->victims->len; i++)
      fprintf(out, " %s", (const char *)t->victims->pdata[i]);
    fputc('\n', out);
  }
}

gboolean ks_explain(const KsExplainOptions *opts, FILE *out, GError **error) {
  Inputs in = {0};
  gboolean ok = load_inputs(opts, &in, error);
  KsSchedSetup *setup = ok ? build_scheduler(opts, &in, error) : NULL;
  if (setup) {
    KsSchedTrace trace;
    ks_sched_trace_init(&trace, opts->score_all);
    ks_sched_trace_next_cycle(setup->sched, &trace);
    KsSchedResult result;
    ks_sched_schedule_one(setup->sched, 0, &result);
    if (opts->format == KS_EXPLAIN_JSON)
      print_json(&trace, out);
    else
      print_table(&trace, out);
    ks_sched_trace_clear(&trace);
    ks_sched_setup_free(setup);
  }
  ok = setup != NULL;
  if (in.sets)
    inputs_clear(&in);
  return ok;
}
