/* KubeSchedulerConfiguration files (kubescheduler.config.k8s.io/v1, as
 * kube-scheduler v1.31 reads them with `--config`).
 *
 * A file is decoded strictly, as upstream does (its codec factory is built
 * with serializer.EnableStrict): an unknown or duplicated field is an error
 * that names file:line:column and the field path. v1beta2/v1beta3 are gone
 * from v1.31 and are refused with a message naming the supported version.
 *
 * Loading applies upstream's defaulting (v1/defaults.go: parallelism 16,
 * backoffs 1 s / 10 s, one "default-scheduler" profile when none is given,
 * each profile's plugins merged with the v1.31 default MultiPoint set by
 * mergePluginSet) and validation (validation.go, validation_pluginargs.go)
 * with upstream's messages, e.g.
 *   sched.yaml:3:14: parallelism: Invalid value: 0: should be an integer value greater than zero
 *
 * The result keeps, per profile, the merged plugin sets exactly as upstream
 * holds them (so the MultiPoint expansion can be replayed against a
 * registry), and a resolved list: every plugin the profile needs, once, with
 * its score weight, its args, and masks of the extension points at which it
 * was enabled explicitly or at which MultiPoint expansion must skip it.
 * ks_scheduler_config_build_profile() turns a profile into a
 * KsSchedFramework whose per-point plugin lists follow upstream's
 * expandMultiPointPlugins order.
 */
#pragma once
#include <glib.h>
#include "sched/framework.h"
#include "sched/scheduler.h"
#include "workloads/yaml_doc.h"

#define KS_SCHED_CONFIG_API_VERSION "kubescheduler.config.k8s.io/v1"
#define KS_SCHED_CONFIG_KIND "KubeSchedulerConfiguration"

/* Plugin sets of a profile: one per extension point (indexed by
 * KsSchedExtensionPoint) and MultiPoint last. */
#define KS_SCHED_CONFIG_MULTI_POINT KS_SCHED_EP_COUNT
#define KS_SCHED_CONFIG_N_SETS (KS_SCHED_EP_COUNT + 1)

/* The YAML field name of set i ("queueSort", ..., "multiPoint"). */
const char *ks_sched_config_set_name(guint set);

/* One entry of `enabled` or `disabled` (upstream v1.Plugin). */
typedef struct {
  char *name;
  gint32 weight;       /* meaningful when has_weight */
  gboolean has_weight; /* upstream's *int32 was set */
  guint line, column;  /* where the entry was written; 0 for default entries */
  char *path;          /* its field path ("profiles[0].plugins.score.enabled[1]"); NULL for defaults */
} KsSchedConfigPluginRef;

/* Upstream v1.PluginSet: arrays of KsSchedConfigPluginRef. */
typedef struct {
  GArray *enabled;
  GArray *disabled;
} KsSchedConfigPluginSet;

void ks_sched_config_plugin_set_init(KsSchedConfigPluginSet *s);
void ks_sched_config_plugin_set_clear(KsSchedConfigPluginSet *s);
/* Appends a copy of `name` (weight < 0 = no weight) to s->enabled or s->disabled. */
void ks_sched_config_plugin_set_add(KsSchedConfigPluginSet *s, gboolean enabled, const char *name,
                                    gint weight);
/* Upstream mergePluginSet (v1/default_plugins.go): default plugins first in
 * their order unless disabled (by name or "*"), a default re-enabled by the
 * user replaced in place by the user's entry (its weight wins), the user's
 * other entries appended in order (duplicates kept: the framework rejects
 * them); disabled = the user's then the default's. `out` is initialised
 * here. */
void ks_sched_config_merge_plugin_set(const KsSchedConfigPluginSet *defaults,
                                      const KsSchedConfigPluginSet *custom,
                                      KsSchedConfigPluginSet *out);

/* pluginConfig[i]. */
typedef struct {
  char *name;
  const KsYamlNode *raw; /* the args node, borrowed from the file's tree (NULL if absent) */
  gpointer args;         /* the plugin's own args struct, defaults applied; owned */
  GDestroyNotify args_free;
  gboolean decoded;      /* FALSE: no args, or ksim has no args struct for this
                            built-in plugin (raw kept, args NULL) */
  gboolean string_map;   /* a plugin that is not built in (a loaded one): args, when
                            given, is a KsLabels of its scalar values (sched/ksim_plugin.h) */
  guint line, column;
} KsSchedConfigPluginArgs;

