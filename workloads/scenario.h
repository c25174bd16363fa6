/* The Scenario file: one YAML document, kind Scenario, apiVersion
 * ksim.io/v1alpha1, that says what cluster to simulate (node pools), what
 * arrives when (manifests at given times, and generators), and how to run
 * (seed, duration, sampling interval, output file). Format: docs/formats.md.
 *
 * The Scenario's own fields are decoded strictly (an unknown or misspelt
 * field is an error, since a silently ignored `sampleIntervall` would spoil a
 * run); the Kubernetes objects inside it (node and pod templates, inline
 * objects, manifest files) are decoded as the API server does, ignoring
 * unknown fields.
 *
 * Errors are GErrors whose message names file:line:column and the field path:
 *   small.yaml:9:12: spec.nodePools[0].count: must be a positive integer
 * Field errors are KS_YAML_ERROR / KS_YAML_ERROR_FIELD (the same helper as the
 * manifest decoders use); reading errors keep their KS_YAML_ERROR code.
 */
#pragma once
#include <glib.h>
#include "sched/objects.h"
#include "workloads/manifest.h"
#include "workloads/generator.h"
#include "workloads/image_catalog.h"
#include "workloads/scenario_timeline.h"

#define KS_SCENARIO_API_VERSION "ksim.io/v1alpha1"
#define KS_SCENARIO_KIND "Scenario"

/* Named limits (docs/formats.md lists them). */
#define KS_SCENARIO_MAX_NODE_POOLS 1000
#define KS_SCENARIO_MAX_POOL_NODES 100000   /* count of one pool */
#define KS_SCENARIO_MAX_NODES 1000000       /* nodes over all pools */
#define KS_SCENARIO_MAX_WORKLOADS 100000    /* entries of spec.workloads */
#define KS_SCENARIO_MAX_GENERATORS 1000
#define KS_SCENARIO_MAX_MANIFEST_FILES 10000 /* manifest file references, in all */
#define KS_SCENARIO_MAX_DURATION_US ((gint64)366 * 24 * 3600 * 1000000) /* one (leap) year */
#define KS_SCENARIO_MIN_SAMPLE_INTERVAL_US ((gint64)1000) /* 1ms */
#define KS_SCENARIO_MAX_SAMPLES ((gint64)10000000) /* duration / sampleInterval */
#define KS_SCENARIO_MAX_NAME_LENGTH 253

#define KS_SCENARIO_DEFAULT_SEED 1
#define KS_SCENARIO_DEFAULT_SAMPLE_INTERVAL_US ((gint64)10000000) /* 10s */

typedef struct {
  char *name;        /* pool name (DNS-1123 label), unique in the scenario */
  char *prefix;      /* node name prefix: template metadata.name, else the pool name */
  guint count;       /* 1..KS_SCENARIO_MAX_POOL_NODES */
  KsNode *template;  /* owned reference; labels already include ksim.io/node-pool */
  guint line, column;
  char *kubelet_config; /* kubeletConfig: the pool's KubeletConfiguration file, overriding
                           spec.kubeletConfig for its nodes (resolved like it); NULL: none */
  guint kubelet_config_line, kubelet_config_column;
} KsNodePool;

/* Node i of the pool: a copy of the template named "<prefix>-<i>" and labelled
 * kubernetes.io/hostname=<that name>. transfer full */
KsNode *ks_node_pool_instantiate(const KsNodePool *pool, guint i);

/* Objects applied at one time: manifest files first (in the listed order),
 * then inline objects. */
typedef struct {
  gint64 at_us;
  KsManifestSet *set; /* owned */
  guint line, column;
} KsScenarioBatch;

/* spec.trace: a trace replayed into the run (docs/replay.md). The trace
 * itself is opened by the simulator (sim/trace_feed.c); this is only what
 * the Scenario says about it, decoded strictly like the rest of the spec.
 * Fractions and factors are kept as exact integers scaled by 1e6 (ppm), so
 * a replay never depends on floating point. */
typedef enum {
  KS_REPLAY_MODE_TIME = 0, /* pods leave as the trace says (deletes, finishes, run times) */
  KS_REPLAY_MODE_FILL,     /* pods never leave; a pod that fails its first attempt is dropped */
} KsReplayMode;

#define KS_REPLAY_PPM ((gint64)1000000)
#define KS_REPLAY_MAX_PARAMS 64
#define KS_REPLAY_MAX_SPEED_PPM ((gint64)1000000 * 1000000) /* speed at most 1e6 */
#define KS_REPLAY_MAX_GPU_SHARE_PPM ((gint64)100 * 1000000)  /* gpuShare at most 100 */
#define KS_REPLAY_DEFAULT_ARRIVAL_INTERVAL_US ((gint64)1000000)

