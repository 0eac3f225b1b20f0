# A portd in this network namespace and a "remote" client in a second one, joined by a veth pair
# (10.77.5.1 here, 10.77.5.2 there): bursts of UDP datagrams to daytime, echo and a daytime with
# udp_limit_all from each side, then portd's drop counters. Prints "### section" lines, each followed
# by what it found. Run as: unshare -n bash udp-rate-limit.sh JAVA JAR DIR (DIR holds portd.toml and
# udp-burst.py). Both namespaces are unnamed: they vanish with their last process, whatever happens.
set -euo pipefail
java=$1 jar=$2 dir=$3
ip link set lo up
# the remote side: a namespace held by a sleeper (bounded, in case the trap below never runs)
unshare -n sleep 150 & peer=$!
portd=""
cleanup() {
    [ -z "$portd" ] || kill "$portd" 2>/dev/null || true
    kill "$peer" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do
    [ "$(readlink "/proc/$peer/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.05
done
ip link add v0 type veth peer name v1 netns "$peer"
ip addr add 10.77.5.1/24 dev v0
ip link set v0 up
nsenter -t "$peer" -n sh -c 'ip link set lo up && ip addr add 10.77.5.2/24 dev v1 && ip link set v1 up'

"$java" -jar "$jar" serve -c "$dir/portd.toml" > "$dir/portd.out" 2> "$dir/portd.err" & portd=$!
for _ in $(seq 600); do grep -q '^serving' "$dir/portd.out" && break; sleep 0.1; done
grep -q '^serving' "$dir/portd.out" || { echo "portd did not start:"; cat "$dir/portd.err"; exit 1; }

burst() { python3 "$dir/udp-burst.py" "$@"; }
remote() { nsenter -t "$peer" -n python3 "$dir/udp-burst.py" "$@"; }
# one datagram from loopback to each service first: a cold JVM may take seconds over its first reply
for p in 13 7 1013; do burst 127.0.0.1 "$p" 1 > /dev/null; done
echo "### remote daytime";          remote 10.77.5.1 13 50
echo "### loopback daytime";        burst 127.0.0.1 13 50
echo "### remote echo";             remote 10.77.5.1 7 50
echo "### loopback daytime-all";    burst 127.0.0.1 1013 50
echo "### drops"
python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
    http://127.0.0.1:8111/metrics | grep '^portd_datagrams_dropped' || true
echo "### log"
grep -E ' (WARN|ERROR) ' "$dir/portd.err" || true
