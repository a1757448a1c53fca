"""The bench's browser (bench/browser.py) reads a page's forms as a browser would send them."""

from __future__ import annotations

from bench.browser import forms_of

PAGE = """<!doctype html>
<form method="post" action="/langue"><input type="hidden" name="csrf_token" value="a&amp;b">
<button name="lang" value="en">English</button></form>
<!-- <form action="/commented-out"><input name="ghost" value="1"></form> -->
<script>document.write('<input name="scripted" value="1">');</script>
<FORM action='/o/3/evaluations/9/categorie/2' METHOD=POST>
  <input type=hidden name=next value=/o/3/>
  <input type="radio" name="q_energie" value="oui" checked>
  <input type="radio" name="q_energie" value="non">
  <input type="checkbox" name="q_usages" value="eclairage">
  <input type="checkbox" name="q_usages" value="chauffage" checked="checked">
  <input type="submit" name="action" value="next">
  <input type="text" name="note" value="« 2,5/5 » &gt; 2">
  <input type="text" value="sans nom">
</FORM>
"""


def test_forms_are_read_with_their_values_choices_and_actions() -> None:
    language, page = forms_of(PAGE, "http://localhost/o/3/")

    assert (language.action, language.method) == ("http://localhost/langue", "post")
    assert language.fields == [("csrf_token", "a&b")]  # a button sends only when pressed
    assert page.action == "http://localhost/o/3/evaluations/9/categorie/2"
    assert page.method == "post"
    assert page.choices == {"q_energie": ["oui", "non"], "q_usages": ["eclairage", "chauffage"]}
    assert page.fields == [
        ("next", "/o/3/"),
        ("q_energie", "oui"),
        ("q_usages", "chauffage"),
        ("note", "« 2,5/5 » > 2"),
    ]


def test_scripts_and_comments_hold_no_form() -> None:
    forms = forms_of(PAGE, "http://localhost/")

    assert all("commented-out" not in form.action for form in forms)
    assert all(form.value("ghost") is None and form.value("scripted") is None for form in forms)
