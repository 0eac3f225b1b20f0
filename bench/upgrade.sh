#!/usr/bin/env bash
# Hitless upgrade and reload under load: portd's `serve --upgrade` (10 in a row) and `portd reload`
# (10 in a row) beside nginx's own binary upgrade (kill -USR2, then -QUIT to the old master, 10 in a
# row), each under wrk against HTTP (and, for portd, `portd load connect --echo` against echo).
# Counts what a client would see: wrk's socket errors (connect, read, write, timeout) and non-2xx
# answers, and portd load's errors by kind. Needs: wrk, nginx, java, target/portd.jar. Every process
# is stopped by its PID. BENCH_UPGRADES (default 10), BENCH_OUT=file also writes the table there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/target/portd.jar"
n="${BENCH_UPGRADES:-10}"
phases="${BENCH_PHASES:-upgrade reload nginx}"
# loopback ports: the task's offset 30000 plus 180, 107, 181
port_http=30180; port_echo=30107; port_nginx=30181

for tool in wrk nginx java; do command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }; done
[ -f "$jar" ] || { echo "bench: build the jar first: mvn -B -DskipTests package" >&2; exit 2; }

work="$(mktemp -d)"
pids=()
stop_all() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}
trap 'stop_all; [ -f "$work/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/www" "$work/nginx"
head -c 1024 /dev/urandom > "$work/www/1k.bin"

cat > "$work/portd.toml" <<TOML
[host]
bind = "127.0.0.1"
grace = "5s"
control_socket = "$work/control.sock"
[services.http]
port = $port_http
root = "$work/www"
[services.echo]
port = $port_echo
protocols = ["tcp"]
TOML

portd=(java -jar "$jar")   # an array, not a function: a backgrounded function is a subshell, and its PID not java's
await_line() {   # file, text: up to 60 s
    for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "bench: no '$2' in $1" >&2; cat "$1" >&2; return 1
}
wrk_errors() {   # a wrk report -> "requests errors"
    awk '/requests in/ {r=$1} /Socket errors/ {gsub(/,/,""); e+=$4+$6+$8+$10} /Non-2xx/ {e+=$NF} END {print r+0, e+0}' "$1"
}

rows=()
# ---- portd: n upgrades, then n reloads, under load ----
for phase in upgrade reload; do
    [[ " $phases " == *" $phase "* ]] || continue
    "${portd[@]}" serve --config "$work/portd.toml" > "$work/serve-0.out" 2> "$work/serve-0.err" &
    current=$!; pids+=("$current")
    await_line "$work/serve-0.out" serving
    [ "$phase" = upgrade ] && secs=$((12 * n + 20)) || secs=$((4 * n + 20))
    wrk -t1 -c16 -d"${secs}s" "http://127.0.0.1:$port_http/1k.bin" > "$work/wrk-$phase.txt" &
    wrk_pid=$!
    "${portd[@]}" load connect "127.0.0.1:$port_echo" --echo -c 8 -t 1 -w 0s -d "${secs}s" --timeout 10s --json > "$work/load-$phase.json" &
    load_pid=$!
    sleep 5
    start=$(date +%s.%N); done_ops=0
    for i in $(seq 1 "$n"); do
        if [ "$phase" = upgrade ]; then
            "${portd[@]}" serve --config "$work/portd.toml" --upgrade > "$work/serve-$i.out" 2> "$work/serve-$i.err" &
            next=$!; pids+=("$next")
            await_line "$work/serve-$i.out" serving
            wait "$current" || { echo "bench: the old portd exited $?" >&2; exit 1; }
            current=$next
        else
            "${portd[@]}" reload --control-socket "$work/control.sock" > /dev/null
        fi
        done_ops=$i
    done
    took=$(echo "$(date +%s.%N) - $start" | bc)
    wait "$wrk_pid" || true
    wait "$load_pid" || true   # portd load exits 2 when it counted errors; the table says how many
    read -r reqs errs < <(wrk_errors "$work/wrk-$phase.txt")
    read -r ops lerrs kinds < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["ops"], r["errors"], json.dumps(r["errorsByKind"]).replace(" ", ""))' "$work/load-$phase.json")
    rows+=("| portd $phase | $done_ops in ${took%.*} s | $reqs | $errs | $ops | $lerrs $kinds |")
    echo "${rows[-1]}" >&2
    stop_all
done

# ---- nginx: n binary upgrades under wrk ----
if [[ " $phases " == *" nginx "* ]]; then
# USR2 re-executes the binary by the name it was started with: start it by its full path
nginx_bin="$(command -v nginx)"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    server { listen 127.0.0.1:$port_nginx; root $work/www; }
}
CONF
"$nginx_bin" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" || { cat "$work/nginx/error.log" >&2; exit 1; }
await_line "$work/nginx.pid" .
wrk -t1 -c16 -d"$((2 * n + 15))s" "http://127.0.0.1:$port_nginx/1k.bin" > "$work/wrk-nginx.txt" &
wrk_pid=$!
sleep 5
start=$(date +%s.%N)
for i in $(seq 1 "$n"); do
    old=$(cat "$work/nginx.pid")
    kill -USR2 "$old"
    for _ in $(seq 1 100); do [ -f "$work/nginx.pid.oldbin" ] && [ -s "$work/nginx.pid" ] && break; sleep 0.1; done
    [ -f "$work/nginx.pid.oldbin" ] || { echo "bench: nginx did not start a new master" >&2; cat "$work/nginx/error.log" >&2; exit 1; }
    kill -QUIT "$old"
    for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
done
took=$(echo "$(date +%s.%N) - $start" | bc)
wait "$wrk_pid" || true
read -r reqs errs < <(wrk_errors "$work/wrk-nginx.txt")
rows+=("| nginx USR2+QUIT | $n in ${took%.*} s | $reqs | $errs | - | - |")
echo "${rows[-1]}" >&2
kill -QUIT "$(cat "$work/nginx.pid")"
fi

load=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "Upgrades and reloads under load ($(nproc) CPUs, load average $load at the end; wrk -t1 -c16 on a 1 KiB file,"
    echo "portd load connect --echo -c 8 on echo)"
    echo
    echo "| what | done | wrk requests | wrk errors + non-2xx | echo connections | echo errors |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
} | tee ${BENCH_OUT:+"$BENCH_OUT"}
