#!/usr/bin/env bash
# bench/conncost.sh: the cost of a connection and of an echo round trip (issue 15, targets 1-2), portd
# beside its floors in one run: a plain Netty 4.2 server (bench/ref/NettyRef.java, same JVM flags as
# portd's launcher), a C epoll server (bench/ref/epoll_ref.c) and xinetd tuned for speed (cps 0 0,
# instances/per_source UNLIMITED, flags NOLIBWRAP). Servers on core SERVER_CPU, the load generator
# (portd load, one thread) on LOAD_CPU; the peers take turns mode by mode, ROUNDS times, so that the
# machine's other load hits them alike. Server CPU per operation from /proc/PID/task/*/schedstat, over
# the generator's whole run less the server's idle CPU while the generator was not measuring.
# Before a mode's first round each JVM serves it unmeasured for WARMUP seconds, so that its JIT has
# compiled that mode's path: CPU a compiler thread takes inside a measured window counts as the
# server's, and the raw runs say how much it was (jitPercent).
# Run as root by hand: bench/conncost.sh, with any of ROUNDS=3 MEASURE=5 WARMUP=8
#   BEFORE_JAR=old/portd.jar   an older build as one more peer ("before")
#   PEERS="portd before"       only these peers (of portd before netty c xinetd)
#   NICE=-10                   servers and generator at this nice level (a machine others load; say so)
#   MODES="echo"               only these modes (of echo daytime-16 daytime-1 daytime-256)
# Prints two tables, CPU per operation with ratios, then rate and p99; the raw runs stay in
# $work/runs.jsonl.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=${ROUNDS:-3}; MEASURE=${MEASURE:-5}; WARMUP=${WARMUP:-8}; NICE=${NICE:-0}
SERVER_CPU=${SERVER_CPU:-0}; LOAD_CPU=${LOAD_CPU:-1}
BASE=${BASE:-20000}   # portd 20007/20013, netty 21007/21013, C 22007/22013, xinetd 23007/23013
JVM_FLAGS="-XX:+UseSerialGC -Xms16m -Xmx128m -XX:MaxDirectMemorySize=256m -Xss512k -XX:ReservedCodeCacheSize=64m"
ulimit -n "$(ulimit -Hn)"
work="$(mktemp -d /tmp/portd-conncost.XXXXXX)"
data="$work/runs.jsonl"; : >"$data"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
log() { echo "[conncost $(date +%H:%M:%S)] $*" >&2; }
hz=$(getconf CLK_TCK)

[ -f "$here/target/portd.jar" ] || (cd "$here" && mvn -B -q -o -DskipTests package)
cp "$here/target/portd.jar" "$work/portd.jar"; jar="$work/portd.jar"

cpu_ns() {   # "TOTAL JIT": CPU time in ns of a process (every thread, from schedstat: ns, not 10 ms ticks)
             # and of its children, live (schedstat) and reaped (cutime+cstime, ticks: xinetd's
             # per-connection forks); JIT: the part of it in the JVM's compiler threads
    python3 - "$1" "$hz" <<'PY'
import os, sys
root, hz = sys.argv[1], int(sys.argv[2])
jit = 0
def run_ns(pid):
    global jit
    t = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as s:
            ns = int(s.read().split()[0])
        t += ns
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as c:
                if "CompilerThre" in c.read():
                    jit += ns
        except OSError:
            pass
    return t
t = 0
try:
    t += run_ns(root)
    with open(f"/proc/{root}/stat") as s:
        f = s.read().rsplit(")", 1)[1].split()
    t += (int(f[13]) + int(f[14])) * 10**9 // hz
except (FileNotFoundError, ProcessLookupError):
    pass
for pid in os.listdir("/proc"):
    if pid.isdigit() and pid != root:
        try:
            with open(f"/proc/{pid}/stat") as s:
                if s.read().rsplit(")", 1)[1].split()[1] == root:
                    t += run_ns(pid)
        except (OSError, IndexError):
            pass
print(t, jit)
PY
}

wait_port() { for _ in $(seq 100); do ss -Hltn "( sport = :$1 )" | grep -q . && return 0; sleep 0.2; done; log "nothing on $1"; exit 1; }
wanted() { [[ " ${PEERS:-portd before netty c xinetd} " == *" $1 "* ]]; }
server() { exec nice -n "$NICE" taskset -c "$SERVER_CPU" "$@"; }   # a server on its core; run with &, $! is its pid
load() { nice -n "$NICE" taskset -c "$LOAD_CPU" java -jar "$jar" load "$@"; }   # the generator, on its own

