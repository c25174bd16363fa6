# Node x time heat map of the allocation of one resource (requested /
# allocatable of each node) in one run of group k: its first seed. Reads
# groups.gp and heatmap-<k>-<res>.tsv, a matrix with one row per node band
# and one column per time bucket (written by `ksim plot SWEEPDIR`); blank
# where no node was (or no node had the resource).
# Parameters (-e): k, res (cpu, memory or gpu), dt (bucket length in
# tunit), tunit, band (nodes per row), rows (rows of the matrix), run (the
# run id), fmt (png or svg), no_samples (1: the run had nothing to draw).
if (!exists("fmt")) fmt = "png"
if (!exists("res")) res = "cpu"
if (!exists("tunit")) tunit = "s"
if (!exists("band")) band = 1
if (!exists("no_samples")) no_samples = 0
load "groups.gp"

if (fmt eq "svg") {
  set terminal svg size 1024,640 noenhanced font ",10"
} else {
  set terminal pngcairo size 1024,640 noenhanced font ",10"
}
set output sprintf("heatmap-%d-%s.%s", k, res, fmt)
what = (res eq "cpu") ? "CPU" : (res eq "memory") ? "Memory" : (res eq "gpu") ? "GPU" : res
set title sprintf("%s allocation per node: %s (run %s)", what, label[k], run)
set xlabel "time (".tunit.")"
set ylabel (band > 1 ? sprintf("node (rows of %d nodes, in node order)", band) : "node (in node order)")
set cblabel "requested / allocatable"
set cbrange [0:1]
set palette defined (0 "#ffffff", 0.5 "#f4a261", 1 "#9b2226")
set tics out
if (!exists("rows")) rows = 0
if (rows > 0 && rows <= 32) set ytics 1
if (rows > 0) set yrange [-0.5 * band : (rows - 0.5) * band]
if (no_samples) {
  set label 1 "no samples" at graph 0.5, 0.5 center
  plot [0:1][0:1] NaN notitle
} else {
  plot sprintf("heatmap-%d-%s.tsv", k, res) matrix using (($1 + 0.5) * dt):($2 * band):3 with image notitle
}
