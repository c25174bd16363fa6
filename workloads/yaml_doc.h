/* A YAML document tree that remembers where every node came from.
 *
 * libyaml's event stream is turned into a small tree (mappings keep key
 * order) so decoders can walk it and name file:line:column and the field
 * path in every error. Anchors and aliases are resolved (an alias shares the
 * anchored node); merge keys (<<) are not supported and reported.
 *
 * Every limit is named: a file larger than KS_YAML_MAX_FILE_SIZE, nesting
 * deeper than KS_YAML_MAX_DEPTH, more than KS_YAML_MAX_NODES nodes, or a
 * stream whose aliases would expand to more than KS_YAML_MAX_EXPANDED_NODES
 * nodes (a "billion laughs") is refused with KS_YAML_ERROR_LIMIT.
 */
#pragma once
#include <glib.h>

#define KS_YAML_MAX_FILE_SIZE ((gsize)256 * 1024 * 1024) /* bytes */
#define KS_YAML_MAX_DEPTH 256                             /* nested collections */
#define KS_YAML_MAX_NODES ((guint64)16 * 1024 * 1024)     /* nodes built, per stream */
/* Nodes a walker visits with every alias expanded, summed over the stream. */
#define KS_YAML_MAX_EXPANDED_NODES ((guint64)16 * 1024 * 1024)

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
  char *tag;         /* explicit tag as resolved by libyaml ("tag:yaml.org,2002:str"); NULL if none */
  guint64 expanded;  /* private: nodes in this subtree with aliases expanded */
};

typedef struct {
  char *file;           /* display name used in messages; owned */
  GPtrArray *documents; /* root KsYamlNode* of each document (NULL entries for empty documents) */
  GPtrArray *nodes;     /* private: owns every node once (aliases share nodes) */
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

/* TRUE for a plain (unquoted) scalar that YAML reads as null: "", ~, null. */
gboolean ks_yaml_is_null(const KsYamlNode *n);
/* Human name of a node's kind for messages: "a mapping", "a sequence", "a string". */
const char *ks_yaml_kind_name(const KsYamlNode *n);

/* Sets a KS_YAML_ERROR_FIELD error "file:line:column: path: message". */
void ks_yaml_set_error(GError **error, const char *file, const KsYamlNode *at, const char *path,
                       const char *fmt, ...) G_GNUC_PRINTF(5, 6);
