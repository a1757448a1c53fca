"""Questionnaires and their versions: load from files, provision territories, look up."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from ..content_text import content_locale
from ..domain.content_language import LocalText, language_of, local, localize_definition
from ..domain.definitions import ThemeDefinition
from ..domain.loader import load_directory, validate_definition
from ..extensions import db
from ..models import Questionnaire, QuestionnaireVersion, Resource, Territory
from ..models._base import utcnow
from .kept import Kept
from .unit_of_work import transactional


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


_DEFINITIONS: Kept[tuple[int, str], ThemeDefinition] = Kept(512)
_LOCALIZED: Kept[tuple[int, str, str], ThemeDefinition] = Kept(512)


def definition_of(version: QuestionnaireVersion) -> ThemeDefinition:
    """The parsed definition of a version, kept per process under its id and content hash.

    Every write of a version's definition writes its content hash (the sha256 of its canonical
    JSON), so the pair names one content: a draft edited since is parsed again, and a kept
    definition is reused without reading the stored JSON.
    """
    key = (version.id, version.content_hash)
    found = _DEFINITIONS.get(key) if version.id is not None else None
    if found is None:
        raw = json.loads(json.dumps(version.definition, sort_keys=True))
        found = validate_definition(raw, f"version {version.id}")
        if version.id is not None:
            _DEFINITIONS.put(key, found)
    return found


def localized_definition_of(version: QuestionnaireVersion, locale: object) -> ThemeDefinition:
    """`definition_of` with its texts in the locale's content language, kept likewise under the
    version's id, content hash and that language (a definition and its copies are frozen)."""
    language = language_of(locale)
    key = (version.id, version.content_hash, language)
    found = _LOCALIZED.get(key) if version.id is not None else None
    if found is None:
        found = localize_definition(definition_of(version), language)
        if version.id is not None:
            _LOCALIZED.put(key, found)
    return found


def published_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The version new assessments of this questionnaire use (its definition read on use only:
    `definition_of` needs none when it keeps the version's)."""
    return db.session.scalar(
        select(QuestionnaireVersion)
        .options(defer(QuestionnaireVersion.definition))
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == "published",
        )
        .order_by(QuestionnaireVersion.number.desc())
        .limit(1)
    )


def published_version_id(questionnaire_id: int) -> int | None:
    """The id of the version new assessments of this questionnaire use, if one is published."""
    return db.session.scalar(
        select(QuestionnaireVersion.id)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            QuestionnaireVersion.status == "published",
        )
        .order_by(QuestionnaireVersion.number.desc())
        .limit(1)
    )


def published_versions(territory_id: int) -> dict[int, QuestionnaireVersion]:
    """The published version of each of the territory's questionnaires, by questionnaire id,
    in one query (their definitions read on use only, as `published_version`'s)."""
    return {
        version.questionnaire_id: version
        for version in db.session.scalars(
            select(QuestionnaireVersion)
            .options(defer(QuestionnaireVersion.definition))
            .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
            .where(
                Questionnaire.territory_id == territory_id,
                QuestionnaireVersion.status == "published",
            )
            .order_by(QuestionnaireVersion.number)
        )
    }


def with_english_titles(found: list[Questionnaire]) -> list[Questionnaire]:
    """Give each questionnaire `title_en` (not stored): the English title of its published
    definition, else of its draft, so that `content(questionnaire, "title")` shows it."""
    missing = [q.id for q in found if "title_en" not in vars(q)]
    english: dict[int, tuple[bool, int, str | None]] = {}
    if missing:
        rows = db.session.execute(
            select(
                QuestionnaireVersion.questionnaire_id,
                QuestionnaireVersion.status,
                QuestionnaireVersion.number,
                QuestionnaireVersion.definition[("en", "title")].as_string(),
            ).where(
                QuestionnaireVersion.questionnaire_id.in_(missing),
                QuestionnaireVersion.status.in_(("published", "draft")),
            )
        )
        for questionnaire_id, status, number, title in rows:
            rank = (status == "published", number, title or None)
            if questionnaire_id not in english or rank[:2] > english[questionnaire_id][:2]:
                english[questionnaire_id] = rank
    for questionnaire in found:
        if questionnaire.id in missing:
            questionnaire.title_en = english.get(questionnaire.id, (False, 0, None))[2]
    return found


def territory_questionnaires(territory_id: int, enabled_only: bool = True) -> list[Questionnaire]:
    """A territory's questionnaires in display order (with their English titles)."""
    query = select(Questionnaire).where(Questionnaire.territory_id == territory_id)
    if enabled_only:
        query = query.where(Questionnaire.enabled.is_(True))
    return with_english_titles(
        list(db.session.scalars(query.order_by(Questionnaire.position, Questionnaire.id)))
    )


def shown_title(questionnaire: Questionnaire) -> LocalText:
    """A questionnaire's title in the page's language (French outside a request)."""
    return local(questionnaire, "title", content_locale())


def theme_titles(territory_id: int, locale: str = "fr") -> dict[str, LocalText]:
    """Each theme's title by key, in display order and in the locale's language (the English
    title of its published definition when there is one)."""
    return {
        questionnaire.theme_key: local(questionnaire, "title", locale)
        for questionnaire in territory_questionnaires(territory_id, enabled_only=False)
    }


