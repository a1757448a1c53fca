"""The layers hold: import-linter's contracts pass, and blueprints reach the database only
through services and access checks."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path
from typing import Any

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "assett"
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]


def _contract(contract_id: str) -> dict[str, Any]:
    return next(contract for contract in CONTRACTS if contract["id"] == contract_id)


def _blueprint_packages() -> list[str]:
    """Every package of the app that defines a Flask blueprint."""
    return sorted(
        f"assett.{init.parent.name}"
        for init in PACKAGE.glob("*/__init__.py")
        if "Blueprint(" in init.read_text(encoding="utf-8")
    )


def _blueprint_modules() -> list[Path]:
    return sorted(
        path
        for package in _blueprint_packages()
        for path in (PACKAGE / package.removeprefix("assett.")).rglob("*.py")
    )


def database_uses(source: str) -> list[str]:
    """The ways a module reaches the database directly: importing `db`, or `Model.query`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("extensions"):
            found += [f"imports {alias.name}" for alias in node.names if alias.name == "db"]
        elif isinstance(node, ast.Attribute) and node.attr == "query":
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id[:1].isupper():
                found.append(f"{owner.id}.query")
        elif isinstance(node, ast.Attribute) and node.attr == "session":
            if isinstance(node.value, ast.Name) and node.value.id == "db":
                found.append("db.session")
    return found


def test_the_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True
    )
    assert exit_code == 0, capsys.readouterr().out


def test_every_blueprint_is_held_by_the_contracts() -> None:
    blueprints = _blueprint_packages()
    top_layer = _contract("layers")["layers"][0]
    assert sorted(f"assett.{name.strip()}" for name in top_layer.split(":")) == blueprints
    assert sorted(_contract("views-run-no-query")["source_modules"]) == blueprints


def test_the_blueprints_have_modules_to_check() -> None:
    assert len(_blueprint_modules()) >= len(_blueprint_packages())


@pytest.mark.parametrize(
    "path", _blueprint_modules(), ids=lambda path: str(path.relative_to(PACKAGE))
)
def test_blueprint_modules_reach_the_database_only_through_services(path: Path) -> None:
    assert database_uses(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from ..extensions import db, limiter", ["imports db"]),
        ("from assett.extensions import db", ["imports db"]),
        ("from ..extensions import limiter", []),
        ("rows = Organisation.query.all()", ["Organisation.query"]),
        ("db.session.get(Territory, 1)", ["db.session"]),
        ("query = request.args.get('q')", []),
        ("form.query.data", []),
    ],
)
def test_the_guard_recognises_direct_database_access(source: str, found: list[str]) -> None:
    assert database_uses(source) == found
