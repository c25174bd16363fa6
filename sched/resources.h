/* Resource lists: the requests, limits, capacity and allocatable of objects.
 *
 * The four resources every node has are plain fields so that hot loops never
 * look anything up; hugepages-*, extended resources (nvidia.com/gpu) and any
 * other name live in a small array of scalars, sorted by name.
 */
#pragma once
#include <glib.h>

#define KS_RESOURCE_CPU "cpu"
#define KS_RESOURCE_MEMORY "memory"
#define KS_RESOURCE_EPHEMERAL_STORAGE "ephemeral-storage"
#define KS_RESOURCE_PODS "pods"

typedef struct {
  GQuark name;
  gint64 value;
} KsScalarResource;

typedef struct {
  gint64 milli_cpu;
  gint64 memory;
  gint64 ephemeral_storage;
  gint64 pods;
  GArray *scalars; /* of KsScalarResource, sorted by name; NULL when empty; owned */
  guint present;   /* KS_RESOURCE_HAS_* bits: which fixed fields have an entry
                    * (an explicit 0 is an entry; scalars are present when listed) */
} KsResourceList;

#define KS_RESOURCE_HAS_CPU (1u << 0)
#define KS_RESOURCE_HAS_MEMORY (1u << 1)
#define KS_RESOURCE_HAS_EPHEMERAL_STORAGE (1u << 2)
#define KS_RESOURCE_HAS_PODS (1u << 3)

void ks_resource_list_init(KsResourceList *l);
void ks_resource_list_clear(KsResourceList *l);
void ks_resource_list_copy(KsResourceList *dst, const KsResourceList *src); /* dst uninitialised */

/* Sets resource `name` from a quantity string (cpu in millicores). */
gboolean ks_resource_list_set_quantity(KsResourceList *l, const char *name, const char *quantity,
                                       GError **error);
void ks_resource_list_set(KsResourceList *l, const char *name, gint64 value);
gint64 ks_resource_list_get(const KsResourceList *l, const char *name);
/* TRUE when `name` has an entry (an explicit 0 counts as present). */
gboolean ks_resource_list_has(const KsResourceList *l, const char *name);
gboolean ks_resource_list_is_zero(const KsResourceList *l);
/* Number of entries (fixed fields present plus scalars). */
guint ks_resource_list_count(const KsResourceList *l);
/* Calls fn for every entry in a fixed order: cpu, memory, ephemeral-storage,
 * pods (when present), then scalars by name. cpu is reported in millicores. */
void ks_resource_list_foreach(const KsResourceList *l,
                              void (*fn)(const char *name, gint64 value, gpointer data),
                              gpointer data);
gboolean ks_resource_list_equal(const KsResourceList *a, const KsResourceList *b);

void ks_resource_list_add(KsResourceList *acc, const KsResourceList *x);
void ks_resource_list_sub(KsResourceList *acc, const KsResourceList *x);
/* acc[r] = max(acc[r], x[r]) for every r */
void ks_resource_list_max(KsResourceList *acc, const KsResourceList *x);

/* Upstream's classification of resource names. */
gboolean ks_resource_is_hugepages(const char *name);
/* Extended: a name with a domain that is not *kubernetes.io/ (e.g. nvidia.com/gpu). */
gboolean ks_resource_is_extended(const char *name);
/* Scalar: extended, hugepages-*, attachable-volumes-* (anything but the four fixed). */
gboolean ks_resource_is_scalar(const char *name);
