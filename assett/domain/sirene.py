"""INSEE SIRENE establishments: reading a stock extract's rows and mapping them to a profile.

Plain Python: a row is a list of strings with its header's layout; a bad row raises RowError
with the reason in French, so that the importer skips it and says why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .profile import HEADCOUNT_BRACKETS, validate_siret
from .reference_data import commune_names, naf_labels, postcodes_of_commune

NAME_MAX: Final = 200

# Columns of StockEtablissement the import cannot do without.
REQUIRED_COLUMNS: Final = (
    "siret",
    "activitePrincipaleEtablissement",
    "trancheEffectifsEtablissement",
    "codeCommuneEtablissement",
)
# Read when present (the last four come from StockUniteLegale, joined by whoever cut the file).
OPTIONAL_COLUMNS: Final = (
    "siren",
    "denominationUsuelleEtablissement",
    "enseigne1Etablissement",
    "codePostalEtablissement",
    "etatAdministratifEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "categorieJuridiqueUniteLegale",
    "denominationUniteLegale",
    "nomUniteLegale",
    "prenom1UniteLegale",
)

_COMMUNE_CODE = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$")
_POSTCODE = re.compile(r"^\d{5}$")
_CATEGORY = re.compile(r"^\d{4}$")


class RowError(ValueError):
    """A row the import skips; the message says why, in French."""


@dataclass(frozen=True)
class Establishment:
    """What SIRENE says of one establishment, in the app's vocabulary."""

    siret: str
    siren: str
    name: str | None  # the establishment's usual name or sign
    legal_name: str | None  # the legal unit's name
    legal_category: str | None  # catégorie juridique, 4 digits
    naf_code: str | None  # « 10.71C »
    headcount_code: str | None
    commune_code: str | None
    postcode: str | None
    active: bool


def legal_type_for(category: str | None) -> str | None:
    """The app's legal type for an INSEE « catégorie juridique » (None when unknown)."""
    if not category or not _CATEGORY.match(category):
        return None
    if category.startswith("92"):
        return "association"
    if category[0] in "47":  # public bodies, commercial (4) or administrative (7)
        return "etablissement_public"
    if category[0] in "156" or category[:2] in {"21", "22", "23"}:
        return "entreprise"
    return "autre"


# --- Stock rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where each known column sits in the file's rows."""

    width: int
    index: dict[str, int]


