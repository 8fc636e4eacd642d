#!/usr/bin/env bash
# Load examples/login (GET /home of a logged-in user) with wrk on loopback,
# next to the same route with no session (scripts/ceiling), and print the
# requests per second of each and their ratio.
#
#   scripts/load.sh                 # Simple engine, 10 s per run
#   DURATION=30s ROUNDS=5 scripts/load.sh
#   CONFIG=path/to/config.yml scripts/load.sh   # another engine
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "load.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
bin=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$bin"' EXIT
go build -o "$bin/login" ./examples/login
go build -o "$bin/ceiling" ./scripts/ceiling

login_args=(-addr 127.0.0.1:18181)
[ -n "${CONFIG:-}" ] && login_args+=(-config "$CONFIG")
"$bin/login" "${login_args[@]}" 2>/dev/null &
"$bin/ceiling" -addr 127.0.0.1:18182 2>/dev/null &
for port in 18181 18182; do
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
done

cookie=$(curl -s -o /dev/null -D - -d user=alice http://127.0.0.1:18181/login | sed -n 's/^Set-Cookie: \([^;]*\).*/\1/pI')
[ -n "$cookie" ] || { echo "load.sh: login gave no cookie" >&2; exit 1; }
[ "$(curl -s -H "Cookie: $cookie" http://127.0.0.1:18181/home)" = "Hello, alice" ] || { echo "load.sh: logged-in /home failed" >&2; exit 1; }

rps() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$@" | awk '/Requests\/sec/ {print $2}'; }
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
wrk -t1 -c4 -d1s -H "Cookie: $cookie" http://127.0.0.1:18181/home >/dev/null  # warm up
wrk -t1 -c4 -d1s http://127.0.0.1:18182/home >/dev/null
# Alternate the two, ROUNDS times, and compare medians: other load on the
# machine then hits both alike.
with=(); without=()
for round in $(seq 1 "${ROUNDS:-3}"); do
  with+=("$(rps -H "Cookie: $cookie" http://127.0.0.1:18181/home)")
  without+=("$(rps http://127.0.0.1:18182/home)")
  echo "round $round: login ${with[-1]} req/s, ceiling ${without[-1]} req/s"
done
a=$(printf '%s\n' "${with[@]}" | median)
b=$(printf '%s\n' "${without[@]}" | median)
echo "examples/login GET /home (session read), median: $a req/s"
echo "no-session ceiling GET /home, median:           $b req/s"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio: %.2f of the ceiling\n", a / b }'
