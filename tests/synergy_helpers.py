"""Helpers for the synergy pipeline tests: sharing organisations, flows, a synergy."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from assett.extensions import db
from assett.models import Organisation, Synergy, User
from assett.services import synergy_pipeline

from . import factories
from .page_source import source
from .test_flows import make_flow

__all__ = ["make_flow"]


def text(response: Any) -> str:
    return source(response)


def words(response: Any) -> str:
    """The page's text without its tags."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def sharing(*orgs: Organisation) -> None:
    for org in orgs:
        org.sharing = "animators"
    db.session.commit()


def make_synergy(
    world: factories.World,
    orgs: tuple[Organisation, ...] | None = None,
    title: str = "Palettes vers la chaufferie",
    kind: str = "substitution",
    by: User | None = None,
) -> Synergy:
    chosen = orgs or (world.org, world.other_org)
    sharing(*chosen)
    return synergy_pipeline.create_synergy(
        world.territory, by or world.animator, kind, title, [o.id for o in chosen]
    )


def more_orgs(world: factories.World, count: int, start: int = 0) -> list[Organisation]:
    orgs = [
        factories.make_org(world.territory, f"Entreprise {start + i}", sharing="animators")
        for i in range(count)
    ]
    return orgs
