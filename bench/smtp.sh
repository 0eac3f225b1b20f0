#!/usr/bin/env bash
# SMTP receive throughput on loopback, portd beside its peers in one run: messages/s and the server's
# CPU time per message, at 1 and 20 sessions, 1 KiB and 100 KiB messages, three ways of sending:
#   conn  a new connection per message, one command per round trip (what Postfix's smtp-source does)
#   pipe  one connection per session, pipelined (RFC 2920) where the server announces PIPELINING:
#         MAIL+RCPT+DATA in one write, then the text, its dot and the next MAIL+RCPT+DATA in the next
#   source  Postfix's smtp-source as the earlier runs used it (a connection per message, HELO, a
#         reset instead of a close), to compare with them and to show no generator favours a server
# conn and pipe use bench/smtpload.c (C, one epoll loop, built here with gcc). The generator is the
# same for every server, pinned to core LOAD_CPU; every server is pinned to core SERVER_CPU (taskset).
#
# Servers: portd durable (file forced, renamed, new/ forced before 250) and durable = false;
# Postfix's smtp-sink storing nothing, with -d (a file per message, no fsync) and with -D (appends
# every message to one dump file, no fsync: the cheapest way to keep the mail); maildev 3.0.0 (npm).
# The disk's own rate for portd's durable protocol (bench/FsyncRate.java: 1 thread writing a file,
# forcing it, renaming it into new/ and forcing new/, per message) is measured in the same rotation.
#
# The machine may be shared, and its load and disk speed move by 10x within minutes: every server
# runs at once (idle until measured), and the runs alternate (run 1 of every server, then run 2, ...);
# each figure is the median of RUNS runs; the load average is printed beside each configuration.
# Stored mail is removed after each rotation (outside the timing), so no run pays for a huge new/.
#
# Needs: postfix (for /usr/sbin/smtp-sink and smtp-source; its daemon must not run), gcc, a JDK, bc;
# node/npm for maildev (MAILDEV=0 leaves it out). BASE_JAR=path/to/an/older/portd.jar adds its two portd rows, for
# a before/after in the same run. MODES="pipe conn" and CONFIGS="20 1024,1 1024" (sessions and
# bytes) run a part of the table. Only loopback is used.
#   bench/smtp.sh [PORT_BASE]    default 14025, below the ephemeral range (where a client's port
#                                may sit and block a listener); uses PORT_BASE .. PORT_BASE+9
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${1:-14025}"
WORK="${WORK:-/tmp/portd-bench-smtp}"
RUNS="${RUNS:-3}"
SCALE="${SCALE:-100}"   # percent of the default message counts (for a quick look on a busy machine)
MAILDEV="${MAILDEV:-1}"
BASE_JAR="${BASE_JAR:-}"
SERVER_CPU="${SERVER_CPU:-0}"
LOAD_CPU="${LOAD_CPU:-1}"
SINK=/usr/sbin/smtp-sink
SOURCE=/usr/sbin/smtp-source
PAIRS="${PAIRS:-7}"   # disk/portd pairs for the durable, 1 session ratio
mkdir -p "$WORK"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM   # through the EXIT trap, so no server outlives the script

[ -x "$SINK" ] && [ -x "$SOURCE" ] || { echo "smtp-sink or smtp-source missing: apt-get install -y postfix (then make sure its daemon is stopped)" >&2; exit 2; }
[ -f "$here/target/portd.jar" ] || (cd "$here" && mvn -B -q -DskipTests package)
gcc -O2 -Wall -o "$WORK/smtpload" "$here/bench/smtpload.c"
mkdir -p "$WORK/classes" && javac -d "$WORK/classes" "$here/bench/FsyncRate.java"
if [ "$MAILDEV" = 1 ] && [ ! -x "$WORK/node/node_modules/.bin/maildev" ]; then
    npm install --no-audit --no-fund --prefix "$WORK/node" maildev@3.0.0 >/dev/null 2>&1
fi

