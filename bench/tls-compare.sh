#!/usr/bin/env bash
# Ringside's TLS listener against Netty 4.1's SslHandler, both on the JDK's SSLEngine: same certificate, same
# load, same pinning, one table.
#
# usage: bench/tls-compare.sh [--rounds R] [--seconds T] [--warmup W] [--rows LIST] [--targets LIST]
#                             [--conns C] [--churn-conns C] [--handshake-client s_time|loadgen] [--java PATH]
#
# The certificate (EC P-256, self-signed) is made once per run by openssl; both servers load the same PEM
# files. Ringside: the echo daemon with --tls-port and one worker. Netty: bench/netty-tls (built here if its
# jar is missing), SslProvider.JDK, the JDK's default cipher suites, a LineBasedFrameDecoder echo flushed once
# per read batch, one event-loop thread (netty: NIO; netty-epoll: the native epoll transport). Each row runs R
# rounds, the targets alternating (A B A B ...): the server on CPU 0, the load generator (--tls) on CPU 1, in a
# network namespace of its own. Every reply byte is verified; a run with an error is FAILED, never a speed.
# Rows: tls-pingpong (C conns x 1 line of 32 bytes), tls-pipeline (C x 16 lines of 32 bytes), tls-pipeline-1k
# (C x 64 lines of 1 KiB: full 16 KiB records), both in req/s; tls-handshake-13 and tls-handshake-12, in
# handshakes/s: full handshakes with TLS 1.3 / 1.2 only, no session resumption. Their client is C' (default 8)
# openssl s_time -new processes (connect, handshake, close; C's handshake costs a fraction of the JDK's, so the
# server is the limit), or with --handshake-client loadgen C' (default 16) load-generator loops of connect,
# handshake, one verified line, close (its JDK client costs about what the server does). Targets: ringside,
# netty, netty-epoll (default ringside,netty; the ratios compare the first two). Prints the medians of the rounds: rate, p99, the server's CPU use and CPU microseconds per request
# (per handshake in the handshake rows) in the measured window, the load generator's CPU use, the two ratios
# and the protocol and suite negotiated (s_client's names in the s_time rows). A server below ~95% CPU with the load generator near 100% means the
# load generator was the limit: trust the us/req ratio then.
# Needs: openssl, taskset, jq, timeout, unshare and ip (util-linux, iproute2), the jars (built if missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3 SECS=10 WARMUP=10 CONNS=50 CHURN_CONNS='' HANDSHAKE_CLIENT=s_time JAVA=java
ROWS=tls-pingpong,tls-pipeline,tls-pipeline-1k,tls-handshake-13,tls-handshake-12
TARGETS=ringside,netty
ORIG_ARGS=("$@")
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rows) ROWS=$2; shift 2 ;;
    --targets) TARGETS=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --churn-conns) CHURN_CONNS=$2; shift 2 ;;
    --handshake-client) HANDSHAKE_CLIENT=$2; shift 2 ;;
    --java) JAVA=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "tls-compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
NAME=tls-compare.sh
case $HANDSHAKE_CLIENT in
  s_time) CHURN_CONNS=${CHURN_CONNS:-8} ;;
  loadgen) CHURN_CONNS=${CHURN_CONNS:-16} ;;
  *) echo "$NAME: --handshake-client is s_time or loadgen" >&2; exit 2 ;;
esac
NETTY_JAR=$ROOT/bench/netty-tls/target/netty-tls-echo.jar
if [[ -z ${BENCH_IN_NETNS:-} && ! -f $NETTY_JAR ]]; then # built before the namespace, which has no network
  (cd "$ROOT" && mvn -B -q -f bench/netty-tls/pom.xml package -DskipTests) || { echo "$NAME: cannot build $NETTY_JAR" >&2; exit 1; }
fi
NEEDS_MEMCACHED=0 LOADGEN_OPTION=--tls-protocol
. "$ROOT/bench/memcached-lib.sh"
for t in jq taskset timeout openssl "$JAVA"; do command -v "$t" >/dev/null || die "needs $t"; done

