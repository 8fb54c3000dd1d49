#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with AFL++ and SharpFuzz.
# Usage: tests/fuzz/run.sh TARGET SECONDS [WORK_DIR]
#   TARGET    token-request, refresh-reader or token-validator
#   SECONDS   how long AFL++ fuzzes
#   WORK_DIR  where the build, seeds and findings go (default: a new temporary folder)
# Exits 1 when AFL++ saved a crash or a hang; the inputs are under WORK_DIR/findings/default/.
# Needs afl-fuzz (Debian package afl++) and the local dotnet tool sharpfuzz (dotnet tool restore).
set -euo pipefail
cd "$(dirname "$0")/../.."

target=${1:?usage: tests/fuzz/run.sh TARGET SECONDS [WORK_DIR]}
seconds=${2:?usage: tests/fuzz/run.sh TARGET SECONDS [WORK_DIR]}
work=${3:-$(mktemp -d -t "cloudsign-fuzz-$target-XXXXXX")}
mkdir -p "$work"

command -v afl-fuzz >/dev/null || { echo "error: afl-fuzz not found; install the Debian package afl++" >&2; exit 2; }
dotnet tool restore >/dev/null

# A fresh output folder per run, because SharpFuzz rewrites the assemblies in place.
app="$work/app"
rm -rf "$app"
dotnet build tests/fuzz/Cloudsign.Auth.Fuzz -c Release -o "$app" -v q -nologo >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 2; }

harness=(dotnet "$app/Cloudsign.Auth.Fuzz.dll" "$target")
# The seeds are written before instrumentation: instrumented code may run only under the fuzzer.
rm -rf "$work/seeds" "$work/findings"
"${harness[@]}" --seeds "$work/seeds"

# Instrument the service and the JWT library, so AFL++ sees the branches of the parsers and the validator.
for assembly in cloudsign-auth.dll Microsoft.IdentityModel.JsonWebTokens.dll Microsoft.IdentityModel.Tokens.dll; do
  dotnet tool run sharpfuzz "$app/$assembly" >>"$work/build.log"
done


# dotnet is not an AFL++-compiled binary (SKIP_BIN_CHECK); the machine's core_pattern and CPU
# governor are left alone; the cores are shared, so AFL++ binds to none.
export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1
export AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_FORKSRV_INIT_TMOUT=60000
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
afl-fuzz -i "$work/seeds" -o "$work/findings" -t 10000 -m none -V "$seconds" -- "${harness[@]}" >"$work/afl.log" 2>&1 \
  || { tail -40 "$work/afl.log" >&2; exit 2; }

stats="$work/findings/default/fuzzer_stats"
value() { awk -F' *: *' -v key="$1" '$1 == key {print $2}' "$stats"; }
crashes=$(value saved_crashes)
hangs=$(value saved_hangs)
echo "fuzz $target: $(value execs_done) executions in $(value run_time) s, $(value corpus_count) corpus entries, $(value edges_found) edges, $crashes crashes, $hangs hangs ($work)"
[ "${crashes:-1}" -eq 0 ] && [ "${hangs:-1}" -eq 0 ]
