#!/usr/bin/env bash
# Spark GPU discovery script (spark.worker.resource.gpu.discoveryScript and
# spark.executor.resource.gpu.discoveryScript): prints the GPUs this node offers as
#   {"name": "gpu", "addresses": ["0", "1", ...]}
# and an empty list where nvidia-smi is missing or sees no GPU (the CPU kernel is used then).
set -uo pipefail
ADDRS=""
if command -v nvidia-smi >/dev/null 2>&1; then
  ADDRS=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null \
    | sed -E 's/^[[:space:]]*([0-9]+)[[:space:]]*$/"\1"/' | grep -E '^"[0-9]+"$' | paste -sd, -)
fi
echo "{\"name\": \"gpu\", \"addresses\": [${ADDRS}]}"
