#!/usr/bin/env bash
# Footprint and tails of `./portd serve` (the default config, the launcher's JVM settings) under
# `wrk -t2 -c64 --latency` on a 1 KiB file, beside the same jar on the JVM's own defaults
# (`java -jar target/portd.jar serve`) and Debian's nginx with sendfile (as bench/http.sh runs it),
# one after the other in the same run, ROUNDS times. Per server: RSS idle 5 s after start and again
# 15 s after start (the launcher trims glibc's malloc arenas every 10 s: the second figure is the
# idle a running portd settles at), then two runs of wrk, each with the peak RSS during it,
# requests/s, p99 and max latency, and the load average when it ended:
#   cold  the first DURATION after start: a JVM's JIT compiles the hot code meanwhile, so its worst
#         requests are here;
#   warm  the next DURATION, on the same process: the steady state (bench/http.sh warms up too).
# BENCH_GCLOG=DIR writes each portd's -Xlog:gc*,safepoint to DIR (pauses beside the tails).
# Runs in its own network namespace (unshare -n, root), so the default ports (80, 25, 111, ...) are free.
# Usage: bench/footprint.sh [ROUNDS]   (default 3; BENCH_DURATION=10s)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
duration="${BENCH_DURATION:-10s}"

if [ "${PORTD_BENCH_INSIDE:-}" != 1 ]; then
    for tool in wrk nginx unshare curl; do
        command -v "$tool" >/dev/null || { echo "bench/footprint.sh needs $tool (apt-get install -y wrk nginx curl)" >&2; exit 2; }
    done
    "$here/portd" --version >/dev/null   # builds the jar once, outside the timing
    exec env PORTD_BENCH_INSIDE=1 unshare -n "$0" "$@"
fi
ip link set lo up
work="$(mktemp -d)"
chmod 755 "$work"
mkdir -p "$work/public"
head -c 1024 /dev/urandom > "$work/public/1k.bin"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off; sendfile on; tcp_nopush on; default_type application/octet-stream;
    client_body_temp_path $work/nb; proxy_temp_path $work/np; fastcgi_temp_path $work/nf;
    uwsgi_temp_path $work/nu; scgi_temp_path $work/ns;
    server { listen 127.0.0.1:8080; root $work/public; }
}
NGINX

rss_kib() {   # the RSS of a process and its children (nginx's workers), KiB
    local total=0 p
    for p in "$1" $(pgrep -P "$1" || true); do
        total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

load1() { cut -d' ' -f1 /proc/loadavg; }

load_run() {   # name port phase: one wrk run, its row
    local name=$1 port=$2 phase=$3 peak=0 now out
    wrk -t2 -c64 -d"$duration" --latency "http://127.0.0.1:$port/1k.bin" >"$work/wrk.out" &
    local w=$!
    while kill -0 "$w" 2>/dev/null; do
        now=$(rss_kib "$pid"); [ "$now" -gt "$peak" ] && peak=$now
        sleep 0.2
    done
    wait "$w"
    out="$(cat "$work/wrk.out")"
    local rps p99 max
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    max="$(awk '$1 == "Latency" {print $4}' <<<"$out")"
    printf '| %s | %s | %s | %d | %s | %s | %s | %s |\n' "$name" "$idle" "$phase" $((peak / 1024)) "$rps" "$p99" "$max" "$(load1)"
}

measure() {   # name port command...
    local name=$1 port=$2 idle5 idle15 idle
    shift 2
    (cd "$work" && exec "$@" >"$work/$name.log" 2>&1) &
    pid=$!
    local t0=$SECONDS
    for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/1k.bin" && break; sleep 0.1; done
    sleep 5
    idle5=$(rss_kib "$pid")
    sleep $((15 - (SECONDS - t0) > 0 ? 15 - (SECONDS - t0) : 0))
    idle15=$(rss_kib "$pid")
    idle="$((idle5 / 1024)) / $((idle15 / 1024))"
    load_run "$name" "$port" cold
    load_run "$name" "$port" warm
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

echo "cpus: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg), java: $(java -version 2>&1 | head -1)"
echo "| server | idle RSS MiB (5 s / 15 s) | run | peak RSS MiB | requests/s | p99 | max | load |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"
gclog() {   # the JVM option that logs GC and safepoints of one portd, when BENCH_GCLOG is set
    [ -z "${BENCH_GCLOG:-}" ] || echo "-Xlog:gc*,safepoint:file=$BENCH_GCLOG/$1-$(date +%s).log:uptime"
}
[ -n "${BENCH_GCLOG:-}" ] && mkdir -p "$BENCH_GCLOG"
for _ in $(seq "$rounds"); do
    PORTD_JAVA_OPTS="$(gclog launcher)" measure "./portd serve (launcher's settings)" 80 "$here/portd" serve
    measure "java -jar portd.jar serve (JVM defaults)" 80 java $(gclog defaults) -jar "$here/target/portd.jar" serve
    measure "nginx (sendfile)" 8080 nginx -c "$work/nginx.conf" -g 'daemon off;'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
