"""The command line through its installed entry point, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEEDS

ENTRY = shutil.which("assistant", path=str(Path(sys.executable).parent)) or "assistant"


def run(*args: str, data_dir: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    return subprocess.run([ENTRY, *args], capture_output=True, text=True, env=env, input=input, timeout=300)


def test_ingest_search_forget(tmp_path: Path) -> None:
    data = tmp_path / "d"
    r = run("ingest", str(SEEDS), data_dir=data)
    assert r.returncode == 0, r.stderr
    assert "18 added" in r.stdout
    r = run("ingest", str(SEEDS), "--json", data_dir=data)
    assert json.loads(r.stdout)["unchanged"] == 18
    r = run("search", "UniMax", "--json", data_dir=data)
    assert "UniMax" in json.loads(r.stdout)[0]["text"]
    r = run("libraries", data_dir=data)
    assert "Alex: 9" in r.stdout and "Tony: 10" in r.stdout
    r = run("forget", "--library", "Alex", data_dir=data)
    assert r.returncode == 0 and "8 document(s) removed, 1 kept" in r.stdout


@pytest.mark.model
def test_ask_json_and_plain(seeded_dir: Path) -> None:
    r = run("ask", "How many parameters does BLOOM have?", "--json", data_dir=seeded_dir)
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert "176" in ans["text"] and not ans["abstained"]
    assert ans["citations"][0]["libraries"] == ["Tony"]
    r = run("ask", "What is the capital of France?", data_dir=seeded_dir)
    assert r.returncode == 0 and "does not seem to hold" in r.stdout


@pytest.mark.model
def test_chat_in_the_terminal(seeded_dir: Path) -> None:
    r = run("chat", data_dir=seeded_dir, input="How many parameters does BLOOM have?\n\n")
    assert r.returncode == 0, r.stderr
    assert "176" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ingest", "no/such/file.txt"), "no such file or folder"),
        (("ask", "   "), "the question is empty"),
        (("models", "pull"), "say which model"),
        (("ask", "hi", "--model", "gpt-9"), "unknown model"),
        (("forget",), "say what to forget"),
    ],
)
def test_user_mistakes_print_one_line_and_fail(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    r = run(*args, data_dir=tmp_path / "d")
    assert r.returncode == 1
    assert message in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_bad_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "lib.txt"
    bad.write_bytes(b"Alex\nAbstract: caf\xe9\n")
    r = run("ingest", str(bad), data_dir=tmp_path / "d")
    assert r.returncode == 1 and f"{bad}:2: the file is not UTF-8" in r.stderr


def test_models_lists_what_is_installed(tmp_path: Path) -> None:
    r = run("models", data_dir=tmp_path / "d")
    assert r.returncode == 0
    assert not (tmp_path / "d" / "chroma").exists()  # listing the catalog opens no store
    default = next(x for x in r.stdout.splitlines() if "qwen2.5-coder-0.5b-q4 " in x)
    assert default.startswith("*")  # the default model is marked
    parts = next(x for x in r.stdout.splitlines() if "qwen2.5-coder-0.5b " in x)
    assert "installed" in parts  # its wheels are installed: it is joined on first use
    shipped = next(x for x in r.stdout.splitlines() if "smollm2-135m " in x)
    assert "installed" in shipped
    assert "qwen2.5-1.5b" in r.stdout and "pull" in r.stdout
    rows = [x for x in r.stdout.splitlines() if " ctx " in x]
    starts = {x.index(" ctx ") for x in rows}
    assert len(starts) == 1, "the columns line up, the longest name included"
