"""`flask demo`: the demo territory, its organisations, history and logins."""

from __future__ import annotations

import click
from flask import current_app

from . import TOP_LEVEL


@click.command("demo")
@click.option("--url", default="http://127.0.0.1:5000", help="Adresse affichée.")
def demo_command(url: str) -> None:
    """Load the default questionnaires and the demo territory (idempotent)."""
    from ..demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_SLUG, seed_demo

    report = seed_demo(current_app.config["QUESTIONNAIRES_DIR"])
    if report.created:
        click.echo(
            f"Données de démonstration créées : {report.organisations} organisations, "
            f"{report.assessments} évaluations."
        )
    else:
        click.echo("Données de démonstration déjà présentes : rien de nouveau.")
    click.echo(f"\nASSETT : {url}/t/{DEMO_SLUG}/")
    click.echo(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
    click.echo(f"  acteur (Boulangerie Durand) : {DEMO_LOGINS['actor']}")
    click.echo(f"  administration du territoire : {DEMO_LOGINS['admin']}")
    click.echo(f"  animation du réseau : {DEMO_LOGINS['animator']}")
    click.echo(f"  administration de la plateforme : {DEMO_LOGINS['platform']}")


TOP_LEVEL.append(demo_command)
