#!/usr/bin/env bash
# Install the peer programs the integration tests run (memcached, TLS); idempotent (nothing to do when present).
#
#   memcached            Debian's memcached 1.6 (the reference of MemcachedDifferentialIT, and the
#                        target of the tests with -Dmemcached.target=debian)
#   libmemcached-tools   memccapable (MemccapableIT) and memcaslap (MemcaslapIT)
#   python3-pymemcache   pymemcache for Debian's /usr/bin/python3 (PymemcacheIT)
#   openssl              openssl req/s_client: the TLS tests' certificates and client (TlsDaemonIT)
#
# Run by the build before the integration tests (integration-tests/pom.xml, pre-integration-test). A test that cannot find one of these fails with a message
# naming this script; none of them skips.
set -euo pipefail

say() { echo "install-peers: $*"; }
die() { echo "install-peers: ERROR: $*" >&2; exit 1; }

missing=()
[[ -x /usr/bin/memcached ]] || missing+=(memcached)
[[ -x /usr/bin/memccapable && -x /usr/bin/memcaslap ]] || missing+=(libmemcached-tools)
/usr/bin/python3 -c 'import pymemcache' >/dev/null 2>&1 || missing+=(python3-pymemcache)
[[ -x /usr/bin/openssl ]] || missing+=(openssl)

if ((${#missing[@]} == 0)); then
  say "memcached, libmemcached-tools, python3-pymemcache and openssl already installed"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || die "missing ${missing[*]} and not root: run 'apt-get install -y ${missing[*]}' as root"
say "installing ${missing[*]} with apt-get"
apt-get update -q
# policy-rc.d: do not let the package start a memcached service on port 11211; the tests start their own.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
rc=0
DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -q "${missing[@]}" || rc=$?
((created_policy)) && rm -f "$policy"
((rc == 0)) || die "apt-get install ${missing[*]} failed (exit $rc)"
for p in /usr/bin/memcached /usr/bin/memccapable /usr/bin/memcaslap /usr/bin/openssl; do
  [[ -x $p ]] || die "$p still missing after the install"
done
/usr/bin/python3 -c 'import pymemcache' || die "pymemcache still not importable by /usr/bin/python3"
say "installed ${missing[*]}"
