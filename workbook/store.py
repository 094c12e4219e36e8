"""The client data store: the only module that touches files.

Layout under a data folder (``data/`` by default)::

    clients/<slug>/profile.json              the client's profile
    clients/<slug>/<framework>.json          a framework's form inputs
    clients/<slug>/<framework>/<table>.csv   a framework's tabular inputs
    clients/<slug>/.history/<framework>/     one snapshot per earlier session

Every save is atomic (temporary file, fsync, rename), happens under a
cross-process lock on the client folder, is validated before anything is
written, and archives the previous version when it came from another session.
A :class:`Store` object is one *session*: saves made through it overwrite each
other (autosave), while the first save of a new session keeps the previous
file in the client's history.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

import pandas as pd
from filelock import FileLock, Timeout
from pydantic import BaseModel, Field, ValidationError

from .errors import (
    ClientExists,
    InvalidInput,
    InvalidSlug,
    Problem,
    SchemaVersionError,
    UnknownClient,
    WorkbookError,
    from_pydantic,
    validated,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 64
SLUG_ALLOWED = "lowercase letters a-z, digits and single hyphens between them, at most 64 characters (e.g. 'acme-tools')"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
META_KEY = "_meta"
LOCK_TIMEOUT_S = 15.0
PROFILE = "profile"


class Profile(BaseModel):
    """A client's profile, stored as ``profile.json``."""

    schema_version: int = 1
    name: str = Field(min_length=1, max_length=200)
    industry: str = Field(default="", max_length=200)
    revenue_usd: float | None = Field(default=None, ge=0, description="Annual revenue in US dollars")
    notes: str = Field(default="", max_length=5000)
    fictional: bool = False


@dataclass(frozen=True)
class Snapshot:
    """One archived version of a client's file.

    Attributes
    ----------
    framework : str
        The framework (or ``"profile"``).
    saved_at : str
        When that version was saved (ISO 8601, UTC).
    session : str
        The session that saved it.
    path : Path
        Where the snapshot lives.
    """

    framework: str
    saved_at: str
    session: str
    path: Path


def check_slug(slug: Any) -> str:
    """Return ``slug`` if it is a safe client slug, else raise :class:`InvalidSlug`."""
    if not isinstance(slug, str) or len(slug) > SLUG_MAX or not SLUG_PATTERN.fullmatch(slug):
        raise InvalidSlug.one("client", slug, SLUG_ALLOWED)
    return slug


