"""Campaigns: create, import a list, preview, test mail, send through a real SMTP server."""

from __future__ import annotations

import html
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Campaign, CampaignRecipient
from assett.services import campaigns as service
from assett.services.campaign_import import MAX_BYTES

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture

SIRETS = ["73282932000009", "73282932000017", "73282932000025", "73282932000033"]
BODY = "Bonjour {{ organisation }},\n\nRejoignez le réseau de {{ territoire }} : {{ lien }}"


def make_campaign(world: factories.World, kind: str = "invitation", **fields: Any) -> Campaign:
    values = {
        "kind": kind,
        "name": "Invitation 2027",
        "subject": "{{ organisation }} : rejoignez {{ territoire }}",
        "body": BODY,
        "min_gap_days": 7,
        "max_mails": 3,
    }
    values.update(fields)
    return service.create_campaign(world.territory, world.animator, service.CampaignInput(**values))


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


def upload(
    client: FlaskClient,
    world: factories.World,
    campaign: Campaign,
    data: bytes,
    name: str = "liste.csv",
) -> Any:
    return client.post(
        f"/t/{world.territory.slug}/animation/campagnes/{campaign.id}/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def recipients(campaign: Campaign) -> int:
    return (
        db.session.scalar(select(func.count()).where(CampaignRecipient.campaign_id == campaign.id))
        or 0
    )


# --- Creating ----------------------------------------------------------------------------------


def test_an_animator_creates_a_campaign(world: factories.World, login_as: Any) -> None:
    client = login_as(world.animator)
    response = client.post(
        "/t/demo/animation/campagnes/nouvelle",
        data={
            "kind": "invitation",
            "name": "Promotion 2027",
            "subject": "Bienvenue {{ organisation }}",
            "body": BODY,
            "min_gap_days": "7",
            "max_mails": "3",
        },
    )
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert campaign is not None and campaign.name == "Promotion 2027"  # noqa: PT018


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "Bonjour {{ nom_inconnu }}", "Champ de fusion inconnu"),
        ("body", "{{ organisation.__class__ }}", "Champ de fusion inconnu"),
        ("body", "{% for x in range(10) %}x{% endfor %}", "Seuls les champs de fusion"),
        ("subject", "{{ lien|upper }}", "Champ de fusion inconnu"),
        ("body", "Bonjour {{ organisation ", "ne peut pas être lu"),
        ("name", "", "Donnez un nom"),
    ],
)
def test_a_template_with_more_than_merge_fields_is_refused_naming_the_field(
    world: factories.World, login_as: Any, field: str, value: str, message: str
) -> None:
    client = login_as(world.animator)
    data = {
        "kind": "invitation",
        "name": "Campagne",
        "subject": "Objet",
        "body": BODY,
        "min_gap_days": "7",
        "max_mails": "3",
    }
    data[field] = value
    response = client.post("/t/demo/animation/campagnes/nouvelle", data=data)
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


# --- Importing ---------------------------------------------------------------------------------


def test_a_clean_list_is_imported_with_its_cohort(world: factories.World, login_as: Any) -> None:
    factories.make_cohort(world.territory, "Pionniers")
    campaign = make_campaign(world)
    client = login_as(world.animator)
    data = csv_bytes(
        "nom;siret;e-mail;cohorte",
        f"Boulangerie Lenoir;{SIRETS[0]};Contact@Lenoir.fr;Pionniers",
        f"Garage du Pont;{SIRETS[1]};garage@pont.fr;",
    )
    response = upload(client, world, campaign, data)
    assert response.status_code == 302
    rows = db.session.scalars(select(CampaignRecipient).order_by(CampaignRecipient.id)).all()
    assert [r.email for r in rows] == ["contact@lenoir.fr", "garage@pont.fr"]
    assert rows[0].cohort_id is not None and rows[1].cohort_id is None  # noqa: PT018


