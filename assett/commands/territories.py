"""`flask territory create|list|appoint`: territories from the command line."""

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


@territory_cli.command("appoint")
@click.argument("slug")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["admin", "animator"]),
    default="admin",
    show_default=True,
    help="Rôle confié : administration (admin) ou animation (animator).",
)
def appoint_command(slug: str, email: str, role: str) -> None:
    """Invite someone by e-mail to be admin or animator of a territory; print the link."""
    from flask import current_app

    from ..services.platform import appoint

    territory = db.session.scalar(select(Territory).where(Territory.slug == slug))
    if territory is None:
        click.echo(f"Territoire inconnu : {slug}", err=True)
        sys.exit(1)
    base_url = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    # Links are built as in a request to the configured address.
    with current_app.test_request_context("/", base_url=base_url):
        try:
            link = appoint(territory, role, email, None)
        except ServiceError as error:
            click.echo(error.message, err=True)
            sys.exit(1)
    click.echo(f"Invitation créée pour {email} ({role}) sur {territory.name}.")
    click.echo(f"Lien (valable une fois) : {link}")
