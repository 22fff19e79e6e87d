#!/usr/bin/env bash
# End-to-end benchmark of the Ringside daemon with the project's own load generator.
#
# usage: bench/e2e.sh [--mode echo|rot13] [--seconds T] [--warmup W] [--workers N] [--pin] [--rounds R]
#
# Builds the daemon and the load generator if their jars are missing, then for each scenario and round:
# starts the daemon on a free port, runs integration-tests/target/ringside-loadgen.jar with --json,
# reads the daemon's CPU time (utime+stime, /proc/PID/stat) and peak RSS (VmHWM), stops the daemon
# by PID (SIGTERM, drain) and checks it exited 0. Prints one table (median over rounds).
# With --pin the daemon runs on CPU 0 and the load on CPU 1 (give the daemon --workers 1).
# Everything runs in a private network namespace (unshare -n): churn in the host namespace can fill
# the kernel's connection-tracking table (if iptables rules switched it on, as Docker's do).
# Needs only this repository (the jars are built from it) and jq, util-linux, iproute2.
# For the side-by-side with the C libevent server, use bench/compare-c.sh.
#
# Scenarios (32-byte lines): pingpong 50x1, pipeline 50x16, conns1k 1000x1, churn 50 connect-line-close.
set -euo pipefail
ORIG_ARGS=("$@")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/sample-services/target/ringside.jar
LOADGEN=$ROOT/integration-tests/target/ringside-loadgen.jar
MODE=echo SECS=10 WARMUP=3 WORKERS=2 PIN=0 ROUNDS=3
while (($#)); do
  case $1 in
    --mode) MODE=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --pin) PIN=1; shift ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "e2e.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $MODE == echo || $MODE == rot13 ]] || { echo "e2e.sh: --mode echo|rot13" >&2; exit 2; }
for t in jq taskset unshare ip ss; do command -v $t >/dev/null || { echo "e2e.sh: needs $t (apt-get install -y jq util-linux iproute2)" >&2; exit 2; }; done

if [[ -z ${E2E_IN_NETNS:-} ]] && unshare -n true 2>/dev/null; then
  export E2E_IN_NETNS=1
  exec unshare -n -- "$0" "${ORIG_ARGS[@]}"
fi
[[ -n ${E2E_IN_NETNS:-} ]] && ip link set lo up

if [[ ! -f $JAR || ! -f $LOADGEN ]]; then
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi

OUT=/tmp/ringside-e2e-$(date +%Y%m%d-%H%M%S).jsonl
server_cpu=() load_cpu=()
if ((PIN)); then server_cpu=(taskset -c 0); load_cpu=(taskset -c 1); fi

free_port() { # a port nothing in this namespace uses (ss: iproute2; no python3 on a fresh machine)
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 10000))
    (($(ss -Htan "( sport = :$p or dport = :$p )" | wc -l) == 0)) && { echo "$p"; return 0; }
  done
  echo "e2e.sh: no free port found" >&2; return 1
}
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

run_one() { # scenario round
  local scenario=$1 round=$2 port pid log args
  port=$(free_port)
  log=$(mktemp /tmp/ringside-e2e-daemon.XXXXXX)
  "${server_cpu[@]}" java -jar "$JAR" "$MODE" --port "$port" --workers "$WORKERS" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do grep -q "listening on" "$log" && break; sleep 0.05; done
  case $scenario in
    pingpong) args=(--conns 50 --depth 1) ;;
    pipeline) args=(--conns 50 --depth 16) ;;
    conns1k) args=(--conns 1000 --depth 1) ;;
    churn) args=(--conns 50 --churn) ;;
  esac
  local before after json
  json=$(mktemp /tmp/ringside-e2e-load.XXXXXX)
  before=$(cpu_ticks "$pid")
  "${load_cpu[@]}" java -jar "$LOADGEN" --port "$port" --mode "$MODE" --size 32 --seconds "$SECS" --warmup "$WARMUP" \
    --quiet "${args[@]}" --json "$json" >/dev/null || echo "e2e.sh: load generator reported errors in $scenario" >&2
  after=$(cpu_ticks "$pid")
  local hwm; hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  local rc=0; wait "$pid" || rc=$?
  ((rc == 0)) || echo "e2e.sh: daemon exited $rc in $scenario" >&2
  local hz; hz=$(getconf CLK_TCK)
  jq -c --arg s "$scenario" --argjson r "$round" --argjson cpu "$(( after - before ))" --argjson hz "$hz" \
     --argjson hwm "$hwm" --argjson secs "$SECS" --argjson warm "$WARMUP" --argjson rc "$rc" \
     '{scenario:$s, round:$r, rps:.rps, p99_us:.p99_us, errors:.errors, lost:.lost, ok:.ok,
       server_cpu_s:($cpu/$hz), cpu_us_per_req:(if .requests > 0 then ($cpu/$hz)*1e6/(.requests * (($secs+$warm)/$secs)) else null end),
       peak_rss_mib:($hwm/1024), daemon_exit:$rc}' "$json" | tee -a "$OUT"
  rm -f "$json" "$log"
}

for scenario in pingpong pipeline conns1k churn; do
  for r in $(seq "$ROUNDS"); do run_one "$scenario" "$r"; done
done

echo
echo "ringside $MODE, workers=$WORKERS, pin=$PIN, ${SECS}s + ${WARMUP}s warm-up, median of $ROUNDS rounds ($OUT)"
jq -rs 'group_by(.scenario) | map({s: .[0].scenario, n: length,
          rps: (map(.rps) | sort | .[length/2|floor]), p99: (map(.p99_us) | sort | .[length/2|floor]),
          cpu: (map(.cpu_us_per_req) | sort | .[length/2|floor]), rss: (map(.peak_rss_mib) | max),
          errs: (map(.errors + .lost) | add), ok: (map(.ok and .daemon_exit == 0) | all)})
        | (["scenario","req/s","p99_us","cpu_us/req","peak_rss_MiB","errors+lost","all_ok"] | @tsv),
          (.[] | [.s, (.rps|floor), (.p99|floor), ((.cpu*100|floor)/100), (.rss|floor), .errs, .ok] | @tsv)' "$OUT" | column -t
