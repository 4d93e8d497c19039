"""models.txt parsing, resolving the shipped models, and pulling a URL model from a loopback server."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import ConfigError, ModelError
from assistant.catalog import find, load_catalog, parse_catalog, pull, resolve, verify

from .conftest import ROOT

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()


def test_the_catalog_lists_shipped_and_stronger_models() -> None:
    specs = load_catalog(ROOT / "models.txt")
    names = [s.name for s in specs]
    assert {"smollm2-135m", "gemma3-270m"} <= set(names)
    urls = [s for s in specs if s.is_url]
    assert len(urls) >= 4 and all(len(s.sha256) == 64 for s in urls)
    assert find(specs, "gemma3-270m").completion


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("m https://x/y.gguf abc 2048 chat note", "sha256"),
        ("m ftp://x/y.gguf - 2048 chat note", "source"),
        ("m path:/x.gguf - lots chat note", "context"),
        ("m path:/x.gguf -", "expected"),
    ],
)
def test_bad_catalog_lines_name_the_line(line: str, message: str) -> None:
    with pytest.raises(ConfigError, match=rf"models\.txt:2: .*{message}"):
        parse_catalog("# comment\n" + line, "models.txt")


def test_unknown_model_lists_the_choices() -> None:
    with pytest.raises(ModelError, match="choose one of: smollm2-135m"):
        find(load_catalog(ROOT / "models.txt"), "gpt-9")


def test_shipped_model_resolves_and_is_checked(tmp_path: Path) -> None:
    specs = load_catalog(ROOT / "models.txt")
    path = resolve(find(specs, "smollm2-135m"), tmp_path, specs)
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000


def test_corrupt_model_file_says_which_file_and_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "m.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(ModelError, match=r"m\.gguf is corrupt or incomplete .*download it again"):
        verify(bad, SHA, tmp_path, "download it again")
    with pytest.raises(ModelError, match="is missing"):
        verify(tmp_path / "gone.gguf", SHA, tmp_path, "x")


class _Server:
    """Serves PAYLOAD with Range support; can cut the first response short to force a resume."""

    def __init__(self, cut_first_at: int | None = None) -> None:
        self.cut = cut_first_at
        self.ranges: list[str | None] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                rng = self.headers.get("Range")
                outer.ranges.append(rng)
                start = int(rng.split("=")[1].split("-")[0]) if rng else 0
                body = PAYLOAD[start:]
                self.send_response(206 if rng else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if outer.cut is not None:
                    body, outer.cut = body[: outer.cut], None
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tiny.gguf"

    def close(self) -> None:
        self.httpd.shutdown()


@pytest.fixture
def server() -> Iterator[_Server]:
    s = _Server(cut_first_at=300_000)
    yield s
    s.close()


def test_pull_resumes_and_checks_the_checksum(tmp_path: Path, server: _Server) -> None:
    spec = parse_catalog(f"tiny {server.url} {SHA} 2048 chat a test file")[0]
    with pytest.raises(ModelError, match="run the same command again to resume"):
        pull(spec, tmp_path, timeout=5)
    part = tmp_path / "tiny.gguf.part"
    assert 0 < part.stat().st_size < len(PAYLOAD)
    seen: list[tuple[int, int]] = []
    path = pull(spec, tmp_path, progress=lambda d, t: seen.append((d, t)), timeout=5)
    assert path.read_bytes() == PAYLOAD and not part.exists()
    assert server.ranges[-1] == "bytes=300000-"
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert pull(spec, tmp_path) == path  # already there: nothing to do


def test_pull_with_a_wrong_checksum_keeps_nothing(tmp_path: Path) -> None:
    s = _Server()
    try:
        spec = parse_catalog(f"tiny {s.url} {'0' * 64} 2048 chat a test file")[0]
        with pytest.raises(ModelError, match="does not match its sha256"):
            pull(spec, tmp_path, timeout=5)
        assert not list(tmp_path.glob("tiny*"))
    finally:
        s.close()


def test_pulling_a_requantised_model_installs_its_base_and_makes_it(tmp_path: Path) -> None:
    """`assistant models pull qwen2.5-coder-1.5b-q4` (the README's command for the stronger model)
    once failed: a re-quantised entry was resolved without the catalog that names its base."""
    from assistant.generate import requantize

    specs = load_catalog(ROOT / "models.txt")
    path = pull(find(specs, "smollm2-135m-q4"), tmp_path, specs=specs, requantize=requantize)
    assert path.is_file() and path.with_suffix(".sha256").is_file()
    assert path.stat().st_size < resolve(find(specs, "smollm2-135m"), tmp_path, specs).stat().st_size
    assert pull(find(specs, "smollm2-135m-q4"), tmp_path, specs=specs) == path  # made: nothing to do
