"""Reference data of the synergies: list of waste, commune centres, taxonomy, compatibilities.

Files in assett/data/ (built by scripts/build_synergy_data.py or written for the project;
sources in assett/data/SOURCES.md), read once per process. The YAML files are validated
strictly: every error is reported at once, naming the entry and the reason.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .content_language import LocalText, choose

WASTE_CODE = re.compile(r"^\d{2} \d{2} \d{2}$")
TAXONOMY_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


class ReferenceDataError(ValueError):
    """A reference file that does not validate; `errors` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class WasteCode:
    code: str
    label: str
    chapter: str
    hazardous: bool


@dataclass(frozen=True)
class TaxonomyItem:
    code: str
    label: str
    group: str
    mutualisation: bool
    label_en: str | None = None  # the English label, if the taxonomy gives one


@dataclass(frozen=True)
class Taxonomy:
    groups: Mapping[str, str]  # key → label
    items: Mapping[str, TaxonomyItem]
    groups_en: Mapping[str, str] = field(default_factory=dict)  # key → English label, if given


@dataclass(frozen=True)
class Link:
    offer: str  # a category key: « dechet:15 01 03 » or « flux:energie.combustible.bois »
    need: str
    fit: float
    why: str
    why_en: str | None = None  # « en: {why: …} », the English of `why`


@dataclass(frozen=True)
class Compatibility:
    links: tuple[Link, ...]
    by_offer: Mapping[str, tuple[Link, ...]] = field(default_factory=dict)


def _text(filename: str) -> str:
    return resources.files("assett").joinpath(f"data/{filename}").read_text("utf-8")


