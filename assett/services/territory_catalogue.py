"""A territory's action catalogue: its own copy of actions/*.yaml, edited by its admins.

A theme the territory has no row for in `territory_action` reads the shipped file; the copy is
written the first time its admins open or change its catalogue (`ensure_copy`, idempotent, theme
by theme: a theme added later is copied on the next visit), so that reads never write.
Suggestions and « Ajouter à mon plan » read `offered_actions.catalogue_for` only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..content_text import message as shown
from ..domain.action_form import FORM_FIELDS, parse_improves_text
from ..domain.action_loader import load_catalogue_directory
from ..domain.actions import ActionCatalogue, ActionDef, check_against_theme
from ..domain.definition_fields import format_path
from ..domain.definitions import ThemeDefinition
from ..domain.loader import load_directory
from ..domain.text import N_
from ..domain.validation_reasons import problems_of
from ..extensions import db
from ..models import Resource, Territory, TerritoryAction
from ..models._base import utcnow
from .errors import ServiceError
from .questionnaires import definition_of, published_versions, territory_questionnaires
from .unit_of_work import transaction


class ActionErrors(ServiceError):
    """Every problem of an action form, each with the field at fault."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1], problems[0][0])
        self.problems = problems


def actions_dir() -> Path:
    """Where the shipped catalogue files are: ACTIONS_DIR, or actions/ beside the questionnaires."""
    configured = current_app.config.get("ACTIONS_DIR")
    if configured:
        return Path(configured)
    return Path(current_app.config["QUESTIONNAIRES_DIR"]).parent / "actions"


def shipped_catalogue() -> dict[str, ActionCatalogue]:
    """The shipped catalogue by theme key (loaded once per process)."""
    return _load(str(actions_dir()), str(current_app.config["QUESTIONNAIRES_DIR"]))


@lru_cache(maxsize=4)
def _load(actions: str, questionnaires: str) -> dict[str, ActionCatalogue]:
    themes = {definition.key: definition for definition in load_directory(questionnaires)}
    return {c.theme: c for c in load_catalogue_directory(actions, themes)}


@dataclass(frozen=True)
class _ResourceKey:
    key: str


def territory_themes(territory_id: int) -> dict[str, ThemeDefinition]:
    """The published definitions of the territory's themes (enabled or not), by key.

    Their resources are the territory's resource base (where published resources go), so that
    an action's `resources` name resources of the territory.
    """
    keys = [
        _ResourceKey(key)
        for key in db.session.scalars(
            select(Resource.key).where(Resource.territory_id == territory_id)
        )
    ]
    found: dict[str, ThemeDefinition] = {}
    published = published_versions(territory_id)
    for questionnaire in territory_questionnaires(territory_id, enabled_only=False):
        version = published.get(questionnaire.id)
        if version is not None:
            definition = definition_of(version)
            found[questionnaire.theme_key] = definition.model_copy(update={"resources": keys})
    return found


def rows_of(territory_id: int, theme_key: str | None = None) -> list[TerritoryAction]:
    """The territory's rows (of one theme), retired ones included, in order."""
    query = select(TerritoryAction).where(TerritoryAction.territory_id == territory_id)
    if theme_key is not None:
        query = query.where(TerritoryAction.theme_key == theme_key)
    order = (TerritoryAction.theme_key, TerritoryAction.position, TerritoryAction.id)
    return list(db.session.scalars(query.order_by(*order)))


def stale_answers(theme: ThemeDefinition, action: ActionDef) -> list[str]:
    """What in the action's answers the theme's published questionnaire no longer has.

    A copy is checked when written; a questionnaire published since may have removed a
    question or an option: such an action is not suggested until its admins fix it.
    """
    single = ActionCatalogue.model_construct(theme=theme.key, actions=[action])
    return [
        reason for loc, reason in check_against_theme(single, theme) if loc[2:3] == ("improves",)
    ]


def _action_of(row: TerritoryAction) -> ActionDef:
    return ActionDef.model_validate({**row.data, "key": row.key})


