"""The generators with the real shipped models: sampling settings and special tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.generate import load_generator

pytestmark = pytest.mark.model
STORY = [{"role": "user", "content": "Write a short story about a cat who finds a key."}]


def test_temperature_is_honoured(tmp_path: Path) -> None:
    def first_story(**settings: object) -> str:  # a fresh model each time: no prompt cache in play
        return "".join(load_generator(load_settings(data_dir=tmp_path, model="smollm2-135m", **settings)).stream(STORY, 32))

    greedy = first_story()
    assert first_story(temperature=0.0) == greedy  # 0 is greedy: the same text every time
    assert first_story(temperature=2.0) != greedy
