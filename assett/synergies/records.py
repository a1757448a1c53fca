"""The pages of a territory's list of records kept by its animators (stakeholders, collective
actions): the form page, a record or 404, saving a posted form, deleting after a confirmation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..forms import BaseForm, save_posted
from ..models import Territory
from .collective_forms import DeleteForm
from .views import Page

Row = TypeVar("Row")
Saved = TypeVar("Saved")


@dataclass(frozen=True)
class Records(Generic[Row]):
    """One kind of record: its form template, its listing page, and how to find one."""

    template: str  # the form page; it gets the record as `name`
    name: str
    listing: str  # the endpoint of the list, which takes the territory's slug
    find: Callable[[Territory, int], Row | None]

    def listing_url(self, territory: Territory) -> str:
        return url_for(self.listing, slug=territory.slug)

    def form_page(self, territory: Territory, form: BaseForm, row: Row | None, status: int) -> Page:
        page = render_template(
            self.template,
            territory=territory,
            form=form,
            filters=None,
            active=self.listing,
            **{self.name: row},
        )
        return (page, status) if status != 200 else page

    def one_or_404(self, territory: Territory, row_id: int) -> Row:
        row = self.find(territory, row_id)
        if row is None:
            abort(404)
        return row

    def form(
        self,
        territory: Territory,
        form: BaseForm,
        row: Row | None,
        save: Callable[[], Saved],
        message: str | Callable[[Saved], str],
    ) -> Page:
        """The form page; once posted, the record saved and the list, or the form and why."""
        if request.method != "POST":
            return self.form_page(territory, form, row, 200)
        saved = save_posted(form, save, to=self.listing_url(territory), message=message)
        return saved or self.form_page(territory, form, row, 400)

    def delete(self, territory: Territory, remove: Callable[[], None], message: str) -> Response:
        """Delete once the confirmation form is valid; back to the list."""
        if not DeleteForm().validate_on_submit():
            abort(400)
        remove()
        flash(message, "success")
        return redirect(self.listing_url(territory))
