"""`flask actions validate`: the shipped catalogue passes, a broken file is refused with reasons."""

from __future__ import annotations

from pathlib import Path

from flask import Flask


def test_the_shipped_catalogue_validates(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["actions", "validate"])

    assert result.exit_code == 0, result.output
    assert "« energie » : 16 actions valides." in result.output


def test_a_broken_catalogue_file_is_refused_with_every_reason(app: Flask, tmp_path: Path) -> None:
    broken = tmp_path / "energie.yaml"
    broken.write_text(
        "theme: energie\nactions:\n  - key: a\n    title: A\n    description: x\n"
        "    improves: [{question: nulle, to: oui}]\n    effort: faible\n"
        "    cost_eur: {min: 0, max: 1}\n    duration_months: {min: 1, max: 2}\n"
        "    resources: [inconnue]\n",
        encoding="utf-8",
    )

    result = app.test_cli_runner().invoke(args=["actions", "validate", str(broken)])

    assert result.exit_code == 1
    assert "actions[0].improves[0].question: question « nulle » inconnue" in result.output
    assert "actions[0].resources[0]: ressource « inconnue » inconnue" in result.output
