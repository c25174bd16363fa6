/* A streaming line reader over a plain or gzip-compressed file.
 *
 * gzip is detected by its magic bytes, not by the file name, so a trace
 * reads the same compressed or not. Memory is one buffer of the longest line
 * (capped at KS_LINE_READER_MAX_LINE); files of many gigabytes stream in
 * constant memory.
 */
#pragma once
#include <glib.h>

#define KS_LINE_READER_MAX_LINE (16u << 20)

typedef struct KsLineReader KsLineReader;

/* transfer full; NULL with KS_TRACE_ERROR_IO when the file cannot be opened. */
KsLineReader *ks_line_reader_open(const char *path, GError **error);
/* The next line without its "\n" or "\r\n", NUL-terminated, owned by the
 * reader and valid until the next call (callers may modify it in place).
 * NULL at the end (error unset) or on error (I/O, corrupt gzip, a line over
 * the limit: "path:line: line longer than 16 MiB"). */
char *ks_line_reader_next(KsLineReader *r, gsize *len, GError **error);
/* 1-based number of the line last returned (0 before the first). */
guint64 ks_line_reader_line(const KsLineReader *r);
const char *ks_line_reader_path(const KsLineReader *r);
/* Bytes of the file consumed so far (compressed bytes for gzip), for progress. */
guint64 ks_line_reader_offset(const KsLineReader *r);
gboolean ks_line_reader_is_gzip(const KsLineReader *r);
void ks_line_reader_free(KsLineReader *r);