cat >"$work/portd.toml" <<TOML
[services.echo]
port = $((BASE + 7))
protocols = ["tcp"]
max_connections = 200000
per_source = 200000
[services.daytime]
port = $((BASE + 13))
protocols = ["tcp"]
max_connections = 200000
per_source = 200000
TOML
peers=""
if wanted portd; then
    server java $JVM_FLAGS ${PORTD_JAVA_OPTS:-} -jar "$jar" serve -c "$work/portd.toml" --bind 127.0.0.1 \
        >"$work/portd.out" 2>"$work/portd.err" &
    pids+=($!); peers+=" portd:$!:0"
fi
if [ -n "${BEFORE_JAR:-}" ] && wanted before; then   # an older build beside this one, on ports BASE + 4000: what a change bought
    sed "s/port = $((BASE + 7))/port = $((BASE + 4007))/; s/port = $((BASE + 13))/port = $((BASE + 4013))/" \
        "$work/portd.toml" >"$work/before.toml"
    cp "$BEFORE_JAR" "$work/before.jar"
    server java $JVM_FLAGS -jar "$work/before.jar" serve -c "$work/before.toml" --bind 127.0.0.1 \
        >"$work/before.out" 2>"$work/before.err" &
    pids+=($!); peers+=" before:$!:4000"
fi
if wanted netty; then
    javac -d "$work/ref" -cp "$jar" "$here/bench/ref/NettyRef.java"
    server java $JVM_FLAGS -cp "$jar:$work/ref" NettyRef $((BASE + 1007)) $((BASE + 1013)) >"$work/netty.out" 2>&1 &
    pids+=($!); peers+=" netty:$!:1000"
fi
if wanted c; then
    cc -O2 -o "$work/epoll_ref" "$here/bench/ref/epoll_ref.c"
    server "$work/epoll_ref" $((BASE + 2007)) $((BASE + 2013)) &
    pids+=($!); peers+=" c:$!:2000"
