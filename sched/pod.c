/* Pods: construction, reference counting, deep copies, string forms of the
 * small enums, and the effective resource request (kube-semantics 2.1/2.2).
 *
 * Ownership. A KsPod owns every string and array hanging off it. Every
 * GArray of structs with owned members is created with its element clear
 * func (containers, ports, volumes, tolerations, topology constraints), so
 * freeing a pod is "unref every array". Copies are deep and produce arrays
 * of the same kind, so a copy can be freed, edited and copied again without
 * caring where it came from. Arrays of the other object-model files are
 * copied with their own *_copy helpers.
 *
 * Requests. ks_pod_compute_requests mirrors component-helpers'
 * PodRequests (v1.31, pod-level resources off): regular containers are
 * summed; init containers are walked in order, a sidecar (restartPolicy
 * Always) adds to the sum and to the running sidecar total, a plain init
 * container needs its own request plus the sidecars started before it; the
 * pod needs the max of the sum and every init step; overhead is added last.
 * It works on whole resource lists with upstream's map semantics (max of an
 * absent entry takes the other value), so it is exact for every resource.
 *
 * The non-zero variant is the same walk with upstream's
 * NonMissingContainerRequests = {cpu: 100m, memory: 200Mi}: every container,
 * regular *and* init (sidecar or not), that has no entry for cpu or memory
 * counts the default; an explicit 0 stays 0; overhead is still added. This
 * is what NodeInfo's NonZeroRequested and the Least/Most/RTCR scorers use.
 * Both allocate a few temporary lists; they run once per pod, not per node.
 */
#include "sched/pod.h"

#include <string.h>

/* ---- enums ---------------------------------------------------------------- */

static gboolean lookup(const char *const *names, guint n, const char *s, guint *out) {
  for (guint i = 0; s && i < n; i++) {
    if (strcmp(names[i], s) == 0) {
      *out = i;
      return TRUE;
    }
  }
  return FALSE;
}

static const char *const protocol_names[] = {"TCP", "UDP", "SCTP"};
static const char *const phase_names[] = {"Pending", "Running", "Succeeded", "Failed", "Unknown"};
static const char *const restart_names[] = {"Always", "OnFailure", "Never"};
static const char *const preemption_names[] = {"PreemptLowerPriority", "Never"};
static const char *const condition_status_names[] = {"Unknown", "True", "False"};
static const char *const volume_names[] = {
    "other",     "emptyDir",  "hostPath",           "persistentVolumeClaim", "configMap",
    "secret",    "projected", "downwardAPI",        "gcePersistentDisk",     "awsElasticBlockStore",
    "azureDisk", "csi",       "iscsi",              "rbd",                   "nfs",
    "local"};

#define ENUM_FUNCS(prefix, Type, names)                                                         \
  gboolean prefix##_from_string(const char *s, Type *out) {                                     \
    guint i;                                                                                    \
    if (!lookup(names, G_N_ELEMENTS(names), s, &i))                                             \
      return FALSE;                                                                             \
    *out = (Type)i;                                                                             \
    return TRUE;                                                                                \
  }                                                                                             \
  const char *prefix##_to_string(Type v) {                                                      \
    return (guint)v < G_N_ELEMENTS(names) ? names[v] : "?";                                     \
  }

ENUM_FUNCS(ks_protocol, KsProtocol, protocol_names)
ENUM_FUNCS(ks_pod_phase, KsPodPhase, phase_names)
ENUM_FUNCS(ks_restart_policy, KsRestartPolicy, restart_names)
ENUM_FUNCS(ks_preemption_policy, KsPreemptionPolicy, preemption_names)
ENUM_FUNCS(ks_pod_condition_status, KsPodConditionStatus, condition_status_names)

/* Index 0 is KS_PULL_POLICY_UNSET, which has no name. */
static const char *const pull_policy_names[] = {NULL, "Always", "IfNotPresent", "Never"};

gboolean ks_pull_policy_from_string(const char *s, KsPullPolicy *out) {
  guint i;
  if (!lookup(pull_policy_names + 1, G_N_ELEMENTS(pull_policy_names) - 1, s, &i))
    return FALSE;
  *out = (KsPullPolicy)(i + 1);
  return TRUE;
}

const char *ks_pull_policy_to_string(KsPullPolicy p) {
  return (guint)p < G_N_ELEMENTS(pull_policy_names) ? pull_policy_names[p] : NULL;
}

