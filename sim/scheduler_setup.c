/* See scheduler_setup.h. */
#include "sim/scheduler_setup.h"

#include <string.h>

#include "sched/legacy_profile.h"


static gboolean load_plugins(KsSchedSetup *s, const char *const *paths, GError **error) {
  for (const char *const *p = paths; p && *p; p++)
    if (!ks_sched_load_plugin(s->loader, *p, error))
      return FALSE;
  return TRUE;
}

gboolean ks_sched_tie_break_from_string(const char *s, KsSchedSelectHost *out, GError **error) {
  static const struct {
    const char *name;
    KsSchedSelectHost mode;
  } modes[] = {{"random", KS_SCHED_SELECT_HOST_RANDOM},
               {"first", KS_SCHED_SELECT_HOST_FIRST},
               {"node-rank", KS_SCHED_SELECT_HOST_NODE_RANK}};
  for (guint i = 0; i < G_N_ELEMENTS(modes); i++)
    if (!strcmp(s, modes[i].name)) {
      *out = modes[i].mode;
      return TRUE;
    }
  g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
              "tie-break \"%s\": use random, first or node-rank", s);
  return FALSE;
}

/* Every profile of the file, sharing one queue and cache (upstream). */
static void apply_overrides(KsSchedConfig *config, const KsSchedSetupOptions *opts) {
  config->seed = opts->seed;
  if (opts->percentage_of_nodes_to_score >= 0)
    config->percentage_of_nodes_to_score = opts->percentage_of_nodes_to_score;
  config->parallelism = MAX(opts->parallelism, 1);
}

/* tie: the selectHost mode for every profile, NULL to keep each profile's own. */
static KsScheduler *from_config(KsSchedSetup *s, const KsSchedSetupOptions *opts,
                                const KsSchedSelectHost *tie, GError **error) {
  KsSchedConfig config = s->config->config;
  /* The file's parallelism (default 16) is validated but not applied:
   * decisions never depend on it, and filtering in threads pays only when
   * every node is scored on many cores (docs/scheduler.md), so commands
   * filter serially unless asked (opts->parallelism). */
  apply_overrides(&config, opts);
  guint n = s->config->n_profiles;
  KsSchedFramework **profiles = g_new0(KsSchedFramework *, n);
  for (guint i = 0; i < n; i++) {
    profiles[i] = ks_scheduler_config_build_profile(s->config, i, s->registry, error);
    if (!profiles[i]) {
      for (guint j = 0; j < i; j++)
        ks_sched_framework_free(profiles[j]);
      g_free(profiles);
      return NULL;
    }
    if (tie)
      profiles[i]->select_host = *tie;
  }
  KsScheduler *sched = ks_sched_new_with_profiles(&config, profiles, n, error);
  g_free(profiles);
  return sched;
}

/* A built-in profile serving default-scheduler pods, so the same workload
 * can be run under either scheduler. */
static KsScheduler *from_builtin(KsSchedSetup *s, const KsSchedSetupOptions *opts,
                                 const KsSchedSelectHost *tie, GError **error) {
  const char *name = opts->builtin_profile;
  KsSchedConfig config;
  ks_sched_config_init_defaults(&config);
  apply_overrides(&config, opts);
  KsSchedFramework *fw = NULL;
  if (!name || !strcmp(name, "default")) {
    s->profile_label = g_strdup(KS_DEFAULT_SCHEDULER_NAME);
    fw = ks_sched_framework_new_default(s->registry, error);
  } else if (!strcmp(name, KS_SCHED_LEGACY_PROFILE_NAME)) {
    s->profile_label = g_strdup(KS_SCHED_LEGACY_PROFILE_NAME);
    fw = ks_sched_framework_new_legacy(s->registry, error);
    if (fw) {
      g_free(fw->name);
      fw->name = g_strdup(KS_DEFAULT_SCHEDULER_NAME);
    }
  } else {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "unknown built-in profile \"%s\" (use default or %s)", name,
                KS_SCHED_LEGACY_PROFILE_NAME);
  }
  if (fw && tie)
    fw->select_host = *tie;
  return fw ? ks_sched_new_with_profile(&config, fw, error) : NULL;
}

KsSchedSetup *ks_sched_setup_new(const KsSchedSetupOptions *opts, GError **error) {
  KsSchedSelectHost tie;
  if (opts->tie_break && !ks_sched_tie_break_from_string(opts->tie_break, &tie, error))
    return NULL;
  const KsSchedSelectHost *tie_for_all = opts->tie_break ? &tie : NULL;
  KsSchedSetup *s = g_new0(KsSchedSetup, 1);
  s->registry = ks_sched_registry_new();
  s->loader = ks_sched_plugin_loader_new(s->registry);
  if (!load_plugins(s, opts->plugin_paths, error))
    goto fail;
  if (opts->config_path) {
    if (!(s->config = ks_scheduler_config_load_file(opts->config_path, error)))
      goto fail;
    GString *names = g_string_new(NULL);
    for (guint i = 0; i < s->config->n_profiles; i++)
      g_string_append_printf(names, "%s%s", i ? "," : "", s->config->profiles[i].scheduler_name);
    s->profile_label = g_string_free(names, FALSE);
    s->sched = from_config(s, opts, tie_for_all, error);
  } else {
    s->sched = from_builtin(s, opts, tie_for_all, error);
  }
  if (s->sched)
    return s;
fail:
  ks_sched_setup_free(s);
  return NULL;
}

void ks_sched_setup_free(KsSchedSetup *s) {
  if (!s)
    return;
  if (s->sched)
    ks_sched_free(s->sched);
  ks_sched_registry_free(s->registry);
  /* Profiles may call module code until the scheduler is gone: close last. */
  ks_sched_plugin_loader_free(s->loader);
  if (s->config)
    ks_scheduler_config_free(s->config);
  g_free(s->profile_label);
  g_free(s);
}
