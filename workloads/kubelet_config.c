/* KubeletConfiguration (kubelet.config.k8s.io/v1beta1) loader.
 *
 * Three passes, as the kubelet runs them at start-up:
 *   1. decode: the YAML tree is walked strictly (an unknown or repeated
 *      field is an error); the fields ksim uses are type-checked, the rest
 *      of the v1beta1 type is accepted by name (known_fields below);
 *   2. default: SetDefaults_KubeletConfiguration's values for those fields
 *      (v1.31): evictionHard only when absent, evictionPressureTransitionPeriod
 *      5m when zero, serializeImagePulls from maxParallelImagePulls, image GC
 *      85/80/2m, nodeStatusMaxImages 50, registryPullQPS 5, registryBurst 10
 *      when zero, maxPods 110 when zero;
 *   3. validate: ValidateKubeletConfiguration's checks on those fields with
 *      its messages ("invalid configuration: ..."), then the eviction maps
 *      through ParseThresholdConfig's rules and messages
 *      (pkg/kubelet/eviction/helpers.go). Upstream aggregates every error; we
 *      stop at the first, which carries file:line:column.
 *
 * Trade-off: the ignored fields are checked by name only, not by type: a
 * file the real kubelet refuses for a bad value of, say, cgroupDriver loads
 * here. Their values cannot change what ksim simulates.
 */
#include "workloads/kubelet_config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sched/quantity.h"
#include "workloads/duration.h"
#include "workloads/manifest_decode.h"

#define MI (1024LL * 1024)

/* resource.ErrFormatWrong's text */
#define QUANTITY_SYNTAX \
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

static const char *const signal_names[KS_EVICTION_SIGNAL_COUNT] = {
    [KS_EVICTION_SIGNAL_MEMORY_AVAILABLE] = "memory.available",
    [KS_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE] = "allocatableMemory.available",
    [KS_EVICTION_SIGNAL_NODEFS_AVAILABLE] = "nodefs.available",
    [KS_EVICTION_SIGNAL_NODEFS_INODES_FREE] = "nodefs.inodesFree",
    [KS_EVICTION_SIGNAL_IMAGEFS_AVAILABLE] = "imagefs.available",
    [KS_EVICTION_SIGNAL_IMAGEFS_INODES_FREE] = "imagefs.inodesFree",
    [KS_EVICTION_SIGNAL_CONTAINERFS_AVAILABLE] = "containerfs.available",
    [KS_EVICTION_SIGNAL_CONTAINERFS_INODES_FREE] = "containerfs.inodesFree",
    [KS_EVICTION_SIGNAL_PID_AVAILABLE] = "pid.available",
};

const char *ks_eviction_signal_name(KsEvictionSignal s) {
  return (guint)s < KS_EVICTION_SIGNAL_COUNT ? signal_names[s] : "?";
}

gint ks_eviction_signal_from_name(const char *name) {
  for (guint s = 0; name && s < KS_EVICTION_SIGNAL_COUNT; s++)
    if (strcmp(signal_names[s], name) == 0)
      return (gint)s;
  return -1;
}

gint64 ks_threshold_value_quantity(const KsThresholdValue *v, gint64 capacity) {
  if (!v->is_percentage)
    return v->quantity;
  return (gint64)((double)v->percentage * (double)capacity);
}

/* Every field of the v1beta1 KubeletConfiguration (k8s.io/kubelet/config/
 * v1beta1 types.go). The ones decoded below are typed; the rest are
 * accepted and ignored. mergeDefaultEvictionSettings is not here: it came
 * after v1.31 and would change the evictionHard defaulting ksim follows. */
static const char *const known_fields[] = {
    "apiVersion", "kind", "enableServer", "staticPodPath", "podLogsDir", "syncFrequency",
    "fileCheckFrequency", "httpCheckFrequency", "staticPodURL", "staticPodURLHeader", "address",
    "port", "readOnlyPort", "tlsCertFile", "tlsPrivateKeyFile", "tlsCipherSuites",
    "tlsCurvePreferences", "tlsMinVersion", "rotateCertificates", "serverTLSBootstrap",
    "authentication", "authorization", "registryPullQPS", "registryBurst",
    "imagePullCredentialsVerificationPolicy", "preloadedImagesVerificationAllowlist",
    "eventRecordQPS", "eventBurst", "enableDebuggingHandlers", "enableContentionProfiling",
    "healthzPort", "healthzBindAddress", "oomScoreAdj", "clusterDomain", "clusterDNS",
    "streamingConnectionIdleTimeout", "nodeStatusUpdateFrequency", "nodeStatusReportFrequency",
    "nodeLeaseDurationSeconds", "imageMinimumGCAge", "imageMaximumGCAge",
    "imageGCHighThresholdPercent", "imageGCLowThresholdPercent", "volumeStatsAggPeriod",
    "kubeletCgroups", "systemCgroups", "cgroupRoot", "cgroupsPerQOS", "cgroupDriver",
    "cpuManagerPolicy", "singleProcessOOMKill", "cpuManagerPolicyOptions",
    "cpuManagerReconcilePeriod", "draManagerReconcilePeriod", "memoryManagerPolicy",
    "topologyManagerPolicy", "topologyManagerScope", "topologyManagerPolicyOptions", "qosReserved",
    "runtimeRequestTimeout", "hairpinMode", "maxPods", "podCIDR", "podPidsLimit", "resolvConf",
    "runOnce", "cpuCFSQuota", "cpuCFSQuotaPeriod", "nodeStatusMaxImages", "maxOpenFiles",
    "contentType", "kubeAPIQPS", "kubeAPIBurst", "serializeImagePulls", "maxParallelImagePulls",
    "evictionHard", "evictionSoft", "evictionSoftGracePeriod", "evictionPressureTransitionPeriod",
    "evictionMaxPodGracePeriod", "evictionMinimumReclaim", "podsPerCore",
    "enableControllerAttachDetach", "protectKernelDefaults", "makeIPTablesUtilChains",
    "iptablesMasqueradeBit", "iptablesDropBit", "featureGates", "failSwapOn", "memorySwap",
    "containerLogMaxSize", "containerLogMaxFiles", "containerLogMaxWorkers",
    "containerLogMonitorInterval", "configMapAndSecretChangeDetectionStrategy", "systemReserved",
    "kubeReserved", "reservedSystemCPUs", "showHiddenMetricsForVersion", "systemReservedCgroup",
    "kubeReservedCgroup", "enforceNodeAllocatable", "allowedUnsafeSysctls", "volumePluginDir",
    "providerID", "kernelMemcgNotification", "logging", "enableSystemLogHandler",
    "enableSystemLogQuery", "shutdownGracePeriod", "shutdownGracePeriodCriticalPods",
    "shutdownGracePeriodByPodPriority", "crashLoopBackOff", "reservedMemory",
    "enableProfilingHandler", "enableDebugFlagsHandler", "seccompDefault",
    "memoryThrottlingFactor", "memoryReservationPolicy", "registerWithTaints", "registerNode",
    "tracing", "localStorageCapacityIsolation", "containerRuntimeEndpoint",
    "imageServiceEndpoint", "failCgroupV1", "userNamespaces", NULL};