static const char *const container_state_names[] = {"none", "waiting", "running", "terminated"};

const char *ks_container_state_kind_to_string(KsContainerStateKind k) {
  return (guint)k < G_N_ELEMENTS(container_state_names) ? container_state_names[k] : "?";
}

void ks_container_state_clear(KsContainerState *s) {
  g_clear_pointer(&s->reason, g_free);
  g_clear_pointer(&s->message, g_free);
  *s = (KsContainerState){0};
}

static void container_state_copy(KsContainerState *dst, const KsContainerState *src) {
  *dst = *src;
  dst->reason = g_strdup(src->reason);
  dst->message = g_strdup(src->message);
}

void ks_container_state_set(KsContainerState *dst, const KsContainerState *src) {
  if (dst == src)
    return;
  ks_container_state_clear(dst);
  container_state_copy(dst, src);
}

void ks_container_status_clear(KsContainerStatus *s) {
  g_clear_pointer(&s->name, g_free);
  ks_container_state_clear(&s->state);
  ks_container_state_clear(&s->last_state);
}

static GArray *container_statuses_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = g_array_sized_new(FALSE, TRUE, sizeof(KsContainerStatus), src->len);
  g_array_set_clear_func(a, (GDestroyNotify)ks_container_status_clear);
  for (guint i = 0; i < src->len; i++) {
    const KsContainerStatus *s = &g_array_index(src, KsContainerStatus, i);
    KsContainerStatus c = {g_strdup(s->name), s->ready, s->restart_count, {0}, {0}};
    container_state_copy(&c.state, &s->state);
    container_state_copy(&c.last_state, &s->last_state);
    g_array_append_val(a, c);
  }
  return a;
}

const char *ks_volume_source_to_string(KsVolumeSource s) {
  return (guint)s < G_N_ELEMENTS(volume_names) ? volume_names[s] : "?";
}

/* ---- containers, ports, volumes ------------------------------------------ */

void ks_container_port_clear(KsContainerPort *port) {
  g_clear_pointer(&port->name, g_free);
  g_clear_pointer(&port->host_ip, g_free);
}

static void port_clear_func(gpointer p) { ks_container_port_clear(p); }

static GArray *port_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsContainerPort));
  g_array_set_clear_func(a, port_clear_func);
  return a;
}

KsContainerPort *ks_container_add_port(KsContainer *c) {
  if (!c->ports)
    c->ports = port_array_new();
  g_array_set_size(c->ports, c->ports->len + 1);
  return &g_array_index(c->ports, KsContainerPort, c->ports->len - 1);
}

static GArray *ports_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = port_array_new();
  for (guint i = 0; i < src->len; i++) {
    KsContainerPort p = g_array_index(src, KsContainerPort, i);
    p.name = g_strdup(p.name);
    p.host_ip = g_strdup(p.host_ip);
    g_array_append_val(a, p);
  }
  return a;
}

void ks_config_ref_clear(KsConfigRef *r) { g_clear_pointer(&r->name, g_free); }

static void config_ref_clear_func(gpointer p) { ks_config_ref_clear(p); }

static GArray *config_ref_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsConfigRef));
  g_array_set_clear_func(a, config_ref_clear_func);
  return a;
}

void ks_container_add_config_ref(KsContainer *c, KsConfigRefKind kind, const char *name,
                                 gboolean optional) {
  if (!c->config_refs)
    c->config_refs = config_ref_array_new();
  KsConfigRef r = {kind, g_strdup(name), optional};
  g_array_append_val(c->config_refs, r);
}

static GArray *config_refs_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = config_ref_array_new();
  for (guint i = 0; i < src->len; i++) {
    KsConfigRef r = g_array_index(src, KsConfigRef, i);
    r.name = g_strdup(r.name);
    g_array_append_val(a, r);
  }
  return a;
}

void ks_container_clear(KsContainer *c) {
  g_clear_pointer(&c->name, g_free);
  g_clear_pointer(&c->image, g_free);
  g_clear_pointer(&c->config_refs, g_array_unref);
  ks_resource_list_clear(&c->requests);
  ks_resource_list_clear(&c->limits);
  g_clear_pointer(&c->ports, g_array_unref);
}

