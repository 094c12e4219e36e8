"""PDFs: one headless Chromium printing a few report pages at a time.

Each PDF is written to a temporary file and renamed into place, and reported
to ``on_done`` as soon as it is printed (or has failed), so a batch stopped
half-way knows which PDFs it need not print again.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .jobs import one_line

PDF_PAGES = 2  # Chromium pages printing at once (more only adds contention)


@dataclass(frozen=True)
class PdfJob:
    """One report page to print: ``html`` to ``pdf``, with ``footer`` (the client's name) on every page."""

    client: str
    html: Path
    pdf: Path
    footer: str


def print_pdfs(items: Sequence[PdfJob], pages: int = PDF_PAGES,
               on_done: Callable[[PdfJob, str | None], None] | None = None,
               stop: Callable[[], bool] | None = None) -> list[tuple[PdfJob, str]]:
    """Print ``items`` with one headless Chromium; return the failures as ``(item, error)``.

    ``on_done(item, error)`` is called as each item is printed (``error`` is
    ``None``) or fails.  Once ``stop()`` is true, the PDFs being printed are
    finished and no other is started.
    """
    import asyncio

    if not items:
        return []
    done = on_done or (lambda item, error: None)

    async def main() -> list[tuple[PdfJob, str]]:
        from playwright.async_api import async_playwright

        from .. import report

        failures: list[tuple[PdfJob, str]] = []
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=report.chromium_path(), args=report.CHROMIUM_FLAGS)
            todo: asyncio.Queue = asyncio.Queue()
            for item in items:
                todo.put_nowait(item)

            async def block_network(route):
                if route.request.url.startswith(("file:", "data:")):
                    await route.continue_()
                else:
                    await route.abort()

            async def printer() -> None:
                page = await browser.new_page()
                await page.route("**/*", block_network)
                while not todo.empty() and not (stop is not None and stop()):
                    item = todo.get_nowait()
                    tmp = Path(item.pdf).with_suffix(".pdf.part")
                    try:
                        await page.goto(Path(item.html).resolve().as_uri(), wait_until="load")
                        await page.pdf(path=str(tmp), **report.pdf_options(item.footer))
                        os.replace(tmp, item.pdf)
                    except Exception as exc:  # noqa: BLE001 - one report's failure does not stop the others
                        tmp.unlink(missing_ok=True)
                        error = f"{type(exc).__name__}: {one_line(str(exc))}"
                        failures.append((item, error))
                        done(item, error)
                    except BaseException:  # interrupted: no half-printed file is left behind
                        tmp.unlink(missing_ok=True)
                        raise
                    else:
                        done(item, None)
                await page.close()

            await asyncio.gather(*(printer() for _ in range(max(1, min(pages, len(items))))))
            await browser.close()
        return failures

    return asyncio.run(main())
