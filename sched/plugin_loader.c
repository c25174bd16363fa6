/* The plugin loader: user plugins as shared objects (GModule), added to a
 * registry by name.
 *
 * Loading is a short pipeline, and every step that can fail says which file
 * and what to do about it:
 *   1. resolve the path against the current directory (dlopen would search
 *      LD_LIBRARY_PATH for a bare "x.so", which is never what a user means)
 *      and check the file exists;
 *   2. open it with G_MODULE_BIND_LOCAL (two plugins may use the same symbol
 *      names) and *without* G_MODULE_BIND_LAZY: every undefined symbol is
 *      bound now, so a module calling a ks_* function the host does not have
 *      (other ksim version, a host built without ENABLE_EXPORTS) fails here
 *      with dlopen's "undefined symbol: ..." instead of killing the process
 *      in the middle of a simulation when the function is first called. The
 *      cost is binding a small module's symbols once.
 *   3. find ksim_plugin_descriptors, call it, compare ABI version and layout
 *      fingerprint with the host's before reading any descriptor;
 *   4. validate all descriptors and check all names against the registry and
 *      against each other, and only then register them: the registry has no
 *      removal, so the step must be all or nothing.
 *
 * Ownership: the registry stores borrowed descriptor pointers into the
 * module, and profiles call into the module's code, so the module must stay
 * open while any of them lives. The registry (framework.c) has no slot for
 * such owners, and this project keeps no global state, so the loader is an
 * object the host frees last. Modules close in reverse order of loading.
 */
#include "sched/plugin_loader.h"

#include <gmodule.h>

#include "sched/ksim_plugin.h"

struct KsSchedPluginLoader {
  KsSchedRegistry *registry; /* borrowed */
  GPtrArray *modules;        /* GModule*, in load order */
  GHashTable *origin;        /* plugin name (borrowed from the module) -> path (owned) */
};

G_DEFINE_QUARK(ks-sched-plugin-error-quark, ks_sched_plugin_error)

KsSchedPluginLoader *ks_sched_plugin_loader_new(KsSchedRegistry *registry) {
  KsSchedPluginLoader *l = g_new0(KsSchedPluginLoader, 1);
  l->registry = registry;
  l->modules = g_ptr_array_new();
  l->origin = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  return l;
}

void ks_sched_plugin_loader_free(KsSchedPluginLoader *l) {
  if (!l)
    return;
  /* Names are borrowed from the modules: drop them before closing. */
  g_hash_table_destroy(l->origin);
  for (guint i = l->modules->len; i-- > 0;)
    g_module_close(g_ptr_array_index(l->modules, i));
  g_ptr_array_free(l->modules, TRUE);
  g_free(l);
}

const char *ks_sched_plugin_loader_origin(const KsSchedPluginLoader *l, const char *name) {
  return g_hash_table_lookup(l->origin, name);
}

guint ks_sched_plugin_loader_n_plugins(const KsSchedPluginLoader *l) {
  return g_hash_table_size(l->origin);
}

/* Steps 1-2. transfer full; NULL on error. */
static GModule *open_module(const char *path, GError **error) {
  char *abs = g_canonicalize_filename(path, NULL);
  if (!g_file_test(abs, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_OPEN,
                "%s: cannot load plugin: no such file", path);
    g_free(abs);
    return NULL;
  }
  GError *local = NULL;
  GModule *m = g_module_open_full(abs, G_MODULE_BIND_LOCAL, &local);
  g_free(abs);
  if (!m) {
    g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_OPEN,
                "%s: cannot load plugin: %s", path, local->message);
    g_error_free(local);
  }
  return m;
}

/* Step 3: the descriptor array, once the module proved it speaks our ABI. */
static const KsSchedPluginDesc *const *module_descriptors(GModule *m, const char *path, guint *n,
                                                          GError **error) {
  gpointer sym = NULL;
  if (!g_module_symbol(m, KSIM_PLUGIN_ENTRY_SYMBOL, &sym) || !sym) {
    g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_NOT_A_PLUGIN,
                "%s: not a ksim plugin: it does not export %s (see docs/plugins.md)", path,
                KSIM_PLUGIN_ENTRY_SYMBOL);
    return NULL;
  }
  KsimPluginEntryFunc entry = (KsimPluginEntryFunc)sym;
  guint abi = 0;
  guint32 layout = 0;
  *n = 0;
  const KsSchedPluginDesc *const *descs = entry(n, &abi, &layout);
  if (abi != KSIM_PLUGIN_ABI_VERSION) {
    g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_ABI,
                "%s: plugin built for ksim plugin ABI %u, but this ksim has ABI %u: rebuild it "
                "against this ksim's sched/ksim_plugin.h",
                path, abi, KSIM_PLUGIN_ABI_VERSION);
    return NULL;
  }
  if (layout != KSIM_PLUGIN_LAYOUT) {
    g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_ABI,
                "%s: plugin built against other ksim headers (layout 0x%08x, this ksim 0x%08x, "
                "both ABI %u): rebuild it against this ksim's sched/ksim_plugin.h",
                path, layout, (guint32)KSIM_PLUGIN_LAYOUT, abi);
    return NULL;
  }
  if (!descs || *n == 0) {
    g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_INVALID,
                "%s: plugin exports no descriptors", path);
    return NULL;
  }
  return descs;
}

/* Step 4a: one descriptor on its own, and against the registry. */
static gboolean check_descriptor(const KsSchedPluginLoader *l, const KsSchedPluginDesc *d,
                                 guint i, const char *path, GError **error) {
  if (!d || !d->name || !*d->name) {
    g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_INVALID,
                "%s: descriptor %u has no name", path, i);
    return FALSE;
  }
  if (!ks_sched_registry_lookup(l->registry, d->name))
    return TRUE;
  const char *from = g_hash_table_lookup(l->origin, d->name);
  if (from)
    g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_DUPLICATE,
                "%s: plugin %s is already loaded from %s", path, d->name, from);
  else
    g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_DUPLICATE,
                "%s: plugin %s has the name of a built-in plugin", path, d->name);
  return FALSE;
}

/* Step 4b: all descriptors, including names repeated inside the module. */
static gboolean check_descriptors(const KsSchedPluginLoader *l, const KsSchedPluginDesc *const *d,
                                  guint n, const char *path, GError **error) {
  for (guint i = 0; i < n; i++) {
    if (!check_descriptor(l, d[i], i, path, error))
      return FALSE;
    for (guint j = 0; j < i; j++)
      if (g_str_equal(d[j]->name, d[i]->name)) {
        g_set_error(error, KS_SCHED_PLUGIN_ERROR, KS_SCHED_PLUGIN_ERROR_DUPLICATE,
                    "%s: the module defines plugin %s twice", path, d[i]->name);
        return FALSE;
      }
  }
  return TRUE;
}

gboolean ks_sched_load_plugin(KsSchedPluginLoader *l, const char *path, GError **error) {
  g_return_val_if_fail(l != NULL && path != NULL, FALSE);
  GModule *m = open_module(path, error);
  if (!m)
    return FALSE;
  guint n = 0;
  const KsSchedPluginDesc *const *descs = module_descriptors(m, path, &n, error);
  if (!descs || !check_descriptors(l, descs, n, path, error)) {
    g_module_close(m);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    /* Cannot fail: names were checked above and nothing ran in between. */
    if (!ks_sched_registry_add(l->registry, descs[i], NULL))
      g_assert_not_reached();
    g_hash_table_insert(l->origin, (gpointer)descs[i]->name, g_strdup(path));
  }
  g_ptr_array_add(l->modules, m);
  return TRUE;
}
