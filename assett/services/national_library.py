"""The national library: territories share catalogue actions, resources and retours
d'expérience; others copy them.

Each kind of item is one `LibraryKind` in `KINDS`: how to list what a territory can share, take
a snapshot of one item, and copy a snapshot into another territory's space. A new kind (e.g.
retours d'expérience) is a new entry here plus its value in domain/library.LIBRARY_KINDS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..domain.actions import ActionDef
from ..domain.library import LIBRARY_KINDS, LIBRARY_TITLE_MAX
from ..extensions import db
from ..models import LibraryCopy, LibraryItem, Resource, Territory, TerritoryAction, User
from . import library_experiences as experiences
from . import resource_base
from . import territory_catalogue as catalogue
from .errors import ServiceError
from .unit_of_work import transaction


@dataclass(frozen=True)
class Shareable:
    """An item a territory can share: its id, title and theme (if any)."""

    source_id: int
    title: str
    theme_key: str | None
    # The English title of an action or a resource (content; an experience has none).
    title_en: str | None = None


@dataclass(frozen=True)
class LibraryKind:
    """What the library needs to know of a kind of item."""

    shareable: Callable[[Territory], list[Shareable]]
    snapshot: Callable[[Territory, int], tuple[Shareable, dict[str, Any]] | None]
    copy_into: Callable[[Territory, LibraryItem], int]


# --- actions of the catalogue ------------------------------------------------------------


def _action_shareable(territory: Territory) -> list[Shareable]:
    return [
        Shareable(
            row.id,
            str(row.data.get("title", row.key)),
            row.theme_key,
            english_title("action", row.data),
        )
        for row in catalogue.rows_of(territory.id)
        if not row.retired
    ]


def _action_snapshot(
    territory: Territory, source_id: int
) -> tuple[Shareable, dict[str, Any]] | None:
    row = catalogue.action_or_none(territory, source_id)
    if row is None or row.retired:
        return None
    data = dict(row.data)
    data["resources"] = []  # resource keys are the origin territory's own
    return Shareable(row.id, str(data.get("title", row.key)), row.theme_key), data


def _action_copy(territory: Territory, item: LibraryItem) -> int:
    catalogue.ensure_copy(territory)
    theme = catalogue.territory_themes(territory.id).get(item.theme_key or "")
    if theme is None:
        raise ServiceError(
            _("Votre territoire n'a pas de questionnaire publié pour le thème de cette action."),
            "item",
        )
    bands = {band.key for band in theme.bands}
    data = {**item.data, "resources": []}
    data["bands"] = [key for key in data.get("bands", []) if key in bands]
    key = catalogue._new_key(territory, item.title)
    action = ActionDef.model_validate({**data, "key": key})
    last = db.session.scalar(
        select(func.max(TerritoryAction.position)).where(
            TerritoryAction.territory_id == territory.id,
            TerritoryAction.theme_key == theme.key,
        )
    )
    row = catalogue.new_row(territory.id, theme.key, action, (last if last is not None else -1) + 1)
    db.session.add(row)
    db.session.flush()
    return int(row.id)


# --- resources ---------------------------------------------------------------------------

RESOURCE_FIELDS = (
    "title",
    "description",
    "title_en",
    "description_en",
    "url",
    "provider",
    "offer_type",
    *resource_base.LIST_FIELDS,
)


def _resource_shareable(territory: Territory) -> list[Shareable]:
    return [
        Shareable(r.id, r.title, None, r.title_en)
        for r in resource_base.territory_resources(territory)
        if r.is_active
    ]


def _resource_snapshot(
    territory: Territory, source_id: int
) -> tuple[Shareable, dict[str, Any]] | None:
    resource = resource_base.territory_resource_or_none(territory, source_id)
    if resource is None or not resource.is_active:
        return None
    data: dict[str, Any] = {field: getattr(resource, field) for field in RESOURCE_FIELDS}
    data["valid_from"] = resource.valid_from.isoformat() if resource.valid_from else None
    data["valid_until"] = resource.valid_until.isoformat() if resource.valid_until else None
    return Shareable(resource.id, resource.title, None), data


def _resource_copy(territory: Territory, item: LibraryItem) -> int:
    data = dict(item.data)
    themes = {choice.key for choice in resource_base.theme_choices(territory)}
    levels = {choice.key for choice in resource_base.level_choices(territory)}
    data["themes"] = [key for key in data.get("themes", []) if key in themes]
    data["levels"] = [key for key in data.get("levels", []) if key in levels]
    values = resource_base.clean_resource(territory, data)
    resource = Resource(
        territory_id=territory.id,
        key=resource_base._new_key(territory, values["title"]),
        example=False,
        **values,
    )
    db.session.add(resource)
    db.session.flush()
    return int(resource.id)


# --- retours d'expérience (services/library_experiences.py) -----------------------------


def _experience_shareable(territory: Territory) -> list[Shareable]:
    return [
        Shareable(case.id, case.title, case.theme_key)
        for case in experiences.shareable_cases(territory)
    ]


def _experience_snapshot(
    territory: Territory, source_id: int
) -> tuple[Shareable, dict[str, Any]] | None:
    found = experiences.snapshot(territory, source_id)
    if found is None:
        return None
    case, data = found
    return Shareable(case.id, case.title, case.theme_key), data


KINDS: dict[str, LibraryKind] = {
    "action": LibraryKind(_action_shareable, _action_snapshot, _action_copy),
    "resource": LibraryKind(_resource_shareable, _resource_snapshot, _resource_copy),
    "experience": LibraryKind(_experience_shareable, _experience_snapshot, experiences.copy_into),
}
assert set(KINDS) == set(LIBRARY_KINDS)  # noqa: S101  # a kind added in one place only


def _kind(kind: str) -> LibraryKind:
    found = KINDS.get(kind)
    if found is None:
        raise ServiceError(_("Ce type d'élément ne se partage pas."), "kind")
    return found


# --- sharing -----------------------------------------------------------------------------


def shareable(territory: Territory, kind: str) -> list[Shareable]:
    """What the territory can share of that kind."""
    return _kind(kind).shareable(territory)


def shared_by(territory: Territory) -> dict[tuple[str, int], LibraryItem]:
    """The territory's items in the library, by (kind, source id)."""
    return {
        (item.kind, item.source_id): item
        for item in db.session.scalars(
            select(LibraryItem).where(
                LibraryItem.territory_id == territory.id, LibraryItem.withdrawn.is_(False)
            )
        )
    }


