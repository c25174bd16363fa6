/* The scheduling framework: plugins, statuses, cycle state, registry and
 * profiles, shaped like kube-scheduler's (pkg/scheduler/framework, v1.31).
 *
 * A plugin is a descriptor (KsSchedPluginDesc): an upstream name and one
 * function pointer per extension point it implements (NULL = not
 * implemented). A registry maps names to descriptors; a profile
 * (KsSchedFramework) instantiates an ordered list of them with score weights
 * and keeps, per extension point, the indexes of the plugins that take part.
 *
 * Node state is not copied into per-node objects: plugins read the cache's
 * structure-of-arrays directly (sched/cache.h) through a node slot index.
 * A "snapshot" is the cache itself, which is valid because this scheduler
 * runs one cycle at a time and the host never changes cluster state in the
 * middle of a cycle.
 */
#pragma once
#include <glib.h>
#include "sched/objects.h"

#define KS_SCHED_ERROR (ks_sched_error_quark())
GQuark ks_sched_error_quark(void);

typedef enum {
  KS_SCHED_ERROR_UNKNOWN_PLUGIN,  /* a profile names a plugin the registry lacks */
  KS_SCHED_ERROR_DUPLICATE_PLUGIN,
  KS_SCHED_ERROR_TOO_MANY_PLUGINS,
  KS_SCHED_ERROR_INVALID_ARGS,    /* plugin args or scheduler config out of range */
} KsSchedErrorCode;

#define KS_SCHED_MAX_NODE_SCORE 100
#define KS_SCHED_MIN_NODE_SCORE 0
/* Plugins per profile: rejector sets are 64-bit masks over profile indexes. */
#define KS_SCHED_MAX_PLUGINS 64
/* Reasons one status may carry (NodeResourcesFit needs at most 4 + scalars). */
#define KS_SCHED_MAX_REASONS 12

/* ---- status ----------------------------------------------------------- */

/* Upstream framework.Code values, same order. */
typedef enum {
  KS_SCHED_SUCCESS = 0,
  KS_SCHED_ERROR_CODE,                      /* upstream "Error" */
  KS_SCHED_UNSCHEDULABLE,
  KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
  KS_SCHED_WAIT,
  KS_SCHED_SKIP,
  KS_SCHED_PENDING,
} KsSchedCode;

const char *ks_sched_code_to_string(KsSchedCode c);

/* A status never owns its strings: reasons are string literals or
 * g_intern_string() results, so setting a status in the hot loop never
 * allocates. `plugin` is the failing plugin's name. */
typedef struct {
  KsSchedCode code;
  guint n_reasons;
  const char *reasons[KS_SCHED_MAX_REASONS];
  const char *plugin;
  gint plugin_index; /* index in the profile; -1 when none */
} KsSchedStatus;

void ks_sched_status_reset(KsSchedStatus *st);
/* Sets the code and replaces the reasons by `reason` (may be NULL). */
void ks_sched_status_set(KsSchedStatus *st, KsSchedCode code, const char *reason);
/* Appends a reason (dropped, with a final "..." kept, past the limit). */
void ks_sched_status_add_reason(KsSchedStatus *st, const char *reason);
static inline gboolean ks_sched_status_ok(const KsSchedStatus *st) {
  return st->code == KS_SCHED_SUCCESS;
}
static inline gboolean ks_sched_status_rejects(const KsSchedStatus *st) {
  return st->code == KS_SCHED_UNSCHEDULABLE || st->code == KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE;
}
/* Reasons joined by ", " as upstream Status.Message(). transfer full */
char *ks_sched_status_message(const KsSchedStatus *st);

/* ---- cluster events (EventsToRegister) ------------------------------------ */

typedef enum {
  KS_SCHED_EV_POD = 1u << 0,
  KS_SCHED_EV_NODE = 1u << 1,
  KS_SCHED_EV_PVC = 1u << 2,
  KS_SCHED_EV_PV = 1u << 3,
  KS_SCHED_EV_STORAGE_CLASS = 1u << 4,
  KS_SCHED_EV_ANY_RESOURCE = 0xffu,
} KsSchedEventResource;

