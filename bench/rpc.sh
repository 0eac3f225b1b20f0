#!/usr/bin/env bash
# GETPORT calls per second over UDP and TCP, portd against Debian's rpcbind, same load generator
# (bench/rpcload.c), same run. Each server runs alone in a network and mount namespace of its own,
# where it owns port 111. Needs root (unshare, nsenter, ip), gcc and rpcbind (apt-get install -y
# rpcbind gcc iproute2).
#
#   bench/rpc.sh [SECONDS per scenario, default 5] [ROUNDS, default 3]
#
# The machine may be shared: each round runs rpcbind then portd, and the summary gives per
# scenario the median of the rounds and portd's ratio to rpcbind.
#
# Servers as a user runs them: rpcbind -f (Debian's default is -w, a warm start from its state file;
# here there is no state to load); portd with its default limits, so the UDP guard's rule is the one
# measured: GETPORT is never rate limited (its reply is no larger than its call), from loopback or not.
#
# Scenarios (transport, clients x calls in flight, source addresses):
#   one call in flight: udp 1 x 1, tcp 1 x 1;
#   many in flight over UDP: 16 sockets x 8 from 127.0.0.1; 16 x 8 from 8 loopback addresses
#   (127.0.0.1-8, as several local clients); 64 x 4 from 32 loopback addresses; 16 x 8 from a second
#   network namespace through a veth pair (10.77.6.2 -> 10.77.6.1: a non-loopback source);
#   many over TCP: 16 clients x 1, and 8 connections x 16 pipelined (rpcbind answers one record per
#   wake-up: it collapses).
# Server CPU per call comes from utime+stime in /proc/PID/stat around each scenario. Results go to
# stdout; bench/RESULTS-rpc.md holds the latest ones with the machine's conditions.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
secs=${1:-5}
rounds=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -O2 -Wall -o "$work/rpcload" "$here/rpcload.c"
[ -f "$root/target/portd.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
cat > "$work/portd.toml" <<TOML
[services.portmapper]
port = 111
state = ""
TOML

cat > "$work/inner.sh" <<'INNER'
set -euo pipefail
mode=$1 work=$2 jar=$3 secs=$4
ip link set lo up
mount -t tmpfs tmpfs /run
# a second namespace for the non-loopback client, joined by a veth pair; it ends with its sleeper
unshare -n sleep 3600 & peer=$!
pid=""
trap 'kill $pid $peer 2>/dev/null; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ "$(readlink /proc/$peer/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.05; done
ip link add v0 type veth peer name v1 netns "$peer"
ip addr add 10.77.6.1/24 dev v0
ip link set v0 up
nsenter -t "$peer" -n sh -c 'ip link set lo up && ip addr add 10.77.6.2/24 dev v1 && ip link set v1 up'
if [ "$mode" = rpcbind ]; then
    rpcbind -f & pid=$!
else
    java -jar "$jar" serve -c "$work/portd.toml" >/dev/null 2>"$work/portd.err" & pid=$!
fi
for _ in $(seq 600); do [ -S /run/rpcbind.sock ] && break; sleep 0.05; done
ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
hz=$(getconf CLK_TCK)
# load: TRANSPORT CONNS WINDOW SOURCES SECONDS, SOURCES "-" (the kernel's choice), a range or "veth"
load() {
    case "$4" in
        -) "$work/rpcload" -t "$1" -c "$2" -w "$3" -d "$5" ;;
        veth) nsenter -t "$peer" -n "$work/rpcload" -a 10.77.6.1 -t "$1" -c "$2" -w "$3" -d "$5" | sed 's/sources=1 /sources=veth /' ;;
        *) "$work/rpcload" -s "$4" -t "$1" -c "$2" -w "$3" -d "$5" ;;
    esac
}
# warm-up, the same for both: the JIT compiles portd's paths, rpcbind's caches fill
for s in "udp 16 8 -" "tcp 16 1 -" "udp 1 1 -" "tcp 1 1 -" "udp 16 8 veth"; do
    load $s 2 >/dev/null
done
for s in "udp 1 1 -" "udp 16 8 -" "udp 16 8 127.0.0.1-127.0.0.8" "udp 64 4 127.0.0.1-127.0.0.32" "udp 16 8 veth" \
         "tcp 1 1 -" "tcp 16 1 -" "tcp 8 16 -"; do
    before=$(ticks)
    line=$(load $s "$secs")
    after=$(ticks)
    calls=$(sed -E 's/.* calls=([0-9]+).*/\1/' <<<"$line")
    cpu_us=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$calls" 'BEGIN { printf "%.1f", n ? t / hz * 1e6 / n : 0 }')
    echo "$mode $line server_cpu_us_per_call=$cpu_us"
done
INNER

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ${secs}s per scenario"
echo "# rpcbind $(dpkg-query -W -f='${Version}' rpcbind 2>/dev/null || echo '?'), portd $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
for round in $(seq "$rounds"); do
    for mode in rpcbind portd; do
        unshare -n -m bash "$work/inner.sh" "$mode" "$work" "$root/target/portd.jar" "$secs"
    done
done | tee "$work/raw"
echo "# load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "median of $rounds rounds (lost: UDP calls unanswered for 200 ms, summed over the rounds; bad: wrong replies):"
echo "| transport | clients x in flight | sources | server | calls/s | portd / rpcbind | best calls/s | p50 us | p99 us | server CPU us/call | lost | bad |"
echo "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
awk '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    scenario = $2 " | " v["conns"] " x " v["window"] " | " v["sources"]
    if (!(scenario in seen)) { seen[scenario] = 1; order[++scenarios] = scenario }
    key = scenario SUBSEP $1
    k = ++n[key]; rate[key, k] = v["calls_per_s"]; p50[key, k] = v["p50_us"]; p99[key, k] = v["p99_us"]
    cpu[key, k] = v["server_cpu_us_per_call"]; lost[key] += v["lost"]; bad[key] += v["bad"]
}
function median(a, key, count,    i, j, t, x) {
    for (i = 1; i <= count; i++) x[i] = a[key, i] + 0
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
    return x[int((count + 1) / 2)]
}
function best(a, key, count,    i, m) {
    for (i = 1; i <= count; i++) if (a[key, i] + 0 > m) m = a[key, i] + 0
    return m
}
END {
    for (s = 1; s <= scenarios; s++) {
        base = median(rate, order[s] SUBSEP "rpcbind", n[order[s] SUBSEP "rpcbind"])
        split("rpcbind portd", servers, " ")
        for (m = 1; m <= 2; m++) {
            key = order[s] SUBSEP servers[m]
            if (!n[key]) continue
            r = median(rate, key, n[key])
            ratio = servers[m] == "portd" && base > 0 ? sprintf("%.2fx", r / base) : ""
            printf "| %s | %s | %d | %s | %d | %d | %d | %.1f | %d | %d |\n", order[s], servers[m], r, ratio,
                best(rate, key, n[key]), median(p50, key, n[key]), median(p99, key, n[key]), median(cpu, key, n[key]),
                lost[key], bad[key]
        }
    }
}' "$work/raw"
