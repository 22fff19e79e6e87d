# Sourced by the side-by-side benchmarks (bench/memcached-compare.sh, bench/memcached-memory.sh,
# bench/tls-compare.sh): the jars, the network namespace, the server's start and stop, one pinned run and the
# table of medians. The caller sets ROOT, NAME (for messages) and ORIG_ARGS (its own arguments, to re-run
# itself inside the namespace) before sourcing; NEEDS_MEMCACHED=0 when it does not run memcached;
# LOADGEN_OPTION=--some-option to rebuild a load generator jar that predates that option.
die() { echo "$NAME: $*" >&2; exit 1; }
[[ ${NEEDS_MEMCACHED:-1} == 0 || -x /usr/bin/memcached ]] || die "needs /usr/bin/memcached (apt-get install -y memcached)"

JAR=$ROOT/sample-services/target/ringside.jar
LOADGEN=$ROOT/integration-tests/target/ringside-loadgen.jar
if [[ -z ${BENCH_IN_NETNS:-} ]]; then
  if [[ ! -f $JAR || ! -f $LOADGEN ]] \
      || { [[ -n ${LOADGEN_OPTION:-} ]] && ! java -jar "$LOADGEN" --help 2>&1 | grep -q -- "$LOADGEN_OPTION"; }; then
    (cd "$ROOT" && mvn -B -q -pl integration-tests -am package -DskipTests -Dexec.skip=true)
  fi
  if unshare -n true 2>/dev/null; then
    export BENCH_IN_NETNS=1
    exec unshare -n -- "$0" "${ORIG_ARGS[@]}"
  fi
  echo "$NAME: cannot create a network namespace (unshare -n); using the current one" >&2
else
  ip link set lo up || die "cannot bring up lo in the network namespace"
fi

user_args=(); [[ $(id -u) -eq 0 ]] && user_args=(-u nobody)   # memcached refuses root without -u

wait_port() { # pid port: until the port accepts, at most 30 s
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$1" 2>/dev/null || return 1
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

SPID=""
stop_server() { # the server started last (SPID), by its PID
  [[ -n $SPID ]] || return 0
  kill "$SPID" 2>/dev/null || true
  local i; for ((i = 0; i < 100; i++)); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SPID" 2>/dev/null || true
  wait "$SPID" 2>/dev/null || true
  SPID=""
}
trap stop_server EXIT

# bench_run ROW TARGET ROUND PORT METRIC "SERVER COMMAND" LOADGEN_ARGS...
# One run: the server command on CPU 0 (waited for on PORT), the load generator on CPU 1 with LOADGEN_ARGS plus
# --quiet --server-pid --json (bounded by timeout), the server stopped by its PID. The load generator's JSON
# goes to $RESULTS (the caller sets it and $LOGDIR) with target, row, round and value (its field METRIC:
# rps, handshakes_per_s, ...); a failed run is kept (ok false) and reported, never counted as a speed.
# BENCH_TIMEOUT (seconds) bounds the load generator.
bench_run() {
  local row=$1 target=$2 r=$3 port=$4 metric=$5 cmd=$6; shift 6
  local slog=$LOGDIR/$row.$target.r$r.server.log json=$LOGDIR/$row.$target.r$r.json
  local llog=$LOGDIR/$row.$target.r$r.loadgen.log rc=0
  taskset -c 0 bash -c "exec $cmd" >"$slog" 2>&1 &
  SPID=$!
  if ! wait_port "$SPID" "$port"; then
    echo "!! $target did not open port $port (log: $slog)" >&2; stop_server; return 0
  fi
  taskset -c 1 timeout -k 5 "${BENCH_TIMEOUT:-300}" java -jar "$LOADGEN" "$@" --quiet --server-pid "$SPID" \
    --json "$json" >"$llog" 2>&1 || rc=$?
  kill -0 "$SPID" 2>/dev/null || echo "!! $target died during $row round $r (log: $slog)" >&2
  stop_server
  if [[ -s $json ]]; then
    jq -c --arg t "$target" --arg row "$row" --argjson r "$r" --arg m "$metric" --argjson seq "$(if [[ -f $RESULTS ]]; then wc -l <"$RESULTS"; else echo 0; fi)" \
      '. + {target: $t, row: $row, round: $r, value: .[$m], seq: $seq,
        negotiated: (if .tls_protocol then .tls_protocol + " " + .tls_cipher else null end)}' "$json" >>"$RESULTS"
  fi
  ((rc == 0)) || echo "!! $target $row round $r FAILED (log: $llog)" >&2
  printf '  %-16s %-11s round %d: %s\n' "$row" "$target" "$r" \
    "$(jq -r --arg m "$metric" '"\(.[$m] | floor) \($m), p99 \(.p99_us) us, server \(.server_cpu_s / .seconds * 100 | round)% CPU \(.server_us_per_request * 100 | round / 100) us/req, load \(.loadgen_cpu_s / .seconds * 100 | round)% CPU, errors \(.errors), ok \(.ok)"' "$json" 2>/dev/null || echo "no result")"
}