static void container_copy(KsContainer *dst, const KsContainer *src) {
  dst->name = g_strdup(src->name);
  dst->image = g_strdup(src->image);
  dst->config_refs = config_refs_copy(src->config_refs);
  ks_resource_list_copy(&dst->requests, &src->requests);
  ks_resource_list_copy(&dst->limits, &src->limits);
  dst->ports = ports_copy(src->ports);
  dst->restart_always = src->restart_always;
  dst->image_pull_policy = src->image_pull_policy;
}

static void container_clear_func(gpointer p) { ks_container_clear(p); }

static GArray *container_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsContainer));
  g_array_set_clear_func(a, container_clear_func);
  return a;
}

static GArray *containers_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = container_array_new();
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    container_copy(&g_array_index(a, KsContainer, i), &g_array_index(src, KsContainer, i));
  return a;
}

void ks_volume_clear(KsVolume *v) {
  g_clear_pointer(&v->name, g_free);
  g_clear_pointer(&v->ref, g_free);
  g_clear_pointer(&v->monitors, g_strfreev);
}

static void volume_clear_func(gpointer p) { ks_volume_clear(p); }

static GArray *volume_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsVolume));
  g_array_set_clear_func(a, volume_clear_func);
  return a;
}

static GArray *volumes_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = volume_array_new();
  for (guint i = 0; i < src->len; i++) {
    KsVolume v = g_array_index(src, KsVolume, i);
    v.name = g_strdup(v.name);
    v.ref = g_strdup(v.ref);
    v.monitors = g_strdupv(v.monitors);
    g_array_append_val(a, v);
  }
  return a;
}

static void toleration_clear_func(gpointer p) { ks_toleration_clear(p); }

/* ---- status conditions ------------------------------------------------------ */

void ks_pod_condition_clear(KsPodCondition *c) {
  g_clear_pointer(&c->type, g_free);
  g_clear_pointer(&c->reason, g_free);
  g_clear_pointer(&c->message, g_free);
}

static void condition_clear_func(gpointer p) { ks_pod_condition_clear(p); }

static GArray *condition_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsPodCondition));
  g_array_set_clear_func(a, condition_clear_func);
  return a;
}

static GArray *conditions_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = condition_array_new();
  for (guint i = 0; i < src->len; i++) {
    KsPodCondition c = g_array_index(src, KsPodCondition, i);
    c.type = g_strdup(c.type);
    c.reason = g_strdup(c.reason);
    c.message = g_strdup(c.message);
    g_array_append_val(a, c);
  }
  return a;
}

static gint condition_index(const KsPod *p, const char *type) {
  for (guint i = 0; p->conditions && type && i < p->conditions->len; i++)
    if (strcmp(g_array_index(p->conditions, KsPodCondition, i).type, type) == 0)
      return (gint)i;
  return -1;
}

const KsPodCondition *ks_pod_get_condition(const KsPod *p, const char *type) {
  gint i = condition_index(p, type);
  return i < 0 ? NULL : &g_array_index(p->conditions, KsPodCondition, i);
}

static gboolean replace_str(char **slot, const char *v) {
  if (g_strcmp0(*slot, v) == 0)
    return FALSE;
  g_free(*slot);
  *slot = g_strdup(v);
  return TRUE;
}

gboolean ks_pod_set_condition(KsPod *p, const char *type, KsPodConditionStatus status,
                              const char *reason, const char *message, gint64 now_us) {
  g_return_val_if_fail(p != NULL && type != NULL && strcmp(type, "Ready") != 0, FALSE);
  gint i = condition_index(p, type);
  if (i < 0) {
    if (!p->conditions)
      p->conditions = condition_array_new();
    KsPodCondition c = {g_strdup(type), status, g_strdup(reason), g_strdup(message), now_us};
    g_array_append_val(p->conditions, c);
    return TRUE;
  }
  KsPodCondition *c = &g_array_index(p->conditions, KsPodCondition, i);
  gboolean changed = FALSE;
  if (c->status != status) {
    c->status = status;
    c->last_transition_time_us = now_us;
    changed = TRUE;
  }
  changed |= replace_str(&c->reason, reason);
  changed |= replace_str(&c->message, message);
  return changed;
}

gboolean ks_pod_remove_condition(KsPod *p, const char *type) {
  gint i = condition_index(p, type);
  if (i < 0)
    return FALSE;
  g_array_remove_index(p->conditions, (guint)i);
  return TRUE;
}

