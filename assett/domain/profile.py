"""An organisation's profile as the questionnaires see it, and French identifiers."""

import re
from dataclasses import dataclass
from typing import Final

from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret as stdnum_siret

from .text import N_, Message


@dataclass(frozen=True)
class Profile:
    """What `applies_if` conditions look at; None means the organisation did not say."""

    legal_type: str | None = None
    naf_section: str | None = None
    headcount_min: int | None = None
    has_vehicles: bool | None = None


LEGAL_TYPES: Final[dict[str, str]] = {
    "entreprise": N_("Entreprise"),
    "association": N_("Association"),
    "etablissement_public": N_("Établissement public"),
    "autre": N_("Autre"),
}

# INSEE "tranche d'effectifs salariés" code -> (label, lower bound of the bracket).
HEADCOUNT_BRACKETS: Final[dict[str, tuple[str, int]]] = {
    "NN": (N_("Unités non employeuses"), 0),
    "00": (N_("0 salarié"), 0),
    "01": (N_("1 ou 2 salariés"), 1),
    "02": (N_("3 à 5 salariés"), 3),
    "03": (N_("6 à 9 salariés"), 6),
    "11": (N_("10 à 19 salariés"), 10),
    "12": (N_("20 à 49 salariés"), 20),
    "21": (N_("50 à 99 salariés"), 50),
    "22": (N_("100 à 199 salariés"), 100),
    "31": (N_("200 à 249 salariés"), 200),
    "32": (N_("250 à 499 salariés"), 250),
    "41": (N_("500 à 999 salariés"), 500),
    "42": (N_("1 000 à 1 999 salariés"), 1000),
    "51": (N_("2 000 à 4 999 salariés"), 2000),
    "52": (N_("5 000 à 9 999 salariés"), 5000),
    "53": (N_("10 000 salariés et plus"), 10000),
}

# Stored with an organisation's code (organisation.naf_version), in French.
NAF_VERSION: Final = "NAF rév. 2"
# The same, named in a sentence: translated on a page (« NAF rev. 2 » in English).
NAF_VERSION_SAID: Final = Message(N_("NAF rév. 2"))

NAF_SECTIONS: Final[dict[str, str]] = {
    "A": N_("Agriculture, sylviculture et pêche"),
    "B": N_("Industries extractives"),
    "C": N_("Industrie manufacturière"),
    "D": N_("Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné"),
    "E": N_(
        "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution"
    ),
    "F": N_("Construction"),
    "G": N_("Commerce ; réparation d'automobiles et de motocycles"),
    "H": N_("Transports et entreposage"),
    "I": N_("Hébergement et restauration"),
    "J": N_("Information et communication"),
    "K": N_("Activités financières et d'assurance"),
    "L": N_("Activités immobilières"),
    "M": N_("Activités spécialisées, scientifiques et techniques"),
    "N": N_("Activités de services administratifs et de soutien"),
    "O": N_("Administration publique"),
    "P": N_("Enseignement"),
    "Q": N_("Santé humaine et action sociale"),
    "R": N_("Arts, spectacles et activités récréatives"),
    "S": N_("Autres activités de services"),
    "T": N_(
        "Activités des ménages en tant qu'employeurs ; activités indifférenciées "
        "des ménages en tant que producteurs de biens et services pour usage propre"
    ),
    "U": N_("Activités extra-territoriales"),
}

# (first division, last division, section) of NAF rév. 2.
_NAF_DIVISIONS: Final = (
    (1, 3, "A"),
    (5, 9, "B"),
    (10, 33, "C"),
    (35, 35, "D"),
    (36, 39, "E"),
    (41, 43, "F"),
    (45, 47, "G"),
    (49, 53, "H"),
    (55, 56, "I"),
    (58, 63, "J"),
    (64, 66, "K"),
    (68, 68, "L"),
    (69, 75, "M"),
    (77, 82, "N"),
    (84, 84, "O"),
    (85, 85, "P"),
    (86, 88, "Q"),
    (90, 93, "R"),
    (94, 96, "S"),
    (97, 98, "T"),
    (99, 99, "U"),
)

_NAF_CODE = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")
_POSTCODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-578])\d{3}$")


def normalise_naf(code: str) -> str:
    """Return a NAF rév. 2 code written as "10.71C"; raise ValueError if malformed."""
    match = _NAF_CODE.match(re.sub(r"\s", "", code).upper())
    if match is None:
        raise ValueError(
            Message(
                N_(
                    "Le code NAF « %(code)s » n'est pas au format %(version)s (par exemple 10.71C)."
                ),
                code=code,
                version=NAF_VERSION_SAID,
            )
        )
    division, group, letter = match.groups()
    return f"{division}.{group}{letter}"


def naf_section_for(code: str) -> str:
    """Return the section letter (A to U) of a NAF rév. 2 code such as "10.71C"."""
    normalised = normalise_naf(code)
    division = int(normalised[:2])
    for first, last, section in _NAF_DIVISIONS:
        if first <= division <= last:
            return section
    raise ValueError(
        Message(
            N_(
                "Le code NAF « %(code)s » n'existe pas : la division %(division)s "
                "n'appartient à aucune section de la %(version)s."
            ),
            code=code,
            division=normalised[:2],
            version=NAF_VERSION_SAID,
        )
    )


def validate_siret(value: str) -> str:
    """Return the SIRET as 14 digits; raise ValueError with a French message if invalid."""
    number = re.sub(r"[\s.]", "", value)
    if not (len(number) == 14 and number.isascii() and number.isdigit()):
        raise ValueError(Message(N_("Le SIRET doit comporter 14 chiffres.")))
    try:
        stdnum_siret.validate(number)
    except stdnum_errors.ValidationError as error:
        raise ValueError(Message(N_("Le SIRET n'est pas valide (clé de contrôle)."))) from error
    return number


def validate_postcode(value: str) -> str:
    """Return a French postcode (5 digits, overseas 97xxx/98xxx included) or raise ValueError."""
    postcode = value.strip()
    if not (len(postcode) == 5 and postcode.isascii() and postcode.isdigit()):
        raise ValueError(Message(N_("Le code postal doit comporter 5 chiffres.")))
    if _POSTCODE.match(postcode) is None:
        raise ValueError(
            Message(N_("Le code postal « %(postcode)s » n'existe pas."), postcode=postcode)
        )
    return postcode
