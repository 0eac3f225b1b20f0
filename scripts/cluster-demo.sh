#!/usr/bin/env bash
# Three machines on one: a 3-node ZooKeeper ensemble (the ZooKeeper jar's QuorumPeerMain) and three
# portd hosts, each pair in a network namespace of its own (10.77.0.1-3 on a bridge), publishing
# into the ensemble with [discovery]. Needs root (ip netns) and a built tree (mvn -o compile).
#
#   scripts/cluster-demo.sh up     start everything, print what to look at; Ctrl-C stops and cleans up
#   scripts/cluster-demo.sh e2e    start, check discovery end to end (below), stop; exit 0 when all held
#
# e2e: host 2 finds host 3's echo and its RPC program 100024 (status, rpc.statd) by name; host 3
# killed with SIGKILL leaves every lookup within session_timeout (4 s) + 2 s; restarted, it is back;
# `portd lookup --all --watch` on host 1 printed both changes. Namespaces, processes and files are
# named after this run's pid and removed at exit.
# PORTD_CP: a classpath with portd's classes, ZooKeeper and Curator (the IT passes its own);
# otherwise Maven writes one. Each JVM is kept small: the machine may be shared.
set -euo pipefail
mode=${1:-up}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run=pdz$$
work=$(mktemp -d "/tmp/$run.XXXX")
session_timeout_s=4
pids=()

cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for ns in "$run-1" "$run-2" "$run-3" "$run-sw"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${PORTD_CP:-}" ]; then
    (cd "$root" && mvn -B -q -o compile dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$work/cp" >/dev/null)
    PORTD_CP="$root/target/classes:$(cat "$work/cp")"
fi
java_opts=(-Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)
zk_connect="10.77.0.1:2181,10.77.0.2:2181,10.77.0.3:2181"

# portd NS ARGS...: a portd command inside a namespace (exec: a background one's $! is the JVM's pid)
portd() { local ns=$1; shift; exec ip netns exec "$run-$ns" java "${java_opts[@]}" -cp "$PORTD_CP" dev.portd.Portd "$@"; }
lookup() { (portd "$@"); }

net_up() {
    ip netns add "$run-sw"
    ip -n "$run-sw" link add br0 type bridge
    ip -n "$run-sw" link set br0 up
    for i in 1 2 3; do
        ip netns add "$run-$i"
        ip -n "$run-sw" link add "v$i" type veth peer name eth0 netns "$run-$i"
        ip -n "$run-sw" link set "v$i" master br0 up
        ip -n "$run-$i" addr add "10.77.0.$i/24" dev eth0
        ip -n "$run-$i" link set eth0 up
        ip -n "$run-$i" link set lo up
    done
}

zk_up() {
    for i in 1 2 3; do
        mkdir -p "$work/zk$i"
        echo "$i" > "$work/zk$i/myid"
        cat > "$work/zk$i.cfg" <<CFG
tickTime=1000
initLimit=10
syncLimit=5
dataDir=$work/zk$i
clientPort=2181
clientPortAddress=10.77.0.$i
admin.enableServer=false
4lw.commands.whitelist=srvr
server.1=10.77.0.1:2888:3888
server.2=10.77.0.2:2888:3888
server.3=10.77.0.3:2888:3888
CFG
        ip netns exec "$run-$i" java "${java_opts[@]}" -cp "$PORTD_CP" \
            org.apache.zookeeper.server.quorum.QuorumPeerMain "$work/zk$i.cfg" >"$work/zk$i.log" 2>&1 &
        pids+=($!)
    done
    for i in 1 2 3; do
        for _ in $(seq 1 120); do   # a leader is elected within seconds; 60 s on a very busy machine
            if ip netns exec "$run-$i" bash -c 'exec 3<>/dev/tcp/10.77.0.'"$i"'/2181 && printf srvr >&3 && cat <&3' \
                2>/dev/null | grep -qE 'Mode: (leader|follower)'; then
                continue 2
            fi
            sleep 0.5
        done
        echo "ZooKeeper node $i did not join the ensemble; see $work/zk$i.log" >&2
        return 1
    done
    echo "ensemble up: $zk_connect"
}

host_config() {
    local i=$1
    cat > "$work/host$i.toml" <<TOML
[host]
bind = "10.77.0.$i"

[services.echo]
port = 7

[services.portmapper]
port = 111
state = ""          # three hosts share one /run: no state file, no local socket
local_socket = ""
insecure = true     # the demo registers an RPC program from another address

[services.dashboard]
port = 8111

[discovery]
zookeeper = "$zk_connect"
host_name = "host$i"
session_timeout = "${session_timeout_s}s"
TOML
}

host_up() {
    local i=$1
    (portd "$i" serve -c "$work/host$i.toml" >"$work/host$i.out" 2>"$work/host$i.log") &
    eval "host${i}_pid=$!"
    pids+=($!)
    for _ in $(seq 1 240); do
        grep -q '^serving ' "$work/host$i.out" 2>/dev/null && return 0
        sleep 0.25
    done
    echo "host $i did not start; see $work/host$i.log" >&2
    return 1
}

# rpc_set NS PROGRAM PORT: PMAPPROC_SET (RFC 1833) over UDP to that host's portmapper, as an RPC server would
rpc_set() {
    ip netns exec "$run-$1" python3 - "10.77.0.$1" "$2" "$3" <<'PY'
import socket, struct, sys
host, prog, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
call = struct.pack(">IIIIII", 0x5044, 0, 2, 100000, 2, 1) + struct.pack(">IIII", 0, 0, 0, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(call + struct.pack(">IIII", prog, 1, 6, port), (host, 111))
reply = s.recv(512)
assert struct.unpack(">I", reply[-4:])[0] == 1, "SET refused"
PY
}

wait_for() {   # wait_for FILE PATTERN SECONDS
    local deadline=$((SECONDS + $3))
    until grep -qE "$2" "$1" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.1
    done
}

up() {
    net_up
    zk_up
    for i in 1 2 3; do host_config "$i"; done
    for i in 1 2 3; do host_up "$i"; done
    echo "hosts up: host1..3 at 10.77.0.1..3 (echo 7, portmapper 111, dashboard 8111)"
}

fail() { echo "FAIL: $*" >&2; [ -z "${KEEP:-}" ] || cp -r "$work" "$KEEP"; for f in "$work"/host*.log; do echo "--- $f" >&2; tail -5 "$f" >&2; done; exit 1; }

e2e() {
    up
    rpc_set 3 100024 4045
    (portd 1 lookup --all --watch -H 10.77.0.1 >"$work/watch-host1.out" 2>&1) &
    pids+=($!)
    (portd 1 lookup --all --watch --zookeeper "$zk_connect" >"$work/watch-zk.out" 2>&1) &
    pids+=($!)
    wait_for "$work/watch-zk.out" '^host3 +status ' 60 || fail "the ZooKeeper watch never listed host3's status"

    lookup 2 lookup echo -H 10.77.0.2 >"$work/l1" || fail "host 2: lookup echo"
    grep -qE '^host3 +echo +echo +tcp +10\.77\.0\.3 +7 ' "$work/l1" || fail "host 2 does not see host 3's echo: $(cat "$work/l1")"
    lookup 2 lookup status -H 10.77.0.2 >"$work/l2" || fail "host 2: lookup status"
    grep -qE '^host3 +status +rpc +tcp +10\.77\.0\.3 +4045 +100024 v1' "$work/l2" || fail "host 2 does not see host 3's status: $(cat "$work/l2")"
    echo "ok: host 2 finds host 3's echo and its RPC program status (100024) by name"
    wait_for "$work/watch-host1.out" '^host3 +echo ' 30 || fail "the watch on host 1 never listed host 3"

    local t0 t1 ms
    t0=$(date +%s%N)
    kill -9 "$host3_pid"
    wait "$host3_pid" 2>/dev/null || true   # quiet bash's "Killed" line
    wait_for "$work/watch-zk.out" ' - host3 echo ' $((session_timeout_s + 20)) || fail "host 3 never left"
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    echo "ok: host 3 left ZooKeeper ${ms} ms after SIGKILL (session_timeout ${session_timeout_s} s)"
    [ "$ms" -le $(( (session_timeout_s + 2) * 1000 )) ] || fail "host 3 took ${ms} ms to leave (limit $((session_timeout_s + 2)) s)"
    wait_for "$work/watch-host1.out" ' - host3 echo ' 5 || fail "the watch on host 1 did not print host 3 leaving"
    lookup 2 lookup echo -H 10.77.0.2 >"$work/l3" || true
    ! grep -q '^host3 ' "$work/l3" || fail "host 2 still finds host 3 after it left: $(cat "$work/l3")"
    echo "ok: host 3 gone from every lookup"

    host_up 3
    rpc_set 3 100024 4045
    wait_for "$work/watch-host1.out" ' \+ host3 echo ' 30 || fail "the watch on host 1 did not print host 3 coming back"
    wait_for "$work/watch-host1.out" ' \+ host3 status ' 30 || fail "the watch on host 1 did not print host 3's status coming back"
    lookup 2 lookup status -H 10.77.0.2 >"$work/l4" || fail "host 2: lookup status after the restart"
    grep -q '^host3 ' "$work/l4" || fail "host 2 does not find host 3 after its restart"
    echo "ok: host 3 is back; the watch on host 1 printed:"
    grep -E ' [-+] host3 ' "$work/watch-host1.out" | sed 's/^/    /'
    echo "e2e: all checks held"
}

case "$mode" in
    up)
        up
        cat <<EOF

Look at:
  sudo ip netns exec $run-2 java -cp \$CP dev.portd.Portd lookup echo -H 10.77.0.2   (or ./portd in that namespace)
  the dashboard of host 1: ip netns exec $run-1 curl -s http://10.77.0.1:8111/api/cluster
  logs in $work; Ctrl-C stops the ensemble and the hosts and removes the namespaces
EOF
        wait
        ;;
    e2e) e2e ;;
    *) echo "usage: $0 up|e2e" >&2; exit 2 ;;
esac
