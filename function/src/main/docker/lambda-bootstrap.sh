#!/bin/sh
# Lambda custom-runtime bootstrap for the native executable: the one place to give it system properties.
# Only /tmp is writable on Lambda, and the shipped student is unpacked under user.home.
exec "${LAMBDA_TASK_ROOT}/runner" -Duser.home=/tmp -Dai.djl.offline=true "$@"
