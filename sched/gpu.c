/* The GPU sharing model: reading GPU declarations off nodes and pods, the
 * fit test, the default in-node choice and the gpu-index annotation.
 *
 * Design: every value here is a small value type (KsGpuRequest,
 * KsGpuAssignment are a few words, a node's state is a borrowed array of
 * used milli), so the scheduler can keep them in cycle state and cache
 * entries with no ownership to track, and policies can evaluate every node
 * per pod without allocating. Semantics follow the FGD simulator
 * (open-gpu-share): whole GPUs go to the lowest-indexed free GPUs, a share
 * goes to the tightest GPU that fits; docs/gpu-sharing.md states where we
 * are stricter (we reject malformed values instead of reading them as 0).
 */
#include "sched/gpu.h"
#include "sched/cache.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(ks-gpu-error-quark, ks_gpu_error)

/* ---- small parsers ----------------------------------------------------------- */

/* A non-negative integer quantity (as the FGD simulator reads gpu-milli
 * with resource.ParseQuantity(...).Value(); fractions are refused here). */
static gboolean parse_count(const KsPod *what, const char *key, const char *s, gint64 max,
                            gint64 *out, GError **error) {
  gint64 v = 0, m = 0;
  GError *e = NULL;
  if (!ks_quantity_parse(s, &v, &m, &e)) {
    g_set_error(error, KS_GPU_ERROR, KS_GPU_ERROR_INVALID, "pod %s/%s: %s: %s", what->namespace, what->name, key, e->message);
    g_error_free(e);
    return FALSE;
  }
  if (m < 0 || m % 1000 != 0 || v > max) {
    g_set_error(error, KS_GPU_ERROR, KS_GPU_ERROR_INVALID,
                "pod %s/%s: %s: \"%s\" must be a whole number from 0 to %" G_GINT64_FORMAT,
                what->namespace, what->name, key, s,
                max);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

static GQuark model_quark(const char *s) {
  return (s && *s) ? g_quark_from_string(s) : 0;
}

/* ---- nodes ---------------------------------------------------------------------- */

gboolean ks_gpu_node_spec(const KsNode *node, KsGpuNodeSpec *out, GError **error) {
  const KsResourceList *a = &node->allocatable;
  gint64 count = 0;
  const char *key = NULL;
  if (ks_resource_list_has(a, KS_GPU_KEY_COUNT))
    key = KS_GPU_KEY_COUNT;
  else if (ks_resource_list_has(a, KS_GPU_RESOURCE_NVIDIA))
    key = KS_GPU_RESOURCE_NVIDIA;
  if (key)
    count = ks_resource_list_get(a, key);
  if (count < 0 || count > KS_GPU_MAX_PER_NODE) {
    g_set_error(error, KS_GPU_ERROR, KS_GPU_ERROR_INVALID,
                "node %s: status.allocatable[%s]: %" G_GINT64_FORMAT
                " GPUs is out of range 0..%d",
                node->name, key, count, KS_GPU_MAX_PER_NODE);
    return FALSE;
  }
  const char *model = ks_labels_get(&node->labels, KS_GPU_KEY_MODEL);
  if (!model)
    model = ks_labels_get(&node->labels, KS_GPU_LABEL_NVIDIA_PRODUCT);
  out->count = (guint)count;
  out->model = model_quark(model);
  return TRUE;
}

void ks_gpu_node_set(KsNode *node, guint count, const char *model) {
  g_return_if_fail(count <= KS_GPU_MAX_PER_NODE);
  KsResourceList *lists[2] = {&node->capacity, &node->allocatable};
  for (guint i = 0; i < 2; i++) {
    ks_resource_list_set(lists[i], KS_GPU_KEY_COUNT, count);
    ks_resource_list_set(lists[i], KS_GPU_KEY_MILLI, (gint64)count * KS_GPU_MILLI);
  }
  if (model && *model)
    ks_labels_set(&node->labels, KS_GPU_KEY_MODEL, model);
  else
    ks_labels_remove(&node->labels, KS_GPU_KEY_MODEL);
}

/* ---- pods ----------------------------------------------------------------------- */

static gboolean any_scalars(const GArray *containers) {
  for (guint i = 0; containers && i < containers->len; i++)
    if (g_array_index(containers, KsContainer, i).requests.scalars)
      return TRUE;
  return FALSE;
}

/* The pod's effective nvidia.com/gpu request; 0 without computing anything
 * when no container lists an extended resource (the common case). */
static gint64 nvidia_gpus(const KsPod *pod) {
  if (!any_scalars(pod->containers) && !any_scalars(pod->init_containers))
    return 0;
  KsResourceList r;
  ks_pod_compute_requests(pod, &r);
  gint64 n = ks_resource_list_get(&r, KS_GPU_RESOURCE_NVIDIA);
  ks_resource_list_clear(&r);
  return n;
}

static gboolean parse_models(const KsPod *what, const char *s, KsGpuRequest *out,
                             GError **error) {
  char buf[256];
  for (const char *p = s; *p;) {
    const char *end = strchr(p, '|');
    gsize len = end ? (gsize)(end - p) : strlen(p);
    while (len && g_ascii_isspace(*p))
      p++, len--;
    while (len && g_ascii_isspace(p[len - 1]))
      len--;
    if (len) { /* the FGD simulator skips empty entries */
      if (out->n_models == KS_GPU_MAX_MODELS) {
        g_set_error(error, KS_GPU_ERROR, KS_GPU_ERROR_INVALID,
                    "pod %s/%s: %s: \"%s\" lists more than %d models", what->namespace,
                    what->name, KS_GPU_KEY_MODEL, s, KS_GPU_MAX_MODELS);
        return FALSE;
      }
      /* longer than a label value may be (63): no node has it */
      GQuark q = 0;
      if (len < sizeof buf) {
        memcpy(buf, p, len);
        buf[len] = '\0';
        q = g_quark_try_string(buf);
      }
      out->models[out->n_models++] = q ? q : KS_GPU_MODEL_UNKNOWN;
    }
    if (!end)
      break;
    p = end + 1;
  }
  return TRUE;
}

/* The alibabacloud.com annotations; *found FALSE when neither count nor milli is there. */
static gboolean request_from_annotations(const KsPod *what, const KsPod *pod, KsGpuRequest *out,
                                         gboolean *found, GError **error) {
  const char *cs = ks_labels_get(&pod->annotations, KS_GPU_KEY_COUNT);
  const char *ms = ks_labels_get(&pod->annotations, KS_GPU_KEY_MILLI);
  *found = cs || ms;
  if (!*found)
    return TRUE;
  gint64 count = 1, milli = KS_GPU_MILLI;
  if (cs && !parse_count(what, KS_GPU_KEY_COUNT, cs, KS_GPU_MAX_PER_NODE, &count, error))
    return FALSE;
  if (ms && !parse_count(what, KS_GPU_KEY_MILLI, ms, KS_GPU_MILLI, &milli, error))
    return FALSE;
  if (count == 0 || milli == 0)
    return TRUE; /* no GPU, as the FGD simulator */
  if (count > 1 && milli < KS_GPU_MILLI) {
    g_set_error(error, KS_GPU_ERROR, KS_GPU_ERROR_INVALID,
                "pod %s/%s: %s: %" G_GINT64_FORMAT " GPUs of %" G_GINT64_FORMAT
                " milli: a share (< 1000 milli) is of one GPU only",
                what->namespace, what->name, KS_GPU_KEY_MILLI, count, milli);
    return FALSE;
  }
  out->count = (guint)count;
  out->milli = (gint32)milli;
  return TRUE;
}

static gboolean request_pinned(const KsPod *what, const KsPod *pod, KsGpuRequest *out,
                               GError **error) {
  const char *is = ks_labels_get(&pod->annotations, KS_GPU_KEY_INDEX);
  if (!is || !*is)
    return TRUE;
  GError *e = NULL;
  guint64 mask = 0;
  if (!ks_gpu_index_parse(is, &mask, &e)) {
    g_set_error(error, KS_GPU_ERROR, KS_GPU_ERROR_INVALID, "pod %s/%s: %s: %s", what->namespace, what->name, KS_GPU_KEY_INDEX,
                e->message);
    g_error_free(e);
    return FALSE;
  }
  if ((guint)g_bit_storage(mask) && (guint)__builtin_popcountll(mask) != out->count) {
    g_set_error(error, KS_GPU_ERROR, KS_GPU_ERROR_INVALID,
                "pod %s/%s: %s: \"%s\" names %d GPUs but the pod asks for %u",
                what->namespace, what->name, KS_GPU_KEY_INDEX,
                is, __builtin_popcountll(mask), out->count);
    return FALSE;
  }
  out->pinned = mask;
  return TRUE;
}

gboolean ks_gpu_request_from_pod(const KsPod *pod, KsGpuRequest *out, GError **error) {
  memset(out, 0, sizeof *out);
  const KsPod *what = pod; /* errors name the pod; formatted only on error */
  gboolean found = FALSE;
  KsGpuRequest r = {0};
  if (!request_from_annotations(what, pod, &r, &found, error))
    return FALSE;
  if (!found) {
    gint64 n = nvidia_gpus(pod);
    if (n > KS_GPU_MAX_PER_NODE) {
      g_set_error(error, KS_GPU_ERROR, KS_GPU_ERROR_INVALID,
                  "pod %s/%s: requests[%s]: %" G_GINT64_FORMAT " GPUs is more than %d",
                  what->namespace, what->name,
                  KS_GPU_RESOURCE_NVIDIA, n, KS_GPU_MAX_PER_NODE);
      return FALSE;
    }
    if (n > 0) {
      r.count = (guint)n;
      r.milli = KS_GPU_MILLI;
    }
  }
  if (r.count == 0)
    return TRUE;
  const char *models = ks_labels_get(&pod->annotations, KS_GPU_KEY_MODEL);
  if (models && !parse_models(what, models, &r, error))
    return FALSE;
  if (!request_pinned(what, pod, &r, error))
    return FALSE;
  *out = r;
  return TRUE;
}

void ks_gpu_pod_set(KsPod *pod, guint count, gint32 milli, const char *models) {
  if (count == 0) {
    ks_labels_remove(&pod->annotations, KS_GPU_KEY_COUNT);
    ks_labels_remove(&pod->annotations, KS_GPU_KEY_MILLI);
    ks_labels_remove(&pod->annotations, KS_GPU_KEY_MODEL);
    return;
  }
  char buf[32];
  g_snprintf(buf, sizeof buf, "%u", count);
  ks_labels_set(&pod->annotations, KS_GPU_KEY_COUNT, buf);
  g_snprintf(buf, sizeof buf, "%d", (int)milli);
  ks_labels_set(&pod->annotations, KS_GPU_KEY_MILLI, buf);
  if (models && *models)
    ks_labels_set(&pod->annotations, KS_GPU_KEY_MODEL, models);
  else
    ks_labels_remove(&pod->annotations, KS_GPU_KEY_MODEL);
}

gboolean ks_gpu_model_allowed(const KsGpuRequest *r, GQuark model) {
  if (r->n_models == 0)
    return TRUE;
  for (guint i = 0; i < r->n_models; i++)
    if (r->models[i] == model)
      return TRUE;
  return FALSE;
}

/* ---- node state ---------------------------------------------------------------- */

guint ks_gpu_free_whole(const KsGpuNodeView *v) {
  guint n = 0;
  for (guint i = 0; i < v->count; i++)
    n += v->used[i] == 0;
  return n;
}

gint64 ks_gpu_free_total(const KsGpuNodeView *v) {
  gint64 n = 0;
  for (guint i = 0; i < v->count; i++)
    n += ks_gpu_free(v, i);
  return n;
}

static guint64 all_gpus(guint count) {
  return count >= 64 ? G_MAXUINT64 : ((G_GUINT64_CONSTANT(1) << count) - 1);
}

/* Each GPU of mask (all within the node) has >= milli free. */
static gboolean mask_has_room(const KsGpuNodeView *v, guint64 mask, gint32 milli) {
  if (mask & ~all_gpus(v->count))
    return FALSE;
  for (guint i = 0; i < v->count; i++)
    if ((mask >> i) & 1 && ks_gpu_free(v, i) < milli)
      return FALSE;
  return TRUE;
}

gboolean ks_gpu_fits(const KsGpuRequest *r, const KsGpuNodeView *v) {
  if (r->count == 0)
    return TRUE;
  if (r->count > v->count || !ks_gpu_model_allowed(r, v->model))
    return FALSE;
  if (r->pinned)
    return mask_has_room(v, r->pinned, r->milli);
  guint n = 0;
  for (guint i = 0; i < v->count && n < r->count; i++)
    n += ks_gpu_free(v, i) >= r->milli;
  return n == r->count;
}

gboolean ks_gpu_assignment_valid(const KsGpuRequest *r, const KsGpuNodeView *v,
                                 const KsGpuAssignment *a) {
  if (a->milli != r->milli || (guint)__builtin_popcountll(a->mask) != r->count)
    return FALSE;
  if (r->pinned && a->mask != r->pinned)
    return FALSE;
  return ks_gpu_model_allowed(r, v->model) && mask_has_room(v, a->mask, r->milli);
}

/* ---- choosing ------------------------------------------------------------------- */

gboolean ks_gpu_choose_best_fit(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                                KsGpuAssignment *out) {
  (void)data;
  out->mask = 0;
  out->milli = r->milli;
  if (r->count == 1) {
    gint best = -1;
    for (guint i = 0; i < v->count; i++) {
      gint32 f = ks_gpu_free(v, i);
      if (f >= r->milli && (best < 0 || f < ks_gpu_free(v, (guint)best)))
        best = (gint)i;
    }
    if (best < 0)
      return FALSE;
    out->mask = G_GUINT64_CONSTANT(1) << best;
    return TRUE;
  }
  guint n = 0;
  for (guint i = 0; i < v->count && n < r->count; i++)
    if (ks_gpu_free(v, i) >= r->milli) {
      out->mask |= G_GUINT64_CONSTANT(1) << i;
      n++;
    }
  return n == r->count;
}

gboolean ks_gpu_choose(const KsGpuRequest *r, const KsGpuNodeView *v, KsGpuChooseFunc choose,
                       gpointer data, KsGpuAssignment *out) {
  out->mask = 0;
  out->milli = r->milli;
  if (r->count == 0)
    return TRUE;
  if (!ks_gpu_model_allowed(r, v->model) || r->count > v->count)
    return FALSE;
  if (r->pinned) {
    out->mask = r->pinned;
    return mask_has_room(v, r->pinned, r->milli);
  }
  KsGpuAssignment a = {0, r->milli};
  if (!(choose ? choose : ks_gpu_choose_best_fit)(r, v, data, &a))
    return FALSE;
  if (!ks_gpu_assignment_valid(r, v, &a))
    return FALSE;
  *out = a;
  return TRUE;
}

void ks_gpu_used_add(gint32 *used, guint count, const KsGpuAssignment *a) {
  for (guint i = 0; i < count; i++)
    if ((a->mask >> i) & 1)
      used[i] += a->milli;
}

void ks_gpu_used_sub(gint32 *used, guint count, const KsGpuAssignment *a) {
  for (guint i = 0; i < count; i++)
    if ((a->mask >> i) & 1)
      used[i] -= a->milli;
}

/* ---- gpu-index ------------------------------------------------------------------ */

char *ks_gpu_index_format(guint64 mask) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < 64; i++)
    if ((mask >> i) & 1)
      g_string_append_printf(s, "%s%u", s->len ? "-" : "", i);
  return g_string_free(s, FALSE);
}

