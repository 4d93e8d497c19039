"""Shared fixtures: every test keeps its state in temp dirs; the seeded assistant is built once."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# The shipped Gemma is assembled (and models re-quantised) once per machine, not once per test data dir.
os.environ.setdefault("ASSISTANT_MODELS_DIR", os.path.join(tempfile.gettempdir(), f"assistant-test-models-{os.getuid()}"))

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
EVAL_SLICES = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's real data dir."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the seed libraries ingested, made once per test session."""
    from assistant import Assistant

    data = tmp_path_factory.mktemp("seeded")
    Assistant(data_dir=data).ingest(SEEDS)
    return data


@pytest.fixture(scope="session")
def seeded(seeded_dir: Path):  # type: ignore[no-untyped-def]
    """A read-only assistant over the seeds with the real model; tests must not change it."""
    from assistant import Assistant

    return Assistant(data_dir=seeded_dir)


@pytest.fixture
def seeded_copy(seeded_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private, writable copy of the seeded data dir."""
    from assistant import Assistant

    data = tmp_path / "copy"
    shutil.copytree(seeded_dir, data)
    return Assistant(data_dir=data)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[object]:
    from assistant import Assistant

    yield Assistant(data_dir=tmp_path / "fresh")
