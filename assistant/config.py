"""One Settings object in four groups: typed, described, bounded fields, read from ASSISTANT_* env vars."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

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


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RetrievalSettings(_Group):
    """Finding the abstracts: the store, the embedder, BM25 and the fusion of the two rankings."""

    chroma_url: str | None = Field(None, description="Use a Chroma server (http://host:port) instead of the embedded store.")
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
    history_turns: int = Field(2, ge=0, le=10, description="Earlier questions of a chat used to retrieve for a follow-up.")


class AnswerSettings(_Group):
    """Answering from what was found: how much the model is shown, how long it writes, when to abstain."""

    k: int = Field(4, ge=1, le=20, description="Passages shown to the model for a fact, explain or yes/no question.")
    max_tokens: int = Field(96, ge=8, le=4096, description="Most tokens generated for a fact or yes/no answer.")
    max_tokens_long: int = Field(
        240,
        ge=8,
        le=4096,
        description="Most tokens generated for an explanation (a list or comparison is written in short calls).",
    )
    max_question_chars: int = Field(2000, ge=50, le=100000, description="Longer questions are trimmed to this many characters.")
    abstain_threshold: float = Field(
        0.675,
        ge=0,
        le=1,
        description="Least evidence strength (0-1) to attempt an answer; set on the dev half of PubMedQA with half of the "
        "gold abstracts removed (python -m benchmarks.abstention): at most 1 in 20 answerable questions abstained.",
    )
    model_refusal: Literal["abstain", "quote"] = Field(
        "abstain",
        description="When the evidence passed but the model says the abstracts do not answer and wrote nothing that "
        "checks out: abstain, or quote the best sentence.",
    )


class ModelSettings(_Group):
    """The language model: which one (ASSISTANT_MODEL), where it runs and how it samples."""

    name: str = Field("qwen2.5-coder-0.5b-q4", description="Model name from models.txt, or a path to a .gguf file.")
    llm_url: str | None = Field(
        None, description="Use an OpenAI-compatible server (http://host:port/v1) instead of an in-process model."
    )
    llm_timeout: float = Field(
        300.0, gt=0, le=3600, description="Seconds to wait for the model server (ASSISTANT_LLM_URL) to send the next piece."
    )
    n_ctx: int = Field(4096, ge=512, le=131072, description="Model context window in tokens (at most the catalog's).")
    n_threads: int = Field(
        default_factory=lambda: max(1, min(os.cpu_count() or 1, 8)),
        ge=1,
        le=256,
        description="CPU threads for generation.",
    )
    n_batch: int = Field(512, ge=8, le=8192, description="Prompt tokens evaluated per batch.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature; 0 is greedy and repeatable.")


class ServerSettings(_Group):
    """`assistant serve`: where it listens, the login, what it accepts."""

    host: str = Field("127.0.0.1", min_length=1, description="Address `assistant serve` binds; any but loopback needs auth.")
    port: int = Field(7860, ge=1, le=65535, description="Port of `assistant serve`.")
    auth: SecretStr | None = Field(
        None,
        description="Login for `assistant serve`: the path of a file holding USER:PASSWORD (best: not in `ps` "
        "or the shell history), or USER:PASSWORD itself.",
    )
    upload_max_mb: float = Field(20.0, gt=0, le=2048, description="Largest file accepted by the web upload.")


_GROUPS: dict[str, type[_Group]] = {
    "retrieval": RetrievalSettings,
    "answer": AnswerSettings,
    "model": ModelSettings,
    "server": ServerSettings,
}
# Every grouped field keeps its flat name, as an ASSISTANT_<NAME> env var and as a keyword
# (Assistant(k=3), --set k=3); the model's name is ASSISTANT_MODEL / model=.
FLAT: dict[str, tuple[str, str]] = {
    ("model" if (group, field) == ("model", "name") else field): (group, field)
    for group, cls in _GROUPS.items()
    for field in cls.model_fields
}


def _nest(values: dict[str, Any]) -> dict[str, Any]:
    """Flat names (k, temperature, model...) moved into their groups; explicit groups are kept."""
    out = {k: v for k, v in values.items() if k not in FLAT}
    for name, value in values.items():
        if name in FLAT and not (name == "model" and isinstance(value, dict | ModelSettings)):
            group, field = FLAT[name]
            given = out.get(group, {})
            out[group] = {**(given.model_dump() if isinstance(given, BaseModel) else given), field: value}
    return out


class _FlatEnv(PydanticBaseSettingsSource):
    """ASSISTANT_<NAME> env vars for every field, grouped or not (ASSISTANT_K, ASSISTANT_MODEL)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads them all at once

    def __call__(self) -> dict[str, Any]:
        env = {k.upper(): v for k, v in os.environ.items()}
        names = [n for n in Settings.model_fields if n not in _GROUPS] + list(FLAT)
        return _nest({n: env[f"ASSISTANT_{n.upper()}"] for n in names if f"ASSISTANT_{n.upper()}" in env})


class Settings(BaseSettings):
    """Every tunable of the assistant, grouped as PaperQA2 groups its settings (retrieval, answer,
    model, server; paths at the top). Each is read from ASSISTANT_<NAME> by its flat name
    (ASSISTANT_K, ASSISTANT_TEMPERATURE, ASSISTANT_MODEL) and given by that name as a keyword
    (Settings(k=3), Assistant(temperature=0.2)); in code it is read by group: settings.answer.k."""

    model_config = SettingsConfigDict(extra="forbid", validate_assignment=True, frozen=False)

    data_dir: Path = Field(
        default_factory=default_data_dir, description="Where the store, the lexical index and pulled models live."
    )
    models_dir: Path = Field(
        description="Where pulled, assembled and re-quantised models live (default: <data dir>/models); "
        "point several data dirs at one folder to share them."
    )
    models_file: Path = Field(default_factory=lambda: _resource("models.txt"), description="The model catalog.")
    prompts_dir: Path = Field(default_factory=lambda: _resource("prompts"), description="Folder of prompt files.")

    retrieval: RetrievalSettings = Field(default_factory=lambda: RetrievalSettings.model_validate({}))
    answer: AnswerSettings = Field(default_factory=lambda: AnswerSettings.model_validate({}))
    model: ModelSettings = Field(default_factory=lambda: ModelSettings.model_validate({}))
    server: ServerSettings = Field(default_factory=lambda: ServerSettings.model_validate({}))

    def __init__(self, **values: Any) -> None:
        super().__init__(**_nest(values))

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _FlatEnv(settings_cls)

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
        loc = tuple(str(p) for p in first["loc"])
        name = next((flat for flat, place in FLAT.items() if place == loc[:2]), loc[0] if loc else "?")
        known = name in FLAT or name in Settings.model_fields
        raise ConfigError(f"setting {name!r}{f' (ASSISTANT_{name.upper()})' if known else ''}: {first['msg']}") from None
