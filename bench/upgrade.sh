#!/usr/bin/env bash
# Hitless upgrade and reload under load, portd beside nginx, the same load on both:
#   wrk -t1 -c16 (HTTP/1.1 keep-alive) on a 1 KiB file, and
#   portd load connect --echo -c 8 (connect, one 64-byte echo, close) on an echo port;
# for nginx the echo port is its stream module proxying to an echo server that is not upgraded, so
# every connection still crosses the listening socket being handed over.
# Phases (BENCH_PHASES, default all, in this order), each BENCH_UPGRADES (default 10) times in a row:
#   upgrade       portd serve --upgrade, started once the previous one serves; the old one drains
#   reload        portd reload, the config changed each time (every service gets a new instance)
#   nginx         nginx's binary upgrade: kill -USR2 the master, then -QUIT the old master
#   nginx-reload  kill -HUP the nginx master
# The loads run from before the first operation until 5 s after the last, then stop on SIGINT and
# report. Counted, as a client sees them: refused (wrk connect errors, load "connect: ..." refusals),
# reset (wrk read/write errors: a reset or an end of stream instead of an answer; load resets and
# closes), failed (wrk non-2xx answers, load timeouts and wrong echoes), and apart from those, slow:
# wrk's timeouts, counted every 2 s for each request still unanswered after 10 s (on a loaded machine
# an answer can take that long; a lost request would be counted again and again until the end, or
# end as a reset when the old process closes what is left after host.grace).
# Servers run on core SERVER_CPU (default 0), wrk and the load on LOAD_CPU (default 1).
# Needs: wrk, nginx with libnginx-mod-stream, java, python3, target/portd.jar. Every process is
# stopped by its PID. BENCH_OUT=file also writes the table there; BENCH_RAW=dir keeps every log and
# report there (the servers' logs give each old process's drain time).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/target/portd.jar"
n="${BENCH_UPGRADES:-10}"
phases="${BENCH_PHASES:-upgrade reload nginx nginx-reload}"
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
stream_module="${NGINX_STREAM_MODULE:-/usr/lib/nginx/modules/ngx_stream_module.so}"
# loopback ports: the task's offset 30000 plus 180, 107 (portd); 181, 182 (nginx http, stream); 183 (its echo)
port_http=30180; port_echo=30107; port_nginx=30181; port_nginx_echo=30182; port_backend=30183

for tool in wrk nginx java python3 taskset; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
done
[ -f "$jar" ] || { echo "bench: build the jar first: mvn -B -DskipTests package" >&2; exit 2; }
[[ " $phases " != *" nginx"* || -f "$stream_module" ]] || {
    echo "bench: no nginx stream module at $stream_module: apt-get install libnginx-mod-stream (or set NGINX_STREAM_MODULE)" >&2
    exit 2
}

