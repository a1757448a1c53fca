"""The charter of engaged actors: versioned text per territory, signed by organisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import CharterSignature, CharterVersion, Organisation, Territory, User
from ..models._base import utcnow
from .errors import ServiceError
from .unit_of_work import transaction, transactional

TITLE_MAX = 200
TEXT_MAX = 50_000


def versions(territory: Territory) -> list[CharterVersion]:
    """Every version of the territory's charter, newest first."""
    return list(
        db.session.scalars(
            select(CharterVersion)
            .where(CharterVersion.territory_id == territory.id)
            .order_by(CharterVersion.number.desc())
        )
    )


def current_charter(territory_id: int) -> CharterVersion | None:
    """The charter in force: the latest published version."""
    return db.session.scalar(
        select(CharterVersion)
        .where(CharterVersion.territory_id == territory_id, CharterVersion.status == "published")
        .order_by(CharterVersion.number.desc())
        .limit(1)
    )


def draft_of(territory: Territory) -> CharterVersion | None:
    """The version being written, if any."""
    return db.session.scalar(
        select(CharterVersion).where(
            CharterVersion.territory_id == territory.id, CharterVersion.status == "draft"
        )
    )


def _clean(title: str, text: str) -> tuple[str, str]:
    title = (title or "").strip()
    text = (text or "").strip().replace("\r\n", "\n")
    if not title:
        raise ServiceError(_("Le titre de la charte est obligatoire."), "title")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            _("Le titre est trop long (%(n)s caractères au plus).", n=TITLE_MAX), "title"
        )
    if not text:
        raise ServiceError(_("Le texte de la charte est obligatoire."), "text")
    if len(text) > TEXT_MAX:
        raise ServiceError(
            _("Le texte est trop long (%(n)s caractères au plus).", n=TEXT_MAX), "text"
        )
    return title, text


@transactional
def save_draft(territory: Territory, title: str, text: str) -> CharterVersion:
    """Write the draft; with the charter published, this starts a new version."""
    title, text = _clean(title, text)
    draft = draft_of(territory)
    if draft is None:
        number = db.session.scalar(
            select(func.max(CharterVersion.number)).where(
                CharterVersion.territory_id == territory.id
            )
        )
        draft = CharterVersion(
            territory_id=territory.id,
            number=(number or 0) + 1,
            status="draft",
            title=title,
            text=text,
        )
        db.session.add(draft)
    else:
        draft.title = title
        draft.text = text
    return draft


@transactional
def publish_draft(territory: Territory, user: User, now: datetime | None = None) -> CharterVersion:
    """Make the draft the charter in force; organisations may then sign it."""
    draft = draft_of(territory)
    if draft is None:
        raise ServiceError(_("Il n'y a pas de brouillon à publier."), None)
    draft.status = "published"
    draft.published_at = now or utcnow()
    draft.published_by_id = user.id
    return draft


@transactional
def discard_draft(territory: Territory) -> None:
    """Drop the draft; the charter in force does not change."""
    draft = draft_of(territory)
    if draft is not None:
        db.session.delete(draft)


def has_signed(org: Organisation, version: CharterVersion) -> bool:
    """Whether the organisation signed this version."""
    return (
        db.session.scalar(
            select(CharterSignature.id).where(
                CharterSignature.organisation_id == org.id,
                CharterSignature.charter_version_id == version.id,
            )
        )
        is not None
    )


def sign_charter(
    org: Organisation,
    user: User,
    now: datetime | None = None,
    synergy_commitment: bool = False,
) -> CharterSignature:
    """Sign the charter in force for the organisation (once per version)."""
    charter = current_charter(org.territory_id)
    if charter is None:
        raise ServiceError(_("Le territoire n'a pas encore publié de charte."), None)
    if has_signed(org, charter):
        raise ServiceError(
            _(
                "Votre organisation a déjà signé la version %(number)s de la charte.",
                number=charter.number,
            ),
            None,
        )
    signature = CharterSignature(
        organisation_id=org.id,
        charter_version_id=charter.id,
        user_id=user.id,
        signed_at=now or utcnow(),
        synergy_commitment=synergy_commitment,
    )
    try:
        with transaction() as session:
            session.add(signature)
            session.flush()
    except IntegrityError:
        # Two members clicked at once: the other signature stands.
        raise ServiceError(
            _(
                "Votre organisation a déjà signé la version %(number)s de la charte.",
                number=charter.number,
            ),
            None,
        ) from None
    return signature


