"""Choosing the client of a session, without widgets.

The pieces the start page, the framework notebooks, the CLI and the Jupyter
configuration share:

- :func:`locate_data_dir` / :func:`resolve_data_dir`: the one rule for the
  data folder. An explicit folder (``--data-dir`` on the command line, the
  ``data_dir`` parameter of a notebook, papermill's injected value) wins;
  otherwise ``$WORKBOOK_DATA_DIR``; otherwise the ``data/`` folder next to
  where the command runs (from ``notebooks/``, the repository's ``data/``).
- :func:`client_rows` and :func:`search`: the searchable client list.
- :func:`new_client`: a client created from the start page's form, every
  field checked and every problem named with the field it belongs to.
- :func:`record_choice` / :func:`find_client`: the start page records the
  chosen client for this JupyterLab server; a notebook whose parameters say
  ``client = "@start-page"`` opens that client. A client named explicitly
  (typed in the cell, or injected by papermill) always wins.
"""
from __future__ import annotations

import json
import logging
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from .formatting import money
from . import registry
from .errors import ClientExists, InvalidInput, InvalidSlug, Problem, WorkbookError
from .store import SLUG_ALLOWED, SLUG_MAX, SLUG_PATTERN, Store, atomic_write
from .store_helpers import read_text

log = logging.getLogger(__name__)

#: Environment variable naming the data folder (the CLI and the notebooks read it the same way).
DATA_DIR_ENV = "WORKBOOK_DATA_DIR"
#: Set (by ``workbook present``) when the notebook is shown on the client's screen.
PRESENT_ENV = "WORKBOOK_PRESENT"
#: Environment variable naming this server's record of the client chosen on the start page.
CHOICE_ENV = "WORKBOOK_CHOICE_FILE"
#: The ``client`` literal that means "the client chosen on the start page".
START_PAGE = "@start-page"
#: The fictional example clients shipped with the workbook (lessons fall back to them).
EXAMPLE_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The start page notebook, in the notebooks folder.
START_NOTEBOOK = "00_start_here.ipynb"
REVENUE_ALLOWED = "blank, or US dollars of zero or more: 12000000, 12,000,000, $12M or 900k"
NAME_ALLOWED = "the client's name, 1 to 200 characters"
INDUSTRY_ALLOWED = "a few words, at most 200 characters (may be blank)"


# -- the data folder ------------------------------------------------------------------

@dataclass(frozen=True)
class DataFolder:
    """Where client data lives and why.

    Attributes
    ----------
    path : Path
        The absolute data folder (holding ``clients/``).
    source : str
        Which rule chose it, in plain words.
    """

    path: Path
    source: str