/* A plugin a profile needs (upstream pluginsNeeded), once. */
typedef struct {
  char *name;
  gint32 weight;            /* score weight: first of score.enabled then multiPoint.enabled
                               that sets one; 0 = unset (1 for a score plugin) */
  gconstpointer args;       /* borrowed from the profile's plugin_config; NULL = defaults */
  gboolean multi_point;     /* in the merged multiPoint.enabled */
  guint32 enabled_points;   /* bit e: in the merged <e>.enabled */
  guint32 disabled_points;  /* bit e: <e>.disabled names it or "*": expansion skips it there */
  gboolean default_only;    /* from the default set and never named in any enabled list */
  const KsSchedConfigPluginRef *ref; /* its first enabled entry (for error positions) */
} KsSchedConfigPlugin;

typedef struct {
  char *scheduler_name;
  gint32 percentage_of_nodes_to_score; /* -1 = unset: the global value applies */
  KsSchedConfigPluginSet sets[KS_SCHED_CONFIG_N_SETS]; /* merged with the defaults */
  KsSchedConfigPlugin *plugins;  /* n_plugins, in multiPoint order then first appearance */
  guint n_plugins;
  KsSchedPluginConfig *plugin_configs; /* the same list as name/weight/args (names borrowed) */
  KsSchedConfigPluginArgs *plugin_config; /* pluginConfig as written, args decoded */
  guint n_plugin_config;
  guint line, column; /* the profile's entry (0 for the implicit default profile) */
} KsSchedConfigProfile;

typedef struct {
  char *file;              /* display name used in messages */
  /* percentage, backoffs; seed and parallelism left at their defaults
   * (the host sets the seed per run, and config.parallelism from the field
   * below) */
  KsSchedConfig config;
  /* The file's parallelism (default 16), validated. Not copied into
   * config.parallelism here: it is a thread count, and decisions never
   * depend on it, so the host clamps it to the machine
   * (config.parallelism = MIN(parallelism, processors), as
   * sim/scheduler_setup.c does). */
  gint32 parallelism;
  gboolean delay_cache_until_active;
  KsSchedConfigProfile *profiles;
  guint n_profiles;
  KsYamlStream *stream;    /* private: keeps raw args nodes alive */
} KsSchedulerConfigFile;

/* transfer full. NULL with error (KS_YAML_ERROR) on any decoding or
 * validation failure; never a partial config. */
KsSchedulerConfigFile *ks_scheduler_config_load_file(const char *path, GError **error);
KsSchedulerConfigFile *ks_scheduler_config_load_string(const char *data, gsize len,
                                                       const char *display_name, GError **error);
void ks_scheduler_config_free(KsSchedulerConfigFile *c);

/* The profile serving `scheduler_name`, or NULL. */
const KsSchedConfigProfile *ks_scheduler_config_profile(const KsSchedulerConfigFile *c,
                                                        const char *scheduler_name);
/* The pluginConfig args of `plugin` in profile p, or NULL. */
const KsSchedConfigPluginArgs *ks_sched_config_profile_args(const KsSchedConfigProfile *p,
                                                            const char *plugin);

/* Profile `profile_index` as a framework: plugins instantiated with their
 * args and weights, each extension point's list in upstream's order
 * (explicit overrides, then MultiPoint, then other explicit entries). A
 * default plugin this build lacks is left out (as
 * ks_sched_framework_new_default does); a plugin the file names that the
 * registry lacks is an error, as upstream ("FilterPlugin \"X\" does not
 * exist"). transfer full */
KsSchedFramework *ks_scheduler_config_build_profile(const KsSchedulerConfigFile *c,
                                                    guint profile_index,
                                                    const KsSchedRegistry *registry,
                                                    GError **error);

/* ---- private to scheduler_config*.c ------------------------------------- */

#include "workloads/manifest_decode.h"

/* Decodes and validates pluginConfig[i].args (d->path at ...args) into
 * out->args for the plugins ksim has args structs for. */
gboolean ks_sched_config_decode_args(KsDec *d, const KsYamlNode *args,
                                     KsSchedConfigPluginArgs *out);
/* Upstream v1.31's in-tree plugins and ksim's research policies. */
gboolean ks_sched_config_plugin_is_builtin(const char *name);
/* Strict decoding: every key of mapping m must be in `known` (NULL-terminated)
 * and appear once. */
gboolean ks_sched_config_check_fields(KsDec *d, const KsYamlNode *m, const char *const *known);
