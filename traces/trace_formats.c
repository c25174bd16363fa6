/* The registry of trace formats: one line per format, in the order
 * `ksim trace --help` lists them. Each format exports its KsTraceFormat from
 * its own header. */
#include "traces/alibaba_v2017.h"
#include "traces/alibaba_v2018.h"
#include "traces/google_2011.h"
#include "traces/google_2019.h"
#include "traces/openb.h"
#include "traces/trace_reader.h"
#include "traces/trace_source.h"

static const KsTraceFormat *const formats[] = {
    &ks_trace_format_ksim,
    &ks_trace_format_openb,
    &ks_trace_format_alibaba_v2018,
    &ks_trace_format_alibaba_v2017,
    &ks_trace_format_google_2011,
    &ks_trace_format_google_2019,
    NULL,
};

const KsTraceFormat *const *ks_trace_formats(void) {
  return formats;
}
