"""A SIRET fills a profile: the imported establishments first, then the replayed company API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from assett.services import company_api
from assett.services.company_api import THROTTLED, RateGate
from assett.services.errors import ServiceError
from assett.services.siret_lookup import API, SIRENE, lookup_siret

from .factories import World
from .sirene_support import Replay, csv_line, make_siret, replay_server, stock_row, write_extract

BAKERY = "81234567600017"  # tests/recordings/recherche_entreprises_81234567600017.json
GARDENS = "77889900500152"  # an association's closed establishment
UNKNOWN = make_siret("55544433", "0012")
TIMEOUT = 0.5


@pytest.fixture
def replay(app: Flask) -> Iterator[Replay]:
    with replay_server() as server:
        server.record(BAKERY, "recherche_entreprises_81234567600017")
        server.record(GARDENS, "recherche_entreprises_77889900500152")
        app.config.update(
            COMPANY_SEARCH_ENABLED=True,
            COMPANY_SEARCH_URL=server.url,
            COMPANY_SEARCH_TIMEOUT=TIMEOUT,
        )
        yield server


def test_the_replayed_api_fills_name_legal_type_naf_headcount_and_commune(
    replay: Replay, world: World
) -> None:
    found = lookup_siret(world.territory.id, "812 345 676 00017")

    assert found.source == API
    assert found.values == {
        "siret": BAKERY,
        "name": "BOULANGERIE DURAND",
        "legal_type": "entreprise",
        "naf_code": "10.71C",
        "headcount_code": "11",
        "postcode": "76000",
        "commune": "Rouen",
        "commune_code": "76540",
    }
    assert "annuaire des entreprises" in found.message
    assert replay.asked == [BAKERY]


def test_an_associations_closed_establishment_is_filled_with_a_warning(
    replay: Replay, world: World
) -> None:
    found = lookup_siret(world.territory.id, GARDENS)

    assert found.values["legal_type"] == "association"
    assert (found.values["naf_code"], found.values["commune"]) == ("81.30Z", "Mont-Saint-Aignan")
    assert "headcount_code" not in found.values  # not given: the field keeps what was typed
    assert "fermé" in found.message


def test_answers_are_kept_so_the_api_is_asked_once(replay: Replay, world: World) -> None:
    lookup_siret(world.territory.id, BAKERY)
    lookup_siret(world.territory.id, BAKERY)
    lookup_siret(world.territory.id, UNKNOWN)
    lookup_siret(world.territory.id, UNKNOWN)

    assert replay.asked == [BAKERY, UNKNOWN]


def test_a_siret_the_api_does_not_know_leaves_manual_entry(replay: Replay, world: World) -> None:
    found = lookup_siret(world.territory.id, UNKNOWN)

    assert not found.found
    assert "Aucun établissement ne porte ce SIRET" in found.message


def test_the_imported_establishments_are_looked_up_before_the_api(
    app: Flask, replay: Replay, world: World, tmp_path: Path
) -> None:
    extract = write_extract(
        tmp_path / "extrait.csv",
        [csv_line(stock_row(BAKERY, headcount="12", legal_name="BOULANGERIE DURAND ET FILS"))],
    )
    runner = app.test_cli_runner()
    assert (
        runner.invoke(args=["sirene", "import", str(extract), "--territory", "demo"]).exit_code == 0
    )

    found = lookup_siret(world.territory.id, BAKERY)

    assert found.source == SIRENE
    assert (found.values["name"], found.values["headcount_code"]) == (
        "BOULANGERIE DURAND ET FILS",
        "12",
    )
    assert "SIRENE" in found.message
    assert replay.asked == []
    # Another territory's import is not this territory's.
    assert lookup_siret(world.other_territory.id, BAKERY).source == API


def test_a_slow_api_gives_manual_entry_within_its_timeout(replay: Replay, world: World) -> None:
    replay.slow.add(UNKNOWN)
    started = time.monotonic()

    found = lookup_siret(world.territory.id, UNKNOWN)

    elapsed = time.monotonic() - started
    assert not found.found
    assert "ne répond pas" in found.message
    assert TIMEOUT * 0.9 <= elapsed < TIMEOUT + 0.4, elapsed


def test_an_api_error_gives_manual_entry_and_is_not_kept(replay: Replay, world: World) -> None:
    replay.status(UNKNOWN, 500)

    first = lookup_siret(world.territory.id, UNKNOWN)
    second = lookup_siret(world.territory.id, UNKNOWN)

    assert "ne répond pas" in first.message
    assert not first.found
    assert replay.asked == [UNKNOWN, UNKNOWN]  # a failure is asked again next time
    assert second.message == first.message


def test_a_429_stops_every_call_for_the_time_the_api_asks(replay: Replay, world: World) -> None:
    replay.status(UNKNOWN, 429, {"Retry-After": "30"})

    throttled = lookup_siret(world.territory.id, UNKNOWN)
    meanwhile = lookup_siret(world.territory.id, BAKERY)

    assert "trop de demandes" in throttled.message
    assert not meanwhile.found
    assert "trop de demandes" in meanwhile.message
    assert replay.asked == [UNKNOWN]


def test_an_unreachable_api_gives_manual_entry(app: Flask, world: World) -> None:
    app.config.update(
        COMPANY_SEARCH_ENABLED=True,
        COMPANY_SEARCH_URL="http://127.0.0.1:5142",  # nothing listens there
        COMPANY_SEARCH_TIMEOUT=TIMEOUT,
    )
    found = lookup_siret(world.territory.id, BAKERY)
    assert not found.found
    assert "ne répond pas" in found.message


def test_without_the_setting_the_api_is_never_called(
    app: Flask, replay: Replay, world: World
) -> None:
    app.config["COMPANY_SEARCH_ENABLED"] = False

    found = lookup_siret(world.territory.id, BAKERY)

    assert not found.found
    assert "remplissez le profil vous-même" in found.message
    assert replay.asked == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Le SIRET doit comporter 14 chiffres."),
        ("8123456760001", "Le SIRET doit comporter 14 chiffres."),
        ("8123456760001A", "Le SIRET doit comporter 14 chiffres."),
        ("81234567600018", "Le SIRET n'est pas valide (clé de contrôle)."),
        ("35600000000002", "Le SIRET n'est pas valide (clé de contrôle)."),
    ],
)
def test_a_malformed_siret_is_refused_with_a_message_naming_it(
    app: Flask, world: World, typed: str, message: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        lookup_siret(world.territory.id, typed)
    assert (refused.value.field, refused.value.message) == ("siret", message)


def test_la_postes_establishments_follow_their_own_key(app: Flask, world: World) -> None:
    # La Poste's SIRETs fail Luhn: their digits add up to a multiple of 5 instead.
    assert lookup_siret(world.territory.id, "356 000 000 00001").siret == "35600000000001"


# --- The process-wide rate gate, on a clock the test moves --------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_gate_spaces_calls_to_the_rate_and_refuses_a_long_wait() -> None:
    clock = Clock()
    gate = RateGate(rate=4, clock=clock)

    waits = [gate.reserve() for _ in range(5)]

    assert waits == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert gate.reserve() is None  # 1.25 s away: manual entry rather than a long wait
    clock.now += 2
    assert gate.reserve() == 0.0


def test_the_gate_backs_off_after_a_429_doubling_without_retry_after() -> None:
    clock = Clock()
    gate = RateGate(rate=7, clock=clock)

    gate.throttled(None)
    assert gate.reserve() is None
    clock.now += 1.01
    assert gate.reserve() == 0.0
    gate.throttled(None)
    clock.now += 1.5
    assert gate.reserve() is None  # two seconds this time
    clock.now += 0.6
    assert gate.reserve() is not None
    gate.succeeded()
    gate.throttled(None)
    clock.now += 1.01
    assert gate.reserve() is not None


def test_the_cache_forgets_answers_once_expired(app: Flask) -> None:
    clock = Clock()
    cache = company_api.ExpiringCache(seconds=60, size=2, clock=clock)
    outcome = company_api.SearchOutcome(THROTTLED)
    cache.put("a", outcome)
    cache.put("b", outcome)
    cache.put("c", outcome)

    assert cache.get("a") is None  # the oldest went when the third came
    assert cache.get("c") is outcome
    clock.now += 61
    assert cache.get("c") is None