# bench_table TARGETS LABEL [FIELD]: the table of $RESULTS, one line per row (in the order they ran): for each target the median value
# (headed "TARGET LABEL"), p99,
# server CPU %, server us per request and load generator CPU % of its ok rounds (FAILED if any round failed), then
# two ratios of the first two targets: value first / second, and us/req second / first (above 1: the first is
# cheaper); with FIELD, a last column with the distinct values of that field in the row's ok results.
bench_table() {
  jq -s -r --arg targets "$1" --arg unit "$2" --arg f "${3:-}" '
  def median: sort | if length == 0 then null else .[(length - 1) / 2 | floor] end;
  def num(f): if . == null then "-" else (. * f | round) / f | tostring end;
  ($targets | split(",")) as $ts
  | group_by(.row) | sort_by(map(.seq) | min) | map({row: .[0].row, rows: .,
      t: (group_by(.target) | map({key: .[0].target, value: (map(select(.ok)) as $ok | {
            value: ($ok | map(.value) | median), p99: ($ok | map(.p99_us) | median),
            cpu: ($ok | map(select(.server_cpu_s >= 0) | .server_cpu_s / .seconds * 100) | median),
            upr: ($ok | map(select(.server_us_per_request >= 0) | .server_us_per_request) | median),
            load: ($ok | map(select(.loadgen_cpu_s >= 0) | .loadgen_cpu_s / .seconds * 100) | median),
            failed: (map(select(.ok | not)) | length)})}) | from_entries)})
  | (["row"] + ($ts | map(. + " " + $unit, "p99 us", "srv CPU%", "us/req", "load CPU%"))
      + ["ratio " + $unit, "ratio us/req"] + (if $f == "" then [] else [$f] end)),
    (.[] | . as $x | [$x.row] + ($ts | map(($x.t[.] // {}) as $v
            | (if ($v.failed // 0) > 0 then "FAILED" elif $v.value == null then "-" else ($v.value | floor | tostring) end),
              ($v.p99 | num(1)), ($v.cpu | num(1)), ($v.upr | num(100)), ($v.load | num(1))))
        + (if ($ts | length) >= 2 then
             [(if ($x.t[$ts[0]].value // null) != null and ($x.t[$ts[1]].value // 0) > 0
               then (($x.t[$ts[0]].value / $x.t[$ts[1]].value * 100 | round) / 100 | tostring) + "x" else "-" end),
              (if ($x.t[$ts[0]].upr // null) != null and ($x.t[$ts[1]].upr // 0) > 0
               then (($x.t[$ts[1]].upr / $x.t[$ts[0]].upr * 100 | round) / 100 | tostring) + "x" else "-" end)]
           else ["-", "-"] end)
        + (if $f == "" then [] else [[$x.rows[] | select(.ok) | .[$f] // empty | tostring] | unique | join(" | ")] end))
  | @tsv' "$RESULTS" | column -t -s $'\t'
}
