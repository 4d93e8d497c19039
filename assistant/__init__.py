"""A local, private research assistant over a person's own paper abstracts."""

from .chat import Assistant, Chat
from .types import (
    Answer,
    AssistantError,
    Citation,
    ConfigError,
    IngestError,
    IngestReport,
    ModelError,
    Passage,
    QuestionError,
    Skipped,
    StoreError,
)

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Chat",
    "Citation",
    "ConfigError",
    "IngestError",
    "IngestReport",
    "ModelError",
    "Passage",
    "QuestionError",
    "Skipped",
    "StoreError",
]
__version__ = "0.1.0"