def _check_name(kind: str, name: str) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise InvalidInput.one(kind, name, "lowercase letters, digits and underscores, starting with a letter")
    return name


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_session_id() -> str:
    """Return a new, sortable session id."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a mix.

    The bytes go to a temporary file in the same folder, are flushed to disk,
    and the temporary file is renamed over ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    _fsync_dir(path.parent)


def _dump_json(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class Store:
    """Client folders under one data folder; one instance is one session.

    Parameters
    ----------
    data_dir : str or Path
        The data folder (holding ``clients/``).
    session : str, optional
        The session id; a new one by default.
    """

    def __init__(self, data_dir: str | os.PathLike, session: str | None = None) -> None:
        self.root = Path(data_dir).expanduser().resolve()
        self.clients_dir = self.root / "clients"
        self.session = session or new_session_id()

    # -- clients ---------------------------------------------------------
    def client_dir(self, slug: str, must_exist: bool = True) -> Path:
        """Return the folder of client ``slug`` (checked for safety and existence)."""
        path = self.clients_dir / check_slug(slug)
        if must_exist and not (path / "profile.json").is_file():
            known = ", ".join(self.list_clients()) or "none yet"
            raise UnknownClient(f"no client '{slug}' in {self.clients_dir} (known clients: {known})")
        return path

    def list_clients(self) -> list[str]:
        """Return the slugs of every client folder that has a profile, sorted."""
        if not self.clients_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.clients_dir.iterdir()
            if p.is_dir() and SLUG_PATTERN.fullmatch(p.name) and (p / "profile.json").is_file()
        )

    def create_client(self, slug: str, profile: Profile | dict) -> Profile:
        """Create a new client folder with its profile.

        Raises
        ------
        InvalidSlug
            If the slug is not safe.
        ClientExists
            If the client already exists.
        InvalidInput
            If the profile is not valid (nothing is written).
        """
        path = self.client_dir(slug, must_exist=False)
        prof = self._validate(Profile, profile, f"profile of new client '{slug}'")
        path.mkdir(parents=True, exist_ok=True)
        with self._lock(slug):
            if (path / "profile.json").exists():
                raise ClientExists(f"client '{slug}' already exists in {self.clients_dir}")
            self._write_doc(path / "profile.json", PROFILE, prof)
        log.info("created client %s", slug)
        return prof

    def load_profile(self, slug: str) -> Profile:
        """Return the profile of client ``slug``."""
        return self._read_doc(self.client_dir(slug) / "profile.json", Profile, f"profile of '{slug}'")

    def save_profile(self, slug: str, profile: Profile | dict) -> Profile:
        """Validate and save the profile of client ``slug``."""
        return self.save(slug, PROFILE, Profile, profile)

    # -- framework documents ------------------------------------------------
    def doc_path(self, slug: str, framework: str) -> Path:
        """Return the path of a framework's input document for a client."""
        name = PROFILE if framework == PROFILE else _check_name("framework", framework)
        return self.client_dir(slug) / f"{name}.json"

    def has(self, slug: str, framework: str) -> bool:
        """Say whether the client has any saved input for ``framework``."""
        folder = self.client_dir(slug)
        return (folder / f"{framework}.json").is_file() or (folder / framework).is_dir()

    def load(self, slug: str, framework: str, model: type[M], default: M | None = None) -> M | None:
        """Load and validate a framework's inputs; ``default`` when none are saved."""
        path = self.doc_path(slug, framework)
        if not path.is_file():
            return default
        return self._read_doc(path, model, f"{framework} inputs of '{slug}'")

    def save(self, slug: str, framework: str, model: type[M], doc: M | dict) -> M:
        """Validate ``doc`` and save it atomically under the client's lock.

        Nothing is written when validation fails. The previous version is kept
        in the history when it was saved by another session.
        """
        valid = self._validate(model, doc, f"{framework} inputs of '{slug}'")
        path = self.doc_path(slug, framework)
        with self._lock(slug):
            self._archive_if_other_session(slug, framework, path)
            self._write_doc(path, framework, valid)
        return valid

    def update(self, slug: str, framework: str, model: type[M], change: Callable[[M], M | None],
               default: Callable[[], M] | None = None) -> M:
        """Read, change and save a document in one locked step (no lost updates).

        Parameters
        ----------
        change : callable
            Receives a deep copy of the saved document (or ``default()`` when
            there is none) and edits it in place, or returns a new document
            of the same model (any other return value is ignored).
        default : callable, optional
            Makes the starting document; ``model()`` by default.

        Returns
        -------
        The document as saved, including changes other sessions made.
        """
        path = self.doc_path(slug, framework)
        with self._lock(slug):
            current = self._read_doc(path, model, f"{framework} inputs of '{slug}'") if path.is_file() else None
            base = current.model_copy(deep=True) if current is not None else (default or model)()
            try:
                changed = change(base)
            except ValidationError as exc:
                raise from_pydantic(exc, f"{framework} inputs of '{slug}'") from None
            new = self._validate(model, changed if isinstance(changed, model) else base,
                                 f"{framework} inputs of '{slug}'")
            self._archive_if_other_session(slug, framework, path)
            self._write_doc(path, framework, new)
        return new

    # -- tables --------------------------------------------------------------
    def table_path(self, slug: str, framework: str, table: str) -> Path:
        """Return the CSV path of a framework's table for a client."""
        return self.client_dir(slug) / _check_name("framework", framework) / f"{_check_name('table', table)}.csv"

    def load_table(self, slug: str, framework: str, table: str,
                   validator: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame | None:
        """Read a framework table (None when absent), validated when a validator is given."""
        path = self.table_path(slug, framework, table)
        if not path.is_file():
            return None
        frame = _read_csv(path)
        return validator(frame) if validator else frame

    def save_table(self, slug: str, framework: str, table: str, frame: pd.DataFrame,
                   validator: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
        """Validate and save a table as CSV, keeping the previous file in the history."""
        clean = validator(frame) if validator else frame
        path = self.table_path(slug, framework, table)
        with self._lock(slug):
            if path.is_file():
                dest = self._history_dir(slug, framework) / f"{table}-{_stamp()}.csv"
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
            atomic_write(path, frame.to_csv(index=False))
        return clean

    def import_table(self, slug: str, framework: str, table: str, source: str | os.PathLike,
                     columns: dict[str, str] | None = None,
                     validator: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
        """Import a CSV or ``.xlsx`` export as a framework table.

        Parameters
        ----------
        source : path
            A ``.csv``, ``.xlsx`` or ``.xlsm`` file.
        columns : dict, optional
            Renames ``{column in the file: column the framework expects}``.
        validator : callable, optional
            The framework's table validator; nothing is saved when it fails.
        """
        src = Path(source)
        suffix = src.suffix.lower()
        if not src.is_file():
            raise InvalidInput.one("source", str(src), "an existing .csv or .xlsx file")
        if suffix not in (".csv", ".xlsx", ".xlsm"):
            raise InvalidInput.one("source", str(src), "a file ending in .csv, .xlsx or .xlsm")
        try:
            if suffix == ".csv":
                frame = _read_csv(src)
            else:
                frame = pd.read_excel(src, dtype=str, engine="openpyxl")
        except Exception as exc:  # damaged or mislabelled files: pandas, openpyxl and zipfile all raise their own
            raise InvalidInput.one("source", str(src), f"a readable {suffix} file (could not read it: "
                                   f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
        if columns:
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise InvalidInput([Problem("column mapping", c, f"a column of the file: {', '.join(map(str, frame.columns))}")
                                    for c in missing])
            frame = frame.rename(columns=columns)
        return self.save_table(slug, framework, table, frame, validator)

    # -- history -------------------------------------------------------------
    def history(self, slug: str, framework: str) -> list[Snapshot]:
        """Return the archived versions of a framework document, oldest first."""
        folder = self._history_dir(slug, framework)
        snaps = []
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                try:
                    meta = json.loads(path.read_text("utf-8")).get(META_KEY, {})
                except (OSError, ValueError):
                    log.warning("unreadable snapshot %s skipped", path)
                    continue
                snaps.append(Snapshot(framework, meta.get("saved_at", ""), meta.get("session", ""), path))
        return snaps

    def load_snapshot(self, snapshot: Snapshot, model: type[M]) -> M:
        """Load and validate an archived version."""
        return self._read_doc(snapshot.path, model, f"snapshot {snapshot.path.name}")

    def saved_meta(self, slug: str, framework: str) -> dict:
        """Return ``saved_at`` and ``session`` of the current document ({} if none)."""
        path = self.doc_path(slug, framework)
        if not path.is_file():
            return {}
        return json.loads(path.read_text("utf-8")).get(META_KEY, {})

    def restore(self, slug: str, framework: str, model: type[M], snapshot: Snapshot) -> M:
        """Make an archived version current again (the current one goes to history)."""
        return self.save(slug, framework, model, self.load_snapshot(snapshot, model))

    # -- internals -----------------------------------------------------------
    def _history_dir(self, slug: str, framework: str) -> Path:
        return self.client_dir(slug) / ".history" / framework

    def _lock(self, slug: str) -> "_ClientLock":
        return _ClientLock(self.clients_dir / slug / ".lock", slug)

    def _archive_if_other_session(self, slug: str, framework: str, path: Path) -> None:
        if not path.is_file():
            return
        raw = path.read_text("utf-8")
        try:
            meta = json.loads(raw).get(META_KEY, {})
        except ValueError:
            meta = {}
        if meta.get("session") == self.session:
            return
        dest = self._history_dir(slug, framework) / f"{_stamp()}.json"
        atomic_write(dest, raw)
        log.info("archived %s of %s to %s", framework, slug, dest.name)

    def _write_doc(self, path: Path, framework: str, doc: BaseModel) -> None:
        body = doc.model_dump(mode="json")
        body[META_KEY] = {"saved_at": _now(), "session": self.session, "framework": framework}
        atomic_write(path, _dump_json(body))

    def _read_doc(self, path: Path, model: type[M], context: str) -> M:
        try:
            raw = json.loads(path.read_text("utf-8"))
        except ValueError as exc:
            raise InvalidInput.one(str(path.name), f"unreadable JSON ({exc})", "a JSON document", context) from exc
        if not isinstance(raw, dict):
            raise InvalidInput.one(str(path.name), type(raw).__name__, "a JSON object", context)
        raw.pop(META_KEY, None)
        version = raw.get("schema_version", 1)
        supported = model.model_fields["schema_version"].default if "schema_version" in model.model_fields else 1
        if isinstance(version, int) and version > supported:
            raise SchemaVersionError(
                f"{context}: {path.name} has schema_version {version}, this release reads up to {supported}; "
                "upgrade the workbook package")
        return self._validate(model, raw, context)

    @staticmethod
    def _validate(model: type[M], doc: M | dict, context: str) -> M:
        # An instance is checked again: a change may have edited it in place.
        return validated(model, doc.model_dump() if isinstance(doc, model) else doc, context)


def _read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text, keeping blank lines so row numbers match the file (header = row 1)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], skip_blank_lines=False)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


class _ClientLock:
    """A cross-process lock on one client folder."""

    def __init__(self, path: Path, slug: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(path), timeout=LOCK_TIMEOUT_S)
        self._slug = slug

    def __enter__(self) -> "_ClientLock":
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise WorkbookError(
                f"client '{self._slug}' is busy: another session held its lock for {LOCK_TIMEOUT_S:.0f} s; try again"
            ) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


# -- helpers for live sessions (added by the session screen; kept apart from the Store class) --

def client_version(store: Store, slug: str, framework: str, related: tuple[str, ...] = ()) -> tuple:
    """A cheap fingerprint of every file a room reads for one client.

    One ``os.stat`` per file (profile, the framework's document, related
    documents, the framework's tables): an atomic save renames a new file into
    place, so its inode, time or size changes. Two equal fingerprints mean no
    session saved anything in between.

    Parameters
    ----------
    store : Store
    slug, framework : str
    related : tuple of str
        Other frameworks whose documents the room reads.

    Returns
    -------
    tuple
        ``(name, inode, mtime_ns, size)`` per file, ``(name, None)`` when absent.
    """
    folder = store.client_dir(slug)
    sig = []
    for name in ("profile.json", f"{_check_name('framework', framework)}.json", *(f"{r}.json" for r in related)):
        try:
            st = os.stat(folder / name)
            sig.append((name, st.st_ino, st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            sig.append((name, None))
    try:
        with os.scandir(folder / framework) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".csv"):
                    st = entry.stat()
                    sig.append((entry.name, st.st_ino, st.st_mtime_ns, st.st_size))
    except (FileNotFoundError, NotADirectoryError):
        pass
    return tuple(sig)


def read_import(source: str | os.PathLike, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Read a ``.csv``/``.xlsx`` export as text columns, without saving it (for a preview of bad rows).

    Raises
    ------
    InvalidInput
        When the file is missing, of another type, unreadable, or lacks a mapped column.
    """
    src = Path(source)
    suffix = src.suffix.lower()
    if not src.is_file():
        raise InvalidInput.one("source", str(src), "an existing .csv or .xlsx file")
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise InvalidInput.one("source", str(src), "a file ending in .csv, .xlsx or .xlsm")
    try:
        frame = _read_csv(src) if suffix == ".csv" else pd.read_excel(src, dtype=str, engine="openpyxl")
    except Exception as exc:  # pandas, openpyxl and zipfile each raise their own
        raise InvalidInput.one("source", str(src), f"a readable {suffix} file (could not read it: "
                               f"{type(exc).__name__})") from None
    if columns:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InvalidInput([Problem("column mapping", c, f"a column of the file: {', '.join(map(str, frame.columns))}")
                                for c in missing])
        frame = frame.rename(columns=columns)
    return frame


def note_import(store: Store, slug: str, framework: str, note: dict) -> None:
    """Append one import decision (file, rows kept, rows left out, choice) to the client's history.

    Kept as JSON lines in ``.history/<framework>/imports.jsonl`` (not a snapshot).
    """
    path = store.client_dir(slug) / ".history" / _check_name("framework", framework) / "imports.jsonl"
    line = json.dumps({"at": _now(), "session": store.session, **note}, ensure_ascii=False)
    with store._lock(slug):
        old = path.read_text("utf-8") if path.is_file() else ""
        atomic_write(path, old + line + "\n")
