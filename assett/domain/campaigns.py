"""Campaigns as plain data: the contact list check, the reminder throttle, the funnel, the cycle.

- `check_rows` reads the rows of an imported list (header, then one row per organisation) and
  returns every problem at once, each naming its row and column, or the clean contacts;
- `may_mail` says whether a recipient can receive one more mail (gap and count per campaign);
- `funnel_from_days` turns the counts per stage and day into totals and cumulative curves;
- `cycle_window` turns a territory's yearly review period into dates.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from email_validator import EmailNotValidError, validate_email

from .profile import validate_siret
from .text import N_, Message

CAMPAIGN_KINDS = ("invitation", "relance")
CAMPAIGN_STATUSES = ("draft", "sent")
MAIL_KINDS = ("first", "reminder", "test")
STAGES = ("invited", "account", "organisation", "first_theme", "all_themes")

NAME_MAX = 200
EMAIL_MAX = 254
COHORT_MAX = 120
MAX_ROWS = 20_000
GAP_DAYS_RANGE = (1, 90)
MAX_MAILS_RANGE = (1, 10)
# A cell starting with one of these is a formula for a spreadsheet that opens an export.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Accepted column titles (lower-case, accents kept) → the field they fill.
COLUMNS: Mapping[str, str] = {
    "nom": "name",
    "name": "name",
    "organisation": "name",
    "siret": "siret",
    "e-mail": "email",
    "email": "email",
    "courriel": "email",
    "adresse e-mail": "email",
    "e-mail du contact": "email",
    "cohorte": "cohort",
    "cohort": "cohort",
}
REQUIRED = ("name", "email")
COLUMN_TITLES = {"name": "nom", "siret": "siret", "email": "e-mail", "cohort": "cohorte"}


@dataclass(frozen=True)
class Contact:
    """One organisation to invite, as imported."""

    name: str
    siret: str | None
    email: str
    cohort: str | None


@dataclass(frozen=True)
class RowProblem:
    """One refused cell: the row number as the spreadsheet shows it (header = 1), the column."""

    row: int
    column: str
    message: str  # a Message, translated where it is shown

    def __str__(self) -> str:
        return f"Ligne {self.row}, colonne « {self.column} » : {self.message}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header(cells: Sequence[object]) -> tuple[dict[str, int], list[RowProblem]]:
    fields: dict[str, int] = {}
    problems: list[RowProblem] = []
    for index, cell in enumerate(cells):
        title = _text(cell).lower()
        if not title:
            continue
        field = COLUMNS.get(title)
        if field is None:
            problems.append(
                RowProblem(
                    1,
                    title[:40],
                    Message(N_("colonne inconnue (attendu : nom, siret, e-mail, cohorte)")),
                )
            )
        elif field in fields:
            problems.append(RowProblem(1, title[:40], Message(N_("colonne en double"))))
        else:
            fields[field] = index
    for field in REQUIRED:
        if field not in fields:
            problems.append(
                RowProblem(1, COLUMN_TITLES[field], Message(N_("colonne obligatoire absente")))
            )
    return fields, problems


def _cell(row: Sequence[object], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return _text(row[index])


def _formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def check_rows(
    rows: Iterable[Sequence[object]], known_cohorts: Iterable[str] = ()
) -> tuple[list[Contact], list[RowProblem]]:
    """The contacts of an imported list, or every problem found in it (then use none)."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        return [], [RowProblem(1, "nom", Message(N_("le fichier est vide")))]
    fields, problems = _header(header)
    if problems:
        return [], problems
    cohorts = {name.lower(): name for name in known_cohorts}
    contacts: list[Contact] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(iterator, start=2):
        if number - 1 > MAX_ROWS:
            problems.append(
                RowProblem(
                    number,
                    "nom",
                    Message(N_("le fichier dépasse %(max)s lignes : découpez-le"), max=MAX_ROWS),
                )
            )
            break
        values = {field: _cell(row, fields.get(field)) for field in COLUMN_TITLES}
        if not any(values.values()):
            continue  # a blank line
        row_problems = _check_row(number, values, cohorts, seen)
        problems += row_problems
        if not row_problems:
            seen[values["email"].lower()] = number
            contacts.append(
                Contact(
                    name=values["name"],
                    siret=values["siret"].replace(" ", "").replace(".", "") or None,
                    email=_clean_email(values["email"]),
                    cohort=cohorts.get(values["cohort"].lower()) if values["cohort"] else None,
                )
            )
    if not contacts and not problems:
        problems.append(RowProblem(2, "nom", Message(N_("aucune organisation dans le fichier"))))
    return ([] if problems else contacts), problems


