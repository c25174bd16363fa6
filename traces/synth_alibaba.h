/* What the synth functions of the Alibaba importers (openb.c,
 * alibaba_v2018.c, alibaba_v2017.c) share: a plain output file with
 * "path: reason" errors. The synth functions themselves live in
 * synth_alibaba.c and are declared in each format's header. Private to
 * traces/. */
#pragma once
#include <glib.h>

typedef struct KsSynthOut KsSynthOut;
/* Creates (truncates) path. transfer full; NULL with KS_TRACE_ERROR_IO. */
KsSynthOut *ks_synth_out_open(const char *path, GError **error);
void ks_synth_out_printf(KsSynthOut *o, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Closes and frees o, also on error (a failed write is reported here). */
gboolean ks_synth_out_close(KsSynthOut *o, GError **error);
