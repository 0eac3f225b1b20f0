#!/usr/bin/env bash
# Soak: DURATION of mixed load against one portd (the default config, --port-offset, loopback only,
# started by ./portd as a user would), sampling the process every 10 s: RSS, open fds, threads, its
# CPU, its threads' wait for a CPU and the machine's load average; and the heap after a full GC
# (jcmd GC.run then GC.heap_info) as often as jcmd manages, at most every 10 s (each is a stop of
# portd: milliseconds on a quiet machine, seconds on a starved one: see the GC line). Prints start / end /
# max of each and the samples every 5 minutes (does it level off?), each load's own report with its
# error count, the scans' findings, GC pauses, and every WARN and ERROR line portd logged.
# Load: echo (portd load echo), chargen (portd load chargen), HTTP keep-alive (wrk) and new connections
# (curl, Connection: close), SMTP with durable storage (python smtplib, ten messages a session), ONC RPC
# GETPORT over UDP and TCP (bench/rpcload.c), and a portd scan of portd's port range every minute,
# which must find every TCP listener portd logged at start.
# Usage: bench/soak.sh [DURATION]   e.g. 30m (default), 300s, 3m. Needs wrk, curl, python3, gcc, jcmd
# (the jar is built by ./portd if missing). PORT_OFFSET (default 41000) moves every port; SOAK_OUT=dir
# keeps samples and logs (default: a new temporary directory, kept and named at the end).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
arg="${1:-30m}"
case "$arg" in
    *m) secs=$(( ${arg%m} * 60 )) ;;
    *s) secs=${arg%s} ;;
    *) secs=$arg ;;
esac
offset="${PORT_OFFSET:-41000}"
for tool in java wrk curl python3 gcc jcmd; do command -v "$tool" >/dev/null || { echo "soak: $tool is not installed" >&2; exit 2; }; done

work="${SOAK_OUT:-$(mktemp -d)}"
mkdir -p "$work/run/public"
pids=()
stop_all() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}
trap 'stop_all' EXIT
gcc -O2 -Wall -o "$work/rpcload" "$here/bench/rpcload.c"
head -c 4096 /dev/urandom > "$work/run/public/4k.bin"
# the default config, with a control socket of its own: another portd on the machine may hold the default one
sed "/^\[host\]/a control_socket = \"$work/control.sock\"" "$here/config/portd.toml" > "$work/run/portd.toml"

# every stop of the JVM (GC or not) goes to the log with its length: a latency spike may be one
(cd "$work/run" && PORTD_JAVA_OPTS="-Xlog:gc,safepoint:file=$work/gc.log" exec "$here/portd" serve -c portd.toml \
    --port-offset "$offset" --bind 127.0.0.1) >"$work/portd.log" 2>&1 &
portd=$!
pids+=("$portd")
for _ in $(seq 1200); do grep -q '^serving' "$work/portd.log" && break; sleep 0.1; done
grep -q '^serving' "$work/portd.log" || { cat "$work/portd.log"; exit 3; }
port() { echo $((offset + $1)); }
# every TCP listener portd logged: the scans must find each of them
listeners=$(sed -nE 's/.* INFO +tcp\/([0-9]+) .* listening on .*/\1/p' "$work/portd.log" | sort -n | tr '\n' ' ')
ranges="$(port 1)-$(port 200)"
dashboard=$(sed -nE 's/.* INFO +tcp\/([0-9]+) dashboard listening on .*/\1/p' "$work/portd.log")
[ -z "$dashboard" ] || ranges="$ranges,$dashboard"
start=$(date +%s)
end=$(( start + secs ))

