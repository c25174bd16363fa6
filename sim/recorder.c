/* See recorder.h. The records are the results file's own row structs, with
 * their strings kept in one string chunk. Pods and nodes are found by their
 * "namespace/name" key in hash tables used for lookup only; output order
 * comes from the record arrays, which grow in creation order, so results
 * never depend on hashing.
 *
 * Memory and speed (a replay creates millions of pods, each seen by several
 * watch events):
 * - a pod's "namespace/name" key is stored once, in the string chunk, and
 *   its row's name points into it (the part after the '/'), so a pod costs
 *   one string, not a key copy plus a name;
 * - the index holds only pods that can still change their row: a pod
 *   leaves it when it finishes or is deleted (later events of a terminal
 *   pod change nothing, see on_pod_modified), so it stays as small as the
 *   live pods however many have come and gone;
 * - lookups build the key in a scratch buffer instead of allocating one. */
#include "sim/recorder.h"

#include <string.h>

#include "sched/gpu.h"
#include "sched/objects.h"
#include "sim/metrics_run.h"
#include "workloads/annotations.h"

struct KsRecorder {
  KsStore *store;
  KsEngine *engine;
  GArray *pods;           /* KsPodRow, creation order */
  GArray *nodes;          /* KsNodeRow, creation order */
  GStringChunk *strings;  /* the rows' names */
  GHashTable *pod_index;  /* "ns/name" (borrowed from strings) -> index + 1; live pods */
  GString *key;           /* scratch for lookups */
  GHashTable *node_index; /* name -> index + 1 */
  guint pod_watch, node_watch;
  /* running state for samples */
  gint32 nodes_now, pending, running, succeeded, failed;
  gint64 cpu_requested, cpu_allocatable, memory_requested, memory_allocatable, pods_allocatable;
  gint64 gpu_requested, gpu_allocatable;
  guint64 created, bound, finished;
};

/* "ns/name" in the scratch buffer (valid until the next call). */
static const char *pod_key(KsRecorder *r, const char *ns, const char *name) {
  g_string_assign(r->key, ns);
  g_string_append_c(r->key, '/');
  g_string_append(r->key, name);
  return r->key->str;
}

static KsPodRow *find_pod(KsRecorder *r, const char *ns, const char *name) {
  guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(r->pod_index, pod_key(r, ns, name)));
  return idx ? &g_array_index(r->pods, KsPodRow, idx - 1) : NULL;
}

/* The pod's row will not change any more: forget its key. */
static void unindex(KsRecorder *r, const KsPod *pod) {
  g_hash_table_remove(r->pod_index, pod_key(r, pod->namespace, pod->name));
}

static gint32 node_index_of(KsRecorder *r, const char *name) {
  if (!name)
    return -1;
  guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(r->node_index, name));
  return idx ? (gint32)idx - 1 : -1;
}

static gboolean phase_is_terminal(KsPodPhase p) {
  return p == KS_POD_SUCCEEDED || p == KS_POD_FAILED;
}

static void on_pod_added(KsRecorder *r, const KsPod *pod, gint64 now) {
  const char *key = g_string_chunk_insert(r->strings, pod_key(r, pod->namespace, pod->name));
  KsPodRow rec = {
    .name = key + strlen(pod->namespace) + 1,
    .namespace = g_string_chunk_insert_const(r->strings, pod->namespace),
    .priority = pod->priority,
    .created_us = now,
    .scheduled_us = -1,
    .started_us = -1,
    .finished_us = -1,
    .node = -1,
    .outcome = KS_OUTCOME_PENDING,
  };
  KsResourceList req;
  ks_pod_compute_requests(pod, &req);
  rec.cpu_request_milli = req.milli_cpu;
  rec.memory_request = req.memory;
  ks_resource_list_clear(&req);
  /* A malformed GPU request never reaches a node (GpuShare rejects it), so
   * counting it as none is right for the results. */
  KsGpuRequest gpu;
  if (ks_gpu_request_from_pod(pod, &gpu, NULL)) {
    rec.gpu_count = (gint32)gpu.count;
    rec.gpu_request_milli = ks_gpu_request_total(&gpu);
  }
  if (!ks_metrics_pod_deadline(pod, &rec.deadline_us, NULL))
    rec.deadline_us = 0; /* refused at load; a trace's malformed one counts as none */
  g_array_append_val(r->pods, rec);
  g_hash_table_insert(r->pod_index, (gpointer)key, GUINT_TO_POINTER(r->pods->len));
  r->created++;
  r->pending++;
}

