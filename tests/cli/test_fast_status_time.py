"""The prompt reads pmo's stored times without datetime (fast_status.epoch_seconds): it must
agree with datetime.fromisoformat, and leave every other form to it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo_tui.cli import fast_status


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)))
def test_epoch_seconds_agree_with_datetime(moment: datetime) -> None:
    text = moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not text[:4].isdigit() or len(text) != 20:  # (strftime drops zeros of early years)
        text = f"{moment.year:04d}{text[text.index('-') :]}"
    expected = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert fast_status.epoch_seconds(text) == int(expected.timestamp())


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-29T10:00:00Z",  # not a leap year
        "2024-02-30T10:00:00Z",
        "2026-13-01T10:00:00Z",
        "2026-00-10T10:00:00Z",
        "2026-11-31T10:00:00Z",
        "2026-11-30T24:00:00Z",
        "2026-11-30T10:60:00Z",
        "2026-11-30T10:00:60Z",
        "0000-01-01T00:00:00Z",
        "2026-11-30T10:00:00+00:00",  # other forms: datetime reads them
        "2026-11-30T10:00:00.5Z",
        "2026-11-30 10:00:00Z",
        "2026-11-30T1٠:00:00Z",  # a non-ASCII digit
        "+026-11-30T10:00:00Z",
        "",
    ],
)
def test_other_forms_are_left_to_datetime(text: str) -> None:
    assert fast_status.epoch_seconds(text) is None


def test_minutes_since_as_before() -> None:
    began = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=125, seconds=5)
    for text in (began.strftime("%Y-%m-%dT%H:%M:%SZ"), began.isoformat()):
        assert fast_status.minutes_since(text) == 125
    future = datetime.fromtimestamp(time.time() + 3600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert fast_status.minutes_since(future) == 0
    with pytest.raises(ValueError):
        fast_status.minutes_since("2026-02-29T10:00:00Z")  # as datetime refuses it
