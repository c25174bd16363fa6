/* The world of the ReplicaSet and ReplicationController controller tests
 * (one implementation, replica_set.c, run over two kinds): an engine, a
 * store, the controller under test (seed 42), optionally the garbage
 * collector, the names of deleted pods in order, and pods in namespace "ns"
 * that the test writes itself (it plays the kubelet).
 * Header-only (static functions) so each test file stays one executable. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sim/controllers/garbage_collector.h"
#include "sim/controllers/runtime.h"
#include "sim/engine.h"
#include "sim/store.h"

typedef struct {
  KsEngine *e;
  KsStore *s;
  KsController *c;    /* the controller under test */
  KsController *gc;   /* NULL unless asked for */
  GPtrArray *deleted; /* names of deleted pods, in order */
} KsReplicaWorld;

static void ks_replica_world_on_pod(KsStore *s, KsWatchEventType type,
                                    const KsStoreObject *old_obj, const KsStoreObject *new_obj,
                                    gpointer user_data) {
  (void)s;
  (void)new_obj;
  if (type == KS_WATCH_DELETED)
    g_ptr_array_add(user_data, g_strdup(old_obj->name));
}

static inline void ks_replica_world_init(KsReplicaWorld *w, const KsControllerClass *cls,
                                         gint64 latency, gboolean gc) {
  w->e = ks_engine_new();
  w->s = ks_store_new(w->e);
  w->deleted = g_ptr_array_new_with_free_func(g_free);
  ks_store_watch(w->s, KS_STORE_POD, ks_replica_world_on_pod, w->deleted);
  KsControllerOptions o;
  ks_controller_options_default(&o);
  o.reconcile_latency_us = latency;
  o.seed = 42;
  w->c = ks_controller_new(cls, w->s, &o);
  w->gc = gc ? ks_controller_new(&ks_garbage_collector_class, w->s, &o) : NULL;
}

static inline void ks_replica_world_free(KsReplicaWorld *w) {
  if (w->gc)
    ks_controller_free(w->gc);
  ks_controller_free(w->c);
  ks_store_free(w->s);
  ks_engine_free(w->e);
  g_ptr_array_unref(w->deleted);
}

/* A pod labelled app=web controlled by the owner (api_version, kind, "web",
 * owner_uid). transfer full */
static inline KsPod *ks_replica_owned_pod(const char *api_version, const char *kind,
                                          const char *owner_uid, const char *name,
                                          const char *uid, const char *node, KsPodPhase phase,
                                          gboolean ready, gint64 ready_since, gint64 created) {
  KsPod *p = ks_pod_new("ns", name);
  p->uid = g_strdup(uid);
  ks_labels_set(&p->labels, "app", "web");
  ks_owner_reference_array_add(&p->owner_references, api_version, kind, "web", owner_uid, TRUE,
                               TRUE);
  p->node_name = node ? g_strdup(node) : NULL;
  p->phase = phase;
  p->ready = ready;
  p->ready_since_us = ready_since;
  p->creation_timestamp_us = created;
  return p;
}

static inline void ks_replica_put_pod(KsReplicaWorld *w, KsPod *p) {
  assert_true(ks_store_create(w->s, KS_STORE_POD, "ns", p->name, p, (GDestroyNotify)ks_pod_unref,
                              NULL));
}

static inline const KsPod *ks_replica_get_pod(KsReplicaWorld *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_POD, "ns", name);
  return o ? o->data : NULL;
}

/* got (of char*) is exactly want (NULL-terminated), in order. */
static inline void ks_replica_assert_names(GPtrArray *got, const char *const *want) {
  guint n = g_strv_length((char **)want);
  for (guint i = 0; i < MIN(n, got->len); i++)
    assert_string_equal(got->pdata[i], want[i]);
  assert_int_equal(got->len, n);
}