work="$(mktemp -d)"
pids=()
stop_all() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}
nginx_quit() {
    [ -s "$work/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true
    [ -s "$work/nginx.pid.oldbin" ] && kill -QUIT "$(cat "$work/nginx.pid.oldbin")" 2>/dev/null || true
}
keep_raw() { [ -z "${BENCH_RAW:-}" ] || { mkdir -p "$BENCH_RAW"; cp "$work"/*.txt "$work"/*.json "$work"/*.out "$work"/*.err "$BENCH_RAW"/ 2>/dev/null || true; }; }
trap 'keep_raw; stop_all; nginx_quit; rm -rf "$work"' EXIT
chmod 755 "$work"   # nginx workers run as nobody and must read the files
mkdir -p "$work/www" "$work/nginx"
head -c 1024 /dev/urandom > "$work/www/1k.bin"

portd_config() {   # the config of round $1: a different max_connections each round, so a reload changes every service
    cat > "$work/portd.toml" <<TOML
[host]
bind = "127.0.0.1"
grace = "5s"
control_socket = "$work/control.sock"
[services.http]
port = $port_http
root = "$work/www"
max_connections = $((10000 + $1))
[services.echo]
port = $port_echo
protocols = ["tcp"]
max_connections = $((10000 + $1))
TOML
}

serve=(taskset -c "$SERVER_CPU" java -jar "$jar" serve)   # an array, not a function: $! is then java's PID
await_line() {   # file, text: up to 120 s
    for _ in $(seq 1 1200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "bench: no '$2' in $1" >&2; cat "$1" >&2; return 1
}

# ---- the load: started before the first operation, stopped (SIGINT, then each prints its report) after the last ----
# A background command of a script starts with SIGINT ignored; env --default-signal gives it back.
start_load() {   # http port, echo port, phase name
    env --default-signal=INT taskset -c "$LOAD_CPU" wrk -t1 -c16 -d3600s --timeout 10s \
        "http://127.0.0.1:$1/1k.bin" > "$work/wrk-$3.txt" 2>&1 &
    wrk_pid=$!
    env --default-signal=INT taskset -c "$LOAD_CPU" java -jar "$jar" load connect "127.0.0.1:$2" --echo \
        -c 8 -t 1 -w 0s -d 3600s --timeout 10s --json > "$work/load-$3.json" 2> "$work/load-$3.err" &
    load_pid=$!
    sleep 5   # both at full speed before the first operation
}
stop_load() {
    sleep 5   # the last old process's drain and the first seconds after it, under load
    kill -INT "$wrk_pid" "$load_pid"
    wait "$wrk_pid" || true
    wait "$load_pid" || true   # 130 after Ctrl-C; the report says what happened
}

rows=()
row() {   # phase label, operations done, seconds
    python3 - "$work/wrk-$phase.txt" "$work/load-$phase.json" "$1" "$2" "$3" "$(cut -d' ' -f1-3 /proc/loadavg)" \
        "$work/notes" <<'PY'
import json, re, sys
wrk_file, load_file, label, done, secs, load, notes = sys.argv[1:]
wrk = open(wrk_file).read()
m = re.search(r"(\d+) requests in", wrk)
reqs = int(m.group(1)) if m else 0
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", wrk)
c, r, w, t = map(int, sock.groups()) if sock else (0, 0, 0, 0)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
lat = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", wrk)
slowest = lat.group(1) if lat else "?"
bad = int(non2xx.group(1)) if non2xx else 0
try:
    rep = json.load(open(load_file))
except ValueError:
    rep = {"ops": 0, "errorsByKind": {"no report from portd load": 1}}
kinds = rep.get("errorsByKind", {})
refused = sum(v for k, v in kinds.items() if "refused" in k.lower())
reset = sum(v for k, v in kinds.items() if "refused" not in k.lower()
            and re.search(r"reset|closed|broken pipe|end of stream", k, re.I))
failed = sum(kinds.values()) - refused - reset
detail = "; ".join(f"{k}: {v}" for k, v in sorted(kinds.items()))
print(f"| {label} | {done} in {float(secs):.0f} s | {reqs:,} | {rep.get('ops', 0):,} "
      f"| {c} / {refused} | {r + w} / {reset} | {bad} / {failed} | {t} | {slowest} | {load} |")
if detail:
    with open(notes, "a") as f:
        f.write(f"- {label}, echo errors by kind: {detail}\n")
PY
}

# ---- portd: n upgrades, then n reloads ----
for phase in upgrade reload; do
    [[ " $phases " == *" $phase "* ]] || continue
    portd_config 0
    "${serve[@]}" --config "$work/portd.toml" > "$work/serve-0.out" 2> "$work/serve-0.err" &
    current=$!; pids+=("$current")
    await_line "$work/serve-0.out" serving
    start_load "$port_http" "$port_echo" "$phase"
    start=$(date +%s.%N); done_ops=0
    for i in $(seq 1 "$n"); do
        if [ "$phase" = upgrade ]; then
            "${serve[@]}" --config "$work/portd.toml" --upgrade > "$work/serve-$i.out" 2> "$work/serve-$i.err" &
            next=$!; pids+=("$next")
            await_line "$work/serve-$i.out" serving
            wait "$current" || { echo "bench: the old portd exited $?" >&2; cat "$work/serve-$((i - 1)).err" >&2; exit 1; }
            current=$next
        else
            portd_config "$i"
            java -jar "$jar" reload --control-socket "$work/control.sock" > "$work/reload-$i.out"
            grep -q "2 services new or changed" "$work/reload-$i.out" || { cat "$work/reload-$i.out" >&2; exit 1; }
        fi
        done_ops=$i
    done
    took=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")
    stop_load
    rows+=("$(row "portd $([ "$phase" = upgrade ] && echo "serve --upgrade" || echo reload)" "$done_ops" "$took")")
    echo "${rows[-1]}" >&2
    stop_all
done

# ---- nginx: n binary upgrades, then n reloads; an echo server behind its stream proxy ----
if [[ " $phases " == *" nginx"* ]]; then
    nginx_bin="$(command -v nginx)"   # USR2 re-executes the binary by the name it was started with: a full path
    cat > "$work/nginx/nginx.conf" <<CONF
load_module $stream_module;
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
stream {
    server { listen 127.0.0.1:$port_nginx_echo; proxy_pass 127.0.0.1:$port_backend; }
}
CONF
    cat > "$work/backend.toml" <<TOML
[host]
bind = "127.0.0.1"
control_socket = ""
[services.echo]
port = $port_backend
protocols = ["tcp"]
TOML
    "${serve[@]}" --config "$work/backend.toml" > "$work/backend.out" 2> "$work/backend.err" &
    pids+=("$!")
    await_line "$work/backend.out" serving
    workers_of() { ps --ppid "$1" -o pid= | wc -l; }
    for phase in nginx nginx-reload; do
        [[ " $phases " == *" $phase "* ]] || continue
        taskset -c "$SERVER_CPU" "$nginx_bin" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" \
            || { cat "$work/nginx/error.log" >&2; exit 1; }
        await_line "$work/nginx.pid" .
        start_load "$port_nginx" "$port_nginx_echo" "$phase"
        start=$(date +%s.%N)
        for i in $(seq 1 "$n"); do
            old=$(cat "$work/nginx.pid")
            if [ "$phase" = nginx ]; then
                kill -USR2 "$old"
                # the new master has written its pid file and started its worker
                for _ in $(seq 1 200); do
                    [ -s "$work/nginx.pid.oldbin" ] && [ -s "$work/nginx.pid" ] \
                        && [ "$(cat "$work/nginx.pid")" != "$old" ] && [ "$(workers_of "$(cat "$work/nginx.pid")")" -ge 1 ] && break
                    sleep 0.05
                done
                [ "$(workers_of "$(cat "$work/nginx.pid")")" -ge 1 ] \
                    || { echo "bench: nginx did not start a new master" >&2; cat "$work/nginx/error.log" >&2; exit 1; }
                kill -QUIT "$old"
                for _ in $(seq 1 200); do kill -0 "$old" 2>/dev/null || break; sleep 0.05; done
            else
                before="$(ps --ppid "$old" -o pid= | tr -d ' ' | sort)"
                kill -HUP "$old"
                # a new worker (not one of the old) is up
                for _ in $(seq 1 200); do
                    comm -13 <(echo "$before") <(ps --ppid "$old" -o pid= | tr -d ' ' | sort) | grep -q . && break
                    sleep 0.05
                done
            fi
        done
        took=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")
        stop_load
        rows+=("$(row "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') $([ "$phase" = nginx ] && echo "USR2 + QUIT" || echo HUP)" \
            "$n" "$took")")
        echo "${rows[-1]}" >&2
        master=$(cat "$work/nginx.pid")
        kill -QUIT "$master"
        for _ in $(seq 1 200); do kill -0 "$master" 2>/dev/null || break; sleep 0.05; done
        rm -f "$work/nginx.pid"
    done
    stop_all
fi

{
    echo "Upgrades and reloads under load: $(nproc) CPUs, servers on core $SERVER_CPU, load on core $LOAD_CPU;"
    echo "wrk -t1 -c16 --timeout 10s (keep-alive) on a 1 KiB file + portd load connect --echo -c 8 --timeout 10s."
    echo "Counts are HTTP (wrk) / echo (portd load). Load average (1, 5, 15 min) at the end of each phase."
    echo
    echo "| what | done | HTTP requests | echo connections | refused | reset | failed | slow: wrk timeouts | slowest HTTP answer | load average |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    [ ! -s "$work/notes" ] || { echo; cat "$work/notes"; }
} | tee ${BENCH_OUT:+"$BENCH_OUT"}
