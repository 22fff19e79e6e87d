# Helpers of bench/scale.sh (sourced, not run): process bookkeeping, /proc and jcmd readers, starting
# daemons and load generators, kernel-limit checks. Uses the globals scale.sh sets before sourcing it:
# JAR LOADGEN LOGDIR RESULTS STAMP HEAP DAEMON_JVM LOADGEN_JVM SRC_PER_LG PER_LG_MAX FD_LIMIT_MARGIN
# SCALE_HOST_TCP_MEM, and die().
# shellcheck shell=bash
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# ---- processes: every one started here is remembered by PID and stopped by PID ----
PIDS=()
WATCHDOG=""
STOP_RC=0
stop_pid() { # pid: TERM, wait up to 15 s (the daemon drains), then KILL; exit status in STOP_RC
  # (call it in this shell, never in $(...): only the parent shell can wait for its children)
  local pid=$1 i
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "!! PID $pid did not stop in 15 s: KILL"; kill -KILL "$pid" 2>/dev/null; }
  fi
  STOP_RC=0
  wait "$pid" 2>/dev/null || STOP_RC=$?
}
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && stop_pid "$p"; done
  PIDS=()
  [[ -n $WATCHDOG ]] && kill "$WATCHDOG" 2>/dev/null
  WATCHDOG=""
}

