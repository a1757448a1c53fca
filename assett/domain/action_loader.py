"""Load action catalogues from YAML with the questionnaires' rules: safe, strict, all errors.

Each error names the file, the path in it (`actions[3].improves[0].to`), the line and the
reason; a catalogue is also checked against its theme (questions, options, resources, bands).
"""

from collections.abc import Mapping
from pathlib import Path

import yaml
from pydantic import ValidationError

from assett.domain.actions import ActionCatalogue, check_against_theme
from assett.domain.definition_fields import format_path
from assett.domain.definitions import ThemeDefinition
from assett.domain.loader import (
    MAX_FILE_BYTES,
    DefinitionError,
    _duplicate_key_errors,
    _event_errors,
    _huge_numbers,
    _line_of,
    _safe_load_with_nodes,
    _too_big,
    _unreadable,
    no_directory,
    not_utf8,
    problem_line,
)
from assett.domain.text import N_, Message
from assett.domain.validation_reasons import problems_of
from assett.domain.yaml_messages import yaml_error_message


def parse_catalogue_text(
    text: str, source: str, themes: Mapping[str, ThemeDefinition]
) -> ActionCatalogue:
    """Parse, validate and check one catalogue against its theme; DefinitionError lists all."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise DefinitionError([_too_big(source, len(text.encode("utf-8")))])
    try:
        refused = _event_errors(text, source)
        if refused:
            raise DefinitionError(refused)
        root, data = _safe_load_with_nodes(text)
    except yaml.YAMLError as error:
        raise DefinitionError([yaml_error_message(error, text, source)]) from error
    errors = _duplicate_key_errors(root, source)
    found: list[tuple[int, Message]] = []
    catalogue: ActionCatalogue | None = None
    if not isinstance(data, dict):
        message = Message(
            N_("le fichier doit décrire un catalogue : un bloc « clé: valeur » au premier niveau")
        )
        raise DefinitionError([*errors, problem_line(source, message)])
    huge = list(_huge_numbers(data, ()))
    if huge:
        problems = huge
    else:
        try:
            catalogue = ActionCatalogue.model_validate(data)
            problems = []
        except ValidationError as error:
            problems = list(problems_of(error))
    if catalogue is not None:
        theme = themes.get(catalogue.theme)
        if theme is None:
            problems = [(("theme",), _unknown_theme(catalogue.theme, sorted(themes)))]
        else:
            problems = check_against_theme(catalogue, theme)
    for loc, reason in problems:
        line = _line_of(root, loc) if root is not None else 0
        where = f"{source}: {format_path(loc)}" if loc else source
        found.append((line, problem_line(where, reason, line)))
    found.sort(key=lambda item: item[0])
    errors += [message for _line, message in found]
    if errors or catalogue is None:
        raise DefinitionError(errors)
    return catalogue


def load_catalogue_file(path: str | Path, themes: Mapping[str, ThemeDefinition]) -> ActionCatalogue:
    """Load one catalogue file, refusing it before reading it all if it is over the limit."""
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as file:
            content = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise DefinitionError([_unreadable(source, error)]) from error
    if len(content) > MAX_FILE_BYTES:
        raise DefinitionError([_too_big(source, path.stat().st_size)])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DefinitionError([not_utf8(source)]) from error
    return parse_catalogue_text(text, source, themes)


def load_catalogue_directory(
    path: str | Path, themes: Mapping[str, ThemeDefinition]
) -> list[ActionCatalogue]:
    """Load every *.yaml catalogue of a directory; one theme per file; all errors at once."""
    directory = Path(path)
    if not directory.is_dir():
        raise DefinitionError([no_directory(directory)])
    files = sorted(
        file for file in directory.iterdir() if file.suffix in (".yaml", ".yml") and file.is_file()
    )
    catalogues: list[ActionCatalogue] = []
    errors: list[str] = []
    origin: dict[str, Path] = {}
    for file in files:
        try:
            catalogue = load_catalogue_file(file, themes)
        except DefinitionError as error:
            errors += error.errors
            continue
        if catalogue.theme in origin:
            errors.append(
                Message(
                    N_(
                        "%(file)s: theme: catalogue du thème « %(key)s » déjà défini dans "
                        "%(origin)s"
                    ),
                    file=str(file),
                    key=catalogue.theme,
                    origin=str(origin[catalogue.theme]),
                )
            )
            continue
        origin[catalogue.theme] = file
        catalogues.append(catalogue)
    if errors:
        raise DefinitionError(errors)
    return catalogues


def _unknown_theme(key: str, known: list[str]) -> Message:
    if not known:
        return Message(N_("thème « %(key)s » inconnu (thèmes : aucun)"), key=key)
    return Message(
        N_("thème « %(key)s » inconnu (thèmes : %(known)s)"), key=key, known=", ".join(known)
    )
