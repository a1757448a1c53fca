"""Fill a profile from a SIRET: the territory's imported establishments first, then the API.

Never raises for the API's sake: a failure or a timeout gives a message and no values, and
the form goes on with manual entry. Only a malformed SIRET is refused (ServiceError).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.profile import validate_siret
from ..domain.sirene import Establishment, profile_values
from ..extensions import db
from ..models import Establishment as EstablishmentRow
from . import company_api
from .errors import ServiceError

SIRENE = "sirene"
API = "api"


@dataclass(frozen=True)
class SiretLookup:
    """What a SIRET gives: the profile values found (empty if none) and what to tell the user."""

    siret: str
    message: str
    source: str | None = None
    values: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.values)


def imported_establishment(territory_id: int, siret: str) -> Establishment | None:
    """The establishment as the territory's SIRENE import holds it, or None."""
    row = db.session.scalar(
        select(EstablishmentRow).where(
            EstablishmentRow.territory_id == territory_id, EstablishmentRow.siret == siret
        )
    )
    if row is None:
        return None
    return Establishment(
        siret=row.siret,
        siren=row.siren,
        name=row.name,
        legal_name=row.legal_name,
        legal_category=row.legal_category,
        naf_code=row.naf_code,
        headcount_code=row.headcount_code,
        commune_code=row.commune_code,
        postcode=row.postcode,
        active=row.active,
    )


def lookup_siret(territory_id: int, typed: str) -> SiretLookup:
    """Look a typed SIRET up; ServiceError (field « siret ») if it is not a valid SIRET."""
    try:
        siret = validate_siret(typed or "")
    except ValueError as error:
        raise ServiceError(error.args[0], field="siret") from None
    found = imported_establishment(territory_id, siret)
    if found is not None:
        return _filled(found, SIRENE, _("Profil rempli depuis le répertoire SIRENE de l'Insee"))
    if not company_api.enabled():
        return SiretLookup(
            siret,
            _(
                "Ce SIRET ne figure pas parmi les établissements connus du territoire : "
                "remplissez le profil vous-même."
            ),
        )
    outcome = company_api.client().find(siret)
    if outcome.establishment is not None:
        return _filled(
            outcome.establishment, API, _("Profil rempli depuis l'annuaire des entreprises")
        )
    if outcome.status == company_api.NOT_FOUND:
        message = _(
            "Aucun établissement ne porte ce SIRET dans l'annuaire des entreprises : "
            "vérifiez-le, ou remplissez le profil vous-même."
        )
    elif outcome.status == company_api.THROTTLED:
        message = _(
            "L'annuaire des entreprises reçoit trop de demandes : remplissez le profil "
            "vous-même, ou réessayez dans une minute."
        )
    else:
        message = _(
            "L'annuaire des entreprises ne répond pas pour le moment : remplissez le profil "
            "vous-même."
        )
    return SiretLookup(siret, message)


def _filled(establishment: Establishment, source: str, origin: str) -> SiretLookup:
    message = _("%(origin)s : vérifiez-le avant d'enregistrer.", origin=origin)
    if not establishment.active:
        message += " " + _("Attention : cet établissement est fermé selon l'Insee.")
    return SiretLookup(establishment.siret, message, source, profile_values(establishment))