def stock_layout(header: Sequence[str]) -> Layout:
    """Read the header; ValueError naming the missing required columns."""
    names = [name.strip().lstrip("\ufeff") for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ValueError(
            "Colonnes obligatoires absentes de l'en-tête : " + ", ".join(missing) + "."
        )
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    return Layout(len(names), {name: names.index(name) for name in known if name in names})


def _is_clean(text: str) -> bool:
    """False when the text holds bytes that were not UTF-8 (decoded as surrogates)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_stock_row(layout: Layout, values: Sequence[str]) -> Establishment:
    """One StockEtablissement row as an Establishment; RowError when it cannot be stored."""
    if len(values) != layout.width:
        raise RowError(f"{len(values)} colonnes au lieu de {layout.width}.")
    if not all(_is_clean(value) for value in values):
        raise RowError("Octets invalides : la ligne n'est pas en UTF-8.")

    def get(name: str) -> str:
        position = layout.index.get(name)
        return values[position].strip() if position is not None else ""

    siret = get("siret")
    if not (len(siret) == 14 and siret.isdigit()):
        raise RowError(f"SIRET « {siret[:20]} » : 14 chiffres attendus.")
    try:
        validate_siret(siret)
    except ValueError:
        raise RowError(f"SIRET {siret} : clé de contrôle invalide.") from None

    naf_code = _naf(
        get("activitePrincipaleEtablissement"), get("nomenclatureActivitePrincipaleEtablissement")
    )
    headcount = get("trancheEffectifsEtablissement") or None
    if headcount is not None and headcount not in HEADCOUNT_BRACKETS:
        raise RowError(f"Tranche d'effectif « {headcount[:10]} » inconnue.")
    commune = get("codeCommuneEtablissement")
    if not commune:
        raise RowError("Code commune manquant.")
    if not _COMMUNE_CODE.match(commune):
        raise RowError(f"Code commune « {commune[:10]} » mal formé.")
    postcode = get("codePostalEtablissement") or None
    if postcode is not None and not _POSTCODE.match(postcode):
        postcode = None  # foreign or malformed: the commune's own postcode is used instead
    category = get("categorieJuridiqueUniteLegale") or None
    if category is not None and not _CATEGORY.match(category):
        raise RowError(f"Catégorie juridique « {category[:10]} » mal formée.")
    state = get("etatAdministratifEtablissement") or "A"
    if state not in {"A", "F"}:
        raise RowError(f"État administratif « {state[:10]} » inconnu (A ou F attendu).")
    return Establishment(
        siret=siret,
        siren=siret[:9],
        name=_name(get("denominationUsuelleEtablissement") or get("enseigne1Etablissement")),
        legal_name=_legal_name(
            get("denominationUniteLegale"), get("nomUniteLegale"), get("prenom1UniteLegale")
        ),
        legal_category=category,
        naf_code=naf_code,
        headcount_code=headcount,
        commune_code=commune,
        postcode=postcode,
        active=state == "A",
    )


def _naf(code: str, nomenclature: str) -> str | None:
    if not code:
        return None
    if nomenclature and nomenclature != "NAFRev2":
        return None  # an older nomenclature: the app only knows NAF rév. 2
    if code not in naf_labels():
        raise RowError(f"Code NAF « {code[:10]} » absent de la NAF rév. 2.")
    return code


def _name(text: str) -> str | None:
    return text[:NAME_MAX] or None


def _legal_name(denomination: str, surname: str, first_name: str) -> str | None:
    if denomination:
        return _name(denomination)
    # A sole trader has no denomination: « Prénom NOM ».
    return _name(" ".join(part for part in (first_name.title(), surname) if part))


# --- Legal units (StockUniteLegale) ------------------------------------------------------------

LEGAL_UNIT_COLUMNS: Final = ("siren", "categorieJuridiqueUniteLegale")
LEGAL_UNIT_OPTIONAL: Final = ("denominationUniteLegale", "nomUniteLegale", "prenom1UniteLegale")


@dataclass(frozen=True)
class LegalUnit:
    siren: str
    legal_category: str | None
    legal_name: str | None


def legal_unit_layout(header: Sequence[str]) -> Layout:
    """Read a StockUniteLegale header; ValueError naming the missing required columns."""
    names = [name.strip().lstrip("\ufeff") for name in header]
    missing = [name for name in LEGAL_UNIT_COLUMNS if name not in names]
    if missing:
        raise ValueError(
            "Colonnes obligatoires absentes de l'en-tête : " + ", ".join(missing) + "."
        )
    known = (*LEGAL_UNIT_COLUMNS, *LEGAL_UNIT_OPTIONAL)
    return Layout(len(names), {name: names.index(name) for name in known if name in names})


def parse_legal_unit_row(layout: Layout, values: Sequence[str]) -> LegalUnit:
    """One StockUniteLegale row; RowError when it cannot be used."""
    if len(values) != layout.width:
        raise RowError(f"{len(values)} colonnes au lieu de {layout.width}.")
    if not all(_is_clean(value) for value in values):
        raise RowError("Octets invalides : la ligne n'est pas en UTF-8.")

    def get(name: str) -> str:
        position = layout.index.get(name)
        return values[position].strip() if position is not None else ""

    siren = get("siren")
    if not (len(siren) == 9 and siren.isdigit()):
        raise RowError(f"SIREN « {siren[:20]} » : 9 chiffres attendus.")
    category = get("categorieJuridiqueUniteLegale") or None
    if category is not None and not _CATEGORY.match(category):
        raise RowError(f"Catégorie juridique « {category[:10]} » mal formée.")
    return LegalUnit(
        siren,
        category,
        _legal_name(
            get("denominationUniteLegale"), get("nomUniteLegale"), get("prenom1UniteLegale")
        ),
    )


def municipal_code(code: str) -> str:
    """The commune's own code for a Paris, Lyon or Marseille arrondissement; else the code."""
    return _municipal(code) or code


# --- The profile it fills -----------------------------------------------------------------------


def profile_values(establishment: Establishment) -> dict[str, str]:
    """The profile fields SIRENE fills, as the form holds them; unknown ones are left out."""
    values = {"siret": establishment.siret}
    name = establishment.legal_name or establishment.name
    if name:
        values["name"] = name
    legal_type = legal_type_for(establishment.legal_category)
    if legal_type:
        values["legal_type"] = legal_type
    if establishment.naf_code:
        values["naf_code"] = establishment.naf_code
    if establishment.headcount_code:
        values["headcount_code"] = establishment.headcount_code
    commune = _municipal(establishment.commune_code)
    commune_name = commune_names().get(commune or "")
    if commune and commune_name:
        postcodes = postcodes_of_commune(commune)
        postcode = establishment.postcode
        if postcode not in postcodes:
            postcode = postcodes[0] if postcodes else None
        if postcode:
            values.update(postcode=postcode, commune=commune_name, commune_code=commune)
    return values


def _municipal(code: str | None) -> str | None:
    """SIRENE codes Paris, Lyon and Marseille by arrondissement; the app by commune."""
    if code is None:
        return None
    if code.startswith("751") and "75101" <= code <= "75120":
        return "75056"
    if "69381" <= code <= "69389":
        return "69123"
    if "13201" <= code <= "13216":
        return "13055"
    return code
