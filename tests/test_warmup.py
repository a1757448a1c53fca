"""A serving worker compiles its templates and loads the shipped catalogue when it starts."""

from __future__ import annotations

import gc
from pathlib import Path

from assett import create_app
from assett.services import territory_catalogue
from tests.conftest import test_config


def compiled(app) -> set[str]:
    return {name for _, name in app.jinja_env.cache.keys()}


def test_a_warmed_up_app_has_compiled_every_template_and_loaded_the_catalogue(tmp_path: Path):
    territory_catalogue._load.cache_clear()
    gc.unfreeze()
    app = create_app(test_config(tmp_path, WARM_UP=True))
    frozen = gc.get_freeze_count()
    gc.unfreeze()  # what the worker keeps for its life, this test process does not

    assert frozen > 0  # set aside from the collector: full collections in requests skip it

    names = set(app.jinja_env.list_templates(extensions=["html", "txt"]))
    assert "dashboard/overview.html" in names
    assert names <= compiled(app)
    assert territory_catalogue._load.cache_info().currsize == 1
    with app.app_context():
        assert "energie" in territory_catalogue.shipped_catalogue()
    assert territory_catalogue._load.cache_info().hits == 1  # not parsed again


def test_the_test_configuration_does_not_warm_up(tmp_path: Path):
    territory_catalogue._load.cache_clear()
    app = create_app(test_config(tmp_path))

    assert compiled(app) == set()
    assert territory_catalogue._load.cache_info().currsize == 0


def test_assett_warm_up_0_turns_it_off(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ASSETT_WARM_UP", "0")
    app = create_app(test_config(tmp_path, TESTING=False, BASE_URL="http://localhost"))

    assert app.config["WARM_UP"] is False
    assert compiled(app) == set()
