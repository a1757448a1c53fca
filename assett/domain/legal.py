"""Public-sector obligations: the accessibility statement (RGAA 4.1) and the processing register.

Plain data in, checked data and documents out. The statement's conformity follows the RGAA
rule from the audit's rate (100 % « totalement », 50 % and more « partiellement », below
« non conforme »; no audit means « non conforme »). The processing register entry and the
privacy page are written from one description of what ASSETT processes (PROCESSING), so that
the two never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .definition_fields import format_number
from .text import N_

Conformity = Literal["totalement", "partiellement", "non"]
CONFORMITY_LABELS: dict[str, str] = {
    "totalement": N_("totalement conforme"),
    "partiellement": N_("partiellement conforme"),
    "non": N_("non conforme"),
}
TEXT_MAX = 5000
LINE_MAX = 200


@dataclass(frozen=True)
class Phrase:
    """A French text made of marked msgids and their values, translated where it is shown.

    `str()` gives the French (the register, the source pages); a page in another language
    translates each part (msgid) and puts the values in. Values are already written the French
    way (« 1,5 »): the page writes them in its language.
    """

    parts: tuple[tuple[str, Mapping[str, str]], ...] = field(default=())

    def __add__(self, other: Phrase) -> Phrase:
        return Phrase(self.parts + other.parts)

    def __str__(self) -> str:
        return "".join(msgid % values if values else msgid for msgid, values in self.parts)


def said(msgid: str, **values: str) -> Phrase:
    """A phrase of one msgid (marked with N_ by the caller) and its values."""
    return Phrase(((msgid, values),))


def conformity_of(rate: float | None) -> Conformity:
    """The RGAA mention for an audit's conformity rate (None: no audit)."""
    if rate is None:
        return "non"
    if rate >= 100:
        return "totalement"
    if rate >= 50:
        return "partiellement"
    return "non"


@dataclass(frozen=True)
class Statement:
    """The accessibility statement's content, as the platform admin fills it."""

    entity: str = ""
    rate: float | None = None
    audit_date: date | None = None
    auditor: str = ""
    non_conformities: str = ""
    derogations: str = ""
    alternatives: str = ""
    not_subject: str = ""
    technologies: str = N_("HTML, CSS, JavaScript, SVG (graphiques)")
    tools: str = N_("axe-core (Deque) dans Chromium ; vérifications manuelles au clavier")
    pages: str = ""
    contact_email: str = ""
    contact_url: str = ""
    plan: str = ""
    plan_years: str = ""
    year_actions: str = ""
    updated_on: date | None = None

    @property
    def conformity(self) -> Conformity:
        return conformity_of(self.rate)

    @property
    def mention(self) -> str:
        """« Accessibilité : partiellement conforme », for the footer."""
        return CONFORMITY_LABELS[self.conformity]

    @property
    def rate_label(self) -> str | None:
        """« 87,5 % » (decimal comma), or None without an audit."""
        if self.rate is None:
            return None
        return f"{format_number(self.rate)} %"


STATEMENT_TEXT_FIELDS = (
    "entity",
    "auditor",
    "non_conformities",
    "derogations",
    "alternatives",
    "not_subject",
    "technologies",
    "tools",
    "pages",
    "contact_email",
    "contact_url",
    "plan",
    "plan_years",
    "year_actions",
)
SINGLE_LINE = {"entity", "auditor", "contact_email", "contact_url", "plan_years"}
# The texts the application writes before the platform admin does: shown in the page's language.
DEFAULT_TEXTS = frozenset({Statement.technologies, Statement.tools})


