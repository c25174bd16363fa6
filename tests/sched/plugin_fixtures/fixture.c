/* Test-only plugin modules for tests/sched/test_plugin_loader.c: each broken
 * in one way the loader must refuse with a clear message. One source,
 * compiled once per FIXTURE_* variant (CMakeLists.txt here), so every variant
 * is the smallest module that shows its fault. */
#include "sched/ksim_plugin.h"

G_GNUC_UNUSED static void fixture_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  *score = 0;
}

#define FIXTURE_DESC(var, plugin_name) \
  static const KsSchedPluginDesc var = {.name = plugin_name, .score = fixture_score}

#if defined(FIXTURE_NO_ENTRY)
/* A shared object with symbols, but not the entry point. */
G_MODULE_EXPORT int fixture_not_a_plugin(void);
G_MODULE_EXPORT int fixture_not_a_plugin(void) { return 42; }

#elif defined(FIXTURE_BAD_ABI) || defined(FIXTURE_BAD_LAYOUT)
/* The entry point written by hand, as a module built against another ksim
 * would have it. */
FIXTURE_DESC(desc, "FixtureAbi");
G_MODULE_EXPORT const KsSchedPluginDesc *const *ksim_plugin_descriptors(guint *n, guint *abi,
                                                                        guint32 *layout);
G_MODULE_EXPORT const KsSchedPluginDesc *const *ksim_plugin_descriptors(guint *n, guint *abi,
                                                                        guint32 *layout) {
  static const KsSchedPluginDesc *const descs[] = {&desc};
  *n = 1;
#if defined(FIXTURE_BAD_ABI)
  *abi = 999;
  *layout = 0x12345678u;
#else
  *abi = KSIM_PLUGIN_ABI_VERSION;
  *layout = 0x12345678u;
#endif
  return descs;
}

#elif defined(FIXTURE_UNDEFINED_SYMBOL)
/* Calls a function no ksim has: binding fails at load time. */
void ks_no_such_function(void);
static gpointer undefined_create(gconstpointer args, GError **error) {
  ks_no_such_function();
  return NULL;
}
static const KsSchedPluginDesc desc = {
    .name = "FixtureUndefined", .create = undefined_create, .score = fixture_score};
KSIM_PLUGIN_DEFINE(&desc)

#elif defined(FIXTURE_BUILTIN_CLASH)
/* A good plugin followed by one named like a built-in: nothing registers. */
FIXTURE_DESC(good, "FixtureGood");
FIXTURE_DESC(clash, "NodeResourcesFit");
KSIM_PLUGIN_DEFINE(&good, &clash)

#elif defined(FIXTURE_TWICE)
FIXTURE_DESC(one, "FixtureTwice");
FIXTURE_DESC(two, "FixtureTwice");
KSIM_PLUGIN_DEFINE(&one, &two)

#elif defined(FIXTURE_UNNAMED)
FIXTURE_DESC(good, "FixtureGood");
FIXTURE_DESC(unnamed, NULL);
KSIM_PLUGIN_DEFINE(&good, &unnamed)

#elif defined(FIXTURE_EMPTY)
G_MODULE_EXPORT const KsSchedPluginDesc *const *ksim_plugin_descriptors(guint *n, guint *abi,
                                                                        guint32 *layout);
G_MODULE_EXPORT const KsSchedPluginDesc *const *ksim_plugin_descriptors(guint *n, guint *abi,
                                                                        guint32 *layout) {
  *n = 0;
  *abi = KSIM_PLUGIN_ABI_VERSION;
  *layout = KSIM_PLUGIN_LAYOUT;
  return NULL;
}

#elif defined(FIXTURE_GOOD)
/* A well-formed second module, to load beside the example. */
FIXTURE_DESC(good, "FixtureGood");
KSIM_PLUGIN_DEFINE(&good)

#else
#error "define one FIXTURE_* variant"
#endif
