"""The client data store: the only module that touches files.

Layout under a data folder (``data/`` by default)::

    clients/<slug>/profile.json              the client's profile
    clients/<slug>/<framework>.json          a framework's form inputs
    clients/<slug>/<framework>/<table>.csv   a framework's tabular inputs
    clients/<slug>/.history/<framework>/     one snapshot per earlier session (tables too)
    clients/<slug>/.history/profile/         earlier profiles

Every save is atomic (temporary file, fsync, rename), happens under a
cross-process lock on the client folder, is validated before anything is
written, and archives the previous version when it came from another session.
A :class:`Store` object is one *session*: saves made through it overwrite each
other (autosave), and the session archives at most one snapshot of each file
(the version it found), however often it saves. Files this session read are
saved only if nobody changed them since (:class:`~workbook.errors.ConflictError`
otherwise); :meth:`Store.update` reads and writes in one locked step and never
conflicts. Temporary files left by killed saves are swept on the next save.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

import orjson
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import (
    ClientExists,
    ConflictError,
    InvalidInput,
    InvalidSlug,
    UnknownClient,
    from_pydantic,
    validated,
)
from .files import ClientLock, atomic_write, first_line as _first_line, now_iso, read_bytes as _read_bytes, read_export, read_table, table_csv, stamp, sweep_orphans
from .history import META_KEY, PROFILE, HistoryMixin, Snapshot, check_name as _check_name

__all__ = ["PROFILE", "Profile", "Snapshot", "Store", "atomic_write", "check_slug", "new_session_id", "read_report_json"]


log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 64
SLUG_ALLOWED = "lowercase letters a-z, digits and single hyphens between them, at most 64 characters (e.g. 'acme-tools')"


class Profile(BaseModel):
    """A client's profile, stored as ``profile.json``; unknown keys are refused, naming the key."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    name: str = Field(min_length=1, max_length=200)
    industry: str = Field(default="", max_length=200)
    revenue_usd: float | None = Field(default=None, ge=0, description="Annual revenue in US dollars")
    notes: str = Field(default="", max_length=5000)
    fictional: bool = False


def check_slug(slug: Any) -> str:
    """Return ``slug`` if it is a safe client slug, else raise :class:`InvalidSlug`."""
    if not isinstance(slug, str) or len(slug) > SLUG_MAX or not SLUG_PATTERN.fullmatch(slug):
        raise InvalidSlug.one("client", slug, SLUG_ALLOWED)
    return slug


