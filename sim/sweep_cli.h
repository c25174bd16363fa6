/* `ksim sweep` (docs/sweeps.md, docs/cli.md). */
#pragma once

int ks_cli_sweep(int argc, char **argv);

/* `ksim plot SWEEPDIR` (or --sweep DIR): the sweep's comparison plots into
 * out_dir (NULL: SWEEPDIR/plots); prints what it wrote; returns the exit code. */
int ks_cli_plot_sweep(const char *sweep_dir, const char *out_dir, const char *format,
                      const char *const *metrics);
