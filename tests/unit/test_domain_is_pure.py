"""The domain package stays plain Python: no web framework, no database, no app code."""

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).parents[2] / "assett" / "domain"
FORBIDDEN = ("flask", "sqlalchemy", "werkzeug", "jinja2")


def imported_modules(path: Path) -> list[str]:
    """Return every module a source file imports."""
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level > 1:  # from .. import: out of the domain package
                modules.append("assett")
            elif node.module and node.level == 0:
                modules.append(node.module)
    return modules


def is_forbidden(module: str) -> bool:
    top = module.split(".")[0]
    outside_domain = top == "assett" and not module.startswith("assett.domain")
    return top in FORBIDDEN or top.startswith("flask_") or outside_domain


def test_the_domain_package_has_modules() -> None:
    assert len(list(DOMAIN.glob("*.py"))) >= 5


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda path: path.name)
def test_domain_modules_import_no_framework(path: Path) -> None:
    forbidden = [module for module in imported_modules(path) if is_forbidden(module)]
    assert forbidden == []


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("flask", True),
        ("flask_login", True),
        ("sqlalchemy.orm", True),
        ("assett.models", True),
        ("assett.domain.definitions", False),
        ("yaml", False),
    ],
)
def test_the_guard_recognises_framework_modules(module: str, forbidden: bool) -> None:
    assert is_forbidden(module) is forbidden
