#!/bin/sh
# Container entrypoint: expand $JAVA_OPTS, then exec so the JVM replaces this
# shell and receives SIGTERM from `docker stop` directly (no child to forward to).
# POSIX sh on purpose: the base image's shell is busybox.
set -eu
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options: word splitting wanted
exec java ${JAVA_OPTS:-} -jar /opt/ringside/ringside.jar "$@"
