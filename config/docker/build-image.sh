#!/usr/bin/env bash
# Build the daemon image (default ringside/daemon:latest) from the shaded jar.
#
# Works offline: makes sure an engine runs and the local JRE base image exists,
# then builds from a throwaway context holding only the jar, the entrypoint and
# the Dockerfile (the repository is too big, and mostly irrelevant, as a context).
#
# Usage: build-image.sh [extra docker build args, e.g. --no-cache]
# Environment:
#   RINGSIDE_JAR          jar to package (default sample-services/target/ringside.jar)
#   RINGSIDE_IMAGE        image to build (default ringside/daemon:latest)
#   RINGSIDE_BASE_IMAGE   base image (default ringside/jre:17, built if missing)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
readonly here root
readonly JAR=${RINGSIDE_JAR:-$root/sample-services/target/ringside.jar}
readonly IMAGE=${RINGSIDE_IMAGE:-ringside/daemon:latest}
export RINGSIDE_BASE_IMAGE=${RINGSIDE_BASE_IMAGE:-ringside/jre:17}

say() { echo "build-image: $*"; }
die() { echo "build-image: ERROR: $*" >&2; exit 1; }

# Check the jar first: no point starting an engine without it.
[[ -f $JAR ]] || die "$JAR not found; build it first: mvn -B package -DskipTests"

"$here/ensure-docker.sh"
"$here/build-base-image.sh"

context=$(mktemp -d "${TMPDIR:-/tmp}/ringside-image.XXXXXX")
trap 'rm -rf "$context"' EXIT
cp "$JAR" "$context/ringside.jar"
cp "$here/entrypoint.sh" "$here/Dockerfile" "$context/"

old_id=$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
say "building $IMAGE from $JAR on $RINGSIDE_BASE_IMAGE"
# --network host: the engine runs without a bridge, so there is no default network.
docker build --network host --build-arg "BASE_IMAGE=$RINGSIDE_BASE_IMAGE" \
  -t "$IMAGE" "$@" "$context"

# A rebuild leaves the previous image untagged; drop it unless a container uses it.
new_id=$(docker image inspect -f '{{.Id}}' "$IMAGE")
if [[ -n $old_id && $old_id != "$new_id" ]]; then
  docker image rm "$old_id" >/dev/null 2>&1 || true
fi
size=$(docker image ls --format "{{.Size}}" "$IMAGE")
say "built $IMAGE ($size)"
