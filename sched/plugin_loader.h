/* Loading user plugins (shared objects written against sched/ksim_plugin.h)
 * into a registry at run time. See docs/plugins.md.
 *
 * A loader belongs to one registry and owns the modules it opened: the
 * modules hold the descriptors' code and static data, so they must stay
 * loaded while the registry, or any profile or scheduler built from it, is
 * alive. Free the loader LAST:
 *
 *   KsSchedRegistry *reg = ks_sched_registry_new();
 *   KsSchedPluginLoader *ld = ks_sched_plugin_loader_new(reg);
 *   if (!ks_sched_load_plugin(ld, "./node_label_score.so", &error)) ...
 *   ... ks_sched_framework_new(reg, ...), ks_sched_new_with_profile(...) ...
 *   ks_sched_free(s); ks_sched_registry_free(reg);
 *   ks_sched_plugin_loader_free(ld);
 */
#pragma once
#include <glib.h>

#include "sched/framework.h"

#define KS_SCHED_PLUGIN_ERROR (ks_sched_plugin_error_quark())
GQuark ks_sched_plugin_error_quark(void);

typedef enum {
  KS_SCHED_PLUGIN_ERROR_OPEN,         /* missing file, not a shared object, unresolved symbol */
  KS_SCHED_PLUGIN_ERROR_NOT_A_PLUGIN, /* no ksim_plugin_descriptors symbol */
  KS_SCHED_PLUGIN_ERROR_ABI,          /* built against another ABI version or layout */
  KS_SCHED_PLUGIN_ERROR_INVALID,      /* no descriptors, a NULL one, one without a name */
  KS_SCHED_PLUGIN_ERROR_DUPLICATE,    /* a name clashes with a built-in or loaded plugin */
} KsSchedPluginErrorCode;

typedef struct KsSchedPluginLoader KsSchedPluginLoader;

/* A loader adding plugins to `registry` (borrowed; it must outlive every
 * ks_sched_load_plugin call but not the loader). transfer full */
KsSchedPluginLoader *ks_sched_plugin_loader_new(KsSchedRegistry *registry);
/* Closes the modules, last loaded first. Call after freeing the registry and
 * every profile and scheduler built from it. NULL is allowed. */
void ks_sched_plugin_loader_free(KsSchedPluginLoader *loader);

/* Opens the shared object at `path` (a relative path is relative to the
 * current directory, never searched for in the library path), checks its ABI
 * and adds every descriptor it exports to the registry. All or nothing: on
 * error nothing is registered and the module is closed again. */
gboolean ks_sched_load_plugin(KsSchedPluginLoader *loader, const char *path, GError **error);

/* The path (as given) of the module plugin `name` came from, or NULL when it
 * was not loaded by this loader (a built-in). transfer none */
const char *ks_sched_plugin_loader_origin(const KsSchedPluginLoader *loader, const char *name);
/* Number of plugins this loader has registered. */
guint ks_sched_plugin_loader_n_plugins(const KsSchedPluginLoader *loader);
