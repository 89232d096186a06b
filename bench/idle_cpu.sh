#!/usr/bin/env bash
# Idle CPU of a console showing 20 open incidents counting down, over 60 s
# (issue 3 budget: at most 1% of a core). Runs warroom in a detached tmux
# session and reads utime+stime from /proc/PID/stat before and after.
# Usage: bench/idle_cpu.sh [seconds]
set -euo pipefail
secs=${1:-60}
dir=$(mktemp -d)
trap 'tmux kill-session -t idlecpu 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/warroom" .
export WARROOM_DB="$dir/w.db"
for i in $(seq 1 20); do
  sev=$(( (i % 4) + 1 ))
  "$dir/warroom" declare --title "idle incident $i" --severity "P$sev" --reason bench >/dev/null
done
tmux new-session -d -s idlecpu -x 200 -y 50 "WARROOM_DB=$WARROOM_DB $dir/warroom --as idle"
sleep 3
pid=$(pgrep -f "^$dir/warroom --as idle" | head -1)
echo "pid $pid: $(cat /proc/$pid/comm)"
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); s0=$(date +%s.%N)
sleep "$secs"
t1=$(ticks); s1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s0="$s0" -v s1="$s1" \
  'BEGIN { cpu=(b-a)/hz; wall=s1-s0; printf "idle CPU: %.3f s over %.1f s = %.2f%% of a core\n", cpu, wall, 100*cpu/wall }'
