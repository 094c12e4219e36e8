"""The history half of the client store: archived versions of documents, tables and the profile.

Part of :class:`workbook.store.Store` (a mixin it inherits): a session keeps
one snapshot of each file it changes (the version it found), in
``clients/<slug>/.history/<framework>/``: documents as ``<time>.json``, tables
as ``<table>-<time>--<session>.csv``. A current document that no longer
validates is set aside in ``invalid/`` rather than among the snapshots, so
``history`` and "what changed since the previous session" always work.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, TypeVar

import pandas as pd
from pydantic import BaseModel

from .errors import InvalidInput, SchemaVersionError
from .files import atomic_write, first_line, read_bytes, read_table, stamp

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
INVALID_DIR = "invalid"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
META_KEY = "_meta"
PROFILE = "profile"


def check_name(kind: str, name: str) -> str:
    """Return a framework or table ``name`` if it is safe as a file name, else raise :class:`InvalidInput`."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise InvalidInput.one(kind, name, "lowercase letters, digits and underscores, starting with a letter")
    return name


@dataclass(frozen=True)
class Snapshot:
    """One archived version of a client's file.

    Attributes
    ----------
    framework : str
        The framework (or ``"profile"``).
    saved_at : str
        When that version was saved (ISO 8601, UTC; for tables, when it was archived).
    session : str
        The session that saved it (for tables, the session that replaced it).
    path : Path
        Where the snapshot lives.
    table : str or None
        The table name for a table snapshot, None for a document.
    """

    framework: str
    saved_at: str
    session: str
    path: Path
    table: str | None = None


class HistoryMixin:
    """Archived versions: listing, loading and restoring them (see the module docstring)."""

    def history(self, slug: str, framework: str, table: str | None = None) -> list[Snapshot]:
        """Return the archived versions of a document (or of one of its tables), oldest first.

        ``framework`` may be ``"profile"`` for the client's earlier profiles.
        """
        folder = self._history_dir(slug, framework)
        snaps = []
        if not folder.is_dir():
            return snaps
        if table is not None:
            for path in sorted(folder.glob(f"{check_name('table', table)}-*.csv")):
                when, _, session = path.stem[len(table) + 1:].partition("--")
                snaps.append(Snapshot(framework, _iso(when), session, path, table))
            return snaps
        for path in sorted(folder.glob("*.json")):
            try:
                meta = json.loads(path.read_text("utf-8")).get(META_KEY, {})
            except (OSError, ValueError, AttributeError):
                log.warning("unreadable snapshot %s skipped", path)
                continue
            snaps.append(Snapshot(framework, meta.get("saved_at", ""), meta.get("session", ""), path))
        return snaps

    def tables_with_history(self, slug: str, framework: str) -> list[str]:
        """Names of the framework's tables that have archived versions."""
        folder = self._history_dir(slug, framework)
        if not folder.is_dir():
            return []
        return sorted({p.name.split("-", 1)[0] for p in folder.glob("*-*.csv") if NAME_PATTERN.fullmatch(p.name.split("-", 1)[0])})

    def load_snapshot(self, snapshot: Snapshot, model: type[M]) -> M:
        """Load and validate an archived version."""
        return self._read_doc("", "", snapshot.path, model, f"snapshot {snapshot.path.name}", remember=False)

    def latest_valid_snapshot(self, slug: str, framework: str, model: type[M]) -> M | None:
        """The newest archived version that still validates (None when there is none)."""
        for snap in reversed(self.history(slug, framework)):
            try:
                return self.load_snapshot(snap, model)
            except (InvalidInput, SchemaVersionError):
                log.warning("snapshot %s of %s/%s no longer validates; skipped", snap.path.name, slug, framework)
        return None

    def restore(self, slug: str, framework: str, model: type[M], snapshot: Snapshot) -> M:
        """Make an archived version current again (the current one goes to history).

        The snapshot is validated first: when it is not valid nothing changes.
        A current document that no longer validates is set aside in
        ``.history/<framework>/invalid/`` rather than among the snapshots.
        """
        if snapshot.table is not None:
            raise InvalidInput.one("snapshot", snapshot.path.name, "a document snapshot (use restore_table for tables)")
        doc = self.load_snapshot(snapshot, model)
        path = self.doc_path(slug, framework)
        with self._lock(slug):
            self._archive_doc(slug, framework, path, model, force=True)
            self._write_doc(slug, path, framework, doc)
        return doc

    def restore_table(self, slug: str, framework: str, snapshot: Snapshot,
                      validator: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
        """Make an archived table current again, validated first (the current one goes to history)."""
        if snapshot.table is None:
            raise InvalidInput.one("snapshot", snapshot.path.name, "a table snapshot (use restore for documents)")
        frame = read_table(snapshot.path)
        clean = validator(frame) if validator else frame
        self._archived.discard((slug, framework, snapshot.table))
        self.save_table(slug, framework, snapshot.table, frame, None, check_version=False)
        return clean

    def _history_dir(self, slug: str, framework: str) -> Path:
        name = PROFILE if framework == PROFILE else check_name("framework", framework)
        return self.client_dir(slug) / ".history" / name

    def _archive_doc(self, slug: str, framework: str, path: Path, model: type[BaseModel], force: bool = False) -> None:
        """Keep the current file in the history, once per session (``force``: whatever was archived before)."""
        self._sweep(slug, framework)
        key = (slug, framework)
        if not force and key in self._archived:
            return
        raw = read_bytes(path)
        if raw is None:
            return
        try:
            meta = json.loads(raw).get(META_KEY, {})
        except (ValueError, AttributeError):
            meta = {}
        if not force and isinstance(meta, dict) and meta.get("session") == self.session:
            return
        folder = self._history_dir(slug, framework)
        try:
            self._read_doc(slug, framework, path, model, "current document", remember=False)
        except (InvalidInput, SchemaVersionError) as exc:
            dest = folder / INVALID_DIR / f"{stamp()}.json"
            log.warning("%s of %s did not validate (%s); kept aside in %s, not in the history",
                        framework, slug, first_line(exc), dest)
        else:
            dest = folder / f"{stamp()}.json"
        atomic_write(dest, raw)
        self._archived.add(key)
        log.info("archived %s of %s to %s", framework, slug, dest.name)

def _iso(when: str) -> str:
    try:
        return datetime.strptime(when, "%Y%m%dT%H%M%S%fZ").strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return when