def folded(text: str) -> str:
    """Lower case, no accents: what a search compares."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


@cache
def waste_codes() -> dict[str, WasteCode]:
    """The 842 codes of the list of waste, by code (« 15 01 03 »)."""
    rows = csv.DictReader(_text("waste-codes.csv").splitlines())
    return {
        row["code"]: WasteCode(row["code"], row["label"], row["chapter"], row["hazardous"] == "1")
        for row in rows
    }


def parse_waste_keywords(
    text: str, waste: Mapping[str, WasteCode], source: str = "waste-keywords.yaml"
) -> dict[str, tuple[str, ...]]:
    """Everyday words by waste code, validated; ReferenceDataError lists every problem."""
    errors: list[str] = []
    root = _mapping(yaml.safe_load(text), source, errors)
    _known_keys(root, {"version", "keywords"}, source, errors)
    if root.get("version") != 1:
        errors.append(f"{source} : version 1 attendue")
    keywords = _mapping(root.get("keywords"), f"{source} : keywords", errors)
    found: dict[str, tuple[str, ...]] = {}
    for code, words in keywords.items():
        where = f"{source} : keywords.{code}"
        if code not in waste:
            errors.append(f"{where} : code déchet « {code} » inconnu")
        elif not isinstance(words, list) or not all(
            isinstance(w, str) and w.strip() for w in words
        ):
            errors.append(f"{where} : une liste de mots est attendue")
        else:
            found[code] = tuple(folded(word) for word in words)
    if errors:
        raise ReferenceDataError(errors)
    return found


@cache
def waste_keywords() -> dict[str, tuple[str, ...]]:
    """The shipped everyday words of the commonest waste codes."""
    return parse_waste_keywords(_text("waste-keywords.yaml"), waste_codes())


def search_waste(query: str, limit: int = 50) -> list[WasteCode]:
    """Codes starting with the query, or whose label or everyday words hold all its words."""
    wanted = folded(query)
    if not wanted:
        return []
    compact = wanted.replace(" ", "")
    keywords = waste_keywords()
    found = []
    for waste in waste_codes().values():
        if compact.isdigit():
            if waste.code.replace(" ", "").startswith(compact):
                found.append(waste)
            continue
        words = folded(waste.label) + " " + " ".join(keywords.get(waste.code, ()))
        if all(word in words for word in wanted.split()):
            found.append(waste)
        if len(found) >= limit:
            break
    return found


@cache
def commune_coordinates() -> dict[str, tuple[float, float]]:
    """The centre (latitude, longitude) of every commune, by INSEE code."""
    rows = csv.DictReader(_text("commune-coordinates.csv").splitlines())
    return {row["code_insee"]: (float(row["lat"]), float(row["lon"])) for row in rows}


def _mapping(value: Any, where: str, errors: list[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        errors.append(f"{where} : un bloc « clé: valeur » est attendu")
        return {}
    return value


def _known_keys(data: dict[str, Any], allowed: set[str], where: str, errors: list[str]) -> None:
    for key in sorted(set(map(str, data)) - allowed):
        errors.append(f"{where} : clé « {key} » inconnue")


def parse_taxonomy(text: str, source: str = "flow-taxonomy.yaml") -> Taxonomy:
    """Parse and validate a taxonomy; ReferenceDataError lists every problem."""
    errors: list[str] = []
    root = _mapping(yaml.safe_load(text), source, errors)
    _known_keys(root, {"version", "groups"}, source, errors)
    if root.get("version") != 1:
        errors.append(f"{source} : version 1 attendue")
    groups: dict[str, str] = {}
    groups_en: dict[str, str] = {}
    items: dict[str, TaxonomyItem] = {}
    raw_groups = root.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        errors.append(f"{source} : groups doit être une liste non vide")
        raw_groups = []
    for g_index, raw in enumerate(raw_groups):
        where = f"{source} : groups[{g_index}]"
        group = _mapping(raw, where, errors)
        _known_keys(group, {"key", "label", "en", "mutualisation", "items"}, where, errors)
        key, label = group.get("key"), group.get("label")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            errors.append(f"{where}.key : une clé en minuscules est attendue")
            continue
        if key in groups:
            errors.append(f"{where}.key : le groupe « {key} » est en double")
        if not isinstance(label, str) or not label.strip():
            errors.append(f"{where}.label : un libellé est attendu")
        mutualisation = group.get("mutualisation", False)
        if not isinstance(mutualisation, bool):
            errors.append(f"{where}.mutualisation : true ou false attendu")
        groups[key] = str(label)
        english = _english(group, where, errors)
        if english:
            groups_en[key] = english
        raw_items = group.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            errors.append(f"{where}.items : une liste non vide est attendue")
            continue
        for i_index, raw_item in enumerate(raw_items):
            item_where = f"{where}.items[{i_index}]"
            item = _mapping(raw_item, item_where, errors)
            _known_keys(item, {"code", "label", "en"}, item_where, errors)
            code, item_label = item.get("code"), item.get("label")
            if not isinstance(code, str) or not TAXONOMY_CODE.match(code):
                errors.append(f"{item_where}.code : « famille.élément » en minuscules attendu")
                continue
            if not code.startswith(key + "."):
                errors.append(f"{item_where}.code : « {code} » doit commencer par « {key}. »")
            if code in items:
                errors.append(f"{item_where}.code : « {code} » est en double")
            if not isinstance(item_label, str) or not item_label.strip():
                errors.append(f"{item_where}.label : un libellé est attendu")
            english = _english(item, item_where, errors)
            items[code] = TaxonomyItem(code, str(item_label), key, mutualisation is True, english)
    if errors:
        raise ReferenceDataError(errors)
    return Taxonomy(groups, items, groups_en)


def _english(entry: dict[str, Any], where: str, errors: list[str]) -> str | None:
    """The optional English label (`en:`) of a group or an item."""
    english = entry.get("en")
    if english is None:
        return None
    if not isinstance(english, str) or not english.strip():
        errors.append(f"{where}.en : un libellé anglais non vide est attendu")
        return None
    return english


def _category_known(key: Any, waste: Mapping[str, WasteCode], taxonomy: Taxonomy) -> str | None:
    """Why a category key is refused, or None if it names a known code."""
    if not isinstance(key, str) or ":" not in key:
        return "« dechet:NN NN NN » ou « flux:code » attendu"
    prefix, code = key.split(":", 1)
    if prefix == "dechet":
        return None if code in waste else f"code déchet « {code} » inconnu"
    if prefix == "flux":
        return None if code in taxonomy.items else f"flux « {code} » absent de la taxonomie"
    return f"préfixe « {prefix} » inconnu (dechet ou flux)"


def parse_compatibility(
    text: str,
    taxonomy: Taxonomy,
    waste: Mapping[str, WasteCode] | None = None,
    source: str = "flow-compatibility.yaml",
) -> Compatibility:
    """Parse and validate a compatibility table against the codes it links."""
    known_waste = waste_codes() if waste is None else waste
    errors: list[str] = []
    root = _mapping(yaml.safe_load(text), source, errors)
    _known_keys(root, {"version", "links"}, source, errors)
    if root.get("version") != 1:
        errors.append(f"{source} : version 1 attendue")
    raw_links = root.get("links")
    if not isinstance(raw_links, list):
        errors.append(f"{source} : links doit être une liste")
        raw_links = []
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_links):
        where = f"{source} : links[{index}]"
        link = _mapping(raw, where, errors)
        _known_keys(link, {"offer", "need", "fit", "why", "en"}, where, errors)
        problems = []
        for side in ("offer", "need"):
            reason = _category_known(link.get(side), known_waste, taxonomy)
            if reason:
                problems.append(f"{where}.{side} : {reason}")
        fit = link.get("fit")
        if isinstance(fit, bool) or not isinstance(fit, int | float) or not 0 < fit <= 1:
            problems.append(f"{where}.fit : un nombre entre 0 (exclu) et 1 est attendu")
        why = link.get("why")
        if not isinstance(why, str) or not why.strip():
            problems.append(f"{where}.why : une explication est attendue")
        english = _mapping(link.get("en", {}), f"{where}.en", problems)
        _known_keys(english, {"why"}, f"{where}.en", problems)
        why_en = english.get("why")
        if why_en is not None and (not isinstance(why_en, str) or not why_en.strip()):
            problems.append(f"{where}.en.why : une explication est attendue")
        if not problems and link.get("offer") == link.get("need"):
            problems.append(f"{where} : une offre et un besoin du même code vont de soi")
        pair = (str(link.get("offer")), str(link.get("need")))
        if not problems and pair in seen:
            problems.append(f"{where} : le lien {pair[0]} → {pair[1]} est en double")
        seen.add(pair)
        errors += problems
        if not problems:
            links.append(Link(pair[0], pair[1], float(fit), str(why), why_en))  # type: ignore[arg-type]
    if errors:
        raise ReferenceDataError(errors)
    return _indexed(links)


def _indexed(links: Iterable[Link]) -> Compatibility:
    by_offer: dict[str, list[Link]] = {}
    listed = tuple(links)
    for link in listed:
        by_offer.setdefault(link.offer, []).append(link)
    return Compatibility(listed, {key: tuple(value) for key, value in by_offer.items()})


@cache
def default_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the application."""
    return parse_taxonomy(_text("flow-taxonomy.yaml"))