def locate_data_dir(explicit: str | os.PathLike | None = None) -> DataFolder:
    """Find the data folder: explicit, else ``$WORKBOOK_DATA_DIR``, else ``data/`` nearby.

    Parameters
    ----------
    explicit : str or Path, optional
        A folder given on purpose; blank or None means "not given".

    Returns
    -------
    DataFolder
        The absolute folder and the rule that chose it. The default is
        ``./data`` when it holds a ``clients/`` folder, else ``../data``
        when that does (a notebook runs in ``notebooks/``), else ``./data``.
    """
    if explicit is not None and str(explicit).strip():
        return DataFolder(Path(explicit).expanduser().resolve(), "given explicitly")
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        return DataFolder(Path(env).expanduser().resolve(), f"from ${DATA_DIR_ENV}")
    for candidate in (Path("data"), Path("..") / "data"):
        if (candidate / "clients").is_dir():
            return DataFolder(candidate.resolve(), "the default data/ folder")
    return DataFolder(Path("data").resolve(), "the default data/ folder")


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The absolute data folder; see :func:`locate_data_dir`."""
    return locate_data_dir(explicit).path


# -- the client list ------------------------------------------------------------------

@dataclass(frozen=True)
class ClientRow:
    """One client as the start page lists it."""

    slug: str
    name: str
    industry: str
    revenue_usd: float | None
    fictional: bool
    frameworks: tuple[str, ...]

    def label(self) -> str:
        """One line: name, industry, revenue, example marker."""
        parts = [self.name]
        if self.industry:
            parts.append(self.industry)
        if self.revenue_usd is not None:
            parts.append(money_short(self.revenue_usd))
        text = " \u00b7 ".join(parts)
        return text + (" (fictional example)" if self.fictional else "")

    def matches(self, query: str) -> bool:
        """Whether every word of ``query`` appears in the name, industry or folder name."""
        hay = f"{self.name} {self.industry} {self.slug}".casefold()
        return all(word in hay for word in query.casefold().split())


def money_short(value: float) -> str:
    """``$12.0M``, ``$850k`` or ``$900``: a revenue at a glance."""
    if value >= 1e6:
        return f"${value / 1e6:,.1f}M"
    if value >= 1e3:
        return f"{money(value / 1e3, cents=False)}k"
    return f"{money(value)}"


def client_rows(store: Store) -> list[ClientRow]:
    """Every client with a readable profile, sorted by name (unreadable ones are logged and left out)."""
    rows = []
    for slug in store.list_clients():
        try:
            prof = store.load_profile(slug)
        except WorkbookError as exc:
            log.warning("start page: leaving out %s: %s", slug, exc)
            continue
        have = tuple(fw.name for fw in registry.REGISTRY if store.has(slug, fw.name))
        rows.append(ClientRow(slug, prof.name, prof.industry, prof.revenue_usd, prof.fictional, have))
    return sorted(rows, key=lambda r: (r.fictional, r.name.casefold()))


def search(rows: Iterable[ClientRow], query: str) -> list[ClientRow]:
    """The rows matching ``query`` (all of them for a blank query)."""
    return [r for r in rows if r.matches(query or "")]


# -- new clients ----------------------------------------------------------------------

def slug_for(name: str) -> str:
    """A folder name from a client name: ``"Acme Tools, Inc."`` gives ``"acme-tools-inc"``."""
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-")


def parse_revenue(text: str) -> float | None:
    """Read a revenue as typed: blank is None; ``12,000,000``, ``$12M`` and ``900k`` are accepted.

    Raises
    ------
    InvalidInput
        On field ``revenue``, with the text and the accepted forms.
    """
    raw = (text or "").strip().replace("$", "").replace(",", "").replace("_", "").replace(" ", "")
    if not raw:
        return None
    scale = 1.0
    if raw[-1] in "mMkK":
        scale = 1e6 if raw[-1] in "mM" else 1e3
        raw = raw[:-1]
    try:
        value = float(raw) * scale
    except ValueError:
        raise InvalidInput.one("revenue", text, REVENUE_ALLOWED) from None
    if not math.isfinite(value) or value < 0:
        raise InvalidInput.one("revenue", text, REVENUE_ALLOWED)
    return round(value, 2)


def new_client(store: Store, name: str, industry: str = "", revenue: str = "", slug: str = "") -> str:
    """Create a client from the start page's form; return its folder name.

    Parameters
    ----------
    store : Store
    name, industry, revenue : str
        As typed; ``revenue`` may be blank.
    slug : str, optional
        The folder name; made from ``name`` when blank.

    Raises
    ------
    InvalidInput
        Every problem at once, each on its field (``name``, ``industry``,
        ``revenue`` or ``folder``); nothing is written.
    """
    problems: list[Problem] = []
    clean_name = (name or "").strip()
    if not clean_name or len(clean_name) > 200:
        problems.append(Problem("name", name, NAME_ALLOWED))
    if len((industry or "").strip()) > 200:
        problems.append(Problem("industry", industry, INDUSTRY_ALLOWED))
    amount = None
    try:
        amount = parse_revenue(revenue)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    folder = (slug or "").strip() or slug_for(clean_name)
    if clean_name and (not folder or not SLUG_PATTERN.fullmatch(folder)):
        problems.append(Problem("folder", folder, SLUG_ALLOWED))
    elif folder and (store.clients_dir / folder / "profile.json").is_file():
        problems.append(Problem("folder", folder, "a folder name no other client uses: this one is taken"))
    if problems:
        raise InvalidInput(problems, "new client")
    profile = {"name": clean_name, "industry": (industry or "").strip(), "revenue_usd": amount}
    try:
        store.create_client(folder, profile)
    except ClientExists:
        raise InvalidInput.one("folder", folder, "a folder name no other client uses: this one is taken",
                               "new client") from None
    except InvalidSlug:
        raise InvalidInput.one("folder", folder, SLUG_ALLOWED, "new client") from None
    return folder


# -- the start page's choice ----------------------------------------------------------

def choice_file() -> Path | None:
    """This server's record of the chosen client (None outside a workbook JupyterLab)."""
    path = os.environ.get(CHOICE_ENV, "").strip()
    return Path(path) if path else None


def record_choice(slug: str, data_dir: str | os.PathLike, path: str | os.PathLike | None = None) -> None:
    """Remember ``slug`` (in ``data_dir``) as the client chosen on the start page.

    The record goes to ``path``, by default this server's (``$WORKBOOK_CHOICE_FILE``).
    """
    path = Path(path) if path is not None else choice_file()
    if path is None:
        log.info("no %s: the choice of %s is not remembered", CHOICE_ENV, slug)
        return
    doc = {"client": slug, "data_dir": str(Path(data_dir).resolve()),
           "chosen_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    atomic_write(path, json.dumps(doc))


def read_choice() -> dict | None:
    """The last choice recorded on the start page of this server, or None."""
    path = choice_file()
    text = read_text(path) if path is not None else None
    if not text:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        log.warning("unreadable start-page record %s; ignored", path)
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("client"), str) else None


@dataclass(frozen=True)
class ClientLookup:
    """Which client a notebook opens, or the one plain line saying why none.

    Attributes
    ----------
    slug : str or None
        The client's folder name; None when there is no usable client.
    problem : str
        Empty when ``slug`` is set; otherwise one sentence for the consultant.
    from_start_page : bool
        Whether the client came from the start page's choice.
    """

    slug: str | None
    problem: str = ""
    from_start_page: bool = False


def find_client(client: str, data_dir: str | os.PathLike) -> ClientLookup:
    """Resolve a notebook's ``client`` parameter in ``data_dir`` without raising.

    The problem line never names other clients (a projector may be showing it).
    """
    store = Store(data_dir)
    from_start = client == START_PAGE
    if from_start:
        choice = read_choice()
        if choice is None:
            return ClientLookup(None, "No client chosen yet on the start page.")
        if Path(choice.get("data_dir", "")).resolve() != store.root:
            return ClientLookup(None, "The client chosen on the start page is in another data folder.")
        client = choice["client"]
    if not isinstance(client, str) or not SLUG_PATTERN.fullmatch(client) or len(client) > SLUG_MAX:
        return ClientLookup(None, f"{client!r} is not a client folder name (lowercase letters, digits and "
                                  "hyphens, such as 'acme-tools').")
    if not (store.clients_dir / client / "profile.json").is_file():
        return ClientLookup(None, f"There is no client {client!r} in this data folder.")
    return ClientLookup(client, "", from_start)
