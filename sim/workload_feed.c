/* See workload_feed.h. */
#include "sim/workload_feed.h"

#include <stdio.h>

#include "sched/objects.h"
#include "sched/rng.h"
#include "sim/pod_create.h"

typedef struct {
  KsWorkloadFeed *feed;
  KsGenerator *gen;
  KsPod *next;      /* the pod due at the pending event */
} GeneratorState;

struct KsWorkloadFeed {
  KsStore *store;
  KsEngine *engine;
  const KsScenario *scenario;
  GPtrArray *generators; /* GeneratorState* */
  guint64 rejected;
  KsRng uids;            /* "apiserver/uid": uids of created workload objects */
  KsKubeletConfigs *kubelets; /* the nodes' kubelet configurations; NULL: none */
};

/* Admission then create (sim/pod_create.h). pod: transfer full. */
static void create_pod(KsWorkloadFeed *f, KsPod *pod) {
  GError *error = NULL;
  if (ks_sim_create_pod(f->store, pod, &error))
    return;
  f->rejected++;
  fprintf(stderr, "ksim: at %.3fs: %s\n", ks_engine_now(f->engine) / 1e6, error->message);
  g_error_free(error);
}

/* The store kind and payload of a workload controller's manifest kind;
 * FALSE for the kinds ks_sim_create_object creates. */
static gboolean workload_kind(const KsManifestObject *o, KsStoreKind *kind, gconstpointer *data) {
  switch (o->kind) {
  case KS_KIND_DEPLOYMENT:
    *kind = KS_STORE_DEPLOYMENT, *data = o->u.deployment;
    return TRUE;
  case KS_KIND_REPLICA_SET:
    *kind = KS_STORE_REPLICA_SET, *data = o->u.replica_set;
    return TRUE;
  case KS_KIND_DAEMON_SET:
    *kind = KS_STORE_DAEMON_SET, *data = o->u.daemon_set;
    return TRUE;
  case KS_KIND_STATEFUL_SET:
    *kind = KS_STORE_STATEFUL_SET, *data = o->u.stateful_set;
    return TRUE;
  case KS_KIND_CONTROLLER_REVISION:
    *kind = KS_STORE_CONTROLLER_REVISION, *data = o->u.controller_revision;
    return TRUE;
  case KS_KIND_JOB:
    *kind = KS_STORE_JOB, *data = o->u.job;
    return TRUE;
  case KS_KIND_CRON_JOB:
    *kind = KS_STORE_CRON_JOB, *data = o->u.cron_job;
    return TRUE;
  case KS_KIND_SERVICE:
    *kind = KS_STORE_SERVICE, *data = o->u.service;
    return TRUE;
  case KS_KIND_CONFIG_MAP:
    *kind = KS_STORE_CONFIG_MAP, *data = o->u.config_map;
    return TRUE;
  case KS_KIND_SECRET:
    *kind = KS_STORE_SECRET, *data = o->u.secret;
    return TRUE;
  case KS_KIND_PERSISTENT_VOLUME:
    *kind = KS_STORE_PERSISTENT_VOLUME, *data = o->u.pv;
    return TRUE;
  case KS_KIND_PERSISTENT_VOLUME_CLAIM:
    *kind = KS_STORE_PERSISTENT_VOLUME_CLAIM, *data = o->u.pvc;
    return TRUE;
  case KS_KIND_STORAGE_CLASS:
    *kind = KS_STORE_STORAGE_CLASS, *data = o->u.storage_class;
    return TRUE;
  case KS_KIND_REPLICATION_CONTROLLER:
    *kind = KS_STORE_REPLICATION_CONTROLLER, *data = o->u.replication_controller;
    return TRUE;
  default:
    return FALSE;
  }
}

static void create_object(KsWorkloadFeed *f, const KsManifestObject *o) {
  if (o->kind == KS_KIND_POD) {
    create_pod(f, ks_pod_copy(o->u.pod));
    return;
  }
  GError *error = NULL;
  KsStoreKind kind;
  gconstpointer src;
  /* workload objects get their uids from the feed's "apiserver/uid" stream */
  gboolean ok = workload_kind(o, &kind, &src)
                    ? ks_sim_create_workload(f->store, &f->uids, kind, src, &error)
                    : ks_sim_create_object_kubelets(f->store, o, f->kubelets, &error);
  if (!ok) {
    fprintf(stderr, "ksim: %s:%u:%u: %s\n", o->file, o->line, o->column, error->message);
    g_error_free(error);
  }
}

