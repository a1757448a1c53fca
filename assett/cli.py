"""Command-line interface: small click commands registered on the Flask CLI."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

questionnaires_cli = AppGroup("questionnaires", help="Valider et charger les questionnaires.")
territory_cli = AppGroup("territory", help="Gérer les territoires.")
user_cli = AppGroup("user", help="Gérer les utilisateurs.")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    from . import commands  # noqa: F401  (defines the commands on the groups below)

    app.cli.add_command(questionnaires_cli)
    app.cli.add_command(territory_cli)
    app.cli.add_command(user_cli)
    for command in commands.TOP_LEVEL:
        app.cli.add_command(command)


__all__ = ["click", "questionnaires_cli", "territory_cli", "user_cli"]
