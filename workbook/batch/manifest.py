"""Fingerprints and manifests: which pages are current, for resume.

``reports/<client>/manifest.json`` records, per page, the fingerprint of its
inputs (:func:`fingerprint`), whether it succeeded and where the seconds went.
A page whose fingerprint is unchanged and whose files exist is not run again.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from .jobs import PARTS, Outcome

MANIFEST = "manifest.json"

_PACKAGE_DIGEST: str | None = None


def package_digest() -> str:
    """Version plus a hash of the package's code and templates."""
    global _PACKAGE_DIGEST
    if _PACKAGE_DIGEST is None:
        root = Path(__file__).resolve().parents[1]  # the workbook package
        h = hashlib.sha256(__version__.encode())
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".css", ".html", ".j2") and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
        _PACKAGE_DIGEST = h.hexdigest()
    return _PACKAGE_DIGEST


def _hash_tree(h, path: Path) -> None:
    if path.is_file():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    elif path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file():
                h.update(str(child.relative_to(path)).encode())
                h.update(child.read_bytes())


def fingerprint(client_dir: Path, framework: str, notebook: Path, extra: str = "") -> str:
    """Hash of everything a framework page depends on.

    The client's profile, the framework's inputs, tables and history (the
    report says what changed since the previous session), the inputs of the
    frameworks it reads (its module's ``RELATED``), the notebook, and the
    package's version and code.
    """
    h = hashlib.sha256()
    parts = [client_dir / "profile.json", client_dir / f"{framework}.json", client_dir / framework,
             client_dir / ".history" / framework, notebook]
    for other in _related(framework):  # frameworks whose saved inputs this one reads
        parts += [client_dir / f"{other}.json", client_dir / other]
    for part in parts:
        h.update(b"\0" + str(part.name).encode())
        _hash_tree(h, part)
    h.update(package_digest().encode())
    h.update(extra.encode())
    return h.hexdigest()[:32]


def _related(framework: str) -> tuple[str, ...]:
    from .. import registry

    try:
        return tuple(getattr(registry.get(framework).module, "RELATED", ()))
    except Exception:  # noqa: BLE001 - the summary and unknown names have none; a broken room fails later, clearly
        return ()


def load_manifest(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / MANIFEST).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_manifest(out_dir: Path, manifest: dict) -> None:
    from ..store import atomic_write

    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _entry(o: Outcome) -> dict:
    """A manifest line: fingerprint, success and where the seconds went."""
    entry = {"fingerprint": o.fingerprint, "ok": o.ok,
             "seconds": {k: round(v, 4) for k, v in o.timings.items()}}
    if not o.ok:
        entry["error"] = o.error
        entry["cell"] = o.cell
    return entry


def _outputs_exist(out_dir: Path, framework: str) -> bool:
    return all((out_dir / name).is_file() for name in
               (f"{framework}.html", f"{PARTS}/{framework}.html", f"{framework}.headline.json"))

