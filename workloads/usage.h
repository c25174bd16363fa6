/* Resource usage profiles: how much cpu, memory and ephemeral storage a pod
 * uses over time, read from pod annotations (docs/node-agent.md has the
 * grammar with examples; the node agent evaluates them).
 *
 *   ksim.io/usage-cpu                 usage of the pod's containers, summed
 *   ksim.io/usage-memory
 *   ksim.io/usage-ephemeral-storage
 *   ksim.io/usage-<resource>.<container>   one container's own usage
 *   ksim.io/system-usage-cpu          on a Node: what the system daemons use
 *   ksim.io/system-usage-memory       (constant quantities only)
 *
 * A profile is a constant, a distribution (redrawn at every container start
 * and optionally every period), a step, ramp or series over time since the
 * containers started. Each value is a quantity (cpu in millicores, the rest
 * in bytes) or a percentage of the pod's request or limit. Everything is an
 * integer once resolved; distributions draw from the caller's RNG stream.
 */
#pragma once
#include <glib.h>

#include "sched/node.h"
#include "sched/pod.h"
#include "sched/rng.h"

#define KS_ANNOTATION_USAGE_CPU "ksim.io/usage-cpu"
#define KS_ANNOTATION_USAGE_MEMORY "ksim.io/usage-memory"
#define KS_ANNOTATION_USAGE_EPHEMERAL_STORAGE "ksim.io/usage-ephemeral-storage"
#define KS_ANNOTATION_SYSTEM_USAGE_CPU "ksim.io/system-usage-cpu"
#define KS_ANNOTATION_SYSTEM_USAGE_MEMORY "ksim.io/system-usage-memory"

/* Named limits. */
#define KS_USAGE_MAX_TEXT 4096      /* characters of one profile */
#define KS_USAGE_MAX_POINTS 1000    /* points of a step, ramp or series */
#define KS_USAGE_MAX_PERCENT 100000 /* 1000 times the request or limit */
/* A ramp's value is re-evaluated every tick from the start of its segment. */
#define KS_USAGE_RAMP_TICK_US ((gint64)G_USEC_PER_SEC)
/* "never changes again" for *next_us */
#define KS_USAGE_NEVER G_MAXINT64

#define KS_USAGE_ERROR (ks_usage_error_quark())
GQuark ks_usage_error_quark(void);
typedef enum { KS_USAGE_ERROR_SYNTAX, KS_USAGE_ERROR_RANGE } KsUsageError;

typedef enum {
  KS_USAGE_CPU = 0,           /* millicores */
  KS_USAGE_MEMORY,            /* bytes */
  KS_USAGE_EPHEMERAL_STORAGE, /* bytes */
} KsUsageResource;
#define KS_USAGE_RESOURCE_COUNT 3
const char *ks_usage_resource_name(KsUsageResource r); /* "cpu", "memory", "ephemeral-storage" */

typedef enum {
  KS_USAGE_ABSOLUTE = 0, /* v in millicores or bytes */
  KS_USAGE_OF_REQUEST,   /* v in basis points (10000 = 100 %) of the request */
  KS_USAGE_OF_LIMIT,     /* ... of the limit (the node's allocatable when there is none) */
} KsUsageBase;

typedef struct {
  KsUsageBase base;
  gint64 v;
} KsUsageValue;

typedef struct {
  gint64 at_us; /* since the containers started */
  KsUsageValue value;
} KsUsagePoint;

typedef enum {
  KS_USAGE_CONSTANT = 0, /* a */
  KS_USAGE_UNIFORM,      /* uniform in [a, b] */
  KS_USAGE_NORMAL,       /* mean a, standard deviation b, clamped at 0 */
  KS_USAGE_EXPONENTIAL,  /* mean a */
  KS_USAGE_STEP,         /* points: each value holds from its time on (series too) */
  KS_USAGE_RAMP,         /* points: linear between them, held after the last */
} KsUsageKind;

