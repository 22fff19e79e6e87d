#!/usr/bin/env bash
# Connection-scale benchmark of the Ringside echo daemon: memory per idle connection, one daemon with
# 18,000 paced connections, and several daemons sharing a port (SO_REUSEPORT) with 100,000 connections.
#
# usage: bench/scale.sh [--parts idle,one,reuseport] [--idle-conns 10000,18000] [--one-conns 18000]
#                       [--one-interval MS] [--one-seconds S] [--total N] [--daemons K]
#                       [--reuse-interval MS] [--reuse-seconds S] [--ramp S] [--heap SIZE]
#                       [--results FILE] [--max-minutes M] [--no-netns] [-h|--help]
#
# Parts (each once, in this order; one heavy thing at a time):
#   idle       1 daemon (1 worker); RSS, heap after a full GC and the class histogram with 0 connections,
#              then with each --idle-conns count of idle connections (loadgen --idle); bytes and objects
#              per connection above the empty daemon, and the slope between the last two counts.
#   one        1 daemon (2 workers), --one-conns connections each sending a 32-byte line every
#              --one-interval ms (3000) for --one-seconds (30); RSS, heap, server CPU per request.
#   reuseport  --daemons K (6) daemons with --reuse-port true on one port, --total N (100000) connections
#              from several loadgen processes (< 9,000 connections each, distinct 127.0.0.x source sets),
#              a line every --reuse-interval ms (10000) for --reuse-seconds (40); connections per daemon.
# Daemons run with a fixed, pre-touched heap (--heap, default 256m: -Xms=-Xmx, -XX:+AlwaysPreTouch), so
# RSS does not move with heap growth: an RSS delta is native memory only, the heap is measured apart
# (used after a full GC), and the kernel's socket memory (slab) is neither; all three are reported.
# Every reply is verified byte for byte by the load generator; any error, loss or skipped tick shows.
# Runs in a private network namespace (unshare -n, own loopback, no conntrack), where it checks and
# if needed raises net.core.somaxconn; the 20,000 descriptors per process cannot be raised (checked).
# Needs jq, ss, jcmd, unshare, ip. Builds the two jars if missing. Raw figures: JSON lines in --results
# (default /tmp/ringside-scale-<stamp>.jsonl), logs next to it. Every wait is bounded; the whole run
# stops itself after --max-minutes (20).
set -euo pipefail
ORIG_ARGS=("$@")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/sample-services/target/ringside.jar
LOADGEN=$ROOT/integration-tests/target/ringside-loadgen.jar

PARTS=idle,one,reuseport IDLE_CONNS=10000,18000 ONE_CONNS=18000 ONE_INTERVAL=3000 ONE_SECS=30
TOTAL=100000 DAEMONS=6 REUSE_INTERVAL=10000 REUSE_SECS=40 RAMP="" HEAP=256m RESULTS="" MAX_MIN=20 NETNS=1
PER_LG_MAX=8500      # connections per loadgen process (fd limit 20,000; brief: < ~9,000)
SRC_PER_LG=8         # source addresses per loadgen process
FD_LIMIT_MARGIN=400  # descriptors a daemon JVM needs besides its connections

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { echo "scale.sh: $*" >&2; exit 2; }
while (($#)); do
  case $1 in
    --parts) PARTS=$2; shift 2 ;;
    --idle-conns) IDLE_CONNS=$2; shift 2 ;;
    --one-conns) ONE_CONNS=$2; shift 2 ;;
    --one-interval) ONE_INTERVAL=$2; shift 2 ;;
    --one-seconds) ONE_SECS=$2; shift 2 ;;
    --total) TOTAL=$2; shift 2 ;;
    --daemons) DAEMONS=$2; shift 2 ;;
    --reuse-interval) REUSE_INTERVAL=$2; shift 2 ;;
    --reuse-seconds) REUSE_SECS=$2; shift 2 ;;
    --ramp) RAMP=$2; shift 2 ;;
    --heap) HEAP=$2; shift 2 ;;
    --results) RESULTS=$2; shift 2 ;;
    --max-minutes) MAX_MIN=$2; shift 2 ;;
    --no-netns) NETNS=0; shift ;;
    -h|--help) usage 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
