/* See config_refs.h. */
#include "sim/kubelet/config_refs.h"

static gboolean present(const KsStore *store, KsConfigRefKind kind, const char *ns,
                        const char *name) {
  return ks_store_get(store, kind == KS_CONFIG_REF_SECRET ? KS_STORE_SECRET : KS_STORE_CONFIG_MAP,
                      ns, name ? name : "") != NULL;
}

static gboolean missing_env(const KsStore *store, const KsPod *pod, const GArray *containers,
                            char **message) {
  for (guint i = 0; containers && i < containers->len; i++) {
    const GArray *refs = g_array_index(containers, KsContainer, i).config_refs;
    for (guint j = 0; refs && j < refs->len; j++) {
      const KsConfigRef *r = &g_array_index(refs, KsConfigRef, j);
      if (r->optional || present(store, r->kind, pod->namespace, r->name))
        continue;
      *message = g_strdup_printf("%s \"%s\" not found",
                                 r->kind == KS_CONFIG_REF_SECRET ? "secret" : "configmap",
                                 r->name ? r->name : "");
      return TRUE;
    }
  }
  return FALSE;
}

gboolean ks_kubelet_missing_config(const KsStore *store, const KsPod *pod, const char **reason,
                                   char **message) {
  *message = NULL;
  for (guint i = 0; pod->volumes && i < pod->volumes->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    if (v->optional || (v->source != KS_VOLUME_CONFIG_MAP && v->source != KS_VOLUME_SECRET))
      continue;
    KsConfigRefKind kind =
        v->source == KS_VOLUME_SECRET ? KS_CONFIG_REF_SECRET : KS_CONFIG_REF_CONFIG_MAP;
    if (!present(store, kind, pod->namespace, v->ref)) {
      *reason = KS_REASON_CONTAINER_CREATING;
      return TRUE;
    }
  }
  if (missing_env(store, pod, pod->init_containers, message) ||
      missing_env(store, pod, pod->containers, message)) {
    *reason = KS_REASON_CREATE_CONTAINER_CONFIG_ERROR;
    return TRUE;
  }
  return FALSE;
}
