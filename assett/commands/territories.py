"""`flask territory create|list`: territories from the command line."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from ..cli import territory_cli
from ..extensions import db
from ..models import Territory
from ..services.errors import ServiceError


@territory_cli.command("create")
@click.argument("slug")
@click.argument("name")
@click.option("--contact", "contact_email", default=None, help="Adresse de contact.")
@click.option("--colour", "main_colour", default="#1b6b4f", help="Couleur principale (#rrggbb).")
@click.option("--welcome", "welcome_text", default="", help="Texte d'accueil.")
def create_command(
    slug: str, name: str, contact_email: str | None, main_colour: str, welcome_text: str
) -> None:
    """Create a territory with its own copy of the default questionnaires and resources."""
    from ..services.territories import create_territory

    try:
        territory = create_territory(
            slug=slug,
            name=name,
            contact_email=contact_email,
            main_colour=main_colour,
            welcome_text=welcome_text,
        )
    except ServiceError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(f"Territoire créé : {territory.name} (/t/{territory.slug}/)")


@territory_cli.command("list")
def list_command() -> None:
    """List the territories."""
    for territory in db.session.scalars(select(Territory).order_by(Territory.slug)):
        click.echo(f"{territory.slug}\t{territory.name}")
