"""One Settings object: typed, described, bounded fields, read from ASSISTANT_* env vars."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .types import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
# A source checkout keeps prompts/ and models.txt beside the package; an installed wheel carries
# copies inside it (see pyproject.toml). Prefer the checkout so edits take effect at once.
_ROOT = PACKAGE_DIR.parent


def _resource(name: str) -> Path:
    here = _ROOT / name
    return here if here.exists() else PACKAGE_DIR / "_data" / name


def default_data_dir() -> Path:
    """The per-user data folder of the platform (XDG on Linux, Application Support on macOS...)."""
    return Path(platformdirs.user_data_dir("research-assistant", appauthor=False))


class Settings(BaseSettings):
    """Every tunable of the assistant; env vars are ASSISTANT_<FIELD>, e.g. ASSISTANT_DATA_DIR."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid", validate_assignment=True, frozen=False)

    data_dir: Path = Field(
        default_factory=default_data_dir, description="Where the store, the lexical index and pulled models live."
    )
    chroma_url: str | None = Field(None, description="Use a Chroma server (http://host:port) instead of the embedded store.")
    llm_url: str | None = Field(
        None, description="Use an OpenAI-compatible server (http://host:port/v1) instead of an in-process model."
    )
    llm_timeout: float = Field(
        300.0, gt=0, le=3600, description="Seconds to wait for the model server (ASSISTANT_LLM_URL) to send the next piece."
    )
    model: str = Field("gemma3-270m", description="Model name from models.txt, or a path to a .gguf file.")
    models_dir: Path = Field(
        description="Where pulled, assembled and re-quantised models live (default: <data dir>/models); "
        "point several data dirs at one folder to share them."
    )
    models_file: Path = Field(default_factory=lambda: _resource("models.txt"), description="The model catalog.")
    prompts_dir: Path = Field(default_factory=lambda: _resource("prompts"), description="Folder of prompt files.")

    embed_backend: Literal["torch", "onnx", "onnx-int8"] = Field("onnx-int8", description="How embeddings are computed.")
    embed_max_tokens: int = Field(
        128,
        ge=16,
        le=256,
        description="Tokens of each text the embedder reads (the model's own limit is 256). 128 embeds 2.7x faster "
        "with the same hybrid SciFact nDCG@10 (0.744 vs 0.745); a different value is a different collection.",
    )
    embed_batch: int = Field(
        8,
        ge=1,
        le=4096,
        description="Texts per embedding run (sorted by length first). Small batches run the int8 model faster on "
        "2 cores: 8 gave ~130 abstracts/s against ~98 for 64.",
    )

    k: int = Field(4, ge=1, le=20, description="Passages shown to the model per question.")
    candidates: int = Field(100, ge=10, le=2000, description="Candidates each retriever contributes before fusion.")
    fusion: Literal["z", "rrf"] = Field(
        "z", description="z: weighted sum of z-scored retriever scores; rrf: reciprocal rank fusion."
    )
    rrf_k: float = Field(60.0, gt=0, le=1000, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(0.35, ge=0, le=10, description="Weight of the dense retriever in the fusion.")
    lexical_weight: float = Field(0.65, ge=0, le=10, description="Weight of the lexical (BM25) retriever in the fusion.")
    bm25_k1: float = Field(1.2, ge=0, le=5, description="BM25 term-frequency saturation.")
    bm25_b: float = Field(0.9, ge=0, le=1, description="BM25 length normalisation.")
    title_weight: int = Field(1, ge=0, le=5, description="How many extra times a title's terms count in the lexical index.")
    sentences_per_passage: int = Field(2, ge=1, le=20, description="Best sentences of the top abstract shown to the model.")
    sentences_other: int = Field(
        1,
        ge=1,
        le=20,
        description="Best sentences of each further abstract shown to the model (fewer tokens, faster first token).",
    )

    n_ctx: int = Field(2048, ge=512, le=131072, description="Model context window in tokens.")
    n_threads: int = Field(
        default_factory=lambda: max(1, min(os.cpu_count() or 1, 8)),
        ge=1,
        le=256,
        description="CPU threads for generation.",
    )
    n_batch: int = Field(512, ge=8, le=8192, description="Prompt tokens evaluated per batch.")
    max_tokens: int = Field(96, ge=8, le=4096, description="Most tokens generated for one answer.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature; 0 is greedy and repeatable.")
    max_question_chars: int = Field(2000, ge=50, le=100000, description="Longer questions are trimmed to this many characters.")
    history_turns: int = Field(2, ge=0, le=10, description="Earlier questions of a chat used to retrieve for a follow-up.")

    abstain_threshold: float = Field(0.5, ge=0, le=1, description="Least evidence (0-1) to attempt an answer.")

    host: str = Field("127.0.0.1", min_length=1, description="Address `assistant serve` binds; any but loopback needs auth.")
    port: int = Field(7860, ge=1, le=65535, description="Port of `assistant serve`.")
    auth: SecretStr | None = Field(
        None,
        description="Login for `assistant serve`: the path of a file holding USER:PASSWORD (best: not in `ps` "
        "or the shell history), or USER:PASSWORD itself.",
    )
    upload_max_mb: float = Field(20.0, gt=0, le=2048, description="Largest file accepted by the web upload.")

    @model_validator(mode="before")
    @classmethod
    def _models_beside_data(cls, values: Any) -> Any:
        if isinstance(values, dict) and not values.get("models_dir"):
            values = {**values, "models_dir": Path(values.get("data_dir") or default_data_dir()).expanduser() / "models"}
        return values

    @field_validator("data_dir", "models_dir", "models_file", "prompts_dir", mode="before")
    @classmethod
    def _expand(cls, v: Any) -> Any:
        return Path(v).expanduser() if isinstance(v, str | Path) else v


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with explicit overrides (None means 'not given')."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"setting {where!r}: {first['msg']}") from None
