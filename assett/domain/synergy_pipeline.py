"""The synergy pipeline: kinds, stages and the rules of a stage change (pure)."""

from __future__ import annotations

from typing import Final

from .text import N_, Message

SYNERGY_KINDS: Final = ("substitution", "mutualisation")
KIND_LABELS: Final = {"substitution": N_("Substitution"), "mutualisation": N_("Mutualisation")}

# In order; « abandonnee » can be reached from any stage and left for any stage.
STAGES: Final = ("idee", "discussion", "etude", "mise_en_oeuvre", "active", "abandonnee")
STAGE_LABELS: Final = {
    "idee": N_("Idée"),
    "discussion": N_("Discussion"),
    "etude": N_("Étude"),
    "mise_en_oeuvre": N_("Mise en œuvre"),
    "active": N_("Active"),
    "abandonnee": N_("Abandonnée"),
}
# Benefits are estimated from « étude » on and measured once « active ».
ESTIMATED_FROM: Final = "etude"
MEASURED_AT: Final = "active"
# Stages whose next step is still reminded to the animators.
REMINDED_STAGES: Final = ("idee", "discussion", "etude", "mise_en_oeuvre", "active")

# A participant organisation's answer to « may we put you in touch? ».
CONTACT_ANSWERS: Final = ("pending", "accepted", "declined")
CONTACT_LABELS: Final = {
    "pending": N_("pas encore répondu"),
    "accepted": N_("accepte d'être mise en contact"),
    "declined": N_("refuse d'être mise en contact"),
}
ORIGINS: Final = ("suggestion", "manual")

TITLE_MAX: Final = 200
REASON_MAX: Final = 500
NOTE_MAX: Final = 5000
NEXT_STEP_MAX: Final = 500
MAX_PARTICIPANTS: Final = 50


class SynergyValueError(ValueError):
    """A value the pipeline refuses; `field` names the form field."""

    def __init__(self, message: Message, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _at_most(length: int) -> Message:
    return Message(N_("au plus %(n)s caractères"), n=length)


def check_stage_change(current: str, new: str, reason: str) -> str | None:
    """The reason to keep (None unless abandoned); SynergyValueError if the move is refused."""
    if new not in STAGES:
        raise SynergyValueError(Message(N_("étape inconnue")), "stage")
    if new == current:
        raise SynergyValueError(Message(N_("la synergie est déjà à cette étape")), "stage")
    reason = reason.strip()
    if new == "abandonnee":
        if not reason:
            said = Message(N_("dites pourquoi la synergie est abandonnée"))
            raise SynergyValueError(said, "reason")
        if len(reason) > REASON_MAX:
            raise SynergyValueError(_at_most(REASON_MAX), "reason")
        return reason
    return None


def check_title(title: str) -> str:
    """A title stripped; SynergyValueError if empty or too long."""
    title = " ".join(title.split())
    if not title:
        raise SynergyValueError(Message(N_("donnez un intitulé à la synergie")), "title")
    if len(title) > TITLE_MAX:
        raise SynergyValueError(_at_most(TITLE_MAX), "title")
    return title


def check_participants(organisation_ids: list[int], lead_id: int | None, kind: str) -> None:
    """Two organisations at least (a synergy links organisations), the lead among them."""
    if kind not in SYNERGY_KINDS:
        said = Message(N_("choisissez substitution ou mutualisation"))
        raise SynergyValueError(said, "kind")
    if len(set(organisation_ids)) < 2:
        said = Message(N_("choisissez au moins deux organisations"))
        raise SynergyValueError(said, "participants")
    if len(set(organisation_ids)) > MAX_PARTICIPANTS:
        said = Message(N_("au plus %(n)s organisations"), n=MAX_PARTICIPANTS)
        raise SynergyValueError(said, "participants")
    if lead_id is not None and lead_id not in organisation_ids:
        said = Message(N_("l'organisation pilote doit participer à la synergie"))
        raise SynergyValueError(said, "lead")


def benefits_phase(stage: str) -> str | None:
    """Which benefits the stage calls for: « estimated », « measured » or none yet."""
    if stage == MEASURED_AT:
        return "measured"
    if stage in ("etude", "mise_en_oeuvre"):
        return "estimated"
    return None