void ks_pod_set_status_reason(KsPod *p, const char *reason, const char *message) {
  replace_str(&p->reason, reason);
  replace_str(&p->message, message);
}

/* ---- the pod ------------------------------------------------------------- */

KsPod *ks_pod_new(const char *ns, const char *name) {
  KsPod *p = g_new0(KsPod, 1);
  p->ref_count = 1;
  p->name = g_strdup(name);
  p->namespace = g_strdup(ns && *ns ? ns : "default");
  ks_labels_init(&p->labels);
  ks_labels_init(&p->annotations);
  ks_labels_init(&p->node_selector);
  ks_resource_list_init(&p->overhead);
  p->containers = container_array_new();
  p->scheduler_name = g_strdup(KS_DEFAULT_SCHEDULER_NAME);
  p->preemption_policy = KS_PREEMPT_LOWER_PRIORITY;
  p->restart_policy = KS_RESTART_ALWAYS;
  p->termination_grace_period_seconds = 30;
  p->phase = KS_POD_PENDING;
  return p;
}

KsPod *ks_pod_ref(KsPod *p) {
  g_return_val_if_fail(p != NULL, NULL);
  g_atomic_int_inc(&p->ref_count);
  return p;
}

static void pod_free(KsPod *p) {
  g_free(p->name);
  g_free(p->namespace);
  g_free(p->uid);
  g_free(p->generate_name);
  if (p->owner_references)
    g_array_unref(p->owner_references);
  g_strfreev(p->finalizers);
  ks_labels_clear(&p->labels);
  ks_labels_clear(&p->annotations);
  if (p->containers)
    g_array_unref(p->containers);
  if (p->init_containers)
    g_array_unref(p->init_containers);
  ks_resource_list_clear(&p->overhead);
  g_free(p->node_name);
  ks_labels_clear(&p->node_selector);
  g_free(p->scheduler_name);
  g_free(p->priority_class_name);
  if (p->tolerations)
    g_array_unref(p->tolerations);
  ks_affinity_free(p->affinity);
  if (p->topology_spread_constraints)
    g_array_unref(p->topology_spread_constraints);
  if (p->volumes)
    g_array_unref(p->volumes);
  g_strfreev(p->scheduling_gates);
  g_free(p->nominated_node_name);
  g_free(p->reason);
  g_free(p->message);
  if (p->conditions)
    g_array_unref(p->conditions);
  ks_container_state_clear(&p->container_state);
  ks_container_state_clear(&p->last_state);
  if (p->container_statuses)
    g_array_unref(p->container_statuses);
  if (p->init_container_statuses)
    g_array_unref(p->init_container_statuses);
  g_free(p);
}

void ks_pod_unref(KsPod *p) {
  if (p && g_atomic_int_dec_and_test(&p->ref_count))
    pod_free(p);
}

KsPod *ks_pod_copy(const KsPod *p) {
  g_return_val_if_fail(p != NULL, NULL);
  KsPod *c = g_new0(KsPod, 1);
  *c = *p; /* scalars; every pointer is replaced below */
  c->ref_count = 1;
  c->name = g_strdup(p->name);
  c->namespace = g_strdup(p->namespace);
  c->uid = g_strdup(p->uid);
  c->generate_name = g_strdup(p->generate_name);
  c->owner_references = ks_owner_reference_array_copy(p->owner_references);
  c->finalizers = g_strdupv(p->finalizers);
  ks_labels_copy(&c->labels, &p->labels);
  ks_labels_copy(&c->annotations, &p->annotations);
  c->containers = p->containers ? containers_copy(p->containers) : container_array_new();
  c->init_containers = containers_copy(p->init_containers);
  ks_resource_list_copy(&c->overhead, &p->overhead);
  c->node_name = g_strdup(p->node_name);
  ks_labels_copy(&c->node_selector, &p->node_selector);
  c->scheduler_name = g_strdup(p->scheduler_name);
  c->priority_class_name = g_strdup(p->priority_class_name);
  c->tolerations = ks_toleration_array_copy(p->tolerations);
  c->affinity = ks_affinity_copy(p->affinity);
  c->topology_spread_constraints =
      ks_topology_spread_constraint_array_copy(p->topology_spread_constraints);
  c->volumes = volumes_copy(p->volumes);
  c->scheduling_gates = g_strdupv(p->scheduling_gates);
  c->nominated_node_name = g_strdup(p->nominated_node_name);
  c->reason = g_strdup(p->reason);
  c->message = g_strdup(p->message);
  c->conditions = conditions_copy(p->conditions);
  container_state_copy(&c->container_state, &p->container_state);
  container_state_copy(&c->last_state, &p->last_state);
  c->container_statuses = container_statuses_copy(p->container_statuses);
  c->init_container_statuses = container_statuses_copy(p->init_container_statuses);
  return c;
}

