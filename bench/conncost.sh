#!/usr/bin/env bash
# bench/conncost.sh: the cost of a connection and of an echo round trip (issue 15, targets 1-2), portd
# beside its floors in one run: a plain Netty 4.2 server (bench/ref/NettyRef.java, same JVM flags as
# portd's launcher), a C epoll server (bench/ref/epoll_ref.c) and xinetd tuned for speed (cps 0 0,
# instances/per_source UNLIMITED, flags NOLIBWRAP). Servers on core SERVER_CPU, the load generator
# (portd load, one thread) on LOAD_CPU; the peers take turns mode by mode, ROUNDS times, so that the
# machine's other load hits them alike. Server CPU per operation from /proc/PID/stat.
# Run as root by hand: bench/conncost.sh [ROUNDS=3 MEASURE=5 WARM=2 BEFORE_JAR=old/portd.jar]; prints a
# table (and keeps the raw runs in $work/runs.jsonl); BEFORE_JAR adds an older build as a peer.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=${ROUNDS:-3}; WARM=${WARM:-2}; MEASURE=${MEASURE:-5}
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
cc -O2 -o "$work/epoll_ref" "$here/bench/ref/epoll_ref.c"
command -v xinetd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y xinetd >"$work/apt.log" 2>&1

cpu_ns() {   # CPU time in ns of a process (every thread, from schedstat: ns, not 10 ms ticks) and of its
             # children, live (schedstat) and reaped (cutime+cstime, ticks: xinetd's per-connection forks)
    python3 - "$1" "$hz" <<'PY'
import os, sys
root, hz = sys.argv[1], int(sys.argv[2])
def run_ns(pid):
    t = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as s:
            t += int(s.read().split()[0])
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
print(t)
PY
}

wait_port() { for _ in $(seq 100); do ss -Hltn "( sport = :$1 )" | grep -q . && return 0; sleep 0.2; done; log "nothing on $1"; exit 1; }

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
taskset -c "$SERVER_CPU" java $JVM_FLAGS ${PORTD_JAVA_OPTS:-} -jar "$jar" serve -c "$work/portd.toml" --bind 127.0.0.1 \
    >"$work/portd.out" 2>"$work/portd.err" &
portd_pid=$!; pids+=("$portd_pid")
before_peer=""
if [ -n "${BEFORE_JAR:-}" ]; then   # an older build beside this one, on ports BASE + 4000: what a change bought
    sed "s/port = $BASE/port = $((BASE + 4000))/; s/port = $((BASE + 7))/port = $((BASE + 4007))/; s/port = $((BASE + 13))/port = $((BASE + 4013))/" \
        "$work/portd.toml" >"$work/before.toml"
    cp "$BEFORE_JAR" "$work/before.jar"
    taskset -c "$SERVER_CPU" java $JVM_FLAGS -jar "$work/before.jar" serve -c "$work/before.toml" --bind 127.0.0.1 \
        >"$work/before.out" 2>"$work/before.err" &
    before_pid=$!; pids+=("$before_pid")
    before_peer=" before:$before_pid:4000"
fi
javac -d "$work/ref" -cp "$jar" "$here/bench/ref/NettyRef.java"
taskset -c "$SERVER_CPU" java $JVM_FLAGS -cp "$jar:$work/ref" NettyRef $((BASE + 1007)) $((BASE + 1013)) \
    >"$work/netty.out" 2>&1 &
netty_pid=$!; pids+=("$netty_pid")
taskset -c "$SERVER_CPU" "$work/epoll_ref" $((BASE + 2007)) $((BASE + 2013)) &
c_pid=$!; pids+=("$c_pid")
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
taskset -c "$SERVER_CPU" xinetd -f "$work/xinetd.conf" -dontfork -pidfile "$work/xinetd.pid" >"$work/xinetd.log" 2>&1 &
xinetd_pid=$!; pids+=("$xinetd_pid")
for p in 7 13 1007 1013 2007 2013 3007 3013; do wait_port $((BASE + p)); done
[ -z "$before_peer" ] || { wait_port $((BASE + 4007)); wait_port $((BASE + 4013)); }

peers="portd:$portd_pid:0${before_peer} netty:$netty_pid:1000 c:$c_pid:2000 xinetd:$xinetd_pid:3000"
modes=("echo|echo|7|-c 16 -s 64" "daytime-16|connect|13|-c 16" "daytime-1|connect|13|-c 1" "daytime-256|connect|13|-c 256")

