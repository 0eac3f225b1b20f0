#!/usr/bin/env bash
# bench/compare.sh: measures portd against its peers on loopback, in one run, and writes
# bench/RESULTS.md. Run by hand as root (not in CI): it installs xinetd and iperf3 with apt-get,
# raises `ulimit -n`, pins the server and the load generator to different cores with taskset, and
# stops every process it started, by PID.
#
#   bench/compare.sh                 the whole run (about 12 minutes)
#   MEASURE=10 REPEAT=5 bench/compare.sh
#   SKIP_IDLE=1 bench/compare.sh     without the 10,000/50,000 idle connection tests
#
# Peers: xinetd (Debian's package, its internal echo/discard/chargen/daytime/time services) once
# with Debian's default limits and once with limits raised; iperf3 as the loopback ceiling.
# Every mode runs `portd load` with the same options against each peer; the server's CPU time per
# operation comes from /proc/PID/stat (xinetd: with its children, live ones and reaped ones).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$here/bench/RESULTS.md"
WARM=${WARM:-2}                 # seconds of load before measuring
MEASURE=${MEASURE:-5}           # seconds measured
REPEAT=${REPEAT:-3}             # runs of the key modes (echo, daytime, udp-echo)
OFFSET=${OFFSET:-10000}         # portd's port offset: echo 10007, discard 10009, ...
XBASE=${XBASE:-11000}           # xinetd with default limits: echo 11007, ...
XRAISED=${XRAISED:-12000}       # xinetd with raised limits: echo 12007, ...
IPERF_PORT=${IPERF_PORT:-15201}
SERVER_CPU=${SERVER_CPU:-0}     # core of the server under test
LOAD_CPU=${LOAD_CPU:-1}         # core of the load generator
IDLE_SOURCES=${IDLE_SOURCES:-127.0.0.2-127.0.0.9}

if [ "$(id -u)" != 0 ]; then
    echo "compare.sh: run as root (apt-get, ulimit -n 200000)" >&2
    exit 2
fi
# 50,000 idle connections need one fd each side, plus the JVMs' own. Without CAP_SYS_RESOURCE (some
# containers) the hard limit cannot be raised: the idle tests then stop below it, and RESULTS.md says so.
if ! ulimit -n 200000 2>/dev/null; then
    ulimit -n "$(ulimit -Hn)"
fi
nofile=$(ulimit -n)
idle_max=$(( nofile - 1000 ))
ulimit -u unlimited 2>/dev/null || true

work="$(mktemp -d /tmp/portd-bench.XXXXXX)"
data="$work/runs.jsonl"
: >"$data"
started_pids=()

stop_pid() {   # stop one process we started: TERM, then KILL after 30 s (xinetd ends thousands of children first)
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    for pid in "${started_pids[@]}"; do
        stop_pid "$pid"
    done
}
trap cleanup EXIT INT TERM

log() { echo "[compare $(date +%H:%M:%S)] $*" >&2; }

# ---- build and install ----
log "building portd"
(cd "$here" && { mvn -B -q -o -DskipTests package >"$work/build.log" 2>&1 || mvn -B -q -DskipTests package >"$work/build.log" 2>&1; }) \
    || { tail -30 "$work/build.log" >&2; exit 1; }
cp "$here/target/portd.jar" "$work/portd.jar"   # a private copy: a rebuild during the run cannot break it
jar="$work/portd.jar"

