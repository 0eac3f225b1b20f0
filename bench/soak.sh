#!/usr/bin/env bash
# Soak: DURATION of mixed load against one portd (default config, --port-offset, loopback only), sampling
# the process every 10 s: RSS, heap after a full GC (jcmd GC.run, then GC.heap_info), open fds and
# threads. Prints start / end / max of each, the load tools' own reports and the count of WARN and
# ERROR lines portd logged. Goal: flat after warm-up, no errors other than those the load expects
# (the default UDP guard refuses most of the UDP GETPORT burst: counted by rpcload as lost).
# Load: echo (portd load echo), chargen (portd load chargen), HTTP keep-alive (wrk) and new connections
# (curl, Connection: close), SMTP with durable storage (python smtplib, one message at a time), ONC RPC
# GETPORT over UDP and TCP (bench/rpcload.c), and a portd scan of loopback every minute.
# Usage: bench/soak.sh [DURATION]   e.g. 30m (default), 300s, 3m. Needs target/portd.jar, wrk, curl,
# python3, gcc. PORT_OFFSET (default 41000) moves every port; SOAK_OUT=dir keeps samples and logs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/target/portd.jar"
arg="${1:-30m}"
case "$arg" in
    *m) secs=$(( ${arg%m} * 60 )) ;;
    *s) secs=${arg%s} ;;
    *) secs=$arg ;;
esac
offset="${PORT_OFFSET:-41000}"
for tool in java wrk curl python3 gcc jcmd; do command -v "$tool" >/dev/null || { echo "soak: $tool is not installed" >&2; exit 2; }; done
[ -f "$jar" ] || { echo "soak: build the jar first: mvn -B -DskipTests package" >&2; exit 2; }

work="${SOAK_OUT:-$(mktemp -d)}"
mkdir -p "$work"
pids=()
stop_all() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}
trap 'stop_all' EXIT
gcc -O2 -Wall -o "$work/rpcload" "$here/bench/rpcload.c"
mkdir -p "$work/run/public"
head -c 4096 /dev/urandom > "$work/run/public/4k.bin"

(cd "$work/run" && exec java -Xmx256m -jar "$jar" serve --port-offset "$offset" --bind 127.0.0.1) >"$work/portd.log" 2>&1 &
portd=$!
pids+=("$portd")
for _ in $(seq 300); do grep -q '^serving' "$work/portd.log" && break; sleep 0.1; done
grep -q '^serving' "$work/portd.log" || { cat "$work/portd.log"; exit 3; }
port() { echo $((offset + $1)); }
end=$(( $(date +%s) + secs ))

sample() {
    local rss fds threads heap
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$portd/status")
    threads=$(awk '/^Threads/ {print $2}' "/proc/$portd/status")
    fds=$(ls "/proc/$portd/fd" | wc -l)
    jcmd "$portd" GC.run >/dev/null 2>&1 || true
    heap=$(jcmd "$portd" GC.heap_info 2>/dev/null | awk '/ used / {for (i=1;i<=NF;i++) if ($i=="used") {gsub("K","",$(i+1)); print $(i+1); exit}}')
    echo "$(date +%s) $rss $heap $fds $threads" >> "$work/samples.txt"
}
: > "$work/samples.txt"
sample

java -jar "$jar" load echo "127.0.0.1:$(port 7)" -c 4 -d "${secs}s" -w 0s > "$work/echo.txt" 2>&1 & pids+=($!)
java -jar "$jar" load chargen "127.0.0.1:$(port 19)" -c 2 -d "${secs}s" -w 0s > "$work/chargen.txt" 2>&1 & pids+=($!)
wrk -t1 -c8 -d"${secs}s" "http://127.0.0.1:$(port 80)/4k.bin" > "$work/wrk.txt" 2>&1 & pids+=($!)
"$work/rpcload" -t tcp -p "$(port 111)" -c 2 -d "$secs" > "$work/rpc-tcp.txt" 2>&1 & pids+=($!)
"$work/rpcload" -t udp -p "$(port 111)" -c 1 -d "$secs" > "$work/rpc-udp.txt" 2>&1 & pids+=($!)
(   # new HTTP connections, one at a time
    ok=0; failed=0
    while [ "$(date +%s)" -lt "$end" ]; do
        if curl -sf -o /dev/null -H 'Connection: close' "http://127.0.0.1:$(port 80)/4k.bin"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
    done
    echo "curl new connections: $ok ok, $failed failed"
) > "$work/curl.txt" 2>&1 & pids+=($!)
python3 - "$(port 25)" "$end" > "$work/smtp.txt" 2>&1 <<'PY' & pids+=($!)
import smtplib, sys, time
port, end = int(sys.argv[1]), int(sys.argv[2])
ok = failed = 0
while time.time() < end:
    try:
        with smtplib.SMTP('127.0.0.1', port, local_hostname='soak.test', timeout=10) as s:
            for _ in range(10):
                s.sendmail('soak@example.com', ['inbox@example.org'], b'Subject: soak\r\n\r\n' + (b'x' * 76 + b'\r\n') * 26)
                ok += 1
    except Exception as e:
        failed += 1
        print('smtp error:', e)
print(f'smtp (durable): {ok} messages stored, {failed} failed sessions')
PY
(   # a scan of loopback every minute
    n=0
    while [ "$(date +%s)" -lt "$end" ]; do
        java -jar "$jar" scan 127.0.0.1 -p "$(port 1)-$(port 200)" -o grepable | grep -c '/open/' | sed 's/^/open ports: /'
        n=$((n + 1))
        for _ in $(seq 60); do [ "$(date +%s)" -lt "$end" ] || break; sleep 1; done
    done
    echo "scans: $n"
) > "$work/scan.txt" 2>&1 & pids+=($!)

while [ "$(date +%s)" -lt "$end" ]; do
    sleep 10
    kill -0 "$portd" 2>/dev/null || { echo "soak: portd died" >&2; tail -20 "$work/portd.log"; exit 1; }
    sample
done
sleep 3   # let the load tools print their reports
sample

echo "soak of ${secs}s, samples every 10 s (dir: $work)"
awk 'NR == 1 {for (i = 2; i <= 5; i++) {first[i] = $i; max[i] = $i}}
     {for (i = 2; i <= 5; i++) {if ($i + 0 > max[i] + 0) max[i] = $i; last[i] = $i}}
     END {split("rss_kib heap_after_gc_kib open_fds threads", name, " ");
          printf "%-18s %10s %10s %10s\n", "", "start", "end", "max";
          for (i = 2; i <= 5; i++) printf "%-18s %10s %10s %10s\n", name[i - 1], first[i], last[i], max[i]}' "$work/samples.txt"
echo "-- load reports"
for f in echo chargen wrk rpc-tcp rpc-udp curl smtp scan; do echo "[$f]"; tail -12 "$work/$f.txt"; done
echo "-- portd log: $(grep -c ' WARN ' "$work/portd.log" || true) WARN, $(grep -c ' ERROR ' "$work/portd.log" || true) ERROR lines"
