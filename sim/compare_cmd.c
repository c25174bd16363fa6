/* `ksim compare [--baseline FILE] [--fail-on RULE]... [-o FORMAT] FILE.h5...`
 * (docs/cli.md). Exit codes: 0 no regression, 1 a --fail-on rule failed,
 * 2 bad usage or an unreadable file; every rule is parsed before any file
 * is read, so a typo in a rule never waits for the files. */
#include <stdio.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/compare.h"

static void list_metrics(FILE *out) {
  gsize n;
  const KsMetric *cat = ks_metrics_catalogue(&n);
  for (gsize i = 0; i < n; i++)
    fprintf(out, "%-32s %-7s %s\n", cat[i].name, cat[i].unit,
            ks_metric_better_to_string(cat[i].better));
}

static int usage(const char *msg) {
  fprintf(stderr, "ksim compare: %s\n", msg);
  fprintf(stderr, "Run 'ksim compare --help' for usage.\n");
  return KS_EXIT_USAGE;
}

static GPtrArray *parse_rules(char **texts, int *code) {
  GPtrArray *rules = g_ptr_array_new_with_free_func((GDestroyNotify)ks_compare_rule_free);
  for (guint i = 0; texts && texts[i]; i++) {
    GError *error = NULL;
    KsCompareRule *r = ks_compare_rule_parse(texts[i], &error);
    if (!r) {
      fprintf(stderr, "ksim compare: --fail-on %s\n", error->message);
      g_error_free(error);
      *code = KS_EXIT_USAGE;
      g_ptr_array_unref(rules);
      return NULL;
    }
    g_ptr_array_add(rules, r);
  }
  return rules;
}

static int compare(const char *baseline, char **files, int n_files, GPtrArray *rules,
                   KsCompareFormat fmt) {
  GPtrArray *all = g_ptr_array_new();
  if (baseline)
    g_ptr_array_add(all, (gpointer)baseline);
  for (int i = 0; i < n_files; i++)
    g_ptr_array_add(all, files[i]);
  int code = KS_EXIT_OK;
  if (all->len < 2) {
    code = usage("expected a baseline and at least one more results file");
  } else {
    KsCompareOptions o = {.files = (const char *const *)all->pdata, .n_files = all->len,
                          .rules = (KsCompareRule *const *)rules->pdata, .n_rules = rules->len,
                          .format = fmt};
    gboolean regressed = FALSE;
    GError *error = NULL;
    if (!ks_compare_run(&o, stdout, &regressed, &error)) {
      fprintf(stderr, "ksim compare: %s\n", error->message);
      g_error_free(error);
      code = KS_EXIT_USAGE;
    } else if (regressed) {
      code = KS_EXIT_FAILURE;
    }
  }
  g_ptr_array_unref(all);
  return code;
}

int ks_cli_compare(int argc, char **argv) {
  char *baseline = NULL, *format = NULL;
  char **fail_on = NULL;
  gboolean list = FALSE;
  GOptionEntry entries[] = {
    {"baseline", 'b', 0, G_OPTION_ARG_FILENAME, &baseline, "The run the others are compared with (default: the first FILE)", "FILE.h5"},
    {"fail-on", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fail_on, "Exit 1 when RULE holds for a run, e.g. 'pending.p99>+5%', 'evictions>0', 'throughput<-10%', 'makespan>+30s' (repeatable; docs/metrics.md)", "RULE"},
    {"output", 'o', 0, G_OPTION_ARG_STRING, &format, "table (default), markdown, json or junit", "FORMAT"},
    {"list-metrics", 0, 0, G_OPTION_ARG_NONE, &list, "List the metrics (name, unit, which way is better) and exit", NULL},
    {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = g_option_context_new("FILE.h5...");
  g_option_context_set_summary(ctx, "Compare the metrics of runs side by side, with each run's change from the baseline; --fail-on rules turn a change into a regression.");
  g_option_context_set_description(ctx, "Exit codes: 0 no regression, 1 a --fail-on rule failed, 2 bad usage or input.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  GError *error = NULL;
  GPtrArray *rules = NULL;
  KsCompareFormat fmt = KS_COMPARE_TABLE;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    code = usage(error->message);
    g_error_free(error);
  } else if (list) {
    list_metrics(stdout);
  } else if (format && !ks_compare_format_parse(format, &fmt)) {
    code = usage("--output must be table, markdown, json or junit");
  } else if ((rules = parse_rules(fail_on, &code))) {
    code = compare(baseline, argv + 1, argc - 1, rules, fmt);
  }
  if (rules)
    g_ptr_array_unref(rules);
  g_free(baseline);
  g_free(format);
  g_strfreev(fail_on);
  g_option_context_free(ctx);
  return code;
}