/* ---- helpers ------------------------------------------------------------------------ */

/* Fails at field `key` of m (or at m when absent) with path ...key. */
static gboolean fail_field(KsDec *d, const KsYamlNode *m, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static gboolean fail_field(KsDec *d, const KsYamlNode *m, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  const KsYamlNode *at = ks_yaml_get(m, key);
  gsize mark = ks_dec_push_field(d, key);
  ks_dec_fail(d, at ? at : m, "%s", msg);
  ks_dec_pop(d, mark);
  g_free(msg);
  return FALSE;
}

static gboolean check_fields(KsDec *d, const KsYamlNode *m) {
  for (guint i = 0; i < ks_yaml_len(m); i++) {
    const char *key = ks_yaml_key(m, i);
    const KsYamlNode *key_node = m->items->pdata[2 * i];
    gsize mark = ks_dec_push_field(d, key ? key : "?");
    gboolean ok = TRUE;
    if (key && strcmp(key, "mergeDefaultEvictionSettings") == 0)
      ok = ks_dec_fail(d, key_node,
                       "unknown field \"%s\": KubeletConfiguration v1.31 has no such field (it "
                       "came in a later release; ksim follows v1.31, where a given evictionHard "
                       "replaces the defaults)",
                       d->path->str);
    else if (!key || !g_strv_contains(known_fields, key))
      ok = ks_dec_fail(d, key_node, "unknown field \"%s\"", d->path->str);
    for (guint j = 0; ok && j < i; j++)
      if (g_strcmp0(ks_yaml_key(m, j), key) == 0)
        ok = ks_dec_fail(d, key_node, "duplicate field \"%s\"", d->path->str);
    ks_dec_pop(d, mark);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* Go's Duration.String() for microseconds: "2m0s", "1h0m0s", "1.5s",
 * "500ms", "-1m0s", "0s". transfer full */
static char *go_duration_string(gint64 us) {
  if (us == 0)
    return g_strdup("0s");
  gboolean neg = us < 0;
  guint64 u = neg ? (guint64)0 - (guint64)us : (guint64)us;
  GString *s = g_string_new(neg ? "-" : "");
  if (u < G_USEC_PER_SEC) {
    if (u < 1000) {
      g_string_append_printf(s, "%" G_GUINT64_FORMAT "µs", u);
    } else {
      g_string_append_printf(s, "%" G_GUINT64_FORMAT, u / 1000);
      guint64 frac = u % 1000;
      if (frac) {
        char buf[8];
        g_snprintf(buf, sizeof buf, "%03" G_GUINT64_FORMAT, frac);
        for (int i = 2; i >= 0 && buf[i] == '0'; i--)
          buf[i] = '\0';
        g_string_append_printf(s, ".%s", buf);
      }
      g_string_append(s, "ms");
    }
    return g_string_free(s, FALSE);
  }
  guint64 secs = u / G_USEC_PER_SEC, frac = u % G_USEC_PER_SEC;
  guint64 h = secs / 3600, m = (secs / 60) % 60, sec = secs % 60;
  if (h)
    g_string_append_printf(s, "%" G_GUINT64_FORMAT "h", h);
  if (h || m)
    g_string_append_printf(s, "%" G_GUINT64_FORMAT "m", m);
  g_string_append_printf(s, "%" G_GUINT64_FORMAT, sec);
  if (frac) {
    char buf[8];
    g_snprintf(buf, sizeof buf, "%06" G_GUINT64_FORMAT, frac);
    for (int i = 5; i >= 0 && buf[i] == '0'; i--)
      buf[i] = '\0';
    g_string_append_printf(s, ".%s", buf);
  }
  g_string_append(s, "s");
  return g_string_free(s, FALSE);
}

/* time.ParseDuration: ks_duration_parse plus Go's leading sign. */
static gboolean parse_go_duration(const char *s, gint64 *out) {
  gboolean neg = *s == '-';
  if (*s == '-' || *s == '+')
    s++;
  if (*s == '-' || *s == '+' || !ks_duration_parse(s, out, NULL))
    return FALSE;
  if (neg)
    *out = -*out;
  return TRUE;
}

/* A metav1.Duration field (a Go duration string). *present set when given. */
static gboolean dec_duration(KsDec *d, const KsYamlNode *m, const char *key, gint64 *out,
                             gboolean *present) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (present)
    *present = FALSE;
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  const char *s = NULL;
  gboolean ok = ks_dec_scalar(d, n, &s);
  if (ok && !parse_go_duration(s, out))
    ok = ks_dec_fail(d, n, "time: invalid duration \"%s\"", s);
  ks_dec_pop(d, mark);
  if (ok && present)
    *present = TRUE;
  return ok;
}

/* A map[string]string field: NULL when absent or null (Go's nil map),
 * else the mapping (possibly empty). */
static gboolean get_string_map(KsDec *d, const KsYamlNode *m, const char *key,
                               const KsYamlNode **out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  *out = NULL;
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_mapping(d, n);
  for (guint i = 0; ok && i < ks_yaml_len(n); i++) {
    const char *k = ks_yaml_key(n, i);
    const KsYamlNode *key_node = n->items->pdata[2 * i];
    const KsYamlNode *v = ks_yaml_value(n, i);
    gsize im = ks_dec_push_field(d, k ? k : "?");
    if (!k)
      ok = ks_dec_fail(d, key_node, "a map key must be a string");
    for (guint j = 0; ok && j < i; j++)
      if (g_strcmp0(ks_yaml_key(n, j), k) == 0)
        ok = ks_dec_fail(d, key_node, "duplicate key \"%s\"", k);
    const char *s = NULL;
    if (ok && ks_dec_is_absent(v))
      ok = ks_dec_fail(d, v ? v : key_node, "expected a string, got null");
    if (ok)
      ok = ks_dec_scalar(d, v, &s);
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, mark);
  *out = ok ? n : NULL;
  return ok;
}

/* strconv.ParseFloat(s, 32) for decimal input, then float32(v)/100 as
 * parsePercentage. FALSE with Go's message in *why on failure. */
static gboolean parse_percentage(const char *val, float *out, char **why) {
  gsize len = strlen(val);
  char *num = g_strndup(val, len - 1); /* TrimRight "%" (one is enough: "%%" fails below) */
  const char *p = num;
  if (*p == '+' || *p == '-')
    p++;
  gsize digits = strspn(p, "0123456789");
  const char *q = p + digits;
  gsize frac = 0;
  if (*q == '.') {
    frac = strspn(q + 1, "0123456789");
    q += 1 + frac;
  }
  gboolean ok = digits + frac > 0;
  if (ok && (*q == 'e' || *q == 'E')) {
    q++;
    if (*q == '+' || *q == '-')
      q++;
    gsize e = strspn(q, "0123456789");
    ok = e > 0;
    q += e;
  }
  ok = ok && *q == '\0';
  if (!ok) {
    *why = g_strdup_printf("strconv.ParseFloat: parsing \"%s\": invalid syntax", num);
    g_free(num);
    return FALSE;
  }
  errno = 0;
  float f = strtof(num, NULL);
  if (isinf(f)) {
    *why = g_strdup_printf("strconv.ParseFloat: parsing \"%s\": value out of range", num);
    g_free(num);
    return FALSE;
  }
  g_free(num);
  *out = f / 100.0f;
  return TRUE;
}

/* resource.ParseQuantity(val).Value(). */
static gboolean parse_quantity(const char *val, gint64 *out, char **why) {
  GError *e = NULL;
  if (ks_quantity_parse(val, out, NULL, &e))
    return TRUE;
  if (e->code == KS_QUANTITY_ERROR_SYNTAX)
    *why = g_strdup(QUANTITY_SYNTAX);
  else
    *why = g_strdup(e->message);
  g_error_free(e);
  return FALSE;
}

/* ---- eviction thresholds (ParseThresholdConfig) -------------------------------------- */

/* Each entry of a threshold map, with its nodes for error positions. */
typedef struct {
  gint signal; /* -1 never kept */
  const KsYamlNode *key, *value;
} Entry;

/* The signal of entry i of map n, or an error "unsupported eviction signal". */
static gboolean entry_signal(KsDec *d, const KsYamlNode *n, guint i, gint *out) {
  const char *k = ks_yaml_key(n, i);
  *out = ks_eviction_signal_from_name(k);
  if (*out >= 0)
    return TRUE;
  gsize mark = ks_dec_push_field(d, k);
  ks_dec_fail(d, n->items->pdata[2 * i], "unsupported eviction signal %s", k);
  ks_dec_pop(d, mark);
  return FALSE;
}

/* parseThresholdStatement: appends to `out` unless the value is "0%" or
 * "100%" (ignored, as upstream). */
static gboolean threshold_statement(KsDec *d, const KsYamlNode *map, guint i, gboolean hard,
                                    GArray *out) {
  gint sig = 0;
  if (!entry_signal(d, map, i, &sig))
    return FALSE;
  const char *key = ks_yaml_key(map, i);
  const KsYamlNode *vn = ks_yaml_value(map, i);
  const char *val = vn->scalar;
  KsEvictionThreshold t = {.signal = (KsEvictionSignal)sig, .hard = hard};
  char *why = NULL;
  if (g_str_has_suffix(val, "%")) {
    if (strcmp(val, "0%") == 0 || strcmp(val, "100%") == 0)
      return TRUE;
    float pct = 0;
    if (!parse_percentage(val, &pct, &why)) {
    } else if (pct < 0) {
      why = g_strdup_printf("eviction percentage threshold %s must be >= 0%%: %s", key, val);
    } else if (pct > 1) {
      why = g_strdup_printf("eviction percentage threshold %s must be <= 100%%: %s", key, val);
    } else {
      t.value.is_percentage = TRUE;
      t.value.percentage = pct;
    }
  } else if (parse_quantity(val, &t.value.quantity, &why) && t.value.quantity <= 0) {
    why = g_strdup_printf("eviction threshold %s must be positive: %s", key, val);
  }
  if (why) {
    fail_field(d, map, key, "%s", why);
    g_free(why);
    return FALSE;
  }
  g_array_append_val(out, t);
  return TRUE;
}

static gint threshold_cmp(gconstpointer a, gconstpointer b) {
  const KsEvictionThreshold *x = a, *y = b;
  return (gint)x->signal - (gint)y->signal;
}

static gboolean threshold_statements(KsDec *d, const KsYamlNode *root, const char *field,
                                     gboolean hard, GArray *out) {
  const KsYamlNode *map = ks_yaml_get(root, field);
  gsize mark = ks_dec_push_field(d, field);
  gboolean ok = TRUE;
  guint first = out->len;
  for (guint i = 0; ok && i < ks_yaml_len(map); i++)
    ok = threshold_statement(d, map, i, hard, out);
  ks_dec_pop(d, mark);
  if (ok && out->len > first)
    qsort(&g_array_index(out, KsEvictionThreshold, first), out->len - first,
          sizeof(KsEvictionThreshold), threshold_cmp);
  return ok;
}

/* parseGracePeriods: per signal, -1 when not given. */
static gboolean grace_periods(KsDec *d, const KsYamlNode *root, gint64 *grace) {
  const KsYamlNode *map = ks_yaml_get(root, "evictionSoftGracePeriod");
  for (guint s = 0; s < KS_EVICTION_SIGNAL_COUNT; s++)
    grace[s] = -1;
  gsize mark = ks_dec_push_field(d, "evictionSoftGracePeriod");
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < ks_yaml_len(map); i++) {
    gint sig = 0;
    ok = entry_signal(d, map, i, &sig);
    if (!ok)
      break;
    const char *key = ks_yaml_key(map, i);
    const char *val = ks_yaml_value(map, i)->scalar;
    gint64 us = 0;
    if (!parse_go_duration(val, &us))
      ok = fail_field(d, map, key, "time: invalid duration \"%s\"", val);
    else if (us < 0)
      ok = fail_field(d, map, key,
                      "invalid eviction grace period specified: %s, must be a positive value", val);
    else
      grace[sig] = us;
  }
  ks_dec_pop(d, mark);
  return ok;
}

/* parseMinimumReclaims: per signal; has[s] FALSE when not given. */
static gboolean minimum_reclaims(KsDec *d, const KsYamlNode *root, KsThresholdValue *mr,
                                 gboolean *has) {
  const KsYamlNode *map = ks_yaml_get(root, "evictionMinimumReclaim");
  gsize mark = ks_dec_push_field(d, "evictionMinimumReclaim");
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < ks_yaml_len(map); i++) {
    gint sig = 0;
    ok = entry_signal(d, map, i, &sig);
    if (!ok)
      break;
    const char *key = ks_yaml_key(map, i);
    const char *val = ks_yaml_value(map, i)->scalar;
    KsThresholdValue v = {0};
    char *why = NULL;
    if (g_str_has_suffix(val, "%")) {
      if (parse_percentage(val, &v.percentage, &why) && v.percentage <= 0)
        why = g_strdup_printf("eviction percentage minimum reclaim %s must be positive: %s", key,
                              val);
      v.is_percentage = TRUE;
    } else if (parse_quantity(val, &v.quantity, &why) && v.quantity < 0) {
      why = g_strdup_printf("negative eviction minimum reclaim specified for %s", key);
    }
    if (why) {
      ok = fail_field(d, map, key, "%s", why);
      g_free(why);
    } else {
      mr[sig] = v;
      has[sig] = TRUE;
    }
  }
  ks_dec_pop(d, mark);
  return ok;
}