# ---- measurements ----
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
cpu_ticks() { local s f; s=$(<"/proc/$1/stat"); s=${s##*) }; read -r -a f <<<"$s"; echo $((f[11] + f[12])); }
declare -A BASE_SOCKETS=()
sockets_of() { { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null || true; } | wc -l; }
conns_of() { # socket descriptors of a daemon minus those it had before any client (listener, ...)
  local n; n=$(sockets_of "$1"); n=$((n - ${BASE_SOCKETS[$1]:-0})); echo $((n > 0 ? n : 0))
}
established() { ss -Htn state established "( sport = :$1 )" | wc -l; }
declare -A ESTAB=()
# shellcheck disable=SC2034  # ESTAB is read by scale.sh
count_established() { # port: ESTAB[pid] = established TCP connections of each process on that local port
  local pid n
  ESTAB=()
  while read -r n pid; do ESTAB[$pid]=$n; done < <(ss -Htnp state established "( sport = :$1 )" \
    | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort | uniq -c || true)
}
slab_kb() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }
sockstat_tcp() { awk '$1 == "TCP:" { print "tcp_alloc=" $9 " tw=" $7 " mem_pages=" $11 }' /proc/net/sockstat; }
heap_used_kb() { # full GC, then the used heap (G1 or any collector: first "used NNNK")
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  { jcmd "$1" GC.heap_info 2>/dev/null || true; } | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | sed -n 1p
}
histogram() { # pid file: live-object histogram (triggers a full GC)
  { jcmd "$1" GC.class_histogram 2>/dev/null || true; } | awk '$1 ~ /^[0-9]+:$/ { print $4, $2, $3 }' >"$2"
}
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 10000))
    (($(ss -Htan "( sport = :$p or dport = :$p )" | wc -l) == 0)) && { echo "$p"; return 0; }
  done
  return 1
}
stat_of() { # file prefix name: a counter of /proc/net/snmp or /proc/net/netstat (this namespace)
  awk -v p="$2:" -v n="$3" '$1 == p { if (!h) { for (i = 2; i <= NF; i++) if ($i == n) c = i; h = 1 } else if (c) print $c }' "$1"
}
net_counters() { # JSON: TCP retransmits, listen-queue overflows/drops (namespace), loopback backlog drops (global)
  local b rest drops=0
  while read -r _ b rest; do drops=$((drops + 16#$b)); done </proc/net/softnet_stat
  jq -nc --argjson r "$(stat_of /proc/net/snmp Tcp RetransSegs)" --argjson lo "$(stat_of /proc/net/netstat TcpExt ListenOverflows)" \
    --argjson ld "$(stat_of /proc/net/netstat TcpExt ListenDrops)" --argjson sd "$drops" \
    '{retrans: $r, listen_overflows: $lo, listen_drops: $ld, backlog_drops: $sd}'
}
net_delta() { jq -nc --argjson a "$1" --argjson b "$2" '$b | with_entries(.value -= $a[.key])'; }
record() { jq -c --arg stamp "$STAMP" '. + {stamp: $stamp}' <<<"$1" >>"$RESULTS"; }

# ---- daemons and load generators ----
start_daemon() { # name port workers [extra args...] -> PID in $DPID
  local name=$1 port=$2 workers=$3; shift 3
  java "${DAEMON_JVM[@]}" -jar "$JAR" echo --port "$port" --workers "$workers" \
    --max-connections $((20000 - FD_LIMIT_MARGIN)) --idle-timeout 0 "$@" >"$LOGDIR/$name.log" 2>&1 &
  DPID=$!
  PIDS+=("$DPID")
  local i
  for ((i = 0; i < 300; i++)); do
    if grep -qs "listening on" "$LOGDIR/$name.log"; then
      sleep 0.5
      BASE_SOCKETS[$DPID]=$(sockets_of "$DPID")
      return 0
    fi
    kill -0 "$DPID" 2>/dev/null || break
    sleep 0.1
  done
  tail -5 "$LOGDIR/$name.log" >&2
  die "daemon $name did not start listening on $port"
}
start_loadgen() { # name port conns src_first args... -> PID in $LPID
  local name=$1 port=$2 conns=$3 first=$4; shift 4
  ((conns + 200 < 20000)) || die "$conns connections do not fit one loadgen process (20,000 descriptors)"
  java "${LOADGEN_JVM[@]}" -jar "$LOADGEN" --port "$port" --conns "$conns" --src-ips "$SRC_PER_LG" \
    --src-ip-first "$first" --quiet --json "$LOGDIR/$name.json" --connect-timeout 20 --grace 20 "$@" \
    >"$LOGDIR/$name.out" 2>"$LOGDIR/$name.err" &
  LPID=$!
  PIDS+=("$LPID")
}
wait_ready() { # seconds name...: until every named loadgen printed READY (or ended)
  local limit=$1 i n; shift
  for ((i = 0; i < limit * 5; i++)); do
    n=0
    for name in "$@"; do grep -q "READY" "$LOGDIR/$name.err" 2>/dev/null && n=$((n + 1)); done
    ((n == $#)) && return 0
    sleep 0.2
  done
  log "!! only $n of $# load generators READY after $limit s"
  return 1
}
wait_conns() { # seconds want pid...: until the daemons hold `want` connections together
  local limit=$1 want=$2 i have; shift 2
  for ((i = 0; i < limit * 2; i++)); do
    have=0
    for p in "$@"; do have=$((have + $(conns_of "$p"))); done
    ((have >= want)) && { echo "$have"; return 0; }
    sleep 0.5
  done
  echo "$have"
  return 1
}
finish_loadgens() { # part pid:name...: waits (bounded by the loadgens' own guard + 30 s), records JSON
  local part=$1 item pid name rc i; shift
  for item in "$@"; do
    pid=${item%%:*} name=${item#*:}
    for ((i = 0; i < 1200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    stop_pid "$pid"; rc=$STOP_RC
    if jq -e . "$LOGDIR/$name.json" >/dev/null 2>&1; then
      record "$(jq -c --arg part "$part" --arg name "$name" --argjson rc "$rc" \
        '. + {kind: "loadgen", part: $part, name: $name, exit: $rc}' "$LOGDIR/$name.json")"
    else
      log "!! loadgen $name left no JSON (exit $rc): $(tail -2 "$LOGDIR/$name.err" | tr '\n' ' ')"
      record "$(jq -nc --arg part "$part" --arg name "$name" --argjson rc "$rc" \
        '{kind: "loadgen", part: $part, name: $name, exit: $rc, ok: false, requests: 0, errors: 1, lost: 0, skipped: 0, held: 0, rps: 0, p99_us: 0, max_us: 0}')"
    fi
  done
}
lg_sum() { # part jq-expression over that part's loadgen records (array)
  jq -s --arg part "$1" --arg stamp "$STAMP" "map(select(.stamp == \$stamp and .kind == \"loadgen\" and .part == \$part)) | $2" "$RESULTS"
}
split_conns() { # total per_max -> counts of a balanced split, one per line
  local total=$1 max=$2 k i
  k=$(((total + max - 1) / max))
  for ((i = 0; i < k; i++)); do echo $(((total * (i + 1)) / k - (total * i) / k)); done
}

# ---- kernel limits, inside the namespace ----
check_limits() {
  local somax syn range lo hi
  somax=$(sysctl -n net.core.somaxconn)
  if ((somax < 4096)); then sysctl -qw net.core.somaxconn=4096; log "set net.core.somaxconn $somax -> 4096"; fi
  syn=$(sysctl -n net.ipv4.tcp_max_syn_backlog)
  read -r lo hi <<<"$(sysctl -n net.ipv4.ip_local_port_range)"
  range=$((hi - lo + 1))
  ((PER_LG_MAX / SRC_PER_LG < range)) || die "ephemeral range $lo-$hi too small for $((PER_LG_MAX / SRC_PER_LG)) per source"
  (($(ulimit -n) >= 20000)) || log "!! ulimit -n is $(ulimit -n): fewer connections per process fit"
  LIMITS=$(jq -nc --arg somax "$(sysctl -n net.core.somaxconn)" --arg syn "$syn" --arg range "$lo-$hi" \
    --arg syncookies "$(sysctl -n net.ipv4.tcp_syncookies)" --arg filemax "$(cat /proc/sys/fs/file-max)" \
    --arg nropen "$(cat /proc/sys/fs/nr_open)" --arg nofile "$(ulimit -n)" --arg tcpmem "$SCALE_HOST_TCP_MEM" \
    --arg ct "$(cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo none)" \
    --arg netns "${SCALE_IN_NETNS:-0}" --arg kernel "$(uname -r)" \
    '{kind: "limits", somaxconn: $somax, tcp_max_syn_backlog: $syn, ip_local_port_range: $range,
      tcp_syncookies: $syncookies, file_max: $filemax, nr_open: $nropen, nofile: $nofile,
      tcp_mem_pages_host: $tcpmem, nf_conntrack_count: $ct, private_netns: ($netns == "1"), kernel: $kernel}')
  record "$LIMITS"
  log "limits: $(jq -r 'to_entries | map(select(.key != "kind")) | map("\(.key)=\(.value)") | join(" ")' <<<"$LIMITS")"
}
