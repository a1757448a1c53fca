"""PyYAML's errors in plain French, with the line and column they point at."""

import re
from typing import Protocol

import yaml

# The tokens PyYAML names in its messages, as an author reads them.
_TOKENS = {
    "<scalar>": "une valeur",
    "<block end>": "la fin d'un bloc",
    "<stream end>": "la fin du fichier",
    "<document start>": "« --- »",
    "<document end>": "« ... »",
    "<block mapping start>": "le début d'un bloc « clé: valeur »",
    "<block sequence start>": "le début d'une liste",
    "<block entry>": "un tiret de liste « - »",
    "<flow mapping start>": "« { »",
    "<flow mapping end>": "« } »",
    "<flow sequence start>": "« [ »",
    "<flow sequence end>": "« ] »",
    "<flow entry>": "« , »",
    "<key>": "une clé",
    "<value>": "« : »",
    "<alias>": "un alias",
    "<anchor>": "une ancre",
    "<tag>": "une étiquette « ! »",
    "<directive>": "une directive « % »",
}

_CHARACTERS = {"\t": "une tabulation", "\n": "un saut de ligne", "\0": "la fin du fichier"}

_INDENT_HINT = "vérifiez l'indentation (des espaces, jamais de tabulation)"
_QUOTE_HINT = "mettez la valeur entre guillemets si elle contient « : », « # », « [ » ou « { »"

# (English pattern, French template); {0} is the found token or character, when there is one.
_PROBLEMS: list[tuple[str, str]] = [
    (r"expected ',' or '\]', but got (.+)", "« , » ou « ] » attendu, trouvé : {0}"),
    (r"expected ',' or '}', but got (.+)", "« , » ou « } » attendu, trouvé : {0}"),
    (r"expected <block end>, but found (.+)", "élément inattendu ici ({0}) : " + _INDENT_HINT),
    (r"expected the node content, but found (.+)", "une valeur attendue, trouvé : {0}"),
    (r"expected '<document start>', but found (.+)", "élément inattendu ({0}) : " + _INDENT_HINT),
    (
        r"expected a comment or a line break, but found (.+)",
        "fin de ligne ou commentaire attendu, trouvé : {0} ; " + _QUOTE_HINT,
    ),
    (r"mapping values are not allowed here", "« : » inattendu ici : " + _QUOTE_HINT),
    (r"could not find expected ':'", "« : » attendu après la clé : " + _INDENT_HINT),
    (
        r"found character (.+) that cannot start any token",
        "caractère interdit en début de valeur : {0}",
    ),
    (r"found unexpected end of stream", "fin du fichier inattendue : un guillemet est-il fermé ?"),
    (r"found unexpected document separator", "« --- » inattendu dans un texte entre guillemets"),
    (
        r"found unknown escape character (.+)",
        "séquence d'échappement {0} inconnue dans un texte entre guillemets doubles : "
        "doublez la barre oblique inverse ou utilisez des guillemets simples",
    ),
    (r"sequence entries are not allowed here", "tiret de liste « - » inattendu : " + _INDENT_HINT),
    (r"mapping keys are not allowed here", "clé inattendue ici : " + _INDENT_HINT),
    (
        r"could not determine a constructor for the tag (.+)",
        "étiquette YAML {0} refusée : seules les valeurs simples sont acceptées",
    ),
    (r"found unhashable key", "une liste ou un bloc ne peut pas servir de clé"),
    (r"found undefined alias (.+)", "alias {0} non défini"),
    (r"found undefined tag handle (.+)", "préfixe d'étiquette {0} non défini"),
    (r"but found another document", "un seul thème par fichier : retirez le second « --- »"),
    (r"expected a single document in the stream", "un seul thème par fichier"),
    (
        r"expected chomping or indentation indicators, but found (.+)",
        "caractère inattendu après « | » ou « > » : {0}",
    ),
    (r"expected ' ', but found (.+)", "une espace attendue, trouvé : {0}"),
    (r"invalid indentation or unclosed '\[' or '{'", "crochet ou accolade non fermé"),
]

