#!/usr/bin/env bash
# SMTP receive throughput: Postfix's smtp-source against portd (durable and durable = false), Postfix's
# smtp-sink (stores nothing), smtp-sink -d (one file per message, no fsync), smtp-sink -D (appends to one
# file) and maildev (npm). Messages/s at 1 and 20 sessions, 1 KiB and 100 KiB, a new connection per
# message (smtp-source's default), median of 3 runs after a warm-up. Also this disk's fsync rate.
#
# Needs: postfix (for /usr/sbin/smtp-source and smtp-sink; its daemon must not run), node/npm (maildev is
# installed into $WORK/node on first use), a JDK. Only loopback is used.
#   bench/smtp.sh [PORT_BASE]        default 50025: uses PORT_BASE .. PORT_BASE+6
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${1:-50025}"
WORK="${WORK:-/tmp/portd-bench-smtp}"
RUNS="${RUNS:-3}"
SOURCE=/usr/sbin/smtp-source
SINK=/usr/sbin/smtp-sink
mkdir -p "$WORK"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

[ -x "$SOURCE" ] || { echo "smtp-source missing: apt-get install -y postfix (then make sure its daemon is stopped)" >&2; exit 2; }
[ -f "$here/target/portd.jar" ] || (cd "$here" && mvn -B -q -DskipTests package)
if [ ! -x "$WORK/node/node_modules/.bin/maildev" ]; then
    npm install --no-audit --no-fund --prefix "$WORK/node" maildev@3.0.0 >/dev/null
fi

wait_port() {   # up to 30 s for a listener on 127.0.0.1:$1
    for _ in $(seq 300); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $1" >&2; return 1
}

rate() {   # port sessions size count -> messages/s of one run
    local t0 t1
    t0=$(date +%s.%N)
    "$SOURCE" -s "$2" -m "$4" -l "$3" -f bench@source.test -t sink@portd.test "127.0.0.1:$1" >/dev/null
    t1=$(date +%s.%N)
    echo "$4 / ($t1 - $t0)" | bc -l
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]}'; }

count_for() {   # sessions size -> messages per run, so each run lasts about a second or more
    case "$1/$2" in
        1/1024) echo 400 ;; 20/1024) echo 2000 ;; 1/102400) echo 200 ;; 20/102400) echo 600 ;;
    esac
}

measure() {   # name port [divisor: fewer messages for a slow server]
    local name="$1" port="$2" div="${3:-1}" line="| $1 |"
    wait_port "$port"
    rate "$port" 20 1024 $((300 / div)) >/dev/null   # warm-up (JIT, caches)
    for s in 1 20; do
        for size in 1024 102400; do
            local runs=()
            for _ in $(seq "$RUNS"); do runs+=("$(rate "$port" "$s" "$size" "$(( $(count_for "$s" "$size") / div ))")"); done
            line+=" $(median "${runs[@]}") |"
        done
    done
    echo "$line"
}

start_portd() {   # name port durable
    local dir="$WORK/$1"
    rm -rf "$dir"; mkdir -p "$dir"
    cat > "$dir/portd.toml" <<TOML
[services.smtp]
port = $2
protocols = ["tcp"]
bind = ["127.0.0.1"]
maildir = "$dir/mail"
durable = $3
TOML
    java -jar "$here/target/portd.jar" serve -c "$dir/portd.toml" >"$dir/log" 2>&1 &
    pids+=($!)
}

echo "# disk: files written (1 KiB), forced and renamed per second (bench/FsyncRate.java)"
java "$here/bench/FsyncRate.java" "$WORK/fsync" 3
echo
echo "| server | 1 session, 1 KiB | 1 session, 100 KiB | 20 sessions, 1 KiB | 20 sessions, 100 KiB |"
echo "|---|---|---|---|---|"

start_portd portd-durable "$base" true
measure "portd (durable)" "$base"; kill "${pids[-1]}"
start_portd portd-fast "$((base + 1))" false
measure "portd (durable = false)" "$((base + 1))"; kill "${pids[-1]}"

"$SINK" -u nobody 127.0.0.1:$((base + 2)) 1000 & pids+=($!)
measure "smtp-sink (stores nothing)" "$((base + 2))"; kill "${pids[-1]}"
rm -rf "$WORK/sink-d"; mkdir -p "$WORK/sink-d"; chmod 777 "$WORK/sink-d"   # smtp-sink runs as nobody
"$SINK" -u nobody -d "$WORK/sink-d/%H/%M." 127.0.0.1:$((base + 3)) 1000 & pids+=($!)
measure "smtp-sink -d (file per message)" "$((base + 3))"; kill "${pids[-1]}"
rm -rf "$WORK/sink-D"; mkdir -p "$WORK/sink-D"; chmod 777 "$WORK/sink-D"
"$SINK" -u nobody -D "$WORK/sink-D/dump" 127.0.0.1:$((base + 4)) 1000 & pids+=($!)
measure "smtp-sink -D (appends to one file)" "$((base + 4))"; kill "${pids[-1]}"

"$WORK/node/node_modules/.bin/maildev" --smtp $((base + 5)) --ip 127.0.0.1 --web $((base + 6)) --web-ip 127.0.0.1 \
    --mail-directory "$WORK/maildev" >"$WORK/maildev.log" 2>&1 & pids+=($!)
measure "maildev 3.0.0" "$((base + 5))" 8; kill "${pids[-1]}"
echo
echo "# disk again, after the runs (the machine is shared: the rate moves)"
java "$here/bench/FsyncRate.java" "$WORK/fsync" 3

# The disk's rate moves by 10x within minutes while others build, so the durable store is compared with
# the disk in alternation: 1 thread write+force+rename, then portd durable at 20 sessions and 1 KiB.
echo
echo "# durable portd against the disk, alternating (1 KiB, 20 sessions, 2000 messages per portd run)"
start_portd portd-durable2 "$base" true
wait_port "$base"
rate "$base" 20 1024 300 >/dev/null
for round in 1 2 3; do
    disk=$(java "$here/bench/FsyncRate.java" "$WORK/fsync" 2 1 | head -1 | grep -o '[0-9]* files/s')
    portd=$(rate "$base" 20 1024 2000)
    printf 'round %d: disk %s (1 thread write+force+rename), portd durable %.0f messages/s\n' "$round" "$disk" "$portd"
done
kill "${pids[-1]}"
