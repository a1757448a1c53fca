"""`flask questionnaires validate|load`: check and load the theme files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from ..cli import questionnaires_cli
from ..domain.loader import DefinitionError, load_definition_file


def _default_paths() -> list[Path]:
    return sorted(Path(current_app.config["QUESTIONNAIRES_DIR"]).glob("*.yaml"))


@questionnaires_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Validate theme files (by default the questionnaires/ folder) and list every error."""
    errors: list[str] = []
    files = list(paths) or _default_paths()
    for path in files:
        try:
            definition = load_definition_file(path)
        except DefinitionError as error:
            errors.extend(error.errors)
            continue
        questions = sum(1 for _ in definition.iter_questions())
        click.echo(f"OK {path}: {definition.key}, {questions} questions")
    if errors:
        for message in errors:
            click.echo(message, err=True)
        click.echo(f"{len(errors)} erreur(s).", err=True)
        sys.exit(1)


@questionnaires_cli.command("load")
@click.argument(
    "directory",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
def load_command(directory: Path | None) -> None:
    """Load theme files as platform defaults: an unchanged file creates nothing."""
    from ..services.questionnaires import load_platform_definitions

    try:
        report = load_platform_definitions(directory or current_app.config["QUESTIONNAIRES_DIR"])
    except DefinitionError as error:
        for message in error.errors:
            click.echo(message, err=True)
        sys.exit(1)
    for label, keys in (
        ("créé(s)", report.created),
        ("nouvelle version", report.updated),
        ("inchangé(s)", report.unchanged),
    ):
        if keys:
            click.echo(f"{label} : {', '.join(keys)}")
