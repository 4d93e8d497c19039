"""Privacy: ingesting and answering make no connection off this machine, and telemetry is off."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# not imported from conftest: the fresh-process test imports this module and conftest sets the
# very environment variables that test leaves out
ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

_LOCAL = {"127.0.0.1", "::1", "localhost", "0.0.0.0", "::"}


def _is_local(host: object) -> bool:
    h = str(host).strip("[]")
    return h in _LOCAL or h.startswith("127.") or h.startswith("::ffff:127.")


class SocketGuard:
    """Refuses, and records, every connection or name lookup that is not loopback or a Unix socket."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def check(self, family: object, address: Any) -> None:
        if family == socket.AF_UNIX or isinstance(address, str | bytes):
            return
        host = address[0] if isinstance(address, tuple) and address else address
        if not _is_local(host):
            self.attempts.append(f"{host}:{address[1] if isinstance(address, tuple) and len(address) > 1 else ''}")
            raise OSError(f"test guard: no connection to {address!r} allowed")

    def install(self, mp: pytest.MonkeyPatch) -> None:
        guard = self
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
        real_create, real_getaddrinfo = socket.create_connection, socket.getaddrinfo

        def connect(sock: socket.socket, address: Any) -> None:
            guard.check(sock.family, address)
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            guard.check(sock.family, address)
            return real_connect_ex(sock, address)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
            guard.check(socket.AF_INET, address)
            return real_create(address, *args, **kwargs)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host is not None and not _is_local(host.decode() if isinstance(host, bytes) else host):
                guard.attempts.append(f"lookup {host}")
                raise socket.gaierror(f"test guard: no name lookup of {host!r} allowed")
            return real_getaddrinfo(host, *args, **kwargs)

        mp.setattr(socket.socket, "connect", connect)
        mp.setattr(socket.socket, "connect_ex", connect_ex)
        mp.setattr(socket, "create_connection", create_connection)
        mp.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[SocketGuard]:
    g = SocketGuard()
    g.install(monkeypatch)
    yield g


def test_the_guard_refuses_the_outside_and_allows_loopback_and_unix(guard: SocketGuard, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="test guard"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    with pytest.raises(OSError), socket.socket() as s:
        s.connect(("198.51.100.7", 80))
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("huggingface.co", 443)
    assert len(guard.attempts) == 3
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        socket.create_connection(srv.getsockname(), timeout=1).close()
    with socket.socket(socket.AF_UNIX) as u:
        u.bind(str(tmp_path / "s"))
        u.listen()
        with socket.socket(socket.AF_UNIX) as c:
            c.connect(str(tmp_path / "s"))
    assert len(guard.attempts) == 3


@pytest.mark.model
def test_ingest_and_answer_make_no_outbound_connection(guard: SocketGuard, tmp_path: Path) -> None:
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path / "d")
    assert a.ingest(SEEDS).added == 18
    ans = a.ask("How many parameters does BLOOM have?")
    assert "176" in ans.text and ans.citations
    assert a.index._client.get_settings().anonymized_telemetry is False
    assert guard.attempts == []


_CHILD = r"""
import json, os, socket, sys
sys.path.insert(0, sys.argv[1])
from tests.test_privacy import SocketGuard

class MP:  # enough of pytest's MonkeyPatch for SocketGuard.install
    def setattr(self, obj, name, value):
        setattr(obj, name, value)

guard = SocketGuard()
guard.install(MP())
from assistant import Assistant
a = Assistant(data_dir=sys.argv[2])
a.ingest(sys.argv[3])
ans = a.ask("How many parameters does BLOOM have?")
print(json.dumps({"attempts": guard.attempts, "text": ans.text, "telemetry": a.index._client.get_settings().anonymized_telemetry,
                  "env": os.environ.get("ANONYMIZED_TELEMETRY")}))
"""


@pytest.mark.model
@pytest.mark.slow
def test_a_fresh_process_without_privacy_env_vars_stays_local(tmp_path: Path) -> None:
    """From import on (model and embedder loading included), with none of the offline/telemetry
    variables set by the caller: the package's own defaults must keep everything local."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "ANONYMIZED_TELEMETRY", "GRADIO_ANALYTICS_ENABLED")}
    r = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ROOT), str(tmp_path / "d"), str(SEEDS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["attempts"] == [], out
    assert "176" in out["text"] and out["telemetry"] is False and out["env"] == "False"


@pytest.mark.skipif(not (ROOT / "assistant" / "web.py").exists(), reason="the web app (assistant/web.py) is not there yet")
def test_the_web_module_turns_gradio_analytics_off() -> None:
    env = {k: v for k, v in os.environ.items() if k != "GRADIO_ANALYTICS_ENABLED"}
    code = "import os, assistant.web, gradio; print(os.environ.get('GRADIO_ANALYTICS_ENABLED'))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().splitlines()[-1] == "False"