gboolean ks_gpu_index_parse(const char *s, guint64 *mask, GError **error) {
  guint64 m = 0;
  const char *p = s;
  while (TRUE) {
    if (!g_ascii_isdigit(*p))
      goto bad;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(p, &end, 10);
    if (errno || v >= KS_GPU_MAX_PER_NODE || (m >> v) & 1)
      goto bad;
    m |= G_GUINT64_CONSTANT(1) << v;
    p = end;
    if (*p == '\0')
      break;
    if (*p != '-')
      goto bad;
    p++;
  }
  *mask = m;
  return TRUE;
bad:
  g_set_error(error, KS_GPU_ERROR, KS_GPU_ERROR_INVALID,
              "\"%s\" is not a list of distinct GPU indexes 0..%d joined by '-'", s,
              KS_GPU_MAX_PER_NODE - 1);
  return FALSE;
}

KsGpuAssignment ks_gpu_pod_assignment(const KsPod *pod) {
  KsGpuAssignment a = {0, 0};
  KsGpuRequest r;
  if (!ks_gpu_request_from_pod(pod, &r, NULL) || r.count == 0)
    return a;
  a.mask = r.pinned;
  a.milli = r.milli;
  return a;
}

/* ---- the policy hook ------------------------------------------------------------ */

void ks_gpu_set_chooser(const KsSchedCache *c, const KsPod *pod, KsGpuChooseFunc choose,
                        gpointer data) {
  KsSchedGpuHook *h = c->gpu_hook;
  h->pod = pod;
  h->choose = choose;
  h->data = data;
}
