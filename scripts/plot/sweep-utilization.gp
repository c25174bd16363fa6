# Allocation over time (requested / allocatable, CPU and memory), one line
# per group, the mean over its seeds at each sample; with has_usage, usage
# too (used / allocatable, dashed, the mean over the group's runs that
# modelled usage). Reads groups.gp and utilization-<k>.tsv (written by
# `ksim plot SWEEPDIR`).
# Parameters (-e): tunit (time unit word), fmt (png or svg), no_samples,
# has_usage (1 when some run had usage profiles).
if (!exists("fmt")) fmt = "png"
if (!exists("tunit")) tunit = "s"
if (!exists("has_usage")) has_usage = 0
load "groups.gp"

if (fmt eq "svg") {
  set terminal svg size 1024,640 noenhanced font ",10"
} else {
  set terminal pngcairo size 1024,640 noenhanced font ",10"
}
set output "utilization.".fmt
set datafile separator "\t"
set grid
set key top right opaque
set xlabel "time (".tunit.")"
set yrange [0:1.05]
set multiplot layout 2,1 title sprintf((has_usage ? "Requested (solid) and used (dashed) / allocatable by %s (mean over seeds)" : "Requested / allocatable by %s (mean over seeds)"), grouped_by)
set ylabel "cpu"
if (no_samples) {
  set label 1 "no samples" at graph 0.5, 0.5 center
  plot [0:1] NaN notitle
} else {
  if (has_usage) {
    plot for [k=1:ngroups] sprintf("utilization-%d.tsv", k) using 1:2 with steps lw 2 lc k title label[k], \
         for [k=1:ngroups] sprintf("utilization-%d.tsv", k) using 1:4 with steps lw 2 dt 2 lc k title label[k]." (used)"
  } else {
    plot for [k=1:ngroups] sprintf("utilization-%d.tsv", k) using 1:2 with steps lw 2 title label[k]
  }
}
set ylabel "memory"
if (no_samples) {
  plot [0:1] NaN notitle
} else {
  if (has_usage) {
    plot for [k=1:ngroups] sprintf("utilization-%d.tsv", k) using 1:3 with steps lw 2 lc k title label[k], \
         for [k=1:ngroups] sprintf("utilization-%d.tsv", k) using 1:5 with steps lw 2 dt 2 lc k title label[k]." (used)"
  } else {
    plot for [k=1:ngroups] sprintf("utilization-%d.tsv", k) using 1:3 with steps lw 2 title label[k]
  }
}
unset multiplot