static void mark_bound(KsRecorder *r, KsPodRow *rec, const char *node, gint64 now) {
  rec->scheduled_us = now;
  rec->node = node_index_of(r, node);
  rec->outcome = KS_OUTCOME_RUNNING;
  if (rec->node >= 0)
    g_array_index(r->nodes, KsNodeRow, rec->node).pods_bound++;
  r->pending--;
  r->running++;
  r->bound++;
  r->cpu_requested += rec->cpu_request_milli;
  r->memory_requested += rec->memory_request;
  r->gpu_requested += rec->gpu_request_milli;
}

/* The pod leaves the pending or running count (finished or deleted). */
static void leave(KsRecorder *r, KsPodRow *rec, gint64 now) {
  rec->finished_us = now;
  if (rec->scheduled_us >= 0) {
    r->running--;
    r->cpu_requested -= rec->cpu_request_milli;
    r->memory_requested -= rec->memory_request;
    r->gpu_requested -= rec->gpu_request_milli;
  } else {
    r->pending--;
  }
}

static void mark_finished(KsRecorder *r, KsPodRow *rec, KsPodPhase phase, gint64 now) {
  leave(r, rec, now);
  if (phase == KS_POD_SUCCEEDED) {
    rec->outcome = KS_OUTCOME_SUCCEEDED;
    r->succeeded++;
  } else {
    rec->outcome = KS_OUTCOME_FAILED;
    r->failed++;
  }
  r->finished++;
}

static void on_pod_modified(KsRecorder *r, const KsPod *old, const KsPod *pod, gint64 now) {
  KsPodRow *rec = find_pod(r, pod->namespace, pod->name);
  if (!rec || phase_is_terminal(old->phase))
    return;
  if (!old->node_name && pod->node_name)
    mark_bound(r, rec, pod->node_name, now);
  if (old->phase != KS_POD_RUNNING && pod->phase == KS_POD_RUNNING)
    rec->started_us = now;
  if (phase_is_terminal(pod->phase) && pod->deletion_timestamp_us) {
    /* the kubelet's last status of a pod it killed for a delete: deleted */
    leave(r, rec, now);
    rec->outcome = KS_OUTCOME_DELETED;
    unindex(r, pod);
  } else if (phase_is_terminal(pod->phase)) {
    mark_finished(r, rec, pod->phase, now);
    unindex(r, pod);
  }
}

static void on_pod_deleted(KsRecorder *r, const KsPod *old, gint64 now) {
  KsPodRow *rec = find_pod(r, old->namespace, old->name);
  if (!rec || phase_is_terminal(old->phase))
    return;
  leave(r, rec, now);
  rec->outcome = KS_OUTCOME_DELETED;
  unindex(r, old);
}

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  KsRecorder *r = user_data;
  gint64 now = ks_engine_now(r->engine);
  switch (type) {
  case KS_WATCH_ADDED: {
    const KsPod *pod = new_obj->data;
    on_pod_added(r, pod, now);
    /* A pod created already bound (spec.nodeName) is scheduled at creation. */
    if (pod->node_name)
      mark_bound(r, find_pod(r, pod->namespace, pod->name), pod->node_name, now);
    break;
  }
  case KS_WATCH_MODIFIED:
    on_pod_modified(r, old_obj->data, new_obj->data, now);
    break;
  case KS_WATCH_DELETED:
    on_pod_deleted(r, old_obj->data, now);
    break;
  }
}

static void node_added(KsRecorder *r, const KsNode *node, gint64 now) {
  KsNodeRow rec = {
    .name = g_string_chunk_insert_const(r->strings, node->name),
    .cpu_allocatable_milli = node->allocatable.milli_cpu,
    .memory_allocatable = node->allocatable.memory,
    .pods_allocatable = node->allocatable.pods,
    .added_us = now,
    .removed_us = -1,
  };
  KsGpuNodeSpec gpus;
  if (ks_gpu_node_spec(node, &gpus, NULL)) {
    rec.gpus = (gint32)gpus.count;
    rec.gpu_model = gpus.model ? g_quark_to_string(gpus.model) : "";
  } else {
    rec.gpu_model = "";
  }
  const char *pool = ks_labels_get(&node->labels, KS_LABEL_NODE_POOL);
  rec.pool = g_string_chunk_insert_const(r->strings, pool ? pool : "");
  g_array_append_val(r->nodes, rec);
  g_hash_table_insert(r->node_index, g_strdup(node->name), GUINT_TO_POINTER(r->nodes->len));
  r->nodes_now++;
  r->cpu_allocatable += rec.cpu_allocatable_milli;
  r->memory_allocatable += rec.memory_allocatable;
  r->pods_allocatable += rec.pods_allocatable;
  r->gpu_allocatable += (gint64)rec.gpus * KS_GPU_MILLI;
}