def statement_problems(values: dict[str, Any]) -> dict[str, Phrase]:
    """What is wrong with the statement's values, by field (empty: nothing)."""
    problems: dict[str, Phrase] = {}
    rate = values.get("rate")
    if rate is not None and not 0 <= rate <= 100:
        problems["rate"] = said(N_("Le taux de conformité est un pourcentage entre 0 et 100."))
    if rate is not None and values.get("audit_date") is None:
        problems["audit_date"] = said(N_("Indiquez la date de l'audit qui a donné ce taux."))
    audit_date = values.get("audit_date")
    today = values.get("today")
    if audit_date is not None and today is not None and audit_date > today:
        problems["audit_date"] = said(N_("La date de l'audit ne peut pas être dans le futur."))
    for name in STATEMENT_TEXT_FIELDS:
        text = values.get(name) or ""
        limit = LINE_MAX if name in SINGLE_LINE else TEXT_MAX
        if len(text) > limit:
            problems[name] = said(N_("%(limit)s caractères au plus."), limit=str(limit))
        elif name in SINGLE_LINE and ("\n" in text or "\r" in text):
            problems[name] = said(N_("Une seule ligne."))
    url = values.get("contact_url") or ""
    if url and not url.startswith(("https://", "http://")):
        problems["contact_url"] = said(N_("Une adresse web commence par https:// ou http://."))
    if not (values.get("contact_email") or url):
        problems["contact_email"] = said(
            N_(
                "Donnez au moins un moyen de contact (adresse électronique ou formulaire) : "
                "la déclaration doit permettre de signaler un défaut d'accessibilité."
            )
        )
    return problems


# What ASSETT processes: one description, read by the privacy page and the register.


@dataclass(frozen=True)
class Purpose:
    """A purpose of the processing, its legal basis, data, people and retention."""

    name: Phrase
    basis: Phrase
    data: Phrase
    people: Phrase
    recipients: Phrase
    retention: Phrase


PROCONNECT_DATA = said(
    N_(
        " ; avec ProConnect : l'identifiant de la personne chez ProConnect (émetteur et "
        "sujet), le SIRET transmis, seulement pour proposer l'organisation (non conservé)"
    )
)


def purposes(account_days: int, notice_days: int, proconnect: bool = False) -> list[Purpose]:
    """The processing's purposes, with the installation's retention periods."""
    years = format_number(account_days / 365)
    nothing = Phrase()
    return [
        Purpose(
            name=said(N_("Comptes et connexion")),
            basis=said(N_("Mission d'intérêt public de la collectivité (RGPD, art. 6.1.e)")),
            data=said(
                N_(
                    "Adresse électronique, nom affiché, mot de passe chiffré (argon2), langue "
                    "choisie (les courriels du compte sont écrits dans cette langue), dates de "
                    "connexion, sessions (navigateur, dernière activité)"
                )
            )
            + (PROCONNECT_DATA if proconnect else nothing),
            people=said(N_("Personnes qui créent un compte")),
            recipients=said(N_("Administrateurs de la plateforme ; aucun tiers"))
            + (
                said(N_(" ; source : ProConnect (État), à la connexion")) if proconnect else nothing
            ),
            retention=said(
                N_(
                    "Tant que le compte est actif ; après %(years)s an(s) sans connexion, un "
                    "courriel prévient la personne, puis le compte est supprimé %(days)s jours "
                    "plus tard si elle ne s'est pas reconnectée"
                ),
                years=years,
                days=str(notice_days),
            ),
        ),
        Purpose(
            name=said(N_("Auto-évaluations, plans d'action et flux des organisations")),
            basis=said(N_("Mission d'intérêt public ; consentement pour le partage des résultats")),
            data=said(
                N_(
                    "Profil de l'organisation (SIRET, secteur, effectif, commune), réponses, "
                    "scores, plans d'action et preuves, flux de matières déclarés"
                )
            ),
            people=said(N_("Membres des organisations")),
            recipients=said(
                N_(
                    "Membres de l'organisation ; animateurs du territoire selon le choix de "
                    "partage de l'organisation ; chiffres agrégés (jamais sous 5 organisations)"
                )
            ),
            retention=said(
                N_(
                    "Tant que l'organisation existe ; supprimés avec elle (export possible à "
                    "tout moment)"
                )
            ),
        ),
        Purpose(
            name=said(N_("Courriels de service et rappels")),
            basis=said(N_("Mission d'intérêt public ; chaque rappel peut être refusé")),
            data=said(N_("Adresse électronique, préférences de notification, journal des envois")),
            people=said(N_("Titulaires d'un compte")),
            recipients=said(N_("Serveur de courriel de l'installation")),
            retention=said(
                N_(
                    "Adresse et contenu effacés de la file dès l'envoi ; journal des rappels "
                    "90 jours"
                )
            ),
        ),
        Purpose(
            name=said(N_("Sécurité")),
            basis=said(N_("Obligation de sécurité (RGPD, art. 32)")),
            data=said(N_("Tentatives de connexion (compteurs par adresse IP et par compte)")),
            people=said(N_("Visiteurs qui se connectent")),
            recipients=said(N_("Administrateurs de la plateforme")),
            retention=said(N_("Quelques minutes à une heure (compteurs de limitation)")),
        ),
    ]


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: Phrase
    lifetime: Phrase


