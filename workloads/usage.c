/* Usage profiles: one recursive-descent parser over the annotation text and
 * an evaluator; see usage.h and docs/node-agent.md (Usage).
 *
 * Parsing keeps a cursor into the text; every error names the 1-based
 * column where the offending token starts, so a long series points at its
 * bad element. Tokens are split at blanks and at the punctuation , ( ) =,
 * so a quantity ("1.5Gi", "100m", "1e3") is read whole and handed to the
 * one quantity parser. Percentages take up to two decimals and are kept in
 * basis points, so "12.5%request" is exact.
 *
 * Evaluation is integer: percentages resolve with 128-bit products, ramps
 * interpolate with truncating division, distributions turn one double draw
 * into an integer at once (toward zero, clamped at 0), so state never holds
 * a float.
 */
#include "workloads/usage.h"

#include <string.h>

#include "sched/quantity.h"
#include "workloads/duration.h"

G_DEFINE_QUARK(ks-usage-error-quark, ks_usage_error)

static const char *const resource_names[] = {"cpu", "memory", "ephemeral-storage"};

const char *ks_usage_resource_name(KsUsageResource r) {
  return (guint)r < G_N_ELEMENTS(resource_names) ? resource_names[r] : "?";
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct {
  const char *text;
  gsize pos;
  KsUsageResource resource;
  GError **error;
} Parser;

static gboolean fail(Parser *p, gsize at, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean fail(Parser *p, gsize at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *why = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(p->error, KS_USAGE_ERROR, KS_USAGE_ERROR_SYNTAX, "\"%s\": column %" G_GSIZE_FORMAT ": %s",
              p->text, at + 1, why);
  g_free(why);
  return FALSE;
}

static void skip_blanks(Parser *p) {
  while (p->text[p->pos] == ' ' || p->text[p->pos] == '\t')
    p->pos++;
}

static gboolean is_punct(char c) {
  return c == ',' || c == '(' || c == ')' || c == '=' || c == ' ' || c == '\t' || c == '\0';
}

/* The next token (up to punctuation or a blank); *at its start. transfer full */
static char *token(Parser *p, gsize *at) {
  skip_blanks(p);
  *at = p->pos;
  while (!is_punct(p->text[p->pos]))
    p->pos++;
  return g_strndup(p->text + *at, p->pos - *at);
}

static gboolean expect(Parser *p, char c) {
  skip_blanks(p);
  if (p->text[p->pos] == c) {
    p->pos++;
    return TRUE;
  }
  if (p->text[p->pos] == '\0')
    return fail(p, p->pos, "expected '%c', got the end", c);
  return fail(p, p->pos, "expected '%c', got '%c'", c, p->text[p->pos]);
}

static gboolean peek(Parser *p, char c) {
  skip_blanks(p);
  return p->text[p->pos] == c;
}

/* "<int>[.<d>[<d>]]" in basis points; FALSE when not of that form. */
static gboolean parse_percent(const char *s, gsize len, gint64 *bp) {
  gint64 whole = 0, frac = 0;
  gsize i = 0;
  guint digits = 0, fdigits = 0;
  for (; i < len && g_ascii_isdigit(s[i]); i++, digits++) {
    if (whole > KS_USAGE_MAX_PERCENT)
      return FALSE;
    whole = whole * 10 + (s[i] - '0');
  }
  if (digits == 0)
    return FALSE;
  if (i < len && s[i] == '.') {
    for (i++; i < len && g_ascii_isdigit(s[i]); i++, fdigits++) {
      if (fdigits == 2)
        return FALSE;
      frac = frac * 10 + (s[i] - '0');
    }
    if (fdigits == 0)
      return FALSE;
  }
  if (i != len || whole > KS_USAGE_MAX_PERCENT)
    return FALSE;
  *bp = whole * 100 + (fdigits == 1 ? frac * 10 : frac);
  return TRUE;
}

static gboolean parse_value(Parser *p, KsUsageValue *out) {
  gsize at;
  char *t = token(p, &at);
  gboolean ok = TRUE;
  const char *pct = strchr(t, '%');
  if (!*t) {
    ok = p->text[p->pos] ? fail(p, at, "expected a value, got '%c'", p->text[p->pos])
                         : fail(p, at, "expected a value, got the end");
  } else if (pct) {
    const char *base = pct + 1;
    if (strcmp(base, "request") == 0)
      out->base = KS_USAGE_OF_REQUEST;
    else if (strcmp(base, "limit") == 0)
      out->base = KS_USAGE_OF_LIMIT;
    else
      ok = fail(p, at, "\"%s\": a percentage is of \"request\" or \"limit\" (e.g. 80%%request)",
                t);
    if (ok && !parse_percent(t, (gsize)(pct - t), &out->v))
      ok = fail(p, at,
                "\"%s\": the percentage must be a number from 0 to %d with at most two "
                "decimals",
                t, KS_USAGE_MAX_PERCENT);
  } else {
    GError *inner = NULL;
    out->base = KS_USAGE_ABSOLUTE;
    if (t[0] == '-')
      ok = fail(p, at, "\"%s\" is negative", t);
    else if (!ks_quantity_parse_for_resource(resource_names[p->resource], t, &out->v, &inner)) {
      ok = fail(p, at, "%s", inner->message);
      g_error_free(inner);
    }
  }
  g_free(t);
  return ok;
}

static gboolean parse_duration_token(Parser *p, gint64 *us, gboolean positive) {
  gsize at;
  char *t = token(p, &at);
  GError *inner = NULL;
  gboolean ok = TRUE;
  if (!*t)
    ok = fail(p, at, "expected a duration");
  else if (!ks_duration_parse(t, us, &inner)) {
    ok = fail(p, at, "%s", inner->message);
    g_error_free(inner);
  } else if (*us < 0 || (positive && *us == 0))
    ok = fail(p, at, "\"%s\": the duration must be %s", t, positive ? "positive" : ">= 0");
  g_free(t);
  return ok;
}

static gboolean add_point(Parser *p, GArray *pts, gsize at, gint64 t_us, const KsUsageValue *v) {
  if (pts->len >= KS_USAGE_MAX_POINTS)
    return fail(p, at, "more than %d points", KS_USAGE_MAX_POINTS);
  if (pts->len == 0 && t_us != 0)
    return fail(p, at, "the first point must be at 0s");
  if (pts->len > 0 && t_us <= g_array_index(pts, KsUsagePoint, pts->len - 1).at_us)
    return fail(p, at, "point times must increase");
  KsUsagePoint pt = {t_us, *v};
  g_array_append_val(pts, pt);
  return TRUE;
}

/* step( 0s=v, 30s=v, ... ) and ramp( ... ); the '(' is consumed. */
static gboolean parse_points(Parser *p, GArray *pts) {
  do {
    skip_blanks(p);
    gsize at = p->pos;
    gint64 t_us;
    KsUsageValue v;
    if (!parse_duration_token(p, &t_us, FALSE) || !expect(p, '=') || !parse_value(p, &v) ||
        !add_point(p, pts, at, t_us, &v))
      return FALSE;
    skip_blanks(p);
  } while (p->text[p->pos] == ',' && ++p->pos);
  return expect(p, ')');
}

/* series( interval, v, v, ... ); the '(' is consumed. */
static gboolean parse_series(Parser *p, GArray *pts) {
  gint64 every;
  if (!parse_duration_token(p, &every, TRUE) || !expect(p, ','))
    return FALSE;
  gint64 t_us = 0;
  do {
    skip_blanks(p);
    gsize at = p->pos;
    KsUsageValue v;
    if (!parse_value(p, &v) || !add_point(p, pts, at, t_us, &v))
      return FALSE;
    if (t_us > G_MAXINT64 - every)
      return fail(p, at, "the series is too long");
    t_us += every;
    skip_blanks(p);
  } while (p->text[p->pos] == ',' && ++p->pos);
  return expect(p, ')');
}

static gboolean parse_args(Parser *p, KsUsageValue *a, KsUsageValue *b) {
  if (!parse_value(p, a))
    return FALSE;
  if (b && (!expect(p, ',') || !parse_value(p, b)))
    return FALSE;
  return expect(p, ')');
}

static gboolean parse_profile(Parser *p, KsUsageProfile *out) {
  skip_blanks(p);
  gsize at = p->pos;
  gsize save = p->pos;
  char *name = token(p, &at);
  if (!peek(p, '(')) {
    g_free(name);
    p->pos = save;
    out->kind = KS_USAGE_CONSTANT;
    return parse_value(p, &out->a);
  }
  p->pos++; /* '(' */
  gboolean ok;
  GArray *pts = NULL;
  if (strcmp(name, "uniform") == 0) {
    out->kind = KS_USAGE_UNIFORM;
    ok = parse_args(p, &out->a, &out->b);
    if (ok && out->a.base == out->b.base && out->a.v > out->b.v)
      ok = fail(p, at, "uniform: the minimum exceeds the maximum");
  } else if (strcmp(name, "normal") == 0) {
    out->kind = KS_USAGE_NORMAL;
    ok = parse_args(p, &out->a, &out->b);
  } else if (strcmp(name, "exponential") == 0) {
    out->kind = KS_USAGE_EXPONENTIAL;
    ok = parse_args(p, &out->a, NULL);
  } else if (strcmp(name, "step") == 0 || strcmp(name, "ramp") == 0 ||
             strcmp(name, "series") == 0) {
    out->kind = name[0] == 'r' ? KS_USAGE_RAMP : KS_USAGE_STEP;
    pts = g_array_new(FALSE, FALSE, sizeof(KsUsagePoint));
    ok = name[1] == 'e' ? parse_series(p, pts) : parse_points(p, pts);
    out->n_points = pts->len;
    out->points = (KsUsagePoint *)g_array_free(pts, FALSE);
  } else {
    ok = fail(p, at,
              "unknown profile \"%s\" (use a value, uniform, normal, exponential, step, ramp or "
              "series)",
              name);
  }
  g_free(name);
  if (!ok || out->kind < KS_USAGE_UNIFORM || out->kind > KS_USAGE_EXPONENTIAL)
    return ok;
  /* a distribution may be redrawn periodically */
  gsize kw_at;
  save = p->pos;
  char *kw = token(p, &kw_at);
  if (strcmp(kw, "every") == 0)
    ok = parse_duration_token(p, &out->every_us, TRUE);
  else
    p->pos = save;
  g_free(kw);
  return ok;
}

KsUsageProfile *ks_usage_profile_parse(const char *text, KsUsageResource r, GError **error) {
  g_return_val_if_fail(text != NULL, NULL);
  if (strlen(text) > KS_USAGE_MAX_TEXT) {
    g_set_error(error, KS_USAGE_ERROR, KS_USAGE_ERROR_RANGE,
                "the profile is longer than %d characters", KS_USAGE_MAX_TEXT);
    return NULL;
  }
  Parser p = {text, 0, r, error};
  KsUsageProfile *out = g_new0(KsUsageProfile, 1);
  gboolean ok = parse_profile(&p, out);
  if (ok) {
    skip_blanks(&p);
    if (text[p.pos])
      ok = fail(&p, p.pos, "unexpected \"%s\" after the profile", text + p.pos);
  }
  if (!ok) {
    ks_usage_profile_free(out);
    return NULL;
  }
  return out;
}

void ks_usage_profile_free(KsUsageProfile *p) {
  if (!p)
    return;
  g_free(p->points);
  g_free(p);
}

gboolean ks_usage_profile_is_constant(const KsUsageProfile *p, gint64 *out) {
  if (p->kind != KS_USAGE_CONSTANT || p->a.base != KS_USAGE_ABSOLUTE)
    return FALSE;
  *out = p->a.v;
  return TRUE;
}

/* ---- evaluation ------------------------------------------------------------ */

gint64 ks_usage_value_resolve(const KsUsageValue *v, gint64 request, gint64 limit) {
  switch (v->base) {
  case KS_USAGE_OF_REQUEST:
    return (gint64)(((__int128)request * v->v) / 10000);
  case KS_USAGE_OF_LIMIT:
    return (gint64)(((__int128)limit * v->v) / 10000);
  default:
    return v->v;
  }
}

/* A double draw as a usage: toward zero, never negative, never beyond 2^62. */
static gint64 to_units(double x) {
  if (!(x > 0)) /* also NaN */
    return 0;
  if (x >= 4.6e18)
    return (gint64)1 << 62;
  return (gint64)x;
}

static gint64 draw(const KsUsageProfile *p, gint64 a, gint64 b, KsRng *rng) {
  switch (p->kind) {
  case KS_USAGE_UNIFORM:
    return a + to_units((double)(b > a ? b - a : 0) * ks_rng_uniform(rng));
  case KS_USAGE_NORMAL:
    return to_units((double)a + (double)b * ks_rng_normal(rng));
  case KS_USAGE_EXPONENTIAL:
    return a > 0 ? to_units(ks_rng_exponential(rng, (double)a)) : 0;
  default:
    return a;
  }
}

/* Index of the last point at or before t. */
static guint segment(const KsUsageProfile *p, gint64 t_us) {
  guint lo = 0, hi = p->n_points; /* points[lo].at <= t < points[hi].at */
  while (hi - lo > 1) {
    guint mid = lo + (hi - lo) / 2;
    if (p->points[mid].at_us <= t_us)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

gint64 ks_usage_profile_eval(const KsUsageProfile *p, gint64 t_us, gint64 request, gint64 limit,
                             KsRng *rng, gint64 *next_us) {
  gint64 next = KS_USAGE_NEVER, v;
  if (p->kind == KS_USAGE_STEP || p->kind == KS_USAGE_RAMP) {
    guint i = segment(p, t_us);
    v = ks_usage_value_resolve(&p->points[i].value, request, limit);
    if (i + 1 < p->n_points) {
      const KsUsagePoint *b = &p->points[i + 1];
      next = b->at_us;
      gint64 vb = ks_usage_value_resolve(&b->value, request, limit);
      if (p->kind == KS_USAGE_RAMP && vb != v) {
        gint64 t0 = p->points[i].at_us;
        v += (gint64)(((__int128)(vb - v) * (t_us - t0)) / (b->at_us - t0));
        next = MIN(next, t_us + KS_USAGE_RAMP_TICK_US);
      }
    }
  } else {
    gint64 a = ks_usage_value_resolve(&p->a, request, limit);
    gint64 b = ks_usage_value_resolve(&p->b, request, limit);
    v = draw(p, a, b, rng);
    if (p->kind != KS_USAGE_CONSTANT && p->every_us > 0)
      next = t_us + p->every_us;
  }
  if (next_us)
    *next_us = next;
  return v;
}

/* ---- annotations ------------------------------------------------------------- */

static const char *const usage_keys[] = {KS_ANNOTATION_USAGE_CPU, KS_ANNOTATION_USAGE_MEMORY,
                                         KS_ANNOTATION_USAGE_EPHEMERAL_STORAGE};

#define USAGE_PREFIX "ksim.io/usage-"

static void container_usage_free(gpointer data) {
  KsContainerUsage *c = data;
  for (guint r = 0; r < KS_USAGE_RESOURCE_COUNT; r++)
    ks_usage_profile_free(c->profile[r]);
  g_free(c->name);
  g_free(c);
}

static const char *pod_ns(const KsPod *pod) { return pod->namespace ? pod->namespace : "default"; }

/* "ksim.io/usage-<resource>.<rest>": the resource and where <rest> starts;
 * FALSE for any other key (pod-level keys included). */
static gboolean container_key(const char *key, KsUsageResource *r, const char **rest) {
  if (!g_str_has_prefix(key, USAGE_PREFIX))
    return FALSE;
  const char *tail = key + strlen(USAGE_PREFIX);
  for (guint i = 0; i < KS_USAGE_RESOURCE_COUNT; i++) {
    gsize n = strlen(resource_names[i]);
    if (strncmp(tail, resource_names[i], n) == 0 && tail[n] == '.') {
      *r = (KsUsageResource)i;
      *rest = tail + n + 1;
      return TRUE;
    }
  }
  return FALSE;
}

gboolean ks_pod_has_usage(const KsPod *pod) {
  for (guint r = 0; r < KS_USAGE_RESOURCE_COUNT; r++)
    if (ks_labels_get(&pod->annotations, usage_keys[r]))
      return TRUE;
  KsUsageResource r;
  const char *rest;
  for (guint i = 0; i < pod->annotations.n; i++)
    if (container_key(pod->annotations.items[i].key, &r, &rest))
      return TRUE;
  return FALSE;
}

/* The modelled containers in the model's order: regular ones, then the init
 * containers in spec order (sidecars and plain ones, which have a usage of
 * their own while they run but take no part of the pod-level profile); with
 * plain init containers left out when !with_plain_init. */
static GPtrArray *modelled_containers(const KsPod *pod, gboolean with_plain_init) {
  GPtrArray *a = g_ptr_array_new();
  for (guint i = 0; pod->containers && i < pod->containers->len; i++)
    g_ptr_array_add(a, &g_array_index(pod->containers, KsContainer, i));
  for (guint i = 0; pod->init_containers && i < pod->init_containers->len; i++) {
    KsContainer *c = &g_array_index(pod->init_containers, KsContainer, i);
    if (c->restart_always || with_plain_init)
      g_ptr_array_add(a, c);
  }
  return a;
}

static gboolean key_error(const KsPod *pod, const char *key, GError **error, gint code,
                          const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static gboolean key_error(const KsPod *pod, const char *key, GError **error, gint code,
                          const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *why = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, KS_USAGE_ERROR, code, "pod %s/%s: annotation %s: %s", pod_ns(pod),
              pod->name ? pod->name : "", key, why);
  g_free(why);
  return FALSE;
}

/* "app, log; init containers: setup" (what the pod has, as the per-container
 * run-time annotations list it). transfer full */
static char *container_names(const KsPod *pod) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; pod->containers && i < pod->containers->len; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "",
                           g_array_index(pod->containers, KsContainer, i).name);
  if (s->len == 0)
    g_string_append(s, "none");
  for (guint i = 0; pod->init_containers && i < pod->init_containers->len; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "; init containers: ",
                           g_array_index(pod->init_containers, KsContainer, i).name);
  return g_string_free(s, FALSE);
}

/* A ksim.io/usage-<r>.<container> key names a container of the pod (regular
 * or init) and is a valid annotation key. */
static gboolean check_container_key(const KsPod *pod, const GPtrArray *mc, const char *key,
                                    const char *cname, GError **error) {
  if (strlen(strchr(key, '/') + 1) > KS_USAGE_MAX_KEY_NAME)
    return key_error(pod, key, error, KS_USAGE_ERROR_RANGE,
                     "the key's name part is longer than %d characters (the API server "
                     "refuses it); shorten the container's name",
                     KS_USAGE_MAX_KEY_NAME);
  for (guint i = 0; i < mc->len; i++)
    if (!g_strcmp0(((const KsContainer *)mc->pdata[i])->name, cname))
      return TRUE;
  char *names = container_names(pod);
  key_error(pod, key, error, KS_USAGE_ERROR_SYNTAX, "no container \"%s\" in the pod (containers: %s)",
            cname, names);
  g_free(names);
  return FALSE;
}

/* Container c's own annotations, appended to out->containers when it has any. */
static gboolean read_container(const KsPod *pod, const KsContainer *c, KsPodUsage *out,
                               GError **error) {
  KsContainerUsage *cu = NULL;
  for (guint r = 0; r < KS_USAGE_RESOURCE_COUNT; r++) {
    char *key = g_strconcat(usage_keys[r], ".", c->name, NULL);
    const char *v = ks_labels_get(&pod->annotations, key);
    GError *inner = NULL;
    KsUsageProfile *prof = v ? ks_usage_profile_parse(v, (KsUsageResource)r, &inner) : NULL;
    if (v && !prof) {
      key_error(pod, key, error, inner->code, "container \"%s\": %s", c->name, inner->message);
      g_error_free(inner);
      g_free(key);
      return FALSE;
    }
    g_free(key);
    if (!prof)
      continue;
    if (!cu) {
      if (!out->containers)
        out->containers = g_ptr_array_new_with_free_func(container_usage_free);
      cu = g_new0(KsContainerUsage, 1);
      cu->name = g_strdup(c->name);
      g_ptr_array_add(out->containers, cu);
    }
    cu->profile[r] = prof;
  }
  return TRUE;
}

gboolean ks_pod_read_usage(const KsPod *pod, KsPodUsage *out, GError **error) {
  memset(out, 0, sizeof *out);
  for (guint r = 0; r < KS_USAGE_RESOURCE_COUNT; r++) {
    const char *v = ks_labels_get(&pod->annotations, usage_keys[r]);
    if (!v)
      continue;
    GError *inner = NULL;
    out->profile[r] = ks_usage_profile_parse(v, (KsUsageResource)r, &inner);
    if (!out->profile[r]) {
      key_error(pod, usage_keys[r], error, inner->code, "%s", inner->message);
      g_error_free(inner);
      ks_pod_usage_clear(out);
      return FALSE;
    }
  }
  GPtrArray *mc = modelled_containers(pod, TRUE);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < pod->annotations.n; i++) { /* sorted by key */
    KsUsageResource r;
    const char *cname;
    if (container_key(pod->annotations.items[i].key, &r, &cname))
      ok = check_container_key(pod, mc, pod->annotations.items[i].key, cname, error);
  }
  for (guint i = 0; ok && i < mc->len; i++)
    ok = read_container(pod, mc->pdata[i], out, error);
  g_ptr_array_unref(mc);
  /* a pod-level profile every container sharing it (regular ones and
   * sidecars) overrides would apply to nothing */
  mc = modelled_containers(pod, FALSE);
  for (guint r = 0; ok && r < KS_USAGE_RESOURCE_COUNT; r++) {
    guint own = 0;
    for (guint i = 0; i < mc->len; i++)
      own += ks_pod_usage_container(out, ((const KsContainer *)mc->pdata[i])->name,
                                    (KsUsageResource)r) != NULL;
    if (out->profile[r] && mc->len > 0 && own == mc->len)
      ok = key_error(pod, usage_keys[r], error, KS_USAGE_ERROR_SYNTAX,
                     "every container has its own %s.<container>, so it applies to none; "
                     "remove one or the other",
                     usage_keys[r]);
  }
  g_ptr_array_unref(mc);
  if (!ok)
    ks_pod_usage_clear(out);
  return ok;
}

void ks_pod_usage_clear(KsPodUsage *u) {
  for (guint r = 0; r < KS_USAGE_RESOURCE_COUNT; r++)
    g_clear_pointer(&u->profile[r], ks_usage_profile_free);
  g_clear_pointer(&u->containers, g_ptr_array_unref);
}

const KsUsageProfile *ks_pod_usage_container(const KsPodUsage *u, const char *container,
                                             KsUsageResource r) {
  for (guint i = 0; u->containers && i < u->containers->len; i++) {
    const KsContainerUsage *c = u->containers->pdata[i];
    if (!g_strcmp0(c->name, container))
      return c->profile[r];
  }
  return NULL;
}

static gboolean read_system(const KsNode *node, const char *key, KsUsageResource r, gint64 *out,
                            GError **error) {
  *out = 0;
  const char *v = ks_labels_get(&node->annotations, key);
  if (!v)
    return TRUE;
  GError *inner = NULL;
  KsUsageProfile *p = ks_usage_profile_parse(v, r, &inner);
  if (p && !ks_usage_profile_is_constant(p, out))
    g_set_error(&inner, KS_USAGE_ERROR, KS_USAGE_ERROR_SYNTAX,
                "\"%s\": the system usage must be a constant quantity", v);
  ks_usage_profile_free(p);
  if (inner) {
    g_set_error(error, KS_USAGE_ERROR, inner->code, "node %s: annotation %s: %s",
                node->name ? node->name : "", key, inner->message);
    g_error_free(inner);
    *out = 0;
    return FALSE;
  }
  return TRUE;
}

gboolean ks_node_read_system_usage(const KsNode *node, gint64 *milli_cpu, gint64 *memory,
                                   GError **error) {
  return read_system(node, KS_ANNOTATION_SYSTEM_USAGE_CPU, KS_USAGE_CPU, milli_cpu, error) &&
         read_system(node, KS_ANNOTATION_SYSTEM_USAGE_MEMORY, KS_USAGE_MEMORY, memory, error);
}
