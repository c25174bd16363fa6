/* The Sweep file: one YAML document, kind Sweep, apiVersion
 * ksim.io/v1alpha1, that lists a matrix of runs (scenarios or traces x
 * profiles x parameter values x seeds) for `ksim sweep` (docs/sweeps.md).
 *
 * Decoded strictly, like the Scenario: an unknown field is an error naming
 * it. Errors are KS_YAML_ERROR / KS_YAML_ERROR_FIELD and read
 *   sweep.yaml:12:7: spec.seeds.to: must not be less than spec.seeds.from (3)
 * This file only decodes; the files the sweep names (scenarios, traces,
 * KubeSchedulerConfigurations) are opened when the sweep is planned
 * (sim/sweep_plan.c), with errors pointing back here through the
 * line/column each entry keeps.
 *
 * It also holds the one piece of a sweep that changes a scenario: setting a
 * field by its dotted path (`spec.nodePools[0].count=8`) in a scenario's
 * YAML tree before it is decoded, which `ksim run --set` uses.
 */
#pragma once
#include <glib.h>

#include "workloads/scenario.h"
#include "workloads/yaml_doc.h"

#define KS_SWEEP_API_VERSION "ksim.io/v1alpha1"
#define KS_SWEEP_KIND "Sweep"

/* Named limits (docs/sweeps.md lists them). */
#define KS_SWEEP_MAX_RUNS 100000        /* runs in the expanded matrix */
#define KS_SWEEP_MAX_VALUES 10000       /* entries of one list (scenarios, a parameter, seeds) */
#define KS_SWEEP_MAX_PARAMETERS 32      /* entries of spec.parameters */
#define KS_SWEEP_MAX_VALUE_LENGTH 1024  /* bytes of one value or path */
#define KS_SWEEP_MAX_NAME_LENGTH 253

typedef enum {
  KS_SWEEP_PARAM_FIELD,  /* a scenario field by dotted path: ksim run --set PATH=VALUE */
  KS_SWEEP_PARAM_OPTION, /* a ksim run option: --tie-break, --replay, ... */
} KsSweepParamKind;

typedef struct {
  char *text;       /* the value as written */
  gboolean quoted;  /* written in quotes: a string even if it looks like a number */
  guint line, column;
} KsSweepValue;

typedef struct {
  KsSweepParamKind kind;
  char *name;        /* the key as written: "spec.nodePools[0].count" or "--tie-break" */
  GPtrArray *values; /* KsSweepValue*, in file order, at least one */
  guint line, column;
} KsSweepParam;

/* A scenario, trace or profile entry: the text as written and, for files,
 * the path resolved against the sweep file's directory. */
typedef struct {
  char *text;
  char *path;        /* NULL for a built-in profile name */
  guint line, column;
} KsSweepEntry;

typedef struct {
  char *name;          /* metadata.name */
  char *file;          /* display name used in messages */
  char *base_dir;      /* relative paths in the file are relative to this */
  GPtrArray *scenarios; /* KsSweepEntry*, at least one */
  GPtrArray *traces;    /* KsSweepEntry*; empty: no trace dimension */
  char *trace_format;   /* spec.traceFormat; NULL: the native format */
  GPtrArray *profiles;  /* KsSweepEntry*; default: the one built-in "default" */
  GPtrArray *params;    /* KsSweepParam*, in file order */
  GArray *seeds;        /* gint64 (>= 0), in the order given */
  char *output;         /* spec.output; default "results/sweeps/<name>" */
  guint seeds_line, seeds_column;
} KsSweepSpec;

/* transfer full. On error NULL and nothing partial. */
KsSweepSpec *ks_sweep_spec_load_file(const char *path, GError **error);
/* base_dir: relative paths are resolved against it (NULL: "."). transfer full */
KsSweepSpec *ks_sweep_spec_load_string(const char *data, gsize len, const char *display_name,
                                       const char *base_dir, GError **error);
void ks_sweep_spec_free(KsSweepSpec *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KsSweepSpec, ks_sweep_spec_free)

/* Runs in the expanded matrix (saturates at G_MAXUINT64). */
guint64 ks_sweep_spec_run_count(const KsSweepSpec *s);

/* The `ksim run` options a parameter may vary, each taking one value. */
extern const char *const ks_sweep_run_options[];

/* ---- setting scenario fields by path ------------------------------------ */

/* Sets the field at `path` ("spec.nodePools[0].count", "metadata.name") of
 * the single document of `stream` to `value`, a YAML text ("8", "'8'",
 * "[1, 2]", "{cpu: 2}"). Missing mapping keys along the path are created;
 * a sequence index must exist. The new node takes the position of the node
 * it replaces (or of the mapping it is added to), so a decoder's error
 * about it points at the field. The value's own tree is kept alive by
 * `stream` from then on. Errors are the bare reason ("spec.nodePools[3]:
 * index out of range (the sequence has 1 item)"). */
gboolean ks_yaml_set_path(KsYamlStream *stream, const char *path, const char *value,
                          GError **error);

/* Loads the Scenario at `path` with each "PATH=VALUE" of `sets` applied in
 * order (NULL or empty: ks_scenario_load_file). Errors in a set read
 * "--set PATH=VALUE: reason". transfer full */
KsScenario *ks_scenario_load_file_with_sets(const char *path, const char *const *sets,
                                            GError **error);
