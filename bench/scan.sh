#!/usr/bin/env bash
# Full TCP connect scan of all 65535 ports of 127.0.0.1: `./portd scan 127.0.0.1 -p -` (JVM start
# included) against `nmap -sT -T4 -p- -n -Pn 127.0.0.1`, run in turn (portd, nmap, portd, nmap, ...)
# so that both see the same machine, then the median and the minimum of each, wall and CPU seconds.
# Runs inside its own network namespace (unshare -n, root) with the default host's TCP listeners
# (port offset 20000) and one nc on 20443, so other programs on the machine can not add or remove
# open ports during the run (they do still share the CPU: the load average is printed).
# Usage: bench/scan.sh [RUNS]   (default 10)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-10}"

if [ "${PORTD_BENCH_INSIDE:-}" != 1 ]; then
    for tool in nmap unshare nc python3; do
        command -v "$tool" >/dev/null || { echo "bench/scan.sh needs $tool (apt-get install -y nmap netcat-openbsd python3)" >&2; exit 2; }
    done
    "$here/portd" scan 127.0.0.1 -p 1 >/dev/null   # builds the jar and its class-data archive, outside the timing
    exec env PORTD_BENCH_INSIDE=1 unshare -n "$0" "$@"
fi

ip link set lo up
log="$(mktemp)"
times="$(mktemp)"
java -jar "$here/target/portd.jar" serve --port-offset 20000 --bind 127.0.0.1 >"$log" 2>&1 &
server=$!
nc -lk 127.0.0.1 20443 >/dev/null 2>&1 &
listener=$!
trap 'kill $server $listener 2>/dev/null; rm -f "$log" "$times"' EXIT
trap 'exit 130' INT TERM
for _ in $(seq 300); do grep -q '^serving' "$log" && break; sleep 0.1; done
grep -q '^serving' "$log" || { cat "$log"; exit 1; }

echo "open ports, portd: $("$here/portd" scan 127.0.0.1 -p - -o grepable | grep -o '[0-9]*/open' | cut -d/ -f1 | tr '\n' ' ')"
echo "open ports, nmap:  $(nmap -sT -T4 -p- -n -Pn 127.0.0.1 -oG - | grep -o '[0-9]*/open' | cut -d/ -f1 | tr '\n' ' ')"
echo "cpus: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg), ulimit -n: $(ulimit -n), java: $(java -version 2>&1 | head -1), $(nmap --version | head -1)"

TIMEFORMAT='%R %U %S'
for i in $(seq "$runs"); do
    { time "$here/portd" scan 127.0.0.1 -p - >/dev/null; } 2>&1 | sed 's/^/portd /' >>"$times"
    { time nmap -sT -T4 -p- -n -Pn 127.0.0.1 >/dev/null; } 2>&1 | sed 's/^/nmap /' >>"$times"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$times" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_ = line.split()
    runs.setdefault(name, []).append((float(wall), float(user) + float(sys_)))
print("| command | runs | wall median | wall min | CPU median (user+sys) |")
print("|---|---:|---:|---:|---:|")
labels = {"portd": "`./portd scan 127.0.0.1 -p -`", "nmap": "`nmap -sT -T4 -p- -n -Pn 127.0.0.1`"}
for name in ("portd", "nmap"):
    r = runs[name]
    print(f"| {labels[name]} | {len(r)} | {statistics.median(w for w, _ in r):.3f} s | {min(w for w, _ in r):.3f} s "
          f"| {statistics.median(c for _, c in r):.3f} s |")
ratio = statistics.median(w for w, _ in runs["nmap"]) / statistics.median(w for w, _ in runs["portd"])
print(f"\nnmap median / portd median (wall): {ratio:.2f}x")
PY
