"""`flask sirene import`: a territory's establishments from an INSEE SIRENE stock extract."""

from __future__ import annotations

import csv
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..domain.reference_data import communes_of_epci
from ..extensions import db
from ..models import Territory
from ..services.errors import ServiceError
from ..services.sirene_import import (
    ImportReport,
    import_establishments,
    import_legal_units,
    open_extract,
)
from . import TOP_LEVEL

sirene_cli = AppGroup("sirene", help="Importer les établissements du répertoire SIRENE.")
TOP_LEVEL.append(sirene_cli)

SHOWN_SKIPPED = 50


@sirene_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--territory", "slug", required=True, help="Territoire (slug) qui reçoit l'import.")
@click.option(
    "--unites-legales",
    "legal_units",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Extrait StockUniteLegale : nom et catégorie juridique des unités légales.",
)
@click.option(
    "--epci",
    "epcis",
    multiple=True,
    help="Ne garder que les communes de cette intercommunalité (SIREN, répétable).",
)
@click.option(
    "--commune",
    "communes",
    multiple=True,
    help="Ne garder que cette commune (code INSEE, répétable).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Écrire toutes les lignes écartées (numéro, raison) dans ce fichier CSV.",
)
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000))
def import_command(
    path: str,
    slug: str,
    legal_units: str | None,
    epcis: tuple[str, ...],
    communes: tuple[str, ...],
    report_path: str | None,
    batch_size: int,
) -> None:
    """Import (or update) the establishments of a StockEtablissement CSV extract."""
    territory = db.session.scalar(select(Territory).where(Territory.slug == slug))
    if territory is None:
        click.echo(f"Territoire inconnu : {slug}", err=True)
        sys.exit(1)
    kept: frozenset[str] | None = None
    if epcis or communes:
        kept = frozenset(communes).union(*(communes_of_epci(code) for code in epcis))
        unknown = [code for code in epcis if not communes_of_epci(code)]
        if unknown:
            click.echo(f"Intercommunalité inconnue : {', '.join(unknown)}", err=True)
            sys.exit(1)
    try:
        with open_extract(path) as stream:
            report = import_establishments(territory.id, stream, kept, batch_size)
        _show("Établissements", report, report_path, path)
        if legal_units:
            with open_extract(legal_units) as stream:
                units = import_legal_units(territory.id, stream, batch_size)
            _show("Unités légales", units, report_path and f"{report_path}.unites", legal_units)
    except ServiceError as error:
        click.echo(error.message, err=True)
        sys.exit(1)


def _show(title: str, report: ImportReport, report_path: str | None, source: str) -> None:
    click.echo(
        f"{title} ({source}) : {report.read} lignes lues, {report.stored} enregistrées, "
        f"{report.outside} hors du territoire, {len(report.skipped)} écartées."
    )
    for skipped in report.skipped[:SHOWN_SKIPPED]:
        click.echo(f"  ligne {skipped.line} : {skipped.reason}")
    if len(report.skipped) > SHOWN_SKIPPED:
        more = len(report.skipped) - SHOWN_SKIPPED
        click.echo(f"  … et {more} autres" + ("" if report_path else " (voir --report)."))
    if report_path:
        with open(report_path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["ligne", "raison"])
            writer.writerows((skipped.line, skipped.reason) for skipped in report.skipped)
        click.echo(f"Rapport des lignes écartées : {report_path}")
