"""Who the synthetic organisations are: legal types, NAF codes, headcounts, communes, names."""

from __future__ import annotations

import bisect
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stdnum import luhn

from assett.domain.profile import HEADCOUNT_BRACKETS, Profile, naf_section_for

SHARING = {"private": 40, "animators": 40, "public": 20}
LEGAL_TYPES = {"entreprise": 72, "association": 16, "etablissement_public": 7, "autre": 5}
HEADCOUNTS = {
    "NN": 5, "00": 14, "01": 15, "02": 13, "03": 10, "11": 12, "12": 12, "21": 7,
    "22": 5, "31": 2, "32": 2, "41": 1, "42": 0.5, "51": 0.3, "52": 0.1, "53": 0.1,
}  # fmt: skip
# NAF rév. 2 section: (weight among companies, codes).
NAF_CODES: dict[str, tuple[int, tuple[str, ...]]] = {
    "A": (3, ("01.11Z", "01.13Z", "01.41Z", "02.20Z")),
    "B": (1, ("08.12Z",)),
    "C": (16, ("10.71C", "10.51C", "11.05Z", "16.23Z", "18.12Z", "22.29A", "25.62B")),
    "D": (1, ("35.11Z",)),
    "E": (2, ("36.00Z", "38.11Z", "38.32Z")),
    "F": (13, ("41.20A", "43.21A", "43.22A", "43.32A", "43.99C")),
    "G": (17, ("45.20A", "46.21Z", "46.90Z", "47.11D", "47.24Z", "47.61Z")),
    "H": (5, ("49.32Z", "49.41A", "52.29A")),
    "I": (8, ("55.10Z", "56.10A", "56.30Z")),
    "J": (4, ("58.11Z", "62.01Z", "63.11Z")),
    "K": (2, ("64.19Z", "66.22Z")),
    "L": (2, ("68.20A", "68.31Z")),
    "M": (11, ("69.20Z", "70.22Z", "71.12B", "73.11Z", "75.00Z")),
    "N": (5, ("77.11A", "78.10Z", "81.22Z", "81.30Z")),
    "O": (0, ("84.11Z",)),
    "P": (1, ("85.31Z", "85.59A")),
    "Q": (3, ("86.10Z", "86.21Z", "87.10A", "88.99B")),
    "R": (2, ("90.04Z", "91.02Z", "93.12Z")),
    "S": (4, ("94.99Z", "95.11Z", "96.02A")),
}
SECTIONS_BY_LEGAL_TYPE: dict[str, dict[str, int]] = {
    "entreprise": {section: weight for section, (weight, _) in NAF_CODES.items() if weight},
    "association": {"S": 10, "R": 4, "Q": 3, "P": 2, "E": 1},
    "etablissement_public": {"O": 5, "P": 3, "Q": 3, "E": 2, "R": 1, "H": 1},
    "autre": {"A": 3, "G": 2, "S": 2, "M": 1},
}
ACTIVITIES = {
    "A": "Ferme|GAEC|Pépinière", "B": "Carrière", "C": "Boulangerie|Menuiserie|Brasserie",
    "D": "Centrale solaire", "E": "Ressourcerie|Recyclage", "F": "Bâtiment|Plomberie|Charpente",
    "G": "Garage|Librairie|Épicerie|Négoce", "H": "Transports|Logistique", "I": "Hôtel|Restaurant",
    "J": "Studio web|Éditions", "K": "Assurances|Banque", "L": "Agence immobilière",
    "M": "Bureau d'études|Cabinet comptable", "N": "Nettoyage|Paysages", "O": "Mairie|SIVOM",
    "P": "Collège|Centre de formation", "Q": "Cabinet médical|EHPAD", "R": "Théâtre|Club sportif",
    "S": "Association|Atelier de réparation", None: "Association|Collectif",
}  # fmt: skip
SURNAMES = (
    "Durand Martin Bernard Lefebvre Leroy Moreau Petit Roux Fournier Girard Lambert Bonnet "
    "Mercier Dupont Lemaire Faure Rousseau Blanc Guérin Muller Henry Roussel Perrin Morin"
).split()
# The Rouen area, as in the demo territory: (postcode, commune) -> weight.
COMMUNES = {
    ("76000", "Rouen"): 20, ("76100", "Rouen"): 10, ("76130", "Mont-Saint-Aignan"): 5,
    ("76800", "Saint-Étienne-du-Rouvray"): 5, ("76120", "Le Grand-Quevilly"): 4,
    ("76140", "Le Petit-Quevilly"): 4, ("76300", "Sotteville-lès-Rouen"): 5,
    ("76230", "Bois-Guillaume"): 4, ("76410", "Cléon"): 2, ("76380", "Canteleu"): 3,
    ("76160", "Darnétal"): 3, ("76500", "Elbeuf"): 4, ("76150", "Maromme"): 3,
    ("76360", "Barentin"): 3, ("76420", "Bihorel"): 2, ("76350", "Oissel"): 2,
}  # fmt: skip


