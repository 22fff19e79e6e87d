#!/usr/bin/env bash
# Resident memory of Ringside's memcached daemon and Debian's memcached 1.6.18 holding the same items, and
# both under a memory limit with far more data than fits.
#
# usage: bench/memcached-memory.sh [--items N] [--value-size B] [--flood N] [--parts 1,2] [--targets LIST]
#                                  [--jvm-flags "FLAGS"]
#
# Part 1, density: each server alone (-t 1, -m 1024; Ringside with the README's JVM flags: the serial
# collector and a fixed 32 MiB heap, as items and index are off the heap, or --jvm-flags instead, e.g. "" for
# the JVM's defaults; always a direct-memory limit of -m plus an eighth for the index plus 64 MiB), filled by the load generator's memcached mode with N items (default 1,000,000) of B-byte
# values (default 100) under keys of 11 to 19 bytes ("lg" + a run prefix + the key number), every
# value read back by 10,000 checked gets. Prints resident memory (VmRSS) after start and after the
# fill, curr_items, bytes per item (RSS after the fill / items) and the ratio ringside / memcached.
# Part 2, eviction: each server with -m 64 gets --flood sets (default 4,000,000: ten times the items
# 64 MiB holds) of 100-byte values on as many keys, no gets; prints evictions, the highest RSS sampled
# every 0.2 s, and whether any set was refused (the load generator fails on any reply but STORED).
# Own network namespace when it can (unshare -n). Needs: jq, /usr/bin/memcached, the jars (built if
# missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ITEMS=1000000 VSIZE=100 FLOOD=4000000 PARTS=1,2 TARGETS=ringside,memcached JVM_FLAGS="-XX:+UseSerialGC -Xmx32m"
ORIG_ARGS=("$@")
while (($#)); do
  case $1 in
    --items) ITEMS=$2; shift 2 ;;
    --value-size) VSIZE=$2; shift 2 ;;
    --flood) FLOOD=$2; shift 2 ;;
    --targets) TARGETS=$2; shift 2 ;;
    --parts) PARTS=$2; shift 2 ;;
    --jvm-flags) JVM_FLAGS=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "memcached-memory.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
NAME=memcached-memory.sh
. "$ROOT/bench/memcached-lib.sh"
for t in jq timeout; do command -v $t >/dev/null || die "needs $t"; done
server_cmd() { # target port MiB
  case $1 in
    ringside) echo "java $JVM_FLAGS -XX:MaxDirectMemorySize=$(($3 + $3 / 8 + 64))m -jar $JAR memcached -p $2 -l 127.0.0.1 -t 1 -m $3" ;;
    memcached) echo "/usr/bin/memcached -p $2 -l 127.0.0.1 -t 1 -m $3 -U 0 ${user_args[*]}" ;;
    *) die "unknown target $1 (ringside, memcached)" ;;
  esac
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
stat_of() { # port name
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'stats\r\nquit\r\n' >&3
  tr -d '\r' <&3 | awk -v k="$2" '$1 == "STAT" && $2 == k {print $3}'
  exec 3<&-
}

LOGDIR=$(mktemp -d /tmp/memcached-memory.XXXXXX)
IFS=, read -r -a targets <<<"$TARGETS"
port=23000
declare -A RSS_FULL
if [[ ,$PARTS, == *,1,* ]]; then
echo "part 1: $ITEMS items of $VSIZE-byte values, -m 1024, -t 1; ringside: java ${JVM_FLAGS:-(JVM defaults)}"
printf '%-10s %12s %14s %12s %12s %8s\n' target rss_start_MiB rss_filled_MiB curr_items bytes/item result
for target in "${targets[@]}"; do
  port=$((port + 1))
  bash -c "exec $(server_cmd "$target" "$port" 1024)" >"$LOGDIR/$target.density.log" 2>&1 &
  SPID=$!
  wait_port "$SPID" "$port" || die "$target did not open port $port (log: $LOGDIR/$target.density.log)"
  sleep 1
  start=$(rss_kib "$SPID")
  rc=0
  timeout -k 5 600 java -jar "$LOADGEN" memcached --port "$port" --conns 4 --depth 64 --keys "$ITEMS" \
    --value-size "$VSIZE" --get-ratio 1 --requests 10000 --quiet >"$LOGDIR/$target.density.loadgen.log" 2>&1 || rc=$?
  sleep 1
  filled=$(rss_kib "$SPID")
  items=$(stat_of "$port" curr_items)
  RSS_FULL[$target]=$filled
  result=OK; ((rc == 0)) || result="FAILED (log: $LOGDIR/$target.density.loadgen.log)"
  awk -v t="$target" -v s="$start" -v f="$filled" -v n="${items:-0}" -v r="$result" \
    'BEGIN { printf "%-10s %12.1f %14.1f %12d %12.1f %8s\n", t, s / 1024, f / 1024, n, (n > 0 ? f * 1024 / n : 0), r }'
  stop_server
done
if [[ -n ${RSS_FULL[ringside]:-} && -n ${RSS_FULL[memcached]:-} ]]; then
  awk -v a="${RSS_FULL[ringside]}" -v b="${RSS_FULL[memcached]}" 'BEGIN { printf "resident memory ringside / memcached: %.2fx\n", a / b }'
fi
fi

if [[ ,$PARTS, == *,2,* ]]; then
echo
echo "part 2: $FLOOD sets of 100-byte values on $FLOOD keys into -m 64, -t 1"
printf '%-10s %12s %12s %12s %12s %8s\n' target sets evictions curr_items max_rss_MiB result
for target in "${targets[@]}"; do
  port=$((port + 1))
  bash -c "exec $(server_cmd "$target" "$port" 64)" >"$LOGDIR/$target.evict.log" 2>&1 &
  SPID=$!
  wait_port "$SPID" "$port" || die "$target did not open port $port (log: $LOGDIR/$target.evict.log)"
  max=0
  timeout -k 5 900 java -jar "$LOADGEN" memcached --port "$port" --conns 4 --depth 64 --keys "$FLOOD" \
    --value-size 100 --get-ratio 0 --no-prefill --requests "$FLOOD" --quiet --json "$LOGDIR/$target.evict.json" \
    >"$LOGDIR/$target.evict.loadgen.log" 2>&1 &
  LPID=$!
  while kill -0 "$LPID" 2>/dev/null; do
    r=$(rss_kib "$SPID" 2>/dev/null || echo 0); ((r > max)) && max=$r
    sleep 0.2
  done
  rc=0; wait "$LPID" || rc=$?
  result=OK; ((rc == 0)) || result="FAILED (log: $LOGDIR/$target.evict.loadgen.log)"
  printf '%-10s %12s %12s %12s %12s %8s\n' "$target" "$(jq -r .sets "$LOGDIR/$target.evict.json" 2>/dev/null || echo -)" \
    "$(stat_of "$port" evictions)" "$(stat_of "$port" curr_items)" "$((max / 1024))" "$result"
  stop_server
done
fi
echo "(logs: $LOGDIR)"
