/* Resource lists (requests, limits, capacity, allocatable).
 *
 * Design. The four resources every node has (cpu, memory,
 * ephemeral-storage, pods) are plain int64 fields plus a presence bit each:
 * hot loops read them without a lookup, and the presence bit keeps the one
 * distinction upstream's map gives for free and the scheduler needs
 * ("no entry" counts as the non-zero default, an explicit 0 does not).
 * Every other name (hugepages-2Mi, nvidia.com/gpu, attachable-volumes-*,
 * or anything else a manifest lists) is a scalar in a small array sorted by
 * the name's *string*, so iteration order, and with it every result that
 * sums or prints scalars, is the same on every run; GQuark values depend on
 * interning order and are never compared.
 *
 * Trade-off: lookups of scalars are binary searches over a tiny array, and
 * inserting keeps the array sorted (O(n) memmove). Lists hold a handful of
 * scalars, so this beats a hash table in both time and memory.
 *
 * We keep names upstream's scheduler would drop (a name that is none of the
 * fixed four and not a scalar by upstream's rules, e.g. "foo"): the object
 * model stores what the manifest said; the resource plugins filter with
 * ks_resource_is_scalar() exactly where upstream's NodeInfo does.
 */
#include "sched/resources.h"

#include <string.h>

#include "sched/quantity.h"

void ks_resource_list_init(KsResourceList *l) { memset(l, 0, sizeof *l); }

void ks_resource_list_clear(KsResourceList *l) {
  if (l->scalars)
    g_array_free(l->scalars, TRUE);
  ks_resource_list_init(l);
}

void ks_resource_list_copy(KsResourceList *dst, const KsResourceList *src) {
  *dst = *src;
  dst->scalars = NULL;
  if (src->scalars && src->scalars->len > 0) {
    dst->scalars = g_array_sized_new(FALSE, FALSE, sizeof(KsScalarResource), src->scalars->len);
    g_array_append_vals(dst->scalars, src->scalars->data, src->scalars->len);
  }
}

/* The field and presence bit of a fixed resource, or NULL for a scalar. */
static gint64 *fixed_field(KsResourceList *l, const char *name, guint *bit) {
  if (strcmp(name, KS_RESOURCE_CPU) == 0)
    return (*bit = KS_RESOURCE_HAS_CPU), &l->milli_cpu;
  if (strcmp(name, KS_RESOURCE_MEMORY) == 0)
    return (*bit = KS_RESOURCE_HAS_MEMORY), &l->memory;
  if (strcmp(name, KS_RESOURCE_EPHEMERAL_STORAGE) == 0)
    return (*bit = KS_RESOURCE_HAS_EPHEMERAL_STORAGE), &l->ephemeral_storage;
  if (strcmp(name, KS_RESOURCE_PODS) == 0)
    return (*bit = KS_RESOURCE_HAS_PODS), &l->pods;
  return NULL;
}

/* Binary search by name string: the index of `name`, or -(insertion point)-1. */
static gint find_scalar(const KsResourceList *l, const char *name) {
  guint lo = 0, hi = l->scalars ? l->scalars->len : 0;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    KsScalarResource *s = &g_array_index(l->scalars, KsScalarResource, mid);
    int c = strcmp(g_quark_to_string(s->name), name);
    if (c == 0)
      return (gint)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -(gint)lo - 1;
}

/* The value slot at find_scalar's result `i` for `name`, created (as 0) if
 * absent. `quark` is name's quark when the caller has it (0: look it up;
 * g_quark_from_string takes a global lock). */
static gint64 *scalar_slot_at(KsResourceList *l, gint i, GQuark quark, const char *name) {
  if (i < 0) {
    KsScalarResource s = {quark ? quark : g_quark_from_string(name), 0};
    if (!l->scalars)
      l->scalars = g_array_new(FALSE, FALSE, sizeof(KsScalarResource));
    i = -i - 1;
    g_array_insert_val(l->scalars, (guint)i, s);
  }
  return &g_array_index(l->scalars, KsScalarResource, i).value;
}

/* The value slot of scalar `name`, created (as 0) if absent. */
static gint64 *scalar_slot(KsResourceList *l, const char *name) {
  return scalar_slot_at(l, find_scalar(l, name), 0, name);
}