for t in jq ss jcmd java unshare ip awk; do command -v $t >/dev/null || die "needs $t"; done
[[ $PARTS =~ ^(idle|one|reuseport)(,(idle|one|reuseport))*$ ]] || die "--parts: idle,one,reuseport"
[[ $IDLE_CONNS =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--idle-conns: counts separated by commas"
for n in ONE_CONNS ONE_INTERVAL ONE_SECS TOTAL DAEMONS REUSE_INTERVAL REUSE_SECS MAX_MIN; do
  [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer: ${!n}"
done

# tcp_mem is not visible inside a new network namespace: read it here
export SCALE_HOST_TCP_MEM=${SCALE_HOST_TCP_MEM:-$(tr -s '\t ' ' ' </proc/sys/net/ipv4/tcp_mem 2>/dev/null)}
if ((NETNS)) && [[ -z ${SCALE_IN_NETNS:-} ]]; then
  unshare -n true 2>/dev/null || die "cannot create a network namespace (unshare -n; run as root, or --no-netns)"
  export SCALE_IN_NETNS=1
  exec unshare -n -- "$0" "${ORIG_ARGS[@]}"
fi
[[ -n ${SCALE_IN_NETNS:-} ]] && { ip link set lo up || die "cannot bring up lo in the namespace"; }

if [[ ! -f $JAR || ! -f $LOADGEN ]]; then
  (cd "$ROOT" && mvn -q -o -B package -DskipTests -pl integration-tests -am) || die "build failed"
fi

STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=${RESULTS:-/tmp/ringside-scale-$STAMP.jsonl}
LOGDIR=${RESULTS%.jsonl}.logs
mkdir -p "$LOGDIR"
: >>"$RESULTS"
CLK_TCK=$(getconf CLK_TCK)
DAEMON_JVM=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch)
LOADGEN_JVM=(-XX:+UseSerialGC -Xms64m -Xmx384m -XX:TieredStopAtLevel=1)
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scale-lib.sh
source "$HERE/scale-lib.sh"

trap cleanup EXIT
trap 'log "stopped by a signal"; cleanup; exit 130' INT TERM
# the watchdog: a subshell that sleeps, then stops this script (its own sleep ends with it)
( trap 'kill "$sp" 2>/dev/null; exit 0' TERM
  sleep $((MAX_MIN * 60)) & sp=$!
  wait "$sp" && { echo "scale.sh: --max-minutes $MAX_MIN reached, stopping" >&2; kill -TERM $$; } ) &
WATCHDOG=$!

# ---- part: idle memory ----
ROWS=()   # table rows, tab-separated
HIST_OUT=""
part_idle() {
  local port name i n prev=0 rss0 heap0 slab0 rss heap slab have pids=() items=() first=1 counts
  local prev_rss prev_heap prev_n
  port=$(free_port) || die "no free port"
  start_daemon idle "$port" 1
  local d=$DPID
  # warm-up: the accept and close paths loaded and compiled before the baseline
  start_loadgen idle-warmup "$port" 2000 200 --idle --seconds 2 --ramp-seconds 1
  finish_loadgens idle-warmup "$LPID:idle-warmup"
  for ((i = 0; i < 40; i++)); do (($(conns_of "$d") == 0)) && break; sleep 0.25; done
  sleep 2
  heap0=$(heap_used_kb "$d"); histogram "$d" "$LOGDIR/hist-0.txt"; sleep 1
  rss0=$(status_kb "$d" VmRSS); slab0=$(slab_kb)
  log "idle: empty daemon RSS $((rss0 / 1024)) MiB, heap used $((heap0 / 1024)) MiB (after full GC)"
  record "$(jq -nc --argjson rss "$rss0" --argjson heap "$heap0" --argjson slab "$slab0" \
    '{kind: "idle", conns: 0, rss_kb: $rss, heap_used_kb: $heap, slab_kb: $slab}')"
  ROWS+=("idle-0	0	0	1	$((rss0 / 1024))	$((heap0 / 1024))	-	-	-	-	-	-	-	-	-	-	-	-	-")
  prev_rss=$rss0 prev_heap=$heap0 prev_n=0
  IFS=, read -r -a counts <<<"$IDLE_CONNS"
  local hold=$((15 + 20 * ${#counts[@]}))   # each batch outlives the measurements after it
  for n in "${counts[@]}"; do
    ((n > prev)) || die "--idle-conns must grow: $IDLE_CONNS"
    local add=$((n - prev)) c names=()
    while read -r c; do
      name="idle-$n-$first"
      start_loadgen "$name" "$port" "$c" "$first" --idle --seconds "$hold" --ramp-seconds 4
      pids+=("$LPID"); items+=("$LPID:$name"); names+=("$name")
      first=$((first + SRC_PER_LG))
    done < <(split_conns "$add" 5000)
    hold=$((hold - 20))
    wait_ready 60 "${names[@]}" || true
    have=$(wait_conns 30 "$n" "$d") || log "!! daemon holds $have of $n connections"
    sleep 2
    heap=$(heap_used_kb "$d"); histogram "$d" "$LOGDIR/hist-$n.txt"; sleep 1
    rss=$(status_kb "$d" VmRSS); slab=$(slab_kb); count_established "$port"; have=${ESTAB[$d]:-0}
    ((have > 0)) || die "idle: the daemon holds no connection (logs: $LOGDIR)"
    log "idle: $have connections: RSS $((rss / 1024)) MiB, heap used $((heap / 1024)) MiB, slab +$(((slab - slab0) / 1024)) MiB"
    record "$(jq -nc --argjson n "$n" --argjson have "$have" --argjson rss "$rss" --argjson heap "$heap" \
      --argjson slab "$slab" --argjson rss0 "$rss0" --argjson heap0 "$heap0" --argjson slab0 "$slab0" \
      '{kind: "idle", conns: $n, held: $have, rss_kb: $rss, heap_used_kb: $heap, slab_kb: $slab,
        rss_bytes_per_conn: (($rss - $rss0) * 1024 / $have | floor),
        heap_bytes_per_conn: (($heap - $heap0) * 1024 / $have | floor),
        slab_bytes_per_conn_both_ends: (($slab - $slab0) * 1024 / $have | floor)}')"
    ROWS+=("idle-$n	$n	$have	1	$((rss / 1024))	$((heap / 1024))	$(((rss - rss0) * 1024 / have))	$(((heap - heap0) * 1024 / have))	$(((slab - slab0) * 1024 / have))	0	@ERR@	@LOST@	-	-	-	-	-	-	@OK@")
    if ((prev_n > 0)); then
      local dn=$((have - prev_n))
      ROWS+=("idle-slope	+$dn	-	1	-	-	$(((rss - prev_rss) * 1024 / dn))	$(((heap - prev_heap) * 1024 / dn))	-	-	-	-	-	-	-	-	-	-	-")
      record "$(jq -nc --argjson from "$prev_n" --argjson to "$have" --argjson r "$(((rss - prev_rss) * 1024 / dn))" \
        --argjson h "$(((heap - prev_heap) * 1024 / dn))" \
        '{kind: "idle_slope", from: $from, to: $to, rss_bytes_per_conn: $r, heap_bytes_per_conn: $h}')"
    fi
    prev=$n prev_rss=$rss prev_heap=$heap prev_n=$have
  done
  # objects per connection: the live-object histogram at the largest count minus the empty one
  local last=${counts[-1]}
  HIST_OUT=$(awk -v n="$prev_n" '
    NR == FNR { c0[$1] = $2; b0[$1] = $3; next }
    { dc = $2 - c0[$1]; db = $3 - b0[$1]; if (db > 0) printf "%s\t%.2f\t%.0f\n", $1, dc / n, db / n }' \
    "$LOGDIR/hist-0.txt" "$LOGDIR/hist-$last.txt" | sort -t$'\t' -k3,3nr | head -25)
  jq -Rn --argjson n "$prev_n" '{kind: "idle_objects", conns: $n, per_conn: [inputs | split("\t")
    | {class: .[0], objects: (.[1] | tonumber), bytes: (.[2] | tonumber)}]}' <<<"$HIST_OUT" | jq -c . >>"$RESULTS"
  finish_loadgens idle "${items[@]}"
  local rc agg ok errs lost r
  stop_pid "$d"; rc=$STOP_RC; log "idle: daemon exit status $rc"
  agg=$(lg_sum idle '{errors: (map(.errors) | add), lost: (map(.lost) | add), held: (map(.held) | add),
        conns: (map(.conns) | add), all_ok: (map(.ok and .exit == 0) | all)}')
  log "idle: load generators: $(jq -c . <<<"$agg")"
  ok=$(jq -r --argjson rc "$rc" 'if .all_ok and .held == .conns and $rc == 0 then "OK" else "FAILED" end' <<<"$agg")
  errs=$(jq -r .errors <<<"$agg"); lost=$(jq -r .lost <<<"$agg")
  record "$(jq -c --argjson rc "$rc" --arg ok "$ok" --argjson have "$prev_n" \
    '{kind: "part", part: "idle", ok: ($ok == "OK"), conns_held_by_daemons: $have, daemon_exit: $rc, loadgen: .}' <<<"$agg")"
  for i in "${!ROWS[@]}"; do
    r=${ROWS[$i]//@OK@/$ok}; r=${r//@ERR@/$errs}; ROWS[i]=${r//@LOST@/$lost}
  done
}

# ---- part: one daemon, paced ----
part_one() {
  local port d names=() items=() c first=1 i=0 ramp=${RAMP:-8}
  port=$(free_port) || die "no free port"
  start_daemon one "$port" 2
  d=$DPID
  sleep 1
  local n0 n1 n2; n0=$(net_counters)
  while read -r c; do
    i=$((i + 1))
    start_loadgen "one-$i" "$port" "$c" "$first" --interval "$ONE_INTERVAL" --seconds "$ONE_SECS" --ramp-seconds "$ramp"
    names+=("one-$i"); items+=("$LPID:one-$i"); first=$((first + SRC_PER_LG))
  done < <(split_conns "$ONE_CONNS" 9000)
  wait_ready $((ramp + 60)) "${names[@]}" || true
  local have cpu0 t0 cpu1 t1 rss heap hwm est
  have=$(conns_of "$d"); est=$(established "$port"); n1=$(net_counters)
  cpu0=$(cpu_ticks "$d"); t0=$EPOCHREALTIME
  sleep $((ONE_SECS * 2 / 3))
  cpu1=$(cpu_ticks "$d"); t1=$EPOCHREALTIME
  count_established "$port"; have=${ESTAB[$d]:-0}
  rss=$(status_kb "$d" VmRSS); hwm=$(status_kb "$d" VmHWM); heap=$(heap_used_kb "$d")
  log "one: daemon holds $have connections ($est established at READY), RSS $((rss / 1024)) MiB, heap $((heap / 1024)) MiB; $(sockstat_tcp)"
  finish_loadgens one "${items[@]}"
  n2=$(net_counters)
  local rcd; stop_pid "$d"; rcd=$STOP_RC
  summarize one "$ONE_CONNS" "$have" 1 "$rss" "$heap" "$hwm" "$cpu0" "$cpu1" "$t0" "$t1" "$rcd" "[$have]" \
    "$(net_delta "$n0" "$n1")" "$(net_delta "$n1" "$n2")"
}

# ---- part: K daemons on one port (SO_REUSEPORT) ----
part_reuseport() {
  local port dpids=() names=() items=() c first=1 i ramp=${RAMP:-25} per
  per=$(((TOTAL + DAEMONS - 1) / DAEMONS))
  ((per * 105 / 100 < 20000 - FD_LIMIT_MARGIN)) || die "$TOTAL over $DAEMONS daemons is too close to 20,000 each"
  local procs=$(((TOTAL + PER_LG_MAX - 1) / PER_LG_MAX))
  ((procs * SRC_PER_LG <= 254)) || die "$procs loadgen processes x $SRC_PER_LG addresses do not fit 127.0.0.1-254"
  port=$(free_port) || die "no free port"
  for ((i = 1; i <= DAEMONS; i++)); do start_daemon "reuse-d$i" "$port" 1 --reuse-port true; dpids+=("$DPID"); done
  sleep 1
  local n0 n1 n2; n0=$(net_counters)
  i=0
  while read -r c; do
    i=$((i + 1))
    start_loadgen "reuse-$i" "$port" "$c" "$first" --interval "$REUSE_INTERVAL" --seconds "$REUSE_SECS" --ramp-seconds "$ramp"
    names+=("reuse-$i"); items+=("$LPID:reuse-$i"); first=$((first + SRC_PER_LG))
  done < <(split_conns "$TOTAL" "$PER_LG_MAX")
  log "reuseport: $DAEMONS daemons on port $port, $i loadgen processes, $TOTAL connections, ramp $ramp s"
  wait_ready $((ramp + 90)) "${names[@]}" || true
  local have per_daemon=() p est cpu0=0 cpu1=0 t0 t1 rss=0 heap=0 hwm=0 h
  est=$(established "$port"); n1=$(net_counters)
  for p in "${dpids[@]}"; do cpu0=$((cpu0 + $(cpu_ticks "$p"))); done
  t0=$EPOCHREALTIME
  sleep $((REUSE_SECS / 2))
  for p in "${dpids[@]}"; do cpu1=$((cpu1 + $(cpu_ticks "$p"))); done
  t1=$EPOCHREALTIME
  have=0
  count_established "$port"
  for p in "${dpids[@]}"; do
    per_daemon+=("${ESTAB[$p]:-0}"); have=$((have + per_daemon[-1]))
    rss=$((rss + $(status_kb "$p" VmRSS))); hwm=$((hwm + $(status_kb "$p" VmHWM)))
  done
  est=$(established "$port")
  for p in "${dpids[@]}"; do h=$(heap_used_kb "$p"); heap=$((heap + ${h:-0})); done
  log "reuseport: $have connections held (ss established on :$port: $est), per daemon: ${per_daemon[*]}; $(sockstat_tcp)"
  finish_loadgens reuseport "${items[@]}"
  n2=$(net_counters)
  local rcs=() rc
  for p in "${dpids[@]}"; do stop_pid "$p"; rcs+=("$STOP_RC"); done
  local worst=0; for rc in "${rcs[@]}"; do ((rc != 0)) && worst=$rc; done
  summarize reuseport "$TOTAL" "$have" "$DAEMONS" "$rss" "$heap" "$hwm" "$cpu0" "$cpu1" "$t0" "$t1" "$worst" \
    "[$(IFS=,; echo "${per_daemon[*]}")]" "$(net_delta "$n0" "$n1")" "$(net_delta "$n1" "$n2")"
}

summarize() { # part want have daemons rss_kb heap_kb hwm_kb cpu0 cpu1 t0 t1 daemon_exit per_daemon_json net_connect net_load
  local part=$1 want=$2 have=$3 k=$4 rss=$5 heap=$6 hwm=$7 cpu0=$8 cpu1=$9 t0=${10} t1=${11} drc=${12} perd=${13}
  local netc=${14} netl=${15}
  log "$part: network counters while connecting $netc, during the load $netl"
  local agg
  agg=$(lg_sum "$part" '{requests: (map(.requests) | add), rps: (map(.rps) | add), errors: (map(.errors) | add),
        lost: (map(.lost) | add), skipped: (map(.skipped) | add), held: (map(.held) | add),
        p99_us: (map(.p99_us) | max), max_us: (map(.max_us) | max), all_ok: (map(.ok and .exit == 0) | all),
        processes: length}')
  local rec
  rec=$(jq -c --arg part "$part" --argjson want "$want" --argjson have "$have" --argjson k "$k" --argjson rss "$rss" \
    --argjson heap "${heap:-0}" --argjson hwm "$hwm" --argjson cpu "$((cpu1 - cpu0))" --argjson tck "$CLK_TCK" \
    --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" --argjson drc "$drc" \
    --argjson perd "$perd" --argjson netc "$netc" --argjson netl "$netl" \
    '. as $lg | {kind: "part", part: $part, conns_wanted: $want, conns_held_by_daemons: $have, daemons: $k,
      per_daemon: $perd, rss_kb_total: $rss, hwm_kb_total: $hwm, heap_used_kb_total: $heap,
      rss_bytes_per_conn: (if $have > 0 then ($rss * 1024 / $have | floor) else 0 end),
      cpu_s: ($cpu / $tck), cpu_window_s: $wall, cpu_cores: ($cpu / $tck / $wall),
      cpu_us_per_req: (if $lg.rps > 0 then ($cpu / $tck) / ($lg.rps * $wall) * 1e6 else null end),
      daemon_exit: $drc, net_connect_phase: $netc, net_load_phase: $netl} + {loadgen: $lg}
      | .ok = ($lg.all_ok and $lg.errors == 0 and $lg.lost == 0 and $lg.skipped == 0 and $lg.held == $want
               and $have >= $want and $drc == 0)' <<<"$agg")
  record "$rec"
  ROWS+=("$(jq -r '[.part, .conns_wanted, .conns_held_by_daemons, .daemons, (.rss_kb_total / 1024 | floor),
     (.heap_used_kb_total / 1024 | floor), .rss_bytes_per_conn, "-", "-", .loadgen.requests, .loadgen.errors, .loadgen.lost,
     .loadgen.skipped, (.loadgen.p99_us / 1000 * 10 | floor / 10), (.loadgen.max_us / 1000 | floor),
     (.net_load_phase.retrans), (.cpu_s * 10 | floor / 10),
     (if .cpu_us_per_req then (.cpu_us_per_req | floor) else "-" end), (if .ok then "OK" else "FAILED" end)] | @tsv' <<<"$rec")")
}

log "results: $RESULTS  logs: $LOGDIR  netns: ${SCALE_IN_NETNS:-no}  jars: $JAR $LOADGEN"
record "$(jq -nc --arg head "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --arg dirty "$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -c . || true)" --arg heap "$HEAP" \
  '{kind: "run", git_head: $head, changed_files: ($dirty | tonumber), daemon_heap: $heap}')"
check_limits
IFS=, read -r -a PART_LIST <<<"$PARTS"
for part in "${PART_LIST[@]}"; do
  log "---- part $part ----"
  case $part in
    idle) part_idle ;;
    one) part_one ;;
    reuseport) part_reuseport ;;
  esac
