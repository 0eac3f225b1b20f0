#!/usr/bin/env bash
# bench/forward.sh: the forward kind (issue 12) beside HAProxy 2.6 and socat, all relaying to the same
# upstream echo server in the same run, measured with portd's own load generator:
#   echo-stream    pipelined 64 KiB payloads, 4 in flight on each of 4 connections: MB/s through the relay
#   echo           64-byte round trips, one in flight on each of 16 connections: round trips/s
#   connect-echo   connect, one 64-byte echo, close (`load connect --echo`), 16 at once: connections/s
# and the relay's CPU per operation (per MB for echo-stream) from /proc/PID/stat: utime+stime of the
# process, plus its children's (socat forks one per connection: the live ones' utime+stime, the reaped
# ones' cutime+cstime). A "none" row is the floor: the load straight to the upstream, no relay.
#
# Peers, each tuned as its users tune it for speed:
#   portd          kind = "forward", limits raised (max_connections, per_source), launcher's JVM flags
#   haproxy        Debian's 2.6, mode tcp, nbthread 1 (the one core it gets), no log, maxconn high
#   haproxy-splice the same with `option splice-auto` (kernel splice where HAProxy judges it pays)
#   socat          socat TCP-LISTEN:P,fork,reuseaddr TCP:127.0.0.1:E (a process per connection)
# The upstream is bench/ref/epoll_ref.c (C, one thread, epoll, back-pressure on a full send buffer).
#
# Cores (2): each relay on PROXY_CPU (0) alone; the load generator (one event-loop thread) and the
# upstream echo share LOAD_CPU (1). The relay under test thus has a core to itself, and the
# other side of it is the same for every peer. The peers take turns mode by mode, ROUNDS times, the
# order turning each round, so that the machine's other load hits them alike; the table gives the
# median of the rounds and portd's ratio to each peer, round by round, then the median.
#
# Run as root by hand (not in CI): bench/forward.sh [ROUNDS=3 WARM=2 MEASURE=5 BASE=25000 WARMUP=6]
# (WARMUP: seconds of unmeasured load per relay and mode first, so that the JIT has compiled the
# per-connection path; at ~1,000 connections/s, 2 s was not enough)
# Prints the table, and writes it with the load average into bench/RESULTS-forward.md
# (RESULTS=/dev/null to not). Every process it starts is stopped by its PID.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=${ROUNDS:-3}; WARM=${WARM:-2}; MEASURE=${MEASURE:-5}
PROXY_CPU=${PROXY_CPU:-0}; LOAD_CPU=${LOAD_CPU:-1}
# ports: upstream BASE+7; portd +1007, haproxy +2007, haproxy-splice +3007, socat +4007; keep them below
# the ephemeral range (32768 up), where a client's port may already hold one
BASE=${BASE:-25000}
RESULTS=${RESULTS:-$here/bench/RESULTS-forward.md}
JVM_FLAGS="-XX:+UseSerialGC -Xms16m -Xmx128m -XX:MaxDirectMemorySize=256m -Xss512k -XX:ReservedCodeCacheSize=64m"
ulimit -n "$(ulimit -Hn)"
work="$(mktemp -d /tmp/portd-forward.XXXXXX)"
data="$work/runs.jsonl"; : >"$data"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 143' INT TERM   # stop there (the EXIT trap then stops what was started), not clean up and run on
log() { echo "[forward $(date +%H:%M:%S)] $*" >&2; }
hz=$(getconf CLK_TCK)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

for tool in haproxy socat cc python3 taskset; do
    command -v "$tool" >/dev/null || { echo "bench/forward.sh: $tool is not installed (apt-get install -y haproxy socat gcc)" >&2; exit 2; }
done
[ -f "$here/target/portd.jar" ] || (cd "$here" && mvn -B -q -o -DskipTests package)
cp "$here/target/portd.jar" "$work/portd.jar"; jar="$work/portd.jar"   # a rebuild during the run cannot break it
cc -O2 -o "$work/epoll_ref" "$here/bench/ref/epoll_ref.c"

cpu_ticks() {   # utime+stime of a process, its reaped children (cutime+cstime) and its live children
    python3 - "$1" <<'PY'
import os, sys
root = sys.argv[1]
def fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()
total = 0
try:
    total += sum(int(x) for x in fields(root)[11:15])     # utime stime cutime cstime
except (FileNotFoundError, ProcessLookupError):
    pass
for pid in os.listdir("/proc"):
    if pid.isdigit() and pid != root:
        try:
            f = fields(pid)
            if f[1] == root:
                total += int(f[11]) + int(f[12])
        except (OSError, IndexError):
            pass
print(total)
PY
}

wait_port() { for _ in $(seq 100); do ss -Hltn "( sport = :$1 )" | grep -q . && return 0; sleep 0.2; done; log "nothing listens on $1"; exit 1; }

