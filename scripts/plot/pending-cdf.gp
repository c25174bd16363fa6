# CDF of pending time (creation to binding) of the pods that were scheduled.
# Reads pending-cdf.tsv in the working directory (written by `ksim plot`).
# Parameters (-e): fmt (png or svg), no_scheduled (1 when no pod was scheduled),
# unscheduled (pods never scheduled, which the CDF cannot show).
if (!exists("fmt")) fmt = "png"
if (!exists("no_scheduled")) no_scheduled = 0
if (!exists("unscheduled")) unscheduled = 0

if (fmt eq "svg") {
  set terminal svg size 1024,640 noenhanced font ",10"
} else {
  set terminal pngcairo size 1024,640 noenhanced font ",10"
}
set output "pending-cdf.".fmt
set datafile separator "\t"
set grid
set key bottom right
set title sprintf("Pending time of scheduled pods (%d never scheduled, not shown)", unscheduled)
set xlabel "pending time (s)"
set ylabel "fraction of scheduled pods"
set yrange [0:1]
if (no_scheduled) {
  set label 1 "no pod was scheduled" at graph 0.5, 0.5 center
  plot [0:1] NaN notitle
} else {
  plot "pending-cdf.tsv" using 1:2 with steps lw 2 title "CDF"
}
