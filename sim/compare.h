/* `ksim compare`: the metrics (sim/metrics.h) of several runs side by side,
 * with each run's difference from a baseline, and --fail-on rules
 * (sim/compare_rule.h) that turn a difference into a regression.
 * Formats: a table for people, GitHub markdown, JSON, JUnit XML for CI
 * systems (docs/metrics.md, "Comparing runs"). */
#pragma once
#include <stdio.h>

#include <glib.h>

#include "sim/compare_rule.h"
#include "sim/metrics.h"

typedef enum {
  KS_COMPARE_TABLE,
  KS_COMPARE_MARKDOWN,
  KS_COMPARE_JSON,
  KS_COMPARE_JUNIT,
} KsCompareFormat;

/* "table", "markdown", "json", "junit" */
gboolean ks_compare_format_parse(const char *name, KsCompareFormat *out);

typedef struct {
  const char *const *files;  /* results files, the baseline first; at least 2 */
  gsize n_files;
  KsCompareRule *const *rules;
  gsize n_rules;
  KsCompareFormat format;
} KsCompareOptions;

/* Reads every file's metrics (ks_metrics_read), writes the comparison to
 * out and sets *regressed when a rule failed for some file. Errors are
 * those of reading a file. */
gboolean ks_compare_run(const KsCompareOptions *o, FILE *out, gboolean *regressed,
                        GError **error);

/* The same on metrics already read; names[i] labels metrics[i]. */
void ks_compare_print(const KsMetrics *const *metrics, const char *const *names, gsize n,
                      KsCompareRule *const *rules, gsize n_rules, KsCompareFormat format,
                      FILE *out, gboolean *regressed);

/* `ksim compare` (sim/compare_cmd.c); returns the exit code. */
int ks_cli_compare(int argc, char **argv);
