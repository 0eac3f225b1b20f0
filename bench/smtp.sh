#!/usr/bin/env bash
# SMTP receive throughput: Postfix's smtp-source against portd (durable and durable = false), Postfix's
# smtp-sink (stores nothing), smtp-sink -d (one file per message, no fsync), smtp-sink -D (appends to one
# file) and maildev (npm). Messages/s at 1 and 20 sessions, 1 KiB and 100 KiB, a new connection per
# message (smtp-source's default), median of RUNS runs after a warm-up.
#
# The machine is shared, and its load and disk speed move by 10x within minutes, so every server runs
# at once (idle until measured) and the runs alternate: for each size and session count, run 1 of every
# server, then run 2 of every server, ...; the disk's rate (bench/FsyncRate.java, 1 thread: write 1 KiB,
# force, rename tmp/ -> new/) is measured in the same rotation, as the "disk" row.
#
# Needs: postfix (for /usr/sbin/smtp-source and smtp-sink; its daemon must not run), node/npm (maildev is
# installed into $WORK/node on first use), bc, a JDK. Only loopback is used.
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
    npm install --no-audit --no-fund --prefix "$WORK/node" maildev@3.0.0 >/dev/null 2>&1
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

disk_rate() {   # files/s of 1 thread write+force+rename, 1 s
    java "$here/bench/FsyncRate.java" "$WORK/fsync" 1 1 | head -1 | grep -o '[0-9]* files/s' | cut -d' ' -f1
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]}'; }

count_for() {   # sessions size -> messages per run, about a second or more each
    case "$1/$2" in
        1/1024) echo 400 ;; 20/1024) echo 2000 ;; 1/102400) echo 200 ;; 20/102400) echo 600 ;;
    esac
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

names=("portd (durable)" "portd (durable = false)" "smtp-sink (stores nothing)" \
       "smtp-sink -d (file per message)" "smtp-sink -D (appends to one file)" "maildev 3.0.0")
ports=("$base" $((base + 1)) $((base + 2)) $((base + 3)) $((base + 4)) $((base + 5)))
divisor=(1 1 1 1 1 8)   # maildev is two orders slower: fewer messages keep its runs near a few seconds

start_portd portd-durable "${ports[0]}" true
start_portd portd-fast "${ports[1]}" false
"$SINK" -u nobody "127.0.0.1:${ports[2]}" 1000 >/dev/null 2>&1 & pids+=($!)
rm -rf "$WORK/sink-d" "$WORK/sink-D"; mkdir -p "$WORK/sink-d" "$WORK/sink-D"
chmod 777 "$WORK/sink-d" "$WORK/sink-D"   # smtp-sink runs as nobody
"$SINK" -u nobody -d "$WORK/sink-d/%H/%M." "127.0.0.1:${ports[3]}" 1000 >/dev/null 2>&1 & pids+=($!)
"$SINK" -u nobody -D "$WORK/sink-D/dump" "127.0.0.1:${ports[4]}" 1000 >/dev/null 2>&1 & pids+=($!)
rm -rf "$WORK/maildev"
"$WORK/node/node_modules/.bin/maildev" --smtp "${ports[5]}" --ip 127.0.0.1 --web $((base + 6)) --web-ip 127.0.0.1 \
    --mail-directory "$WORK/maildev" >"$WORK/maildev.log" 2>&1 & pids+=($!)
# every server listens before any client connects: a client's ephemeral port may fall in this range
for i in "${!ports[@]}"; do wait_port "${ports[$i]}"; done
for i in "${!ports[@]}"; do
    rate "${ports[$i]}" 20 1024 $((300 / divisor[i])) >/dev/null   # warm-up (JIT, caches)
done

declare -A result
configs=("1 1024" "1 102400" "20 1024" "20 102400")
for config in "${configs[@]}"; do
    read -r s size <<<"$config"
    declare -A samples=()
    for _ in $(seq "$RUNS"); do
        samples[disk]+="$(disk_rate) "
        for i in "${!ports[@]}"; do
            samples[$i]+="$(rate "${ports[$i]}" "$s" "$size" $(( $(count_for "$s" "$size") / divisor[i] ))) "
        done
    done
    result["disk/$config"]=$(median ${samples[disk]})
    for i in "${!ports[@]}"; do
        result["$i/$config"]=$(median ${samples[$i]})
    done
    unset samples
done

echo "| server | 1 session, 1 KiB | 1 session, 100 KiB | 20 sessions, 1 KiB | 20 sessions, 100 KiB |"
echo "|---|---|---|---|---|"
for i in "${!ports[@]}"; do
    line="| ${names[$i]} |"
    for config in "${configs[@]}"; do line+=" ${result["$i/$config"]} |"; done
    echo "$line"
done
line="| disk: 1 thread write+force+rename, files/s |"
for config in "${configs[@]}"; do line+=" ${result["disk/$config"]} |"; done
echo "$line"
echo
echo "# the disk with more threads and with a force of new/ after each rename (bench/FsyncRate.java)"
java "$here/bench/FsyncRate.java" "$WORK/fsync" 2
