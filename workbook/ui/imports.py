"""The Import tab every room with a table shares: a file path or an upload, checked row by row.

A file goes through the framework's table validator before anything is saved.
When some rows are bad and the rest are usable, the tab lists the bad rows
(row, column, value, what is allowed; at most :data:`MAX_LISTED`) and offers
two buttons: import the good rows, or import nothing. Either choice is kept
in the client's history (``store.note_import``). Uploading the same file name
again after fixing it works: the upload box is emptied after each file.
"""
from __future__ import annotations

import logging
import re
import tempfile
from datetime import datetime
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from ..errors import InvalidInput, WorkbookError
from ..html import esc
from ..store_helpers import note_import, read_import
from .session import plain_error

log = logging.getLogger(__name__)

#: Bad rows listed in the tab; the rest are counted (a long list helps nobody in a meeting).
MAX_LISTED = 12
_ROW = re.compile(r"^row (\d+)(?:, (.*))?$")


def bad_rows(exc: InvalidInput) -> dict[int, list] | None:
    """``{spreadsheet row: [problems]}`` when every problem names a row, else None."""
    rows: dict[int, list] = {}
    for problem in exc.problems:
        m = _ROW.match(problem.field)
        if not m:
            return None
        rows.setdefault(int(m[1]), []).append(problem)
    return rows


def problems_table(exc: InvalidInput, limit: int = MAX_LISTED) -> str:
    """HTML table of the problems: row, column, value, what is allowed (escaped; capped)."""
    body = []
    for problem in exc.problems[:limit]:
        m = _ROW.match(problem.field)
        row, column = (m[1], m[2] or "") if m else ("", problem.field)
        body.append(f"<tr><td>{esc(row)}</td><td>{esc(column)}</td><td>{esc(str(problem.value)[:40])}</td>"
                    f"<td>{esc(problem.allowed)}</td></tr>")
    more = len(exc.problems) - limit
    tail = f"<p><i>and {more} more problem(s) not listed</i></p>" if more > 0 else ""
    return ('<table class="wb-table wb-import-problems"><tr><th>Row</th><th>Column</th><th>Value</th>'
            f"<th>Allowed</th></tr>{''.join(body)}</table>{tail}")


