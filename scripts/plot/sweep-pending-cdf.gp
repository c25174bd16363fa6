# CDFs of pending time (creation to binding) of scheduled pods, one line per
# group, every seed's pods pooled. Reads groups.gp and pending-cdf-<k>.tsv
# (written by `ksim plot SWEEPDIR`). Parameters (-e): fmt (png or svg).
if (!exists("fmt")) fmt = "png"
load "groups.gp"

if (fmt eq "svg") {
  set terminal svg size 1024,640 noenhanced font ",10"
} else {
  set terminal pngcairo size 1024,640 noenhanced font ",10"
}
set output "pending-cdf.".fmt
set datafile separator "\t"
set grid
set key bottom right
set title sprintf("Pending time of scheduled pods by %s (all seeds pooled)", grouped_by)
set xlabel "pending time (s)"
set ylabel "fraction of scheduled pods"
set yrange [0:1]
if (no_scheduled) {
  set label 1 "no pod was scheduled" at graph 0.5, 0.5 center
  plot [0:1] NaN notitle
} else {
  plot for [k=1:ngroups] sprintf("pending-cdf-%d.tsv", k) using 1:2 with steps lw 2 title label[k]
}
