"""PDFs: one headless Chromium printing a few report pages at a time."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .jobs import one_line

PDF_PAGES = 2  # Chromium pages printing at once (more only adds contention)


def print_pdfs(items: Sequence[tuple[Path, Path, str]], pages: int = PDF_PAGES) -> list[tuple[Path, str]]:
    """Print ``(html, pdf, footer)`` items with one headless Chromium; return failures."""
    import asyncio

    if not items:
        return []

    async def main() -> list[tuple[Path, str]]:
        from playwright.async_api import async_playwright

        from .. import report

        failures: list[tuple[Path, str]] = []
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
                while not todo.empty():
                    html, pdf, footer = todo.get_nowait()
                    try:
                        await page.goto(Path(html).resolve().as_uri(), wait_until="load")
                        tmp = Path(pdf).with_suffix(".pdf.part")
                        await page.pdf(path=str(tmp), **report.pdf_options(footer))
                        os.replace(tmp, pdf)
                    except Exception as exc:  # noqa: BLE001
                        failures.append((Path(pdf), f"{type(exc).__name__}: {one_line(str(exc))}"))
                await page.close()

            await asyncio.gather(*(printer() for _ in range(max(1, min(pages, len(items))))))
            await browser.close()
        return failures

    return asyncio.run(main())
