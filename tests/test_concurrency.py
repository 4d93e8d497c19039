"""Searches beside writes: two threads search while a third ingests and forgets 50 SciFact abstracts
in a loop, through the public Assistant API (the loop is benchmarks/concurrency.py's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from benchmarks.concurrency import Setup, StressResult, setup, stress

pytestmark = pytest.mark.slow


@pytest.fixture
def store(tmp_path: Path) -> Setup:
    return setup(tmp_path, base=150, churn=50)


def check(s: Setup, result: StressResult, cycles: int) -> None:
    assert result.errors == [], result.summary()
    assert result.cycles >= cycles and result.searches >= 10 * cycles
    assert result.churn_hits > 0  # the churned abstracts were found while present: the check below bites
    assert result.stale == []  # none was returned by a search that ran wholly while it was forgotten
    assert result.foreign == []
    still = result.returned - s.churn_ids
    assert set(s.assistant.index.stored(sorted(still))) == still  # every other result is in the store


def test_searches_beside_ingest_and_forget_never_fail_or_return_forgotten_documents(store: Setup) -> None:
    result = stress(store, store.assistant, 30)
    check(store, result, cycles=5)
    assert not [d for d in store.churn_ids if d in store.assistant.index.lexical]  # the last forget is published


def test_searches_beside_another_instance_writing(store: Setup) -> None:
    """The searcher's lexical index is rebuilt from the store after each of the other's writes."""
    other = Assistant(data_dir=store.assistant.settings.data_dir)
    result = stress(store, other, 15)
    check(store, result, cycles=3)
