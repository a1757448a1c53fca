"""The access matrix's world, built once per module and loaded into each test that asks.

`matrix_world` (tests/test_access_matrix.py) builds personas and one object of every kind
behind a URL for each test: half a second, and test_hostile_input.py asks for it once per
endpoint. `kept_matrix_world` builds the same world once, keeps its rows, its files (logos,
evidence) and the personas' server-side sessions, and gives each test a copy of them.

What is kept across tests is plain data (rows, ids, tokens, session ids), never an ORM object:
each test reads its objects again from the rows loaded into its own transaction.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app

from . import factories
from .demo_snapshot import DemoRows, load_rows
from .test_access_matrix import MatrixWorld, personas, url_values


@dataclass(frozen=True)
class KeptMatrixWorld:
    rows: DemoRows
    values: dict[str, Any]
    sessions: dict[str, str]  # persona -> id of its server-side session
    instance: Path  # the files the world wrote under the app's instance folder


def keep_world(
    keep_rows: Callable[[Callable[[], object]], DemoRows],
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    build: Callable[[factories.World, Path], dict[str, Any]],
) -> tuple[DemoRows, Path, dict[str, Any]]:
    """The rows written by `build` on a fresh world, with the app's instance folder set to a
    folder of its own (the files it writes), that folder, and what `build` returned."""
    instance = tmp_path_factory.mktemp(name)
    kept: dict[str, Any] = {}

    def run() -> None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(app, "instance_path", str(instance))
            kept.update(build(factories.make_world(), instance))

    return keep_rows(run), instance, kept


@pytest.fixture(scope="module")
def _kept_matrix_world(
    keep_rows: Callable[[Callable[[], object]], DemoRows],
    tmp_path_factory: pytest.TempPathFactory,
) -> KeptMatrixWorld:
    def build(world: factories.World, instance: Path) -> dict[str, Any]:
        users = personas(world)
        return {
            "values": url_values(world, instance),
            "sessions": {name: factories.open_session(user).id for name, user in users.items()},
        }

    rows, instance, kept = keep_world(keep_rows, tmp_path_factory, "matrix-instance", build)
    return KeptMatrixWorld(rows, kept["values"], kept["sessions"], instance)


@pytest.fixture
def kept_matrix_world(
    _kept_matrix_world: KeptMatrixWorld,
    app: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> MatrixWorld:
    """What `matrix_world` gives, from the module's kept copy."""
    kept = _kept_matrix_world
    instance = tmp_path / "instance"
    shutil.copytree(kept.instance, instance)
    monkeypatch.setattr(app, "instance_path", str(instance))
    load_rows(kept.rows)
    clients = {"anonymous": app.test_client()}
    for name, session_id in kept.sessions.items():
        clients[name] = app.test_client()
        factories.use_session(clients[name], session_id)
    return MatrixWorld(clients, dict(kept.values))
