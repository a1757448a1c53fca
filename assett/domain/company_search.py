"""The State's company search API (recherche-entreprises.api.gouv.fr): reading its answer.

Plain Python: the JSON of `GET /search?q=<siret>` in, the establishment it describes out.
The API is lenient about what it returns; a field of an unexpected shape is left empty rather
than refusing the whole answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .profile import HEADCOUNT_BRACKETS
from .reference_data import naf_labels
from .sirene import NAME_MAX, Establishment

_COMMUNE_CODE = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$")
_POSTCODE = re.compile(r"^\d{5}$")
_CATEGORY = re.compile(r"^\d{4}$")


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _checked(value: str | None, pattern: re.Pattern[str]) -> str | None:
    return value if value is not None and pattern.match(value) else None


def _establishment_data(result: Mapping[str, Any], siret: str) -> Mapping[str, Any] | None:
    """The part of one result that describes this SIRET: a matching establishment or the seat."""
    candidates = result.get("matching_etablissements")
    places = (
        [place for place in candidates if isinstance(place, Mapping)]
        if isinstance(candidates, list)
        else []
    )
    seat = result.get("siege")
    if isinstance(seat, Mapping):
        places.append(seat)
    for place in places:
        if _text(place, "siret") == siret:
            return place
    return None


def establishment_from_search(payload: Any, siret: str) -> Establishment | None:
    """The establishment with this SIRET in a search answer, or None if it is not there."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("results"), list):
        return None
    for result in payload["results"]:
        if not isinstance(result, Mapping):
            continue
        place = _establishment_data(result, siret)
        if place is None:
            continue
        naf = _text(place, "activite_principale") or _text(result, "activite_principale")
        headcount = _text(place, "tranche_effectif_salarie")
        legal_name = _text(result, "nom_raison_sociale") or _text(result, "nom_complet")
        usual_name = _text(place, "nom_commercial") or _text(place, "enseigne")
        return Establishment(
            siret=siret,
            siren=siret[:9],
            name=usual_name[:NAME_MAX] if usual_name else None,
            legal_name=legal_name[:NAME_MAX] if legal_name else None,
            legal_category=_checked(_text(result, "nature_juridique"), _CATEGORY),
            naf_code=naf if naf in naf_labels() else None,
            headcount_code=headcount if headcount in HEADCOUNT_BRACKETS else None,
            commune_code=_checked(_text(place, "commune"), _COMMUNE_CODE),
            postcode=_checked(_text(place, "code_postal"), _POSTCODE),
            active=_text(place, "etat_administratif") != "F",
        )
    return None
