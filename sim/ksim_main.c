/* The ksim command: everything lives in the sim library (sim/cli.c) so tests
 * can drive the same code paths. */
#include "sim/cli.h"

int main(int argc, char **argv) { return ks_cli_main(argc, argv); }