done

{
  printf 'part\tconns\theld\tdaemons\tRSS_MiB\theap_MiB\tRSS_B/conn\theap_B/conn\tslab_B/conn\trequests\terrors\tlost\tskipped\tp99_ms\tmax_ms\tretrans\tcpu_s\tcpu_us/req\tresult\n'
  printf '%s\n' "${ROWS[@]}"
} | column -t -s $'\t'
echo "RSS_B/conn: idle rows above the empty daemon (heap pre-touched, so native only); other rows: total RSS / connections."
echo "heap_B/conn: live heap after a full GC above the empty daemon; slab_B/conn: kernel slab growth per connection (both sockets)."
echo "p99/max: worst load generator; retrans: TCP segments retransmitted during the load (200 ms minimum RTO); cpu: daemons' utime+stime"
echo "over the sampled window (two thirds / half of the load, before the heap sample), per verified reply at the generators' rate."
if [[ -n $HIST_OUT ]]; then
  echo "live objects per idle connection (class histogram, largest count minus empty daemon; top by bytes):"
  { printf 'class\tobjects/conn\tbytes/conn\n'; printf '%s\n' "$HIST_OUT"; } | column -t -s $'\t'
fi
echo "raw JSON lines: $RESULTS"
jq -se --arg stamp "$STAMP" 'map(select(.stamp == $stamp and .kind == "part")) | all(.ok)' "$RESULTS" >/dev/null
