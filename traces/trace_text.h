/* The lexical pieces of the native ksim trace format shared by its reader
 * and writer (docs/trace-format.md, "Lexical rules"): times in seconds with
 * up to six decimals, and percent escapes. Kept in one place so that what
 * the writer escapes is exactly what the reader unescapes. */
#pragma once
#include <glib.h>

/* Tokens per event line: labels are kept sorted (insertion is linear), so
 * a hostile 16 MiB line of tokens must not become quadratic work. The
 * writer puts objects with more into the JSON form (under the manifest
 * decoder's own limits). */
#define KS_TRACE_MAX_FIELDS 4096

/* Parses "-?digits[.digits]" (at most 6 decimals) into microseconds. */
gboolean ks_trace_text_parse_time(const char *s, gint64 *us);
/* Appends us as seconds in the shortest exact form ("12", "12.5", "0.000001"). */
void ks_trace_text_append_time(GString *out, gint64 us);

/* Bytes escaped everywhere: controls, space, DEL, '%'. */
#define KS_TRACE_ESCAPE_VALUE 0
/* Also '=' and ':' (keys, and the parts of taints and tolerations). */
#define KS_TRACE_ESCAPE_KEY 1
/* Also '/' (namespace and name in an identity). */
#define KS_TRACE_ESCAPE_NAME 2
/* Appends s with the bytes of the given class as %XX (upper-case hex). An
 * empty string stays empty. */
void ks_trace_text_append_escaped(GString *out, const char *s, int cls);
/* Decodes %XX in place; FALSE on a malformed escape, an escaped NUL, or
 * when the decoded text is not UTF-8. */
gboolean ks_trace_text_unescape(char *s);

/* A resource name as an unprefixed token key: cpu, memory,
 * ephemeral-storage, pods, hugepages-*, attachable-volumes-* and any name
 * with a domain (nvidia.com/gpu). Other names only travel in JSON. */
gboolean ks_trace_text_is_resource_key(const char *k);

/* Appends v in decimal (no locale, no printf: the writer's inner loop). */
void ks_trace_text_append_int(GString *out, gint64 v);

/* 0 when a line is usable text, 1 when it holds a NUL byte, 2 when it is
 * not UTF-8. */
int ks_trace_text_check_line(const char *line, gsize len);