static void add_default_hard(GArray *out) {
  /* DefaultEvictionHard (defaults_linux.go, v1.31), in signal order */
  static const struct {
    KsEvictionSignal s;
    gint64 quantity;
    float pct;
  } defs[] = {
      {KS_EVICTION_SIGNAL_MEMORY_AVAILABLE, 100 * MI, 0},
      {KS_EVICTION_SIGNAL_NODEFS_AVAILABLE, 0, 10.0f},
      {KS_EVICTION_SIGNAL_NODEFS_INODES_FREE, 0, 5.0f},
      {KS_EVICTION_SIGNAL_IMAGEFS_AVAILABLE, 0, 15.0f},
  };
  for (guint i = 0; i < G_N_ELEMENTS(defs); i++) {
    KsEvictionThreshold t = {.signal = defs[i].s, .hard = TRUE};
    if (defs[i].quantity) {
      t.value.quantity = defs[i].quantity;
    } else {
      t.value.is_percentage = TRUE;
      t.value.percentage = defs[i].pct / 100.0f; /* float32(value) / 100, as parsePercentage */
    }
    g_array_append_val(out, t);
  }
}

static gboolean decode_eviction(KsDec *d, const KsYamlNode *root, KsKubeletConfig *c) {
  const KsYamlNode *hard = NULL, *soft = NULL, *grace_map = NULL, *reclaim = NULL;
  if (!get_string_map(d, root, "evictionHard", &hard) ||
      !get_string_map(d, root, "evictionSoft", &soft) ||
      !get_string_map(d, root, "evictionSoftGracePeriod", &grace_map) ||
      !get_string_map(d, root, "evictionMinimumReclaim", &reclaim))
    return FALSE;
  g_array_set_size(c->thresholds, 0);
  if (!hard)
    add_default_hard(c->thresholds); /* obj.EvictionHard == nil */
  else if (!threshold_statements(d, root, "evictionHard", TRUE, c->thresholds))
    return FALSE;
  guint n_hard = c->thresholds->len;
  gint64 grace[KS_EVICTION_SIGNAL_COUNT];
  KsThresholdValue mr[KS_EVICTION_SIGNAL_COUNT] = {{0}};
  gboolean has_mr[KS_EVICTION_SIGNAL_COUNT] = {0};
  if (!threshold_statements(d, root, "evictionSoft", FALSE, c->thresholds) ||
      !grace_periods(d, root, grace) || !minimum_reclaims(d, root, mr, has_mr))
    return FALSE;
  for (guint i = n_hard; i < c->thresholds->len; i++) {
    KsEvictionThreshold *t = &g_array_index(c->thresholds, KsEvictionThreshold, i);
    if (grace[t->signal] < 0) {
      const char *name = signal_names[t->signal];
      gsize mark = ks_dec_push_field(d, "evictionSoft");
      fail_field(d, soft, name,
                 "grace period must be specified for the soft eviction threshold %s", name);
      ks_dec_pop(d, mark);
      return FALSE;
    }
    t->grace_period_us = grace[t->signal];
  }
  for (guint i = 0; i < c->thresholds->len; i++) {
    KsEvictionThreshold *t = &g_array_index(c->thresholds, KsEvictionThreshold, i);
    if (has_mr[t->signal]) {
      t->has_min_reclaim = TRUE;
      t->min_reclaim = mr[t->signal];
    }
  }
  return TRUE;
}