LOGDIR=$(mktemp -d /tmp/tls-compare.XXXXXX)
RESULTS=$LOGDIR/results.jsonl
BENCH_TIMEOUT=$((SECS + WARMUP + 120))
CERT=$LOGDIR/cert.pem KEY=$LOGDIR/key.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$KEY" -out "$CERT" \
  -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>"$LOGDIR/openssl.log" \
  || die "openssl could not make the certificate (log: $LOGDIR/openssl.log)"

server_cmd() { # target tls-port
  case $1 in
    ringside) echo "$JAVA -jar $JAR echo --host 127.0.0.1 --port $(($2 + 1000)) --workers 1 --tls-port $2 --tls-cert $CERT --tls-key $KEY" ;;
    netty) echo "$JAVA -jar $NETTY_JAR --host 127.0.0.1 --port $2 --cert $CERT --key $KEY --transport nio" ;;
    netty-epoll) echo "$JAVA -jar $NETTY_JAR --host 127.0.0.1 --port $2 --cert $CERT --key $KEY --transport epoll" ;;
    *) die "unknown target $1 (ringside, netty, netty-epoll)" ;;
  esac
}
row_args() { # row: the load generator's arguments, then the metric
  case $1 in
    tls-pingpong) echo "rps --conns $CONNS --depth 1 --size 32" ;;
    tls-pipeline) echo "rps --conns $CONNS --depth 16 --size 32" ;;
    tls-pipeline-1k) echo "rps --conns $CONNS --depth 64 --size 1024" ;;
    tls-handshake-13) echo "handshakes_per_s --conns $CHURN_CONNS --churn --size 32 --tls-protocol TLSv1.3" ;;
    tls-handshake-12) echo "handshakes_per_s --conns $CHURN_CONNS --churn --size 32 --tls-protocol TLSv1.2" ;;
    s_time-tls-handshake-13) echo "-tls1_3" ;;
    s_time-tls-handshake-12) echo "-tls1_2" ;;
    *) die "unknown row $1" ;;
  esac
}