/* The slot for `name`, marking it present. */
static gint64 *slot(KsResourceList *l, const char *name) {
  guint bit = 0;
  gint64 *f = fixed_field(l, name, &bit);
  if (f) {
    l->present |= bit;
    return f;
  }
  return scalar_slot(l, name);
}

gboolean ks_resource_list_set_quantity(KsResourceList *l, const char *name, const char *quantity,
                                       GError **error) {
  gint64 v;
  if (!ks_quantity_parse_for_resource(name, quantity, &v, error))
    return FALSE;
  *slot(l, name) = v;
  return TRUE;
}

void ks_resource_list_set(KsResourceList *l, const char *name, gint64 value) {
  *slot(l, name) = value;
}

gint64 ks_resource_list_get(const KsResourceList *l, const char *name) {
  guint bit = 0;
  gint64 *f = fixed_field((KsResourceList *)l, name, &bit);
  if (f)
    return *f;
  gint i = find_scalar(l, name);
  return i < 0 ? 0 : g_array_index(l->scalars, KsScalarResource, i).value;
}

gboolean ks_resource_list_has(const KsResourceList *l, const char *name) {
  guint bit = 0;
  if (fixed_field((KsResourceList *)l, name, &bit))
    return (l->present & bit) != 0;
  return find_scalar(l, name) >= 0;
}

gboolean ks_resource_list_is_zero(const KsResourceList *l) {
  if (l->milli_cpu || l->memory || l->ephemeral_storage || l->pods)
    return FALSE;
  for (guint i = 0; l->scalars && i < l->scalars->len; i++)
    if (g_array_index(l->scalars, KsScalarResource, i).value != 0)
      return FALSE;
  return TRUE;
}

guint ks_resource_list_count(const KsResourceList *l) {
  guint n = l->scalars ? l->scalars->len : 0;
  for (guint bit = 1; bit <= KS_RESOURCE_HAS_PODS; bit <<= 1)
    n += (l->present & bit) ? 1 : 0;
  return n;
}

void ks_resource_list_foreach(const KsResourceList *l,
                              void (*fn)(const char *name, gint64 value, gpointer data),
                              gpointer data) {
  if (l->present & KS_RESOURCE_HAS_CPU)
    fn(KS_RESOURCE_CPU, l->milli_cpu, data);
  if (l->present & KS_RESOURCE_HAS_MEMORY)
    fn(KS_RESOURCE_MEMORY, l->memory, data);
  if (l->present & KS_RESOURCE_HAS_EPHEMERAL_STORAGE)
    fn(KS_RESOURCE_EPHEMERAL_STORAGE, l->ephemeral_storage, data);
  if (l->present & KS_RESOURCE_HAS_PODS)
    fn(KS_RESOURCE_PODS, l->pods, data);
  for (guint i = 0; l->scalars && i < l->scalars->len; i++) {
    const KsScalarResource *s = &g_array_index(l->scalars, KsScalarResource, i);
    fn(g_quark_to_string(s->name), s->value, data);
  }
}

gboolean ks_resource_list_equal(const KsResourceList *a, const KsResourceList *b) {
  if (a->milli_cpu != b->milli_cpu || a->memory != b->memory ||
      a->ephemeral_storage != b->ephemeral_storage || a->pods != b->pods ||
      a->present != b->present)
    return FALSE;
  guint na = a->scalars ? a->scalars->len : 0, nb = b->scalars ? b->scalars->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++) {
    const KsScalarResource *x = &g_array_index(a->scalars, KsScalarResource, i);
    const KsScalarResource *y = &g_array_index(b->scalars, KsScalarResource, i);
    if (x->name != y->name || x->value != y->value)
      return FALSE;
  }
  return TRUE;
}

typedef enum { OP_ADD, OP_SUB, OP_MAX } Op;

static void combine(gint64 *acc, gboolean acc_had, gint64 x, Op op) {
  switch (op) {
  case OP_ADD:
    *acc += x;
    break;
  case OP_SUB:
    *acc -= x;
    break;
  case OP_MAX: /* upstream maxResourceList: an absent entry takes x as is */
    if (!acc_had || x > *acc)
      *acc = x;
    break;
  }
}

