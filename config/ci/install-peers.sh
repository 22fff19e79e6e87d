#!/usr/bin/env bash
# Install the peer programs the integration tests run; idempotent (nothing to do when present).
#
#   memcached            Debian's memcached 1.6 (the reference of MemcachedDifferentialIT, and the
#                        target of the tests with -Dmemcached.target=debian)
#   libmemcached-tools   memccapable (MemccapableIT) and memcaslap (MemcaslapIT)
#   python3-pymemcache   pymemcache for Debian's /usr/bin/python3 (PymemcacheIT)
#   nutcracker           twemproxy 0.5, the sharding proxy in front of three daemons (MemcachedShardIT)
#   haproxy              Debian's HAProxy 2.6, the PROXY protocol sender of HaproxyProxyProtocolIT, and the
#                        PROXY header parser (accept-proxy) behind the relay in ProxyTlsIT
#   iproute2             ip, to bring up the loopback of the private network namespace in which
#                        ReusePortHandoverIT runs a hand-over with net.ipv4.tcp_migrate_req=1
#   systemd              systemd-analyze verify of config/systemd/ringside.service (DeploymentFilesIT);
#                        installed only for the tool, no service is started
#   openssl              openssl req/s_client/s_server: the TLS tests' certificates and client (TlsDaemonIT),
#                        the relay's TLS target (ProxyTlsIT)
#   prometheus           promtool check metrics: Prometheus's own parser and linter reads the daemon's /metrics
#                        page (OperatorsIT); installed only for the tool, no service is started
#
# Run by the build before the integration tests (integration-tests/pom.xml, pre-integration-test). A test
# that cannot find one of these fails with a message naming this script; none of them skips.
set -euo pipefail

say() { echo "install-peers: $*"; }
die() { echo "install-peers: ERROR: $*" >&2; exit 1; }

# package  the file that proves it is installed
PEERS=(
  "memcached /usr/bin/memcached"
  "libmemcached-tools /usr/bin/memccapable"
  "libmemcached-tools /usr/bin/memcaslap"
  "nutcracker /usr/sbin/nutcracker"
  "haproxy /usr/sbin/haproxy"
  "iproute2 /usr/sbin/ip"
  "systemd /usr/bin/systemd-analyze"
  "openssl /usr/bin/openssl"
  "prometheus /usr/bin/promtool"
)

missing=()
for peer in "${PEERS[@]}"; do
  read -r pkg file <<<"$peer"
  [[ -x $file ]] || [[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
done
/usr/bin/python3 -c 'import pymemcache' >/dev/null 2>&1 || missing+=(python3-pymemcache)

if ((${#missing[@]} == 0)); then
  say "every peer already installed (${#PEERS[@]} programs and pymemcache)"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || die "missing ${missing[*]} and not root: run 'apt-get install -y ${missing[*]}' as root"
say "installing ${missing[*]} with apt-get"
apt-get update -q -o DPkg::Lock::Timeout=300
# policy-rc.d: do not let a package start its service (memcached on 11211, haproxy, nutcracker, prometheus); the
# tests start their own.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
rc=0
DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}" || rc=$?
((created_policy)) && rm -f "$policy"
((rc == 0)) || die "apt-get install ${missing[*]} failed (exit $rc)"
for peer in "${PEERS[@]}"; do
  read -r pkg file <<<"$peer"
  [[ -x $file ]] || die "$file still missing after the install of $pkg"
done
/usr/bin/python3 -c 'import pymemcache' || die "pymemcache still not importable by /usr/bin/python3"
say "installed ${missing[*]}"
