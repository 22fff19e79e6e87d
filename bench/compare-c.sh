#!/usr/bin/env bash
# Side by side with the C libevent server (memcached style) from ../shared/bench, same load, same pinning.
#
# usage: bench/compare-c.sh [--mode echo|rot13] [--rounds R] [--seconds T] [--scenario LIST]
#
# Builds the reference tools (../shared/bench/build.sh) and the daemon jar if missing, then runs
# ../shared/bench/compare.sh with Ringside (one worker) and levent_mt (one thread), pinned: server on
# CPU 0, load generator on CPU 1. Prints compare.sh's table (ratios to Ringside, the first target).
# The C tools are not in this repository: they are taken from $RINGSIDE_SHARED/bench (default: ../shared
# beside the clone); without them the script stops with a one-line message.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${RINGSIDE_SHARED:-$ROOT/../shared}
MODE=echo ROUNDS=3 SECS=10 SCENARIOS=pingpong,pipeline,conns1k,churn,idle10k
while (($#)); do
  case $1 in
    --mode) MODE=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --scenario) SCENARIOS=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-c.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
# The C tools (compare.sh, build.sh, levent_mt.c, loadgen.c) are not in this repository.
if [[ ! -f $SHARED/bench/compare.sh || ! -f $SHARED/bench/build.sh ]]; then
  echo "compare-c.sh: needs the C reference tools bench/compare.sh and bench/build.sh, not found in $SHARED (not part of this repository): set RINGSIDE_SHARED=DIR to the folder that holds bench/" >&2
  exit 2
fi
[[ -x ${BENCH_BUILD:-/tmp/ringside-bench}/levent_mt ]] || "$SHARED/bench/build.sh"
[[ -f $ROOT/sample-services/target/ringside.jar ]] || (cd "$ROOT" && mvn -B -q package -DskipTests)
cd "$ROOT"
exec "$SHARED/bench/compare.sh" --scenario "$SCENARIOS" --seconds "$SECS" --pin --rounds "$ROUNDS" --warmup 3 --mode "$MODE" \
  ringside "java -jar sample-services/target/ringside.jar {mode} --port {port} --workers 1" \
  levent "${BENCH_BUILD:-/tmp/ringside-bench}/levent_mt --port {port} --threads 1 --mode {mode}"
