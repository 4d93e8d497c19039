#!/usr/bin/env bash
# The test command: sets up .venv if needed, then runs lint, types and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
.venv/bin/ruff check assistant tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