static void node_removed(KsRecorder *r, const KsNode *node, gint64 now) {
  gint32 idx = node_index_of(r, node->name);
  if (idx < 0)
    return;
  KsNodeRow *rec = &g_array_index(r->nodes, KsNodeRow, idx);
  rec->removed_us = now;
  r->nodes_now--;
  r->cpu_allocatable -= rec->cpu_allocatable_milli;
  r->memory_allocatable -= rec->memory_allocatable;
  r->pods_allocatable -= rec->pods_allocatable;
  r->gpu_allocatable -= (gint64)rec->gpus * KS_GPU_MILLI;
}

static void node_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj, gpointer user_data) {
  KsRecorder *r = user_data;
  gint64 now = ks_engine_now(r->engine);
  if (type == KS_WATCH_ADDED)
    node_added(r, new_obj->data, now);
  else if (type == KS_WATCH_DELETED)
    node_removed(r, old_obj->data, now);
}

KsRecorder *ks_recorder_new(KsStore *store) {
  KsRecorder *r = g_new0(KsRecorder, 1);
  r->store = store;
  r->engine = ks_store_get_engine(store);
  r->pods = g_array_new(FALSE, FALSE, sizeof(KsPodRow));
  r->nodes = g_array_new(FALSE, FALSE, sizeof(KsNodeRow));
  r->strings = g_string_chunk_new(64 * 1024);
  r->pod_index = g_hash_table_new(g_str_hash, g_str_equal);
  r->key = g_string_sized_new(64);
  r->node_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  r->pod_watch = ks_store_watch(store, KS_STORE_POD, pod_watch, r);
  r->node_watch = ks_store_watch(store, KS_STORE_NODE, node_watch, r);
  return r;
}

void ks_recorder_free(KsRecorder *r) {
  if (!r)
    return;
  ks_store_unwatch(r->store, r->pod_watch);
  ks_store_unwatch(r->store, r->node_watch);
  g_array_free(r->pods, TRUE);
  g_array_free(r->nodes, TRUE);
  g_hash_table_destroy(r->pod_index);
  g_string_free(r->key, TRUE);
  g_hash_table_destroy(r->node_index);
  g_string_chunk_free(r->strings);
  g_free(r);
}

void ks_recorder_count_attempt(KsRecorder *r, const char *namespace, const char *name) {
  KsPodRow *rec = find_pod(r, namespace, name);
  if (rec)
    rec->attempts++;
}

gboolean ks_recorder_sample(KsRecorder *r, KsResultsWriter *w, GError **error) {
  KsSampleRow row = {
    .time_us = ks_engine_now(r->engine),
    .nodes = r->nodes_now,
    .pending = r->pending,
    .running = r->running,
    .succeeded = r->succeeded,
    .failed = r->failed,
    .cpu_requested_milli = r->cpu_requested,
    .cpu_allocatable_milli = r->cpu_allocatable,
    .memory_requested = r->memory_requested,
    .memory_allocatable = r->memory_allocatable,
    .pods_allocatable = r->pods_allocatable,
    .gpu_requested_milli = r->gpu_requested,
    .gpu_allocatable_milli = r->gpu_allocatable,
  };
  return ks_results_writer_append_sample(w, &row, error);
}

gboolean ks_recorder_write_rows(KsRecorder *r, KsResultsWriter *w, GError **error) {
  for (guint i = 0; i < r->nodes->len; i++)
    if (!ks_results_writer_append_node(w, &g_array_index(r->nodes, KsNodeRow, i), error))
      return FALSE;
  for (guint i = 0; i < r->pods->len; i++)
    if (!ks_results_writer_append_pod(w, &g_array_index(r->pods, KsPodRow, i), error))
      return FALSE;
  return TRUE;
}

guint64 ks_recorder_pods_created(const KsRecorder *r) { return r->created; }
guint64 ks_recorder_pods_bound(const KsRecorder *r) { return r->bound; }
guint64 ks_recorder_pods_finished(const KsRecorder *r) { return r->finished; }
