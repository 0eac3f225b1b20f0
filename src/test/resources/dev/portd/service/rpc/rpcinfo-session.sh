#!/usr/bin/env bash
# Runs one rpcinfo session against a portmapper inside a private network and mount namespace,
# where it owns port 111 and /run/rpcbind.sock. Run as: unshare -n -m bash rpcinfo-session.sh MODE [JAR CONFIG]
# MODE rpcbind: Debian's rpcbind; MODE portd: java -jar JAR serve -c CONFIG, restarted once for warm start.
# Prints sections "### <name>" with each command's output and exit code; the test compares them.
set -u
mode=$1 jar=${2:-} config=${3:-} tirpc=${4:-}
ip link set lo up
mount -t tmpfs tmpfs /run
pid=
start() {
    if [ "$mode" = rpcbind ]; then
        rpcbind -f & pid=$!
    else
        java -jar "$jar" serve -c "$config" >/run/portd.out 2>/run/portd.err & pid=$!
    fi
    for _ in $(seq 300); do [ -S /run/rpcbind.sock ] && return 0; sleep 0.05; done
    echo "### start failed"; cat /run/portd.err 2>/dev/null; return 1
}
stop() { kill -TERM "$pid"; wait "$pid" 2>/dev/null; }
trap 'kill -KILL $pid 2>/dev/null' EXIT
run() { local name=$1; shift; echo "### $name"; timeout 10 "$@" 2>&1; echo "rc=$?"; }
# PMAP_SET(300000, 1, udp, 4242) over TCP from loopback, as bytes: record mark, call header, args.
pmap_set() {
    exec 3<>/dev/tcp/127.0.0.1/111
    printf '\x80\x00\x00\x38\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86\xa0\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x93\xe0\x00\x00\x00\x01\x00\x00\x00\x11\x00\x00\x10\x92' >&3
    timeout 5 head -c 32 <&3 | od -An -tx1 | tr -s ' \n' ' '
    echo
    exec 3<&-
}
start || exit 1
run "-p host" rpcinfo -p 127.0.0.1
run "-p local" rpcinfo -p
run "-s host" rpcinfo -s 127.0.0.1
run "dump host" rpcinfo 127.0.0.1
run "-s local" rpcinfo -s
run "-T tcp all versions" rpcinfo -T tcp 127.0.0.1 100000
run "-T udp one version" rpcinfo -T udp 127.0.0.1 100000 2
run "-t" rpcinfo -t 127.0.0.1 100000
run "-u" rpcinfo -u 127.0.0.1 100000 4
run "-l" rpcinfo -l 127.0.0.1 100000 4
run "-a" rpcinfo -a 127.0.0.1.0.111 -T tcp 100000 3
run "-T tcp6" rpcinfo -T tcp6 ::1 100000
run "-T udp6" rpcinfo -T udp6 ::1 100000 4
run "-l ipv6" rpcinfo -l ::1 100000 4
run "-s ipv6" rpcinfo -s ::1
run "not registered" rpcinfo -T tcp 127.0.0.1 300000
run "version mismatch" rpcinfo -u 127.0.0.1 100000 7
echo "### pmap set"; pmap_set
run "-p after set" rpcinfo -p 127.0.0.1
run "-s after set" rpcinfo -s 127.0.0.1
if [ -n "$tirpc" ]; then
    # a libtirpc server registers itself over the local socket, is found and pinged, unregisters on exit
    "$tirpc" > /run/tirpc.out 2>&1 & spid=$!
    for _ in $(seq 200); do grep -q registered /run/tirpc.out 2>/dev/null && break; sleep 0.05; done
    run "tirpc: -p" rpcinfo -p 127.0.0.1
    run "tirpc: -s" rpcinfo -s
    run "tirpc: ping udp" rpcinfo -u 127.0.0.1 400123 1
    run "tirpc: ping tcp" rpcinfo -t 127.0.0.1 400123
    kill -TERM $spid; wait $spid
    run "tirpc: -p after exit" rpcinfo -p 127.0.0.1
fi
run "-d" rpcinfo -d 300000 1
run "-p after -d" rpcinfo -p 127.0.0.1
run "-m" rpcinfo -m 127.0.0.1
if [ "$mode" = portd ]; then
    echo "### portd: set again"; pmap_set
    stop; start || exit 1
    run "portd: -p after restart" rpcinfo -p 127.0.0.1
    run "portd: -d after restart" rpcinfo -d 300000 1
    run "portd: lookup" java -jar "$jar" lookup portmapper
    run "portd: lookup all" java -jar "$jar" lookup --all
fi
stop
if [ "$mode" = portd ]; then echo "### portd: stderr"; cat /run/portd.err; fi
