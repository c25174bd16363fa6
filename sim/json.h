/* A small streaming JSON writer for ksim's machine-readable output
 * (`summary -o json`, `explain --output json`).
 *
 * Output is pretty-printed the same way everywhere: one member or element
 * per line, two spaces per level, members in the order written, so output
 * is byte-stable for scripts and golden tests. Numbers are written exactly:
 * integers as integers, doubles with a fixed, locale-independent format.
 */
#pragma once
#include <stdio.h>

#include <glib.h>

#define KS_JSON_MAX_DEPTH 32

typedef struct {
  FILE *f;
  int depth;
  gboolean has_members[KS_JSON_MAX_DEPTH];
} KsJson;

void ks_json_init(KsJson *j, FILE *f);
/* In an object pass the member's key; at the top level or in an array, NULL. */
void ks_json_begin_object(KsJson *j, const char *key);
void ks_json_end_object(KsJson *j);
void ks_json_begin_array(KsJson *j, const char *key);
void ks_json_end_array(KsJson *j);
/* value NULL writes null */
void ks_json_string(KsJson *j, const char *key, const char *value);
void ks_json_int(KsJson *j, const char *key, gint64 value);
void ks_json_bool(KsJson *j, const char *key, gboolean value);
/* A preformatted number (or NULL for null). */
void ks_json_raw(KsJson *j, const char *key, const char *text);
/* Ends the document with a newline. */
void ks_json_finish(KsJson *j);
