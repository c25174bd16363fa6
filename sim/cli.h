/* The ksim command line: `ksim <command> [options]`.
 * Exit codes: 0 ok, 1 run-time failure, 2 bad usage or input. */
#pragma once

enum { KS_EXIT_OK = 0, KS_EXIT_FAILURE = 1, KS_EXIT_USAGE = 2 };

int ks_cli_main(int argc, char **argv);
