# Sourced by bench/memcached-compare.sh and bench/memcached-memory.sh: the jars, the network namespace, the
# server's start and stop. The caller sets ROOT, NAME (for messages) and ORIG_ARGS (its own arguments,
# to re-run itself inside the namespace) before sourcing.
die() { echo "$NAME: $*" >&2; exit 1; }
[[ -x /usr/bin/memcached ]] || die "needs /usr/bin/memcached (apt-get install -y memcached)"

JAR=$ROOT/sample-services/target/ringside.jar
LOADGEN=$ROOT/integration-tests/target/ringside-loadgen.jar
if [[ -z ${BENCH_IN_NETNS:-} ]]; then
  [[ -f $JAR && -f $LOADGEN ]] || (cd "$ROOT" && mvn -B -q -pl integration-tests -am package -DskipTests -Dexec.skip=true)
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