typedef struct {
  char *path;                 /* resolved against the scenario's directory */
  char *format;               /* NULL: the native "ksim" format */
  GPtrArray *params;          /* char*, "key=value", NULL-terminated (importer parameters) */
  gboolean skip_bad_rows;     /* skipBadRows */
  gint64 start_us;            /* window.start, trace time; default 0 */
  gint64 end_us;              /* window.end, trace time, exclusive; G_MAXINT64 = none */
  gint64 speed_ppm;           /* speed x 1e6 (1000000 = real time): sim = (trace - start) / speed */
  KsReplayMode mode;          /* mode: replay (default) or fill */
  gboolean no_trace_nodes;    /* nodes: none (the cluster is the scenario's node pools) */
  KsLabelSelector *node_selector; /* nodeSubset.selector; NULL = every node */
  guint64 node_count;         /* nodeSubset.count; 0 = no count */
  gint64 node_fraction_ppm;   /* nodeSubset.fraction x 1e6; 0 = no fraction */
  gboolean shuffle;           /* shuffle the pods with the seed (fill mode) */
  gint64 gpu_share_ppm;       /* gpuShare x 1e6: resample pods until their GPUs are this share
                                 of the cluster's GPU capacity; 0 = off (fill mode) */
  gint64 arrival_interval_us; /* between pods of a reordered (shuffled/resampled) workload */
  guint line, column;         /* of spec.trace, for messages */
} KsScenarioTrace;

/* A trace block with the defaults (path NULL). transfer full */
KsScenarioTrace *ks_scenario_trace_new(void);
KsScenarioTrace *ks_scenario_trace_copy(const KsScenarioTrace *t); /* transfer full; NULL->NULL */
void ks_scenario_trace_free(KsScenarioTrace *t);
/* Sets one field from its text, with the YAML field names: mode, speed,
 * start, end (window), nodes, nodeSelector ("k=v,k2!=v,k3,!k4"), nodeCount,
 * nodeFraction, shuffle, gpuShare, arrivalInterval, skipBadRows, format,
 * path. `ksim run --replay key=value` uses it; errors are the bare reason. */
gboolean ks_scenario_trace_set(KsScenarioTrace *t, const char *key, const char *value,
                               GError **error);
/* Cross-field checks (fill-only options, window order); bare reason. */
gboolean ks_scenario_trace_check(const KsScenarioTrace *t, GError **error);
/* "0.25" -> 250000: a non-negative decimal with at most 6 decimals. */
gboolean ks_replay_parse_ppm(const char *s, gint64 *out, GError **error);

/* spec.faults: random node failures (sim/node_faults.h, docs/node-agent.md
 * "Node faults"). Every node of the pool (or matching the selector) fails
 * after an up time drawn from mtbf and comes back after a down time drawn
 * from mttr, again and again, from its own RNG stream. */
#define KS_SCENARIO_MAX_FAULTS 1000

typedef struct {
  char *pool;                  /* pool: the nodes of this node pool; NULL when a selector */
  KsLabelSelector *selector;   /* nodeSelector: nodes whose labels match; NULL when a pool */
  KsRunTimeSpec mtbf;          /* time up before each failure (never KS_RUN_TIME_TEMPLATE) */
  KsRunTimeSpec mttr;          /* time down before each repair */
  guint index;                 /* position in spec.faults: names the RNG streams */
  guint line, column;
} KsScenarioFault;

typedef struct {
  char *name;              /* metadata.name */
  char *file;              /* the display name errors used */
  char *base_dir;          /* manifest paths are relative to this */
  guint64 seed;            /* default 1 */
  gint64 duration_us;      /* required, > 0 */
  gint64 sample_interval_us; /* default 10s */
  char *output;            /* default "results/<name>.h5", relative to the working directory */
  char *scheduler_config;  /* spec.schedulerConfig: a KubeSchedulerConfiguration file, resolved
                              against base_dir; NULL = the v1.31 default profile */
  char *kubelet_config;    /* spec.kubeletConfig: a KubeletConfiguration file for every node,
                              resolved against base_dir; NULL = the v1.31 kubelet defaults */
  GPtrArray *node_pools;   /* KsNodePool*, in file order */
  GPtrArray *batches;      /* KsScenarioBatch*, sorted by at_us, ties in file order */
  GPtrArray *generators;   /* KsGeneratorSpec*, in file order */
  KsScenarioTrace *trace;  /* spec.trace; NULL when absent */
  gint64 controller_reconcile_latency_us; /* spec.controllers.reconcileLatency, default 0
                                             (docs/controllers.md) */
  GPtrArray *timeline;     /* spec.timeline: KsTimelineAction*, sorted by at, ties in file
                              order (workloads/scenario_timeline.h) */
  GPtrArray *faults;       /* KsScenarioFault*, in file order (spec.faults; empty when absent) */
  KsImageCatalog *images;  /* spec.images + spec.imagePulls; NULL when neither (no image model,
                              workloads/image_catalog.h) */
  GPtrArray *warnings;     /* char*: manifest warnings (skipped kinds), "file:line:column: ..." */
} KsScenario;

/* transfer full. On error NULL and nothing partial. */
KsScenario *ks_scenario_load_file(const char *path, GError **error);
/* `display_name` names the data in messages; manifest files are looked up
 * relative to `base_dir` (the working directory when NULL). transfer full */
KsScenario *ks_scenario_load_string(const char *data, gsize len, const char *display_name,
                                    const char *base_dir, GError **error);
/* An already parsed stream (display name: stream->file), e.g. one whose
 * fields `ksim run --set` changed (workloads/sweep_spec.h). transfer full */
KsScenario *ks_scenario_load_stream(const KsYamlStream *stream, const char *base_dir,
                                    GError **error);
void ks_scenario_free(KsScenario *s);

/* Nodes over all pools. */
guint64 ks_scenario_node_count(const KsScenario *s);
