#!/usr/bin/env bash
# Ringside's TLS listener against Netty 4.1's SslHandler, both on the JDK's SSLEngine: same certificate, same
# load, same pinning, one table.
#
# usage: bench/tls-compare.sh [--rounds R] [--seconds T] [--warmup W] [--rows LIST] [--targets LIST]
#                             [--conns C] [--churn-conns C] [--java PATH]
#
# The certificate (EC P-256, self-signed) is made once per run by openssl; both servers load the same PEM
# files. Ringside: the echo daemon with --tls-port and one worker. Netty: bench/netty-tls (built here if its
# jar is missing), SslProvider.JDK, the JDK's default cipher suites, a LineBasedFrameDecoder echo flushed once
# per read batch, one event-loop thread (netty: NIO; netty-epoll: the native epoll transport). Each row runs R
# rounds, the targets alternating (A B A B ...): the server on CPU 0, the load generator (--tls) on CPU 1, in a
# network namespace of its own. Every reply byte is verified; a run with an error is FAILED, never a speed.
# Rows: tls-pingpong (C conns x 1 line of 32 bytes), tls-pipeline (C x 16 lines of 32 bytes), tls-pipeline-1k
# (C x 64 lines of 1 KiB: full 16 KiB records), both in req/s; tls-handshake-13 and tls-handshake-12 (C' loops
# of connect, full handshake with TLS 1.3 / 1.2 only, one line, close; no session resumption), in
# handshakes/s. Targets: ringside, netty, netty-epoll (default ringside,netty; the ratios compare the first
# two). Prints the medians of the rounds: rate, p99, the server's CPU use and CPU microseconds per request
# (per handshake in the handshake rows) in the measured window, the load generator's CPU use, the two ratios
# and the protocol and suite negotiated. A server below ~95% CPU with the load generator near 100% means the
# load generator was the limit: trust the us/req ratio then.
# Needs: openssl, taskset, jq, timeout, unshare and ip (util-linux, iproute2), the jars (built if missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3 SECS=10 WARMUP=10 CONNS=50 CHURN_CONNS=16 JAVA=java
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
    --java) JAVA=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "tls-compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
NAME=tls-compare.sh
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
    *) die "unknown row $1" ;;
  esac
}

IFS=, read -r -a rows <<<"$ROWS"
IFS=, read -r -a targets <<<"$TARGETS"
for row in "${rows[@]}"; do row_args "$row" >/dev/null; done
for target in "${targets[@]}"; do server_cmd "$target" 1 >/dev/null; done
port=22000
for row in "${rows[@]}"; do
  read -r metric rest <<<"$(row_args "$row")"
  read -r -a rargs <<<"$rest"
  for ((r = 1; r <= ROUNDS; r++)); do
    for target in "${targets[@]}"; do
      port=$((port + 1))
      bench_run "$row" "$target" "$r" "$port" "$metric" "$(server_cmd "$target" "$port")" \
        --tls --port "$port" --seconds "$SECS" --warmup "$WARMUP" "${rargs[@]}"
    done
  done
done

echo
echo "tls compare: $ROUNDS round(s) x ${SECS}s (warmup ${WARMUP}s), $CONNS conns ($CHURN_CONNS connect loops for handshakes);" \
  "server CPU 0 (1 worker / 1 event loop), load CPU 1; $("$JAVA" -version 2>&1 | head -1)"
[[ -s $RESULTS ]] || die "no results (logs in $LOGDIR)"
bench_table "$TARGETS" rate negotiated
echo "rate: lines/s (tls-pingpong, tls-pipeline*) or full handshakes/s (tls-handshake-*); us/req: server CPU per line or per handshake"
echo "ratio rate: ${TARGETS%%,*} / $(cut -d, -f2 <<<"$TARGETS"); ratio us/req: $(cut -d, -f2 <<<"$TARGETS") / ${TARGETS%%,*} (above 1: ${TARGETS%%,*} is cheaper)"
echo "(results: $RESULTS)"