/* Upstream framework.ActionType bits (a subset). */
typedef enum {
  KS_SCHED_ACT_ADD = 1u << 0,
  KS_SCHED_ACT_DELETE = 1u << 1,
  KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE = 1u << 2,
  KS_SCHED_ACT_UPDATE_NODE_LABEL = 1u << 3,
  KS_SCHED_ACT_UPDATE_NODE_TAINT = 1u << 4, /* also spec.unschedulable changes, as upstream */
  KS_SCHED_ACT_UPDATE_NODE_CONDITION = 1u << 5,
  KS_SCHED_ACT_UPDATE_POD = 1u << 6,
  KS_SCHED_ACT_UPDATE = 0x7cu, /* every update bit */
  KS_SCHED_ACT_ALL = 0xffu,
} KsSchedActionType;

typedef struct {
  guint32 resource; /* KsSchedEventResource bits */
  guint32 actions;  /* KsSchedActionType bits */
  const char *label; /* upstream event label, e.g. "AssignedPodDelete" */
} KsSchedClusterEvent;

/* Events the queue itself raises. */
extern const KsSchedClusterEvent KS_SCHED_EVENT_NODE_ADD;
extern const KsSchedClusterEvent KS_SCHED_EVENT_ASSIGNED_POD_DELETE;
extern const KsSchedClusterEvent KS_SCHED_EVENT_UNSCHEDULABLE_TIMEOUT;

/* ---- queued pod (QueuedPodInfo) ------------------------------------------- */

typedef struct {
  KsPod *pod;              /* a reference */
  gint64 timestamp;        /* (re)added to the queue; refreshed after each failure */
  gint64 initial_attempt;  /* first pop, -1 before */
  gint32 attempts;
  guint64 seq;             /* insertion sequence: the final, deterministic tie-break */
  guint64 rejectors;       /* bit i: profile plugin i rejected the pod last time */
  gboolean gated;          /* a PreEnqueue plugin refused it */
  gint64 popped_cycle;     /* scheduling cycle in which it was last popped */
  guint where;             /* which queue structure holds it (queue.c) */
  guint pos;               /* its index there */
} KsSchedQueuedPod;

/* ---- forward declarations -------------------------------------------------- */

typedef struct KsSchedCache KsSchedCache;
typedef struct KsSchedPlugin KsSchedPlugin;
typedef struct KsSchedPluginDesc KsSchedPluginDesc;

/* Per-pod data computed at PreFilter/PreScore and read at Filter/Score:
 * one slot per profile plugin. The plugin allocates its slot on first use
 * and reuses it in later cycles (no per-cycle allocation); the framework
 * frees it with the descriptor's cycle_data_free. */
typedef struct {
  gpointer data[KS_SCHED_MAX_PLUGINS];
  guint64 skip_filter; /* bit i: plugin i returned Skip at PreFilter */
  guint64 skip_score;  /* bit i: plugin i returned Skip at PreScore */
} KsSchedCycleState;

/* Filter outcome per node, kept for the FitError message and for PostFilter. */
typedef struct {
  const KsSchedStatus *node_status; /* indexed by cache slot; valid for failed_slots */
  const guint *failed_slots;        /* nodes that failed Filter this cycle */
  guint n_failed;
  KsSchedStatus pre_filter;         /* a PreFilter rejection (code SUCCESS if none) */
  guint64 unschedulable_plugins;    /* bit i: plugin i rejected some node */
} KsSchedDiagnosis;

/* ---- the plugin interface ----------------------------------------------- */

struct KsSchedPluginDesc {
  const char *name; /* upstream name, e.g. "NodeResourcesFit" */
  /* args: the plugin's own args struct (NULL = upstream defaults). */
  gpointer (*create)(gconstpointer args, GError **error); /* transfer full; may be NULL */
  void (*destroy)(gpointer self);
  void (*cycle_data_free)(gpointer data);
  const KsSchedClusterEvent *events; /* EventsToRegister */
  guint n_events;

