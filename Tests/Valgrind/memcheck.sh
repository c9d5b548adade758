#!/bin/sh
# Runs a command (the daemon and its arguments) under valgrind memcheck, one log per process in
# $ZR_MEMCHECK_LOGS (default .build/memcheck). The end-to-end tests start every daemon through
# it when ZR_DAEMON_WRAPPER points here (`make test-memcheck`); check-logs.py reads the logs.
# `exec`: valgrind keeps this process's ID, so pidfiles, signals and /proc checks still see the
# daemon.
here=$(cd "$(dirname "$0")" && pwd)
logs=${ZR_MEMCHECK_LOGS:-$here/../../.build/memcheck}
mkdir -p "$logs"
# Leak checking happens only on a clean exit (SIGTERM → exit 0); a log without its
# "ERROR SUMMARY" means the daemon was killed or crashed. Only definite leaks count as errors:
# the Swift runtime keeps its metadata caches reachable until exit by design.
exec valgrind --tool=memcheck \
    --error-exitcode=97 \
    --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --track-fds=no --num-callers=40 \
    --suppressions="$here/memcheck.supp" \
    --log-file="$logs/memcheck.%p.log" \
    "$@"
