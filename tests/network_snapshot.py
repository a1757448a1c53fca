"""The dashboard's small network, built once per worker and loaded into each test that asks.

`factories.make_dashboard_network` publishes two themes and submits twelve assessments: most
of a second, for over a hundred dashboard tests. The `dashboard_network` fixture builds the
personas' world and the network once, in a rolled-back transaction, keeps their rows and ids,
and loads the rows into each test's transaction; `world` (tests/conftest.py) then gives the
world read back from those rows instead of building one, so that `world` and the network are
the same rows. Only plain data is kept across tests, never an ORM object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from assett.extensions import db
from assett.models import Cohort, Organisation, Territory, User

from . import factories
from .demo_snapshot import DemoRows, load_rows


@dataclass(frozen=True)
class KeptNetwork:
    rows: DemoRows
    world: dict[str, int]  # World field -> id
    orgs: dict[str, int]  # short name -> organisation id
    cohort: int


def keep(keep_rows: Callable[[Callable[[], object]], DemoRows]) -> KeptNetwork:
    """Build the world and the network once and keep their rows and ids."""
    ids: dict[str, object] = {}

    def build() -> None:
        world = factories.make_world()
        network = factories.make_dashboard_network(world)
        ids["world"] = world_ids(world)
        ids["orgs"] = {key: org.id for key, org in network.orgs.items()}
        ids["cohort"] = network.cohort.id

    rows = keep_rows(build)
    return KeptNetwork(rows, ids["world"], ids["orgs"], ids["cohort"])  # type: ignore[arg-type]


def load_world(kept: KeptNetwork) -> factories.World:
    """Load the kept rows into the test's transaction; the world read back from them."""
    load_rows(kept.rows)
    return read_world(kept.world)


def world_ids(world: factories.World) -> dict[str, int]:
    """World field -> id: what `read_world` needs to read the world again."""
    return {field.name: getattr(world, field.name).id for field in fields(world)}


def read_world(ids: dict[str, int]) -> factories.World:
    """The world whose ids `world_ids` kept, read from the rows in the test's transaction."""
    models = {"territory": Territory, "other_territory": Territory}
    models |= {name: Organisation for name in ("org", "other_org", "foreign_org")}
    values = {name: db.session.get(models.get(name, User), id_) for name, id_ in ids.items()}
    assert all(value is not None for value in values.values())
    return factories.World(**values)  # type: ignore[arg-type]


def network(kept: KeptNetwork) -> factories.DashboardNetwork:
    """The network, read from the rows `load_world` loaded."""
    orgs = {key: db.session.get(Organisation, id_) for key, id_ in kept.orgs.items()}
    cohort = db.session.get(Cohort, kept.cohort)
    assert cohort is not None
    assert all(org is not None for org in orgs.values())
    return factories.DashboardNetwork(orgs=orgs, cohort=cohort)  # type: ignore[arg-type]