/* ---- reservations (kubelet server.go parseResourceList) -------------------------------- */

static gboolean decode_reserved(KsDec *d, const KsYamlNode *root, const char *field,
                                KsResourceList *out) {
  const KsYamlNode *map = NULL;
  if (!get_string_map(d, root, field, &map))
    return FALSE;
  gsize mark = ks_dec_push_field(d, field);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < ks_yaml_len(map); i++) {
    const char *k = ks_yaml_key(map, i);
    const char *v = ks_yaml_value(map, i)->scalar;
    if (strcmp(k, "cpu") && strcmp(k, "memory") && strcmp(k, "ephemeral-storage") &&
        strcmp(k, "pid")) {
      gsize im = ks_dec_push_field(d, k);
      ok = ks_dec_fail(d, map->items->pdata[2 * i], "cannot reserve \"%s\" resource", k);
      ks_dec_pop(d, im);
      break;
    }
    gint64 q = 0;
    GError *e = NULL;
    if (!ks_quantity_parse_for_resource(k, v, &q, &e)) {
      ok = fail_field(d, map, k, "failed to parse quantity \"%s\" for \"%s\" resource: %s", v, k,
                      e->code == KS_QUANTITY_ERROR_SYNTAX ? QUANTITY_SYNTAX : e->message);
      g_error_free(e);
    } else if (q < 0) {
      ok = fail_field(d, map, k, "resource quantity for \"%s\" cannot be negative: %s", k, v);
    } else {
      ks_resource_list_set(out, k, q);
    }
  }
  ks_dec_pop(d, mark);
  return ok;
}

