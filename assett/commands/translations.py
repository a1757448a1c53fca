"""`flask translations`: keep the English catalogue in step with the French source texts.

flask translations update    extract the texts, merge them into assett/translations/
flask translations compile   write the .mo files the app reads (committed with the .po)
flask translations check     fail when a text has no English translation
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask.cli import AppGroup

from . import TOP_LEVEL

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
CATALOGUES = PACKAGE / "translations"
TEMPLATE = CATALOGUES / "messages.pot"
KEYWORDS = ["_l", "lazy_gettext", "N_", "ngettext:1,2", "lazy_ngettext:1,2"]

translations_cli = AppGroup("translations", help="Catalogues de traduction (anglais).")
TOP_LEVEL.append(translations_cli)


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    """Write the template of every translatable text of the code and the templates."""
    keywords = [option for keyword in KEYWORDS for option in ("-k", keyword)]
    os.chdir(ROOT)
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        *keywords,
        "--no-wrap",
        "--sort-by-file",
        # Babel skips folders starting with "_" by default: templates/_partials has texts too.
        "--ignore-dirs",
        ".* __pycache__",
        "--project",
        "ASSETT",
        "-o",
        str(TEMPLATE),
        ".",  # babel.cfg's patterns (assett/**) and the catalogue's locations are relative
    )


def untranslated(language: str = "en") -> list[str]:
    """The texts of the catalogue that have no translation (or a fuzzy one)."""
    path = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id[0] if isinstance(message.id, tuple) else message.id)
    return missing


@translations_cli.command("update")
def update_command() -> None:
    """Extract the texts and merge them into the English catalogue."""
    extract()
    _pybabel(
        "update",
        "-i",
        str(TEMPLATE),
        "-d",
        str(CATALOGUES),
        "--no-wrap",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    missing = untranslated()
    click.echo(f"{len(missing)} texte(s) sans traduction anglaise.")


@translations_cli.command("compile")
def compile_command() -> None:
    """Compile the catalogues into the .mo files the app reads."""
    _pybabel("compile", "-d", str(CATALOGUES), "--statistics")


@translations_cli.command("check")
def check_command() -> None:
    """List the texts without an English translation; exit 1 if there is one."""
    missing = untranslated()
    for text in missing:
        click.echo(text)
    if missing:
        sys.exit(1)
    click.echo("Toutes les chaînes ont leur traduction anglaise.")