KsContainer *ks_pod_add_container(KsPod *p, const char *name, gboolean init) {
  GArray **arr = init ? &p->init_containers : &p->containers;
  if (!*arr)
    *arr = container_array_new();
  g_array_set_size(*arr, (*arr)->len + 1);
  KsContainer *c = &g_array_index(*arr, KsContainer, (*arr)->len - 1);
  c->name = g_strdup(name);
  ks_resource_list_init(&c->requests);
  ks_resource_list_init(&c->limits);
  return c;
}

KsVolume *ks_pod_add_volume(KsPod *p, const char *name, KsVolumeSource source) {
  if (!p->volumes)
    p->volumes = volume_array_new();
  g_array_set_size(p->volumes, p->volumes->len + 1);
  KsVolume *v = &g_array_index(p->volumes, KsVolume, p->volumes->len - 1);
  v->name = g_strdup(name);
  v->source = source;
  return v;
}

KsToleration *ks_pod_add_toleration(KsPod *p) {
  if (!p->tolerations) {
    p->tolerations = g_array_new(FALSE, TRUE, sizeof(KsToleration));
    g_array_set_clear_func(p->tolerations, toleration_clear_func);
  }
  g_array_set_size(p->tolerations, p->tolerations->len + 1);
  return &g_array_index(p->tolerations, KsToleration, p->tolerations->len - 1);
}

/* ---- requests ------------------------------------------------------------ */

/* A container's requests as the walk sees them: a copy, with the non-zero
 * defaults filled in for missing cpu/memory entries when asked. */
static void container_requests(const KsContainer *c, gboolean nonzero, KsResourceList *out) {
  ks_resource_list_copy(out, &c->requests);
  if (!nonzero)
    return;
  if (!ks_resource_list_has(out, KS_RESOURCE_CPU))
    ks_resource_list_set(out, KS_RESOURCE_CPU, KS_DEFAULT_MILLI_CPU_REQUEST);
  if (!ks_resource_list_has(out, KS_RESOURCE_MEMORY))
    ks_resource_list_set(out, KS_RESOURCE_MEMORY, KS_DEFAULT_MEMORY_REQUEST);
}

/* Folds the init containers into out (which holds the regular sum). */
static void fold_init_containers(const GArray *inits, gboolean nonzero, KsResourceList *out) {
  KsResourceList sidecars, init_max, req;
  ks_resource_list_init(&sidecars);
  ks_resource_list_init(&init_max);
  for (guint i = 0; inits && i < inits->len; i++) {
    const KsContainer *c = &g_array_index(inits, KsContainer, i);
    container_requests(c, nonzero, &req);
    if (c->restart_always) {
      ks_resource_list_add(out, &req);
      ks_resource_list_add(&sidecars, &req);
      ks_resource_list_max(&init_max, &sidecars);
    } else {
      ks_resource_list_add(&req, &sidecars);
      ks_resource_list_max(&init_max, &req);
    }
    ks_resource_list_clear(&req);
  }
  ks_resource_list_max(out, &init_max);
  ks_resource_list_clear(&sidecars);
  ks_resource_list_clear(&init_max);
}

static void aggregate(const KsPod *p, gboolean nonzero, KsResourceList *out) {
  ks_resource_list_init(out);
  for (guint i = 0; p->containers && i < p->containers->len; i++) {
    KsResourceList req;
    container_requests(&g_array_index(p->containers, KsContainer, i), nonzero, &req);
    ks_resource_list_add(out, &req);
    ks_resource_list_clear(&req);
  }
  fold_init_containers(p->init_containers, nonzero, out);
  ks_resource_list_add(out, &p->overhead);
}

void ks_pod_compute_requests(const KsPod *p, KsResourceList *out) { aggregate(p, FALSE, out); }