def cookies(
    session_cookie: str,
    idle_hours: float,
    proconnect: bool = False,
    language_cookie: str = "langue",
    language_days: int = 365,
) -> list[Cookie]:
    """The only cookies the app sets (no third-party cookie, no tracker)."""
    also = said(
        N_(
            " ; avec ProConnect, les valeurs qui vérifient la connexion (state, nonce, PKCE) et "
            "le jeton d'identité qui permet de se déconnecter aussi de ProConnect"
        )
    )
    return [
        Cookie(
            session_cookie,
            said(N_("Garder la connexion ouverte et protéger les formulaires (jeton CSRF)"))
            + (also if proconnect else Phrase()),
            said(
                N_("Fin de la session ou %(hours)s h d'inactivité"), hours=format_number(idle_hours)
            ),
        ),
        Cookie(
            language_cookie,
            said(N_("Garder la langue choisie (français ou anglais)")),
            said(N_("1 an"))
            if language_days == 365
            else said(N_("%(days)s jours"), days=str(language_days)),
        ),
    ]


@dataclass(frozen=True)
class Controller:
    """Who is responsible for the processing, as the platform admin fills it."""

    name: str = ""
    address: str = ""
    dpo: str = ""
    host: str = ""


def register_markdown(
    controller: Controller, found: list[Purpose], measures: list[str], today: date
) -> str:
    """The processing register's entry for ASSETT (RGPD, art. 30), as a Markdown document."""
    missing = "à compléter par l'administrateur de la plateforme"
    lines = [
        "# Registre des activités de traitement — fiche ASSETT",
        "",
        f"Fiche générée le {today.strftime('%d/%m/%Y')} par l'application.",
        "",
        "## Responsable du traitement",
        "",
        f"- Organisme : {controller.name or missing}",
        f"- Adresse : {controller.address or missing}",
        f"- Délégué à la protection des données : {controller.dpo or missing}",
        f"- Hébergement : {controller.host or missing}",
        "",
        "## Traitement : plateforme ASSETT d'auto-évaluation de la transition écologique",
        "",
        "Finalité générale : permettre aux organisations du territoire d'évaluer leur maturité "
        "en matière de transition écologique, de suivre leurs actions et de coopérer, et à la "
        "collectivité d'animer ce réseau à partir de chiffres agrégés.",
        "",
        "Transferts hors de l'Union européenne : aucun. Décision automatisée : aucune.",
        "",
    ]
    for purpose in found:
        lines += [
            f"### {purpose.name}",
            "",
            f"- Base légale : {purpose.basis}",
            f"- Personnes concernées : {purpose.people}",
            f"- Données : {purpose.data}",
            f"- Destinataires : {purpose.recipients}",
            f"- Durée de conservation : {purpose.retention}",
            "",
        ]
    lines += ["## Mesures de sécurité", ""]
    lines += [f"- {measure}" for measure in measures]
    return "\n".join(lines) + "\n"


SECURITY_MEASURES = [
    "Mots de passe chiffrés avec argon2 ; sessions enregistrées côté serveur, fermées à la "
    "déconnexion",
    "Limitation des tentatives de connexion par adresse IP et par compte",
    "En-têtes de sécurité (CSP sans script tiers, HSTS derrière HTTPS, cookies Secure, "
    "HttpOnly, SameSite)",
    "Aucune ressource externe chargée par les pages (ni CDN, ni traceur, ni police distante)",
    "Chiffres agrégés jamais montrés sous 5 organisations, ni ce qu'une soustraction révélerait",
    "Export et suppression des données d'une organisation et d'un compte par leurs titulaires",
]
