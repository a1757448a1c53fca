"""Questionnaires as YAML files: export a version with its resources, import a file as a draft."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from importlib import resources
from typing import Any

import yaml
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import func, select

from ..domain.definitions import ResourceDef, ThemeDefinition
from ..domain.loader import (
    MAX_FILE_BYTES,
    DefinitionError,
    dump_definition_yaml,
    parse_definition_text,
)
from ..extensions import db
from ..models import Questionnaire, QuestionnaireVersion, Resource, Territory, User
from ..models._base import utcnow
from .drafts import (
    draft_version,
    lock_questionnaire,
    next_version_number,
    parse_definition,
    questionnaire_is_new,
)
from .questionnaires import territory_questionnaire
from .unit_of_work import transaction

Data = dict[str, Any]


def _user_id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _resource_data(resource: Resource, band_keys: Sequence[str]) -> Data | None:
    """A resource row as a definition file writes it, or None if it cannot be written."""
    levels = [level for level in resource.levels or [] if level in band_keys]
    if not levels:
        return None
    data: Data = {
        "key": resource.key,
        "title": resource.title,
        "provider": resource.provider,
        "type": resource.offer_type,
        "description": resource.description,
        "url": resource.url,
        "levels": levels,
        "needs": list(resource.needs or []),
        "example": resource.example,
    }
    english = {"title": resource.title_en, "description": resource.description_en}
    english = {name: text for name, text in english.items() if text}
    if english:
        data["en"] = english
    try:
        ResourceDef.model_validate(data)
    except ValidationError:
        return None
    return data


def theme_resources(territory_id: int | None, theme_key: str) -> list[Resource]:
    """The territory's active resources listed under a theme, in creation order."""
    rows = db.session.scalars(
        select(Resource)
        .where(Resource.territory_id == territory_id, Resource.is_active.is_(True))
        .order_by(Resource.id)
    )
    return [row for row in rows if theme_key in (row.themes or [])]


def export_filename(version: QuestionnaireVersion) -> str:
    """The download's name: <theme_key>-v<N>.yaml."""
    return f"{version.questionnaire.theme_key}-v{version.number}.yaml"


def export_yaml(version: QuestionnaireVersion) -> str:
    """A version as a file of questionnaires/, with the territory's resources for the theme."""
    questionnaire = version.questionnaire
    data = copy.deepcopy(version.definition)
    # A draft may carry imported resources not yet published: they win over the live ones.
    pending = [entry for entry in data.pop("resources", []) if isinstance(entry, dict)]
    pending_keys = {entry.get("key") for entry in pending}
    band_keys = [str(band.get("key")) for band in data.get("bands", []) if isinstance(band, dict)]
    resources = []
    skipped = []
    for row in theme_resources(questionnaire.territory_id, questionnaire.theme_key):
        if row.key in pending_keys:
            continue
        entry = _resource_data(row, band_keys)
        if entry is None:
            skipped.append(row.key)
        else:
            resources.append(entry)
    resources += pending
    if resources:
        data["resources"] = resources
    status = {"draft": "brouillon", "published": "publiée", "archived": "archivée"}
    # Only keys in comments: a title may hold a line break that would end the comment.
    header = [
        f"# Thème {questionnaire.theme_key}, version {version.number} "
        f"({status.get(version.status, version.status)}), exporté d'ASSETT.",
        "# Format : questionnaires/README.md.",
    ]
    if skipped:
        header.append(
            "# Ressources non exportées (niveau ou champ invalide) : " + ", ".join(skipped) + "."
        )
    definition = parse_definition(data)
    if definition is not None:
        body = dump_definition_yaml(definition)
    else:  # a draft still being filled: written as it is, the import will say what is missing
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(header) + "\n" + body


EXAMPLE_FILENAME = "exemple-theme.yaml"


def example_yaml() -> str:
    """The commented example theme file shipped with the app, for the import page."""
    return resources.files("assett").joinpath(f"data/{EXAMPLE_FILENAME}").read_text("utf-8")


