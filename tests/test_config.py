"""The settings object: four strict groups, each field read from ASSISTANT_<NAME> by its flat name."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest
from pydantic import ValidationError

from assistant import ConfigError
from assistant.config import AnswerSettings, load_settings


def test_flat_names_reach_their_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"K": "7", "MODEL": "smollm2-135m", "N_CTX": "1024", "FUSION": "rrf", "PORT": "8000"}.items():
        monkeypatch.setenv(f"ASSISTANT_{name}", value)
    s = load_settings(temperature=0.5, model="gemma3-270m")  # a keyword wins over the environment
    assert (s.answer.k, s.model.name, s.model.n_ctx, s.model.temperature) == (7, "gemma3-270m", 1024, 0.5)
    assert (s.retrieval.fusion, s.server.port) == ("rrf", 8000)


def test_bad_values_and_names_are_refused_with_the_setting_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match=r"setting 'k' \(ASSISTANT_K\): .*less than or equal to 20"):
        load_settings(k=99)
    with pytest.raises(ConfigError, match=r"setting 'kk': Extra inputs are not permitted"):
        load_settings(kk=1)
    with pytest.raises(ValidationError):
        AnswerSettings(k=3, top_k=3)  # type: ignore[call-arg]  # each group is extra="forbid" too
    monkeypatch.setenv("ASSISTANT_FUSION", "best")
    with pytest.raises(ConfigError, match=r"setting 'fusion' \(ASSISTANT_FUSION\)"):
        load_settings()


def test_data_dir_from_platformdirs_and_models_dir_beside_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ASSISTANT_DATA_DIR", raising=False)
    monkeypatch.delenv("ASSISTANT_MODELS_DIR", raising=False)
    default = load_settings()
    assert default.data_dir == Path(platformdirs.user_data_dir("research-assistant", appauthor=False))
    assert load_settings(data_dir=tmp_path).models_dir == tmp_path / "models"
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(tmp_path / "shared"))
    assert load_settings(data_dir=tmp_path).models_dir == tmp_path / "shared"