typedef struct {
  KsWorkloadFeed *feed;
  const KsScenarioBatch *batch; /* borrowed from the scenario */
} BatchEvent;

static void apply_batch(KsEngine *e, gpointer data) {
  BatchEvent *ev = data;
  const GPtrArray *objects = ev->batch->set->objects;
  for (guint i = 0; i < objects->len; i++)
    create_object(ev->feed, objects->pdata[i]);
}

static void create_pools(KsEngine *e, gpointer data) {
  KsWorkloadFeed *f = data;
  for (guint p = 0; p < f->scenario->node_pools->len; p++) {
    const KsNodePool *pool = f->scenario->node_pools->pdata[p];
    for (guint i = 0; i < pool->count; i++) {
      KsNode *node = ks_node_pool_instantiate(pool, i);
      GError *error = NULL;
      if (!ks_sim_create_node(f->store, node, f->kubelets, &error)) {
        fprintf(stderr, "ksim: node pool %s: %s\n", pool->name, error->message);
        g_error_free(error);
      }
    }
  }
}

static void generator_arrival(KsEngine *e, gpointer data);

static void schedule_next_arrival(GeneratorState *g) {
  gint64 at = 0;
  if (!ks_generator_next(g->gen, &at, &g->next))
    return;
  ks_engine_schedule(g->feed->engine, MAX(at, ks_engine_now(g->feed->engine)), generator_arrival,
                     g, NULL);
}

static void generator_arrival(KsEngine *e, gpointer data) {
  GeneratorState *g = data;
  KsPod *pod = g->next;
  g->next = NULL;
  create_pod(g->feed, pod);
  schedule_next_arrival(g);
}

static void generator_state_free(gpointer p) {
  GeneratorState *g = p;
  if (g->next)
    ks_pod_unref(g->next);
  ks_generator_free(g->gen);
  g_free(g);
}

KsWorkloadFeed *ks_workload_feed_new(KsStore *store, const KsScenario *scenario, guint64 seed) {
  KsWorkloadFeed *f = g_new0(KsWorkloadFeed, 1);
  f->store = store;
  f->engine = ks_store_get_engine(store);
  f->scenario = scenario;
  f->generators = g_ptr_array_new_with_free_func(generator_state_free);
  ks_rng_init(&f->uids, seed, "apiserver/uid");
  /* Order at time 0: nodes, then batches, then generators (all FIFO). */
  ks_engine_schedule(f->engine, 0, create_pools, f, NULL);
  for (guint i = 0; i < scenario->batches->len; i++) {
    BatchEvent *ev = g_new(BatchEvent, 1);
    *ev = (BatchEvent){f, scenario->batches->pdata[i]};
    ks_engine_schedule(f->engine, ev->batch->at_us, apply_batch, ev, g_free);
  }
  for (guint i = 0; i < scenario->generators->len; i++) {
    GeneratorState *g = g_new0(GeneratorState, 1);
    g->feed = f;
    g->gen = ks_generator_new(scenario->generators->pdata[i], seed);
    g_ptr_array_add(f->generators, g);
    schedule_next_arrival(g);
  }
  return f;
}

/* Pending arrival events point at generator states: free the feed only
 * after the engine has been freed or has no more events of this feed. */
void ks_workload_feed_free(KsWorkloadFeed *f) {
  if (!f)
    return;
  g_ptr_array_free(f->generators, TRUE);
  ks_kubelet_configs_unref(f->kubelets);
  g_free(f);
}

void ks_workload_feed_set_kubelets(KsWorkloadFeed *f, KsKubeletConfigs *kubelets) {
  KsKubeletConfigs *k = kubelets ? ks_kubelet_configs_ref(kubelets) : NULL;
  ks_kubelet_configs_unref(f->kubelets);
  f->kubelets = k;
}

guint64 ks_workload_feed_rejected(const KsWorkloadFeed *f) { return f->rejected; }
