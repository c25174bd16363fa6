/* The controller manager: kube-controller-manager for one run.
 *
 * It makes one KsController (sim/controllers/runtime.h) per controller
 * class and frees them. ks_controller_manager_start_builtin starts every
 * built-in controller in the order of the table in manager.c (the order
 * their informers are registered, hence the order same-instant watch events
 * reach them); a controller is added to the run by adding its class to
 * that table. Controllers never call each other: they meet in the store.
 */
#pragma once
#include <glib.h>

#include "sim/controllers/runtime.h"

typedef struct {
  gint64 reconcile_latency_us; /* every controller's (runtime.h); 0: none */
  guint64 seed;                /* the run seed: each controller's RNG stream derives from it */
} KsControllerManagerOptions;

typedef struct KsControllerManager KsControllerManager;

/* transfer full; store (transfer none) outlives it; nothing started yet. */
KsControllerManager *ks_controller_manager_new(KsStore *store,
                                               const KsControllerManagerOptions *options);
/* Frees the controllers, last started first. Free it before the engine. NULL is a no-op. */
void ks_controller_manager_free(KsControllerManager *m);

/* Starts one controller of class cls (static, outlives the manager).
 * transfer none: the manager owns it. */
KsController *ks_controller_manager_start(KsControllerManager *m, const KsControllerClass *cls);
/* Starts every built-in controller, in the table's order. */
void ks_controller_manager_start_builtin(KsControllerManager *m);
/* The started controller named name; transfer none, NULL when none. */
KsController *ks_controller_manager_get(const KsControllerManager *m, const char *name);
/* The built-in classes, NULL-terminated (static). */
const KsControllerClass *const *ks_controller_manager_builtin(void);
