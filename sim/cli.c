/* Command dispatch for ksim. Each command parses its own options with
 * GOptionContext, so `ksim CMD --help` is always accurate. */
#include "sim/cli.h"

#include <stdio.h>
#include <string.h>

#include "ks_version.h"

typedef struct {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
} KsCommand;

static const KsCommand commands[] = {
  {NULL, NULL, NULL},
};

static void print_usage(FILE *out) {
  fprintf(out, "Usage: ksim <command> [options]\n\nCommands:\n");
  for (const KsCommand *c = commands; c->name; c++)
    fprintf(out, "  %-10s %s\n", c->name, c->summary);
  fprintf(out, "\nRun 'ksim <command> --help' for a command's options.\n"
               "Exit codes: 0 ok, 1 run-time failure, 2 bad usage or input.\n");
}

int ks_cli_main(int argc, char **argv) {
  if (argc < 2) {
    print_usage(stderr);
    return KS_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    printf("ksim %s\n", KSIM_VERSION);
    return KS_EXIT_OK;
  }
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    print_usage(stdout);
    return KS_EXIT_OK;
  }
  for (const KsCommand *c = commands; c->name; c++)
    if (!strcmp(c->name, cmd))
      return c->run(argc - 1, argv + 1);
  fprintf(stderr, "ksim: unknown command '%s'\n", cmd);
  print_usage(stderr);
  return KS_EXIT_USAGE;
}
