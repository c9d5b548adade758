#!/usr/bin/env bash
# Runs libFuzzer targets of the fuzz build (`make fuzz-build`) for SECONDS each:
#   Tests/Fuzz/run-fuzzers.sh SECONDS TARGET...
# Seeds: Tests/Fuzz/corpus/TARGET and Tests/Fuzz/regressions/TARGET (read only). New inputs go
# to .build-fuzz/corpus/TARGET, crashes to .build-fuzz/artifacts/TARGET/, logs to
# .build-fuzz/logs/. Exits non-zero when any target crashed, broke an invariant or hung.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=$1
shift
binary=.build-fuzz/release/zoneregistry
# Swift's own crash backtracer would race libFuzzer's and ASan's handlers for the same signal.
export SWIFT_BACKTRACE=enable=no
mkdir -p .build-fuzz/logs
failed=()
for target in "$@"; do
    work=.build-fuzz/corpus/$target
    artifacts=.build-fuzz/artifacts/$target/
    log=.build-fuzz/logs/$target.log
    mkdir -p "$work" "$artifacts"
    seeds=(Tests/Fuzz/corpus/"$target")
    [ -d Tests/Fuzz/regressions/"$target" ] && seeds+=(Tests/Fuzz/regressions/"$target")
    ZR_FUZZ_TARGET=$target "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "${seeds[@]}" >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    coverage=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1)
    echo "fuzz $target: ${runs:-?} runs in ${seconds}s, ${rate:-?} exec/s, ${coverage:-cov: ?}, exit $status"
    if [ $status -ne 0 ]; then
        failed+=("$target")
        grep -E 'Fatal error|ERROR: |SUMMARY: |Test unit written|Slowest unit|timeout' "$log" | head -20
        echo "  full log: $log; add the input to Tests/Fuzz/regressions/$target/ and a test to FuzzRegressionTests"
    fi
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
