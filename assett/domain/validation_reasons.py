"""What is wrong in a definition, said in plain French: pydantic's validation errors turned into
(location, reason) pairs, each reason a `Message` a page translates."""

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from assett.domain.definition_fields import PROBLEMS_ERROR, Loc, format_number
from assett.domain.text import N_, Message

# Plain French for the pydantic errors a definition author meets; %(name)s comes from the context.
_REASONS = {
    "missing": N_("champ obligatoire manquant"),
    "extra_forbidden": N_("champ inconnu"),
    "string_too_short": N_("ne doit pas être vide"),
    "string_pattern_mismatch": N_(
        "identifiant « %(input)s » invalide : lettres minuscules sans accent, chiffres, « _ » "
        "et « - » seulement, 63 caractères au plus, sans commencer par « _ » ou « - »"
    ),
    "float_type": N_("doit être un nombre"),
    "int_type": N_("doit être un nombre entier"),
    "bool_type": N_("doit valoir true ou false"),
    "list_type": N_("doit être une liste"),
    "model_type": N_("doit être un bloc « clé: valeur »"),
    "dict_type": N_("doit être un bloc « clé: valeur »"),
    "finite_number": N_("doit être un nombre fini"),
    "too_short": N_("doit contenir au moins %(min_length)s élément(s)"),
    "too_long": N_("%(max_length)s éléments au plus (%(actual_length)s ici)"),
    "string_too_long": N_("%(max_length)s caractères au plus (%(length)s ici)"),
    "greater_than": N_("doit être strictement supérieur à %(gt)s"),
    "greater_than_equal": N_("doit être supérieur ou égal à %(ge)s"),
    "less_than": N_("doit être strictement inférieur à %(lt)s"),
    "less_than_equal": N_("doit être inférieur ou égal à %(le)s"),
    "literal_error": N_("valeur « %(input)s » inconnue ; valeurs possibles : %(expected)s"),
}


def problems_of(error: ValidationError) -> Iterator[tuple[Loc, str]]:
    """Yield (location, French reason: a `Message` but for pydantic's rare own words) for each
    error, unpacking the grouped ones."""
    for detail in error.errors():
        if detail["type"] == PROBLEMS_ERROR:
            for sub_loc, message in detail.get("ctx", {})["problems"]:
                yield (*detail["loc"], *sub_loc), message
        else:
            yield detail["loc"], _reason(detail)


def _reason(detail: ErrorDetails) -> str:
    """Say what is wrong in plain French, keeping pydantic's text for rare errors."""
    kind = detail["type"]
    ctx: dict[str, Any] = detail.get("ctx", {})
    value = detail["input"]
    if kind == "value_error":
        said = ctx["error"].args[0] if ctx["error"].args else None
        return said if isinstance(said, Message) else str(ctx["error"])
    if kind.endswith("_type") and value is None:
        return Message(N_("valeur manquante"))
    if kind == "string_type":
        return _not_text(value)
    template = _REASONS.get(kind)
    if template is None:
        return detail["msg"]
    context = {name: _show(item) for name, item in ctx.items()}
    context["input"] = _show(value)
    if isinstance(value, str):
        context["length"] = format_number(len(value))
    expected = context.get("expected", "")
    if " or " in expected:
        first, last = expected.rsplit(" or ", 1)
        context["expected"] = Message(N_("%(first)s ou %(last)s"), first=first, last=last)
    return Message(template, **context)


def _not_text(value: object) -> Message:
    if isinstance(value, bool):
        return Message(
            N_(
                "doit être du texte, or YAML l'a lu comme un booléen (no, yes, on, off...) : "
                'écrivez la valeur entre guillemets, par exemple key: "no"'
            )
        )
    if isinstance(value, int | float):
        return Message(
            N_(
                "doit être du texte, or YAML l'a lu comme un nombre : "
                'écrivez la valeur entre guillemets, par exemple key: "010"'
            )
        )
    return Message(N_("doit être du texte"))


def _show(value: object) -> str:
    """Show a value as written in YAML: true, 2,5, texte."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    text = str(value)
    # A message quotes a value, never a whole file's worth of it.
    return text if len(text) <= 60 else text[:59] + "…"
