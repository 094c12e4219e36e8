"""Low-level file primitives of the client store (atomic writes, locks, clean-up).

Only :mod:`workbook.store` (and the report writers, for their own output
through :func:`atomic_write`) use these; everything else goes through
:class:`workbook.store.Store`.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import re
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from .errors import InvalidInput, Problem, WorkbookError

log = logging.getLogger(__name__)

LOCK_TIMEOUT_S = 15.0
#: Temporary files older than this are left over from a killed save (a live save takes milliseconds);
#: the workbook's own rule, with a wide margin over any real write.
ORPHAN_AGE_S = 60.0
TMP_PATTERN = re.compile(r"^\..+\.[0-9a-f]{32}\.tmp$")


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename) to disk where the platform allows it."""
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
    fsync_dir(path.parent)


def sweep_orphans(folders: list[Path], max_age_s: float = ORPHAN_AGE_S) -> int:
    """Delete temporary files older than ``max_age_s`` left in ``folders`` by killed saves.

    Returns
    -------
    int
        How many files were removed.
    """
    cutoff = time.time() - max_age_s
    removed = 0
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not TMP_PATTERN.match(entry.name):
                continue
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except OSError:  # another session swept it first
                continue
    if removed:
        log.info("removed %d temporary file(s) left by interrupted saves", removed)
    return removed


#: A stored text cell that a spreadsheet would run as a formula: it starts with = @ tab or CR, or with + or -
#: before something that is not a plain number (an apostrophe is marked too, so that reading is exact).
_FORMULA_LIKE = r"^(?:[=@\t\r']|[+-](?!(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$))"


def table_csv(frame: pd.DataFrame) -> bytes:
    """The bytes of a stored table: CSV in UTF-8, with text that could run as a spreadsheet formula made inert.

    A cell such as ``=HYPERLINK(...)`` typed by a respondent is written as
    ``'=HYPERLINK(...)``, which a spreadsheet shows as text; :func:`read_table`
    takes the apostrophe off again, so what was typed is what is read.
    """
    out = frame
    for i, column in enumerate(frame.columns):
        values = frame.iloc[:, i]
        if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
            continue
        risky = values.str.contains(_FORMULA_LIKE, na=False, regex=True)
        if risky.any():
            out = out.copy() if out is frame else out
            out.iloc[:, i] = values.where(~risky, "'" + values.astype(str))
    return out.to_csv(index=False).encode("utf-8")


def read_table(source: Path | io.BytesIO) -> pd.DataFrame:
    """Read a stored table written by :func:`table_csv` (every cell as text, formula markers taken off)."""
    data = source.getvalue() if isinstance(source, io.BytesIO) else Path(source).read_bytes()
    frame = read_csv(io.BytesIO(data))
    if b"'" not in data:  # no cell can start with the marker: nothing to take off (most tables)
        return frame
    for i in range(frame.shape[1]):
        values = frame.iloc[:, i]
        marked = values.str.startswith("'", na=False)
        if marked.any():
            frame.iloc[:, i] = values.where(~marked, values.str[1:])
    return frame


def read_csv(source: Path | io.BytesIO) -> pd.DataFrame:
    """Read a CSV as text, keeping blank lines so row numbers match the file (header = row 1).

    Raises
    ------
    InvalidInput
        When a row has more or fewer values than the header has columns (naming
        the row and how many values it has), rather than letting the values slide
        into the wrong columns.
    """
    data = source.getvalue() if isinstance(source, io.BytesIO) else Path(source).read_bytes()
    _check_ragged(data)
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""], skip_blank_lines=False)


def read_export(source: str | os.PathLike, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Read a ``.csv``/``.xlsx`` export as text columns, renaming ``columns`` (file name -> expected name).

    The one reader behind :meth:`workbook.store.Store.import_table` and the
    import preview of the live forms.

    Raises
    ------
    InvalidInput
        When the file is missing, of another type, unreadable, has ragged rows,
        or lacks a mapped column.
    """
    src = Path(source)
    suffix = src.suffix.lower()
    if not src.is_file():
        raise InvalidInput.one("source", str(src), "an existing .csv or .xlsx file")
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise InvalidInput.one("source", str(src), "a file ending in .csv, .xlsx or .xlsm")
    try:
        frame = read_csv(src) if suffix == ".csv" else pd.read_excel(src, dtype=str, engine="openpyxl")
    except InvalidInput:  # rows with the wrong number of values, named by row
        raise
    except Exception as exc:  # damaged or mislabelled files: pandas, openpyxl and zipfile all raise their own
        raise InvalidInput.one("source", str(src), f"a readable {suffix} file (could not read it: "
                               f"{type(exc).__name__}: {first_line(exc)})") from None
    if columns:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InvalidInput([Problem("column mapping", c, f"a column of the file: {', '.join(map(str, frame.columns))}")
                                for c in missing])
        frame = frame.rename(columns=columns)
    return frame


def _check_ragged(data: bytes) -> None:
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        return
    width = len(header)
    columns = ", ".join(header)
    problems = []
    for row, record in enumerate(reader, start=2):
        if record and len(record) != width and not (len(record) < width and not any(v.strip() for v in record)):
            problems.append(Problem(f"row {row}", f"{len(record)} values",
                                    f"{width} values, one per column ({columns}); check for a missing or extra comma"))
    if problems:
        raise InvalidInput(problems, f"CSV rows with the wrong number of values ({len(problems)})")


def read_bytes(path: Path) -> bytes | None:
    """The bytes of ``path``, or None when there is no such file."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (its type name when it has none)."""
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def stamp() -> str:
    """A sortable UTC time stamp for file names."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def now_iso() -> str:
    """The current UTC time, ISO 8601 with microseconds."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ClientLock:
    """A cross-process lock on one client folder."""

    def __init__(self, path: Path, slug: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(path), timeout=LOCK_TIMEOUT_S)
        self._slug = slug

    def __enter__(self) -> "ClientLock":
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise WorkbookError(
                f"client '{self._slug}' is busy: another session held its lock for {LOCK_TIMEOUT_S:.0f} s; try again"
            ) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
