"""A new charter version, told to the organisations that signed an earlier one."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import CharterSignature, CharterVersion, Membership, Organisation, User
from .charter import current_charter
from .mail import Delivery, absolute_url, send_mail, written_for


@dataclass(frozen=True)
class CharterStandingOf:
    """Where an organisation stands with the charter in force."""

    current: CharterVersion | None
    signed_current: bool
    # The latest version it signed, when that is older than the one in force.
    signed_earlier: int | None

    @property
    def must_sign_new_version(self) -> bool:
        """It signed an earlier version and not yet the one in force."""
        return self.signed_earlier is not None and not self.signed_current


def _latest_signed(organisation_id: int, territory_id: int) -> int | None:
    number = db.session.scalar(
        select(func.max(CharterVersion.number))
        .join(CharterSignature, CharterSignature.charter_version_id == CharterVersion.id)
        .where(
            CharterSignature.organisation_id == organisation_id,
            CharterVersion.territory_id == territory_id,
        )
    )
    return int(number) if number is not None else None


def standing(organisation: Organisation) -> CharterStandingOf:
    """The charter in force and whether the organisation signed it or an earlier version."""
    current = current_charter(organisation.territory_id)
    latest = _latest_signed(organisation.id, organisation.territory_id)
    if current is None:
        return CharterStandingOf(None, False, None)
    signed_current = latest is not None and latest >= current.number
    return CharterStandingOf(current, signed_current, None if signed_current else latest)


def outdated_signatories(version: CharterVersion) -> list[Organisation]:
    """Organisations whose latest signature is of a version older than this one."""
    latest = (
        select(
            CharterSignature.organisation_id.label("org_id"),
            func.max(CharterVersion.number).label("number"),
        )
        .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
        .where(CharterVersion.territory_id == version.territory_id)
        .group_by(CharterSignature.organisation_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Organisation)
            .join(latest, latest.c.org_id == Organisation.id)
            .where(latest.c.number < version.number)
            .order_by(Organisation.id)
        )
    )


@dataclass(frozen=True)
class Announcement:
    """Who was told of a new version, and how the e-mails went."""

    organisations: int
    deliveries: list[Delivery]

    @property
    def all_sent(self) -> bool:
        """Every e-mail is on its way to the SMTP server (none only written to the log)."""
        return all(d == "queued" for d in self.deliveries)


def announce_version(version: CharterVersion) -> Announcement:
    """Mail every member of the organisations that signed an earlier version (after publishing)."""
    organisations = outdated_signatories(version)
    deliveries: list[Delivery] = []
    for organisation in organisations:
        members = db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation.id)
            .order_by(User.id)
        )
        url = absolute_url("orgs.charter", org_id=organisation.id)
        for user in members:
            with written_for(user.email):
                delivery = send_mail(
                    user.email,
                    _("Nouvelle version de la charte à signer"),
                    _(
                        "Bonjour,\n\nLe territoire « %(territory)s » a publié la version "
                        "%(number)s de la charte des acteurs engagés, « %(title)s ». "
                        "« %(name)s » avait signé une version précédente : relisez la nouvelle "
                        "et signez-la au nom de votre organisation pour rester signataire de la "
                        "charte en vigueur.\n\n%(url)s\n",
                        territory=organisation.territory.name,
                        number=version.number,
                        title=version.title,
                        name=organisation.name,
                        url=url,
                    ),
                )
            deliveries.append(delivery)
    return Announcement(len(organisations), deliveries)