upstream=$((BASE + 7))
taskset -c "$LOAD_CPU" "$work/epoll_ref" "$upstream" $((BASE + 13)) &
up_pid=$!; pids+=("$up_pid")

cat >"$work/portd.toml" <<TOML
[services.fwd]
kind = "forward"
port = $((BASE + 1007))
protocols = ["tcp"]
to = "127.0.0.1:$upstream"
max_connections = 200000
per_source = 200000
TOML
taskset -c "$PROXY_CPU" java $JVM_FLAGS ${PORTD_JAVA_OPTS:-} -jar "$jar" serve -c "$work/portd.toml" --bind 127.0.0.1 \
    >"$work/portd.out" 2>"$work/portd.err" &
portd_pid=$!; pids+=("$portd_pid")

# maxconn: as high as the open-file limit lets (two sockets per relayed connection, and with splice a
# pipe per four connections, two fds each: HAProxy refuses to start when the limit cannot hold them)
maxconn=$(( ($(ulimit -n) - 200) * 2 / 5 ))
haproxy_cfg() {   # port extra-defaults-line
    cat <<CFG
global
    nbthread 1
    maxconn $maxconn
    # no log line: nothing is logged
defaults
    mode tcp
    maxconn $maxconn
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    $2
frontend relay
    bind 127.0.0.1:$1
    default_backend upstream
backend upstream
    server echo 127.0.0.1:$upstream
CFG
}
haproxy_cfg $((BASE + 2007)) "" >"$work/haproxy.cfg"
haproxy_cfg $((BASE + 3007)) "option splice-auto" >"$work/haproxy-splice.cfg"
taskset -c "$PROXY_CPU" haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!; pids+=("$haproxy_pid")
taskset -c "$PROXY_CPU" haproxy -db -f "$work/haproxy-splice.cfg" >"$work/haproxy-splice.log" 2>&1 &
splice_pid=$!; pids+=("$splice_pid")
taskset -c "$PROXY_CPU" socat TCP-LISTEN:$((BASE + 4007)),fork,reuseaddr TCP:127.0.0.1:"$upstream" \
    >"$work/socat.log" 2>&1 &
socat_pid=$!; pids+=("$socat_pid")
for p in 7 1007 2007 3007 4007; do wait_port $((BASE + p)); done

peers="none:$up_pid:7 portd:$portd_pid:1007 haproxy:$haproxy_pid:2007 haproxy-splice:$splice_pid:3007 socat:$socat_pid:4007"
modes=("echo-stream|echo-stream|-c 4" "echo|echo|-c 16 -s 64" "connect-echo|connect|-c 16 --echo")

log "warming up (unmeasured): the JVMs' JIT, every relay's first connections"
for peer in $peers; do
    IFS=: read -r name pid off <<<"$peer"
    for m in "${modes[@]}"; do
        IFS='|' read -r label mode opts <<<"$m"
        taskset -c "$LOAD_CPU" java -jar "$jar" load "$mode" 127.0.0.1:$((BASE + off)) $opts -t 1 -w 0s -d "${WARMUP:-6}s" \
            >/dev/null 2>&1 || true
    done
done

