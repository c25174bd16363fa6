/* See image_pull_policy.h. The tag is found as the docker reference
 * grammar has it: a digest follows '@'; a tag follows the last ':' of the
 * name part when that ':' comes after the last '/' (a registry's port,
 * "host:5000/app", is not a tag). */
#include "sim/kubelet/image_pull_policy.h"

#include <string.h>

KsPullPolicy ks_image_default_pull_policy(const char *image) {
  const char *at = image ? strchr(image, '@') : NULL;
  gsize name_len = image ? (at ? (gsize)(at - image) : strlen(image)) : 0;
  const char *colon = NULL, *slash = NULL;
  for (gsize i = 0; i < name_len; i++) {
    if (image[i] == ':')
      colon = image + i;
    else if (image[i] == '/')
      slash = image + i;
  }
  gboolean tagged = colon && (!slash || colon > slash);
  if (!tagged)
    return at ? KS_PULL_IF_NOT_PRESENT : KS_PULL_ALWAYS; /* no tag, no digest: "latest" */
  gsize tag_len = name_len - (gsize)(colon + 1 - image);
  return tag_len == 6 && !strncmp(colon + 1, "latest", 6) ? KS_PULL_ALWAYS
                                                            : KS_PULL_IF_NOT_PRESENT;
}

KsPullPolicy ks_container_pull_policy(const KsContainer *c) {
  return c->image_pull_policy != KS_PULL_POLICY_UNSET ? c->image_pull_policy
                                                      : ks_image_default_pull_policy(c->image);
}

gboolean ks_image_should_pull(KsPullPolicy policy, gboolean present) {
  if (policy == KS_PULL_NEVER)
    return FALSE;
  return policy == KS_PULL_ALWAYS || !present;
}

/* Go's %q of a plain string: quotes, with '"' and '\\' escaped. */
static void append_quoted(GString *s, const char *text) {
  g_string_append_c(s, '"');
  for (const char *p = text ? text : ""; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_c(s, '\\');
    g_string_append_c(s, *p);
  }
  g_string_append_c(s, '"');
}

char *ks_image_never_pull_message(const char *image) {
  GString *s = g_string_new("Container image ");
  append_quoted(s, image);
  g_string_append(s, " is not present with pull policy of Never");
  return g_string_free(s, FALSE);
}

char *ks_image_backoff_message(const char *image) {
  GString *s = g_string_new("Back-off pulling image ");
  append_quoted(s, image);
  return g_string_free(s, FALSE);
}

static gboolean has_upper(const char *p, const char *end) {
  for (; p < end; p++)
    if (g_ascii_isupper(*p))
      return TRUE;
  return FALSE;
}

/* ---- image references (distribution/reference, as the kubelet parses them) ---- */

static gboolean is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static gboolean is_word(char c) { return g_ascii_isalnum(c) || c == '_'; }

/* One path component [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* over [p, end). */
static gboolean path_component(const char *p, const char *end) {
  if (p >= end || !is_lower_alnum(*p))
    return FALSE;
  while (p < end) {
    while (p < end && is_lower_alnum(*p))
      p++;
    if (p == end)
      return TRUE;
    const char *sep = p;
    if (*p == '.')
      p++;
    else if (*p == '_')
      p += (p + 1 < end && p[1] == '_') ? 2 : 1;
    else if (*p == '-')
      while (p < end && *p == '-')
        p++;
    if (p == sep || p == end || !is_lower_alnum(*p))
      return FALSE;
  }
  return TRUE;
}

/* domain-component(.domain-component)*(:[0-9]+)? over [p, end). */
static gboolean domain_ok(const char *p, const char *end) {
  const char *colon = memchr(p, ':', (gsize)(end - p));
  const char *host_end = colon ? colon : end;
  if (colon) {
    if (colon + 1 == end)
      return FALSE;
    for (const char *q = colon + 1; q < end; q++)
      if (!g_ascii_isdigit(*q))
        return FALSE;
  }
  const char *q = p;
  while (q < host_end) {
    const char *dot = memchr(q, '.', (gsize)(host_end - q));
    const char *ce = dot ? dot : host_end;
    if (ce == q || !g_ascii_isalnum(*q) || !g_ascii_isalnum(ce[-1]))
      return FALSE;
    for (const char *r = q; r < ce; r++)
      if (!g_ascii_isalnum(*r) && *r != '-')
        return FALSE;
    q = dot ? dot + 1 : host_end;
    if (dot && q == host_end)
      return FALSE;
  }
  return q > p;
}

/* Path components separated by '/' over [p, end). */
static gboolean path_ok(const char *p, const char *end) {
  while (TRUE) {
    const char *slash = memchr(p, '/', (gsize)(end - p));
    if (!path_component(p, slash ? slash : end))
      return FALSE;
    if (!slash)
      return TRUE;
    p = slash + 1;
  }
}