def decode_upload(content: bytes, source: str) -> str:
    """The text of an uploaded file, refused if over 1 MB or not UTF-8."""
    if len(content) > MAX_FILE_BYTES:
        raise DefinitionError(
            [
                _(
                    "%(source)s: fichier trop volumineux (%(max)s octets au plus)",
                    source=source,
                    max=MAX_FILE_BYTES,
                )
            ]
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DefinitionError(
            [_("%(source)s: le fichier doit être encodé en UTF-8", source=source)]
        ) from error


def _resource_values(res: ResourceDef) -> Data:
    """A file's resource as the columns of its row."""
    return {
        "title": res.title,
        "description": res.description,
        "title_en": res.en.title if res.en else None,
        "description_en": res.en.description if res.en else None,
        "url": res.url,
        "provider": res.provider,
        "offer_type": res.type,
        "levels": list(res.levels),
        "needs": list(res.needs),
        "example": res.example,
        "is_active": True,
    }


def _live_resource(territory_id: int | None, key: str) -> Resource | None:
    return db.session.scalar(
        select(Resource).where(Resource.territory_id == territory_id, Resource.key == key)
    )


def pending_resources(territory_id: int | None, definition: ThemeDefinition) -> list[ResourceDef]:
    """The file's resources that publishing would create or change (unchanged ones left out)."""
    pending = []
    for res in definition.resources:
        row = _live_resource(territory_id, res.key)
        if row is None or definition.key not in (row.themes or []):
            pending.append(res)
            continue
        values = _resource_values(res)
        if any(getattr(row, name) != value for name, value in values.items()):
            pending.append(res)
    return pending


def apply_resources(territory_id: int | None, definition: ThemeDefinition) -> None:
    """Create or update a published definition's resources in the territory's base, by key."""
    for res in definition.resources:
        values = _resource_values(res)
        row = _live_resource(territory_id, res.key)
        if row is None:
            db.session.add(
                Resource(territory_id=territory_id, key=res.key, themes=[definition.key], **values)
            )
            continue
        for name, value in values.items():
            setattr(row, name, value)
        if definition.key not in (row.themes or []):
            row.themes = [*(row.themes or []), definition.key]
        row.updated_at = utcnow()


def import_yaml(
    territory: Territory,
    text: str,
    user: User | None,
    questionnaire: Questionnaire | None = None,
    source: str = "fichier",
) -> QuestionnaireVersion:
    """Make a YAML theme file the draft (of `questionnaire`, or of a new theme); all or nothing.

    Raises DefinitionError listing every problem, each with its path; nothing changes then.
    """
    definition = parse_definition_text(text, source)
    if questionnaire is not None and definition.key != questionnaire.theme_key:
        raise DefinitionError(
            [
                _(
                    "%(source)s: key: le fichier décrit le thème « %(key)s », pas « %(theme)s » : "
                    "importez-le depuis la liste des thèmes pour en faire un nouveau thème",
                    source=source,
                    key=definition.key,
                    theme=questionnaire.theme_key,
                )
            ]
        )
    if questionnaire is None and territory_questionnaire(territory.id, definition.key):
        raise DefinitionError(
            [
                _(
                    "%(source)s: key: le thème « %(key)s » existe déjà : importez le fichier "
                    "depuis sa page pour en faire le brouillon",
                    source=source,
                    key=definition.key,
                )
            ]
        )
    # The file's resources wait in the draft: the live base changes only at publication.
    pending = pending_resources(territory.id, definition)
    stored = definition.model_copy(update={"resources": pending})
    with transaction() as session:
        if questionnaire is None:
            position = session.scalar(
                select(func.max(Questionnaire.position)).where(
                    Questionnaire.territory_id == territory.id
                )
            )
            questionnaire = Questionnaire(
                territory_id=territory.id,
                theme_key=definition.key,
                title=definition.title,
                position=(position or 0) + 1,
                enabled=False,
            )
            session.add(questionnaire)
            session.flush()
        lock_questionnaire(questionnaire)
        draft = draft_version(questionnaire)
        if draft is None:
            draft = QuestionnaireVersion(
                questionnaire_id=questionnaire.id,
                number=next_version_number(questionnaire.id),
                status="draft",
                created_by_id=_user_id(user),
                created_at=utcnow(),
            )
            session.add(draft)
        draft.definition = stored.to_data()
        draft.content_hash = stored.content_hash()
        if questionnaire_is_new(questionnaire):
            questionnaire.title = definition.title
        session.flush()
    return draft
