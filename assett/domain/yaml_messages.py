"""PyYAML's errors in plain French, with the line and column they point at.

Each error is a `Message` (its French text, and its msgid for a page in another language).
"""

import re
from typing import Protocol

import yaml

from assett.domain.text import N_, Message

# The tokens PyYAML names in its messages, as an author reads them.
_TOKENS = {
    "<scalar>": N_("une valeur"),
    "<block end>": N_("la fin d'un bloc"),
    "<stream end>": N_("la fin du fichier"),
    "<document start>": N_("« --- »"),
    "<document end>": N_("« ... »"),
    "<block mapping start>": N_("le début d'un bloc « clé: valeur »"),
    "<block sequence start>": N_("le début d'une liste"),
    "<block entry>": N_("un tiret de liste « - »"),
    "<flow mapping start>": N_("« { »"),
    "<flow mapping end>": N_("« } »"),
    "<flow sequence start>": N_("« [ »"),
    "<flow sequence end>": N_("« ] »"),
    "<flow entry>": N_("« , »"),
    "<key>": N_("une clé"),
    "<value>": N_("« : »"),
    "<alias>": N_("un alias"),
    "<anchor>": N_("une ancre"),
    "<tag>": N_("une étiquette « ! »"),
    "<directive>": N_("une directive « %% »"),
}

_CHARACTERS = {
    "\t": N_("une tabulation"),
    "\n": N_("un saut de ligne"),
    "\0": N_("la fin du fichier"),
}

_INDENT_HINT = N_("vérifiez l'indentation (des espaces, jamais de tabulation)")
_QUOTE_HINT = N_("mettez la valeur entre guillemets si elle contient « : », « # », « [ » ou « { »")

# (English pattern, French template); %(found)s is the found token or character, when there is
# one, %(hint)s the advice the template closes with.
_PROBLEMS: list[tuple[str, str]] = [
    (r"expected ',' or '\]', but got (.+)", N_("« , » ou « ] » attendu, trouvé : %(found)s")),
    (r"expected ',' or '}', but got (.+)", N_("« , » ou « } » attendu, trouvé : %(found)s")),
    (
        r"expected <block end>, but found (.+)",
        N_("élément inattendu ici (%(found)s) : %(indent)s"),
    ),
    (r"expected the node content, but found (.+)", N_("une valeur attendue, trouvé : %(found)s")),
    (
        r"expected '<document start>', but found (.+)",
        N_("élément inattendu (%(found)s) : %(indent)s"),
    ),
    (
        r"expected a comment or a line break, but found (.+)",
        N_("fin de ligne ou commentaire attendu, trouvé : %(found)s ; %(quote)s"),
    ),
    (r"mapping values are not allowed here", N_("« : » inattendu ici : %(quote)s")),
    (r"could not find expected ':'", N_("« : » attendu après la clé : %(indent)s")),
    (
        r"found character (.+) that cannot start any token",
        N_("caractère interdit en début de valeur : %(found)s"),
    ),
    (
        r"found unexpected end of stream",
        N_("fin du fichier inattendue : un guillemet est-il fermé ?"),
    ),
    (
        r"found unexpected document separator",
        N_("« --- » inattendu dans un texte entre guillemets"),
    ),
    (
        r"found unknown escape character (.+)",
        N_(
            "séquence d'échappement %(found)s inconnue dans un texte entre guillemets doubles : "
            "doublez la barre oblique inverse ou utilisez des guillemets simples"
        ),
    ),
    (r"sequence entries are not allowed here", N_("tiret de liste « - » inattendu : %(indent)s")),
    (r"mapping keys are not allowed here", N_("clé inattendue ici : %(indent)s")),
    (
        r"could not determine a constructor for the tag (.+)",
        N_("étiquette YAML %(found)s refusée : seules les valeurs simples sont acceptées"),
    ),
    (r"found unhashable key", N_("une liste ou un bloc ne peut pas servir de clé")),
    (r"found undefined alias (.+)", N_("alias %(found)s non défini")),
    (r"found undefined tag handle (.+)", N_("préfixe d'étiquette %(found)s non défini")),
    (r"but found another document", N_("un seul thème par fichier : retirez le second « --- »")),
    (r"expected a single document in the stream", N_("un seul thème par fichier")),
    (
        r"expected chomping or indentation indicators, but found (.+)",
        N_("caractère inattendu après « | » ou « > » : %(found)s"),
    ),
    (r"expected ' ', but found (.+)", N_("une espace attendue, trouvé : %(found)s")),
    (r"invalid indentation or unclosed '\[' or '{'", N_("crochet ou accolade non fermé")),
]

