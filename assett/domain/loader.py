"""Load theme definitions from YAML safely, reporting every error at once."""

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import yaml
from pydantic import ValidationError

from assett.domain.definition_fields import Loc, format_path
from assett.domain.definitions import ThemeDefinition
from assett.domain.text import N_, Message
from assett.domain.validation_reasons import problems_of
from assett.domain.yaml_messages import (
    FastStrictSafeLoader,
    StrictSafeLoader,
    yaml_error_message,
)

MAX_FILE_BYTES = 1_000_000
# A theme nests about 8 levels deep; PyYAML scans deep nesting in quadratic time.
MAX_DEPTH = 20
# No field takes a number this large; beyond it pydantic cannot even turn it into a float.
HUGE_NUMBER = 10**15


def problem_line(where: str, reason: object, line: int | None = None) -> Message:
    """« fichier.yaml: categories[0].key: reason (ligne 12) »: `where` names the file and path."""
    if line is None:
        return Message(N_("%(where)s: %(reason)s"), where=where, reason=reason)
    return Message(
        N_("%(where)s: %(reason)s (ligne %(line)s)"), where=where, reason=reason, line=line
    )


class DefinitionError(Exception):
    """A definition that cannot be loaded; `errors` lists every reason, each a `Message` that a
    page translates (`content_text.messages`)."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def parse_definition_text(text: str, source: str) -> ThemeDefinition:
    """Parse and validate the YAML text of one theme; `source` names it in errors."""
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise DefinitionError([_too_big(source, size)])
    try:
        refused = _event_errors(text, source)
        if refused:
            raise DefinitionError(refused)
        root, data = _safe_load_with_nodes(text)
    except yaml.YAMLError as error:
        raise DefinitionError([yaml_error_message(error, text, source)]) from error
    duplicates = _duplicate_key_errors(root, source)
    try:
        definition = _validate(data, source, root)
    except DefinitionError as error:
        raise DefinitionError(duplicates + error.errors) from error
    if duplicates:
        raise DefinitionError(duplicates)
    return definition


def validate_definition(data: object, source: str) -> ThemeDefinition:
    """Validate already-parsed data; raise DefinitionError listing every problem."""
    return _validate(data, source, None)


def load_definition_file(path: str | Path) -> ThemeDefinition:
    """Load one YAML file, refusing it before reading it all if it is over the size limit."""
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
    return parse_definition_text(text, source)


def dump_definition_yaml(defn: ThemeDefinition) -> str:
    """Write a definition as YAML that parses back to an equal definition."""
    return yaml.safe_dump(defn.to_data(), allow_unicode=True, sort_keys=False, width=100)


def load_directory(path: str | Path) -> list[ThemeDefinition]:
    """Load every *.yaml file of a directory; raise DefinitionError with all files' errors."""
    directory = Path(path)
    if not directory.is_dir():
        raise DefinitionError([no_directory(directory)])
    files = sorted(
        file for file in directory.iterdir() if file.suffix in (".yaml", ".yml") and file.is_file()
    )
    definitions: list[ThemeDefinition] = []
    errors: list[str] = []
    origin: dict[str, Path] = {}
    for file in files:
        try:
            definition = load_definition_file(file)
        except DefinitionError as error:
            errors += error.errors
            continue
        if definition.key in origin:
            errors.append(
                Message(
                    N_("%(file)s: key: thème « %(key)s » déjà défini dans %(origin)s"),
                    file=str(file),
                    key=definition.key,
                    origin=str(origin[definition.key]),
                )
            )
            continue
        origin[definition.key] = file
        definitions.append(definition)
    if errors:
        raise DefinitionError(errors)
    return definitions


def _too_big(source: str, size: int) -> Message:
    return Message(
        N_("%(source)s: fichier trop volumineux (%(size)s octets, %(max)s au plus)"),
        source=source,
        size=size,
        max=MAX_FILE_BYTES,
    )


def _unreadable(source: str, error: OSError) -> Message:
    reason = error.strerror or ""
    return Message(N_("%(source)s: lecture impossible (%(reason)s)"), source=source, reason=reason)


def not_utf8(source: str) -> Message:
    """The file is not UTF-8."""
    return Message(N_("%(source)s: le fichier doit être encodé en UTF-8"), source=source)


def no_directory(directory: Path) -> Message:
    """The directory to load does not exist."""
    return Message(N_("%(directory)s: dossier introuvable"), directory=str(directory))


class _Mark(Protocol):
    line: int


def _line(mark: _Mark | None) -> int:
    return mark.line + 1 if mark is not None else 0