@cache
def default_compatibility() -> Compatibility:
    """The compatibility table shipped with the application."""
    return parse_compatibility(_text("flow-compatibility.yaml"), default_taxonomy())


def category_label(kind: str, code: str) -> str:
    """« 15 01 03 emballages en bois » or the taxonomy item's label; the code if unknown."""
    if kind == "waste":
        waste = waste_codes().get(code)
        return f"{code} {waste.label}" if waste else code
    item = default_taxonomy().items.get(code)
    return item.label if item else code


def category_text(
    kind: str, code: str, locale: object, taxonomy: Taxonomy | None = None
) -> LocalText:
    """The category's label in this locale: a taxonomy item's English label when it has one;
    a waste's official French label (no English source) as French, so the page can mark it."""
    if kind == "waste":
        waste = waste_codes().get(code)
        if waste is None:
            return choose(code, code, locale)
        return choose(f"{code} {waste.label}", None, locale)
    item = (taxonomy or default_taxonomy()).items.get(code)
    if item is None:
        return choose(code, code, locale)
    return choose(item.label, item.label_en, locale)


def group_text(key: str, locale: object, taxonomy: Taxonomy | None = None) -> LocalText:
    """A taxonomy group's label in this locale (the key itself if unknown)."""
    known = taxonomy or default_taxonomy()
    label = known.groups.get(key)
    if label is None:
        return choose(key, key, locale)
    return choose(label, known.groups_en.get(key), locale)


def extend_taxonomy(base: Taxonomy, text: str, source: str = "taxonomie du territoire") -> Taxonomy:
    """The base taxonomy with a territory's own groups or items (codes must be new)."""
    extra = parse_taxonomy(text, source)
    errors = [
        f"{source} : le code « {code} » existe déjà dans la taxonomie"
        for code in extra.items
        if code in base.items
    ]
    for key, label in extra.groups.items():
        if key in base.groups and label != base.groups[key]:
            errors.append(f"{source} : le groupe « {key} » existe déjà sous un autre libellé")
    if errors:
        raise ReferenceDataError(errors)
    return Taxonomy(
        {**base.groups, **extra.groups},
        {**base.items, **extra.items},
        {**base.groups_en, **extra.groups_en},
    )


def extend_compatibility(
    base: Compatibility,
    text: str,
    taxonomy: Taxonomy,
    source: str = "compatibilités du territoire",
) -> Compatibility:
    """The base table with a territory's own links (a link already there is refused)."""
    extra = parse_compatibility(text, taxonomy, source=source)
    known = {(link.offer, link.need) for link in base.links}
    errors = [
        f"{source} : le lien {link.offer} → {link.need} existe déjà"
        for link in extra.links
        if (link.offer, link.need) in known
    ]
    if errors:
        raise ReferenceDataError(errors)
    return _indexed([*base.links, *extra.links])
