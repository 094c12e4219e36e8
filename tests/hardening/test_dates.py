"""Dates written with a time-zone offset are checked like any other date, never a crash."""
from __future__ import annotations

import pandas as pd
import pytest

from workbook.errors import InvalidInput
from workbook.frameworks.nps.survey import validate_responses


def test_offset_dates_are_read_and_an_implausible_one_is_named():
    ok = validate_responses(pd.DataFrame({"score": [9, 3], "date": ["2024-03-31T10:00+02:00",
                                                                      "2024-04-01T08:00+02:00"]}))
    assert len(ok) == 2 and ok["date"].notna().all()
    with pytest.raises(InvalidInput) as caught:
        validate_responses(pd.DataFrame({"score": [9, 3], "date": ["2024-03-31T10:00+02:00",
                                                                     "1850-01-01T00:00+02:00"]}))
    assert "row 3, date" in str(caught.value)


def test_parsed_dates_are_checked_as_they_are():
    dates = pd.Series(pd.to_datetime(["2024-03-31", "1850-01-01"]))
    with pytest.raises(InvalidInput) as caught:
        validate_responses(pd.DataFrame({"score": [9, 3], "date": dates}))
    assert "row 3, date" in str(caught.value)
