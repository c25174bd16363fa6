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
  GPtrArray *node_pools;   /* KsNodePool*, in file order */
  GPtrArray *batches;      /* KsScenarioBatch*, sorted by at_us, ties in file order */
  GPtrArray *generators;   /* KsGeneratorSpec*, in file order */
  GPtrArray *warnings;     /* char*: manifest warnings (skipped kinds), "file:line:column: ..." */
} KsScenario;

/* transfer full. On error NULL and nothing partial. */
KsScenario *ks_scenario_load_file(const char *path, GError **error);
/* `display_name` names the data in messages; manifest files are looked up
 * relative to `base_dir` (the working directory when NULL). transfer full */
KsScenario *ks_scenario_load_string(const char *data, gsize len, const char *display_name,
                                    const char *base_dir, GError **error);
void ks_scenario_free(KsScenario *s);

/* Nodes over all pools. */
guint64 ks_scenario_node_count(const KsScenario *s);
