#!/usr/bin/env bash
# The test command: sets up .venv if needed, then runs lint, types and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
# Headless Chromium for the browser tests (tests/test_web.py); without it they are skipped with the reason.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif [ -t 0 ]; then sudo=(sudo); else sudo=(sudo -n); fi
  if ! { ${sudo[@]+"${sudo[@]}"} apt-get update -qq &&
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }; then
    echo "warning: could not install chromium (apt-get install chromium); the browser tests will be skipped" >&2
  fi
fi
.venv/bin/ruff check assistant tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
