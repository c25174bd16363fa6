# Pending and running pods over time.
# Reads timeseries.tsv in the working directory (written by `ksim plot`).
# Parameters (-e): fmt (png or svg), tunit (time unit word), no_samples (1 when empty).
if (!exists("fmt")) fmt = "png"
if (!exists("tunit")) tunit = "s"
if (!exists("no_samples")) no_samples = 0

if (fmt eq "svg") {
  set terminal svg size 1024,640 noenhanced font ",10"
} else {
  set terminal pngcairo size 1024,640 noenhanced font ",10"
}
set output "pending.".fmt
set datafile separator "\t"
set grid
set key top left
set title "Pods pending and running"
set xlabel "time (".tunit.")"
set ylabel "pods"
if (no_samples) {
  set label 1 "no samples" at graph 0.5, 0.5 center
  plot [0:1][0:1] NaN notitle
} else {
  plot "timeseries.tsv" using 1:7 with steps lw 2 title "running", \
       "" using 1:6 with steps lw 2 title "pending"
}
