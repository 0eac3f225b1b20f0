#!/usr/bin/env bash
# Coverage-guided fuzzing of portd's parsers with Jazzer: each @FuzzTest target runs in fuzzing mode
# (JAZZER_FUZZ=1) for its maxExecutions (1,000,000 inputs) or its maxDuration (30 min), whichever
# comes first, one target at a time. In plain `mvn test` the same targets only replay their corpus.
# Usage: bench/fuzz.sh [Class#method ...]   (default: every target below)
# A crash is written by Jazzer into the target's src/test/resources/.../<Test>Inputs/<method>/ as
# crash-<sha1>, where the regression pass replays it from then on; the inputs it found interesting go
# to .cifuzz-corpus/ (not committed). Prints, per target, the last libFuzzer status line (#runs, cov,
# ft, corp) and the exit code; logs stay in $FUZZ_LOGS (default target/fuzz-logs).
# A run cut short (timeout, kill) also leaves the input it was on as a crash-<sha1>: before keeping
# one, replay it (mvn test -Dtest=Class) and read the log for a finding; a replay that passes is no crash.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logs="${FUZZ_LOGS:-$here/target/fuzz-logs}"
mkdir -p "$logs"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(
        "HttpRequestFuzzTest#requestStaysInsideRootAndNeverFails"
        "RpcFuzzTest#recordsGetWellFormedRepliesInBoundedMemory"
        "RpcFuzzTest#xdrReaderFailsOnlyWithXdrException"
        "SmtpSessionFuzzTest#messageStoredOnlyAfterWholeDataAndOnce"
        "ConfigFuzzTest#anyTextIsAClearErrorOrAValidConfig"
        "XinetdFuzzTest#anyXinetdConfigImportsAsAConfigPortdAccepts"
    )
fi
cd "$here"
mvn -B -q -o test-compile || exit 2
status=0
for t in "${targets[@]}"; do
    log="$logs/${t//#/-}.log"
    echo "== $t (log: $log)"
    JAZZER_FUZZ=1 mvn -B -o test -Dtest="$t" >"$log" 2>&1
    rc=$?
    grep -E '^#[0-9]+' "$log" | tail -1
    grep -E 'Done [0-9]+ runs|FuzzTestFindingException|crash-' "$log" | sort -u | head -5
    echo "exit: $rc"
    [ $rc -eq 0 ] || status=1
done
exit $status