wait_port() {   # up to 60 s for a listener on 127.0.0.1:$1
    for _ in $(seq 600); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $1" >&2; return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of a process, all threads
tick_us=$(( 1000000 / $(getconf CLK_TCK) ))

run_one() {   # index mode sessions size count -> "messages/s cpu-us-per-message" of one run
    local i=$1 mode=$2 sessions=$3 size=$4 count=$5 c0 c1 out rate
    local args=(-k 1) t0 t1
    [ "$mode" = pipe ] && args=(-k 0 -p)
    c0=$(cpu_ticks "${server_pid[$i]}")
    if [ "$mode" = source ]; then
        t0=$(date +%s.%N)
        if taskset -c "$LOAD_CPU" "$SOURCE" -s "$sessions" -m "$count" -l "$size" -f load@source.test \
                -t sink@server.test "127.0.0.1:${ports[$i]}" >/dev/null 2>"$WORK/source.err"; then
            t1=$(date +%s.%N)
            out="errors=0 rate=$(echo "$count / ($t1 - $t0)" | bc -l | cut -d. -f1)"
        else
            out="smtp-source failed: $(head -c 300 "$WORK/source.err")"
        fi
    else
        out=$(taskset -c "$LOAD_CPU" "$WORK/smtpload" -P "${ports[$i]}" -s "$sessions" -m "$count" -l "$size" "${args[@]}" 2>&1 | tail -1)
    fi
    c1=$(cpu_ticks "${server_pid[$i]}")
    case "$out" in
        *"errors=0 "*) rate=${out##*rate=} ;;
        *) echo "${names[$i]}: $out" >&2; rate=0 ;;
    esac
    echo "$rate $(( (c1 - c0) * tick_us / count ))"
}

disk_rate() {   # size -> files/s of 1 thread write+force+rename+force(new/), 1 s
    taskset -c "$SERVER_CPU" java -cp "$WORK/classes" FsyncRate "$WORK/fsync" 1 1 "$1" dir | grep -o '[0-9]* files/s' | cut -d' ' -f1
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]}'; }

count_for() {   # mode sessions size -> messages per run: about a second or more on a quiet machine
    case "$1/$2/$3" in
        conn/1/1024 | source/1/1024) echo 1000 ;; conn/20/1024 | source/20/1024) echo 4000 ;;
        conn/1/102400 | source/1/102400) echo 400 ;; conn/20/102400 | source/20/102400) echo 1000 ;;
        pipe/1/1024) echo 2000 ;; pipe/20/1024) echo 10000 ;; pipe/1/102400) echo 600 ;; pipe/20/102400) echo 2000 ;;
    esac
}

messages() {   # index mode sessions size -> messages for that server's run, at least 20
    local n=$(( $(count_for "$2" "$3" "$4") * SCALE / 100 / divisor[$1] ))
    echo $(( n < 20 ? 20 : n ))
}

start_portd() {   # name jar port durable
    local dir="$WORK/$1"
    rm -rf "$dir"; mkdir -p "$dir"
    cat > "$dir/portd.toml" <<TOML
[services.smtp]
port = $3
protocols = ["tcp"]
bind = ["127.0.0.1"]
maildir = "$dir/mail"
durable = $4
TOML
    taskset -c "$SERVER_CPU" java -jar "$2" serve -c "$dir/portd.toml" >"$dir/log" 2>&1 &
    pids+=($!); server_pid+=($!); stores+=("$dir/mail/new")
}

start_other() {   # store-to-empty command...: a peer, pinned
    taskset -c "$SERVER_CPU" "${@:2}" >/dev/null 2>&1 &
    pids+=($!); server_pid+=($!); stores+=("$1")
}