  /* QueueSort: TRUE when a sorts before b. */
  gboolean (*less)(KsSchedPlugin *p, const KsSchedQueuedPod *a, const KsSchedQueuedPod *b);
  /* PreEnqueue: a non-success keeps the pod gated. */
  void (*pre_enqueue)(KsSchedPlugin *p, const KsPod *pod, KsSchedStatus *st);
  /* PreFilter. *node_names may be set to a borrowed set (GHashTable of names,
   * keys only) that restricts the candidate nodes (PreFilterResult). */
  void (*pre_filter)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                     const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st);
  void (*filter)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod, const KsSchedCache *c,
                 guint slot, KsSchedStatus *st);
  /* Optional: Filter of n nodes in one call. statuses is indexed by slot;
   * for each slots[i] it sets statuses[slots[i]] as `filter` would and
   * writes nothing for a node that passes. Must only read (the scheduler
   * may filter a few nodes past where the search stops, and drops them). */
  void (*filter_nodes)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                       const KsSchedCache *c, const guint *slots, guint n,
                       KsSchedStatus *statuses);
  /* PostFilter (preemption). *nominated set to a cache slot on success. */
  void (*post_filter)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, const KsSchedDiagnosis *d, gint *nominated,
                      KsSchedStatus *st);
  void (*pre_score)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                    const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st);
  void (*score)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod, const KsSchedCache *c,
                guint slot, gint64 *score, KsSchedStatus *st);
  /* Optional: Score of n nodes in one call (scores[i] for slots[i], each
   * what `score` gives for that node), which the scheduler then prefers:
   * a loop without a call per node. A failure sets st and stops. */
  void (*score_nodes)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, const guint *slots, guint n, gint64 *scores,
                      KsSchedStatus *st);
  /* ScoreExtensions.NormalizeScore over the scores of `n` feasible nodes. */
  void (*normalize_score)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          gint64 *scores, guint n, KsSchedStatus *st);
  void (*reserve)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod, const char *node,
                  KsSchedStatus *st);
  void (*unreserve)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod, const char *node);
  /* Permit: KS_SCHED_WAIT is not modelled yet and is treated as an error. */
  void (*permit)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod, const char *node,
                 KsSchedStatus *st);
  void (*pre_bind)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod, const char *node,
                   KsSchedStatus *st);
  /* Bind: KS_SCHED_SKIP passes to the next binder. */
  void (*bind)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod, const char *node,
               KsSchedStatus *st);
  void (*post_bind)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod, const char *node);
  /* Not an upstream extension point: called once per scheduling cycle on
   * the scheduler's thread after PreFilter succeeded and before any Filter,
   * so a plugin can fill a per-cycle memo that Filter (which may run on
   * several threads) only reads. Filter must stay right without it (other
   * callers, cache changes within the cycle): check the memo is this pod's
   * and this cache generation's. NULL = none. */
  void (*cycle_start)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c);
  /* Node-event pre-check (gate-OFF preCheckForNode): could the pod pass
   * this plugin's admission on node `slot`? NULL = no opinion. */
  gboolean (*admit)(KsSchedPlugin *p, const KsPod *pod, const KsSchedCache *c, guint slot);
  /* PreFilterExtensions (upstream AddPod / RemovePod): update this plugin's
   * PreFilter state in cs as if `other` were added to / removed from node
   * `slot`, for preemption's dry runs and nominated-pod filtering. NULL =
   * the plugin's PreFilter state does not depend on other pods. */
  void (*add_pod)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod, const KsPod *other,
                  const KsSchedCache *c, guint slot, KsSchedStatus *st);
  void (*remove_pod)(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                     const KsPod *other, const KsSchedCache *c, guint slot, KsSchedStatus *st);
};

/* A plugin instance inside a profile. */
struct KsSchedPlugin {
  const KsSchedPluginDesc *desc;
  gpointer self;  /* what desc->create returned */
  gint32 weight;  /* score weight (>= 1 for score plugins) */
  guint index;    /* position in the profile: cycle-state slot and rejector bit */
};

/* ---- registry ------------------------------------------------------------- */

typedef struct KsSchedRegistry KsSchedRegistry;

/* A registry pre-filled with every built-in plugin. transfer full */
KsSchedRegistry *ks_sched_registry_new(void);
void ks_sched_registry_free(KsSchedRegistry *r);
/* Adds an out-of-tree plugin (desc must outlive the registry). */
gboolean ks_sched_registry_add(KsSchedRegistry *r, const KsSchedPluginDesc *desc, GError **error);
const KsSchedPluginDesc *ks_sched_registry_lookup(const KsSchedRegistry *r, const char *name);

/* ---- profile ---------------------------------------------------------------- */

typedef struct {
  const char *name;
  gint32 weight;       /* 0 = default (1 for score plugins) */
  gconstpointer args;  /* plugin args struct; NULL = defaults */
} KsSchedPluginConfig;

