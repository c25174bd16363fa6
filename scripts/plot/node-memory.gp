# Memory in use on each node over time, as the node agent's resource model
# measured it (/kubelet/node_usage), with the evictions marked: an impulse
# and a cross at each eviction's time, as high as its node's memory at the
# sample before. Reads nodes.gp (nnodes, model_nodes, node[k] and alloc[k],
# the node's allocatable memory in GiB), node-memory.tsv (time, then one
# column per node of nodes.gp, GiB) and evictions.tsv (written by `ksim
# plot` for runs with usage profiles).
# Parameters (-e): fmt (png or svg), tunit (time unit word), no_samples (1
# when empty), evictions (rows of evictions.tsv).
if (!exists("fmt")) fmt = "png"
if (!exists("tunit")) tunit = "s"
if (!exists("no_samples")) no_samples = 0
if (!exists("evictions")) evictions = 0
load "nodes.gp"

if (fmt eq "svg") {
  set terminal svg size 1024,640 noenhanced font ",10"
} else {
  set terminal pngcairo size 1024,640 noenhanced font ",10"
}
set output "node-memory.".fmt
set datafile separator "\t"
set grid
set key outside right top
set xlabel "time (".tunit.")"
set ylabel "memory in use (GiB)"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
# nodes often run alike, so their steps coincide: wider lines underneath keep each visible
width(k) = nnodes <= 4 ? 1 + 1.5 * (nnodes - k) : 2
shown = (nnodes < model_nodes) ? sprintf(" (the %d of %d nodes with the highest peak)", nnodes, model_nodes) : ""
set title sprintf("Memory in use per node, %d evictions%s; dashed: allocatable", evictions, shown)
if (no_samples || nnodes == 0) {
  set label 1 "no samples" at graph 0.5, 0.5 center
  plot [0:1][0:1] NaN notitle
} else {
  if (evictions > 0) {
    plot for [k=1:nnodes] "node-memory.tsv" using 1:(column(k + 1)) with steps lw width(k) lc k title node[k], \
         for [k=1:nnodes] alloc[k] with lines dt 2 lw 1 lc k notitle, \
         "evictions.tsv" using 1:2 with impulses lw 1 lc rgb "#9b2226" notitle, \
         "" using 1:2 with points pt 2 ps 1.5 lw 2 lc rgb "#9b2226" title "eviction"
  } else {
    plot for [k=1:nnodes] "node-memory.tsv" using 1:(column(k + 1)) with steps lw width(k) lc k title node[k], \
         for [k=1:nnodes] alloc[k] with lines dt 2 lw 1 lc k notitle
  }
}