def _event_errors(text: str, source: str) -> list[Message]:
    """Refuse anchors and aliases ("billion laughs") and deep nesting (slow to scan)."""
    if FastStrictSafeLoader is not None:
        try:
            return _events_checked(text, source, FastStrictSafeLoader)
        except yaml.YAMLError:
            pass  # read again below, for the message the Python parser words
    return _events_checked(text, source, yaml.SafeLoader)


def _events_checked(text: str, source: str, loader: type[yaml.SafeLoader]) -> list[Message]:
    errors = []
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        at = {"source": source, "line": _line(event.start_mark)}
        if isinstance(event, yaml.AliasEvent):
            said = N_(
                "%(source)s: ligne %(line)s: alias YAML « *%(name)s » refusé (ni ancre ni alias)"
            )
            errors.append(Message(said, name=event.anchor, **at))
        elif isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            said = N_(
                "%(source)s: ligne %(line)s: ancre YAML « &%(name)s » refusée (ni ancre ni alias)"
            )
            errors.append(Message(said, name=event.anchor, **at))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                said = N_(
                    "%(source)s: ligne %(line)s: structure YAML trop imbriquée "
                    "(%(max)s niveaux au plus)"
                )
                return [*errors, Message(said, max=MAX_DEPTH, **at)]
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return errors


def _safe_load_with_nodes(text: str) -> tuple[yaml.Node | None, object]:
    """Do what yaml.safe_load does, keeping the node tree for line numbers."""
    if FastStrictSafeLoader is not None:
        try:
            return _load_nodes(text, FastStrictSafeLoader)
        except yaml.YAMLError:
            pass  # read again below, for the message the Python parser words
    return _load_nodes(text, StrictSafeLoader)


def _load_nodes(text: str, kind: type[yaml.SafeLoader]) -> tuple[yaml.Node | None, object]:
    loader = kind(text)
    try:
        root = loader.get_single_node()
        return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


def _duplicate_key_errors(root: yaml.Node | None, source: str) -> list[Message]:
    """Report keys repeated in one mapping, which YAML would silently collapse."""
    found: list[tuple[int, Message]] = []
    pending = [root] if root is not None else []
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        line = _line(key_node.start_mark)
                        message = Message(
                            N_("%(source)s: ligne %(line)s: clé « %(key)s » répétée"),
                            source=source,
                            line=line,
                            key=key_node.value,
                        )
                        found.append((line, message))
                    seen.add(key_node.value)
                pending += [key_node, value_node]
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value
    return [message for _, message in sorted(found)]


def _line_of(root: yaml.Node, loc: Loc) -> int:
    """Return the line of the deepest YAML node along an error's location."""
    node = root
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        if child is None:
            break
        node = child
    return _line(node.start_mark)


def _validate(data: object, source: str, root: yaml.Node | None) -> ThemeDefinition:
    if not isinstance(data, dict):
        message = Message(
            N_("le fichier doit décrire un thème : un bloc « clé: valeur » au premier niveau")
        )
        raise DefinitionError([problem_line(source, message)])
    huge = list(_huge_numbers(data, ()))
    try:
        if huge:  # pydantic would raise OverflowError turning them into floats
            raise DefinitionError([])
        return ThemeDefinition.model_validate(data)
    except (ValidationError, DefinitionError) as error:
        found = []
        problems = problems_of(error) if isinstance(error, ValidationError) else iter(huge)
        for loc, reason in problems:
            where = f"{source}: {format_path(loc)}" if loc else source
            if root is None:
                found.append((0, problem_line(where, reason)))
            else:
                line = _line_of(root, loc)
                found.append((line, problem_line(where, reason, line)))
        found.sort(key=lambda item: item[0])  # stable: same line keeps pydantic's order
        raise DefinitionError([message for _, message in found]) from error


def _huge_numbers(data: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Yield the integers too large for any field, wherever they are."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _huge_numbers(value, (*loc, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _huge_numbers(value, (*loc, index))
    elif isinstance(data, int) and not isinstance(data, bool) and abs(data) > HUGE_NUMBER:
        digits = len(str(HUGE_NUMBER)) - 1
        yield loc, Message(N_("nombre trop grand (%(digits)s chiffres au plus)"), digits=digits)


def main(paths: list[str]) -> int:
    """Validate the given files; print OK or every error; return the exit status."""
    if not paths:
        print("usage : python -m assett.domain.loader FICHIER.yaml...", file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            definition = load_definition_file(path)
        except DefinitionError as error:
            status = 1
            for message in error.errors:
                print(message, file=sys.stderr)
            continue
        count = sum(1 for _ in definition.iter_questions())
        print(f"{path}: OK (thème « {definition.key} », {count} questions)")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