/* cpuset.Parse (k8s.io/utils/cpuset): "N" or "N-M" items separated by
 * commas, each number strconv.Atoi's; the count of distinct CPUs. FALSE
 * with Go's error text in *why. */
static gboolean parse_cpu_list(const char *s, gint32 *count, char **why) {
  GHashTable *cpus = g_hash_table_new(g_direct_hash, g_direct_equal);
  char **ranges = g_strsplit(s, ",", -1);
  gboolean ok = TRUE;
  for (guint i = 0; ok && ranges[i]; i++) {
    char **b = g_strsplit(ranges[i], "-", 2);
    gint64 v[2] = {0, 0};
    guint n = g_strv_length(b);
    if (n == 0) /* glib splits "" into nothing, Go into [""] */
      n = 1;
    for (guint j = 0; ok && j < n; j++) {
      const char *t = b[j] ? b[j] : "";
      const char *digits = (*t == '+' || *t == '-') ? t + 1 : t;
      if (!*digits || strspn(digits, "0123456789") != strlen(digits) ||
          !g_ascii_string_to_signed(t, 10, G_MININT32, G_MAXINT32, &v[j], NULL)) {
        *why = g_strdup_printf("strconv.Atoi: parsing \"%s\": %s", t,
                               *digits && strspn(digits, "0123456789") == strlen(digits)
                                   ? "value out of range"
                                   : "invalid syntax");
        ok = FALSE;
      }
    }
    if (ok && n == 2 && v[0] > v[1]) {
      *why = g_strdup_printf("invalid range \"%s\" (%" G_GINT64_FORMAT " > %" G_GINT64_FORMAT ")",
                             ranges[i], v[0], v[1]);
      ok = FALSE;
    }
    /* a range of more CPUs than any machine has is refused before the loop */
    if (ok && n == 2 && v[1] - v[0] >= 1 << 20) {
      *why = g_strdup_printf("invalid range \"%s\": more than %d CPUs", ranges[i], 1 << 20);
      ok = FALSE;
    }
    for (gint64 c = v[0]; ok && c <= (n == 2 ? v[1] : v[0]); c++)
      g_hash_table_add(cpus, GINT_TO_POINTER((gint)c));
    g_strfreev(b);
  }
  g_strfreev(ranges);
  *count = (gint32)g_hash_table_size(cpus);
  g_hash_table_destroy(cpus);
  return ok;
}

