#!/usr/bin/env bash
# bench/idlemem.sh: RSS per idle TCP connection (issue 15, target 3), portd beside the plain Netty
# floor (bench/ref/NettyRef.java), each a fresh JVM with the launcher's flags on core SERVER_CPU, held
# by `portd load idle` on LOAD_CPU. For each N: RSS before (after a few seconds of echo, so that the
# echo path is loaded and warm), RSS with N connections held, then a heap histogram (jcmd
# GC.class_histogram, which runs a full GC: taken after the RSS) before and with, whose difference
# divided by N says which objects a connection keeps on the heap.
# Run as root by hand: bench/idlemem.sh, with any of
#   COUNTS="10000 max"   connections held; max: as many as the fd limit lets both processes hold
#   PEERS="portd netty"
#   EXTRA_JVM="-Xmn4m"   more JVM flags for both servers (to try a setting)
#   JVM_FLAGS=""         instead of the launcher's serve flags (JVM_FLAGS="": the JVM's defaults)
# Output: one line per peer and N, and $work/PEER-N.histo (the per-connection heap, biggest first).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNTS=${COUNTS:-"10000 max"}; PEERS=${PEERS:-"portd netty"}
SERVER_CPU=${SERVER_CPU:-0}; LOAD_CPU=${LOAD_CPU:-1}; PORT=${PORT:-24007}
JVM_FLAGS="${JVM_FLAGS-"-XX:+UseSerialGC -Xms16m -Xmx128m -XX:MaxDirectMemorySize=256m -Xss512k -XX:ReservedCodeCacheSize=64m"} ${EXTRA_JVM:-}"
ulimit -n "$(ulimit -Hn)"
nofile=$(ulimit -n)
work="$(mktemp -d /tmp/portd-idlemem.XXXXXX)"
spid=""
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
log() { echo "[idlemem $(date +%H:%M:%S)] $*" >&2; }
[ -f "$here/target/portd.jar" ] || (cd "$here" && mvn -B -q -o -DskipTests package)
cp "$here/target/portd.jar" "$work/portd.jar"; jar="$work/portd.jar"
javac -d "$work/ref" -cp "$jar" "$here/bench/ref/NettyRef.java"
cat >"$work/portd.toml" <<TOML
[services.echo]
port = $PORT
protocols = ["tcp"]
max_connections = 200000
per_source = 200000
TOML
rss() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
established() { ss -Htn state established "( sport = :$PORT )" | wc -l; }
histo() { jcmd "$1" GC.class_histogram 2>/dev/null | awk '$1 ~ /^[0-9]+:$/ {print $4, $2, $3}'; }
log "load average $(cut -d' ' -f1-3 /proc/loadavg); ulimit -n $nofile"
for n in $COUNTS; do
    [ "$n" = max ] && n=$(( nofile - 600 ))   # what each process can hold beside its own fds
    for peer in $PEERS; do
        case "$peer" in
            portd) taskset -c "$SERVER_CPU" java $JVM_FLAGS -jar "$jar" serve -c "$work/portd.toml" --bind 127.0.0.1 >"$work/$peer.out" 2>&1 & ;;
            netty) taskset -c "$SERVER_CPU" java $JVM_FLAGS -cp "$jar:$work/ref" NettyRef "$PORT" $((PORT + 6)) >"$work/$peer.out" 2>&1 & ;;
        esac
        spid=$!
        for _ in $(seq 100); do ss -Hltn "( sport = :$PORT )" | grep -q . && break; sleep 0.2; done
        taskset -c "$LOAD_CPU" java -jar "$jar" load echo "127.0.0.1:$PORT" -c 16 -s 64 -t 1 -w 0s -d 3s >/dev/null 2>&1
        sleep 2
        jcmd "$spid" GC.heap_info >"$work/$peer-$n.heap0" 2>&1 || true
        histo "$spid" >"$work/$peer-$n.before"
        sleep 1
        before=$(rss "$spid")
        hold=$(( n / 1000 + 30 ))
        taskset -c "$LOAD_CPU" java -Xss512k -jar "$jar" load idle "127.0.0.1:$PORT" -c "$n" -t 1 -w 0s -d "${hold}s" \
            >"$work/$peer-$n.load" 2>&1 &
        lpid=$!
        t0=$SECONDS
        while [ $((SECONDS - t0)) -lt $((hold - 8)) ] && [ "$(established)" -lt "$n" ]; do sleep 1; done
        sleep 2
        held=$(established); with=$(rss "$spid")
        jcmd "$spid" GC.heap_info >"$work/$peer-$n.heap" 2>&1 || true   # young and old generation sizes, before the histogram's full GC
        histo "$spid" >"$work/$peer-$n.with"
        kill "$lpid" 2>/dev/null || true; wait "$lpid" 2>/dev/null || true
        kill "$spid"; wait "$spid" 2>/dev/null || true; spid=""
        python3 - "$work/$peer-$n.before" "$work/$peer-$n.with" "$held" >"$work/$peer-$n.histo" <<'PY'
import sys
def load(p):
    d = {}
    for line in open(p):
        if len(line.split()) != 3:
            continue
        name, count, size = line.split()
        d[name] = (int(count), int(size))
    return d
b, w, n = load(sys.argv[1]), load(sys.argv[2]), max(1, int(sys.argv[3]))
rows = sorted(((w[k][1] - b.get(k, (0, 0))[1], w[k][0] - b.get(k, (0, 0))[0], k) for k in w), reverse=True)
print(f"heap growth per connection: {sum(r[0] for r in rows) / n:.0f} B")
for size, count, name in rows[:30]:
    print(f"{size / n:8.1f} B {count / n:6.2f}/conn  {name}")
PY
        log "$peer: held $held of $n; RSS $before -> $with KiB: $(awk "BEGIN{printf \"%.2f\", ($with - $before) / $held}") KiB per connection; $(head -1 "$work/$peer-$n.histo")"
    done
done
log "load average $(cut -d' ' -f1-3 /proc/loadavg); histograms in $work"
