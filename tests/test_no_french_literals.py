"""No French sentence reaches a page or a mail untranslated: the message of a refusal
(`ServiceError(...)`, `raise XxxError(...)`, `flash(...)`, `abort(..., description=...)`,
`errors.append(...)` / `problems.append(...)`) is a translated text (`_()`, `gettext`,
`lazy_gettext`, `ngettext`, `N_`, `Message(N_(...))`), never a French literal.

The source of every module of the package is read (ast), a variable assigned a literal in the
same function included. What never reaches a reader in the browser or a mail (command line,
startup configuration, checks of the files shipped with the app, programming errors) is
allow-listed below, function by function, each with its reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "assett"

FRENCH_LETTERS = re.compile(r"[éèêëàâùûçôîïœÉÈÊÀÇÔŒ«»]")
FRENCH_WORDS = re.compile(
    r"(?<![\w'])(de|la|le|les|est|une|un|des|du|au|aux|en|et|ou|pour|pas|ne|sur|avec|dans|sans"
    r"|par|cette|ce|votre|vos|aucun|aucune|sont|doit|moins|plus|choisissez|donnez|indiquez"
    r"|veuillez|fichier|ligne|valeur|attendu|inconnu|inconnue)(?![\w'])|\b[dlnsj]'\w",
    re.IGNORECASE,
)
TRANSLATED = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "N_", "Message"}

# (module, function; "*" for the whole module): why its French never reaches a reader.
ALLOWED: dict[tuple[str, str], str] = {
    ("assett/commands", "*"): "command line only (flask … commands), run by operators in French",
    ("assett/config.py", "*"): "configuration checked at startup: the operator's console",
    ("assett/jobs.py", "*"): "the queue's configuration, checked at startup: operator's console",
    ("assett/__init__.py", "configure_hosts"): "ASSETT_PROXIES checked at startup: the console",
    ("assett/services/company_api.py", "__init__"): "COMPANY_SEARCH_URL checked at startup",
    ("assett/services/sirene_import.py", "*"): "SIRENE stock import: `flask sirene` only",
    ("assett/domain/sirene.py", "stock_layout"): "SIRENE stock files, read by `flask sirene`",
    ("assett/domain/sirene.py", "parse_stock_row"): "SIRENE stock rows, `flask sirene` only",
    ("assett/domain/sirene.py", "legal_unit_layout"): "SIRENE legal units, `flask sirene` only",
    ("assett/domain/sirene.py", "parse_legal_unit_row"): "SIRENE legal units, `flask sirene`",
    ("assett/domain/sirene.py", "_naf"): "a SIRENE stock row's NAF code, `flask sirene` only",
    ("assett/domain/flow_reference.py", "*"): "checks of the shipped flow reference files "
    "(assett/data), run at load and by the tests; no reader uploads them",
    ("assett/domain/synergy_benefits.py", "parse_factors"): "the shipped emission factors "
    "file, checked at load and by the tests",
    ("assett/domain/roadmap.py", "parse_templates"): "the shipped roadmap templates file, "
    "checked at load and by the tests",
    ("assett/domain/aggregation.py", "_band_index"): "a programming error (a score outside "
    "the bands), never a reader's input: a 500 and a log",
    ("assett/domain/aggregation.py", "funnel"): "a programming error (a negative count)",
    ("assett/reporting/writer.py", "_dialect_insert"): "an unsupported database: the log",
    ("assett/reporting/writer.py", "record_submission"): "a programming error (a draft "
    "aggregated), never a reader's input",
    ("assett/reporting/exports.py", "write_xlsx"): "a programming error (no sheet)",
    ("assett/reporting/xlsx.py", "close"): "a programming error (no sheet)",
}


def looks_french(text: str) -> bool:
    """Accented letters, French quotes or common French words."""
    return bool(FRENCH_LETTERS.search(text) or FRENCH_WORDS.search(text))


def literal_text(node: ast.AST) -> str | None:
    """The literal text of an expression (f-strings, concatenations, `.format`, ternaries);
    None when it is not a literal (a call to `_()` is not)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else " {} " for v in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return literal_text(node.func.value) if node.func.attr == "format" else None
    pairs = {ast.BinOp: ("left", "right"), ast.IfExp: ("body", "orelse")}
    for kind, (first, second) in pairs.items():
        if isinstance(node, kind):
            texts = [literal_text(getattr(node, first)), literal_text(getattr(node, second))]
            return None if texts == [None, None] else " ".join(t or "" for t in texts)
    return None


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def said_by(call: ast.Call) -> list[ast.expr]:
    """The expressions a call shows a reader as its message, if it is a refusal or a notice."""
    name = _name(call.func)
    if name == "abort":
        return [k.value for k in call.keywords if k.arg == "description"]
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    appended = name == "append" and _name(receiver).endswith(("errors", "problems"))  # type: ignore[arg-type]
    if name == "flash" or name.endswith(("Error", "Errors")) or appended:
        said = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "message")]
        return [e for item in said for e in (item.elts if isinstance(item, ast.Tuple) else [item])]
    return []