/* The fixed resources every container (regular and init) has a limit for. */
static guint limits_declared(const KsPod *p) {
  guint all = KS_RESOURCE_HAS_CPU | KS_RESOURCE_HAS_MEMORY | KS_RESOURCE_HAS_EPHEMERAL_STORAGE;
  for (guint i = 0; p->containers && i < p->containers->len; i++)
    all &= g_array_index(p->containers, KsContainer, i).limits.present;
  for (guint i = 0; p->init_containers && i < p->init_containers->len; i++)
    all &= g_array_index(p->init_containers, KsContainer, i).limits.present;
  return all;
}

void ks_pod_compute_limits(const KsPod *p, KsResourceList *out) {
  KsResourceList sum, sidecars, init_max, lim;
  ks_resource_list_init(&sum);
  ks_resource_list_init(&sidecars);
  ks_resource_list_init(&init_max);
  for (guint i = 0; p->containers && i < p->containers->len; i++)
    ks_resource_list_add(&sum, &g_array_index(p->containers, KsContainer, i).limits);
  for (guint i = 0; p->init_containers && i < p->init_containers->len; i++) {
    const KsContainer *c = &g_array_index(p->init_containers, KsContainer, i);
    ks_resource_list_copy(&lim, &c->limits);
    if (c->restart_always) {
      ks_resource_list_add(&sum, &lim);
      ks_resource_list_add(&sidecars, &lim);
      ks_resource_list_max(&init_max, &sidecars);
    } else {
      ks_resource_list_add(&lim, &sidecars);
      ks_resource_list_max(&init_max, &lim);
    }
    ks_resource_list_clear(&lim);
  }
  ks_resource_list_max(&sum, &init_max);
  ks_resource_list_add(&sum, &p->overhead);
  guint declared = (p->containers && p->containers->len) ? limits_declared(p) : 0;
  ks_resource_list_init(out);
  if (declared & KS_RESOURCE_HAS_CPU)
    ks_resource_list_set(out, KS_RESOURCE_CPU, sum.milli_cpu);
  if (declared & KS_RESOURCE_HAS_MEMORY)
    ks_resource_list_set(out, KS_RESOURCE_MEMORY, sum.memory);
  if (declared & KS_RESOURCE_HAS_EPHEMERAL_STORAGE)
    ks_resource_list_set(out, KS_RESOURCE_EPHEMERAL_STORAGE, sum.ephemeral_storage);
  ks_resource_list_clear(&sum);
  ks_resource_list_clear(&sidecars);
  ks_resource_list_clear(&init_max);
}

void ks_pod_compute_nonzero_requests(const KsPod *p, gint64 *milli_cpu, gint64 *memory) {
  KsResourceList r;
  aggregate(p, TRUE, &r);
  if (milli_cpu)
    *milli_cpu = r.milli_cpu;
  if (memory)
    *memory = r.memory;
  ks_resource_list_clear(&r);
}

guint ks_pod_key_hash(gconstpointer p) {
  const KsPod *pod = p;
  return g_str_hash(pod->namespace ? pod->namespace : "") * 31u + g_str_hash(pod->name);
}

gboolean ks_pod_key_equal(gconstpointer a, gconstpointer b) {
  const KsPod *x = a, *y = b;
  return g_strcmp0(x->namespace, y->namespace) == 0 && g_strcmp0(x->name, y->name) == 0;
}

/* ---- comparison (upstream isPodUpdated) ------------------------------------------
 * Field by field over everything KsPod holds except its status (phase,
 * nominatedNodeName, startTime, Ready, reason, message, conditions) and finalizers: metadata (identity,
 * generateName, labels, annotations, creation time, owner references,
 * deletion timestamp and grace period) and the whole spec. Upstream
 * compares with reflect.DeepEqual after stripping status, resourceVersion,
 * generation, managedFields and finalizers; KsPod has no resourceVersion,
 * generation or managedFields. An absent
 * array or string vector equals an empty one, and a NULL string equals ""
 * (the API's zero values, which ksim's loaders may leave NULL). */

static gboolean str_eq(const char *a, const char *b) {
  return strcmp(a ? a : "", b ? b : "") == 0;
}

static gboolean strv_eq(char *const *a, char *const *b) {
  guint na = a ? g_strv_length((char **)a) : 0, nb = b ? g_strv_length((char **)b) : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!str_eq(a[i], b[i]))
      return FALSE;
  return TRUE;
}

typedef gboolean (*ElemEq)(gconstpointer a, gconstpointer b);