for round in $(seq "$ROUNDS"); do
    for m in "${modes[@]}"; do
        IFS='|' read -r label mode opts <<<"$m"
        read -r -a order <<<"$peers"
        turn=$(( (round - 1) % ${#order[@]} ))
        for peer in "${order[@]:turn}" "${order[@]:0:turn}"; do
            IFS=: read -r name pid off <<<"$peer"
            out="$work/$name-$label-$round.json"
            taskset -c "$LOAD_CPU" java -jar "$jar" load "$mode" 127.0.0.1:$((BASE + off)) $opts -t 1 \
                -w "$WARM" -d "$MEASURE" --json >"$out" 2>"$out.err" &
            lpid=$!; pids+=("$lpid")
            # the relay's CPU over the middle of the measured time (the generator's start and end excluded)
            sleep "$(awk "BEGIN{print $WARM + 0.9}")"
            t1=$(date +%s.%N); c1=$(cpu_ticks "$pid")
            sleep "$(awk "BEGIN{print $MEASURE - 0.8}")"
            t2=$(date +%s.%N); c2=$(cpu_ticks "$pid")
            wait "$lpid" || true
            python3 - "$out" "$name" "$label" "$round" "$c1" "$c2" "$t1" "$t2" "$hz" >>"$data" <<'PY'
import json, sys
out, peer, label, rnd, c1, c2, t1, t2, hz = sys.argv[1:]
try: r = json.load(open(out))
except Exception as e: r = {"failed": str(e)}
cpu = (int(c2) - int(c1)) / int(hz) / (float(t2) - float(t1))     # cores busy
ops, mb = r.get("opsPerSecond") or 0, r.get("mbPerSecond") or 0
per = mb if label == "echo-stream" else ops     # echo-stream: CPU per MB relayed (both ways), else per op
print(json.dumps({"peer": peer, "label": label, "round": int(rnd), "ops": ops, "mb": mb,
                  "p99": r.get("latencyMicros", {}).get("p99"), "errors": r.get("errors"),
                  "cpuPercent": round(100 * cpu, 1), "usPer": round(cpu * 1e6 / per, 2) if per else None}))
PY
            log "$(tail -1 "$data")"
        done
    done
done

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
table="$(python3 - "$data" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
peers = [p for p in ["none", "portd", "haproxy", "haproxy-splice", "socat"] if any(r["peer"] == p for r in rows)]
others = [p for p in peers if p not in ("none", "portd")]
what = {"echo-stream": ("MB/s", "mb", "CPU us/MB"), "echo": ("round trips/s", "ops", "CPU us/op"),
        "connect-echo": ("connections/s", "ops", "CPU us/op")}
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
def ratio(label, key, p, invert=False):   # portd / peer, round by round, then the median
    qs = []
    for rnd in sorted({r["round"] for r in rows}):
        a = [r[key] for r in rows if r["label"] == label and r["peer"] == "portd" and r["round"] == rnd]
        b = [r[key] for r in rows if r["label"] == label and r["peer"] == p and r["round"] == rnd]
        if a and b and a[0] and b[0]:
            qs.append(b[0] / a[0] if invert else a[0] / b[0])
    return f"{statistics.median(qs):.2f}" if qs else "-"
print("| work | relay | rate | relay CPU | errors | portd/relay rate | relay CPU / portd CPU |")
print("|---|---|---:|---:|---:|---:|---:|")
for label, (unit, key, cpu_unit) in what.items():
    for p in peers:
        rs = [r for r in rows if r["label"] == label and r["peer"] == p]
        if not rs:
            continue
        rate, cpu = med(r[key] for r in rs), med(r["usPer"] for r in rs)
        errors = sum(r["errors"] or 0 for r in rs)
        cpu_cell = "-" if p == "none" else (f"{cpu:,.1f} {cpu_unit}" if cpu is not None else "?")
        rel = ("-", "-") if p in ("none", "portd") else (ratio(label, key, p), ratio(label, "usPer", p, invert=True))
        if p == "none":
            rel = (ratio(label, key, p), "-")
        print(f"| {label} | {p} | {rate:,.1f} {unit} | {cpu_cell} | {errors} | {rel[0]} | {rel[1]} |")
def best_haproxy(label, key):
    return max(med(r[key] for r in rows if r["label"] == label and r["peer"] == p) or 0
               for p in ("haproxy", "haproxy-splice"))
portd = {l: med(r[k] for r in rows if r["label"] == l and r["peer"] == "portd") or 0
         for l, k in (("echo-stream", "mb"), ("echo", "ops"), ("connect-echo", "ops"))}
socat = med(r["ops"] for r in rows if r["label"] == "connect-echo" and r["peer"] == "socat") or 0
checks = [("echo-stream MB/s >= 90% of HAProxy's (the better of its two)", portd["echo-stream"] >= 0.9 * best_haproxy("echo-stream", "mb")),
          ("echo round trips/s >= HAProxy's", portd["echo"] >= best_haproxy("echo", "ops")),
          ("connect-echo/s >= HAProxy's", portd["connect-echo"] >= best_haproxy("connect-echo", "ops")),
          ("connect-echo/s >= 3x socat's", portd["connect-echo"] >= 3 * socat)]
print()
for text, ok in checks:
    print(f"- target {text}: {'met' if ok else 'NOT met'} (medians)")
PY
)"
summary="Relays on core $PROXY_CPU alone; load generator (portd load, 1 thread) and upstream echo (bench/ref/epoll_ref.c) on core $LOAD_CPU. $ROUNDS rounds of ${WARM}s warm-up + ${MEASURE}s measured per relay and work, medians; ratios are portd / relay (rate) and relay / portd (CPU), round by round, then the median: above 1 means portd is ahead. Load average before: $load_before; after: $load_after ($(nproc) cores)."
echo "$summary"
echo
echo "$table"
if [ "$RESULTS" != /dev/null ]; then
    {
        echo "# forward: portd's relay beside HAProxy 2.6 and socat"
        echo
        echo "Measured by \`bench/forward.sh\` at $(git -C "$here" rev-parse --short HEAD) on $(date -u '+%Y-%m-%d %H:%M UTC'),"
        echo "$(haproxy -v | head -1 | cut -d' ' -f1-3), $(socat -V 2>/dev/null | grep -m1 'socat version' | cut -d' ' -f1-3), $(java -version 2>&1 | head -1)."
        echo
        echo "$summary"
        echo
        echo "The machine is shared (other builds and benchmarks run beside it, see the load average): the"
        echo "figures are from a loaded machine; the peers ran in the same sitting, turn by turn, so the ratios"
        echo "say more than the absolute rates."
        echo
        echo "$table"
    } >"$RESULTS.new"
    mv "$RESULTS.new" "$RESULTS"
fi