log "warming the JVMs up (unmeasured)"
for peer in $peers; do
    IFS=: read -r name pid off <<<"$peer"
    taskset -c "$LOAD_CPU" java -jar "$jar" load echo 127.0.0.1:$((BASE + off + 7)) -t 1 -w 0s -d 3s >/dev/null 2>&1 || true
    taskset -c "$LOAD_CPU" java -jar "$jar" load connect 127.0.0.1:$((BASE + off + 13)) -t 1 -w 0s -d 3s >/dev/null 2>&1 || true
done

for round in $(seq "$ROUNDS"); do
    for m in "${modes[@]}"; do
        IFS='|' read -r label mode port opts <<<"$m"
        # the order turns each round: the first run after a change of mode meets the previous one's
        # leftovers (TIME_WAIT sockets, xinetd's children being reaped)
        read -r -a order <<<"$peers"
        turn=$(( (round - 1) % ${#order[@]} ))
        for peer in "${order[@]:turn}" "${order[@]:0:turn}"; do
            IFS=: read -r name pid off <<<"$peer"
            out="$work/$name-$label-$round.json"
            taskset -c "$LOAD_CPU" java -jar "$jar" load "$mode" 127.0.0.1:$((BASE + off + port)) $opts -t 1 \
                -w "$WARM" -d "$MEASURE" --json >"$out" 2>"$out.err" &
            lpid=$!; pids+=("$lpid")
            sleep "$(awk "BEGIN{print $WARM + 0.9}")"
            t1=$(date +%s.%N); c1=$(cpu_ns "$pid")
            sleep "$(awk "BEGIN{print $MEASURE - 0.8}")"
            t2=$(date +%s.%N); c2=$(cpu_ns "$pid")
            wait "$lpid" || true
            python3 - "$out" "$name" "$label" "$round" "$c1" "$c2" "$t1" "$t2" "$hz" >>"$data" <<'PY'
import json, sys
out, peer, label, rnd, c1, c2, t1, t2, hz = sys.argv[1:]
try: r = json.load(open(out))
except Exception as e: r = {"failed": str(e)}
rate = (int(c2) - int(c1)) / 1e9 / (float(t2) - float(t1))
ops = r.get("opsPerSecond") or 0
print(json.dumps({"peer": peer, "label": label, "round": int(rnd), "ops": ops, "p99": r.get("latencyMicros", {}).get("p99"),
                  "errors": r.get("errors"), "cpuPercent": round(100 * rate, 1),
                  "usPerOp": round(rate * 1e6 / ops, 2) if ops else None}))
PY
            log "$(tail -1 "$data")"
        done
    done
done

python3 - "$data" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"load average at the end: {sys.argv[2]}; median of each peer's rounds; ratios are portd / peer, round by round, then the median")
labels = list(dict.fromkeys(r["label"] for r in rows))
peers = [p for p in ["portd", "before", "netty", "c", "xinetd"] if any(r["peer"] == p for r in rows)]
print("| work | " + " | ".join(f"{p} ops/s | {p} us/op" for p in peers) + " | " + " | ".join(f"portd/{p} us" for p in peers[1:]) + " |")
print("|---" * (3 * len(peers)) + "|---|")
for lab in labels:
    cell, ratio = [], {}
    for p in peers:
        rs = [r for r in rows if r["label"] == lab and r["peer"] == p]
        cell.append(f"{statistics.median(r['ops'] for r in rs):,.0f} | {statistics.median(r['usPerOp'] or 0 for r in rs):.1f}")
    for p in peers[1:]:
        qs = []
        for rnd in {r["round"] for r in rows}:
            a = [r for r in rows if r["label"] == lab and r["peer"] == "portd" and r["round"] == rnd]
            b = [r for r in rows if r["label"] == lab and r["peer"] == p and r["round"] == rnd]
            if a and b and a[0]["usPerOp"] and b[0]["usPerOp"]:
                qs.append(a[0]["usPerOp"] / b[0]["usPerOp"])
        ratio[p] = f"{statistics.median(qs):.2f}x" if qs else "-"
    print(f"| {lab} | " + " | ".join(cell) + " | " + " | ".join(ratio[p] for p in peers[1:]) + " |")
PY
