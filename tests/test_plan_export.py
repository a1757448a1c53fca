"""The plan in the organisation's data export: plan.csv in the ZIP, beside the JSON."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

from assett.services import plans

from . import factories
from .test_plans import assessed  # noqa: F401  (fixture)


def test_the_zip_export_holds_the_plan_as_csv_with_its_steps_and_notes(
    assessed: factories.World,  # noqa: F811
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    org = assessed.org
    item = plans.add_from_catalogue(org, "releve_mensuel_compteurs", assessed.actor)
    plans.update_action(
        item,
        status="en_cours",
        reason=None,
        owner_id=assessed.actor.id,
        start_on=date(2026, 1, 5),
        due_on=date(2026, 6, 30),
    )
    plans.add_step(item, "Ouvrir l'espace client Enedis")
    plans.add_note(item, assessed.actor, "Premier relevé fait")
    plans.add_custom(org, assessed.actor, "Isoler les combles", "energie")
    plans.add_custom(assessed.other_org, assessed.other_actor, "Action d'un autre", "energie")
    client = login_as(assessed.actor)

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/o/{org.id}/export.zip").get_data()))

    raw = archive.read("plan.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [row["titre"] for row in rows] == [
        "Relever chaque mois les compteurs et suivre les factures",
        "Isoler les combles",
    ]
    first = rows[0]
    assert first["statut"] == "En cours"
    assert first["responsable"] == "actrice@example.org"
    assert (first["debut"], first["echeance"]) == ("2026-01-05", "2026-06-30")
    assert first["reponses_visees"] == "suivi_consommations→mensuel"
    assert first["etapes"] == "[ ] Ouvrir l'espace client Enedis"
    assert "Premier relevé fait" in first["notes"]
    assert rows[1]["action_catalogue"] == ""
    assert "plan.csv" in archive.read("LISEZMOI.txt").decode()
    exported = json.loads(archive.read("export.json"))
    assert len(exported["action_plan"]) == 2
