#!/bin/sh
# The room's benchmark: a room server on 127.0.0.1 (examples/room_server.rs, its own process) and
# 50 participants placing 30 changes each (examples/bench_room.rs). Prints the placement round
# trip, the server's memory per participant and its CPU while idle. Figures go to
# docs/benchmarks.md by hand; nothing here fails on a time. Loopback only.
set -eu
cd "$(dirname "$0")/.."
PEOPLE="${1:-50}"
PLACEMENTS="${2:-30}"
nice cargo build --release --example room_server --example bench_room
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
mkfifo "$out/actions"
# The server reads the facilitator's actions from the fifo; closing it ends the server.
target/release/examples/room_server --changes "$PLACEMENTS" <"$out/actions" >"$out/server.out" &
server=$!
exec 3>"$out/actions"
for _ in $(seq 1 100); do
    [ -s "$out/server.out" ] && break
    sleep 0.1
done
line="$(head -n 1 "$out/server.out")"
url="$(printf '%s' "$line" | sed -n 's/.*"url":"\([^"]*\)".*/\1/p')"
pid="$(printf '%s' "$line" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')"
[ -n "$url" ] || { echo "the room server did not start: $line" >&2; exit 1; }
target/release/examples/bench_room "$url" "$pid" "$PEOPLE" "$PLACEMENTS"
echo close_room >&3
exec 3>&-
wait "$server"