/* podsPerCore, reservedSystemCPUs, enforceNodeAllocatable and the two
 * reserved cgroup names, with ValidateKubeletConfiguration's checks (v1.31). */
static gboolean decode_node_allocatable(KsDec *d, const KsYamlNode *root, KsKubeletConfig *c) {
  char *cpus = NULL, *sys_cgroup = NULL, *kube_cgroup = NULL, **enforce = NULL;
  gboolean ok = ks_dec_int32(d, root, "podsPerCore", &c->pods_per_core, NULL) &&
                ks_dec_string(d, root, "reservedSystemCPUs", &cpus) &&
                ks_dec_string(d, root, "systemReservedCgroup", &sys_cgroup) &&
                ks_dec_string(d, root, "kubeReservedCgroup", &kube_cgroup) &&
                ks_dec_string_list(d, root, "enforceNodeAllocatable", &enforce);
  gboolean has_sys = sys_cgroup && *sys_cgroup, has_kube = kube_cgroup && *kube_cgroup;
  if (ok && c->pods_per_core < 0)
    ok = fail_field(d, root, "podsPerCore",
                    "invalid configuration: podsPerCore (--pods-per-core) %d must not be a "
                    "negative number",
                    c->pods_per_core);
  if (ok && ks_dec_is_absent(ks_yaml_get(root, "enforceNodeAllocatable")))
    c->enforce_node_allocatable = KS_ENFORCE_PODS; /* DefaultNodeAllocatableEnforcement */
  guint n = enforce ? g_strv_length(enforce) : 0;
  for (guint i = 0; ok && i < n; i++) {
    const char *v = enforce[i];
    if (strcmp(v, "pods") == 0) {
      c->enforce_node_allocatable |= KS_ENFORCE_PODS;
    } else if (strcmp(v, "system-reserved") == 0) {
      c->enforce_node_allocatable |= KS_ENFORCE_SYSTEM_RESERVED;
      if (!has_sys)
        ok = fail_field(d, root, "enforceNodeAllocatable",
                        "invalid configuration: systemReservedCgroup (--system-reserved-cgroup) "
                        "must be specified when \"system-reserved\" contained in "
                        "enforceNodeAllocatable (--enforce-node-allocatable)");
    } else if (strcmp(v, "kube-reserved") == 0) {
      c->enforce_node_allocatable |= KS_ENFORCE_KUBE_RESERVED;
      if (!has_kube)
        ok = fail_field(d, root, "enforceNodeAllocatable",
                        "invalid configuration: kubeReservedCgroup (--kube-reserved-cgroup) "
                        "must be specified when \"kube-reserved\" contained in "
                        "enforceNodeAllocatable (--enforce-node-allocatable)");
    } else if (strcmp(v, "none") == 0) {
      if (n > 1)
        ok = fail_field(d, root, "enforceNodeAllocatable",
                        "invalid configuration: enforceNodeAllocatable (--enforce-node-allocatable) "
                        "may not contain additional enforcements when \"none\" is specified");
    } else {
      ok = fail_field(d, root, "enforceNodeAllocatable",
                      "invalid configuration: option \"%s\" specified for enforceNodeAllocatable "
                      "(--enforce-node-allocatable). Valid options are \"pods\", "
                      "\"system-reserved\", \"kube-reserved\", or \"none\"",
                      v);
    }
  }
  if (ok && cpus && *cpus) {
    char *why = NULL;
    if (has_sys || has_kube)
      ok = fail_field(d, root, "reservedSystemCPUs",
                      "invalid configuration: can't use reservedSystemCPUs (--reserved-cpus) with "
                      "systemReservedCgroup (--system-reserved-cgroup) or kubeReservedCgroup "
                      "(--kube-reserved-cgroup)");
    else if (!parse_cpu_list(cpus, &c->reserved_system_cpus, &why))
      ok = fail_field(d, root, "reservedSystemCPUs",
                      "invalid configuration: unable to parse reservedSystemCPUs (--reserved-cpus) "
                      "%s, error: %s",
                      cpus, why);
    g_free(why);
  }
  g_free(cpus);
  g_free(sys_cgroup);
  g_free(kube_cgroup);
  g_strfreev(enforce);
  return ok;
}

/* ---- TypeMeta ---------------------------------------------------------------------- */

static gboolean check_type_meta(KsDec *d, const KsYamlNode *root) {
  char *api = NULL, *kind = NULL;
  gboolean ok = ks_dec_string(d, root, "apiVersion", &api) && ks_dec_string(d, root, "kind", &kind);
  if (ok && !api)
    ok = fail_field(d, root, "apiVersion", "Required value: must be " KS_KUBELET_CONFIG_API_VERSION);
  else if (ok && strcmp(api, KS_KUBELET_CONFIG_API_VERSION) != 0)
    ok = fail_field(d, root, "apiVersion",
                    "no kind \"" KS_KUBELET_CONFIG_KIND "\" is registered for version \"%s\": the "
                    "v1.31 kubelet reads " KS_KUBELET_CONFIG_API_VERSION " files",
                    api);
  else if (ok && !kind)
    ok = fail_field(d, root, "kind", "Required value: must be " KS_KUBELET_CONFIG_KIND);
  else if (ok && strcmp(kind, KS_KUBELET_CONFIG_KIND) != 0)
    ok = fail_field(d, root, "kind", "no kind \"%s\" is registered for version \"%s\"", kind, api);
  g_free(api);
  g_free(kind);
  return ok;
}

