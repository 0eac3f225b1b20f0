#!/usr/bin/env bash
# GETPORT calls per second over UDP and TCP, portd against Debian's rpcbind, same load generator
# (bench/rpcload.c), same run. Each server runs alone in a network and mount namespace of its own,
# where it owns port 111. Needs root (unshare), gcc and rpcbind (apt-get install -y rpcbind gcc).
#
#   bench/rpc.sh [SECONDS per scenario, default 5] [ROUNDS, default 3]
#
# The machine may be shared: each round runs rpcbind then portd, and the summary gives per
# scenario the median of the rounds.
#
# Scenarios: one call in flight (1 client x 1); many in flight: UDP 16 sockets x 8, TCP 16 clients x 1,
# and TCP 8 connections x 16 pipelined (rpcbind answers one record per wake-up: it collapses). Server
# CPU per call comes from utime+stime in /proc/PID/stat around each scenario. Results go to stdout;
# bench/RESULTS-rpc.md holds the latest ones with the machine's conditions.
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
udp_replies_per_second = 0   # the host's per-source UDP limit would cap one load generator at 100/s
TOML

cat > "$work/inner.sh" <<'INNER'
set -euo pipefail
mode=$1 work=$2 jar=$3 secs=$4
ip link set lo up
mount -t tmpfs tmpfs /run
if [ "$mode" = rpcbind ]; then
    rpcbind -f & pid=$!
else
    java -jar "$jar" serve -c "$work/portd.toml" >/dev/null 2>"$work/portd.err" & pid=$!
fi
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 300); do [ -S /run/rpcbind.sock ] && break; sleep 0.05; done
ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
hz=$(getconf CLK_TCK)
# warm-up, the same for both: the JIT compiles portd's paths, rpcbind's caches fill
for s in "udp 16 8" "tcp 16 1" "udp 1 1" "tcp 1 1"; do
    set -- $s
    "$work/rpcload" -t "$1" -c "$2" -w "$3" -d 2 >/dev/null
done
for s in "udp 1 1" "udp 16 8" "tcp 1 1" "tcp 16 1" "tcp 8 16"; do
    set -- $s
    before=$(ticks)
    line=$("$work/rpcload" -t "$1" -c "$2" -w "$3" -d "$secs")
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
echo
echo "median of $rounds rounds:"
echo "| server | transport | clients x in flight | calls/s | best calls/s | p50 us | p99 us | server CPU us/call |"
echo "|---|---|---|---|---|---|---|---|"
awk '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    key = $1 " | " $2 " | " v["conns"] " x " v["window"]
    if (!(key in n)) order[++keys] = key
    n[key]++; rate[key, n[key]] = v["calls_per_s"]; p50[key, n[key]] = v["p50_us"]
    p99[key, n[key]] = v["p99_us"]; cpu[key, n[key]] = v["server_cpu_us_per_call"]
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
    for (k = 1; k <= keys; k++) {
        key = order[k]
        printf "| %s | %d | %d | %d | %d | %.1f |\n", key, median(rate, key, n[key]), best(rate, key, n[key]),
            median(p50, key, n[key]), median(p99, key, n[key]), median(cpu, key, n[key])
    }
}' "$work/raw"
