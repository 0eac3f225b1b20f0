#!/usr/bin/env bash
# Full TCP connect scan of all 65535 ports of 127.0.0.1: `./portd scan 127.0.0.1 -p -` (JVM start
# included) against `nmap -sT -p- -n -Pn 127.0.0.1` and the same with -T4, timed by hyperfine in the
# same run. Runs inside its own network namespace (unshare -n, root) with the default host's TCP
# listeners (port offset 20000) and one nc on 20443, so other programs on the machine
# can not add or remove open ports during the run (they do still share the CPU).
# Usage: bench/scan.sh [RUNS]   (default 10; PORTD_BENCH_MD=FILE also writes hyperfine's markdown table)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-10}"

if [ "${PORTD_BENCH_INSIDE:-}" != 1 ]; then
    for tool in hyperfine nmap unshare nc; do
        command -v "$tool" >/dev/null || { echo "bench/scan.sh needs $tool (apt-get install -y hyperfine nmap netcat-openbsd)" >&2; exit 2; }
    done
    "$here/portd" --version >/dev/null   # builds the jar once, outside the timing
    exec env PORTD_BENCH_INSIDE=1 unshare -n "$0" "$@"
fi

ip link set lo up
log="$(mktemp)"
java -jar "$here/target/portd.jar" serve --port-offset 20000 --bind 127.0.0.1 >"$log" 2>&1 &
server=$!
nc -lk 127.0.0.1 20443 >/dev/null 2>&1 &
listener=$!
trap 'kill $server $listener 2>/dev/null; rm -f "$log"' EXIT
trap 'exit 130' INT TERM
for _ in $(seq 300); do grep -q '^serving' "$log" && break; sleep 0.1; done
grep -q '^serving' "$log" || { cat "$log"; exit 1; }

echo "open ports, portd: $("$here/portd" scan 127.0.0.1 -p - -o grepable | grep -o '[0-9]*/open' | cut -d/ -f1 | tr '\n' ' ')"
echo "open ports, nmap:  $(nmap -sT -p- -n -Pn 127.0.0.1 -oG - | grep -o '[0-9]*/open' | cut -d/ -f1 | tr '\n' ' ')"
echo "cpus: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg), ulimit -n: $(ulimit -n), java: $(java -version 2>&1 | head -1)"

hyperfine --warmup 1 --runs "$runs" --export-markdown "${PORTD_BENCH_MD:-/dev/null}" \
    -n "portd scan 127.0.0.1 -p -" "$here/portd scan 127.0.0.1 -p -" \
    -n "portd scan 127.0.0.1 -p 1 (start-up floor)" "$here/portd scan 127.0.0.1 -p 1" \
    -n "nmap -sT -p- -n -Pn 127.0.0.1" "nmap -sT -p- -n -Pn 127.0.0.1" \
    -n "nmap -sT -T4 -p- -n -Pn 127.0.0.1" "nmap -sT -T4 -p- -n -Pn 127.0.0.1" \
    ${PORTD_BENCH_EXTRA:+"${PORTD_BENCH_EXTRA_NAME:-extra}"} ${PORTD_BENCH_EXTRA:+"$PORTD_BENCH_EXTRA"}
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
