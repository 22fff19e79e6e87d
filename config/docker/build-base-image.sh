#!/usr/bin/env bash
# Build the local JRE base image (default ringside/jre:17) from the JDK on this
# machine; idempotent.
#
# Why: no registry is reachable here, so no FROM image can be pulled. The image is
# a jlink'ed runtime plus exactly the shared libraries it links against, a static
# busybox for a shell, and nothing else, fed to `docker import`.
#
# Usage: build-base-image.sh [--force]
#   --force                 rebuild even if the image exists
# Environment:
#   RINGSIDE_BASE_IMAGE     image name (default ringside/jre:17)
#   RINGSIDE_JRE_MODULES    comma-separated jlink modules (default below)
#   JAVA_HOME               JDK 17+ to take jlink and the modules from
#                           (default: the JDK behind `java` on PATH)
set -euo pipefail

readonly IMAGE=${RINGSIDE_BASE_IMAGE:-ringside/jre:17}
# java.logging/java.xml/java.naming/java.management: Logback (JUL bridge, XML
# config, JNDI lookups, JMX configurator); jdk.unsupported: sun.misc.Signal and
# sun.misc.Unsafe (Disruptor, Guava); java.sql: picocli's java.sql.Time and
# Timestamp converters (optional, cheap to keep); jdk.management: the
# com.sun.management MXBeans. No java.desktop, no compiler, no tools.
readonly DEFAULT_MODULES=java.base,java.logging,java.management,jdk.unsupported,java.naming,java.xml,java.sql,jdk.management
readonly MODULES=${RINGSIDE_JRE_MODULES:-$DEFAULT_MODULES}

say() { echo "build-base-image: $*"; }
die() { echo "build-base-image: ERROR: $*" >&2; exit 1; }

force=false
for arg in "$@"; do
  case $arg in
    --force) force=true ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg (usage: $0 [--force])" ;;
  esac
done

docker info >/dev/null 2>&1 || die "no docker engine answers; run $(dirname "$0")/ensure-docker.sh first"

if ! $force && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE already exists (use --force to rebuild)"
  exit 0
fi

# --- Find a JDK 17+ (jlink and jmods are needed, a bare JRE will not do). -----
if [[ -n ${JAVA_HOME:-} ]]; then
  jdk=$JAVA_HOME
else
  java_bin=$(command -v java) || die "no JAVA_HOME and no java on PATH"
  jdk=$(dirname "$(dirname "$(readlink -f "$java_bin")")")
fi
[[ -x $jdk/bin/jlink ]] || die "$jdk has no bin/jlink: JAVA_HOME must point to a JDK, not a JRE"
spec=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 |
  awk -F' = ' '/java.specification.version/ {print $2}')
major=${spec%%.*}
if ! [[ $major =~ ^[0-9]+$ ]] || ((major < 17)); then
  die "$jdk is Java '$spec'; need 17 or newer"
fi
# jlink 21 deprecated the numeric levels in favour of zip-N.
if ((major >= 21)); then compress=zip-6; else compress=2; fi
say "building $IMAGE from $jdk (Java $spec), modules $MODULES"

start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/ringside-jre.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
jre=$rootfs/opt/jre
mkdir -p "$rootfs"/{bin,etc,opt} "$rootfs/tmp"
chmod 1777 "$rootfs/tmp" # hsperfdata and java.io.tmpdir, for any user

# --- The runtime. -------------------------------------------------------------
"$jdk/bin/jlink" --add-modules "$MODULES" \
  --strip-debug --no-header-files --no-man-pages --compress="$compress" \
  --output "$jre"
# Debian's JDK keeps lib/security/* as links into /etc; jlink copies their
# contents, but never ship a link that would dangle in the image.
find "$jre" -xtype l -print -delete | sed 's/^/build-base-image: removed dangling link /'

# --- Shared libraries: everything bin/java, libjvm.so and the JRE's own .so
#     files load from outside the JRE, plus the dynamic loader (ldd prints it as
#     a bare path). The JRE's .so files find libjvm.so only because the launcher
#     has loaded it already, hence LD_LIBRARY_PATH for ldd. --parents keeps
#     /lib/x86_64-linux-gnu/... where the loader looks.
jre_ldd() {
  local f
  for f in "$jre/bin/java" "$jre/lib/server/libjvm.so" "$jre"/lib/*.so; do
    echo "== ${f#"$jre"/}"
    LD_LIBRARY_PATH=$jre/lib/server:$jre/lib ldd "$f"
  done
}
ldd_out=$(jre_ldd)
missing=$(awk '/^== / {f = $2} /not found/ {print f ": " $1}' <<<"$ldd_out" | sort -u)
[[ -z $missing ]] || die "unresolved shared libraries: $missing"
libs=$(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$ldd_out" | sort -u)
while read -r lib; do
  [[ -n $lib && $lib != "$jre"/* ]] || continue
  cp --parents -L "$lib" "$rootfs"
done <<<"$libs"

# --- A shell: Debian's static busybox (no libraries of its own). -------------
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
  say "installing busybox-static (need a statically linked /bin/busybox)"
  apt-get update -q -o DPkg::Lock::Timeout=300
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -q -o DPkg::Lock::Timeout=300 busybox-static
fi
cp /bin/busybox "$rootfs/bin/busybox"
# Every applet as a link (sh, ps, kill, nc, wget, ...): handy for exec and health checks.
for applet in $("$rootfs/bin/busybox" --list); do
  [[ -e $rootfs/bin/$applet ]] || ln -s busybox "$rootfs/bin/$applet"
done
ln -sf busybox "$rootfs/bin/sh"

# --- Minimal /etc: user names for getpwuid (user.name, user.home) and a fixed
#     name-service order (glibc's built-in default puts dns before files).
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
mkdir -m 700 "$rootfs/root"

# --- Import. ------------------------------------------------------------------
tar --numeric-owner -C "$rootfs" -c . |
  docker import \
    --change 'ENV PATH=/opt/jre/bin:/bin' \
    --change 'ENV JAVA_HOME=/opt/jre' \
    --change 'CMD ["java", "-version"]' \
    --message "ringside JRE from $jdk (Java $spec)" \
    - "$IMAGE" >/dev/null

say "verifying: docker run --rm --network host $IMAGE java -version"
docker run --rm --network host "$IMAGE" java -version
docker run --rm --network host "$IMAGE" sh -c 'echo "build-base-image: shell ok"'
size=$(docker image ls --format "{{.Size}}" "$IMAGE")
say "built $IMAGE ($size) in $((SECONDS - start))s"
