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
char *ks_image_never_pull_message(const char *image) {
  GString *s = g_string_new("Container image \"");
  for (const char *p = image ? image : ""; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_c(s, '\\');
    g_string_append_c(s, *p);
  }
  g_string_append(s, "\" is not present with pull policy of Never");
  return g_string_free(s, FALSE);
}
