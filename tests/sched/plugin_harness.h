/* A harness for plugin unit tests, shaped like upstream's per-plugin tests:
 * a registry (built-ins plus the plugin under test, if not built in), a
 * profile holding just that plugin, a real cache of nodes and pods, and
 * helpers that run the plugin's own extension points in upstream order:
 *   filter: PreFilter (once), then Filter on every node;
 *   score:  PreScore over the given nodes, Score on each, NormalizeScore.
 * Header-only (static functions) so each test file stays one executable. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/cache.h"
#include "sched/framework.h"
#include "sched/objects.h"

typedef struct {
  KsSchedRegistry *reg;
  KsSchedFramework *fw;
  KsSchedPlugin *plugin;
  KsSchedCache *cache;
  KsSchedCycleState cs;
  guint slots[256]; /* nodes in the order added */
  guint n_nodes;
  int n_pods;       /* for generated names */
} KsTestEnv;

/* desc: the plugin under test; it is added to the registry unless a
 * built-in of that name exists. args: its args struct or NULL. */
static inline void ks_test_env_init(KsTestEnv *e, const KsSchedPluginDesc *desc,
                                    gconstpointer args) {
  memset(e, 0, sizeof *e);
  e->reg = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(e->reg, desc->name))
    assert_true(ks_sched_registry_add(e->reg, desc, NULL));
  KsSchedPluginConfig pc = {desc->name, 1, args};
  GError *err = NULL;
  e->fw = ks_sched_framework_new(e->reg, "test", &pc, 1, &err);
  if (!e->fw)
    fail_msg("profile: %s", err->message);
  e->plugin = ks_sched_framework_plugin(e->fw, desc->name);
  e->cache = ks_sched_cache_new();
  ks_sched_cycle_state_init(&e->cs);
}

static inline void ks_test_env_clear(KsTestEnv *e) {
  ks_sched_cycle_state_clear(&e->cs, e->fw);
  ks_sched_cache_free(e->cache);
  ks_sched_framework_free(e->fw);
  ks_sched_registry_free(e->reg);
}

/* A node with allocatable cpu/memory (quantity strings, NULL = absent) and
 * pods 110. transfer full */
static inline KsNode *ks_test_node(const char *name, const char *cpu, const char *mem) {
  KsNode *n = ks_node_new(name);
  if (cpu)
    assert_true(ks_resource_list_set_quantity(&n->allocatable, "cpu", cpu, NULL));
  if (mem)
    assert_true(ks_resource_list_set_quantity(&n->allocatable, "memory", mem, NULL));
  ks_resource_list_set(&n->allocatable, "pods", 110);
  ks_resource_list_copy(&n->capacity, &n->allocatable);
  return n;
}

/* Adds node (transfer full) to the cache; returns its index in e->slots. */
static inline guint ks_test_env_add_node(KsTestEnv *e, KsNode *node) {
  assert_true(e->n_nodes < G_N_ELEMENTS(e->slots));
  e->slots[e->n_nodes] = ks_sched_cache_set_node(e->cache, node);
  ks_node_unref(node);
  return e->n_nodes++;
}

/* Binds pod (transfer full) to node `node_name` in the cache. */
static inline void ks_test_env_add_pod(KsTestEnv *e, KsPod *pod, const char *node_name) {
  g_free(pod->node_name);
  pod->node_name = g_strdup(node_name);
  ks_sched_cache_add_pod(e->cache, pod, node_name);
  ks_pod_unref(pod);
}

/* PreFilter, then Filter on every node in order. out[i] is node i's status.
 * Returns the PreFilter status code; when PreFilter rejects or skips, out[]
 * is filled with that status (rejection) or left SUCCESS (skip) as the
 * framework would. *pre_filter_nodes (optional) receives the PreFilterResult
 * set (borrowed; NULL when none). */
