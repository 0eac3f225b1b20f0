#!/usr/bin/env bash
# Benchmark of the http service against nginx and jwebserver: static files of 1 KiB, 100 KiB and
# 10 MiB over loopback with wrk -t2 -c64 -d10s, one server at a time, each warmed up first.
# Needs: wrk, nginx (nginx-light), a JDK 18+ jwebserver, and target/portd.jar (mvn -DskipTests package).
# Prints a markdown table, one row per server, file and round (BENCH_ROUNDS, default 3); BENCH_OUT=file
# also writes it there. Every process is stopped by its PID.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/target/portd.jar"
jwebserver="${JWEBSERVER:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/jwebserver}"
duration="${BENCH_DURATION:-10s}"
# loopback ports: the task's offset 30000 plus 80, 81, 82
port_portd=30080; port_nginx=30081; port_jweb=30082

for tool in wrk nginx java; do command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }; done
[ -x "$jwebserver" ] || { echo "bench: no jwebserver at $jwebserver (set JWEBSERVER)" >&2; exit 2; }
[ -f "$jar" ] || { echo "bench: build the jar first: mvn -B -DskipTests package" >&2; exit 2; }

work="$(mktemp -d)"
pids=()
stop_all() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

chmod 755 "$work"   # nginx workers run as nobody and must read the files
mkdir -p "$work/www"
head -c 1024 /dev/urandom > "$work/www/1k.bin"
head -c $((100 * 1024)) /dev/urandom > "$work/www/100k.bin"
head -c $((10 * 1024 * 1024)) /dev/urandom > "$work/www/10m.bin"

cat > "$work/portd.toml" <<TOML
[host]
bind = "127.0.0.1"
grace = "1s"
[services.http]
port = $port_portd
root = "$work/www"
TOML

cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    client_body_temp_path $work/nginx-body;
    proxy_temp_path $work/nginx-proxy;
    fastcgi_temp_path $work/nginx-fastcgi;
    uwsgi_temp_path $work/nginx-uwsgi;
    scgi_temp_path $work/nginx-scgi;
    server { listen 127.0.0.1:$port_nginx; root $work/www; }
}
NGINX

wait_port() {
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$1/1k.bin" && return 0
        sleep 0.2
    done
    echo "bench: nothing answers on port $1" >&2; return 1
}

# wrk's "Requests/sec:" and "Transfer/sec:" lines
measure() {
    local name=$1 port=$2 file=$3 out
    wrk -t2 -c64 -d2s "http://127.0.0.1:$port/$file" >/dev/null   # warm-up (JIT, caches)
    out="$(wrk -t2 -c64 -d"$duration" "http://127.0.0.1:$port/$file")"
    local rps tps errors
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    tps="$(awk '/^Transfer\/sec:/ {print $2}' <<<"$out")"
    errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)"
    echo "$name|$file|$rps|$tps|${errors:-}" >> "$work/results"
}

start_server() {   # name port command...
    local name=$1 port=$2; shift 2
    "$@" > "$work/$name.log" 2>&1 &
    pids+=($!)
    wait_port "$port"
}

start_server portd "$port_portd" java -jar "$jar" serve -c "$work/portd.toml"
start_server nginx "$port_nginx" nginx -c "$work/nginx.conf" -g 'daemon off;'
start_server jwebserver "$port_jweb" "$jwebserver" -b 127.0.0.1 -p "$port_jweb" -d "$work/www" -o none

# The machine is shared: the three servers take turns on each file, round after round, so a
# burst of someone else's work hurts all of them alike; the table gives every round.
: > "$work/results"
for round in $(seq 1 "${BENCH_ROUNDS:-3}"); do
    for f in 1k.bin 100k.bin 10m.bin; do
        measure portd "$port_portd" "$f"
        measure nginx "$port_nginx" "$f"
        measure jwebserver "$port_jweb" "$f"
    done
done
stop_all

{
    echo "| file | server | requests/s | transfer/s | wrk errors |"
    echo "|---|---|---:|---:|---|"
    for f in 1k.bin 100k.bin 10m.bin; do grep -F "|$f|" "$work/results"; done | while IFS='|' read -r name file rps tps errors; do
        echo "| $file | $name | $rps | $tps | ${errors:-none} |"
    done
} | tee "${BENCH_OUT:-/dev/null}"