names=(); ports=(); server_pid=(); stores=(); divisor=()
add() { names+=("$1"); ports+=("$2"); divisor+=("${3:-1}"); }
p=$base
add "portd (durable)" $p 2; start_portd portd-durable "$here/target/portd.jar" $((p++)) true
add "portd (durable = false)" $p; start_portd portd-fast "$here/target/portd.jar" $((p++)) false
if [ -n "$BASE_JAR" ]; then
    add "portd before (durable)" $p 2; start_portd before-durable "$BASE_JAR" $((p++)) true
    add "portd before (durable = false)" $p; start_portd before-fast "$BASE_JAR" $((p++)) false
fi
add "smtp-sink (stores nothing)" $p; start_other "" "$SINK" -u nobody "127.0.0.1:$((p++))" 1000
rm -rf "$WORK/sink-d" "$WORK/sink-D"; mkdir -p "$WORK/sink-d" "$WORK/sink-D"
chmod 777 "$WORK/sink-d" "$WORK/sink-D"   # smtp-sink runs as nobody
add "smtp-sink -d (file per message)" $p; start_other "$WORK/sink-d" "$SINK" -u nobody -d "$WORK/sink-d/%H/%M." "127.0.0.1:$((p++))" 1000
add "smtp-sink -D (appends to one file)" $p; start_other "$WORK/sink-D" "$SINK" -u nobody -D "$WORK/sink-D/dump" "127.0.0.1:$((p++))" 1000
if [ "$MAILDEV" = 1 ]; then
    rm -rf "$WORK/maildev"
    add "maildev 3.0.0" $p 20   # two orders slower: fewer messages keep its runs near a few seconds
    start_other "$WORK/maildev" "$WORK/node/node_modules/.bin/maildev" --smtp $((p++)) --ip 127.0.0.1 \
        --web $((p++)) --web-ip 127.0.0.1 --mail-directory "$WORK/maildev"
fi
# every server listens before any client connects: a client's ephemeral port may fall in this range
for i in "${!ports[@]}"; do wait_port "${ports[$i]}"; done

empty_stores() {   # the mail of the last rotation, so no run pays for a directory of 100,000 files
    local store
    for store in "${stores[@]}"; do
        [ -n "$store" ] && find "$store" -mindepth 1 -type f -delete 2>/dev/null || true
    done
}

# warm-up, the same for every server and whatever SCALE is: the JVM's compilers go on working for
# some 10,000 messages, and a short run would charge their CPU to portd's messages
for i in "${!ports[@]}"; do
    run_one "$i" conn 20 1024 $((4000 / divisor[i])) >/dev/null
    run_one "$i" pipe 20 1024 $((30000 / divisor[i])) >/dev/null
    run_one "$i" pipe 20 102400 $((2000 / divisor[i])) >/dev/null
done
empty_stores

declare -A rate cpu load
read -r -a modes <<<"${MODES:-conn pipe source}"
IFS=, read -r -a configs <<<"${CONFIGS:-1 1024,1 102400,20 1024,20 102400}"
for mode in "${modes[@]}"; do
    for config in "${configs[@]}"; do
        read -r s size <<<"$config"
        declare -A r=() c=()
        l0=$(cut -d' ' -f1 /proc/loadavg)
        for _ in $(seq "$RUNS"); do
            r[disk]+="$(disk_rate "$size") "
            for i in "${!ports[@]}"; do
                read -r one onecpu <<<"$(run_one "$i" "$mode" "$s" "$size" "$(messages "$i" "$mode" "$s" "$size")")"
                r[$i]+="$one "; c[$i]+="$onecpu "
            done
            empty_stores
        done
        load["$mode/$config"]="$l0-$(cut -d' ' -f1 /proc/loadavg)"
        rate["disk/$mode/$config"]=$(median ${r[disk]})
        for i in "${!ports[@]}"; do
            rate["$i/$mode/$config"]=$(median ${r[$i]})
            cpu["$i/$mode/$config"]=$(median ${c[$i]})
        done
        unset r c
    done
done

ratio() { [ -n "$1" ] && [ "${2:-0}" -gt 0 ] && echo "scale=2; $1 / $2" | bc || echo "-"; }