system_xinetd_before=""
[ -f /run/xinetd.pid ] && system_xinetd_before="$(cat /run/xinetd.pid)"
if ! command -v xinetd >/dev/null || ! command -v iperf3 >/dev/null; then
    log "installing xinetd and iperf3"
    DEBIAN_FRONTEND=noninteractive apt-get install -y xinetd iperf3 >"$work/apt.log" 2>&1 \
        || { apt-get update >>"$work/apt.log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y xinetd iperf3 >>"$work/apt.log" 2>&1; }
fi
# the package may start the system's xinetd: stop that one (by its PID), it is not under test
if [ -f /run/xinetd.pid ]; then
    sys_pid="$(cat /run/xinetd.pid)"
    if [ "$sys_pid" != "$system_xinetd_before" ] && [ "$(cat /proc/"$sys_pid"/comm 2>/dev/null)" = xinetd ]; then
        log "stopping the system xinetd the package started (pid $sys_pid)"
        stop_pid "$sys_pid"
    fi
fi

# ---- helpers ----

# CPU ticks (user+system) of a process, its reaped children and its live children
cpu_ticks() {
    python3 - "$1" <<'EOF'
import os, sys
root = sys.argv[1]
def fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()
total = 0
try:
    f = fields(root)
    total += sum(int(x) for x in f[11:15])     # utime stime cutime cstime
except FileNotFoundError:
    pass
for pid in os.listdir("/proc"):
    if pid.isdigit() and pid != root:
        try:
            f = fields(pid)
            if f[1] == root:                    # a live child (xinetd's per-connection servers)
                total += sum(int(x) for x in f[11:15])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
print(total)
EOF
}
hz=$(getconf CLK_TCK)

# memory of a process tree in KiB: "rss pss processes"
tree_memory() {
    python3 - "$1" <<'EOF'
import os, sys
root = sys.argv[1]
pids = [root]
for pid in os.listdir("/proc"):
    if pid.isdigit() and pid != root:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[1] == root:
                    pids.append(pid)
        except OSError:
            pass
rss = pss = 0
for pid in pids:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
    except OSError:
        pass
print(rss, pss, len(pids))
EOF
}

established() {   # established TCP connections to a local port
    ss -Htn state established "( sport = :$1 )" | wc -l
}

# run_load PEER SERVER_PID LABEL RUN MODE TARGET [options...]: one measured run, one JSON line
run_load() {
    local peer=$1 spid=$2 label=$3 run=$4
    shift 4
    local out="$work/$peer-$label-$run.json"
    taskset -c "$LOAD_CPU" java -jar "$jar" load "$@" -t 1 -w "$WARM" -d "$MEASURE" --json >"$out" 2>"$out.err" &
    local lpid=$!
    started_pids+=("$lpid")
    # sample the server's CPU inside the measured window: from 0.3 s after the warm-up to 0.3 s before the end
    sleep "$(awk "BEGIN{print $WARM + 0.3 + 0.6}")"    # + JVM start of the generator (~0.6 s)
    local t1 c1 t2 c2
    t1=$(date +%s.%N); c1=$(cpu_ticks "$spid")
    sleep "$(awk "BEGIN{print $MEASURE - 0.8}")"
    t2=$(date +%s.%N); c2=$(cpu_ticks "$spid")
    wait "$lpid" || log "load $label against $peer exited with $? ($(head -c 300 "$out.err"))"
    python3 - "$out" "$peer" "$label" "$run" "$c1" "$c2" "$t1" "$t2" "$hz" "$*" >>"$data" <<'EOF'
import json, sys
out, peer, label, run, c1, c2, t1, t2, hz, args = sys.argv[1:]
try:
    r = json.load(open(out))
except Exception as e:
    r = {"failed": str(e)}
cpu_rate = (int(c2) - int(c1)) / int(hz) / (float(t2) - float(t1))   # server CPU seconds per second
ops = r.get("opsPerSecond") or 0
print(json.dumps({"peer": peer, "label": label, "run": int(run), "args": args, "report": r,
                  "serverCpuPercent": round(100 * cpu_rate, 1),
                  "serverMicrosPerOp": round(cpu_rate * 1e6 / ops, 2) if ops else None}))
EOF
    log "$peer $label #$run: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r.get("opsPerSecond"), "ops/s", r.get("mbPerSecond"), "MB/s errors", r.get("errors"), r.get("errorsByKind"))' "$out" 2>/dev/null || echo failed)"
}

# the modes, the same for every peer: label, mode, port (last two digits), options
modes() {
    echo "echo|echo|7|-c 16 -s 64"
    echo "echo-stream|echo-stream|7|-c 4 -s 64k --window 4"
    echo "discard|discard|9|-c 4 -s 64k"
    echo "chargen|chargen|19|-c 4 -s 16k --pattern PATTERN"
    echo "daytime-connect|connect|13|-c 8"
    echo "echo-connect|connect|7|-c 8 --echo -s 64"
    echo "udp-echo|udp-echo|7|-c 32 -s 64 --window 4 --timeout 50ms"
}
key_mode() { case $1 in echo|daytime-connect|udp-echo) return 0;; esac; return 1; }

