#!/usr/bin/env bash
# Load test of the three example services on loopback, with wrk (installed
# with apt-get when missing): mixed traffic — a third preflights, a third
# allowed GETs, a third GETs from a disallowed origin — for a bounded time,
# with and without the CORS layer. Reports requests/s, errors (non-2xx,
# socket errors), panics in the server's output, and RSS before and after.
# Without the layer, the preflights are answered 404/405 by the router: those
# are the non-2xx of the baseline rows, expected.
#
# Then the axum example side by side with corsc, with tower-http's
# CorsLayer configured the same, and without CORS, in interleaved rounds
# (ROUNDS, default 5), and the throughput each layer costs.
#
# Run from the repository root: benches/load.sh [seconds per run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
PORT=18180

if ! command -v wrk >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null
fi
cargo build --release -q -p example-axum -p example-actix -p example-rocket

SCRIPT=$(mktemp --suffix=.lua)
cat > "$SCRIPT" <<'LUA'
local requests = {}
local n = 0
init = function()
  requests[1] = wrk.format("OPTIONS", "/api/items/2", {
    ["Origin"] = "https://app.example.com",
    ["Access-Control-Request-Method"] = "PUT",
    ["Access-Control-Request-Headers"] = "content-type,x-request-id",
  })
  requests[2] = wrk.format("GET", "/api/items", { ["Origin"] = "https://app.example.com" })
  requests[3] = wrk.format("GET", "/api/items", { ["Origin"] = "https://evil.example" })
end
request = function()
  n = n + 1
  return requests[(n % 3) + 1]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.0f non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
LUA

rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }

echo "| service | CORS | requests/s | p50 | p99 | non-2xx | socket errors | panics | RSS before → after (KiB) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
for framework in axum actix rocket; do
    for mode in with without; do
        flag=""; [ "$mode" = without ] && flag="--without-cors"
        log=$(mktemp)
        "target/release/example-$framework" --port "$PORT" $flag >"$log" 2>&1 &
        pid=$!
        for _ in $(seq 50); do
            curl -s -o /dev/null "http://127.0.0.1:$PORT/api/items" && break
            sleep 0.1
        done
        wrk -t2 -c32 -d3s -s "$SCRIPT" "http://127.0.0.1:$PORT" >/dev/null # warm-up, same connections
        before=$(rss "$pid")
        result=$(wrk -t2 -c32 -d"${DURATION}s" -s "$SCRIPT" "http://127.0.0.1:$PORT" | grep RESULT)
        after=$(rss "$pid")
        kill "$pid"; wait "$pid" 2>/dev/null || true
        panics=$(grep -c panicked "$log" || true)
        rm -f "$log"
        eval "$(echo "$result" | sed 's/RESULT //')"
        echo "| example-$framework | $mode | $rps | ${p50_us} µs | ${p99_us} µs | $non2xx | $socket_errors | $panics | $before → $after |"
        PORT=$((PORT + 1))
    done
done
# Side by side: the axum example with corsc, with tower-http's CorsLayer
# configured as the same policies (--tower-http), and without CORS, in
# ROUNDS interleaved rounds (drift hits the three alike); the throughput
# each layer costs relative to no CORS, per round and as a median.
ROUNDS=${ROUNDS:-5}
echo
echo "| round | corsc req/s | tower-http req/s | no CORS req/s | corsc cost | tower-http cost | corsc / tower-http |"
echo "|---|---:|---:|---:|---:|---:|---:|"
costs_ours=(); costs_theirs=()
for round in $(seq "$ROUNDS"); do
    declare -A rate=()
    for mode in corsc tower-http none; do
        case $mode in
            corsc) flag="" ;;
            tower-http) flag="--tower-http" ;;
            none) flag="--without-cors" ;;
        esac
        "target/release/example-axum" --port "$PORT" $flag >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 50); do
            curl -s -o /dev/null "http://127.0.0.1:$PORT/api/items" && break
            sleep 0.1
        done
        wrk -t2 -c32 -d2s -s "$SCRIPT" "http://127.0.0.1:$PORT" >/dev/null
        result=$(wrk -t2 -c32 -d"${DURATION}s" -s "$SCRIPT" "http://127.0.0.1:$PORT" | grep RESULT)
        kill "$pid"; wait "$pid" 2>/dev/null || true
        eval "$(echo "$result" | sed 's/RESULT //')"
        rate[$mode]=$rps
        PORT=$((PORT + 1))
    done
    read -r ours theirs ratio < <(awk -v a="${rate[corsc]}" -v b="${rate[tower-http]}" -v n="${rate[none]}" \
        'BEGIN { ca = 1 - a / n; cb = 1 - b / n; printf "%.4f %.4f %s\n", ca, cb, (cb > 0 ? sprintf("%.2f", ca / cb) : "n/a") }')
    costs_ours+=("$ours"); costs_theirs+=("$theirs")
    echo "| $round | ${rate[corsc]} | ${rate[tower-http]} | ${rate[none]} | $(awk -v c="$ours" 'BEGIN { printf "%.1f %%", 100 * c }') | $(awk -v c="$theirs" 'BEGIN { printf "%.1f %%", 100 * c }') | $ratio |"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
mo=$(median "${costs_ours[@]}"); mt=$(median "${costs_theirs[@]}")
echo
awk -v a="$mo" -v b="$mt" 'BEGIN { printf "median cost: corsc %.1f %%, tower-http %.1f %% (corsc / tower-http: %s)\n", 100 * a, 100 * b, (b > 0 ? sprintf("%.2f", a / b) : "n/a") }'

rm -f "$SCRIPT"
