# CPU and memory, requested and allocatable, over time.
# Reads timeseries.tsv in the working directory (written by `ksim plot`);
# each sample holds until the next one, hence "steps".
# Parameters (-e): tunit (time unit word), no_samples (1 when empty).
if (!exists("tunit")) tunit = "s"
if (!exists("no_samples")) no_samples = 0

set terminal pngcairo size 1024,640 noenhanced font ",10"
set output "utilization.png"
set datafile separator "\t"
set grid
set key top left
set xlabel "time (".tunit.")"
set multiplot layout 2,1 title "Requested and allocatable resources"

set ylabel "cpu (cores)"
if (no_samples) {
  set label 1 "no samples" at graph 0.5, 0.5 center
  plot [0:1][0:1] NaN notitle
} else {
  plot "timeseries.tsv" using 1:3 with steps lw 2 title "allocatable", \
       "" using 1:2 with steps lw 2 title "requested"
}

set ylabel "memory (GiB)"
if (no_samples) {
  plot [0:1][0:1] NaN notitle
} else {
  plot "timeseries.tsv" using 1:5 with steps lw 2 title "allocatable", \
       "" using 1:4 with steps lw 2 title "requested"
}
unset multiplot
