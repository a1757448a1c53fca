"""Official lists shipped in assett/data/: NAF rév. 2 sub-classes, communes and postcodes.

Built by scripts/build_reference_data.py; sources and licences in assett/data/SOURCES.md.
Read once per process, never from the network.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Commune:
    code: str  # code INSEE (COG)
    name: str
    epci_code: str | None
    epci_name: str | None


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("assett").joinpath(f"data/{filename}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def naf_labels() -> dict[str, str]:
    """Every NAF rév. 2 sub-class (« 10.71C ») with its label."""
    return {row["code"]: row["libelle"] for row in _rows("naf-rev2.csv")}


def naf_label(code: str | None) -> str | None:
    """The label of a NAF rév. 2 sub-class, or None if the code is not in the list."""
    return naf_labels().get(code or "")


@cache
def _communes_by_postcode() -> dict[str, tuple[Commune, ...]]:
    epci_names = {row["code"]: row["nom"] for row in _rows("epci.csv")}
    by_postcode: dict[str, list[Commune]] = {}
    for row in _rows("communes.csv"):
        epci = row["epci"] or None
        commune = Commune(row["code_insee"], row["nom"], epci, epci_names.get(epci or ""))
        for postcode in row["codes_postaux"].split():
            by_postcode.setdefault(postcode, []).append(commune)
    return {
        postcode: tuple(sorted(communes, key=lambda c: (folded(c.name), c.code)))
        for postcode, communes in by_postcode.items()
    }


def communes_for_postcode(postcode: str | None) -> tuple[Commune, ...]:
    """The communes served by a postcode, by name; empty if the postcode is unknown."""
    return _communes_by_postcode().get((postcode or "").strip(), ())


def folded(text: str) -> str:
    """A name compared without case, accents, hyphens or apostrophes (« st » for « saint »)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return " ".join({"st": "saint", "ste": "sainte"}.get(word, word) for word in words)


def find_commune(postcode: str | None, typed: str) -> Commune | None:
    """The commune of this postcode named (or coded) `typed`, or None."""
    wanted = folded(typed)
    for commune in communes_for_postcode(postcode):
        if typed.strip() == commune.code or folded(commune.name) == wanted:
            return commune
    return None


@cache
def commune_names() -> dict[str, str]:
    """The name of every current commune, by INSEE code."""
    return {row["code_insee"]: row["nom"] for row in _rows("communes.csv")}


@cache
def _postcodes_by_commune() -> dict[str, tuple[str, ...]]:
    return {row["code_insee"]: tuple(row["codes_postaux"].split()) for row in _rows("communes.csv")}


def postcodes_of_commune(code: str) -> tuple[str, ...]:
    """The postcodes of a commune (by INSEE code), first the main one; empty if unknown."""
    return _postcodes_by_commune().get(code, ())


def communes_of_epci(code: str) -> frozenset[str]:
    """The INSEE codes of an intercommunality's communes (by its SIREN); empty if unknown."""
    return frozenset(row["code_insee"] for row in _rows("communes.csv") if row["epci"] == code)
