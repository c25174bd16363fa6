/* A YAML document tree that remembers where every node came from.
 *
 * libyaml's event stream is turned into a small tree (mappings keep key
 * order) so decoders can walk it and name file:line:column and the field
 * path in every error. Anchors and aliases are resolved (an alias shares the
 * anchored node); merge keys (<<) are not supported and reported.
 */
#pragma once
#include <glib.h>

#define KS_YAML_ERROR (ks_yaml_error_quark())
GQuark ks_yaml_error_quark(void);
typedef enum {
  KS_YAML_ERROR_IO,
  KS_YAML_ERROR_SYNTAX,
  KS_YAML_ERROR_LIMIT, /* depth, size or alias-expansion limit exceeded */
  KS_YAML_ERROR_FIELD, /* a decoder rejected a field's value */
} KsYamlError;

typedef enum { KS_YAML_SCALAR, KS_YAML_MAPPING, KS_YAML_SEQUENCE } KsYamlKind;

typedef struct KsYamlNode KsYamlNode;
struct KsYamlNode {
  KsYamlKind kind;
  guint line;   /* 1-based */
  guint column; /* 1-based */
  char *scalar;      /* KS_YAML_SCALAR: the text; owned */
  gboolean quoted;   /* KS_YAML_SCALAR: written in quotes (so "1" is a string, not a number) */
  gboolean is_null;  /* plain null, ~ or empty */
  GPtrArray *items;  /* KS_YAML_SEQUENCE: KsYamlNode*; KS_YAML_MAPPING: key, value, key, value, ... */
};

typedef struct {
  char *file;           /* display name used in messages; owned */
  GPtrArray *documents; /* root KsYamlNode* of each document (NULL entries for empty documents) */
} KsYamlStream;

/* transfer full. Errors name "file:line:column: message". */
KsYamlStream *ks_yaml_load_file(const char *path, GError **error);
KsYamlStream *ks_yaml_load_string(const char *data, gsize len, const char *display_name,
                                  GError **error);
void ks_yaml_stream_free(KsYamlStream *s);

/* Mapping lookup; NULL when absent or when n is not a mapping. */
const KsYamlNode *ks_yaml_get(const KsYamlNode *n, const char *key);
guint ks_yaml_len(const KsYamlNode *n); /* sequence items or mapping pairs */
const KsYamlNode *ks_yaml_item(const KsYamlNode *n, guint i); /* sequence item */
const char *ks_yaml_key(const KsYamlNode *n, guint i);        /* mapping key i */
const KsYamlNode *ks_yaml_value(const KsYamlNode *n, guint i); /* mapping value i */

/* Sets a KS_YAML_ERROR_FIELD error "file:line:column: path: message". */
void ks_yaml_set_error(GError **error, const char *file, const KsYamlNode *at, const char *path,
                       const char *fmt, ...) G_GNUC_PRINTF(5, 6);