/* ---- scalar fields: decode, default, validate ---------------------------------------- */

typedef struct {
  gboolean has_serialize, has_parallel, has_qps, has_high, has_low, has_max_images;
  gboolean serialize;
} Given;

static gboolean decode_scalars(KsDec *d, const KsYamlNode *root, KsKubeletConfig *c, Given *g) {
  gboolean present = FALSE;
  if (!ks_dec_bool(d, root, "serializeImagePulls", &g->serialize) ||
      !ks_dec_int32(d, root, "maxParallelImagePulls", &c->max_parallel_image_pulls,
                    &g->has_parallel) ||
      !ks_dec_int32(d, root, "imageGCHighThresholdPercent", &c->image_gc_high_threshold_percent,
                    &g->has_high) ||
      !ks_dec_int32(d, root, "imageGCLowThresholdPercent", &c->image_gc_low_threshold_percent,
                    &g->has_low) ||
      !ks_dec_int32(d, root, "nodeStatusMaxImages", &c->node_status_max_images,
                    &g->has_max_images) ||
      !ks_dec_int32(d, root, "registryPullQPS", &c->registry_pull_qps, &g->has_qps) ||
      !ks_dec_int32(d, root, "registryBurst", &c->registry_burst, NULL) ||
      !ks_dec_int32(d, root, "maxPods", &c->max_pods, NULL) ||
      !ks_dec_int32(d, root, "evictionMaxPodGracePeriod", &c->eviction_max_pod_grace_period,
                    NULL) ||
      !dec_duration(d, root, "evictionPressureTransitionPeriod",
                    &c->eviction_pressure_transition_period_us, NULL) ||
      !dec_duration(d, root, "imageMinimumGCAge", &c->image_minimum_gc_age_us, NULL) ||
      !dec_duration(d, root, "imageMaximumGCAge", &c->image_maximum_gc_age_us, &present))
    return FALSE;
  const KsYamlNode *sn = ks_yaml_get(root, "serializeImagePulls");
  g->has_serialize = !ks_dec_is_absent(sn);
  return TRUE;
}

/* SetDefaults_KubeletConfiguration for the decoded fields. */
static void apply_defaults(KsKubeletConfig *c, const Given *g) {
  c->has_max_parallel_image_pulls = g->has_parallel;
  if (!g->has_parallel)
    c->max_parallel_image_pulls = 0;
  if (g->has_serialize)
    c->serialize_image_pulls = g->serialize;
  else /* true unless maxParallelImagePulls >= 2 is given */
    c->serialize_image_pulls = !g->has_parallel || c->max_parallel_image_pulls < 2;
  if (!g->has_qps)
    c->registry_pull_qps = 5;
  if (c->registry_burst == 0)
    c->registry_burst = 10;
  if (!g->has_high)
    c->image_gc_high_threshold_percent = 85;
  if (!g->has_low)
    c->image_gc_low_threshold_percent = 80;
  if (!g->has_max_images)
    c->node_status_max_images = 50;
  if (c->image_minimum_gc_age_us == 0)
    c->image_minimum_gc_age_us = 2 * 60 * G_USEC_PER_SEC;
  if (c->eviction_pressure_transition_period_us == 0)
    c->eviction_pressure_transition_period_us = 5 * 60 * G_USEC_PER_SEC;
  if (c->max_pods == 0)
    c->max_pods = KS_KUBELET_DEFAULT_MAX_PODS;
}

