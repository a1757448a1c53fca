"""`python -m bench.synthetic SLUG --organisations N`: a synthetic territory for benchmarks.

The application is configured as `flask --app assett` configures it (instance/, ASSETT_*).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

from assett.services.errors import ServiceError

from .generate import generate_territory
from .network import SYNTHETIC_PASSWORD


@click.command("synthetic")
@click.argument("slug")
@click.option("--organisations", type=click.IntRange(min=1), default=10_000, show_default=True)
@click.option(
    "--assessments-per-theme",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Nombre moyen d'évaluations envoyées par organisation et par thème.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Même graine, mêmes données.")
@click.option("--append", is_flag=True, help="Ajouter des organisations à un territoire peuplé.")
@with_appcontext
def synthetic(
    slug: str, organisations: int, assessments_per_theme: float, seed: int, append: bool
) -> None:
    """Build a synthetic territory: organisations and three years of submitted assessments."""
    try:
        with click.progressbar(length=organisations, label="Organisations", show_pos=True) as bar:
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
    for role, email in report.logins.items():
        click.echo(f"  {role} : {email}")


if __name__ == "__main__":
    from assett import create_app

    synthetic.main(obj=ScriptInfo(create_app=create_app), prog_name="python -m bench.synthetic")