static void apply(KsResourceList *acc, const KsResourceList *x, Op op) {
  static const guint bits[] = {KS_RESOURCE_HAS_CPU, KS_RESOURCE_HAS_MEMORY,
                               KS_RESOURCE_HAS_EPHEMERAL_STORAGE, KS_RESOURCE_HAS_PODS};
  gint64 *af[] = {&acc->milli_cpu, &acc->memory, &acc->ephemeral_storage, &acc->pods};
  const gint64 xf[] = {x->milli_cpu, x->memory, x->ephemeral_storage, x->pods};
  for (guint i = 0; i < G_N_ELEMENTS(bits); i++) {
    /* Absent fixed fields are 0, so adding them is harmless either way. */
    if (!(x->present & bits[i]) && op == OP_MAX)
      continue;
    combine(af[i], (acc->present & bits[i]) != 0, xf[i], op);
    acc->present |= x->present & bits[i];
  }
  for (guint i = 0; x->scalars && i < x->scalars->len; i++) {
    const KsScalarResource *s = &g_array_index(x->scalars, KsScalarResource, i);
    const char *name = g_quark_to_string(s->name);
    gint at = find_scalar(acc, name); /* one search, and the quark reused */
    combine(scalar_slot_at(acc, at, s->name, name), at >= 0, s->value, op);
  }
}

void ks_resource_list_add(KsResourceList *acc, const KsResourceList *x) { apply(acc, x, OP_ADD); }
void ks_resource_list_sub(KsResourceList *acc, const KsResourceList *x) { apply(acc, x, OP_SUB); }
void ks_resource_list_max(KsResourceList *acc, const KsResourceList *x) { apply(acc, x, OP_MAX); }

/* ---- classification, as upstream's v1helper ---- */

gboolean ks_resource_is_hugepages(const char *name) {
  return g_str_has_prefix(name, "hugepages-");
}

static gboolean is_prefixed_native(const char *name) {
  return strstr(name, "kubernetes.io/") != NULL;
}

static gboolean is_alnum(char c) { return g_ascii_isalnum(c); }

/* validation.IsDNS1123Subdomain: at most 253 characters of [a-z0-9.-],
 * every dot-separated label starting and ending with [a-z0-9]. */
static gboolean is_dns1123_subdomain(const char *s, gsize len) {
  if (len == 0 || len > 253)
    return FALSE;
  gsize label_start = 0;
  for (gsize i = 0; i <= len; i++) {
    if (i == len || s[i] == '.') {
      if (i == label_start || s[i - 1] == '-' || s[label_start] == '-')
        return FALSE;
      label_start = i + 1;
      continue;
    }
    if (!(g_ascii_islower(s[i]) || g_ascii_isdigit(s[i]) || s[i] == '-'))
      return FALSE;
  }
  return TRUE;
}

/* The name part of a qualified name: 1..63 characters of [A-Za-z0-9._-],
 * starting and ending with an alphanumeric. */
static gboolean is_qualified_name_part(const char *s, gsize len) {
  if (len == 0 || len > 63 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(is_alnum(s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
      return FALSE;
  return TRUE;
}

/* validation.IsQualifiedName: [prefix/]name. */
static gboolean is_qualified_name(const char *s) {
  const char *slash = strchr(s, '/');
  if (!slash)
    return is_qualified_name_part(s, strlen(s));
  if (strchr(slash + 1, '/'))
    return FALSE;
  return is_dns1123_subdomain(s, (gsize)(slash - s)) &&
         is_qualified_name_part(slash + 1, strlen(slash + 1));
}

gboolean ks_resource_is_extended(const char *name) {
  /* Native: no domain at all, or a *kubernetes.io/ domain. */
  if (!strchr(name, '/') || is_prefixed_native(name) || g_str_has_prefix(name, "requests."))
    return FALSE;
  /* Must stay a qualified name once quota's "requests." prefix is added. */
  char *for_quota = g_strconcat("requests.", name, NULL);
  gboolean ok = is_qualified_name(for_quota);
  g_free(for_quota);
  return ok;
}

gboolean ks_resource_is_scalar(const char *name) {
  return ks_resource_is_extended(name) || ks_resource_is_hugepages(name) ||
         is_prefixed_native(name) || g_str_has_prefix(name, "attachable-volumes-");
}