/* ValidateKubeletConfiguration's checks on the decoded fields, in its order. */
static gboolean validate(KsDec *d, const KsYamlNode *root, const KsKubeletConfig *c) {
  gint32 high = c->image_gc_high_threshold_percent, low = c->image_gc_low_threshold_percent;
  if (high < 0 || high > 100)
    return fail_field(d, root, "imageGCHighThresholdPercent",
                      "invalid configuration: imageGCHighThresholdPercent "
                      "(--image-gc-high-threshold) %d must be between 0 and 100, inclusive",
                      high);
  if (low < 0 || low > 100)
    return fail_field(d, root, "imageGCLowThresholdPercent",
                      "invalid configuration: imageGCLowThresholdPercent "
                      "(--image-gc-low-threshold) %d must be between 0 and 100, inclusive",
                      low);
  if (low >= high)
    return fail_field(d, root, "imageGCLowThresholdPercent",
                      "invalid configuration: imageGCLowThresholdPercent "
                      "(--image-gc-low-threshold) %d must be less than "
                      "imageGCHighThresholdPercent (--image-gc-high-threshold) %d",
                      low, high);
  gint64 min_age = c->image_minimum_gc_age_us, max_age = c->image_maximum_gc_age_us;
  if (min_age < 0 || max_age < 0 || (max_age > 0 && max_age <= min_age)) {
    char *a = go_duration_string(min_age), *b = go_duration_string(max_age);
    if (min_age < 0)
      fail_field(d, root, "imageMinimumGCAge",
                 "invalid configuration: imageMinimumGCAge %s must not be negative", a);
    else if (max_age < 0)
      fail_field(d, root, "imageMaximumGCAge",
                 "invalid configuration: imageMaximumGCAge %s must not be negative", b);
    else
      fail_field(d, root, "imageMaximumGCAge",
                 "invalid configuration: imageMaximumGCAge %s must be greater than "
                 "imageMinimumGCAge %s",
                 b, a);
    g_free(a);
    g_free(b);
    return FALSE;
  }
  if (c->node_status_max_images < -1)
    return fail_field(d, root, "nodeStatusMaxImages",
                      "invalid configuration: nodeStatusMaxImages (--node-status-max-images) %d "
                      "must be -1 or greater",
                      c->node_status_max_images);
  if (c->max_pods < 0)
    return fail_field(d, root, "maxPods",
                      "invalid configuration: maxPods (--max-pods) %d must not be a negative "
                      "number",
                      c->max_pods);
  if (c->registry_burst < 0)
    return fail_field(d, root, "registryBurst",
                      "invalid configuration: registryBurst (--registry-burst) %d must not be a "
                      "negative number",
                      c->registry_burst);
  if (c->registry_pull_qps < 0)
    return fail_field(d, root, "registryPullQPS",
                      "invalid configuration: registryPullQPS (--registry-qps) %d must not be a "
                      "negative number",
                      c->registry_pull_qps);
  if (c->has_max_parallel_image_pulls && c->max_parallel_image_pulls < 1)
    return fail_field(d, root, "maxParallelImagePulls",
                      "invalid configuration: maxParallelImagePulls %d must be a positive number",
                      c->max_parallel_image_pulls);
  if (c->serialize_image_pulls && c->has_max_parallel_image_pulls &&
      c->max_parallel_image_pulls > 1)
    return fail_field(d, root, "maxParallelImagePulls",
                      "invalid configuration: maxParallelImagePulls cannot be larger than 1 "
                      "unless SerializeImagePulls (--serialize-image-pulls) is set to false");
  return TRUE;
}

/* ---- the whole file ---------------------------------------------------------------- */

static KsKubeletConfig *config_alloc(void) {
  KsKubeletConfig *c = g_new0(KsKubeletConfig, 1);
  c->ref_count = 1;
  c->thresholds = g_array_new(FALSE, TRUE, sizeof(KsEvictionThreshold));
  ks_resource_list_init(&c->system_reserved);
  ks_resource_list_init(&c->kube_reserved);
  return c;
}

KsKubeletConfig *ks_kubelet_config_new_default(void) {
  KsKubeletConfig *c = config_alloc();
  add_default_hard(c->thresholds);
  Given g = {0};
  apply_defaults(c, &g);
  c->enforce_node_allocatable = KS_ENFORCE_PODS;
  return c; /* transfer full */
}

static KsKubeletConfig *load_stream(KsYamlStream *s, GError **error) {
  KsKubeletConfig *c = config_alloc();
  c->file = g_strdup(s->file);
  KsDec d = {c->file, g_string_new(""), error, FALSE};
  const KsYamlNode *root = s->documents->len ? s->documents->pdata[0] : NULL;
  Given g = {0};
  gboolean ok;
  if (s->documents->len != 1 || !root)
    ok = ks_dec_fail(&d, NULL, "expected exactly one KubeletConfiguration document, found %u",
                     s->documents->len);
  else
    ok = ks_dec_expect_mapping(&d, root) &&
         (root->kind == KS_YAML_MAPPING || ks_dec_fail(&d, root, "expected a mapping, got null")) &&
         check_fields(&d, root) && check_type_meta(&d, root) && decode_scalars(&d, root, c, &g);
  if (ok) {
    apply_defaults(c, &g);
    ok = validate(&d, root, c) && decode_eviction(&d, root, c) &&
         decode_reserved(&d, root, "systemReserved", &c->system_reserved) &&
         decode_reserved(&d, root, "kubeReserved", &c->kube_reserved) &&
         decode_node_allocatable(&d, root, c);
  }
  g_string_free(d.path, TRUE);
  ks_yaml_stream_free(s);
  if (!ok) {
    ks_kubelet_config_unref(c);
    return NULL;
  }
  return c; /* transfer full */
}

KsKubeletConfig *ks_kubelet_config_load_file(const char *path, GError **error) {
  KsYamlStream *s = ks_yaml_load_file(path, error);
  return s ? load_stream(s, error) : NULL; /* transfer full */
}

KsKubeletConfig *ks_kubelet_config_load_string(const char *data, gsize len,
                                               const char *display_name, GError **error) {
  KsYamlStream *s = ks_yaml_load_string(data, len, display_name, error);
  return s ? load_stream(s, error) : NULL; /* transfer full */
}

KsKubeletConfig *ks_kubelet_config_ref(KsKubeletConfig *c) {
  g_return_val_if_fail(c != NULL, NULL);
  c->ref_count++;
  return c;
}

void ks_kubelet_config_unref(KsKubeletConfig *c) {
  if (!c || --c->ref_count > 0)
    return;
  g_array_unref(c->thresholds);
  ks_resource_list_clear(&c->system_reserved);
  ks_resource_list_clear(&c->kube_reserved);
  g_free(c->file);
  g_free(c);
}

const KsEvictionThreshold *ks_kubelet_config_threshold(const KsKubeletConfig *c,
                                                       KsEvictionSignal signal, gboolean hard) {
  for (guint i = 0; i < c->thresholds->len; i++) {
    const KsEvictionThreshold *t = &g_array_index(c->thresholds, KsEvictionThreshold, i);
    if (t->signal == signal && t->hard == hard)
      return t;
  }
  return NULL;
}