def share(territory: Territory, user: User, kind: str, source_id: int) -> LibraryItem:
    """Put a snapshot of one of the territory's items in the library (again: a new snapshot)."""
    found = _kind(kind).snapshot(territory, source_id)
    if found is None:
        raise ServiceError(_("Cet élément n'existe pas (ou plus) dans votre territoire."), "item")
    shared, data = found
    with transaction() as session:
        session.execute(select(Territory.id).where(Territory.id == territory.id).with_for_update())
        for old in session.scalars(
            select(LibraryItem).where(
                LibraryItem.kind == kind,
                LibraryItem.territory_id == territory.id,
                LibraryItem.source_id == source_id,
                LibraryItem.withdrawn.is_(False),
            )
        ):
            old.withdrawn = True
        session.flush()
        item = LibraryItem(
            kind=kind,
            territory_id=territory.id,
            source_id=source_id,
            title=shared.title[:LIBRARY_TITLE_MAX],
            theme_key=shared.theme_key,
            data=data,
            withdrawn=False,
            shared_by_id=user.id,
        )
        session.add(item)
    return item


def withdraw(territory: Territory, item_id: int) -> bool:
    """Take one of the territory's items out of the library (copies made stay)."""
    with transaction() as session:
        item = session.scalar(
            select(LibraryItem).where(
                LibraryItem.id == item_id, LibraryItem.territory_id == territory.id
            )
        )
        if item is None or item.withdrawn:
            return False
        item.withdrawn = True
    return True


# --- the library and copies --------------------------------------------------------------


@dataclass(frozen=True)
class LibraryEntry:
    """An item of the library with its territory's name."""

    item: LibraryItem
    territory_name: str

    @property
    def title_en(self) -> str | None:
        """The item's English title, if it is content that has one (`content(entry)`)."""
        return english_title(self.item.kind, self.item.data)

    @property
    def title(self) -> str:
        return self.item.title


