#!/usr/bin/env bash
# Discovery figures (bench/DiscoveryBench.java): lookups/s from a host's cache over its names
# program vs GETPORT/s from Debian's rpcbind (same Java client, same run), lookups/s straight to
# ZooKeeper, registrations/s of 1,000 services, SIGKILL-to-gone of a portd host (median and max).
# Runs in a network and mount namespace of its own where rpcbind owns port 111. Needs root and
# rpcbind (apt-get install -y rpcbind).
#
#   bench/discovery.sh [SECONDS per scenario, default 5] [THREADS, default 4] [KILLS, default 10]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs=${1:-5} threads=${2:-4} kills=${3:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && mvn -B -q -o compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/cp" >/dev/null)
cp="$root/target/classes:$(cat "$work/cp")"
echo "# $(date -u +%FT%TZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
unshare -n -m bash -c '
    set -euo pipefail
    ip link set lo up
    mount -t tmpfs tmpfs /run
    rpcbind -f & rpcbind=$!
    trap "kill $rpcbind" EXIT
    java -Xmx512m -cp "$1" "$2/bench/DiscoveryBench.java" "$3" "$4" "$5" 2>"$6/bench.log"
' _ "$cp" "$root" "$secs" "$threads" "$kills" "$work"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