def _clean_email(value: str) -> str:
    return validate_email(value, check_deliverability=False).normalized.lower()


def _check_row(
    number: int, values: Mapping[str, str], cohorts: Mapping[str, str], seen: Mapping[str, int]
) -> list[RowProblem]:
    found: list[RowProblem] = []

    def refuse(field: str, message: Message) -> None:
        found.append(RowProblem(number, COLUMN_TITLES[field], message))

    for field, value in values.items():
        if value and _formula(value):
            refuse(field, Message(N_("une formule de tableur n'est pas acceptée")))
    if found:
        return found
    name, siret, email, cohort = (values[f] for f in ("name", "siret", "email", "cohort"))
    if not name:
        refuse("name", Message(N_("le nom est obligatoire")))
    elif len(name) > NAME_MAX:
        refuse("name", Message(N_("le nom dépasse %(max)s caractères"), max=NAME_MAX))
    if siret:
        try:
            validate_siret(siret)
        except ValueError as error:
            refuse("siret", error.args[0])
    if not email:
        refuse("email", Message(N_("l'adresse e-mail est obligatoire")))
    elif len(email) > EMAIL_MAX:
        refuse("email", Message(N_("l'adresse dépasse %(max)s caractères"), max=EMAIL_MAX))
    else:
        try:
            clean = _clean_email(email)
        except EmailNotValidError:
            refuse(
                "email",
                Message(N_("« %(email)s » n'est pas une adresse e-mail valide"), email=email[:60]),
            )
        else:
            if clean in seen:
                refuse("email", Message(N_("adresse déjà présente ligne %(row)s"), row=seen[clean]))
    if cohort and cohort.lower() not in cohorts:
        refuse(
            "cohort",
            Message(
                N_("la cohorte « %(cohort)s » n'existe pas sur le territoire"), cohort=cohort[:60]
            ),
        )
    return found


# --- Throttle -----------------------------------------------------------------------------------


def may_mail(
    mails_sent: int,
    last_mailed_at: datetime | None,
    now: datetime,
    min_gap_days: int,
    max_mails: int,
) -> bool:
    """Whether one more mail of a campaign may go to a recipient now."""
    if mails_sent >= max_mails:
        return False
    return last_mailed_at is None or now - last_mailed_at >= timedelta(days=min_gap_days)


# --- Funnel -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    key: str
    count: int
    # Per day, the cumulative count reached by then, in date order.
    by_day: tuple[tuple[date, int], ...]


def funnel_from_days(rows: Iterable[tuple[str, date, int]]) -> list[StageCount]:
    """From (stage, day, how many reached it that day), each stage's total and its curve."""
    per_stage: dict[str, dict[date, int]] = {stage: {} for stage in STAGES}
    for stage, day, count in rows:
        days = per_stage[stage]
        days[day] = days.get(day, 0) + count
    counts: list[StageCount] = []
    for stage in STAGES:
        total = 0
        cumulative: list[tuple[date, int]] = []
        for day in sorted(per_stage[stage]):
            total += per_stage[stage][day]
            cumulative.append((day, total))
        counts.append(StageCount(stage, total, tuple(cumulative)))
    return counts


# --- The yearly cycle ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleWindow:
    year: int
    start: date
    end: date  # inclusive


def cycle_window(year: int, start_month: int, end_month: int) -> CycleWindow:
    """The review period of a year: from the 1st of its first month to the end of its last."""
    if not (1 <= start_month <= 12 and 1 <= end_month <= 12):
        raise ValueError(Message(N_("Les mois de la campagne vont de 1 à 12.")))
    end_year = year if end_month >= start_month else year + 1
    last_day = calendar.monthrange(end_year, end_month)[1]
    return CycleWindow(year, date(year, start_month, 1), date(end_year, end_month, last_day))


def current_cycle(today: date, start_month: int, end_month: int) -> CycleWindow:
    """The cycle under way or the last one begun at `today` (the one whose start has passed)."""
    this_year = cycle_window(today.year, start_month, end_month)
    return (
        this_year
        if today >= this_year.start
        else cycle_window(today.year - 1, start_month, end_month)
    )


def needs_cycle_reminder(last_assessed: date | None, cycle: CycleWindow) -> bool:
    """An organisation is reminded when it has not assessed since the cycle began."""
    return last_assessed is None or last_assessed < cycle.start
