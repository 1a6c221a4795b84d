# The benchmark captures, sourced by run.sh and triage.sh: with $synth, $dir
# (made, with $dir/live) and $gb set. SIZE_GB of display-heavy video, SIZE_GB
# of many small messages, and SIZE_GB / 2 of live capture as ryll's --capture
# writes it (received data per socket read).
seconds() { awk -v gb="$gb" -v per="$1" 'BEGIN { printf "%.3f", gb * per }'; }
# Display-heavy: 6 MiB/s video for as long as it takes to reach the size.
"$synth" --scenario video --seed 1 --rate 6M --duration "$(seconds 171)" -o "$dir/display.pcap"
# Many small messages: a desktop session whose images stay under 2 KB.
"$synth" --scenario desktop --seed 1 --max-image 1K --duration "$(seconds 20000)" -o "$dir/small.pcap"
# Live socket reads: the display file of a --live video session, half the size.
"$synth" --scenario video --seed 1 --rate 6M --duration "$(seconds 80)" --live "$dir/live"
