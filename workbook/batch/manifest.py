"""Fingerprints and manifests: which pages are current, for resume.

``reports/<client>/manifest.json`` records, per page, the fingerprint of its
inputs (:func:`fingerprint`), whether it succeeded and where the seconds went
(a :class:`PageEntry`), the same for the executive summary, and the digest of
the ``report.html`` last printed to PDF.  A page whose fingerprint is
unchanged and whose files exist is not run again; a PDF whose report is
unchanged is not printed again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, registry
from .jobs import PARTS, Outcome

MANIFEST = "manifest.json"
REPORT = "report.html"
PDF = "report.pdf"

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


def related(framework: str) -> tuple[str, ...]:
    """The frameworks whose saved inputs ``framework`` reads (none for the summary or an unknown name)."""
    try:
        return tuple(getattr(registry.get(framework).module, "RELATED", ()))
    except Exception:  # noqa: BLE001 - the summary and unknown names have none; a broken room fails later, clearly
        return ()


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
    for other in related(framework):
        parts += [client_dir / f"{other}.json", client_dir / other]
    for part in parts:
        h.update(b"\0" + str(part.name).encode())
        _hash_tree(h, part)
    h.update(package_digest().encode())
    h.update(extra.encode())
    return h.hexdigest()[:32]


def report_digest(html: Path) -> str:
    """Digest of a combined report page (its PDF is current while this is unchanged)."""
    return hashlib.sha256(Path(html).read_bytes()).hexdigest()[:32]


@dataclass
class PageEntry:
    """One page in a manifest: its input fingerprint, success and where the seconds went."""

    fingerprint: str
    ok: bool
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    cell: int | None = None

    @classmethod
    def of(cls, o: Outcome) -> "PageEntry":
        """The entry recording outcome ``o``."""
        seconds = {k: round(v, 4) for k, v in o.timings.items()}
        return cls(o.fingerprint, o.ok, seconds, None if o.ok else o.error, None if o.ok else o.cell)

    @classmethod
    def parse(cls, data: Any) -> "PageEntry | None":
        """Read an entry back; ``None`` for anything that is not one (it then counts as not current)."""
        if not isinstance(data, dict) or not isinstance(data.get("fingerprint"), str):
            return None
        seconds = data.get("seconds") if isinstance(data.get("seconds"), dict) else {}
        cell = data.get("cell") if isinstance(data.get("cell"), int) else None
        return cls(data["fingerprint"], data.get("ok") is True, seconds, data.get("error"), cell)

    def to_json(self) -> dict:
        entry: dict[str, Any] = {"fingerprint": self.fingerprint, "ok": self.ok, "seconds": self.seconds}
        if not self.ok:
            entry["error"] = self.error
            entry["cell"] = self.cell
        return entry

    def current(self, fp: str) -> bool:
        """Say whether this entry is a success for fingerprint ``fp``."""
        return self.ok and self.fingerprint == fp


@dataclass
class Manifest:
    """A client's ``manifest.json``: its pages, its summary and its last printed PDF."""

    pages: dict[str, PageEntry] = field(default_factory=dict)
    summary: PageEntry | None = None
    pdf: str | None = None
    package: str | None = None
    updated: str | None = None

    @classmethod
    def parse(cls, data: Any) -> "Manifest":
        """Read a manifest back, keeping what is well formed (a damaged one only costs reruns)."""
        if not isinstance(data, dict):
            return cls()
        pages = data.get("pages") if isinstance(data.get("pages"), dict) else {}
        parsed = {name: PageEntry.parse(entry) for name, entry in pages.items()}
        return cls({n: e for n, e in parsed.items() if e is not None}, PageEntry.parse(data.get("summary")),
                   data.get("pdf") if isinstance(data.get("pdf"), str) else None,
                   data.get("package") if isinstance(data.get("package"), str) else None,
                   data.get("updated") if isinstance(data.get("updated"), str) else None)

    def to_json(self) -> dict:
        doc: dict[str, Any] = {"pages": {n: e.to_json() for n, e in self.pages.items()}}
        if self.summary is not None:
            doc["summary"] = self.summary.to_json()
        for key in ("pdf", "package", "updated"):
            if getattr(self, key) is not None:
                doc[key] = getattr(self, key)
        return doc


def load_manifest(out_dir: Path) -> Manifest:
    """The manifest in ``out_dir`` (empty when there is none or it cannot be read)."""
    try:
        return Manifest.parse(json.loads((Path(out_dir) / MANIFEST).read_text("utf-8")))
    except (OSError, ValueError):
        return Manifest()


def write_manifest(out_dir: Path, manifest: Manifest) -> None:
    """Write ``manifest`` to ``out_dir`` atomically."""
    from ..store import atomic_write  # not at the top: the batch starts its workers before loading pandas

    atomic_write(Path(out_dir) / MANIFEST, json.dumps(manifest.to_json(), indent=1, sort_keys=True) + "\n")


def outputs_exist(out_dir: Path, framework: str) -> bool:
    """Say whether a framework page's three files are in ``out_dir``."""
    return all((out_dir / name).is_file() for name in
               (f"{framework}.html", f"{PARTS}/{framework}.html", f"{framework}.headline.json"))
