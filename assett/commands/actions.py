"""`flask actions validate`: check the action catalogue files against the questionnaires."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from . import TOP_LEVEL

actions_cli = click.Group("actions", help="Valider le catalogue d'actions.")


@actions_cli.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def validate_command(files: tuple[str, ...]) -> None:
    """Validate catalogue files (default: every file of actions/); all errors at once."""
    from ..domain.action_loader import load_catalogue_directory, load_catalogue_file
    from ..domain.loader import DefinitionError, load_directory

    questionnaires = Path(current_app.config["QUESTIONNAIRES_DIR"])
    themes = {definition.key: definition for definition in load_directory(questionnaires)}
    errors: list[str] = []
    loaded = []
    try:
        if files:
            for name in files:
                try:
                    loaded.append(load_catalogue_file(name, themes))
                except DefinitionError as error:
                    errors += error.errors
        else:
            loaded = load_catalogue_directory(questionnaires.parent / "actions", themes)
    except DefinitionError as error:
        errors += error.errors
    for message in errors:
        click.echo(message, err=True)
    if errors:
        raise SystemExit(1)
    for catalogue in loaded:
        click.echo(f"« {catalogue.theme} » : {len(catalogue.actions)} actions valides.")


TOP_LEVEL.append(actions_cli)
