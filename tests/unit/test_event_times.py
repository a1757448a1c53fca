"""Event times in Paris, links, seats and the reminder day: pure functions, no app."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from assett.domain.events import first_free_seat, is_reminder_day, is_web_link, paris_to_utc


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2030, 1, 15), time(14, 0), datetime(2030, 1, 15, 13, 0, tzinfo=UTC)),
        (date(2030, 7, 15), time(14, 0), datetime(2030, 7, 15, 12, 0, tzinfo=UTC)),
        # 31 March 2030: 01:59 is winter time, 03:00 already summer time.
        (date(2030, 3, 31), time(1, 59), datetime(2030, 3, 31, 0, 59, tzinfo=UTC)),
        (date(2030, 3, 31), time(3, 0), datetime(2030, 3, 31, 1, 0, tzinfo=UTC)),
        # 27 October 2030: 02:30 happens twice; the first (summer time) is taken.
        (date(2030, 10, 27), time(2, 30), datetime(2030, 10, 27, 0, 30, tzinfo=UTC)),
        (date(2030, 10, 27), time(14, 0), datetime(2030, 10, 27, 13, 0, tzinfo=UTC)),
    ],
)
def test_a_paris_wall_clock_time_becomes_its_utc_instant(
    day: date, at: time, expected: datetime
) -> None:
    assert paris_to_utc(day, at) == expected


def test_a_time_skipped_by_the_spring_change_does_not_exist() -> None:
    assert paris_to_utc(date(2030, 3, 31), time(2, 30)) is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://visio.example.org/salle?id=1", True),
        ("http://exemple.fr", True),
        ("javascript:alert(1)", False),
        ("ftp://exemple.fr/fichier", False),
        ("https://", False),
        ("https://exemple.fr/a b", False),
        ("https://exemple.fr/" + "a" * 500, False),
        ("//exemple.fr", False),
    ],
)
def test_only_web_links_are_accepted(value: str, ok: bool) -> None:
    assert is_web_link(value) is ok


def test_the_lowest_free_seat_is_given_and_none_when_full() -> None:
    assert first_free_seat(3, set()) == 1
    assert first_free_seat(3, {1, 3}) == 2
    assert first_free_seat(2, {1, 2}) is None


def test_the_reminder_day_is_the_day_before_in_paris() -> None:
    starts = datetime(2030, 6, 12, 7, 0, tzinfo=UTC)  # 09:00 in Paris on 12 June
    assert is_reminder_day(starts, datetime(2030, 6, 11, 6, 0, tzinfo=UTC))
    # 23:30 UTC on 10 June is already 11 June in Paris.
    assert is_reminder_day(starts, datetime(2030, 6, 10, 23, 30, tzinfo=UTC))
    assert not is_reminder_day(starts, datetime(2030, 6, 10, 21, 0, tzinfo=UTC))
    assert not is_reminder_day(starts, datetime(2030, 6, 12, 5, 0, tzinfo=UTC))