def commit_to_synergies(org: Organisation) -> CharterSignature:
    """Add the synergy commitment to the organisation's signature of the charter in force."""
    charter = current_charter(org.territory_id)
    signature: CharterSignature | None = None
    if charter is not None:
        signature = db.session.scalar(
            select(CharterSignature).where(
                CharterSignature.organisation_id == org.id,
                CharterSignature.charter_version_id == charter.id,
            )
        )
    if signature is None:
        raise ServiceError(_("Signez d'abord la charte en vigueur."), None)
    with transaction():
        signature.synergy_commitment = True
    return signature


@dataclass(frozen=True)
class SignatureLine:
    """A signature as pages show it."""

    version_number: int
    version_title: str
    signed_at: datetime
    signed_by: str | None
    synergy_commitment: bool = False


def signatures_of(org: Organisation) -> list[SignatureLine]:
    """Who signed which version for the organisation, newest first."""
    rows = db.session.execute(
        select(CharterSignature, CharterVersion, User)
        .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
        .outerjoin(User, User.id == CharterSignature.user_id)
        .where(CharterSignature.organisation_id == org.id)
        .order_by(CharterSignature.signed_at.desc(), CharterSignature.id.desc())
    )
    return [
        SignatureLine(
            version_number=version.number,
            version_title=version.title,
            signed_at=signature.signed_at,
            signed_by=(user.display_name or user.email) if user is not None else None,
            synergy_commitment=signature.synergy_commitment,
        )
        for signature, version, user in rows
    ]


@dataclass(frozen=True)
class Signatory:
    """A signing organisation, for the territory's staff."""

    organisation_id: int
    name: str
    version_number: int
    signed_at: datetime
    signs_current: bool
    synergy_commitment: bool = False


@dataclass(frozen=True)
class Signatories:
    """The territory's signatories: the sharing ones by name, the others counted."""

    named: list[Signatory]
    unshared_count: int
    current_count: int

    @property
    def total(self) -> int:
        """All signing organisations."""
        return len(self.named) + self.unshared_count


def signatories(territory: Territory) -> Signatories:
    """Organisations that signed any version, with their latest signature."""
    current = current_charter(territory.id)
    latest = (
        select(
            CharterSignature.organisation_id.label("org_id"),
            func.max(CharterVersion.number).label("number"),
            func.max(CharterSignature.signed_at).label("signed_at"),
            func.max(case((CharterSignature.synergy_commitment, 1), else_=0)).label("committed"),
        )
        .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
        .where(CharterVersion.territory_id == territory.id)
        .group_by(CharterSignature.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organisation, latest.c.number, latest.c.signed_at, latest.c.committed)
        .join(latest, latest.c.org_id == Organisation.id)
        .where(Organisation.territory_id == territory.id)
        .order_by(func.lower(Organisation.name), Organisation.id)
    )
    named: list[Signatory] = []
    unshared = 0
    current_count = 0
    for org, number, signed_at, committed in rows:
        signs_current = current is not None and number == current.number
        current_count += int(signs_current)
        if org.sharing == "private":
            unshared += 1
            continue
        named.append(Signatory(org.id, org.name, number, signed_at, signs_current, bool(committed)))
    return Signatories(named=named, unshared_count=unshared, current_count=current_count)


# A safe Markdown subset: paragraphs, lists, emphasis, headings and links; raw HTML is shown
# as text (html=False) and markdown-it refuses javascript:, vbscript: and data: links.
_MARKDOWN = MarkdownIt("zero", {"html": False, "breaks": True}).enable(
    ["list", "emphasis", "heading", "link", "newline"]
)


def render_text(text: str) -> Markup:
    """The charter text as HTML: lists and paragraphs from Markdown, everything else escaped."""
    rendered = _MARKDOWN.render(text.replace("\r\n", "\n"))
    # Quote apostrophes as Jinja does, so the text reads the same in every page and test.
    return Markup(rendered.replace("'", "&#39;"))  # noqa: S704 - html disabled above


def publisher_names(charter_versions: list[CharterVersion]) -> dict[int, str]:
    """Who published each version (name or e-mail), by user id."""
    ids = {v.published_by_id for v in charter_versions if v.published_by_id is not None}
    if not ids:
        return {}
    return {
        user.id: user.display_name or user.email
        for user in db.session.scalars(select(User).where(User.id.in_(ids)))
    }