typedef struct {
  KsUsageKind kind;
  KsUsageValue a, b;
  gint64 every_us;      /* distributions: redraw period; 0 = once per container start */
  guint n_points;
  KsUsagePoint *points; /* owned; first at 0, times strictly increasing */
} KsUsageProfile;

/* Parses one profile for resource r. Errors (KS_USAGE_ERROR) quote the text
 * and give the 1-based column: "\"uniform(1, x)\": column 12: \"x\" is not
 * a quantity". transfer full */
KsUsageProfile *ks_usage_profile_parse(const char *text, KsUsageResource r, GError **error);
void ks_usage_profile_free(KsUsageProfile *p);
/* TRUE when the profile is one absolute constant (*out set). */
gboolean ks_usage_profile_is_constant(const KsUsageProfile *p, gint64 *out);

/* A value in units for a pod with that request and limit (limit: the
 * effective one, > 0); rounds toward zero. */
gint64 ks_usage_value_resolve(const KsUsageValue *v, gint64 request, gint64 limit);

/* The usage at t_us (>= 0, since the containers started) and, in *next_us,
 * the next time it may change (KS_USAGE_NEVER when it never does). A
 * distribution draws one sample from rng per call: call it at 0 and then at
 * each *next_us, as the node agent does, and the sequence is reproducible. */
gint64 ks_usage_profile_eval(const KsUsageProfile *p, gint64 t_us, gint64 request, gint64 limit,
                             KsRng *rng, gint64 *next_us);

/* Upstream's limit on the name part of an annotation key (after the "/"). */
#define KS_USAGE_MAX_KEY_NAME 63

/* A container's own profiles: ksim.io/usage-<resource>.<container>. */
typedef struct {
  char *name; /* the container's name; owned */
  KsUsageProfile *profile[KS_USAGE_RESOURCE_COUNT]; /* NULL where it has none */
} KsContainerUsage;

/* The ksim.io/usage-* annotations of a pod. profile[r] is the pod-level
 * ksim.io/usage-<r> (NULL when absent): the usage of the containers that
 * have no ksim.io/usage-<r>.<container> of their own, together (regular
 * containers and sidecars; a plain init container uses only its own).
 * containers holds one entry per container with any annotation of its own,
 * in the model's container order (regular containers, then init containers,
 * sidecars among them, each in manifest order); NULL when none has. */
typedef struct {
  KsUsageProfile *profile[KS_USAGE_RESOURCE_COUNT];
  GPtrArray *containers; /* of KsContainerUsage*; owned */
} KsPodUsage;

/* TRUE when the pod has any ksim.io/usage-* annotation (a cheap test). */
gboolean ks_pod_has_usage(const KsPod *pod);
/* Reads them; on error (KS_USAGE_ERROR) out is cleared and the message names
 * the pod, the annotation and the container:
 *   pod default/web: annotation ksim.io/usage-cpu: "..": column 3: ...
 *   pod default/web: annotation ksim.io/usage-memory.log: container "log": "..": column 3: ...
 *   pod default/web: annotation ksim.io/usage-memory.lgo: no container "lgo" in the pod (...)
 * A container annotation must name a container of the pod (regular or
 * init); a pod-level annotation that every regular container and sidecar
 * overrides is an error (it would apply to nothing). */
gboolean ks_pod_read_usage(const KsPod *pod, KsPodUsage *out, GError **error);
void ks_pod_usage_clear(KsPodUsage *u);
/* The container's own profile for r (ksim.io/usage-<r>.<container>), NULL
 * when it has none. transfer none */
const KsUsageProfile *ks_pod_usage_container(const KsPodUsage *u, const char *container,
                                             KsUsageResource r);

/* A node's ksim.io/system-usage-cpu and -memory: constant quantities (0 when
 * absent); on error (KS_USAGE_ERROR) the message names the node and the
 * annotation. */
gboolean ks_node_read_system_usage(const KsNode *node, gint64 *milli_cpu, gint64 *memory,
                                   GError **error);