def new_session_id() -> str:
    """Return a new, sortable session id."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def _dump_json(doc: dict) -> bytes:
    """A document as indented UTF-8 JSON (orjson: a 250-respondent diagnostic in milliseconds, not tenths).

    Documents reach here validated, so every number is finite (orjson would
    write a NaN as null; :func:`workbook.checks.document_problems` refuses it first).
    """
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha1(data).hexdigest()


class Store(HistoryMixin):
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
        self._archived: set[tuple[str, ...]] = set()   # files this session already archived once
        self._seen: dict[tuple[str, ...], str | None] = {}  # digest of each file as this session last read/wrote it
        self._checked: dict[tuple[str, str], tuple[str, type]] = {}  # digest and model of documents that passed every check

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
            self._write_doc(slug, path / "profile.json", PROFILE, prof)
        log.info("created client %s", slug)
        return prof

    def load_profile(self, slug: str) -> Profile:
        """Return the profile of client ``slug``."""
        return self._read_doc(slug, PROFILE, self.client_dir(slug) / "profile.json", Profile, f"profile of '{slug}'")

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
        """Load and validate a framework's inputs; ``default`` when none are saved.

        The session remembers the version it read: a later :meth:`save` of the
        same document refuses to overwrite changes another session made since.
        """
        path = self.doc_path(slug, framework)
        if not path.is_file():
            self._seen[(slug, framework)] = None
            return default
        return self._read_doc(slug, framework, path, model, f"{framework} inputs of '{slug}'")

    def save(self, slug: str, framework: str, model: type[M], doc: M | dict) -> M:
        """Validate ``doc`` and save it atomically under the client's lock.

        Nothing is written when validation fails. The previous version is kept
        in the history when it was saved by another session.

        Raises
        ------
        ConflictError
            When this session read the document and another session has saved
            it since (load it again, or use :meth:`update`); nothing is written.
        """
        valid = self._validate(model, doc, f"{framework} inputs of '{slug}'")
        path = self.doc_path(slug, framework)
        with self._lock(slug):
            self._check_version(slug, (slug, framework), path, f"{framework} inputs")
            self._archive_doc(slug, framework, path, model)
            self._write_doc(slug, path, framework, valid)
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
        context = f"{framework} inputs of '{slug}'"
        with self._lock(slug):
            current = self._read_doc(slug, framework, path, model, context) if path.is_file() else None
            base = current.model_copy(deep=True) if current is not None else (default or model)()
            try:
                changed = change(base)
            except ValidationError as exc:
                raise from_pydantic(exc, context) from None
            new = self._validate(model, changed if isinstance(changed, model) else base, context)
            self._archive_doc(slug, framework, path, model)
            self._write_doc(slug, path, framework, new)
        return new

    def version(self, slug: str, framework: str) -> str | None:
        """A fingerprint of the saved document (None when there is none); it changes with every save."""
        return _digest(_read_bytes(self.doc_path(slug, framework)))

    # -- tables --------------------------------------------------------------
    def table_path(self, slug: str, framework: str, table: str) -> Path:
        """Return the CSV path of a framework's table for a client."""
        return self.client_dir(slug) / _check_name("framework", framework) / f"{_check_name('table', table)}.csv"

    def load_table(self, slug: str, framework: str, table: str,
                   validator: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame | None:
        """Read a framework table (None when absent), validated when a validator is given."""
        path = self.table_path(slug, framework, table)
        data = _read_bytes(path)
        self._seen[(slug, framework, table)] = _digest(data)
        if data is None:
            return None
        frame = read_table(io.BytesIO(data))
        return validator(frame) if validator else frame

    def save_table(self, slug: str, framework: str, table: str, frame: pd.DataFrame,
                   validator: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
                   check_version: bool = True) -> pd.DataFrame:
        """Validate and save a table as CSV, keeping the previous file in the history.

        Raises
        ------
        ConflictError
            When this session read the table and another session has saved it since
            (unless ``check_version`` is False, as for an import that replaces it).
        """
        clean = validator(frame) if validator else frame
        path = self.table_path(slug, framework, table)
        with self._lock(slug):
            if check_version:
                self._check_version(slug, (slug, framework, table), path, f"{framework}/{table}.csv")
            self._sweep(slug, framework)
            key = (slug, framework, table)
            old = _read_bytes(path)
            if old is not None and key not in self._archived:
                dest = self._history_dir(slug, framework) / f"{table}-{stamp()}--{_safe(self.session)}.csv"
                atomic_write(dest, old)
                self._archived.add(key)
            body = table_csv(frame)
            atomic_write(path, body)
            self._seen[key] = _digest(body)
        return clean

    def import_table(self, slug: str, framework: str, table: str, source: str | os.PathLike,
                     columns: dict[str, str] | None = None,
                     validator: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
        """Import a CSV or ``.xlsx`` export as a framework table (it replaces the saved one).

        Parameters
        ----------
        source : path
            A ``.csv``, ``.xlsx`` or ``.xlsm`` file.
        columns : dict, optional
            Renames ``{column in the file: column the framework expects}``.
        validator : callable, optional
            The framework's table validator; nothing is saved when it fails.
        """
        frame = read_export(source, columns)
        return self.save_table(slug, framework, table, frame, validator, check_version=False)

    def saved_meta(self, slug: str, framework: str) -> dict:
        """Return ``saved_at`` and ``session`` of the current document ({} if none or unreadable)."""
        data = _read_bytes(self.doc_path(slug, framework))
        try:
            meta = json.loads(data).get(META_KEY, {}) if data is not None else {}
        except (ValueError, AttributeError):
            return {}
        return meta if isinstance(meta, dict) else {}

    # -- internals -----------------------------------------------------------
    def _lock(self, slug: str) -> ClientLock:
        return ClientLock(self.clients_dir / slug / ".lock", slug)

    def _sweep(self, slug: str, framework: str) -> None:
        folder = self.clients_dir / slug
        sweep_orphans([folder, folder / framework, folder / ".history" / framework])

    def _check_version(self, slug: str, key: tuple[str, ...], path: Path, what: str) -> None:
        if key not in self._seen:
            return
        now = _digest(_read_bytes(path))
        if now != self._seen[key]:
            raise ConflictError(
                f"{what} of '{slug}' changed in another session since this one read it; nothing was saved. "
                "Load it again and redo the change (views save with Store.update, which merges)")

    def _write_doc(self, slug: str, path: Path, framework: str, doc: BaseModel) -> None:
        body = doc.model_dump(mode="json")
        body[META_KEY] = {"saved_at": now_iso(), "session": self.session, "framework": framework}
        data = _dump_json(body)
        atomic_write(path, data)
        self._seen[(slug, framework)] = self._checked_digest(slug, framework, data, type(doc))

    def _read_doc(self, slug: str, framework: str, path: Path, model: type[M], context: str,
                  remember: bool = True) -> M:
        data = path.read_bytes()
        digest = _digest(data)
        if remember:
            self._seen[(slug, framework)] = digest
        try:
            raw = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
        except ValueError as exc:
            raise InvalidInput.one(str(path.name), f"unreadable JSON ({_first_line(exc)})", "a JSON document",
                                   context) from None
        if not isinstance(raw, dict):
            raise InvalidInput.one(str(path.name), type(raw).__name__, "a JSON object", context)
        raw.pop(META_KEY, None)
        if self._checked.get((slug, framework)) == (digest, model):  # these very bytes passed every check
            return model.model_validate(raw)
        value = self._validate(model, raw, context)  # the schema version is checked there, once
        self._checked_digest(slug, framework, data, model, digest)
        return value

    def _checked_digest(self, slug: str, framework: str, data: bytes, model: type, digest: str | None = None) -> str:
        """Remember that ``data`` passed every check as ``model``: read again unchanged, only pydantic runs.

        The document checks (:func:`workbook.checks.document_problems`) walk
        every value in Python; a 250-respondent diagnostic that a survey
        server reads and writes several times a second needs them once per content.
        """
        digest = digest or _digest(data)
        self._checked[(slug, framework)] = (digest, model)
        return digest

    @staticmethod
    def _validate(model: type[M], doc: M | dict, context: str) -> M:
        # An instance is checked again: a change may have edited it in place.
        return validated(model, doc.model_dump() if isinstance(doc, model) else doc, context)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "_", text)[:40]


def read_report_json(reports_dir: str | os.PathLike, client: str, name: str) -> Any:
    """Read a JSON file the batch wrote next to a client's report (``<reports_dir>/<client>/<name>.json``).

    Used by the executive summary for the ``<framework>.headline.json`` files.

    Returns
    -------
    The parsed JSON, or None when the file does not exist.

    Raises
    ------
    InvalidSlug, InvalidInput
        When ``client`` or ``name`` is not a safe slug or name, or the file is not JSON.
    """
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z]+)?", name):
        raise InvalidInput.one("name", name, "a framework name, optionally with a suffix such as '.headline'")
    path = Path(reports_dir).expanduser().resolve() / check_slug(client) / f"{name}.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput.one(path.name, str(exc)[:80], "a JSON file as the batch writes it") from None
