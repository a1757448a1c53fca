"""Benefits of synergies and the territory's emission factors (shipped, or its own values).

The tCO2e of a benefit row is computed when it is saved, and computed again for the whole
territory when one of its factors changes: this module is the only writer of `co2e`.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..domain.synergy_benefits import (
    SOURCE_MAX,
    Benefits,
    Factor,
    co2e_avoided,
    parse_benefits,
    parse_factor_value,
    shipped_factors,
    with_overrides,
)
from ..domain.synergy_pipeline import SynergyValueError, benefits_phase
from ..extensions import db
from ..models import EmissionFactorOverride, Synergy, SynergyBenefit, Territory, User
from ..models._base import utcnow
from .errors import ServiceError
from .unit_of_work import transaction


def territory_factors(territory_id: int) -> dict[str, Factor]:
    """The shipped factors with the territory's own values in their place."""
    overrides = {
        row.key: (row.value, row.source)
        for row in db.session.scalars(
            select(EmissionFactorOverride).where(
                EmissionFactorOverride.territory_id == territory_id
            )
        )
    }
    return with_overrides(shipped_factors(), overrides)


def overridden_keys(territory_id: int) -> set[str]:
    return set(
        db.session.scalars(
            select(EmissionFactorOverride.key).where(
                EmissionFactorOverride.territory_id == territory_id
            )
        )
    )


def allowed_phases(synergy: Synergy) -> tuple[str, ...]:
    """Estimated from « étude » on (kept once active); measured once « active »."""
    phase = benefits_phase(synergy.stage)
    if phase == "measured":
        return ("estimated", "measured")
    if phase == "estimated":
        return ("estimated",)
    return ()


def _benefits(row: SynergyBenefit) -> Benefits:
    return Benefits(
        row.tonnes, row.water_m3, row.energy_mwh, row.euros, row.jobs, row.energy_factor
    )


def set_benefits(
    synergy: Synergy,
    user: User,
    phase: str,
    raw: Mapping[str, str],
    energy_factor: str | None,
) -> SynergyBenefit:
    """Save one phase's figures (validated, tCO2e computed); nothing is written if one is bad."""
    if phase not in allowed_phases(synergy):
        if phase == "measured":
            message = _("Les bénéfices se mesurent une fois la synergie « active ».")
        else:
            message = _("Les bénéfices s'estiment à partir de l'étape « étude ».")
        raise ServiceError(message, "phase")
    factors = territory_factors(synergy.territory_id)
    try:
        benefits = parse_benefits(raw, energy_factor, factors)
    except SynergyValueError as error:
        raise ServiceError(error.message, error.field) from error
    with transaction():
        row = db.session.get(SynergyBenefit, (synergy.id, phase))
        if row is None:
            row = SynergyBenefit(synergy_id=synergy.id, phase=phase)
            db.session.add(row)
        row.tonnes = benefits.tonnes
        row.water_m3 = benefits.water_m3
        row.energy_mwh = benefits.energy_mwh
        row.euros = benefits.euros
        row.jobs = benefits.jobs
        row.energy_factor = benefits.energy_factor
        row.co2e = co2e_avoided(benefits, factors)
        row.updated_by_id = user.id
        row.updated_at = utcnow()
        synergy.updated_at = utcnow()
    return row


def set_factor(territory: Territory, user: User, key: str, value: str, source: str) -> None:
    """The territory's own value for a factor, with its source; its benefits are recomputed."""
    if key not in shipped_factors():
        raise ServiceError(_("Facteur d'émission inconnu."), "key")
    try:
        number = parse_factor_value(value)
    except SynergyValueError as error:
        raise ServiceError(error.message, error.field) from error
    source = " ".join(source.split())
    if not source:
        raise ServiceError(_("Citez la source de cette valeur."), "source")
    if len(source) > SOURCE_MAX:
        raise ServiceError(_("Au plus %(n)d caractères.", n=SOURCE_MAX), "source")
    with transaction():
        row = db.session.get(EmissionFactorOverride, (territory.id, key))
        if row is None:
            row = EmissionFactorOverride(territory_id=territory.id, key=key)
            db.session.add(row)
        row.value = number
        row.source = source
        row.updated_by_id = user.id
        row.updated_at = utcnow()
        db.session.flush()
        _recompute(territory.id)


def reset_factor(territory: Territory, key: str) -> None:
    """Go back to the shipped value of a factor; the territory's benefits are recomputed."""
    with transaction():
        db.session.execute(
            delete(EmissionFactorOverride).where(
                EmissionFactorOverride.territory_id == territory.id,
                EmissionFactorOverride.key == key,
            )
        )
        _recompute(territory.id)


def _recompute(territory_id: int) -> None:
    factors = territory_factors(territory_id)
    rows = db.session.scalars(
        select(SynergyBenefit)
        .join(Synergy, Synergy.id == SynergyBenefit.synergy_id)
        .where(Synergy.territory_id == territory_id)
    )
    for row in rows:
        row.co2e = co2e_avoided(_benefits(row), factors)