def _scopes(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """Each function (innermost first) then the module, with its name."""
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in reversed(functions):
        yield function.name, function
    yield "*", tree


def french_literals(source: str) -> Iterator[tuple[str, int, str]]:
    """(function, line, text) of each French literal said by a refusal or a notice."""
    tree = ast.parse(source)
    seen: set[int] = set()
    for scope_name, scope in _scopes(tree):
        assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        for node in ast.walk(scope):
            if not isinstance(node, ast.Call) or id(node) in seen:
                continue
            seen.add(id(node))
            said = said_by(node)
            said += [v for e in said if isinstance(e, ast.Name) for v in assigned.get(e.id, [])]
            for expression in said:
                text = literal_text(expression)
                if text is not None and looks_french(text):
                    yield scope_name, node.lineno, text


def _allowed(module: str, function: str) -> bool:
    return any(
        (module == path or module.startswith(f"{path}/")) and name in ("*", function)
        for path, name in ALLOWED
    )


def test_no_refusal_or_notice_says_a_french_literal() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE.parent).as_posix()
        for function, line, text in french_literals(path.read_text(encoding="utf-8")):
            if not _allowed(module, function):
                found.append(f"{module}:{line} ({function}): {text!r}")
    assert not found, "French said untranslated:\n" + "\n".join(found)


def test_every_allowed_function_still_exists() -> None:
    for path, function in ALLOWED:
        target = PACKAGE.parent / path
        assert target.exists(), path
        if function != "*":
            assert f"def {function}(" in target.read_text(encoding="utf-8"), (path, function)


PLANTED = """
from flask import abort, flash
from flask_babel import gettext as _

def refuse(errors, value):
    raise ServiceError("Le titre est obligatoire.", "title")

def warn():
    flash(f"Votre fichier {name} est vide", "error")

def stop():
    abort(400, description="Identifiant inconnu")

def check(errors):
    errors.append(("title", "donnez un titre"))

def named():
    message = "choisissez au moins deux organisations"
    raise AnswerError(message)

def fine(errors):
    raise ServiceError(_("Le titre est obligatoire."), "title")
    flash(_("Votre fichier %(name)s est vide", name=name))
    errors.append(Message(N_("ligne %(n)s : attendu une valeur"), n=1))
    raise KeyError("title")
    raise ValueError(f"unknown key {key!r}")
"""


def test_the_detector_finds_the_planted_french_and_only_it() -> None:
    found = [(function, text) for function, _line, text in french_literals(PLANTED)]

    assert found == [
        ("named", "choisissez au moins deux organisations"),
        ("check", "donnez un titre"),
        ("stop", "Identifiant inconnu"),
        ("warn", "Votre fichier  {}  est vide"),
        ("refuse", "Le titre est obligatoire."),
    ]
