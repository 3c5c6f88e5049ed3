#!/usr/bin/env bash
# Start-up time and memory of the Parallax window under Xvfb, with the sample workshop.
# usage: scripts/bench-startup.sh [BINARY] [RUNS]   (default: target/release/parallax, else debug; 5 runs)
# Prints, per run and as medians: ms from spawn to the window being mapped, ms to the UI having
# loaded the workshop (the shell retitles the window on the UI's first call), and the memory (RSS
# and PSS, MiB) of the main process plus its WebKit processes after 3 s.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-}
if [ -z "$BIN" ]; then
  if [ -x target/release/parallax ]; then BIN=target/release/parallax; else BIN=target/debug/parallax; fi
fi
RUNS=${2:-5}
command -v xdotool >/dev/null || { apt-get install -y -qq xdotool >/dev/null 2>&1 || sudo apt-get install -y -qq xdotool >/dev/null; }
command -v Xvfb >/dev/null || { echo "needs Xvfb (make setup installs it)" >&2; exit 1; }

DISPLAY_NUM=97
Xvfb ":$DISPLAY_NUM" -screen 0 1920x1080x24 >/dev/null 2>&1 &
XVFB=$!
trap 'kill $XVFB 2>/dev/null || true' EXIT
sleep 0.5
export DISPLAY=":$DISPLAY_NUM"
DATA=$(mktemp -d)

descendants() { local p=$1; echo "$p"; for c in $(pgrep -P "$p"); do descendants "$c"; done; }
now_ms() { date +%s%3N; }

maps=(); uis=(); rss=(); pss=()
for run in $(seq 1 "$RUNS"); do
  start=$(now_ms)
  XDG_DATA_HOME="$DATA" XDG_CONFIG_HOME="$DATA" "$BIN" >/dev/null 2>&1 &
  pid=$!
  xdotool search --sync --onlyvisible --pid "$pid" >/dev/null 2>&1 || true
  mapped=$(now_ms)
  for _ in $(seq 1 300); do
    xdotool search --name "Sample: platform changes" >/dev/null 2>&1 && break
    sleep 0.02
  done
  ui=$(now_ms)
  sleep 3
  r=0; p=0
  for q in $(descendants "$pid"); do
    [ -r "/proc/$q/smaps_rollup" ] || continue
    r=$((r + $(awk '/^Rss:/ {print $2}' "/proc/$q/smaps_rollup")))
    p=$((p + $(awk '/^Pss:/ {print $2}' "/proc/$q/smaps_rollup")))
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  maps+=($((mapped - start))); uis+=($((ui - start))); rss+=($((r / 1024))); pss+=($((p / 1024)))
  echo "run $run: window mapped ${maps[-1]} ms, workshop shown ${uis[-1]} ms, RSS ${rss[-1]} MiB, PSS ${pss[-1]} MiB"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "binary: $BIN ($(du -h "$BIN" | cut -f1))"
echo "median of $RUNS: window mapped $(median "${maps[@]}") ms, workshop shown $(median "${uis[@]}") ms, RSS $(median "${rss[@]}") MiB, PSS $(median "${pss[@]}") MiB (main + WebKit processes)"
rm -rf "$DATA"
