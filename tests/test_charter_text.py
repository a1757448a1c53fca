"""The charter text is written in a safe Markdown subset: lists and paragraphs, HTML escaped."""

from __future__ import annotations

from typing import Any

from . import factories

TEXT = (
    "Notre organisation s'engage à :\n\n"
    "1. s'auto-évaluer chaque année ;\n"
    "2. engager une action de progrès.\n\n"
    "- partager ses retours ;\n"
    "- venir aux ateliers <script>alert('x')</script>\n\n"
    "<b>Fin</b> [lien](javascript:alert(1)) et **gras**."
)


def test_the_charter_shows_lists_and_paragraphs_and_escapes_html(
    login_as: Any, world: factories.World
) -> None:
    factories.make_charter(world.territory, 1, text=TEXT)

    page = login_as(world.actor).get(f"/o/{world.org.id}/charte").get_data(as_text=True)

    assert "<p>Notre organisation s&#39;engage à :</p>" in page
    assert "<ol>\n<li>s&#39;auto-évaluer chaque année ;</li>" in page
    assert "<li>engager une action de progrès.</li>\n</ol>" in page
    assert "<ul>\n<li>partager ses retours ;</li>" in page
    assert "<strong>gras</strong>" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Fin&lt;/b&gt;" in page
    assert 'href="javascript:' not in page


def test_the_admin_preview_renders_the_draft_the_same_way(
    login_as: Any, world: factories.World
) -> None:
    admin = login_as(world.admin)
    admin.post("/t/demo/admin/charte", data={"title": "Charte", "text": TEXT})

    page = admin.get("/t/demo/admin/charte").get_data(as_text=True)

    assert "<ol>\n<li>s&#39;auto-évaluer chaque année ;</li>" in page
    assert "<script>alert" not in page
