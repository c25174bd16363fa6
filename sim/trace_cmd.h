/* `ksim trace inspect|convert|synth` (docs/cli.md). argv[0] is "trace".
 * Exit codes as every ksim command: 0 ok, 1 run-time failure (writing
 * output), 2 bad usage or input. */
#pragma once

int ks_cli_trace(int argc, char **argv);