class ImportMixin:
    """Import-tab behaviour for :class:`~workbook.ui.base.RoomView` (see the module docstring)."""

    import_table: str = ""
    import_noun: str = "rows"

    def _import_controls(self, style: dict) -> tuple[widgets.HBox, widgets.VBox]:
        """Build the Import tab's file widgets.

        Parameters
        ----------
        style : dict
            The ``style`` of the file-path box (its description width).

        Returns
        -------
        row : ipywidgets.HBox
            The path of a ``.csv`` or ``.xlsx`` export and the Import button (which
            imports the uploaded file when there is one, else the path).
        upload : ipywidgets.VBox
            The upload button (imports the file as soon as it arrives) and the
            place where bad rows and the choice about them are shown.
        """
        self._uploaded: tuple[str, bytes] | None = None
        self._path = widgets.Text(placeholder="path to a .csv or .xlsx export", description="File", style=style,
                                  layout=widgets.Layout(width="420px"))
        self._path.observe(lambda _: self._forget_upload(), names="value")
        load = widgets.Button(description="Import", icon="upload")
        load.on_click(lambda _: self._import_clicked())
        self._upload = widgets.FileUpload(accept=".csv,.xlsx,.xlsm", multiple=False, description="Upload")
        self._upload.observe(lambda _: self._import_upload(), names="value")
        self._import_panel = widgets.VBox([])
        self._import_panel.add_class("wb-import-panel")
        return widgets.HBox([self._path, load]), widgets.VBox([self._upload, self._import_panel])

    def _forget_upload(self) -> None:
        if self._path.value.strip():
            self._uploaded = None

    def _import_clicked(self) -> None:
        """The Import button: the uploaded file if one is waiting, else the typed path."""
        if self._uploaded is not None and not self._path.value.strip():
            self._import_bytes(*self._uploaded)
        else:
            self._import(self._path.value.strip())

    def _import_upload(self) -> None:
        """Import the file just uploaded, then empty the upload box so the same file can come again."""
        files = self._upload.value
        if not files:
            return
        item = files[0]
        self._uploaded = (Path(item["name"]).name, bytes(item["content"]))
        try:
            self._upload.value = ()  # the same name again (after a fix) is then a change too
        except Exception:  # noqa: BLE001 - older widget versions refuse; the Import button still works
            log.debug("could not clear the upload box")
        self._import_bytes(*self._uploaded)

    def _import_bytes(self, name: str, content: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_bytes(content)
            self._import(str(path))

    def _import(self, source: str) -> None:
        """Read, check and (when clean) save ``source`` as the room's ``import_table``.

        When it cannot be read or has problems, nothing is saved: the status
        says why, and when only some rows are bad the tab lists them and offers
        to import the good rows or nothing.
        """
        self._import_panel.children = ()
        validator = self.state.module.TABLES[self.import_table]
        frame = None
        try:
            frame = read_import(source, self._import_columns() or None)
            validator(frame)
        except InvalidInput as exc:
            self._offer_partial(source, frame, exc)
            return
        except (WorkbookError, ValueError, OSError) as exc:  # unreadable files too
            self._set_status(f"Not imported: {plain_error(exc)}", "bad")
            return
        self._save_import(frame, Path(source).name, note=None)

    def _offer_partial(self, source: str, frame: pd.DataFrame | None, exc: InvalidInput) -> None:
        rows = bad_rows(exc) if frame is not None else None
        name = Path(source).name
        good = None
        if rows:
            keep = frame.drop(index=[r - 2 for r in rows if 0 <= r - 2 < len(frame)])
            try:
                self.state.module.TABLES[self.import_table](keep)
                good = keep if len(keep) else None
            except (InvalidInput, ValueError):
                good = None
        listed = problems_table(exc)
        if good is None:
            self._set_status(f"Not imported: nothing was saved from {name} (fix the file and upload it again)\n"
                             + plain_error(exc, limit=3), "bad")
            self._import_panel.children = (widgets.HTML(listed),)
            return
        total = len(frame)
        self._set_status(f"Not imported yet: {len(rows)} of {total:,} rows of {name} have problems "
                         f"(listed in the Import tab)", "bad")
        take = widgets.Button(description=f"Import the {len(good):,} good rows", icon="check",
                              button_style="warning", layout=widgets.Layout(width="auto"))
        skip = widgets.Button(description="Import nothing", icon="times", layout=widgets.Layout(width="auto"))
        dropped = sorted(rows)
        take.on_click(lambda _: self._save_import(good, name, note={"choice": "good rows", "rows_left_out": dropped}))
        skip.on_click(lambda _: self._import_nothing(name, dropped))
        self._import_panel.children = (
            widgets.HTML(f"<b>{len(rows)} row(s) of {esc(name)} cannot be used</b> "
                         f"({total - len(rows):,} are fine):" + listed),
            widgets.HBox([take, skip]))

    def _import_nothing(self, name: str, dropped: list[int]) -> None:
        note_import(self._store, self._client, self.framework,
                    {"table": self.import_table, "file": name, "choice": "nothing", "rows_with_problems": dropped})
        self._import_panel.children = ()
        self._set_status(f"Nothing imported from {name} {datetime.now():%H:%M:%S}", "muted")

    def _save_import(self, frame: pd.DataFrame, name: str, note: dict | None) -> None:
        validator = self.state.module.TABLES[self.import_table]
        try:
            with self._lock:
                clean = self._store.save_table(self._client, self.framework, self.import_table, frame, validator,
                                               check_version=False)
                if note is not None:
                    note_import(self._store, self._client, self.framework,
                                {"table": self.import_table, "file": name, "rows_imported": len(clean), **note})
                self.state.replace(tables={**self.state.tables, self.import_table: clean})
                self._after_import()
                self._version = self._client_version()
                self._refresh()
        except (WorkbookError, ValueError, OSError) as exc:
            self._set_status(f"Not imported: {plain_error(exc)}", "bad")
            return
        self._import_panel.children = ()
        left_out = f", {len(note['rows_left_out'])} row(s) left out" if note else ""
        self._set_status(f"Imported {len(clean):,} {self.import_noun}{left_out} {datetime.now():%H:%M:%S}", "good")

    def _import_columns(self) -> dict[str, str] | None:
        """Hook: renames ``{column in the file: column the framework expects}`` from the form."""
        return None

    def _after_import(self) -> None:
        """Hook: runs after an imported table is swapped in, before the redraw."""