static inline KsSchedCode ks_test_env_filter(KsTestEnv *e, const KsPod *pod, KsSchedStatus *out,
                                             GHashTable **pre_filter_nodes) {
  KsSchedPlugin *p = e->plugin;
  KsSchedStatus pre;
  ks_sched_status_reset(&pre);
  GHashTable *names = NULL;
  if (p->desc->pre_filter)
    p->desc->pre_filter(p, &e->cs, pod, e->cache, &names, &pre);
  if (pre_filter_nodes)
    *pre_filter_nodes = names;
  gboolean filters = pre.code != KS_SCHED_SKIP && !ks_sched_status_rejects(&pre) &&
                     pre.code != KS_SCHED_ERROR_CODE;
  if (filters && p->desc->cycle_start) /* as the scheduler does before Filter */
    p->desc->cycle_start(p, &e->cs, pod, e->cache);
  for (guint i = 0; i < e->n_nodes; i++) {
    ks_sched_status_reset(&out[i]);
    if (pre.code == KS_SCHED_SKIP)
      continue;
    if (ks_sched_status_rejects(&pre) || pre.code == KS_SCHED_ERROR_CODE) {
      out[i] = pre;
      continue;
    }
    if (p->desc->filter)
      p->desc->filter(p, &e->cs, pod, e->cache, e->slots[i], &out[i]);
  }
  if (filters && p->desc->filter_nodes) { /* the one-call form gives the same statuses */
    KsSchedStatus *by_slot = g_new(KsSchedStatus, e->cache->cap);
    for (guint i = 0; i < e->cache->cap; i++)
      ks_sched_status_reset(&by_slot[i]);
    p->desc->filter_nodes(p, &e->cs, pod, e->cache, e->slots, e->n_nodes, by_slot);
    for (guint i = 0; i < e->n_nodes; i++) {
      const KsSchedStatus *a = &by_slot[e->slots[i]], *b = &out[i];
      if (a->code != b->code || a->n_reasons != b->n_reasons)
        fail_msg("filter_nodes on node %u: code %d with %u reasons, Filter %d with %u", i,
                 (int)a->code, a->n_reasons, (int)b->code, b->n_reasons);
      for (guint r = 0; r < a->n_reasons; r++)
        if (g_strcmp0(a->reasons[r], b->reasons[r]) != 0)
          fail_msg("filter_nodes on node %u: reason \"%s\", Filter \"%s\"", i, a->reasons[r],
                   b->reasons[r]);
    }
    g_free(by_slot);
  }
  return pre.code;
}

/* PreScore over the nodes idx[0..n) (indexes into e->slots; NULL = all nodes
 * in order), Score on each, then NormalizeScore. out[k] is the score of the
 * k-th node. Returns the PreScore code (SKIP leaves out[] zero). */
static inline KsSchedCode ks_test_env_score(KsTestEnv *e, const KsPod *pod, const guint *idx,
                                            guint n, gint64 *out) {
  KsSchedPlugin *p = e->plugin;
  guint slots[G_N_ELEMENTS(e->slots)];
  if (!idx)
    n = e->n_nodes;
  for (guint k = 0; k < n; k++)
    slots[k] = e->slots[idx ? idx[k] : k];
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  memset(out, 0, n * sizeof *out);
  if (p->desc->pre_score)
    p->desc->pre_score(p, &e->cs, pod, e->cache, slots, n, &st);
  if (st.code == KS_SCHED_SKIP)
    return st.code;
  if (!ks_sched_status_ok(&st))
    fail_msg("PreScore failed: %s", st.n_reasons ? st.reasons[0] : "(no reason)");
  for (guint k = 0; k < n; k++) {
    p->desc->score(p, &e->cs, pod, e->cache, slots[k], &out[k], &st);
    if (!ks_sched_status_ok(&st))
      fail_msg("Score failed on node %u: %s", k, st.n_reasons ? st.reasons[0] : "(no reason)");
  }
  if (p->desc->score_nodes) { /* the one-call form the scheduler prefers gives the same */
    gint64 batch[G_N_ELEMENTS(e->slots)];
    memset(batch, 0, sizeof batch);
    p->desc->score_nodes(p, &e->cs, pod, e->cache, slots, n, batch, &st);
    if (!ks_sched_status_ok(&st))
      fail_msg("score_nodes failed: %s", st.n_reasons ? st.reasons[0] : "(no reason)");
    for (guint k = 0; k < n; k++)
      if (batch[k] != out[k])
        fail_msg("score_nodes gives %" G_GINT64_FORMAT " on node %u, Score %" G_GINT64_FORMAT,
                 batch[k], k, out[k]);
  }
  if (p->desc->normalize_score) {
    p->desc->normalize_score(p, &e->cs, pod, out, n, &st);
    if (!ks_sched_status_ok(&st))
      fail_msg("NormalizeScore failed");
  }
  return KS_SCHED_SUCCESS;
}

/* The first reason of a status, or "" */
static inline const char *ks_test_reason(const KsSchedStatus *st) {
  return st->n_reasons ? st->reasons[0] : "";
}
