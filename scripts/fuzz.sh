#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS each (default 60), two at a time, and prints
# executions and findings per target. Crashes land in fuzz/artifacts/<target>/; commit each as a
# regression input under fuzz/regressions/<target>/ with the fix.
#
#   bash scripts/fuzz.sh 600                    # every target
#   bash scripts/fuzz.sh 600 apply_json         # some
#
# cargo-fuzz needs nightly flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
targets=(policy_parse policy_round_trip apply_json stream_equivalence detectors plugin_output amplified)
if [ $# -gt 1 ]; then
    targets=("${@:2}")
fi
(cd fuzz && cargo fuzz build -O)
mkdir -p target/fuzz-logs
run() {
    local t=$1
    mkdir -p "fuzz/corpus/$t"
    # Regression inputs first, as seeds.
    [ -d "fuzz/regressions/$t" ] && cp -n fuzz/regressions/"$t"/* "fuzz/corpus/$t/" 2>/dev/null || true
    # Detector targets get the dictionary of what detectors look for; `amplified` (inputs
    # repeated to up to 512 KiB) reports any input that takes 5 s (a scan that is not linear).
    local extra=()
    case "$t" in
        detectors) extra=(-dict=dictionaries/detectors.dict) ;;
        amplified) extra=(-dict=dictionaries/detectors.dict -timeout=5 -max_len=256) ;;
    esac
    (cd fuzz && cargo fuzz run -O "$t" -- -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}" \
        >"../target/fuzz-logs/$t.log" 2>&1) && echo "$t: ok" || echo "$t: FOUND A CRASH (fuzz/artifacts/$t)"
}
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    run "${targets[i]}" &
    if [ $((i + 1)) -lt ${#targets[@]} ]; then run "${targets[i+1]}" & fi
    wait || status=1
done
for t in "${targets[@]}"; do
    execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "target/fuzz-logs/$t.log" | grep -Eo '[0-9]+$' || echo "?")
    crashes=$(ls "fuzz/artifacts/$t" 2>/dev/null | wc -l)
    printf '%-20s %12s executions %3s findings (%ss)\n' "$t" "$execs" "$crashes" "$seconds"
done
exit $status
