# One metric of a sweep by group (profile, or every coordinate but the seed):
# the mean over seeds as a bar, the sample standard deviation as an error bar.
# Reads groups.gp and the data file `data` (written by `ksim plot SWEEPDIR`):
# rows "group  label  mean  stddev  min  max  runs", groups numbered from 1.
# Parameters (-e): data, out (file names), metric, unit, fmt (png or svg).
if (!exists("fmt")) fmt = "png"
if (!exists("unit")) unit = ""
load "groups.gp"

if (fmt eq "svg") {
  set terminal svg size 1024,640 noenhanced font ",10"
} else {
  set terminal pngcairo size 1024,640 noenhanced font ",10"
}
set output out
set datafile separator "\t"
set grid ytics
set key off
set title sprintf("%s by %s (mean over seeds, error bar: standard deviation)", metric, grouped_by)
set ylabel sprintf("%s (%s)", metric, unit)
set xrange [0.3:ngroups + 0.7]
set yrange [0:*]
set boxwidth 0.6
set style fill solid 0.5 border -1
set xtics rotate by -20
if (no_values) {
  set label 1 "no run has a value for this metric" at graph 0.5, 0.5 center
  set yrange [0:1]
  plot NaN notitle
} else {
  plot data using 1:3:xtic(2) with boxes lc rgb "#4477aa", \
       "" using 1:3:4 with yerrorbars lc rgb "black" pt -1 lw 1.5
}