typedef enum {
  KS_SCHED_EP_QUEUE_SORT,
  KS_SCHED_EP_PRE_ENQUEUE,
  KS_SCHED_EP_PRE_FILTER,
  KS_SCHED_EP_FILTER,
  KS_SCHED_EP_POST_FILTER,
  KS_SCHED_EP_PRE_SCORE,
  KS_SCHED_EP_SCORE,
  KS_SCHED_EP_RESERVE,
  KS_SCHED_EP_PERMIT,
  KS_SCHED_EP_PRE_BIND,
  KS_SCHED_EP_BIND,
  KS_SCHED_EP_POST_BIND,
  KS_SCHED_EP_COUNT,
} KsSchedExtensionPoint;

/* How the host is chosen among the nodes with the highest total. */
typedef enum {
  /* v1.27+: uniformly at random (seeded reservoir sampling, docs/scheduler.md) */
  KS_SCHED_SELECT_HOST_RANDOM = 0,
  /* v1.7 (legacy profile): the max-score nodes sorted by name descending,
   * the (lastNodeIndex++ mod count)-th chosen: round robin, no randomness */
  KS_SCHED_SELECT_HOST_ROUND_ROBIN,
  /* ksim: the first max-score node in the order nodes were examined (no
   * randomness; with percentageOfNodesToScore 100 that is the node order) */
  KS_SCHED_SELECT_HOST_FIRST,
  /* ksim: the max-score node whose seeded random rank (a draw from the
   * stream named after the node) is lowest: "first in a per-seed random
   * node order", the tie-break that reproduces the FGD paper (docs/fgd.md) */
  KS_SCHED_SELECT_HOST_NODE_RANK,
} KsSchedSelectHost;

typedef struct {
  char *name; /* schedulerName served */
  KsSchedPlugin plugins[KS_SCHED_MAX_PLUGINS];
  guint n_plugins;
  guint8 ep[KS_SCHED_EP_COUNT][KS_SCHED_MAX_PLUGINS]; /* plugin indexes per point, in order */
  guint n_ep[KS_SCHED_EP_COUNT];
  gint32 percentage_of_nodes_to_score; /* -1 = use the scheduler's global value */
  KsSchedSelectHost select_host;
} KsSchedFramework;

/* Does the plugin implement extension point e? */
gboolean ks_sched_plugin_implements(const KsSchedPluginDesc *d, KsSchedExtensionPoint e);

/* A profile whose extension points list their plugins explicitly, as a
 * KubeSchedulerConfiguration's per-point enabled lists do after merging:
 * points[e][0..n_points[e]) are indexes into plugins[], in run order. A
 * plugin listed at a point must implement it. transfer full */
KsSchedFramework *ks_sched_framework_new_points(const KsSchedRegistry *r, const char *profile_name,
                                                const KsSchedPluginConfig *plugins, guint n,
                                                const guint8 *const points[KS_SCHED_EP_COUNT],
                                                const guint n_points[KS_SCHED_EP_COUNT],
                                                GError **error);

/* A profile with the given plugins, in order (MultiPoint semantics: each
 * plugin joins every extension point it implements). transfer full */
KsSchedFramework *ks_sched_framework_new(const KsSchedRegistry *r, const char *profile_name,
                                         const KsSchedPluginConfig *plugins, guint n,
                                         GError **error);
/* The v1.31 default profile, restricted to the plugins this build has
 * (kube-semantics 1.5). transfer full */
KsSchedFramework *ks_sched_framework_new_default(const KsSchedRegistry *r, GError **error);
void ks_sched_framework_free(KsSchedFramework *fw);
/* The plugin called `name`, or NULL. */
KsSchedPlugin *ks_sched_framework_plugin(KsSchedFramework *fw, const char *name);
/* Upstream names of the default profile, in order, NULL-terminated; with
 * their default weights (0 for non-score plugins). */
const char *const *ks_sched_default_profile_names(const gint32 **weights);

void ks_sched_cycle_state_init(KsSchedCycleState *cs);
/* Frees every plugin's slot data. */
void ks_sched_cycle_state_clear(KsSchedCycleState *cs, const KsSchedFramework *fw);

/* Event matching (gate OFF): TRUE if some plugin in `rejectors` registered an
 * event matching `ev`, or if `rejectors` is empty. */
gboolean ks_sched_framework_event_moves(const KsSchedFramework *fw, guint64 rejectors,
                                        const KsSchedClusterEvent *ev);

/* DefaultNormalizeScore (kube-semantics 3.16), for plugins to share. */
void ks_sched_default_normalize_score(gint64 max_priority, gboolean reverse, gint64 *scores,
                                      guint n);