def ensure_copy(territory: Territory) -> int:
    """Copy the shipped actions of each territory theme not copied yet; how many were copied.

    Idempotent: a theme with rows (active or retired) is never copied again, so a theme added
    to the territory later gets its copy on the next call. Resources and bands the territory
    does not have are dropped from the copy; an action whose answers do not fit the
    territory's questionnaire, or whose key another theme uses, is left out (its admins can
    add it from the form).
    """
    with transaction() as session:
        session.execute(select(Territory.id).where(Territory.id == territory.id).with_for_update())
        themes = territory_themes(territory.id)
        existing = rows_of(territory.id)
        copied_themes = {row.theme_key for row in existing}
        taken = {row.key for row in existing}
        copied = 0
        for theme_key, themed in shipped_catalogue().items():
            theme = themes.get(theme_key)
            if theme is None or theme_key in copied_themes:
                continue
            resources = {resource.key for resource in theme.resources}
            bands = {band.key for band in theme.bands}
            position = 0
            for shipped in themed.actions:
                action = shipped.model_copy(
                    update={
                        "resources": [key for key in shipped.resources if key in resources],
                        "bands": [key for key in shipped.bands if key in bands],
                    }
                )
                if action.key in taken or stale_answers(theme, action):
                    continue
                session.add(new_row(territory.id, theme_key, action, position))
                taken.add(action.key)
                position += 1
                copied += 1
    return copied


def new_row(territory_id: int, theme_key: str, action: ActionDef, position: int) -> TerritoryAction:
    """A new active row for the action."""
    return TerritoryAction(
        territory_id=territory_id,
        theme_key=theme_key,
        key=action.key,
        position=position,
        retired=False,
        data=data_of(action),
    )


def data_of(action: ActionDef) -> dict[str, Any]:
    """What the `data` column holds for an action (its key lives in its own column)."""
    data = action.model_dump(mode="json", exclude_none=True)
    data.pop("key", None)
    return data


def theme_actions(territory: Territory, theme_key: str) -> list[tuple[TerritoryAction, ActionDef]]:
    """The territory's actions of a theme, retired ones included, in order."""
    return [(row, _action_of(row)) for row in rows_of(territory.id, theme_key)]


def stale_keys(territory: Territory) -> set[str]:
    """The keys of the territory's actions that no longer fit its questionnaires."""
    themes = territory_themes(territory.id)
    return {
        row.key
        for row in rows_of(territory.id)
        if row.theme_key in themes and stale_answers(themes[row.theme_key], _action_of(row))
    }


def action_or_none(territory: Territory, action_id: int) -> TerritoryAction | None:
    """One action of the territory's catalogue (None for another territory's)."""
    return db.session.scalar(
        select(TerritoryAction).where(
            TerritoryAction.id == action_id, TerritoryAction.territory_id == territory.id
        )
    )


def action_def(row: TerritoryAction) -> ActionDef:
    """The row's action, as the catalogue model holds it."""
    return _action_of(row)


def _theme_or_error(territory: Territory, theme_key: str) -> ThemeDefinition:
    theme = territory_themes(territory.id).get(theme_key)
    if theme is None:
        raise ServiceError(
            _("Ce thème n'a pas de questionnaire publié dans le territoire."), "theme"
        )
    return theme


def validate_form(
    territory: Territory, theme_key: str, values: Mapping[str, Any], key: str
) -> ActionDef:
    """The form's values as an action that fits the theme; ActionErrors names every field."""
    theme = _theme_or_error(territory, theme_key)
    improves, line_problems = parse_improves_text(str(values.get("improves") or ""), theme)
    problems: list[tuple[str, str]] = [
        ("improves", _said(FORM_FIELDS["improves"], problem, _("%(field)s, %(reason)s")))
        for problem in line_problems
    ]
    data = {
        "key": key,
        "title": values.get("title") or "",
        "description": values.get("description") or "",
        "improves": improves,
        "effort": values.get("effort") or "",
        "cost_eur": {"min": values.get("cost_min"), "max": values.get("cost_max")},
        "duration_months": {"min": values.get("duration_min"), "max": values.get("duration_max")},
        "resources": list(values.get("resources") or []),
        "bands": list(values.get("bands") or []),
        "example": bool(values.get("example")),
    }
    if values.get("applies_if") is not None:
        data["applies_if"] = values["applies_if"]
    english = {name: values.get(f"{name}_en") for name in ("title", "description")}
    english = {name: text for name, text in english.items() if text}
    if english:
        data["en"] = english
    if line_problems and not improves:
        data["improves"] = [{"question": "x", "to": "x"}]  # reported already; check the rest
    action: ActionDef | None = None
    try:
        action = ActionDef.model_validate(data)
    except ValidationError as error:
        problems += [_form_problem(loc, reason) for loc, reason in problems_of(error)]
    if action is not None and not line_problems:
        single = ActionCatalogue.model_construct(theme=theme_key, actions=[action])
        problems += [
            _form_problem(loc[2:], reason) for loc, reason in check_against_theme(single, theme)
        ]
    if problems or action is None:
        raise ActionErrors(problems or [("title", _(FORM_FIELDS["title"]))])
    return action