IFS=, read -r -a rows <<<"$ROWS"
IFS=, read -r -a targets <<<"$TARGETS"
for row in "${rows[@]}"; do row_args "$row" >/dev/null; done
for target in "${targets[@]}"; do server_cmd "$target" 1 >/dev/null; done
# s_time_run ROW TARGET ROUND PORT "SERVER COMMAND" PROTOCOL-OPTION: bench_run's twin for the handshake rows with
# openssl s_time as the client: the server on CPU 0, CHURN_CONNS s_time processes on CPU 1 for the warm-up, then
# again for SECS while the server's CPU time is read from /proc; one JSON line in $RESULTS as bench_run writes it
# (ok: every s_time client made connections; s_time stops at its first failed handshake and sends no data,
# so there is no byte to verify).
s_time_run() {
  local row=$1 target=$2 r=$3 port=$4 cmd=$5 proto=$6 i rc=0 slog=$LOGDIR/$row.$target.r$r.server.log
  local llog=$LOGDIR/$row.$target.r$r.s_time.log
  taskset -c 0 bash -c "exec $cmd" >"$slog" 2>&1 &
  SPID=$!
  if ! wait_port "$SPID" "$port"; then
    echo "!! $target did not open port $port (log: $slog)" >&2; stop_server; return 0
  fi
  local negotiated
  negotiated=$(timeout 10 openssl s_client -connect "127.0.0.1:$port" "$proto" -brief </dev/null 2>&1 \
    | awk -F': ' '/^Protocol version/ {p = $2} /^Ciphersuite/ {c = $2} END {print p " " c}')
  s_time_clients() { # seconds log-prefix: CHURN_CONNS clients on CPU 1; their CPU seconds (user + sys) to .cpu
    taskset -c 1 bash -c 'for ((i = 1; i <= $1; i++)); do
        timeout -k 5 $(($2 + 60)) openssl s_time -connect "127.0.0.1:$3" -new "$4" -time "$2" >"$5.$i" 2>&1 &
      done
      wait; times >"$5.times"
      awk -v FS="[ms ]+" "NR == 2 {print \$1 * 60 + \$2 + \$3 * 60 + \$4}" "$5.times" >"$5.cpu"' \
      _ "$CHURN_CONNS" "$1" "$port" "$proto" "$2"
  }
  s_time_clients "$WARMUP" "$llog.warmup"
  local t0 t1 w0 w1
  t0=$(awk '{print $14 + $15}' "/proc/$SPID/stat"); w0=$(date +%s.%N)
  s_time_clients "$SECS" "$llog"
  t1=$(awk '{print $14 + $15}' "/proc/$SPID/stat"); w1=$(date +%s.%N)
  kill -0 "$SPID" 2>/dev/null || { echo "!! $target died during $row round $r (log: $slog)" >&2; rc=1; }
  stop_server
  local total=0 n
  for ((i = 1; i <= CHURN_CONNS; i++)); do
    n=$(awk '/connections in [0-9.]+s;/ {print $1; exit}' "$llog.$i")
    ((${n:-0} > 0)) || rc=1 # s_time exits 1 even after a clean run; a client without connections is the failure
    total=$((total + ${n:-0}))
  done
  ((total > 0)) || rc=1
  jq -n -c --arg t "$target" --arg row "${row#s_time-}" --argjson r "$r" --argjson total "$total" --argjson secs "$SECS" \
    --argjson wall "$(awk -v a="$w0" -v b="$w1" 'BEGIN {print b - a}')" --argjson ticks "$((t1 - t0))" --argjson hz "$(getconf CLK_TCK)" \
    --argjson load "$(cat "$llog.cpu" 2>/dev/null || echo -1)" --arg neg "$negotiated" \
    --argjson seq "$(if [[ -f $RESULTS ]]; then wc -l <"$RESULTS"; else echo 0; fi)" --argjson ok "$((rc == 0))" \
    '{target: $t, row: $row, round: $r, seq: $seq, ok: ($ok == 1), errors: (1 - $ok), seconds: $wall,
      handshakes: $total, value: ($total / $secs), p99_us: null, server_cpu_s: ($ticks / $hz),
      server_us_per_request: (if $total > 0 then $ticks / $hz * 1e6 / $total else -1 end),
      loadgen_cpu_s: $load, negotiated: $neg}' >>"$RESULTS"
  ((rc == 0)) || echo "!! $target $row round $r FAILED (logs: $llog.*)" >&2
  printf '  %-16s %-11s round %d: %s\n' "${row#s_time-}" "$target" "$r" \
    "$(jq -r -s 'last | "\(.value | floor) handshakes/s, server \(.server_cpu_s / .seconds * 100 | round)% CPU \(.server_us_per_request | round) us/hs, s_time \(.loadgen_cpu_s / .seconds * 100 | round)% CPU, ok \(.ok)"' "$RESULTS")"
}

port=22000
for row in "${rows[@]}"; do
  [[ $HANDSHAKE_CLIENT == s_time && $row == tls-handshake-* ]] && row=s_time-$row
  read -r metric rest <<<"$(row_args "$row")"
  read -r -a rargs <<<"$rest"
  for ((r = 1; r <= ROUNDS; r++)); do
    for target in "${targets[@]}"; do
      port=$((port + 1))
      if [[ $row == s_time-* ]]; then
        s_time_run "$row" "$target" "$r" "$port" "$(server_cmd "$target" "$port")" "$metric"
      else
        bench_run "$row" "$target" "$r" "$port" "$metric" "$(server_cmd "$target" "$port")" \
          --tls --port "$port" --seconds "$SECS" --warmup "$WARMUP" "${rargs[@]}"
      fi
    done
  done
done

echo
echo "tls compare: $ROUNDS round(s) x ${SECS}s (warmup ${WARMUP}s), $CONNS conns ($CHURN_CONNS $HANDSHAKE_CLIENT clients for handshakes);" \
  "server CPU 0 (1 worker / 1 event loop), load CPU 1; $("$JAVA" -version 2>&1 | head -1)"
[[ -s $RESULTS ]] || die "no results (logs in $LOGDIR)"
bench_table "$TARGETS" rate negotiated
echo "rate: lines/s (tls-pingpong, tls-pipeline*) or full handshakes/s (tls-handshake-*); us/req: server CPU per line or per handshake"
echo "ratio rate: ${TARGETS%%,*} / $(cut -d, -f2 <<<"$TARGETS"); ratio us/req: $(cut -d, -f2 <<<"$TARGETS") / ${TARGETS%%,*} (above 1: ${TARGETS%%,*} is cheaper)"
echo "(results: $RESULTS)"
