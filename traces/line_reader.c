/* See line_reader.h.
 *
 * Design: one growable line buffer `buf` holds decoded bytes [start, end);
 * a line is found with memchr, NUL-terminated in place and handed out
 * without copying, so the steady state does no allocation at all. When no
 * newline is left the unread tail is moved to the front and the buffer is
 * refilled with one big read (KS_LINE_READER_CHUNK); it only grows when a
 * single line is longer than what it holds, up to KS_LINE_READER_MAX_LINE.
 *
 * gzip is recognised by its magic bytes (1f 8b) in the first read. Then raw
 * file bytes go through a second buffer `in` into gio's GZlibDecompressor.
 * A file may hold several gzip members back to back (as `cat a.gz b.gz`
 * or pigz produce): when one member finishes and more bytes follow, the
 * decompressor is reset and the next member continues the same text. The
 * end of the file inside a member is an error ("truncated"), never a
 * silently shorter trace.
 *
 * Plain reads use POSIX read(2) on a file descriptor ("-" is stdin), which
 * is the fastest path glib offers no improvement on.
 */
#include "traces/line_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

#include "traces/trace_source.h"

/* Bytes asked of the kernel (or of zlib) per refill. */
#define KS_LINE_READER_CHUNK (256u << 10)

struct KsLineReader {
  char *path;
  int fd;
  gboolean own_fd;
  gboolean file_eof;   /* read(2) returned 0 */
  gboolean data_eof;   /* no more decoded bytes will come */
  gboolean gzip;
  GConverter *dec;     /* GZlibDecompressor when gzip */
  gboolean member_done; /* the current gzip member ended (FINISHED) */
  guint8 *in;          /* raw gzip bytes [in_pos, in_len) */
  gsize in_pos, in_len;
  char *buf;           /* decoded text [start, end); capacity cap (always > end) */
  gsize start, end, cap;
  guint64 line;
  guint64 offset;      /* raw bytes read from the file */
};

static void set_io_error(KsLineReader *r, GError **error, const char *what, int err) {
  g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: %s: %s", r->path, what,
              g_strerror(err));
}

/* Reads up to n raw bytes; 0 at end of file; -1 on error (error set). */
static gssize raw_read(KsLineReader *r, void *dst, gsize n, GError **error) {
  for (;;) {
    gssize got = read(r->fd, dst, n);
    if (got >= 0) {
      if (got == 0)
        r->file_eof = TRUE;
      r->offset += (guint64)got;
      return got;
    }
    if (errno != EINTR) {
      set_io_error(r, error, "cannot read", errno);
      return -1;
    }
  }
}

/* Fills `in` with at least 2 bytes (or to the end of the file) and decides
 * whether the file is gzip. */
static gboolean detect_gzip(KsLineReader *r, GError **error) {
  r->in = g_malloc(KS_LINE_READER_CHUNK);
  while (r->in_len < 2 && !r->file_eof) {
    gssize got = raw_read(r, r->in + r->in_len, KS_LINE_READER_CHUNK - r->in_len, error);
    if (got < 0)
      return FALSE;
    r->in_len += (gsize)got;
  }
  r->gzip = r->in_len >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b;
  if (r->gzip) {
    r->dec = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  } else {
    /* Plain text: what was read so far is the start of the text. */
    memcpy(r->buf, r->in, r->in_len);
    r->end = r->in_len;
    g_clear_pointer(&r->in, g_free);
    r->in_len = 0;
    if (r->file_eof)
      r->data_eof = TRUE;
  }
  return TRUE;
}

KsLineReader *ks_line_reader_open(const char *path, GError **error) {
  g_return_val_if_fail(path != NULL, NULL);
  gboolean use_stdin = strcmp(path, "-") == 0;
  int fd = use_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot open: %s", path,
                g_strerror(err));
    return NULL;
  }
  KsLineReader *r = g_new0(KsLineReader, 1);
  r->path = g_strdup(use_stdin ? "<stdin>" : path);
  r->fd = fd;
  r->own_fd = !use_stdin;
  r->cap = KS_LINE_READER_CHUNK + 1;
  r->buf = g_malloc(r->cap);
  if (!detect_gzip(r, error)) {
    ks_line_reader_free(r);
    return NULL;
  }
  return r;
}

/* Decodes more gzip bytes into buf[end, cap-1). Returns the number of
 * bytes produced (0 only at the end of the data), -1 on error. */