run_modes() {   # each mode against every peer back to back, so that the machine's noise hits all alike
    local label mode port opts runs run peer
    while IFS='|' read -r label mode port opts; do
        runs=1
        key_mode "$label" && runs=$REPEAT
        for run in $(seq "$runs"); do
            for peer in portd xinetd-default xinetd-raised; do
                local spid base pattern=lines
                case $peer in
                    portd) spid=$portd_pid; base=$OFFSET; pattern=rfc864 ;;
                    xinetd-default) spid=$xinetd_default_pid; base=$XBASE ;;
                    xinetd-raised) spid=$xinetd_raised_pid; base=$XRAISED ;;
                esac
                # shellcheck disable=SC2086
                run_load "$peer" "$spid" "$label" "$run" "$mode" "127.0.0.1:$((base + port))" ${opts//PATTERN/$pattern}
            done
        done
    done < <(modes)
}

# the JIT compiles portd's hot paths in its first seconds: load every mode once, unmeasured, first
prewarm_portd() {
    local label mode port opts
    while IFS='|' read -r label mode port opts; do
        # shellcheck disable=SC2086
        taskset -c "$LOAD_CPU" java -jar "$jar" load "$mode" "127.0.0.1:$((OFFSET + port))" ${opts//PATTERN/rfc864} \
            -t 1 -w 0 -d 3 >/dev/null 2>&1 || true
    done < <(modes)
}

start_portd() {
    taskset -c "$SERVER_CPU" java ${PORTD_JAVA_OPTS:-} -jar "$jar" serve -c "$here/bench/portd-bench.toml" \
        --port-offset "$OFFSET" --bind 127.0.0.1 >"$work/portd.out" 2>"$work/portd.err" &
    portd_pid=$!
    started_pids+=("$portd_pid")
    for _ in $(seq 100); do
        grep -q '^serving' "$work/portd.out" 2>/dev/null && return 0
        sleep 0.2
    done
    log "portd did not start:"; cat "$work/portd.err" >&2; exit 1
}

write_xinetd_conf() {   # FILE default|raised BASE
    local file=$1 limits=$2 base=$3
    {
        echo "# xinetd for bench/compare.sh: internal services on loopback, ports $base + the well-known one"
        echo "defaults"
        echo "{"
        if [ "$limits" = raised ]; then
            echo "    instances  = UNLIMITED"
            echo "    per_source = UNLIMITED"
            echo "    cps        = 1000000 1"
        else
            echo "    # Debian's /etc/xinetd.conf sets nothing: compiled-in defaults (cps 50 10, no instance limit)"
        fi
        echo "}"
        for svc in echo:7 discard:9 daytime:13 chargen:19 time:37; do
            name=${svc%%:*}; port=$((base + ${svc##*:}))
            for kind in stream dgram; do
                proto=tcp; wait=no
                [ $kind = dgram ] && { proto=udp; wait=yes; }
                cat <<EOF
service $name
{
    type        = INTERNAL UNLISTED
    id          = $name-$kind
    socket_type = $kind
    protocol    = $proto
    port        = $port
    bind        = 127.0.0.1
    user        = root
    wait        = $wait
}
EOF
            done
        done
    } >"$file"
}

start_xinetd() {   # default|raised BASE
    write_xinetd_conf "$work/xinetd-$1.conf" "$1" "$2"
    taskset -c "$SERVER_CPU" xinetd -f "$work/xinetd-$1.conf" -dontfork -pidfile "$work/xinetd-$1.pid" \
        >"$work/xinetd-$1.log" 2>&1 &
    xinetd_pid=$!
    started_pids+=("$xinetd_pid")
    for _ in $(seq 50); do
        ss -Hltn "( sport = :$(($2 + 7)) )" | grep -q . && return 0
        sleep 0.1
    done
    log "xinetd did not start:"; cat "$work/xinetd-$1.log" >&2; exit 1
}

# idle connections held by portd: RSS before and with N held
idle_test() {   # PEER SERVER_PID PORT N
    local peer=$1 spid=$2 port=$3 n=$4
    local before hold=$(( n / 1000 + 25 ))
    before=$(tree_memory "$spid")
    taskset -c "$LOAD_CPU" java -jar "$jar" load idle "127.0.0.1:$port" -c "$n" --source "$IDLE_SOURCES" \
        -t 1 -w 0 -d "$hold" --json >"$work/$peer-idle-$n.json" 2>"$work/$peer-idle-$n.err" &
    local lpid=$!
    started_pids+=("$lpid")
    local count=0 t0=$SECONDS
    while [ $((SECONDS - t0)) -lt $((hold - 4)) ]; do
        count=$(established "$port")
        [ "$count" -ge "$n" ] && break
        sleep 1
    done
    sleep 2   # let the last handshakes settle in the server
    count=$(established "$port")
    local with; with=$(tree_memory "$spid")
    wait "$lpid" || true
    python3 - "$peer" "$n" "$count" "$before" "$with" "$work/$peer-idle-$n.json" >>"$data" <<'EOF'
import json, sys
peer, n, count, before, with_, out = sys.argv[1:]
b, w = [int(x) for x in before.split()], [int(x) for x in with_.split()]
try:
    r = json.load(open(out))
except Exception as e:
    r = {"failed": str(e)}
print(json.dumps({"peer": peer, "label": f"idle-{n}", "run": 1, "held": int(count),
                  "rssBeforeKiB": b[0], "rssWithKiB": w[0], "pssWithKiB": w[1], "processes": w[2],
                  "kibPerConnection": round((w[0] - b[0]) / max(1, int(count)), 2), "report": r}))
EOF
    log "$peer idle $n: held $count, memory before $before, with $with (rss pss processes, KiB)"
}

# ---- the run ----
machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, $(free -g | awk '/^Mem:/{print $2}') GiB, kernel $(uname -r), $(java -version 2>&1 | head -1)"
log "machine: $machine; load average $(cut -d' ' -f1-3 /proc/loadavg)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

log "starting portd, xinetd (default limits) and xinetd (raised limits)"
start_portd
start_xinetd default "$XBASE"
xinetd_default_pid=$xinetd_pid
start_xinetd raised "$XRAISED"
xinetd_raised_pid=$xinetd_pid
log "warming portd's JIT: every mode once for 3 s, not measured"
prewarm_portd
run_modes
stop_pid "$portd_pid"
stop_pid "$xinetd_default_pid"
stop_pid "$xinetd_raised_pid"

log "iperf3 (the loopback ceiling)"
taskset -c "$SERVER_CPU" iperf3 -s -p "$IPERF_PORT" >"$work/iperf3-server.log" 2>&1 &
iperf_pid=$!
started_pids+=("$iperf_pid")
sleep 1
for run in $(seq "$REPEAT"); do
    taskset -c "$LOAD_CPU" iperf3 -c 127.0.0.1 -p "$IPERF_PORT" -t "$MEASURE" -O "$WARM" -J >"$work/iperf3-$run.json"
    python3 - "$work/iperf3-$run.json" "$run" >>"$data" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
bps = r["end"]["sum_received"]["bits_per_second"]
print(json.dumps({"peer": "iperf3", "label": "stream", "run": int(sys.argv[2]),
                  "report": {"mbPerSecond": round(bps / 8 / 1e6, 2)},
                  "serverCpuPercent": round(r["end"]["cpu_utilization_percent"]["remote_total"], 1)}))
EOF
done
stop_pid "$iperf_pid"

if [ -z "${SKIP_IDLE:-}" ]; then
    log "idle connections (fresh processes)"
    start_portd
    sleep 2
    for n in 10000 50000; do
        if [ "$n" -le "$idle_max" ]; then
            idle_test portd "$portd_pid" $((OFFSET + 7)) "$n"
        else
            log "idle $n skipped: ulimit -n is $nofile here (hard limit); measuring $idle_max instead"
            idle_test portd "$portd_pid" $((OFFSET + 7)) "$idle_max"
        fi
    done
    stop_pid "$portd_pid"
    start_xinetd raised "$XRAISED"
    idle_test xinetd-raised "$xinetd_pid" $((XRAISED + 7)) 10000
    stop_pid "$xinetd_pid"
fi

log "writing $results"
python3 - "$data" "$results" "$machine" "$load_before $(cut -d' ' -f1-3 /proc/loadavg)" "$nofile" \
    "$WARM" "$MEASURE" "$REPEAT" "$OFFSET" "$XBASE" "$SERVER_CPU" "$LOAD_CPU" "$IDLE_SOURCES" <<'EOF'
import json, statistics, sys, datetime
data, out, machine, loads, nofile, warm, measure, repeat, offset, xbase, scpu, lcpu, sources = sys.argv[1:]
rows = [json.loads(l) for l in open(data)]
def runs(peer, label):
    return [r for r in rows if r["peer"] == peer and r["label"] == label]
def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
def fig(peer, label, key):
    return median([r["report"].get(key) for r in runs(peer, label)])
def cpu(peer, label):
    return median([r.get("serverMicrosPerOp") for r in runs(peer, label)])
def fmt(v, digits=0):
    return "–" if v is None else f"{v:,.{digits}f}"
modes = [("echo", "opsPerSecond", "round trips/s", "≥ 1.2×"),
         ("echo-stream", "mbPerSecond", "MB/s", "≥ 2.5×"),
         ("discard", "mbPerSecond", "MB/s", "≥ 2×"),
         ("chargen", "mbPerSecond", "MB/s", "≥ 10×"),
         ("daytime-connect", "opsPerSecond", "connections/s", "≥ 1×"),
         ("echo-connect", "opsPerSecond", "connections/s", "≥ 5×"),
         ("udp-echo", "opsPerSecond", "replies/s", "≥ 2.5×")]
cpu_targets = {"echo": "≤ 7 µs", "daytime-connect": "≤ 18 µs"}
L = []
L.append("# portd against its peers: bench/compare.sh results\n")
L.append(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
L.append(f"- machine: {machine}")
L.append(f"- load average before / after the run: {loads}")
L.append(f"- open files limit (ulimit -n) of server and generator: {int(nofile):,}"
         + ("" if int(nofile) >= 120000 else " (the hard limit here; `ulimit -n 200000` was refused: no CAP_SYS_RESOURCE, "
            "so the idle test stops below it instead of 50,000)"))
L.append("- each mode runs against portd, xinetd with default limits and xinetd with raised limits back to back (all three "
         "started at once on different ports), so a burst of noise hits all peers alike; portd got one unmeasured 3 s run of "
         "every mode first, to let its JIT compile the hot paths (a C server needs no such warm-up)")
L.append(f"- server pinned to core {scpu}, load generator (`portd load -t 1`) to core {lcpu} (taskset); "
         f"{warm} s warm-up, {measure} s measured; echo, daytime-connect and udp-echo run {repeat} times (median shown, every run below)")
L.append("- **noise**: this machine has 2 cores, and anything else running on it (see the load average above) takes from both the server and the generator; "
         "throughput figures move by tens of percent between runs. The server CPU per operation (µs of user+system time "
         "from /proc/PID/stat, xinetd including its children) is the steadier figure.\n")
L.append("## Throughput and server CPU per operation\n")
L.append("| mode | unit | portd | xinetd default limits | xinetd raised limits | portd / xinetd raised | target | "
         "server µs/op portd | xinetd raised | xinetd default | errors portd / xd / xr |")
L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for label, key, unit, target in modes:
    p, xd, xr = fig("portd", label, key), fig("xinetd-default", label, key), fig("xinetd-raised", label, key)
    ratio = f"{p / xr:.2f}×" if p and xr else "–"
    errs = " / ".join(fmt(sum(r["report"].get("errors", 0) for r in runs(peer, label)))
                      for peer in ("portd", "xinetd-default", "xinetd-raised"))
    cpu_t = cpu_targets.get(label, "")
    L.append(f"| {label} | {unit} | {fmt(p)} | {fmt(xd)} | {fmt(xr)} | {ratio} | {target}"
             f"{(' ; CPU ' + cpu_t) if cpu_t else ''} | {fmt(cpu('portd', label), 2)} | {fmt(cpu('xinetd-raised', label), 2)} "
             f"| {fmt(cpu('xinetd-default', label), 2)} | {errs} |")
ip = median([r["report"]["mbPerSecond"] for r in rows if r["peer"] == "iperf3"])
L.append(f"| iperf3 (one TCP stream, loopback ceiling) | MB/s | | | | | | | | | {fmt(ip)} MB/s |")
L.append("")
L.append("Latency (median run, µs: p50 / p99 / p99.9) and the generator's own CPU:\n")
L.append("| mode | peer | p50 | p99 | p99.9 | max | generator CPU % of its core | lost (udp) |")
L.append("|---|---|---:|---:|---:|---:|---:|---:|")
for label, *_ in modes:
    for peer in ("portd", "xinetd-default", "xinetd-raised"):
        rs = runs(peer, label)
        if not rs:
            continue
        lat = [r["report"].get("latencyMicros") for r in rs if r["report"].get("latencyMicros")]
        def q(k):
            return fmt(median([l[k] for l in lat]), 1) if lat else "–"
        lost = median([r["report"].get("lossPercent") for r in rs])
        L.append(f"| {label} | {peer} | {q('p50')} | {q('p99')} | {q('p999')} | {q('max')} | "
                 f"{fmt(median([r['report'].get('generatorCpuPercent') for r in rs]))} | "
                 f"{'' if lost is None else f'{lost:.2f} %'} |")
idle = [r for r in rows if r["label"].startswith("idle-")]
if idle:
    L.append("\n## Idle connections held\n")
    L.append("| peer | asked | held (ss) | processes | RSS before | RSS with them | PSS with them | growth per connection | target |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in idle:
        L.append(f"| {r['peer']} | {r['label'][5:]} | {r['held']:,} | {r['processes']:,} | {r['rssBeforeKiB'] / 1024:,.0f} MiB | "
                 f"{r['rssWithKiB'] / 1024:,.0f} MiB | {r['pssWithKiB'] / 1024:,.0f} MiB | {r['kibPerConnection']:.2f} KiB | "
                 f"{'≤ 4 KiB' if r['peer'] == 'portd' else ''} |")
L.append("\n## Every run\n")
L.append("| peer | mode | run | ops/s | MB/s | errors | server CPU % | server µs/op | generator CPU % |")
L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    if r["label"].startswith("idle-"):
        continue
    rep = r["report"]
    L.append(f"| {r['peer']} | {r['label']} | {r['run']} | {fmt(rep.get('opsPerSecond'))} | {fmt(rep.get('mbPerSecond'), 1)} | "
             f"{fmt(rep.get('errors'))} | {fmt(r.get('serverCpuPercent'), 1)} | {fmt(r.get('serverMicrosPerOp'), 2)} | "
             f"{fmt(rep.get('generatorCpuPercent'))} |")
errs = [(r["peer"], r["label"], r["report"].get("errorsByKind")) for r in rows if r["report"].get("errorsByKind")]
if errs:
    L.append("\nErrors by kind:\n")
    for peer, label, kinds in errs:
        L.append(f"- {peer} {label}: " + ", ".join(f"{k}: {v:,}" for k, v in kinds.items()))
L.append("\nWhat bounds the figures where portd misses a target, and what would lift them: bench/ANALYSIS.md "
         "(written by hand from the runs of 2026-11-29; re-read it after a new run).")
L.append("\n## Exact commands\n")
L.append("```")
L.append(f"ulimit -n 200000    # here: {nofile}")
L.append(f"taskset -c {scpu} java -jar portd.jar serve -c bench/portd-bench.toml --port-offset {offset} --bind 127.0.0.1")
L.append(f"taskset -c {scpu} xinetd -f xinetd-default.conf -dontfork    # Debian defaults: cps 50 10")
L.append(f"taskset -c {scpu} xinetd -f xinetd-raised.conf -dontfork     # instances/per_source UNLIMITED, cps 1000000 1")
L.append(f"taskset -c {scpu} iperf3 -s -p 15201 ; taskset -c {lcpu} iperf3 -c 127.0.0.1 -p 15201 -t {measure} -O {warm} -J")
seen = set()
for r in rows:
    if r["peer"] in ("portd", "xinetd-raised") and "args" in r and (r["peer"], r["label"]) not in seen:
        seen.add((r["peer"], r["label"]))
        L.append(f"taskset -c {lcpu} java -jar portd.jar load {r['args']} -t 1 -w {warm} -d {measure} --json")
L.append(f"taskset -c {lcpu} java -jar portd.jar load idle 127.0.0.1:PORT -c N --source {sources} -t 1 -w 0 -d N/1000+25s --json")
L.append("```")
L.append("Server CPU: (utime+stime+cutime+cstime of the server and of its live children) sampled 0.3 s into the measured "
         "window and 0.3 s before its end, divided by the ops/s the generator measured. RSS/PSS: /proc/PID/smaps_rollup of "
         "the server and its children.")
open(out, "w").write("\n".join(L) + "\n")
EOF
log "done: $results (raw runs in $work)"