static gboolean array_eq(const GArray *a, const GArray *b, ElemEq eq) {
  guint na = a ? a->len : 0, nb = b ? b->len : 0;
  if (na != nb)
    return FALSE;
  if (na == 0)
    return TRUE;
  guint size = g_array_get_element_size((GArray *)a);
  for (guint i = 0; i < na; i++)
    if (!eq(a->data + (gsize)i * size, b->data + (gsize)i * size))
      return FALSE;
  return TRUE;
}

static gboolean requirement_eq(gconstpointer pa, gconstpointer pb) {
  const KsSelectorRequirement *a = pa, *b = pb;
  return str_eq(a->key, b->key) && a->op == b->op && strv_eq(a->values, b->values);
}

static gboolean label_selector_eq(const KsLabelSelector *a, const KsLabelSelector *b) {
  if (!a || !b)
    return a == b; /* nil matches nothing, empty matches everything: not the same */
  return ks_labels_equal(&a->match_labels, &b->match_labels) &&
         array_eq(a->match_expressions, b->match_expressions, requirement_eq);
}

static gboolean node_selector_term_eq(gconstpointer pa, gconstpointer pb) {
  const KsNodeSelectorTerm *a = pa, *b = pb;
  return array_eq(a->match_expressions, b->match_expressions, requirement_eq) &&
         array_eq(a->match_fields, b->match_fields, requirement_eq);
}

static gboolean preferred_scheduling_term_eq(gconstpointer pa, gconstpointer pb) {
  const KsPreferredSchedulingTerm *a = pa, *b = pb;
  return a->weight == b->weight && node_selector_term_eq(&a->preference, &b->preference);
}

static gboolean node_affinity_eq(const KsNodeAffinity *a, const KsNodeAffinity *b) {
  if (!a || !b)
    return a == b;
  if (!a->required != !b->required)
    return FALSE;
  if (a->required && !array_eq(a->required->terms, b->required->terms, node_selector_term_eq))
    return FALSE;
  return array_eq(a->preferred, b->preferred, preferred_scheduling_term_eq);
}

static gboolean pod_affinity_term_eq(gconstpointer pa, gconstpointer pb) {
  const KsPodAffinityTerm *a = pa, *b = pb;
  return label_selector_eq(a->label_selector, b->label_selector) &&
         strv_eq(a->namespaces, b->namespaces) &&
         label_selector_eq(a->namespace_selector, b->namespace_selector) &&
         str_eq(a->topology_key, b->topology_key) &&
         strv_eq(a->match_label_keys, b->match_label_keys) &&
         strv_eq(a->mismatch_label_keys, b->mismatch_label_keys);
}

static gboolean weighted_pod_affinity_term_eq(gconstpointer pa, gconstpointer pb) {
  const KsWeightedPodAffinityTerm *a = pa, *b = pb;
  return a->weight == b->weight && pod_affinity_term_eq(&a->term, &b->term);
}

static gboolean pod_affinity_eq(const KsPodAffinity *a, const KsPodAffinity *b) {
  if (!a || !b)
    return a == b;
  return array_eq(a->required, b->required, pod_affinity_term_eq) &&
         array_eq(a->preferred, b->preferred, weighted_pod_affinity_term_eq);
}

static gboolean affinity_eq(const KsAffinity *a, const KsAffinity *b) {
  if (!a || !b)
    return a == b;
  return node_affinity_eq(a->node_affinity, b->node_affinity) &&
         pod_affinity_eq(a->pod_affinity, b->pod_affinity) &&
         pod_affinity_eq(a->pod_anti_affinity, b->pod_anti_affinity);
}

static gboolean spread_constraint_eq(gconstpointer pa, gconstpointer pb) {
  const KsTopologySpreadConstraint *a = pa, *b = pb;
  return a->max_skew == b->max_skew && str_eq(a->topology_key, b->topology_key) &&
         a->when_unsatisfiable == b->when_unsatisfiable &&
         label_selector_eq(a->label_selector, b->label_selector) &&
         a->min_domains == b->min_domains && a->node_affinity_policy == b->node_affinity_policy &&
         a->node_taints_policy == b->node_taints_policy &&
         strv_eq(a->match_label_keys, b->match_label_keys);
}

static gboolean toleration_eq(gconstpointer pa, gconstpointer pb) {
  const KsToleration *a = pa, *b = pb;
  return str_eq(a->key, b->key) && a->op == b->op && str_eq(a->value, b->value) &&
         a->effect == b->effect && a->has_toleration_seconds == b->has_toleration_seconds &&
         (!a->has_toleration_seconds || a->toleration_seconds == b->toleration_seconds);
}

