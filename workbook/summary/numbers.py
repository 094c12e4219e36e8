"""Money and shares in the summary and portfolio: :mod:`workbook.formatting` once it is merged.

Until then the same interface (``money(value, currency)``, ``percent(share)``)
with the same rule, so the callers do not change when it lands.
"""
from __future__ import annotations

try:
    from ..formatting import money, percent
except ImportError:  # pragma: no cover - removed once workbook.formatting is in main
    def money(value: float | None, currency: str = "USD") -> str:
        """``$1,250`` (whole units, cents only under 100 when there are any)."""
        if value is None or value != value:
            return "\u2013"
        symbol = {"USD": "$"}.get(currency, f"{currency} ")
        text = f"{abs(value):,.2f}" if abs(value) < 100 and round(value) != value else f"{abs(value):,.0f}"
        return ("-" if value < 0 else "") + symbol + text

    def percent(share: float | None, digits: int = 0) -> str:
        """``25%`` for 0.25."""
        if share is None or share != share:
            return "\u2013"
        return f"{100 * float(share):.{digits}f}%"

__all__ = ["money", "percent"]
