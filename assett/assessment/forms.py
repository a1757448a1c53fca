"""Answer forms built from the questionnaire definition: one form class per page."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import BooleanField, Field, RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..content_text import error_text, mark
from ..domain import scoring
from ..domain.definition_fields import SCALE_MAX
from ..domain.definitions import Question
from ..forms import BaseForm

# Ticking « Aucune de ces réponses » is an answer (nothing applies); ticking nothing is none.
NONE_OF_THESE = "_aucune"


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; choices are checked by the question, not by WTForms."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChoiceCheckbox(CheckboxInput):
    """A checkbox marked `data-exclusive` when ticking it unticks the others (script side)."""

    def __init__(self, exclusive: set[str]) -> None:
        super().__init__()
        self.exclusive = exclusive

    def __call__(self, field: Field, **kwargs: Any) -> Any:
        if field._value() in self.exclusive:
            kwargs.setdefault("data-exclusive", "1")
        return super().__call__(field, **kwargs)


class SingleAnswerField(RadioField):
    """Radio buttons that keep every value posted, so that two answers are refused, not cut."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if len(valuelist) > 1:
            self.data = list(valuelist)
        else:
            super().process_formdata(valuelist)


def answer_field_name(question: Question) -> str:
    """The form field holding a question's answer (prefixed: keys may clash with Form names)."""
    return f"q_{question.key}"


def not_applicable_field_name(question: Question) -> str:
    """The « Non concerné » checkbox of a question."""
    return f"na_{question.key}"


def _radio(question: Question, choices: list[SelectChoice]) -> Field:
    return SingleAnswerField(
        question.text,
        choices=choices,
        validate_choice=False,
        description=question.help or "",
        validators=[AnswerValidator(question)],
    )


def _single_choice(question: Question) -> Field:
    return _radio(
        question, [SelectChoice(option.key, mark(option.label)) for option in question.options]
    )


def has_none_of_these(question: Question) -> bool:
    """Whether the form adds « Aucune de ces réponses »: not when the definition has its own."""
    return not any(option.exclusive for option in question.options)


def exclusive_keys(question: Question) -> set[str]:
    """The choices of a multiple-choice question that cannot be ticked with another."""
    keys = {option.key for option in question.options if option.exclusive}
    return keys if keys else {NONE_OF_THESE}


def _multiple_choice(question: Question) -> Field:
    choices = [SelectChoice(option.key, mark(option.label)) for option in question.options]
    if has_none_of_these(question):
        choices.append(SelectChoice(NONE_OF_THESE, _l("Aucune de ces réponses")))
    return MultiCheckboxField(
        question.text,
        choices=choices,
        option_widget=ChoiceCheckbox(exclusive_keys(question)),
        validate_choice=False,
        description=question.help or "",
        validators=[AnswerValidator(question)],
    )


def _yes_no(question: Question) -> Field:
    return _radio(question, [SelectChoice("oui", _l("Oui")), SelectChoice("non", _l("Non"))])


def _scale(question: Question) -> Field:
    ends = question.scale_labels
    choices = []
    for option in question.choices():
        label: str = option.label
        if ends is not None and option.key == "0" and ends.min:
            label = Markup("{} ({})").format(label, mark(ends.min))
        if ends is not None and option.key == str(SCALE_MAX) and ends.max:
            label = Markup("{} ({})").format(label, mark(ends.max))
        choices.append(SelectChoice(option.key, label))
    return _radio(question, choices)


# One entry per question type: a new type is one new line here (and its scoring handler).
FIELD_TYPES: dict[str, Callable[[Question], Field]] = {
    "single_choice": _single_choice,
    "multiple_choice": _multiple_choice,
    "yes_no": _yes_no,
    "scale": _scale,
}


def raw_answer(question: Question, data: Any) -> Any:
    """The form's data as `parse_answer` reads it (None: unanswered)."""
    if question.type == "multiple_choice":
        ticked = list(data or [])
        if not ticked:
            return None
        if NONE_OF_THESE in ticked and has_none_of_these(question):
            if len(ticked) > 1:
                message = _l(
                    "« Aucune de ces réponses » ne peut pas être cochée avec d'autres réponses."
                )
                raise scoring.AnswerError(str(message))
            return []
        return ticked
    return data if data not in ("", None) else None


class AnswerValidator:
    """Check a question's answer with the scoring rules and keep the parsed value."""

    def __init__(self, question: Question) -> None:
        self.question = question

    def __call__(self, form: PageForm, field: Field) -> None:
        flag = form.not_applicable_field(self.question)
        not_applicable = bool(flag is not None and flag.data)
        try:
            raw = None if not_applicable else raw_answer(self.question, field.data)
            form.parsed[self.question.key] = scoring.parse_answer(
                self.question, raw, not_applicable
            )
        except scoring.AnswerError as error:
            raise ValidationError(error_text(error)) from error


class PageForm(BaseForm):
    """Base of the generated page forms; `questions` lists the page's questions in order."""

    questions: Sequence[Question] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parsed: dict[str, scoring.Answer] = {}

    def answer_field(self, question: Question) -> Field:
        """The answer field of a question."""
        return self[answer_field_name(question)]

    def not_applicable_field(self, question: Question) -> Field | None:
        """The « Non concerné » field of a question, if it offers one."""
        name = not_applicable_field_name(question)
        return self[name] if name in self else None


def page_form_class(questions: Sequence[Question]) -> type[PageForm]:
    """Build the form class of one page from its questions."""

    class Page(PageForm):
        pass

    Page.questions = tuple(questions)
    for question in questions:
        setattr(Page, answer_field_name(question), FIELD_TYPES[question.type](question))
        if question.allow_not_applicable:
            setattr(
                Page,
                not_applicable_field_name(question),
                BooleanField(_l("Non concerné")),
            )
    return Page


def initial_data(
    questions: Sequence[Question], answers: Mapping[str, scoring.Answer]
) -> dict[str, Any]:
    """The page's stored answers as form data."""
    data: dict[str, Any] = {}
    for question in questions:
        answer = answers.get(question.key)
        if answer is None:
            continue
        if answer.not_applicable:
            data[not_applicable_field_name(question)] = True
            continue
        value = answer.value
        if question.type == "multiple_choice":
            ticked = list(value) if isinstance(value, list) else []
            if not ticked and has_none_of_these(question):
                ticked = [NONE_OF_THESE]
            data[answer_field_name(question)] = ticked
        elif value is not None:
            data[answer_field_name(question)] = str(value)
    return data
