"""Store helpers for the survey server and live sessions (part of the store: see :mod:`workbook.store`).

Several documents and tables of one client changed in one locked step, change
stamps for live views, imports read without saving, and the import log. Added
by the survey and session work; kept apart so that ``store.py`` stays readable.
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path
import pandas as pd
from pydantic import ValidationError

from .errors import from_pydantic
from .files import atomic_write, now_iso, read_bytes as _read_bytes, read_export, read_table, stamp, table_csv
from .history import check_name as _check_name
from .store import Store, _digest, _safe


# -- helpers for the survey server (workbook.survey) -------------------------------


def update_together(store: Store, slug: str, steps: list[tuple]) -> list:
    """Read, change, validate and save several documents and tables of one client in one locked step.

    Parameters
    ----------
    steps : list of tuple
        Applied in order (a later change may use what an earlier one decided):
        ``("doc", name, model, change, default)`` as for :meth:`Store.update`
        (``change`` gets the freshly read document itself, not a copy), or
        ``("table", framework, table, change, validator)`` where
        ``change(frame or None)`` returns the new table and ``validator``
        (or None) checks it.

    Returns
    -------
    list
        Per step, the document or table as saved. Nothing is written unless
        every change validates; like :meth:`Store.update` it never conflicts,
        and each file's previous version is archived once per session.
    """
    with store._lock(slug):
        done = []
        for kind, name, second, change, last in steps:
            if kind == "doc":
                path, context = store.doc_path(slug, name), f"{name} inputs of '{slug}'"
                current = store._read_doc(slug, name, path, second, context) if path.is_file() else None
                base = current if current is not None else (last or second)()
                try:
                    changed = change(base)
                except ValidationError as exc:
                    raise from_pydantic(exc, context) from None
                done.append((kind, name, second, path, store._validate(
                    second, changed if isinstance(changed, second) else base, context)))
            else:
                path = store.table_path(slug, name, second)
                data = _read_bytes(path)
                frame = change(read_table(io.BytesIO(data)) if data is not None else None)
                if last is not None:
                    last(frame)
                done.append((kind, name, second, path, frame))
        for kind, name, second, path, new in done:
            if kind == "doc":
                store._archive_doc(slug, name, path, second)
                store._write_doc(slug, path, name, new)
                continue
            store._sweep(slug, name)
            key = (slug, name, second)
            old = _read_bytes(path)
            if old is not None and key not in store._archived:
                atomic_write(store._history_dir(slug, name) / f"{second}-{stamp()}--{_safe(store.session)}.csv", old)
                store._archived.add(key)
            body = table_csv(new)
            atomic_write(path, body)
            store._seen[key] = _digest(body)
    return [new for *_, new in done]


def read_text(path: str | os.PathLike) -> str | None:
    """Return the UTF-8 text of ``path``, or None when there is no such file.

    For small files outside client folders (the start page's session record,
    notebooks copied for present mode).
    """
    try:
        return Path(path).read_text("utf-8")
    except FileNotFoundError:
        return None


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
    """Read a ``.csv``/``.xlsx`` export without saving it (for a preview of bad rows).

    The same reader as :meth:`Store.import_table` (:func:`workbook.files.read_export`).

    Raises
    ------
    InvalidInput
        When the file is missing, of another type, unreadable, or lacks a mapped column.
    """
    return read_export(source, columns)


def note_import(store: Store, slug: str, framework: str, note: dict) -> None:
    """Append one import decision (file, rows kept, rows left out, choice) to the client's history.

    Kept as JSON lines in ``.history/<framework>/imports.jsonl`` (not a snapshot).
    """
    path = store.client_dir(slug) / ".history" / _check_name("framework", framework) / "imports.jsonl"
    line = json.dumps({"at": now_iso(), "session": store.session, **note}, ensure_ascii=False)
    with store._lock(slug):
        old = path.read_text("utf-8") if path.is_file() else ""
        atomic_write(path, old + line + "\n")