/* ReferenceRegexp, anchored: [domain/]path[:tag][@digest]; *name_len the
 * name's length. */
static gboolean reference_ok(const char *s, gsize *name_len) {
  const char *at = strchr(s, '@');
  const char *name_end = at ? at : s + strlen(s);
  if (at) { /* digest: algorithm ':' at least 32 hex digits */
    const char *d = at + 1, *colon = strchr(d, ':');
    if (!colon || colon == d || !g_ascii_isalpha(*d))
      return FALSE;
    for (const char *q = d; q < colon; q++) {
      if (g_ascii_isalnum(*q))
        continue;
      if (!strchr("-_+.", *q) || q + 1 == colon || !g_ascii_isalpha(q[1]))
        return FALSE;
    }
    gsize hex = 0;
    for (const char *q = colon + 1; *q; q++, hex++)
      if (!g_ascii_isxdigit(*q))
        return FALSE;
    if (hex < 32)
      return FALSE;
  }
  /* the tag: after the last ':' past the last '/' */
  const char *last_slash = NULL;
  for (const char *q = s; q < name_end; q++)
    if (*q == '/')
      last_slash = q;
  const char *tag = NULL;
  for (const char *q = last_slash ? last_slash : s; q < name_end; q++)
    if (*q == ':')
      tag = q;
  if (tag) {
    gsize len = (gsize)(name_end - tag - 1);
    if (len == 0 || len > 128 || !is_word(tag[1]))
      return FALSE;
    for (const char *q = tag + 1; q < name_end; q++)
      if (!is_word(*q) && *q != '.' && *q != '-')
        return FALSE;
    name_end = tag;
  }
  *name_len = (gsize)(name_end - s);
  const char *slash = memchr(s, '/', *name_len);
  if (slash && domain_ok(s, slash) && path_ok(slash + 1, name_end))
    return TRUE;
  return path_ok(s, name_end);
}

gboolean ks_image_reference_check(const char *image, char **reason) {
  const char *s = image ? image : "";
  char *why = NULL;
  gsize n = strlen(s);
  gboolean hex64 = n == 64;
  for (gsize i = 0; hex64 && i < n; i++)
    hex64 = g_ascii_isdigit(s[i]) || (s[i] >= 'a' && s[i] <= 'f');
  if (hex64) {
    why = g_strdup_printf("invalid repository name (%s), cannot specify 64-byte hexadecimal "
                          "strings", s);
    goto bad;
  }
  /* splitDockerDomain */
  const char *slash = strchr(s, '/');
  char *domain, *remainder;
  gsize dl = slash ? (gsize)(slash - s) : 0;
  if (!slash || (!memchr(s, '.', dl) && !memchr(s, ':', dl) &&
                 strncmp(s, "localhost/", 10) != 0 && !has_upper(s, slash))) {
    domain = g_strdup("docker.io");
    remainder = g_strdup(s);
  } else {
    domain = g_strndup(s, (gsize)(slash - s));
    remainder = g_strdup(slash + 1);
  }
  if (!strcmp(domain, "docker.io") && !strchr(remainder, '/')) {
    char *r = g_strconcat("library/", remainder, NULL);
    g_free(remainder);
    remainder = r;
  }
  const char *colon = strchr(remainder, ':');
  char *remote = g_strndup(remainder, colon ? (gsize)(colon - remainder) : strlen(remainder));
  char *lower = g_ascii_strdown(remote, -1);
  if (strcmp(lower, remote))
    why = g_strdup_printf("invalid reference format: repository name (%s) must be lowercase",
                          remote);
  g_free(lower);
  g_free(remote);
  if (!why) {
    char *full = g_strconcat(domain, "/", remainder, NULL);
    gsize name_len = 0;
    if (!reference_ok(full, &name_len)) {
      char *down = g_ascii_strdown(full, -1);
      gsize l2 = 0;
      why = g_strdup(reference_ok(down, &l2) ? "repository name must be lowercase"
                                             : "invalid reference format");
      g_free(down);
    } else if (name_len > 255) {
      why = g_strdup("repository name must not be more than 255 characters");
    }
    g_free(full);
  }
  g_free(domain);
  g_free(remainder);
  if (!why)
    return TRUE;
bad:;
  /* parsers.ParseImageName, then EnsureImageExists */
  GString *m = g_string_new("Failed to apply default image tag ");
  append_quoted(m, s);
  g_string_append(m, ": couldn't parse image name ");
  append_quoted(m, s);
  g_string_append_printf(m, ": %s", why);
  g_free(why);
  *reason = g_string_free(m, FALSE);
  return FALSE;
}