def english_title(kind: str, data: Mapping[str, Any]) -> str | None:
    """The English title in a shared item's data: an action's `en.title`, a resource's
    `title_en`; none for an experience (written by an organisation)."""
    if kind == "action":
        english = data.get("en")
        value = english.get("title") if isinstance(english, Mapping) else None
    elif kind == "resource":
        value = data.get("title_en")
    else:
        return None
    return value if isinstance(value, str) and value else None


def library(kind: str | None = None, exclude: Territory | None = None) -> list[LibraryEntry]:
    """The items shared by active territories, newest first (one kind, others' only)."""
    query = (
        select(LibraryItem, Territory.name)
        .join(Territory, Territory.id == LibraryItem.territory_id)
        .where(
            LibraryItem.withdrawn.is_(False),
            Territory.is_active.is_(True),
            experiences.still_shared(),
        )
    )
    if kind is not None:
        query = query.where(LibraryItem.kind == kind)
    if exclude is not None:
        query = query.where(LibraryItem.territory_id != exclude.id)
    query = query.order_by(LibraryItem.shared_at.desc(), LibraryItem.id.desc())
    return [LibraryEntry(item, name) for item, name in db.session.execute(query)]


def item_or_none(item_id: int) -> LibraryItem | None:
    """A library item still shared by an active territory."""
    return db.session.scalar(
        select(LibraryItem)
        .join(Territory, Territory.id == LibraryItem.territory_id)
        .where(
            LibraryItem.id == item_id,
            LibraryItem.withdrawn.is_(False),
            Territory.is_active.is_(True),
            experiences.still_shared(),
        )
    )


def copy_item(territory: Territory, user: User, item: LibraryItem) -> LibraryCopy:
    """Copy a library item into the territory's own space, keeping its origin."""
    if item.territory_id == territory.id:
        raise ServiceError(_("Cet élément vient déjà de votre territoire."), "item")
    origin = db.session.get(Territory, item.territory_id)
    with transaction() as session:
        session.execute(select(Territory.id).where(Territory.id == territory.id).with_for_update())
        copy_id = _kind(item.kind).copy_into(territory, item)
        record = LibraryCopy(
            item_id=item.id,
            kind=item.kind,
            territory_id=territory.id,
            copy_id=copy_id,
            origin_territory_id=item.territory_id,
            origin_territory_name=origin.name if origin else "",
            source_id=item.source_id,
            copied_by_id=user.id,
        )
        session.add(record)
    return record


def copies_in(territory: Territory, kind: str | None = None) -> list[LibraryCopy]:
    """What the territory copied from the library, newest first."""
    query = select(LibraryCopy).where(LibraryCopy.territory_id == territory.id)
    if kind is not None:
        query = query.where(LibraryCopy.kind == kind)
    return list(
        db.session.scalars(query.order_by(LibraryCopy.copied_at.desc(), LibraryCopy.id.desc()))
    )


def origins(territory: Territory, kind: str) -> dict[int, LibraryCopy]:
    """The origin of each of the territory's rows of that kind copied from the library."""
    return {copy.copy_id: copy for copy in copies_in(territory, kind)}


def copied_item_ids(territory: Territory) -> set[int]:
    """The library items the territory has copied already."""
    return {copy.item_id for copy in copies_in(territory) if copy.item_id is not None}


def counts_by_territory() -> dict[int, tuple[int, int]]:
    """Per territory: items it shares now, copies it made."""
    shared = dict(
        db.session.execute(
            select(LibraryItem.territory_id, func.count())
            .where(LibraryItem.withdrawn.is_(False))
            .group_by(LibraryItem.territory_id)
        ).all()
    )
    copied = dict(
        db.session.execute(
            select(LibraryCopy.territory_id, func.count()).group_by(LibraryCopy.territory_id)
        ).all()
    )
    return {
        int(tid): (int(shared.get(tid, 0)), int(copied.get(tid, 0)))
        for tid in set(shared) | set(copied)
    }


def valid_until_passed(item: LibraryItem, today: date) -> bool:
    """Whether a shared resource's validity has ended (shown as a warning before copying)."""
    until = item.data.get("valid_until") if item.kind == "resource" else None
    return bool(until) and date.fromisoformat(str(until)) < today
