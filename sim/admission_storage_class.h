/* The DefaultStorageClass admission plugin (upstream
 * plugin/pkg/admission/storage/storageclass/setdefault, on by default in
 * v1.31): a PersistentVolumeClaim created without a class gets the default
 * StorageClass's name in spec.storageClassName before anyone sees it.
 *
 * "Without a class" is upstream's PersistentVolumeClaimHasClass being
 * false: spec.storageClassName unset (NULL; "" asks for no class and is
 * kept) and no volume.beta.kubernetes.io/storage-class annotation (any
 * value, "" included). With no default class the claim is left as it is;
 * the PV controller gives it the default later if one appears
 * (RetroactiveDefaultStorageClass, sim/controllers/pv_controller.c).
 *
 * The default class is upstream's GetDefaultClass (pkg/volume/util): the
 * classes whose storageclass.kubernetes.io/is-default-class (or the beta
 * storageclass.beta.kubernetes.io/is-default-class) is "true"; of several,
 * the newest by creationTimestamp, equal timestamps by name ascending.
 * Timestamps are compared to the second, as the API server stores them
 * (RFC 3339, whole seconds), so classes created in the same second tie.
 */
#pragma once
#include <glib.h>

#include "sched/volume_objects.h"
#include "sim/store.h"

/* The default StorageClass among the store's classes, or NULL when none is
 * marked default. transfer none (valid until the store changes). */
const KsStorageClass *ks_sim_default_storage_class(const KsStore *store);

/* The same choice among classes (KsStorageClass *), for callers without a
 * store (`ksim explain`). transfer none */
const KsStorageClass *ks_default_storage_class_among(const GPtrArray *classes);

/* Sets the claim's storage_class_name to def's name when the claim has no
 * class and def is not NULL. TRUE when it set it. */
gboolean ks_pvc_apply_default_storage_class(KsPersistentVolumeClaim *pvc,
                                            const KsStorageClass *def);

/* The admission step on a claim about to be created (in place): sets
 * storage_class_name to the default class's name when the claim has no
 * class and a default exists. TRUE when it set it. */
gboolean ks_admit_pvc_default_storage_class(KsPersistentVolumeClaim *pvc, const KsStore *store);
