"""A confirmation step for destructive admin actions, without JavaScript.

The action's button posts to its route; that first POST only renders this page, which posts
again with ``confirme=1``: only the second POST changes anything.
"""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from markupsafe import Markup

from ...models import Territory

CONFIRM_FIELD = "confirme"


def confirmed() -> bool:
    """Whether this request is the second, confirming POST."""
    return request.method == "POST" and request.form.get(CONFIRM_FIELD) == "1"


def confirmation_page(
    territory: Territory,
    *,
    title: str,
    consequences: list[str | Markup],
    button: str,
    cancel_url: str,
) -> tuple[str, int]:
    """The page asking to confirm; it posts back to the same address with the confirmation."""
    return (
        render_template(
            "admin/confirm.html",
            territory=territory,
            title=title,
            consequences=consequences,
            button=button,
            cancel_url=cancel_url,
            action_url=request.path,
            confirm_field=CONFIRM_FIELD,
            admin_home=(
                url_for("admin.home", slug=territory.slug)
                if "admin.home" in current_app.view_functions
                else None
            ),
        ),
        200,
    )