def test_an_xlsx_list_is_imported(world: factories.World, login_as: Any) -> None:
    campaign = make_campaign(world)
    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "SIRET", "E-mail"])
    sheet.append(["Scierie Martin", int(SIRETS[2]), "scierie@martin.fr"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(login_as(world.animator), world, campaign, buffer.getvalue(), "l.xlsx")
    assert response.status_code == 302
    assert recipients(campaign) == 1


def test_a_list_with_errors_is_refused_whole_listing_every_row_and_column(
    world: factories.World, login_as: Any
) -> None:
    campaign = make_campaign(world)
    data = csv_bytes(
        "nom,siret,e-mail,cohorte",
        f"Bonne ligne,{SIRETS[0]},bonne@ligne.fr,",
        "Mauvais siret,12345678901234,a@b.fr,",
        ",,pas-une-adresse,",
        '=HYPERLINK("http://x"),,c@d.fr,',
        f"Doublon,{SIRETS[1]},bonne@ligne.fr,",
        "Cohorte,,e@f.fr,Inconnue",
    )
    response = upload(login_as(world.animator), world, campaign, data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    for expected in (
        "Ligne 3, colonne « siret »",
        "Ligne 4, colonne « nom »",
        "Ligne 4, colonne « e-mail »",
        "Ligne 5, colonne « nom » : une formule de tableur",
        "Ligne 6, colonne « e-mail » : adresse déjà présente ligne 2",
        "Ligne 7, colonne « cohorte »",
    ):
        assert expected in page
    assert recipients(campaign) == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("nom;e-mail\nCafé;a@b.fr\n".encode("cp1252"), "l.csv", "n'est pas encodé en UTF-8"),
        (b"nom;e-mail\x00\n", "l.csv", "n'est pas un fichier texte CSV"),
        (b"", "l.csv", "Le fichier est vide"),
        (b"PK\x03\x04garbage", "l.xlsx", "ne peut pas être lu"),
        (b"nom;telephone\nA;0102\n", "l.csv", "colonne inconnue"),
        (b"siret\n1\n", "l.csv", "colonne obligatoire absente"),
        (b'nom;e-mail\n"A;a@b.fr\n', "l.csv", "mal formé"),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_message(
    world: factories.World, login_as: Any, data: bytes, name: str, message: str
) -> None:
    campaign = make_campaign(world)
    response = upload(login_as(world.animator), world, campaign, data, name)
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert recipients(campaign) == 0


def test_a_huge_file_is_refused(world: factories.World, login_as: Any) -> None:
    campaign = make_campaign(world)
    response = login_as(world.animator).post(
        f"/t/demo/animation/campagnes/{campaign.id}/import",
        data=b"--x\r\n" + b"0" * (MAX_BYTES + 10),
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    response.close()
    with pytest.raises(service.ServiceError, match="dépasse"):
        service.import_contacts(campaign, b"nom;e-mail\n" + b"a" * MAX_BYTES, "l.csv")


def test_an_xlsx_formula_is_refused(world: factories.World, login_as: Any) -> None:
    campaign = make_campaign(world)
    book = Workbook()
    sheet = book.active
    sheet.append(["nom", "e-mail"])
    sheet.append(["=1+1", "a@b.fr"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(login_as(world.animator), world, campaign, buffer.getvalue(), "l.xlsx")
    assert response.status_code == 400
    assert "formule" in html.unescape(response.get_data(as_text=True))


# --- Preview, test mail, sending ---------------------------------------------------------------


def test_the_preview_merges_the_first_imported_organisation(
    world: factories.World, login_as: Any
) -> None:
    campaign = make_campaign(world)
    service.import_contacts(campaign, csv_bytes("nom;e-mail", "Ferme <Bio> & Co;f@b.fr"), "l.csv")
    page = login_as(world.animator).get(f"/t/demo/animation/campagnes/{campaign.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bonjour Ferme &lt;Bio&gt; &amp; Co," in text
    assert "/t/demo/inscription" in text


def test_a_test_mail_reaches_the_animator(
    world: factories.World,
    login_as: Any,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    campaign = make_campaign(world)
    response = login_as(world.animator).post(f"/t/demo/animation/campagnes/{campaign.id}/test")
    assert response.status_code == 302
    (message,) = smtp_inbox.server.wait_for(1)
    assert message.rcpt_tos == ["animateur@example.org"]
    assert message.message["Subject"].startswith("[Test] Boulangerie Exemple")
    assert recipients(campaign) == 0


def test_sending_mails_every_recipient_with_merge_fields(
    world: factories.World,
    login_as: Any,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    campaign = make_campaign(world)
    service.import_contacts(
        campaign, csv_bytes("nom;e-mail", "Lenoir;a@lenoir.fr", "Pont;b@pont.fr"), "l.csv"
    )
    response = login_as(world.animator).post(f"/t/demo/animation/campagnes/{campaign.id}/envoyer")
    assert response.status_code == 302
    received = smtp_inbox.server.wait_for(2)
    by_address = {r.rcpt_tos[0]: r.message for r in received}
    mail = by_address["a@lenoir.fr"]
    assert mail["Subject"] == "Lenoir : rejoignez Territoire de démonstration"
    body = Inbox.body(mail)
    assert body.startswith("Bonjour Lenoir,")
    assert "http://localhost/t/demo/inscription" in body
    assert "/campagnes/desabonnement/" in mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    db.session.refresh(campaign)
    assert campaign.status == "sent"


def test_merge_values_cannot_inject_headers_or_html(
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    from assett.services.campaign_sending import send_campaign

    campaign = make_campaign(world)
    hostile = 'Acme\u2028Bcc: victime@example.org <img src=x onerror="alert(1)">'
    db.session.add(
        CampaignRecipient(
            campaign_id=campaign.id,
            name=hostile,
            email="cible@example.org",
            address_hash=service.address_hash(world.territory.id, "cible@example.org"),
            mail_count=0,
        )
    )
    db.session.commit()
    send_campaign(campaign)
    (received,) = smtp_inbox.server.wait_for(1)
    assert received.rcpt_tos == ["cible@example.org"]
    assert received.message["Bcc"] is None
    header_block = received.raw.split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc:" not in header_block
    part = received.message.get_body(("html",))
    assert part is not None
    content = part.get_content()
    assert "<img" not in content
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in content


def test_sending_with_no_recipient_says_so(world: factories.World, login_as: Any) -> None:
    campaign = make_campaign(world)
    client = login_as(world.animator)
    response = client.post(
        f"/t/demo/animation/campagnes/{campaign.id}/envoyer", follow_redirects=True
    )
    assert "Ajoutez des destinataires" in html.unescape(response.get_data(as_text=True))


def test_picking_organisations_adds_their_members_without_naming_them(
    world: factories.World, login_as: Any
) -> None:
    cohort = factories.make_cohort(world.territory, "Pionniers", members=(world.org,))
    campaign = make_campaign(world, kind="relance")
    client = login_as(world.animator)
    response = client.post(
        f"/t/demo/animation/campagnes/{campaign.id}/organisations",
        data={"cohort": str(cohort.id), "section": "", "theme": ""},
    )
    assert response.status_code == 302
    (row,) = db.session.scalars(select(CampaignRecipient)).all()
    assert row.email == "actrice@example.org" and row.organisation_id == world.org.id  # noqa: PT018
    page = client.get(f"/t/demo/animation/campagnes/{campaign.id}").get_data(as_text=True)
    assert "Boulangerie Durand" not in page
    assert "actrice@example.org" not in page


def test_a_cohort_of_another_territory_cannot_be_picked(
    world: factories.World, login_as: Any
) -> None:
    foreign = factories.make_cohort(world.other_territory, "Ailleurs")
    campaign = make_campaign(world, kind="relance")
    with pytest.raises(service.ServiceError):
        service.add_organisations(campaign, service.Selection(cohort_id=foreign.id))


def test_on_an_english_page_a_refused_list_names_each_row_and_column_in_english(
    world: factories.World, login_as: Any
) -> None:
    campaign = make_campaign(world)
    client = login_as(world.animator)
    client.set_cookie("langue", "en")
    data = csv_bytes(
        "nom,siret,e-mail,cohorte",
        "Bonne ligne,,bonne@ligne.fr,",
        "Mauvais siret,123,pas-une-adresse,",
        "Doublon,,bonne@ligne.fr,Inconnue",
    )

    response = upload(client, world, campaign, data)

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    for expected in (
        'Row 3, column "siret": The SIRET must have 14 digits.',
        'Row 3, column "e-mail": "pas-une-adresse" is not a valid e-mail address',
        'Row 4, column "e-mail": address already given on line 2',
        'Row 4, column "cohorte": the cohort "Inconnue" does not exist on the territory',
    ):
        assert expected in page
    assert "n'est pas une adresse" not in page
    assert recipients(campaign) == 0