_CONTEXTS: list[tuple[str, str]] = [
    (r"while parsing a flow sequence", "dans la liste « [ ] » ouverte"),
    (r"while parsing a flow mapping", "dans le bloc « { } » ouvert"),
    (r"while parsing a block mapping", "dans le bloc commencé"),
    (r"while parsing a block collection", "dans la liste commencée"),
    (r"while parsing a (?:block|flow) node", "dans la valeur commencée"),
    (r"while parsing a node", "dans la valeur commencée"),
    (r"while scanning a simple key", "dans la clé commencée"),
    (r"while scanning a (?:double-)?quoted scalar", "dans le texte entre guillemets ouvert"),
    (r"while scanning a block scalar", "dans le texte « | » ou « > » commencé"),
    (r"while scanning a plain scalar", "dans la valeur commencée"),
    (r"while scanning for the next token", "en lisant la suite"),
    (r"while constructing a mapping", "dans le bloc commencé"),
    (r"while parsing a tag", "dans l'étiquette commencée"),
    (r"while scanning a tag", "dans l'étiquette commencée"),
    (r"while scanning an? (?:anchor|alias)", "dans l'ancre ou l'alias commencé"),
    (r"while composing a mapping", "dans le bloc commencé"),
    (r"expected a single document in the stream", "après le thème commencé"),
]


class _Mark(Protocol):
    line: int
    column: int


def _where(mark: _Mark) -> str:
    return f"ligne {mark.line + 1}, colonne {mark.column + 1}"


def _found(text: str) -> str:
    """A token or character as PyYAML quotes it ('<scalar>', ':'), in words."""
    text = text.strip()
    if text.startswith(("'", '"')) and text.endswith(text[0]) and len(text) >= 2:
        text = text[1:-1]
    if text.startswith("tag:yaml.org,2002:"):
        return f"« !!{text.removeprefix('tag:yaml.org,2002:')} »"
    if text in _TOKENS:
        return _TOKENS[text]
    if text in ("\\t", "\t"):
        return _CHARACTERS["\t"]
    if text in ("\\n", "\n"):
        return _CHARACTERS["\n"]
    if text in ("\\0", "\0"):
        return _CHARACTERS["\0"]
    return f"« {text} »"


def _translate(text: str, table: list[tuple[str, str]]) -> str:
    for pattern, template in table:
        match = re.fullmatch(pattern, text.strip())
        if match:
            found = [_found(group) for group in match.groups()]
            return template.replace("{0}", found[0]) if found else template
    return f"« {text.strip()} »"  # a rare message: PyYAML's own words, quoted


def yaml_error_message(error: yaml.YAMLError, text: str, source: str) -> str:
    """One French line for a YAML error: file, line, column, what is wrong and where it began."""
    if isinstance(error, yaml.reader.ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        character = error.character
        code = f"U+{character:04X}" if isinstance(character, int) else repr(character)
        return (
            f"{source}: ligne {line}, colonne {column}: YAML invalide : "
            f"caractère spécial interdit ({code})"
        )
    if isinstance(error, UnreadableValue) and error.problem_mark is not None:
        return f"{source}: {_where(error.problem_mark)}: {error.problem}"
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = _translate(error.problem or "", _PROBLEMS) if error.problem else ""
        details = problem or "syntaxe incorrecte"
        if error.context and error.context_mark is not None:
            context = _translate(error.context, _CONTEXTS)
            details += f" ({context} {_where(error.context_mark)})"
        if mark is not None:
            return f"{source}: {_where(mark)}: YAML invalide : {details}"
        return f"{source}: YAML invalide : {details}"
    return f"{source}: YAML invalide"


class UnreadableValue(yaml.constructor.ConstructorError):
    """A scalar the safe loader could not build; `problem` is already in French."""


class _StrictConstruct:
    """Turns a value the safe constructor cannot build into an error with its line.

    The safe loader raises a bare ValueError (no line) on `!!int "abc"`, `!!float "x.y"`,
    an invalid date such as 2026-13-45 or an integer of more than 4,300 digits.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]  # the loader's
        except (ValueError, OverflowError) as error:
            raise UnreadableValue(None, None, _unreadable(node, error), node.start_mark) from error


class StrictSafeLoader(_StrictConstruct, yaml.SafeLoader):
    """PyYAML's safe loader in Python: its error messages are the ones translated here."""


# libyaml's parser, about ten times faster: valid files (every load of the shipped ones) go
# through it; a file it refuses is read again by StrictSafeLoader for the usual message.
FastStrictSafeLoader: type[yaml.SafeLoader] | None = (
    type("FastStrictSafeLoader", (_StrictConstruct, yaml.CSafeLoader), {})
    if getattr(yaml, "__with_libyaml__", False)
    else None
)


_KINDS = {
    "tag:yaml.org,2002:int": "nombre entier",
    "tag:yaml.org,2002:float": "nombre",
    "tag:yaml.org,2002:timestamp": "date",
}


def _unreadable(node: yaml.Node, error: Exception) -> str:
    value = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
    shown = value if len(value) <= 40 else value[:39] + "…"
    kind = _KINDS.get(node.tag, "valeur")
    if "digits" in str(error):
        return f"nombre trop grand ({len(value)} chiffres)"
    return f"{kind} « {shown} » illisible"