def _form_problem(loc: tuple[Any, ...], reason: str) -> tuple[str, str]:
    if len(loc) > 1 and loc[0] == "en":  # the English block's fields are the form's *_en
        loc = (f"{loc[1]}_en", *loc[2:])
    field = str(loc[0]) if loc else "key"
    if field == "improves" and not loc[1:]:
        said = _("%(reason)s (une ligne « question = valeur » par réponse)")
        reason = said % {"reason": shown(reason)}
    if field in RANGE_FIELDS:
        bound = str(loc[1]) if len(loc) > 1 else "max"  # min > max is said on the maximum
        return f"{RANGE_FIELDS[field]}_{bound}", _said(RANGE_LABELS[field, bound], reason)
    label = FORM_FIELDS.get(field, field)
    if len(loc) > 1:
        return field, _said(label, reason, _("%(field)s (%(path)s) : %(reason)s"), loc[1:])
    return field, _said(label, reason)


def _said(label: str, reason: str, said: str | None = None, loc: tuple[Any, ...] = ()) -> str:
    """« Field : reason » in the page's language (the label and a domain reason translated)."""
    values = {"field": _(label), "reason": shown(reason), "path": format_path(loc)}
    return (said or _("%(field)s : %(reason)s")) % values


RANGE_FIELDS = {"cost_eur": "cost", "duration_months": "duration"}
RANGE_LABELS = {
    ("cost_eur", "min"): N_("Coût indicatif minimum"),
    ("cost_eur", "max"): N_("Coût indicatif maximum"),
    ("duration_months", "min"): N_("Durée minimum"),
    ("duration_months", "max"): N_("Durée maximum"),
}


def _new_key(territory: Territory, title: str) -> str:
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:50] or "action"
    taken = set(
        db.session.scalars(
            select(TerritoryAction.key).where(TerritoryAction.territory_id == territory.id)
        )
    )
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def create_action(
    territory: Territory, theme_key: str, values: Mapping[str, Any]
) -> TerritoryAction:
    """Add an action at the end of the theme's list."""
    ensure_copy(territory)
    action = validate_form(
        territory, theme_key, values, _new_key(territory, str(values.get("title") or ""))
    )
    try:
        with transaction() as session:
            last = session.scalar(
                select(func.max(TerritoryAction.position)).where(
                    TerritoryAction.territory_id == territory.id,
                    TerritoryAction.theme_key == theme_key,
                )
            )
            position = (last if last is not None else -1) + 1
            row = new_row(territory.id, theme_key, action, position)
            session.add(row)
    except IntegrityError:  # the same title saved twice at once: the second one is refused
        message = _("Une action de même titre vient d'être ajoutée ; vérifiez la liste.")
        raise ServiceError(message, "title") from None
    return row


def update_action(territory: Territory, row: TerritoryAction, values: Mapping[str, Any]) -> None:
    """Change an action's fields (its key stays: plans refer to it)."""
    merged = {**values, "applies_if": row.data.get("applies_if")}
    action = validate_form(territory, row.theme_key, merged, row.key)
    with transaction():
        row.data = data_of(action)
        row.updated_at = utcnow()


def set_retired(row: TerritoryAction, retired: bool) -> None:
    """Retire an action (no longer suggested; plans keep theirs) or restore it."""
    with transaction():
        row.retired = retired
        row.updated_at = utcnow()


def move(territory: Territory, row: TerritoryAction, step: int) -> None:
    """Swap the action with its neighbour above (-1) or below (+1) in its theme."""
    with transaction():
        rows = rows_of(territory.id, row.theme_key)
        index = next(i for i, r in enumerate(rows) if r.id == row.id)
        other = index + step
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        for position, item in enumerate(rows):
            item.position = position