def territory_questionnaire(territory_id: int, theme_key: str) -> Questionnaire | None:
    """A territory's questionnaire for one theme (with its English title)."""
    found = db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.territory_id == territory_id, Questionnaire.theme_key == theme_key
        )
    )
    return with_english_titles([found])[0] if found is not None else None


def platform_questionnaires() -> list[Questionnaire]:
    """The platform's default questionnaires (copied into each new territory)."""
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(Questionnaire.territory_id.is_(None))
            .order_by(Questionnaire.position, Questionnaire.id)
        )
    )


def _next_number(questionnaire_id: int) -> int:
    current = db.session.scalar(
        select(func.max(QuestionnaireVersion.number)).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id
        )
    )
    return (current or 0) + 1


def _archive_published(questionnaire_id: int) -> None:
    for version in db.session.scalars(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            QuestionnaireVersion.status == "published",
        )
    ):
        version.status = "archived"


def without_resources(definition: ThemeDefinition) -> ThemeDefinition:
    """The definition as versions store it: resources live in the resource base instead."""
    return definition.model_copy(update={"resources": []})


def add_published_version(
    questionnaire: Questionnaire,
    definition: ThemeDefinition,
    user_id: int | None = None,
    source_version_id: int | None = None,
) -> QuestionnaireVersion:
    """Publish a definition as the questionnaire's new version (no commit)."""
    definition = without_resources(definition)
    _archive_published(questionnaire.id)
    now = utcnow()
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        number=_next_number(questionnaire.id),
        status="published",
        definition=definition.to_data(),
        content_hash=definition.content_hash(),
        source_version_id=source_version_id,
        created_by_id=user_id,
        published_at=now,
        published_by_id=user_id,
    )
    db.session.add(version)
    questionnaire.title = definition.title
    db.session.flush()
    return version


def _resource_values(res: Any, theme_key: str) -> dict[str, Any]:
    return {
        "title": res.title,
        "description": res.description,
        "title_en": res.en.title if res.en else None,
        "description_en": res.en.description if res.en else None,
        "url": str(res.url),
        "provider": res.provider,
        "offer_type": res.type,
        "levels": list(res.levels),
        "needs": list(res.needs),
        "example": res.example,
    }


def _sync_platform_resources(definition: ThemeDefinition) -> None:
    """Create or update the platform resources a definition file lists."""
    for res in definition.resources:
        values = _resource_values(res, definition.key)
        existing = db.session.scalar(
            select(Resource).where(Resource.territory_id.is_(None), Resource.key == res.key)
        )
        if existing is None:
            db.session.add(
                Resource(territory_id=None, key=res.key, themes=[definition.key], **values)
            )
            continue
        changed = False
        for name, value in values.items():
            if getattr(existing, name) != value:
                setattr(existing, name, value)
                changed = True
        if definition.key not in existing.themes:
            existing.themes = [*existing.themes, definition.key]
            changed = True
        if changed:
            existing.updated_at = utcnow()


@transactional
def load_platform_definitions(directory: str | Path) -> LoadReport:
    """Load the theme files as platform defaults: unchanged files create nothing."""
    definitions = load_directory(directory)
    report = LoadReport()
    position = 0
    for definition in definitions:
        position += 1
        questionnaire = db.session.scalar(
            select(Questionnaire).where(
                Questionnaire.territory_id.is_(None), Questionnaire.theme_key == definition.key
            )
        )
        if questionnaire is None:
            questionnaire = Questionnaire(
                territory_id=None,
                theme_key=definition.key,
                title=definition.title,
                position=position,
            )
            db.session.add(questionnaire)
            db.session.flush()
            add_published_version(questionnaire, definition)
            report.created.append(definition.key)
        else:
            current = published_version(questionnaire)
            stored = without_resources(definition).content_hash()
            if current is not None and current.content_hash == stored:
                report.unchanged.append(definition.key)
            else:
                add_published_version(questionnaire, definition)
                report.updated.append(definition.key)
        _sync_platform_resources(definition)
    return report


def provision_territory(territory: Territory) -> None:
    """Give a territory its own copy of the platform's questionnaires and resources (no commit)."""
    for source in platform_questionnaires():
        if territory_questionnaire(territory.id, source.theme_key) is not None:
            continue
        version = published_version(source)
        if version is None:
            continue
        copy = Questionnaire(
            territory_id=territory.id,
            theme_key=source.theme_key,
            title=source.title,
            position=source.position,
            enabled=source.enabled,
            source_questionnaire_id=source.id,
        )
        db.session.add(copy)
        db.session.flush()
        add_published_version(copy, definition_of(version), source_version_id=version.id)
    existing_keys = set(
        db.session.scalars(select(Resource.key).where(Resource.territory_id == territory.id))
    )
    for res in db.session.scalars(select(Resource).where(Resource.territory_id.is_(None))):
        if res.key in existing_keys:
            continue
        db.session.add(
            Resource(
                territory_id=territory.id,
                key=res.key,
                title=res.title,
                description=res.description,
                title_en=res.title_en,
                description_en=res.description_en,
                url=res.url,
                provider=res.provider,
                offer_type=res.offer_type,
                themes=list(res.themes),
                levels=list(res.levels),
                needs=list(res.needs),
                headcount_codes=list(res.headcount_codes),
                legal_types=list(res.legal_types),
                naf_sections=list(res.naf_sections),
                valid_from=res.valid_from,
                valid_until=res.valid_until,
                example=res.example,
                source_resource_id=res.id,
            )
        )
    db.session.flush()