class Weighted:
    """Draws keys in proportion to their weights."""

    def __init__(self, weights: Mapping[Any, float]) -> None:
        self.keys = list(weights)
        self.cumulative: list[float] = []
        total = 0.0
        for key in self.keys:
            total += weights[key]
            self.cumulative.append(total)

    def draw(self, rng: random.Random) -> Any:
        """One key."""
        point = rng.random() * self.cumulative[-1]
        return self.keys[bisect.bisect_right(self.cumulative, point)]


LEGAL = Weighted(LEGAL_TYPES)
SECTIONS = {legal: Weighted(weights) for legal, weights in SECTIONS_BY_LEGAL_TYPE.items()}
HEADCOUNT = Weighted(HEADCOUNTS)
PLACES = Weighted(COMMUNES)
SHARINGS = Weighted(SHARING)


@dataclass(frozen=True)
class Identity:
    """An organisation's row values, and the profile questionnaires see."""

    name: str
    siret: str | None
    legal_type: str
    naf_code: str | None
    naf_section: str | None
    headcount_code: str | None
    postcode: str
    commune: str
    has_vehicles: bool
    profile: Profile


def siret(number: int) -> str:
    """A valid SIRET (SIREN and SIRET Luhn keys) made from a counter."""
    siren8 = f"{(41_000_000 + number * 7919) % 100_000_000:08d}"
    if siren8 == "35600000":  # La Poste's SIREN follows another rule
        siren8 = "35600001"
    body = siren8 + luhn.calc_check_digit(siren8) + f"{(number % 9000) + 10:04d}"
    return body + luhn.calc_check_digit(body)


def identity(rng: random.Random, serial: int, showcase: bool) -> Identity:
    """A plausible organisation of the territory; the showcase is a small company."""
    legal_type = "entreprise" if showcase else LEGAL.draw(rng)
    section = SECTIONS[legal_type].draw(rng)
    naf_code: str | None = rng.choice(NAF_CODES[section][1])
    if legal_type == "association" and rng.random() < 0.3:
        naf_code = None
    naf_section = naf_section_for(naf_code) if naf_code else None
    headcount = "11" if showcase else (HEADCOUNT.draw(rng) if rng.random() > 0.02 else None)
    postcode, commune = PLACES.draw(rng)
    has_vehicles = rng.random() < 0.6
    activity = rng.choice(ACTIVITIES[naf_section].split("|"))
    with_siret = legal_type == "entreprise" or (legal_type != "association" and rng.random() < 0.5)
    bracket = HEADCOUNT_BRACKETS.get(headcount or "")
    return Identity(
        name=f"{activity} {rng.choice(SURNAMES)} {serial}",
        siret=siret(serial) if with_siret else None,
        legal_type=legal_type,
        naf_code=naf_code,
        naf_section=naf_section,
        headcount_code=headcount,
        postcode=postcode,
        commune=commune,
        has_vehicles=has_vehicles,
        profile=Profile(
            legal_type=legal_type,
            naf_section=naf_section,
            headcount_min=bracket[1] if bracket else None,
            has_vehicles=has_vehicles,
        ),
    )
