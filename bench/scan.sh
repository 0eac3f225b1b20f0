#!/usr/bin/env bash
# Full TCP connect scan of all 65535 ports of 127.0.0.1: `./portd scan 127.0.0.1 -p -` (launcher and
# JVM start included) against `nmap -sT -T4 -p- -n -Pn 127.0.0.1`, run in turn (portd, nmap, portd,
# nmap, ...) so that both see the same machine; then the median and the minimum of each, wall and
# CPU seconds, and the ratios nmap / portd. `./portd scan 127.0.0.1 -p 1` runs in the same turns: the
# start-up floor (launcher, JVM, command line, one connect, output), which says how much of portd's
# time is the scan itself.
# Runs inside its own network namespace (unshare -n, root) with a dozen TCP listeners: the default
# host's ten (port offset 20000) and two nc, one of them in the ephemeral port range (40000), so other
# programs on the machine cannot add or remove open ports during the run (they do still share the
# CPU: the load average is printed before and after).
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
listener1=$!
nc -lk 127.0.0.1 40000 >/dev/null 2>&1 &
listener2=$!
trap 'kill $server $listener1 $listener2 2>/dev/null; rm -f "$log" "$times"' EXIT
trap 'exit 130' INT TERM
for _ in $(seq 300); do grep -q '^serving' "$log" && break; sleep 0.1; done
grep -q '^serving' "$log" || { cat "$log"; exit 1; }

portd_open="$("$here/portd" scan 127.0.0.1 -p - -o grepable 2>/dev/null | grep -o '[0-9]*/open' | cut -d/ -f1 | tr '\n' ' ')"
nmap_open="$(nmap -sT -T4 -p- -n -Pn 127.0.0.1 -oG - | grep -o '[0-9]*/open' | cut -d/ -f1 | tr '\n' ' ')"
echo "open ports, portd: $portd_open($(wc -w <<<"$portd_open"))"
echo "open ports, nmap:  $nmap_open($(wc -w <<<"$nmap_open"))"
[ "$portd_open" = "$nmap_open" ] && echo "same open ports: yes" || echo "same open ports: NO"
echo "cpus: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg), ulimit -n: $(ulimit -n), java: $(java -version 2>&1 | head -1), $(nmap --version | head -1)"

TIMEFORMAT='%R %U %S'
for i in $(seq "$runs"); do
    { time "$here/portd" scan 127.0.0.1 -p - >/dev/null 2>&1; } 2>&1 | sed 's/^/portd /' >>"$times"
    { time nmap -sT -T4 -p- -n -Pn 127.0.0.1 >/dev/null 2>&1; } 2>&1 | sed 's/^/nmap /' >>"$times"
    { time "$here/portd" scan 127.0.0.1 -p 1 >/dev/null 2>&1; } 2>&1 | sed 's/^/floor /' >>"$times"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$times" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_ = line.split()
    runs.setdefault(name, []).append((float(wall), float(user), float(sys_)))
def median(name, i):
    return statistics.median(r[i] if i < 3 else r[1] + r[2] for r in runs[name])
print("| command | runs | wall median | wall min | CPU median (user + sys) |")
print("|---|---:|---:|---:|---:|")
labels = {"portd": "`./portd scan 127.0.0.1 -p -`", "nmap": "`nmap -sT -T4 -p- -n -Pn 127.0.0.1`",
          "floor": "`./portd scan 127.0.0.1 -p 1` (start-up floor)"}
for name in ("portd", "nmap", "floor"):
    r = runs[name]
    print(f"| {labels[name]} | {len(r)} | {median(name, 0):.3f} s | {min(w for w, _, _ in r):.3f} s "
          f"| {median(name, 3):.3f} s ({median(name, 1):.3f} + {median(name, 2):.3f}) |")
print(f"\nnmap / portd, wall medians: {median('nmap', 0) / median('portd', 0):.2f}x; "
      f"CPU medians: {median('nmap', 3) / median('portd', 3):.2f}x "
      f"(above 1: portd is faster)")
PY
