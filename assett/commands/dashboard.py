"""`flask rebuild-dashboard`: recompute the animator dashboard's tables from the assessments."""

from __future__ import annotations

import click
from sqlalchemy import select

from . import TOP_LEVEL


@click.command("rebuild-dashboard")
@click.argument("slugs", nargs=-1)
def rebuild_dashboard_command(slugs: tuple[str, ...]) -> None:
    """Recompute the dashboard's maintained tables of the territories (all when none is given).

    Submissions keep them up to date; run this after restoring or importing assessments
    outside the application.
    """
    from ..extensions import db
    from ..models import Territory
    from ..reporting.writer import rebuild

    query = select(Territory).order_by(Territory.slug)
    if slugs:
        query = query.where(Territory.slug.in_(slugs))
    territories = list(db.session.scalars(query))
    missing = sorted(set(slugs) - {territory.slug for territory in territories})
    if missing:
        raise click.ClickException(f"Territoire inconnu : {', '.join(missing)}.")
    for territory in territories:
        report = rebuild(territory.id)
        db.session.commit()
        click.echo(f"« {territory.slug} » :")
        for table, change in report.items():
            click.echo(
                f"  {table} : {change.inserted} ajoutées, {change.updated} modifiées, "
                f"{change.deleted} supprimées"
            )


TOP_LEVEL.append(rebuild_dashboard_command)
