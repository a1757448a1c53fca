"""`flask synthetic`: a synthetic territory with thousands of organisations, for benchmarks."""

from __future__ import annotations

import click
from flask import current_app

from . import TOP_LEVEL


@click.command("synthetic")
@click.argument("slug")
@click.option(
    "--organisations",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Nombre d'organisations à créer.",
)
@click.option(
    "--assessments-per-theme",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Nombre moyen d'évaluations envoyées par organisation et par thème.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Graine du hasard : la même graine donne les mêmes données.",
)
@click.option(
    "--append", is_flag=True, help="Ajouter des organisations à un territoire qui en a déjà."
)
def synthetic_command(
    slug: str, organisations: int, assessments_per_theme: float, seed: int, append: bool
) -> None:
    """Build a synthetic territory: organisations and three years of submitted assessments.

    Refuses a territory that already has organisations, unless --append is given.
    """
    from ..services.errors import ServiceError
    from ..synthetic import SYNTHETIC_PASSWORD, generate_territory

    try:
        with click.progressbar(
            length=organisations, label="Organisations", show_pos=True, show_eta=True
        ) as bar:
            report = generate_territory(
                slug,
                organisations,
                current_app.config["QUESTIONNAIRES_DIR"],
                assessments_per_theme=assessments_per_theme,
                seed=seed,
                append=append,
                progress=bar.update,
            )
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"Territoire synthétique « {report.slug} » : {report.organisations} organisations, "
        f"{report.assessments} évaluations, {report.answers} réponses, "
        f"{report.statuses} thèmes suivis, {report.cohort_members} membres de promotions, "
        f"{report.signatures} signatures de la charte, en {report.seconds:.1f} s."
    )
    click.echo(f"Comptes (mot de passe : {SYNTHETIC_PASSWORD}) :")
    labels = {
        "actor": "acteur",
        "animator": "animation du réseau",
        "admin": "administration du territoire",
    }
    for role, email in report.logins.items():
        click.echo(f"  {labels.get(role, role)} : {email}")


TOP_LEVEL.append(synthetic_command)
