# CPU and memory, requested and allocatable (and used, when the run
# modelled usage), over time.
# Reads timeseries.tsv in the working directory (written by `ksim plot`);
# each sample holds until the next one, hence "steps".
# Parameters (-e): fmt (png or svg), tunit (time unit word), no_samples (1 when empty),
# has_usage (1 when timeseries.tsv's used columns hold the resource model's usage).
if (!exists("fmt")) fmt = "png"
if (!exists("tunit")) tunit = "s"
if (!exists("no_samples")) no_samples = 0
if (!exists("has_usage")) has_usage = 0

if (fmt eq "svg") {
  set terminal svg size 1024,640 noenhanced font ",10"
} else {
  set terminal pngcairo size 1024,640 noenhanced font ",10"
}
set output "utilization.".fmt
set datafile separator "\t"
set grid
set key top left
set xlabel "time (".tunit.")"
set multiplot layout 2,1 title (has_usage ? "Requested, used and allocatable resources" : "Requested and allocatable resources")

set ylabel "cpu (cores)"
if (no_samples) {
  set label 1 "no samples" at graph 0.5, 0.5 center
  plot [0:1][0:1] NaN notitle
} else {
  if (has_usage) {
    plot "timeseries.tsv" using 1:3 with steps lw 2 title "allocatable", \
         "" using 1:2 with steps lw 2 title "requested", \
         "" using 1:9 with steps lw 2 title "used"
  } else {
    plot "timeseries.tsv" using 1:3 with steps lw 2 title "allocatable", \
         "" using 1:2 with steps lw 2 title "requested"
  }
}

set ylabel "memory (GiB)"
if (no_samples) {
  plot [0:1][0:1] NaN notitle
} else {
  if (has_usage) {
    plot "timeseries.tsv" using 1:5 with steps lw 2 title "allocatable", \
         "" using 1:4 with steps lw 2 title "requested", \
         "" using 1:10 with steps lw 2 title "used"
  } else {
    plot "timeseries.tsv" using 1:5 with steps lw 2 title "allocatable", \
         "" using 1:4 with steps lw 2 title "requested"
  }
}
unset multiplot