static gssize gzip_fill(KsLineReader *r, GError **error) {
  for (;;) {
    if (r->in_pos == r->in_len && !r->file_eof) {
      gssize got = raw_read(r, r->in, KS_LINE_READER_CHUNK, error);
      if (got < 0)
        return -1;
      r->in_pos = 0;
      r->in_len = (gsize)got;
    }
    gsize avail_in = r->in_len - r->in_pos;
    if (r->member_done) {
      if (avail_in == 0 && r->file_eof)
        return 0; /* the last member ended exactly at the end of the file */
      /* Another member follows. */
      g_converter_reset(r->dec);
      r->member_done = FALSE;
    }
    if (avail_in == 0 && r->file_eof) {
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO,
                  "%s:%" G_GUINT64_FORMAT ": gzip data is truncated (the file ends inside a "
                  "compressed member)",
                  r->path, r->line + 1);
      return -1;
    }
    gsize nread = 0, nwritten = 0;
    GError *cerr = NULL;
    GConverterResult res = g_converter_convert(
        r->dec, r->in + r->in_pos, avail_in, r->buf + r->end, r->cap - 1 - r->end,
        r->file_eof ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS, &nread, &nwritten, &cerr);
    if (res == G_CONVERTER_ERROR) {
      if (g_error_matches(cerr, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT)) {
        /* zlib wants more input: drop the consumed bytes and read on. */
        g_clear_error(&cerr);
        r->in_pos = r->in_len;
        continue;
      }
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO,
                  "%s:%" G_GUINT64_FORMAT ": corrupt gzip data: %s", r->path, r->line + 1,
                  cerr->message);
      g_error_free(cerr);
      return -1;
    }
    r->in_pos += nread;
    r->end += nwritten;
    if (res == G_CONVERTER_FINISHED)
      r->member_done = TRUE;
    if (nwritten > 0)
      return (gssize)nwritten;
  }
}

/* Makes room for more data: moves the unread tail to the front and grows the
 * buffer when a line fills it. FALSE (error set) when a line is over the limit. */
static gboolean make_room(KsLineReader *r, GError **error) {
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
  if (r->end + 1 < r->cap)
    return TRUE;
  if (r->end >= KS_LINE_READER_MAX_LINE) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
                "%s:%" G_GUINT64_FORMAT ": line longer than %u MiB", r->path, r->line + 1,
                KS_LINE_READER_MAX_LINE >> 20);
    return FALSE;
  }
  gsize cap = MIN((r->cap - 1) * 2, (gsize)KS_LINE_READER_MAX_LINE + KS_LINE_READER_CHUNK) + 1;
  r->buf = g_realloc(r->buf, cap);
  r->cap = cap;
  return TRUE;
}

/* Reads more decoded bytes after `end`. FALSE on error. */
static gboolean fill(KsLineReader *r, GError **error) {
  if (!make_room(r, error))
    return FALSE;
  gssize got;
  if (r->gzip) {
    got = gzip_fill(r, error);
  } else {
    got = raw_read(r, r->buf + r->end, r->cap - 1 - r->end, error);
    if (got > 0)
      r->end += (gsize)got;
  }
  if (got < 0)
    return FALSE;
  if (got == 0)
    r->data_eof = TRUE;
  return TRUE;
}

/* Hands out buf[start, start+n) as a line, dropping a trailing "\r". */
static char *take_line(KsLineReader *r, gsize n, gsize consumed, gsize *len) {
  char *line = r->buf + r->start;
  if (n > 0 && line[n - 1] == '\r')
    n--;
  line[n] = '\0';
  r->start += consumed;
  r->line++;
  if (len)
    *len = n;
  return line;
}

char *ks_line_reader_next(KsLineReader *r, gsize *len, GError **error) {
  gsize scanned = 0; /* bytes after start already known to hold no newline */
  for (;;) {
    gsize have = r->end - r->start;
    if (have > scanned) {
      char *nl = memchr(r->buf + r->start + scanned, '\n', have - scanned);
      if (nl) {
        gsize n = (gsize)(nl - (r->buf + r->start));
        if (n > KS_LINE_READER_MAX_LINE)
          break;
        return take_line(r, n, n + 1, len);
      }
      scanned = have;
    }
    if (have > KS_LINE_READER_MAX_LINE)
      break;
    if (r->data_eof) {
      if (have == 0)
        return NULL;
      /* The last line has no newline: buf always keeps one spare byte. */
      return take_line(r, have, have, len);
    }
    if (!fill(r, error))
      return NULL;
  }
  g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
              "%s:%" G_GUINT64_FORMAT ": line longer than %u MiB", r->path, r->line + 1,
              KS_LINE_READER_MAX_LINE >> 20);
  return NULL;
}

guint64 ks_line_reader_line(const KsLineReader *r) {
  return r->line;
}

const char *ks_line_reader_path(const KsLineReader *r) {
  return r->path;
}

guint64 ks_line_reader_offset(const KsLineReader *r) {
  return r->offset;
}

gboolean ks_line_reader_is_gzip(const KsLineReader *r) {
  return r->gzip;
}

void ks_line_reader_free(KsLineReader *r) {
  if (!r)
    return;
  if (r->own_fd && r->fd >= 0)
    close(r->fd);
  if (r->dec)
    g_object_unref(r->dec);
  g_free(r->in);
  g_free(r->buf);
  g_free(r->path);
  g_free(r);
}
