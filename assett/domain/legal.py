"""Public-sector obligations: the accessibility statement (RGAA 4.1) and the processing register.

Plain data in, checked data and documents out. The statement's conformity follows the RGAA
rule from the audit's rate (100 % « totalement », 50 % and more « partiellement », below
« non conforme »; no audit means « non conforme »). The processing register entry and the
privacy page are written from one description of what ASSETT processes (PROCESSING), so that
the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from .definitions import format_number

Conformity = Literal["totalement", "partiellement", "non"]
CONFORMITY_LABELS: dict[str, str] = {
    "totalement": "totalement conforme",
    "partiellement": "partiellement conforme",
    "non": "non conforme",
}
TEXT_MAX = 5000
LINE_MAX = 200


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
    technologies: str = "HTML, CSS, JavaScript, SVG (graphiques)"
    tools: str = "axe-core (Deque) dans Chromium ; vérifications manuelles au clavier"
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


def statement_problems(values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with the statement's values, by field (empty: nothing)."""
    problems: dict[str, str] = {}
    rate = values.get("rate")
    if rate is not None and not 0 <= rate <= 100:
        problems["rate"] = "Le taux de conformité est un pourcentage entre 0 et 100."
    if rate is not None and values.get("audit_date") is None:
        problems["audit_date"] = "Indiquez la date de l'audit qui a donné ce taux."
    audit_date = values.get("audit_date")
    today = values.get("today")
    if audit_date is not None and today is not None and audit_date > today:
        problems["audit_date"] = "La date de l'audit ne peut pas être dans le futur."
    for name in STATEMENT_TEXT_FIELDS:
        text = values.get(name) or ""
        limit = LINE_MAX if name in SINGLE_LINE else TEXT_MAX
        if len(text) > limit:
            problems[name] = f"{limit} caractères au plus."
        elif name in SINGLE_LINE and ("\n" in text or "\r" in text):
            problems[name] = "Une seule ligne."
    url = values.get("contact_url") or ""
    if url and not url.startswith(("https://", "http://")):
        problems["contact_url"] = "Une adresse web commence par https:// ou http://."
    if not (values.get("contact_email") or url):
        problems["contact_email"] = (
            "Donnez au moins un moyen de contact (adresse électronique ou formulaire) : "
            "la déclaration doit permettre de signaler un défaut d'accessibilité."
        )
    return problems


# What ASSETT processes: one description, read by the privacy page and the register.


@dataclass(frozen=True)
class Purpose:
    """A purpose of the processing, its legal basis, data, people and retention."""

    name: str
    basis: str
    data: str
    people: str
    recipients: str
    retention: str


PROCONNECT_DATA = (
    " ; avec ProConnect : l'identifiant de la personne chez ProConnect (émetteur et "
    "sujet), le SIRET transmis, seulement pour proposer l'organisation (non conservé)"
)


def purposes(account_days: int, notice_days: int, proconnect: bool = False) -> list[Purpose]:
    """The processing's purposes, with the installation's retention periods."""
    years = format_number(account_days / 365)
    return [
        Purpose(
            name="Comptes et connexion",
            basis="Mission d'intérêt public de la collectivité (RGPD, art. 6.1.e)",
            data="Adresse électronique, nom affiché, mot de passe chiffré (argon2), dates de "
            "connexion, sessions (navigateur, dernière activité)"
            + (PROCONNECT_DATA if proconnect else ""),
            people="Personnes qui créent un compte",
            recipients="Administrateurs de la plateforme ; aucun tiers"
            + (" ; source : ProConnect (État), à la connexion" if proconnect else ""),
            retention=f"Tant que le compte est actif ; après {years} an(s) sans connexion, un "
            f"courriel prévient la personne, puis le compte est supprimé {notice_days} jours "
            "plus tard si elle ne s'est pas reconnectée",
        ),
        Purpose(
            name="Auto-évaluations, plans d'action et flux des organisations",
            basis="Mission d'intérêt public ; consentement pour le partage des résultats",
            data="Profil de l'organisation (SIRET, secteur, effectif, commune), réponses, "
            "scores, plans d'action et preuves, flux de matières déclarés",
            people="Membres des organisations",
            recipients="Membres de l'organisation ; animateurs du territoire selon le choix "
            "de partage de l'organisation ; chiffres agrégés (jamais sous 5 organisations)",
            retention="Tant que l'organisation existe ; supprimés avec elle (export possible "
            "à tout moment)",
        ),
        Purpose(
            name="Courriels de service et rappels",
            basis="Mission d'intérêt public ; chaque rappel peut être refusé",
            data="Adresse électronique, préférences de notification, journal des envois",
            people="Titulaires d'un compte",
            recipients="Serveur de courriel de l'installation",
            retention="Adresse et contenu effacés de la file dès l'envoi ; journal des "
            "rappels 90 jours",
        ),
        Purpose(
            name="Sécurité",
            basis="Obligation de sécurité (RGPD, art. 32)",
            data="Tentatives de connexion (compteurs par adresse IP et par compte)",
            people="Visiteurs qui se connectent",
            recipients="Administrateurs de la plateforme",
            retention="Quelques minutes à une heure (compteurs de limitation)",
        ),
    ]


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str


def cookies(session_cookie: str, idle_hours: float, proconnect: bool = False) -> list[Cookie]:
    """The only cookies the app sets (no third-party cookie, no tracker)."""
    also = (
        " ; avec ProConnect, les valeurs qui vérifient la connexion (state, nonce, PKCE) et "
        "le jeton d'identité qui permet de se déconnecter aussi de ProConnect"
    )
    return [
        Cookie(
            session_cookie,
            "Garder la connexion ouverte et protéger les formulaires (jeton CSRF)"
            + (also if proconnect else ""),
            f"Fin de la session ou {format_number(idle_hours)} h d'inactivité",
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