# durable at 1 session against the disk measured just before each run, pair by pair: the disk's
# rate drifts within seconds here, so the ratio of each pair is taken, then the median of those
declare -A paired
for mode in pipe conn; do
    ratios=""; rates=""; disks=""
    for _ in $(seq "$PAIRS"); do
        d=$(disk_rate 1024)
        read -r one _ <<<"$(run_one 0 "$mode" 1 1024 "$(messages 0 "$mode" 1 1024)")"
        empty_stores
        ratios+="$(echo "scale=3; $one / $d" | bc) "; rates+="$one "; disks+="$d "
    done
    paired[$mode]="$(echo "$ratios" | tr ' ' '\n' | sort -g | awk 'NF {a[++n]=$1} END {print a[int((n+1)/2)]}') (portd $(median $rates), disk $(median $disks) files/s; pairs: $ratios)"
done

echo "# bench/smtp.sh, $(date -u +%FT%TZ), $(nproc) cores, servers on core $SERVER_CPU, smtpload on core $LOAD_CPU, median of $RUNS"
for mode in "${modes[@]}"; do
    echo
    case $mode in
        conn) echo "## conn: smtpload, a new connection per message, one command per round trip: messages/s (server CPU us per message)" ;;
        pipe) echo "## pipe: smtpload, pipelined (RFC 2920), one connection per session: messages/s (server CPU us per message)" ;;
        source) echo "## source: Postfix's smtp-source, a new connection per message (HELO, no pipelining): messages/s (server CPU us per message)" ;;
    esac
    echo
    head="| server |"; rule="|---|"
    for config in "${configs[@]}"; do
        read -r s size <<<"$config"
        head+=" $s session$([ "$s" = 1 ] || echo s), $((size / 1024)) KiB |"; rule+="---|"
    done
    echo "$head"; echo "$rule"
    for i in "${!ports[@]}"; do
        line="| ${names[$i]} |"
        for config in "${configs[@]}"; do line+=" ${rate["$i/$mode/$config"]} (${cpu["$i/$mode/$config"]}) |"; done
        echo "$line"
    done
    line="| disk: 1 thread write+force+rename+force(new/), files/s |"
    for config in "${configs[@]}"; do line+=" ${rate["disk/$mode/$config"]} |"; done
    echo "$line"
    line="| load average (1 min) before-after |"
    for config in "${configs[@]}"; do line+=" ${load["$mode/$config"]} |"; done
    echo "$line"
done

fast=1; sinkD=$([ -n "$BASE_JAR" ] && echo 6 || echo 4)
echo
echo "## the targets, as ratios in this run"
echo
head="| ratio |"; rule="|---|"
for mode in "${modes[@]}"; do head+=" $mode |"; rule+="---|"; done
echo "$head"; echo "$rule"
for config in "20 1024" "20 102400" "1 1024"; do
    read -r s size <<<"$config"
    line="| portd durable = false / smtp-sink -D, $s session$([ "$s" = 1 ] || echo s), $((size / 1024)) KiB |"
    for mode in "${modes[@]}"; do line+=" $(ratio "${rate["$fast/$mode/$config"]:-}" "${rate["$sinkD/$mode/$config"]:-}") |"; done
    echo "$line"
done
for size in 1024 102400; do
    line="| portd durable, 1 session, $((size / 1024)) KiB / disk (1 thread write+force+rename+force(new/)), rotation medians |"
    for mode in "${modes[@]}"; do line+=" $(ratio "${rate["0/$mode/1 $size"]:-}" "${rate["disk/$mode/1 $size"]:-}") |"; done
    echo "$line"
done
echo
echo "durable, 1 session, 1 KiB, median of $PAIRS pairs (disk measured just before each portd run):"
echo "- pipe: ${paired[pipe]}"
echo "- conn: ${paired[conn]}"
echo
echo "# the disk with more threads (bench/FsyncRate.java, 1 KiB files)"
java -cp "$WORK/classes" FsyncRate "$WORK/fsync" 1 1,20
