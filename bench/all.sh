#!/usr/bin/env bash
# bench/all.sh: the whole bench in one sitting, peers in the same run, each script after the other
# (never two at once: they share two cores). Each script's own output goes to bench/out/NAME.txt,
# headed by the commit, the time and the load average before and after, so every figure says what
# the machine was doing. Run by hand as root, on a machine nothing else is using (not in CI).
#
#   bench/all.sh                       every script
#   bench/all.sh conncost scan         only these (names of bench/NAME.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/bench/out"
mkdir -p "$out"
# the order: the short, CPU-bound ones first; compare.sh last (12 minutes)
all=(conncost idlemem scan smtp http footprint rpc forward upgrade discovery compare)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${all[@]}")
"$here/portd" --version >/dev/null   # builds the jar once, outside every timing
for name in "${names[@]}"; do
    script="$here/bench/$name.sh"
    [ -x "$script" ] || { echo "bench/all.sh: no bench/$name.sh; known: ${all[*]}" >&2; exit 2; }
    file="$out/$name.txt"
    {
        echo "# bench/$name.sh at $(git -C "$here" rev-parse --short HEAD) on $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "# $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    } > "$file"
    echo "bench/all.sh: $name ..." >&2
    start=$(date +%s)
    if "$script" >>"$file" 2>&1; then status=ok; else status="failed (exit $?)"; fi
    echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - start )) s; $status" >> "$file"
    echo "bench/all.sh: $name $status in $(( $(date +%s) - start )) s -> bench/out/$name.txt" >&2
done
