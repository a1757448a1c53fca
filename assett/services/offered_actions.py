"""The actions a territory offers: its catalogue as suggestions and « Ajouter à mon plan » read it.

Built from the territory's rows in `territory_action` and, for a theme with none, the shipped
files; kept per process under a digest of what it is built from, read at each call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import defer

from ..domain.actions import ActionCatalogue, ActionDef
from ..domain.definitions import ThemeDefinition
from ..extensions import db
from ..models import Questionnaire, QuestionnaireVersion, TerritoryAction
from .kept import Kept
from .questionnaires import definition_of
from .territory_catalogue import actions_dir, shipped_catalogue, stale_answers

_CATALOGUES: Kept[int, tuple[bytes, dict[str, ActionCatalogue]]] = Kept(64)


def catalogue_for(territory_id: int) -> dict[str, ActionCatalogue]:
    """The actions the territory suggests, by theme, in its order (retired ones left out).

    A theme the territory has not copied yet (no row) reads the shipped file. Actions whose
    answers its published questionnaire does not have are left out either way.

    Kept per process under a digest of what it is built from, read at each call: the
    territory's rows (their stored text included) and its published versions (id and content
    hash). An action added, changed, moved or retired, or a version published, by any process,
    is seen at the next call; the catalogue is built from the rows the digest was made of.
    """
    rows = db.session.execute(
        select(
            TerritoryAction.id,
            TerritoryAction.theme_key,
            TerritoryAction.key,
            TerritoryAction.retired,
            cast(TerritoryAction.data, Text),
        )
        .where(TerritoryAction.territory_id == territory_id)
        .order_by(TerritoryAction.theme_key, TerritoryAction.position, TerritoryAction.id)
    ).all()
    versions = db.session.execute(
        select(Questionnaire.theme_key, QuestionnaireVersion.id, QuestionnaireVersion.content_hash)
        .join(QuestionnaireVersion, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .where(
            Questionnaire.territory_id == territory_id,
            QuestionnaireVersion.status == "published",
        )
        .order_by(Questionnaire.theme_key)
    ).all()
    shipped = (str(actions_dir()), str(current_app.config["QUESTIONNAIRES_DIR"]))
    read = (shipped, [tuple(row) for row in rows], [tuple(version) for version in versions])
    digest = hashlib.sha256(repr(read).encode("utf-8")).digest()
    kept = _CATALOGUES.get(territory_id)
    if kept is not None and kept[0] == digest:
        return dict(kept[1])
    themes: dict[str, ThemeDefinition] = {}
    complete = True
    for theme_key, version_id, content_hash in versions:
        version = db.session.get(
            QuestionnaireVersion, version_id, options=[defer(QuestionnaireVersion.definition)]
        )
        if version is None or version.content_hash != content_hash:
            complete = False  # deleted since it was read: the next call reads again
            continue
        themes[theme_key] = definition_of(version)
    built = _catalogue(themes, [(r[1], r[2], r[3], json.loads(r[4])) for r in rows])
    if complete:
        _CATALOGUES.put(territory_id, (digest, built))
    return dict(built)


def _catalogue(
    themes: Mapping[str, ThemeDefinition], rows: list[tuple[str, str, bool, dict[str, Any]]]
) -> dict[str, ActionCatalogue]:
    """The catalogue from the territory's rows (theme, key, retired, data) in order and themes.

    The themes' resources are not the territory's here: an action is left out for its answers
    only (`stale_answers`), which do not depend on them.
    """
    grouped: dict[str, list[ActionDef]] = {}
    for theme_key, key, retired, data in rows:
        theme = themes.get(theme_key)
        if retired or theme is None:
            continue
        action = ActionDef.model_validate({**data, "key": key})
        if not stale_answers(theme, action):
            grouped.setdefault(theme_key, []).append(action)
    copied = {row[0] for row in rows}
    for theme_key, themed in shipped_catalogue().items():
        if theme_key in copied:
            continue
        theme = themes.get(theme_key)
        fitting = [a for a in themed.actions if theme is None or not stale_answers(theme, a)]
        if fitting:
            grouped[theme_key] = fitting
    return {
        theme: ActionCatalogue.model_construct(theme=theme, actions=actions)
        for theme, actions in grouped.items()
    }


def catalogue_action(territory_id: int, key: str) -> tuple[str, ActionDef] | None:
    """An action the territory offers (not retired), with its theme key."""
    for theme_key, themed in catalogue_for(territory_id).items():
        for action in themed.actions:
            if action.key == key:
                return theme_key, action
    return None
