#!/usr/bin/env bash
# Ringside's memcached daemon against Debian's memcached 1.6.18, same load, same pinning, one table.
#
# usage: bench/memcached-compare.sh [--rounds R] [--seconds T] [--warmup W] [--conns C] [--depth D]
#                                   [--rows LIST] [--targets LIST]
#
# Each row is run R rounds, the targets alternating (A B A B ...): the server on CPU 0 with one
# worker (Ringside) / -t 1 (memcached), the load generator's memcached mode on CPU 1, in a network
# namespace of its own (unshare -n, lo up). Every value the load reads back is checked; a run with
# an error is reported as FAILED, never as a speed. Rows: get90-32 get90-1k set90-32 set90-1k
# mget10-32 mget10-1k (90/10 or 10/90 get/set, 32-byte or 1 KiB values, 10-key multi-gets).
# Targets: ringside, memcached (default both). Prints req/s (median of the rounds), p99 (median),
# the server's CPU use and CPU microseconds per request in the measured window (from /proc, through
# the load generator's --server-pid), the load generator's own CPU use, and two ratios: throughput
# ringside / memcached and CPU per request memcached / ringside. A server below ~95% CPU with the
# load generator near 100% means the load generator was the limit: trust the us/req ratio then.
# Needs: taskset, jq, /usr/bin/memcached, the jars (built if missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3 SECS=10 WARMUP=2 CONNS=8 DEPTH=8 ROWS=get90-32,get90-1k,set90-32,set90-1k,mget10-32,mget10-1k
TARGETS=ringside,memcached
ORIG_ARGS=("$@")
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --depth) DEPTH=$2; shift 2 ;;
    --rows) ROWS=$2; shift 2 ;;
    --targets) TARGETS=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "memcached-compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
NAME=memcached-compare.sh
. "$ROOT/bench/memcached-lib.sh"
for t in jq taskset timeout; do command -v $t >/dev/null || die "needs $t"; done
server_cmd() { # target port
  case $1 in
    ringside) echo "java -Xmx1g -XX:MaxDirectMemorySize=2g -jar $JAR memcached -p $2 -l 127.0.0.1 -t 1 -m 1024" ;;
    memcached) echo "/usr/bin/memcached -p $2 -l 127.0.0.1 -t 1 -m 1024 -U 0 ${user_args[*]}" ;;
    *) die "unknown target $1 (ringside, memcached)" ;;
  esac
}
row_args() {
  case $1 in
    get90-32) echo "--get-ratio 0.9 --value-size 32" ;;
    get90-1k) echo "--get-ratio 0.9 --value-size 1024" ;;
    set90-32) echo "--get-ratio 0.1 --value-size 32" ;;
    set90-1k) echo "--get-ratio 0.1 --value-size 1024" ;;
    mget10-32) echo "--get-ratio 0.9 --value-size 32 --multi-get 10" ;;
    mget10-1k) echo "--get-ratio 0.9 --value-size 1024 --multi-get 10" ;;
    *) die "unknown row $1" ;;
  esac
}

LOGDIR=$(mktemp -d /tmp/memcached-compare.XXXXXX)
RESULTS=$LOGDIR/results.jsonl
BENCH_TIMEOUT=$((SECS + WARMUP + 120))
IFS=, read -r -a rows <<<"$ROWS"
IFS=, read -r -a targets <<<"$TARGETS"
port=21000
for row in "${rows[@]}"; do
  for ((r = 1; r <= ROUNDS; r++)); do
    for target in "${targets[@]}"; do
      port=$((port + 1))
      read -r -a rargs <<<"$(row_args "$row")"
      bench_run "$row" "$target" "$r" "$port" rps "$(server_cmd "$target" "$port")" memcached --port "$port" \
        --conns "$CONNS" --depth "$DEPTH" --keys 10000 --seconds "$SECS" --warmup "$WARMUP" "${rargs[@]}"
    done
  done
done

echo
echo "memcached compare: $ROUNDS round(s) x ${SECS}s (warmup ${WARMUP}s), $CONNS conns, depth $DEPTH, 10,000 keys; server CPU 0 (1 worker / -t 1), load CPU 1"
[[ -s $RESULTS ]] || die "no results (logs in $LOGDIR)"
bench_table "$TARGETS" req/s
echo "ratio req/s: ${TARGETS%%,*} / ${TARGETS#*,} throughput; ratio us/req: ${TARGETS#*,} / ${TARGETS%%,*} server CPU per request (above 1: ${TARGETS%%,*} is cheaper)"
echo "(results: $RESULTS)"
