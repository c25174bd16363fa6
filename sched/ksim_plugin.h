/* ksim_plugin.h: everything needed to write a ksim scheduler plugin in C and
 * build it as a shared object that ksim loads at run time (docs/plugins.md).
 *
 * A plugin module is an ordinary shared object that
 *   - includes this header (and nothing from sim/, workloads/ or traces/),
 *   - defines one or more KsSchedPluginDesc (sched/framework.h), and
 *   - ends with KSIM_PLUGIN_DEFINE(&desc1, &desc2, ...), which exports the
 *     entry point described below.
 * It links against glib only. Calls into ksim (ks_labels_get,
 * ks_sched_status_set, ks_sched_default_normalize_score, ...) are left
 * undefined in the module and bound to the host executable's own copies when
 * the module is loaded; ksim and its test programs export their symbols for
 * this (CMake ENABLE_EXPORTS, i.e. -rdynamic).
 *
 * ABI rule. A module reads ksim's structs directly (the cache arrays, pods,
 * nodes, statuses, the descriptor itself), so it only works with a ksim whose
 * struct layouts are the ones it was compiled against. Two guards:
 *   - KSIM_PLUGIN_ABI_VERSION, bumped by hand whenever a struct in the headers
 *     below changes layout or a function a plugin may call changes signature;
 *   - KSIM_PLUGIN_LAYOUT, a fingerprint of the sizes of those structs computed
 *     by the compiler, which catches a forgotten bump (not a reordering of
 *     same-sized fields: that still needs the bump).
 * The loader refuses a module whose numbers differ from its own, naming both,
 * before it touches any descriptor.
 *
 * Entry point contract (frozen for every ABI version, so that the loader can
 * always ask a module which ABI it speaks):
 *
 *   const KsSchedPluginDesc *const *
 *   ksim_plugin_descriptors(guint *n, guint *abi_version, guint32 *layout);
 *
 * It stores the number of descriptors in *n, the module's
 * KSIM_PLUGIN_ABI_VERSION and KSIM_PLUGIN_LAYOUT, and returns the array of
 * descriptors (static storage; the module stays loaded as long as the host
 * may use them). It must do nothing else: it runs before the ABI check.
 *
 * Args. A built-in plugin receives its own args struct. A loaded plugin cannot
 * share a struct definition with the host's configuration decoder, so its
 * `create(args, error)` receives `const KsLabels *` (sched/labels.h): the
 * plugin's pluginConfig args as a flat map of strings ("label" -> "ksim.io/
 * power"), or NULL when none were given. The plugin parses and validates
 * them itself and reports errors through `error`.
 */
#pragma once
#include <glib.h>
#include <gmodule.h>

#include "sched/cache.h"
#include "sched/framework.h"
#include "sched/objects.h"

/* Bump on any layout change of the structs folded into KSIM_PLUGIN_LAYOUT
 * (or any other struct reachable from them), and on any signature change of
 * a ks_* function. */
#define KSIM_PLUGIN_ABI_VERSION 2u

/* The exported entry point's name and type. */
#define KSIM_PLUGIN_ENTRY_SYMBOL "ksim_plugin_descriptors"
typedef const KsSchedPluginDesc *const *(*KsimPluginEntryFunc)(guint *n, guint *abi_version,
                                                               guint32 *layout);

/* FNV-1a over the sizes of the structs a plugin reads: an integer constant
 * expression, so plugin and host each compute it from their own headers. */
#define KSIM_PLUGIN_MIX_(h, v) ((((guint32)(h)) ^ (guint32)(v)) * 16777619u)
#define KSIM_PLUGIN_LAYOUT                                                                     \
  KSIM_PLUGIN_MIX_(                                                                            \
      KSIM_PLUGIN_MIX_(                                                                        \
          KSIM_PLUGIN_MIX_(                                                                    \
              KSIM_PLUGIN_MIX_(                                                                \
                  KSIM_PLUGIN_MIX_(                                                            \
                      KSIM_PLUGIN_MIX_(                                                        \
                          KSIM_PLUGIN_MIX_(                                                    \
                              KSIM_PLUGIN_MIX_(                                                \
                                  KSIM_PLUGIN_MIX_(                                            \
                                      KSIM_PLUGIN_MIX_(                                        \
                                          KSIM_PLUGIN_MIX_(2166136261u,                        \
                                                           sizeof(KsSchedPluginDesc)),         \
                                          sizeof(KsSchedPlugin)),                              \
                                      sizeof(KsSchedStatus)),                                  \
                                  sizeof(KsSchedCycleState)),                                  \
                              sizeof(KsSchedDiagnosis)),                                       \
                          sizeof(KsSchedQueuedPod)),                                           \
                      sizeof(KsSchedCache)),                                                   \
                  sizeof(KsPod)),                                                              \
              sizeof(KsNode)),                                                                 \
          sizeof(KsResourceList)),                                                             \
      sizeof(KsLabels))

/* Defines and exports the entry point listing the module's descriptors.
 * Use once per module, at file scope:
 *   KSIM_PLUGIN_DEFINE(&my_plugin_desc)
 */
#define KSIM_PLUGIN_DEFINE(...)                                                                \
  G_MODULE_EXPORT const KsSchedPluginDesc *const *ksim_plugin_descriptors(                     \
      guint *n, guint *abi_version, guint32 *layout);                                          \
  G_MODULE_EXPORT const KsSchedPluginDesc *const *ksim_plugin_descriptors(                     \
      guint *n, guint *abi_version, guint32 *layout) {                                         \
    static const KsSchedPluginDesc *const descs[] = {__VA_ARGS__};                            \
    *n = G_N_ELEMENTS(descs);                                                                  \
    *abi_version = KSIM_PLUGIN_ABI_VERSION;                                                    \
    *layout = KSIM_PLUGIN_LAYOUT;                                                              \
    return descs;                                                                              \
  }
