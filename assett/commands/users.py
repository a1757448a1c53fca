"""`flask user create-admin`: platform administrators from the command line."""

from __future__ import annotations

import sys

import click
from flask_babel import gettext as _

from ..cli import user_cli
from ..services import accounts
from ..services.errors import ServiceError


@user_cli.command("create-admin")
@click.argument("email")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Lire le mot de passe sur l'entrée standard (une ligne) au lieu de le demander.",
)
def create_admin_command(email: str, password_stdin: bool) -> None:
    """Create a platform admin, or promote an existing user (password kept unless given)."""
    try:
        address = accounts.normalise_email(email)
        existing = accounts.find_user_by_email(address)
        password: str | None = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif existing is None:
            password = click.prompt(
                _("Mot de passe"),
                hide_input=True,
                confirmation_prompt=_("Confirmez le mot de passe"),
            )
        user, created = accounts.make_platform_admin(address, password)
    except ServiceError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    if created:
        click.echo(_("Administrateur de la plateforme créé : %(email)s", email=user.email))
    else:
        click.echo(_("%(email)s est maintenant administrateur de la plateforme.", email=user.email))