_CONTEXTS: list[tuple[str, str]] = [
    (r"while parsing a flow sequence", N_("dans la liste « [ ] » ouverte")),
    (r"while parsing a flow mapping", N_("dans le bloc « { } » ouvert")),
    (r"while parsing a block mapping", N_("dans le bloc commencé")),
    (r"while parsing a block collection", N_("dans la liste commencée")),
    (r"while parsing a (?:block|flow) node", N_("dans la valeur commencée")),
    (r"while parsing a node", N_("dans la valeur commencée")),
    (r"while scanning a simple key", N_("dans la clé commencée")),
    (r"while scanning a (?:double-)?quoted scalar", N_("dans le texte entre guillemets ouvert")),
    (r"while scanning a block scalar", N_("dans le texte « | » ou « > » commencé")),
    (r"while scanning a plain scalar", N_("dans la valeur commencée")),
    (r"while scanning for the next token", N_("en lisant la suite")),
    (r"while constructing a mapping", N_("dans le bloc commencé")),
    (r"while parsing a tag", N_("dans l'étiquette commencée")),
    (r"while scanning a tag", N_("dans l'étiquette commencée")),
    (r"while scanning an? (?:anchor|alias)", N_("dans l'ancre ou l'alias commencé")),
    (r"while composing a mapping", N_("dans le bloc commencé")),
    (r"expected a single document in the stream", N_("après le thème commencé")),
]


class _Mark(Protocol):
    line: int
    column: int


def _where(mark: _Mark) -> Message:
    return Message(
        N_("ligne %(line)s, colonne %(column)s"), line=mark.line + 1, column=mark.column + 1
    )


def _found(text: str) -> Message:
    """A token or character as PyYAML quotes it ('<scalar>', ':'), in words."""
    text = text.strip()
    if text.startswith(("'", '"')) and text.endswith(text[0]) and len(text) >= 2:
        text = text[1:-1]
    if text.startswith("tag:yaml.org,2002:"):
        text = f"!!{text.removeprefix('tag:yaml.org,2002:')}"
    elif text in _TOKENS:
        return Message(_TOKENS[text])
    for written, character in (("\\t", "\t"), ("\\n", "\n"), ("\\0", "\0")):
        if text in (written, character):
            return Message(_CHARACTERS[character])
    return _quoted(text)


def _quoted(text: str) -> Message:
    return Message(N_("« %(text)s »"), text=text)


def _translate(text: str, table: list[tuple[str, str]]) -> Message:
    for pattern, template in table:
        match = re.fullmatch(pattern, text.strip())
        if match:
            found = [_found(group) for group in match.groups()]
            return Message(
                template,
                found=found[0] if found else "",
                indent=Message(_INDENT_HINT),
                quote=Message(_QUOTE_HINT),
            )
    return _quoted(text.strip())  # a rare message: PyYAML's own words, quoted


def yaml_error_message(error: yaml.YAMLError, text: str, source: str) -> Message:
    """One French line for a YAML error: file, line, column, what is wrong and where it began."""
    if isinstance(error, yaml.reader.ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        character = error.character
        code = f"U+{character:04X}" if isinstance(character, int) else repr(character)
        return Message(
            N_(
                "%(source)s: ligne %(line)s, colonne %(column)s: YAML invalide : "
                "caractère spécial interdit (%(code)s)"
            ),
            source=source,
            line=line,
            column=column,
            code=code,
        )
    if isinstance(error, UnreadableValue) and error.problem_mark is not None:
        where = _where(error.problem_mark)
        return Message(
            N_("%(source)s: %(where)s: %(problem)s"),
            source=source,
            where=where,
            problem=error.problem,
        )
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        details = _translate(error.problem, _PROBLEMS) if error.problem else None
        if not details:
            details = Message(N_("syntaxe incorrecte"))
        if error.context and error.context_mark is not None:
            details = Message(
                N_("%(details)s (%(context)s %(where)s)"),
                details=details,
                context=_translate(error.context, _CONTEXTS),
                where=_where(error.context_mark),
            )
        if mark is not None:
            return Message(
                N_("%(source)s: %(where)s: YAML invalide : %(details)s"),
                source=source,
                where=_where(mark),
                details=details,
            )
        return Message(
            N_("%(source)s: YAML invalide : %(details)s"), source=source, details=details
        )
    return Message(N_("%(source)s: YAML invalide"), source=source)


class UnreadableValue(yaml.constructor.ConstructorError):
    """A scalar the safe loader could not build; `problem` is already a French `Message`."""


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
    "tag:yaml.org,2002:int": N_("nombre entier « %(value)s » illisible"),
    "tag:yaml.org,2002:float": N_("nombre « %(value)s » illisible"),
    "tag:yaml.org,2002:timestamp": N_("date « %(value)s » illisible"),
}


def _unreadable(node: yaml.Node, error: Exception) -> Message:
    value = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
    shown = value if len(value) <= 40 else value[:39] + "…"
    if "digits" in str(error):
        return Message(N_("nombre trop grand (%(digits)s chiffres)"), digits=len(value))
    return Message(_KINDS.get(node.tag, N_("valeur « %(value)s » illisible")), value=shown)