fi
if wanted xinetd; then
    command -v xinetd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y xinetd >"$work/apt.log" 2>&1
    {
        echo "defaults"; echo "{"; echo "    instances = UNLIMITED"; echo "    per_source = UNLIMITED"; echo "    cps = 0 0"; echo "}"
        for svc in echo:7 daytime:13; do
            cat <<XI
service ${svc%%:*}
{
    type        = INTERNAL UNLISTED
    id          = ${svc%%:*}-stream
    socket_type = stream
    protocol    = tcp
    port        = $((BASE + 3000 + ${svc##*:}))
    bind        = 127.0.0.1
    user        = root
    wait        = no
    flags       = NOLIBWRAP
}
XI
        done
    } >"$work/xinetd.conf"
    server xinetd -f "$work/xinetd.conf" -dontfork -pidfile "$work/xinetd.pid" >"$work/xinetd.log" 2>&1 &
    pids+=($!); peers+=" xinetd:$!:3000"
fi
peers="${peers# }"
[ -n "$peers" ] || { log "no peer left by PEERS=\"${PEERS:-}\""; exit 2; }
for peer in $peers; do
    IFS=: read -r name pid off <<<"$peer"
    wait_port $((BASE + off + 7)); wait_port $((BASE + off + 13))
done

modes=()
for m in "echo|echo|7|-c 16 -s 64" "daytime-16|connect|13|-c 16" "daytime-1|connect|13|-c 1" "daytime-256|connect|13|-c 256"; do
    [[ " ${MODES:-echo daytime-16 daytime-1 daytime-256} " == *" ${m%%|*} "* ]] && modes+=("$m")
done
log "peers: $peers; load average $(cut -d' ' -f1-3 /proc/loadavg)"

declare -A idle   # each server's CPU at rest, ns per s (a JVM's periodic threads), per mode
for m in "${modes[@]}"; do
    IFS='|' read -r label mode port opts <<<"$m"
    log "$label: each JVM serves it ${WARMUP} s unmeasured first (JIT), then every server rests 2 s (its idle CPU)"
    for peer in $peers; do
        IFS=: read -r name pid off <<<"$peer"
        case "$name" in c|xinetd) ;; *) load "$mode" 127.0.0.1:$((BASE + off + port)) $opts -t 1 -w 0s -d "${WARMUP}s" >/dev/null 2>&1 || true ;; esac
    done
    for peer in $peers; do
        IFS=: read -r name pid off <<<"$peer"
        t1=$(date +%s.%N); read -r c1 _ < <(cpu_ns "$pid"); sleep 2; t2=$(date +%s.%N); read -r c2 _ < <(cpu_ns "$pid")
        idle[$name]=$(awk "BEGIN{print ($c2 - $c1) / ($t2 - $t1)}")
    done
    for round in $(seq "$ROUNDS"); do
        # the order turns each round: the first run after a change of mode meets the previous one's
        # leftovers (TIME_WAIT sockets, xinetd's children being reaped)
        read -r -a order <<<"$peers"
        turn=$(( (round - 1) % ${#order[@]} ))
        for peer in "${order[@]:turn}" "${order[@]:0:turn}"; do
            IFS=: read -r name pid off <<<"$peer"
            out="$work/$name-$label-$round.json"
            # the server's CPU over the generator's whole life, less its idle rate for the time the
            # generator was not measuring (its JVM starting, on a busy machine seconds): however late
            # the generator starts, the CPU and the operations cover the same span
            t1=$(date +%s.%N); read -r c1 j1 < <(cpu_ns "$pid")
            load "$mode" 127.0.0.1:$((BASE + off + port)) $opts -t 1 -w 0s -d "$MEASURE" --json >"$out" 2>"$out.err" || true
            t2=$(date +%s.%N); read -r c2 j2 < <(cpu_ns "$pid")
            python3 - "$out" "$name" "$label" "$round" "$c1" "$c2" "$j1" "$j2" "$t1" "$t2" "${idle[$name]}" >>"$data" <<'PY'
import json, sys
out, peer, label, rnd, c1, c2, j1, j2, t1, t2, idle = sys.argv[1:]
try: r = json.load(open(out))
except Exception as e: r = {"failed": str(e)}
ops, secs = r.get("ops") or 0, r.get("seconds") or 0
cpu = int(c2) - int(c1) - float(idle) * max(0.0, float(t2) - float(t1) - secs)
print(json.dumps({"peer": peer, "label": label, "round": int(rnd), "ops": r.get("opsPerSecond") or 0,
                  "p99": r.get("latencyMicros", {}).get("p99"), "errors": r.get("errors"),
                  "cpuPercent": round(100 * cpu / 1e9 / secs, 1) if secs else None,
                  "idleCpuPercent": round(100 * float(idle) / 1e9, 2),
                  "jitPercent": round(100 * (int(j2) - int(j1)) / max(1, int(c2) - int(c1)), 1),
                  "usPerOp": round(cpu / 1e3 / ops, 2) if ops else None}))
PY
            log "$(tail -1 "$data")"
        done
    done
done

python3 - "$data" "$(cut -d' ' -f1-3 /proc/loadavg)" "$NICE" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"load average at the end: {sys.argv[2]}; nice {sys.argv[3]}; median of each peer's rounds; "
      "ratios are portd / peer, round by round, then the median")
labels = list(dict.fromkeys(r["label"] for r in rows))
peers = [p for p in ["portd", "before", "netty", "c", "xinetd"] if any(r["peer"] == p for r in rows)]
rounds = sorted({r["round"] for r in rows})
def get(lab, p, rnd=None):
    return [r for r in rows if r["label"] == lab and r["peer"] == p and (rnd is None or r["round"] == rnd)]
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
def ratio(lab, p, key):
    qs = []
    for rnd in rounds:
        a, b = get(lab, "portd", rnd), get(lab, p, rnd)
        if a and b and a[0][key] and b[0][key]:
            qs.append(a[0][key] / b[0][key])
    return f"{statistics.median(qs):.2f}x" if qs else "-"
def fmt(x, spec):
    return "-" if x is None else format(x, spec)
others = [p for p in peers if p != "portd"] if "portd" in peers else []
print("\nServer CPU per operation, us (a daytime connection, an echo round trip)\n")
print("| work | " + " | ".join(peers) + "".join(f" | portd/{p}" for p in others) + " |")
print("|---" * (1 + len(peers) + len(others)) + "|")
for lab in labels:
    print(f"| {lab} | " + " | ".join(fmt(med(r["usPerOp"] for r in get(lab, p)), ".1f") for p in peers)
          + "".join(f" | {ratio(lab, p, 'usPerOp')}" for p in others) + " |")
print("\nOperations/s and p99 latency in ms (portd's rate and p99 over each peer's: ratios round by round)\n")
print("| work | " + " | ".join(f"{p} ops/s | {p} p99" for p in peers)
      + "".join(f" | portd/{p} ops/s | portd/{p} p99" for p in others) + " |")
print("|---" * (1 + 2 * len(peers) + 2 * len(others)) + "|")
for lab in labels:
    cells = []
    for p in peers:
        p99 = med(r["p99"] for r in get(lab, p))
        cells.append(f"{fmt(med(r['ops'] for r in get(lab, p)), ',.0f')} | {fmt(p99 / 1000 if p99 else None, '.1f')}")
    print(f"| {lab} | " + " | ".join(cells)
          + "".join(f" | {ratio(lab, p, 'ops')} | {ratio(lab, p, 'p99')}" for p in others) + " |")
jit = {p: max((r.get("jitPercent") or 0) for r in rows if r["peer"] == p) for p in peers}
print("\nThe JIT compiler's share of the server's CPU in the measured windows, at most: "
      + ", ".join(f"{p} {jit[p]:.0f}%" for p in peers if p not in ("c", "xinetd")))
errors = sum(r.get("errors") or 0 for r in rows)
print(f"Errors reported by the generator, all runs: {errors}")
PY
