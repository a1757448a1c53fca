"""The participation chart: separate bars on a share axis, labelled in French formats."""

import json

from assett.dashboard.figures import french_integer, french_percent, participation_figure


def test_french_formats_of_counts_and_shares():
    assert french_integer(1234) == "1\u202f234"
    assert french_integer(12) == "12"
    assert french_percent(0.125) == "12 %"
    assert french_percent(1.0) == "100 %"


def test_stages_are_bars_of_their_share_of_registered_organisations_not_a_funnel():
    figure = json.loads(
        participation_figure(
            ["Inscrites", "Actives", "Réévaluées"],
            [1.0, 0.5, None],
            ["100 % · 1\u202f234", "50 % · 617", "non diffusé"],
            "Participation",
            "Part des organisations inscrites (%)",
        )
    )
    (trace,) = figure["data"]
    assert trace["type"] == "bar"
    assert trace["orientation"] == "h"
    assert trace["x"] == [100.0, 50.0, None]
    assert trace["text"][1] == "50 % · 617"
    assert "percent initial" not in str(figure)
    assert figure["layout"]["xaxis"]["range"] == [0, 100]
    assert figure["layout"]["separators"] == ", "
