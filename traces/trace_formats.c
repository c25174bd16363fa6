/* The registry of trace formats: one line per format, in the order
 * `ksim trace --help` lists them. Each format exports its KsTraceFormat from
 * its own header. */
#include "traces/trace_source.h"

static const KsTraceFormat *const formats[] = {
    NULL,
};

const KsTraceFormat *const *ks_trace_formats(void) {
  return formats;
}
