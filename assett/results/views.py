"""Views of the results blueprint: latest results, one assessment in detail, progress."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import login_required

from .. import charts, i18n
from ..access import assessment_or_404, member_org_or_404
from ..content_text import content_locale
from ..domain.content_language import localize_definition
from ..reporting import benchmark as benchmark_service
from ..services import results as service
from ..services import targets as target_service
from ..services.assessments import definition_for
from ..services.drafts import VersionSwitch, version_switches
from ..services.resources import OFFER_TYPE_LABELS
from . import bp

RadarColumn = tuple[str, list[float | None]]
# Below three axes a radar is a dot or a line: the theme sections say it better.
RADAR_MIN_THEMES = 3


def _radar(
    overview: service.Overview,
    overlays: list[tuple[str, list[float | None]]] | None = None,
) -> tuple[str | None, list[str], list[RadarColumn]]:
    """The radar's JSON and its data table: one column per series drawn, one row per theme."""
    themes = [theme.title for theme in overview.themes]
    if len(themes) < RADAR_MIN_THEMES:
        return None, themes, []
    has_previous = any(theme.previous is not None for theme in overview.themes)
    figure = charts.radar_figure(
        themes,
        [theme.score for theme in overview.themes],
        [theme.previous.score if theme.previous else None for theme in overview.themes]
        if has_previous
        else None,
        title=_("Vos scores par thème"),
        latest_label=_("Dernière évaluation"),
        previous_label=_("Évaluation précédente"),
        overlays=overlays or (),
    )
    english = not i18n.is_source_language()
    return charts.figure_json(figure, english), themes, charts.radar_series(figure)


@bp.get("/o/<int:org_id>/resultats")
@login_required
def overview(org_id: int) -> str:
    """« Résultats de l'auto-évaluation »: the mean, then each theme's latest result."""
    org = member_org_or_404(org_id)
    summary = service.overview(org, content_locale())
    benchmarks = benchmark_service.benchmark_for(org)
    radar_json, radar_themes, radar_columns = _radar(
        summary,
        benchmark_service.radar_overlays([t.theme_key for t in summary.themes], benchmarks),
    )
    return render_template(
        "results/overview.html",
        org=org,
        overview=summary,
        radar_json=radar_json,
        radar_themes=radar_themes,
        radar_columns=radar_columns,
        offer_types=OFFER_TYPE_LABELS,
        benchmarks=benchmarks,
        comparable_label=benchmark_service.comparable_label(org),
        target_gaps=target_service.gaps_of(org),
    )


@bp.get("/o/<int:org_id>/evaluations/<int:assessment_id>")
@login_required
def assessment(org_id: int, assessment_id: int) -> str:
    """A submitted assessment in detail: every question, the answer, the points."""
    org = member_org_or_404(org_id)
    submitted = assessment_or_404(org, assessment_id, submitted_only=True)
    return render_template(
        "results/assessment.html",
        org=org,
        assessment=submitted,
        definition=localize_definition(definition_for(submitted), content_locale()),
        summary=service.theme_summary(org, submitted, content_locale()),
        categories=service.assessment_detail(submitted, content_locale()),
        offer_types=OFFER_TYPE_LABELS,
    )


@bp.get("/o/<int:org_id>/progression")
@login_required
def progress(org_id: int) -> str:
    """Each theme's score over time: a line chart and its data table."""
    org = member_org_or_404(org_id)
    series = service.progress_series(org)
    titles = service.theme_titles(org, content_locale())
    named = {titles.get(key, key): points for key, points in series.items()}
    version_notes = version_switches(org.id)  # where a theme's questionnaire changed
    targets = [
        (titles.get(key, key), target)
        for key, target in sorted(target_service.targets_of(org).items())
        if key in series
    ]
    figure_json = None
    if named:
        figure = charts.progress_figure(
            {name: [(p.submitted_at, p.score) for p in points] for name, points in named.items()},
            title=_("Évolution de vos scores"),
            x_title=_("Date d'envoi"),
            y_title=_("Score sur 5"),
            order_label=_("n°{n}"),
        )
        charts.add_version_markers(
            figure, [(s.submitted_at, _version_label(titles, s)) for s in version_notes]
        )
        charts.add_targets(
            figure,
            [(name, target.score, target.target_on) for name, target in targets],
            label=_("Objectif {name} : {score}/5 au {date}"),
            decimal_sign=i18n.decimal_sign(),
        )
        figure_json = charts.figure_json(figure, not i18n.is_source_language())
    return render_template(
        "results/progress.html",
        org=org,
        series=named,
        figure_json=figure_json,
        version_notes=[(s, _version_label(titles, s)) for s in version_notes],
        targets=targets,
    )


def _version_label(titles: dict[str, str], switch: VersionSwitch) -> str:
    """« Énergie v2 »: the marker of a questionnaire version change."""
    return f"{titles.get(switch.theme_key, switch.theme_key)} v{switch.number}"