static gboolean port_eq(gconstpointer pa, gconstpointer pb) {
  const KsContainerPort *a = pa, *b = pb;
  return str_eq(a->name, b->name) && a->container_port == b->container_port &&
         a->host_port == b->host_port && a->protocol == b->protocol &&
         str_eq(a->host_ip, b->host_ip);
}

static gboolean config_ref_eq(gconstpointer pa, gconstpointer pb) {
  const KsConfigRef *a = pa, *b = pb;
  return a->kind == b->kind && str_eq(a->name, b->name) && a->optional == b->optional;
}

static gboolean container_eq(gconstpointer pa, gconstpointer pb) {
  const KsContainer *a = pa, *b = pb;
  return str_eq(a->name, b->name) && str_eq(a->image, b->image) &&
         array_eq(a->config_refs, b->config_refs, config_ref_eq) &&
         ks_resource_list_equal(&a->requests, &b->requests) &&
         ks_resource_list_equal(&a->limits, &b->limits) && array_eq(a->ports, b->ports, port_eq) &&
         a->restart_always == b->restart_always && a->image_pull_policy == b->image_pull_policy;
}

static gboolean volume_eq(gconstpointer pa, gconstpointer pb) {
  const KsVolume *a = pa, *b = pb;
  return str_eq(a->name, b->name) && a->source == b->source && str_eq(a->ref, b->ref) &&
         a->read_only == b->read_only && a->size_limit == b->size_limit &&
         a->optional == b->optional &&
         strv_eq(a->monitors, b->monitors);
}

gboolean ks_pod_equal_except_status(const KsPod *a, const KsPod *b) {
  if (a == b)
    return TRUE;
  /* metadata */
  if (!str_eq(a->name, b->name) || !str_eq(a->namespace, b->namespace) ||
      !str_eq(a->uid, b->uid) || !ks_labels_equal(&a->labels, &b->labels) ||
      !ks_labels_equal(&a->annotations, &b->annotations) ||
      a->creation_timestamp_us != b->creation_timestamp_us ||
      !str_eq(a->generate_name, b->generate_name) ||
      !ks_owner_reference_array_equal(a->owner_references, b->owner_references) ||
      a->deletion_timestamp_us != b->deletion_timestamp_us ||
      a->deletion_grace_period_seconds != b->deletion_grace_period_seconds)
    return FALSE;
  /* spec */
  return array_eq(a->containers, b->containers, container_eq) &&
         array_eq(a->init_containers, b->init_containers, container_eq) &&
         ks_resource_list_equal(&a->overhead, &b->overhead) && str_eq(a->node_name, b->node_name) &&
         ks_labels_equal(&a->node_selector, &b->node_selector) &&
         str_eq(a->scheduler_name, b->scheduler_name) && a->has_priority == b->has_priority &&
         a->priority == b->priority && str_eq(a->priority_class_name, b->priority_class_name) &&
         a->preemption_policy == b->preemption_policy &&
         array_eq(a->tolerations, b->tolerations, toleration_eq) &&
         affinity_eq(a->affinity, b->affinity) &&
         array_eq(a->topology_spread_constraints, b->topology_spread_constraints,
                  spread_constraint_eq) &&
         array_eq(a->volumes, b->volumes, volume_eq) &&
         strv_eq(a->scheduling_gates, b->scheduling_gates) &&
         a->restart_policy == b->restart_policy &&
         a->termination_grace_period_seconds == b->termination_grace_period_seconds &&
         a->host_network == b->host_network;
}

/* ---- controller helpers ----------------------------------------------------- */

const KsOwnerReference *ks_pod_get_controller(const KsPod *p) {
  return ks_owner_reference_get_controller(p->owner_references);
}

gboolean ks_pod_is_terminating(const KsPod *p) { return p->deletion_timestamp_us != 0; }

gboolean ks_pod_is_available(const KsPod *p, gint32 min_ready_seconds, gint64 now_us) {
  if (!p->ready)
    return FALSE;
  if (min_ready_seconds <= 0)
    return TRUE;
  /* upstream: LastTransitionTime + minReadySeconds strictly Before(now) */
  return p->ready_since_us + (gint64)min_ready_seconds * G_USEC_PER_SEC < now_us;
}