printf 'GC.run\nGC.heap_info\n' > "$work/jcmd.txt"
# the heap after a full GC, in KiB: one jcmd for both commands (each jcmd is a JVM start, seconds on a
# busy machine); the sum of the generations' "total NK, used NK" lines (serial: new + tenured; G1: one)
heap_after_gc() {
    jcmd "$portd" -f "$work/jcmd.txt" 2>/dev/null | awk 'match($0, /total [0-9]+K, used [0-9]+K/) {
        split(substr($0, RSTART, RLENGTH), w, /[ ,K]+/); used += w[4]; seen = 1} END {if (seen) print used}'
}
measure_heap() { local h; h=$(heap_after_gc); echo "$(( $(date +%s) - start )) ${h:-?}" >> "$work/heap.txt"; }
# every 10 s from /proc (cheap, on time); the heap column is the latest jcmd measurement
sample() {
    local rss fds threads heap load cpu waited
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$portd/status")
    threads=$(awk '/^Threads/ {print $2}' "/proc/$portd/status")
    fds=$(ls "/proc/$portd/fd" | wc -l)
    load=$(cut -d' ' -f1 /proc/loadavg)
    heap=$(tail -1 "$work/heap.txt" | cut -d' ' -f2)
    # portd's CPU (utime + stime, ticks) and the time its threads waited for a CPU (ns, summed over the
    # live threads): on a shared machine, what a latency spike owes to the machine rather than to portd
    cpu=$(awk '{print $14 + $15}' "/proc/$portd/stat")
    waited=$(cat /proc/"$portd"/task/*/schedstat 2>/dev/null | awk '{s += $2} END {printf "%.0f", s}')
    echo "$(( $(date +%s) - start )) $rss ${heap:-?} $fds $threads $load $cpu $waited" >> "$work/samples.txt"
}
: > "$work/heap.txt"
measure_heap
: > "$work/samples.txt"
sample

"$here/portd" load echo "127.0.0.1:$(port 7)" -c 4 -d "${secs}s" -w 0s > "$work/echo.txt" 2>&1 & pids+=($!); loads=($!)
"$here/portd" load chargen "127.0.0.1:$(port 19)" -c 2 -d "${secs}s" -w 0s > "$work/chargen.txt" 2>&1 & pids+=($!); loads+=($!)
# a request over 10 s counts as a wrk timeout (default 2 s: a busy shared machine stalls longer than that)
wrk -t1 -c8 -d"${secs}s" --timeout 10s --latency "http://127.0.0.1:$(port 80)/4k.bin" > "$work/wrk.txt" 2>&1 & pids+=($!); loads+=($!)
# a UDP call unanswered for 2 s counts as lost (and is sent again)
"$work/rpcload" -t tcp -p "$(port 111)" -c 2 -d "$secs" > "$work/rpc-tcp.txt" 2>&1 & pids+=($!); loads+=($!)
"$work/rpcload" -t udp -p "$(port 111)" -c 1 -d "$secs" -T 2000 > "$work/rpc-udp.txt" 2>&1 & pids+=($!); loads+=($!)
(   # new HTTP connections, one at a time; a failure is logged with its second of the run and curl's exit code
    ok=0; failed=0
    while [ "$(date +%s)" -lt "$end" ]; do
        t=$(date +%s)
        if curl -sSf -m 10 -o /dev/null -H 'Connection: close' "http://127.0.0.1:$(port 80)/4k.bin" 2>"$work/curl.err"; then
            ok=$((ok + 1))
        else
            rc=$?; failed=$((failed + 1))
            echo "second $((t - start)): curl exit $rc after $(( $(date +%s) - t )) s: $(tr '\n' ' ' < "$work/curl.err")"
        fi
    done
    echo "curl new connections: $ok ok, $failed failed"
) > "$work/curl.txt" 2>&1 & pids+=($!); loads+=($!)
python3 - "$(port 25)" "$end" > "$work/smtp.txt" 2>&1 <<'PY' & pids+=($!); loads+=($!)
import smtplib, sys, time
port, end = int(sys.argv[1]), int(sys.argv[2])
ok = failed = 0
body = b'Subject: soak\r\n\r\n' + (b'x' * 76 + b'\r\n') * 26   # 2 KB in lines of 78 octets
while time.time() < end:
    try:
        with smtplib.SMTP('127.0.0.1', port, local_hostname='soak.test', timeout=30) as s:
            for _ in range(10):
                s.sendmail('soak@example.com', ['inbox@example.org'], body)
                ok += 1
    except Exception as e:
        failed += 1
        print('smtp error:', e)
print(f'smtp (durable): {ok} messages stored, {failed} failed sessions')
PY
(   # a scan of portd's ports every minute: each one portd listens on must be found open
    n=0; short=0; next_scan=$start
    while [ "$next_scan" -lt "$end" ]; do
        while [ "$(date +%s)" -lt "$next_scan" ]; do sleep 1; done
        next_scan=$(( next_scan + 60 ))
        open=$("$here/portd" scan 127.0.0.1 -p "$ranges" -o grepable | grep -oE '[0-9]+/open/' | cut -d/ -f1 | sort -n | tr '\n' ' ')
        missing=$(comm -23 <(tr ' ' '\n' <<<"$listeners" | sed '/^$/d' | sort) <(tr ' ' '\n' <<<"$open" | sed '/^$/d' | sort) | tr '\n' ' ')
        n=$((n + 1))
        if [ -n "$missing" ]; then short=$((short + 1)); echo "scan $n: open $open; MISSING $missing"; fi
    done
    echo "scans: $n, each expected to find $(wc -w <<<"$listeners") listeners ($listeners); scans that missed one: $short"
) > "$work/scan.txt" 2>&1 & pids+=($!); loads+=($!)

(   # the heap after GC as often as jcmd manages, at most every 10 s
    next_heap=$(( start + 10 ))
    while [ "$next_heap" -lt "$end" ]; do
        while [ "$(date +%s)" -lt "$next_heap" ]; do sleep 1; done
        next_heap=$(( next_heap + 10 ))
        measure_heap
    done
) & pids+=($!)
next=$(( start + 10 ))
while [ "$(date +%s)" -lt "$end" ]; do
    while [ "$(date +%s)" -lt "$next" ]; do sleep 1; done
    next=$(( next + 10 ))
    kill -0 "$portd" 2>/dev/null || { echo "soak: portd died" >&2; tail -20 "$work/portd.log"; exit 1; }
    sample
done
# the loads started a little after $start (a JVM each) and end on their own: give them 2 minutes
unfinished=()
deadline=$(( $(date +%s) + 120 ))
for pid in "${loads[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then unfinished+=("$pid"); fi
done
measure_heap
sample

echo "soak of ${secs}s, portd $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores (dir: $work)"
echo "-- samples every 10 s ($(wc -l < "$work/samples.txt") taken; heap after GC measured $(wc -l < "$work/heap.txt") times): start / end / max, and every 5 minutes"
awk 'NR == 1 {for (i = 2; i <= 6; i++) {first[i] = $i; max[i] = $i}}
     {for (i = 2; i <= 6; i++) {if ($i + 0 > max[i] + 0) max[i] = $i; last[i] = $i}}
     END {split("rss_kib heap_after_gc_kib open_fds threads load_average", name, " ");
          printf "%-18s %10s %10s %10s\n", "", "start", "end", "max";
          for (i = 2; i <= 6; i++) printf "%-18s %10s %10s %10s\n", name[i - 1], first[i], last[i], max[i]}' "$work/samples.txt"
echo "(cpu: portd's CPU in % of one core, wait: ms a second its threads waited for a CPU; both over the interval)"
printf '%8s %10s %10s %8s %8s %8s %8s %8s\n' second rss_kib heap_kib fds threads load cpu wait
awk -v every=300 -v hz="$(getconf CLK_TCK)" '
    function row(f, n,    dt) {
        dt = f[1] - pt
        printf "%8d %10s %10s %8s %8s %8s %8s %8s\n", f[1], f[2], f[3], f[4], f[5], f[6],
            (printed && dt > 0) ? sprintf("%.0f", (f[7] - pc) / hz / dt * 100) : "-",
            (printed && dt > 0) ? sprintf("%.0f", (f[8] - pw) / 1e6 / dt) : "-"
        pt = f[1]; pc = f[7]; pw = f[8]; printed = 1
    }
    {n = split($0, f, " "); last = $0}
    f[1] >= mark {row(f, n); mark += every}
    END {split(last, f, " "); if (f[1] != pt) row(f, 8)}' "$work/samples.txt"
awk -v hz="$(getconf CLK_TCK)" 'NR > 1 && $1 > t {c = ($7 - pc) / hz / ($1 - t) * 100; w = ($8 - pw) / 1e6 / ($1 - t)
        if (c > maxc) maxc = c; if (w > maxw) maxw = w}
    NR == 1 {t0 = $1; c0 = $7; w0 = $8} {t = $1; pc = $7; pw = $8}
    END {printf "portd CPU %.0f%% of one core over the run (max %.0f%% in a 10-s interval); its threads waited %.0f ms a second for a CPU (max %.0f)\n",
        (pc - c0) / hz / (t - t0) * 100, maxc, (pw - w0) / 1e6 / (t - t0), maxw}' "$work/samples.txt"
longest() { grep -E "$1" "$work/gc.log" | grep -oE "$2" | grep -oE '[0-9.]+ms' | sort -n | tail -1 || true; }
echo "-- GC: $(grep -c 'Pause Young' "$work/gc.log" || true) young pauses, longest $(longest 'Pause Young' '[0-9.]+ms$');" \
    "$(grep -c 'Pause Full' "$work/gc.log" || true) full (one per heap measurement, from jcmd GC.run), longest $(longest 'Pause Full' '[0-9.]+ms$');" \
    "longest stop of any kind (safepoint total) $(grep -oE 'Total: [0-9]+ ns' "$work/gc.log" | awk '$2 > m {m = $2} END {printf "%.1fms", m / 1e6}')"
echo "-- load reports"
for f in echo chargen wrk rpc-tcp rpc-udp curl smtp scan; do echo "[$f]"; tail -14 "$work/$f.txt"; done
[ ${#unfinished[@]} -eq 0 ] || echo "soak: ${#unfinished[@]} load(s) had not ended 2 minutes after the soak: pids ${unfinished[*]}"
echo "-- portd log: $(grep -c ' WARN ' "$work/portd.log" || true) WARN, $(grep -c ' ERROR ' "$work/portd.log" || true) ERROR lines"
grep -E ' (WARN|ERROR) ' "$work/portd.log" | head -20 || true
