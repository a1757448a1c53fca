"""A territory's action catalogue as YAML files: export a theme, import one (all or nothing)."""

from __future__ import annotations

import yaml
from flask_babel import gettext as _

from ..domain.action_loader import parse_catalogue_text
from ..domain.loader import DefinitionError
from ..models import Territory
from ..models._base import utcnow
from .territory_catalogue import (
    data_of,
    ensure_copy,
    new_row,
    rows_of,
    territory_themes,
    theme_actions,
)
from .unit_of_work import transaction


def export_yaml(territory: Territory, theme_key: str) -> str | None:
    """The theme's active actions in the YAML format of actions/*.yaml (None: none active)."""
    actions = [action for row, action in theme_actions(territory, theme_key) if not row.retired]
    if not actions:
        return None
    data = {
        "theme": theme_key,
        "actions": [action.model_dump(mode="json", exclude_none=True) for action in actions],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def import_yaml(territory: Territory, theme_key: str, text: str, source: str) -> int:
    """Replace the theme's catalogue with the file's actions, in its order; all errors or all.

    Actions of the theme missing from the file are retired (plans keep theirs); the file's
    actions are active. A key used by another theme of the territory is an error.
    """
    ensure_copy(territory)
    themes = territory_themes(territory.id)
    catalogue = parse_catalogue_text(text, source, themes)
    errors: list[str] = []
    if catalogue.theme != theme_key:
        errors.append(
            _(
                "%(source)s: theme: attendu « %(theme)s » (le thème de cette page)",
                source=source,
                theme=theme_key,
            )
        )
    others = {row.key: row.theme_key for row in rows_of(territory.id) if row.theme_key != theme_key}
    for index, action in enumerate(catalogue.actions):
        if action.key in others:
            errors.append(
                _(
                    "%(source)s: actions[%(index)s].key: action « %(key)s » déjà dans le thème "
                    "« %(theme)s »",
                    source=source,
                    index=index,
                    key=action.key,
                    theme=others[action.key],
                )
            )
    if errors:
        raise DefinitionError(errors)
    with transaction() as session:
        existing = {row.key: row for row in rows_of(territory.id, theme_key)}
        count = len(catalogue.actions)
        for position, action in enumerate(catalogue.actions):
            row = existing.pop(action.key, None)
            if row is None:
                session.add(new_row(territory.id, theme_key, action, position))
                continue
            row.data = data_of(action)
            row.position = position
            row.retired = False
            row.updated_at = utcnow()
        for offset, row in enumerate(existing.values()):
            row.position = count + offset
            if not row.retired:
                row.retired = True
                row.updated_at = utcnow()
    return count
