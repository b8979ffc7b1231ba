"""Beheer: escalation paths between meeting types."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from overleg.extensions import db
from overleg.models import EscalationPath
from tests.admin_support import ADMIN_DENIED_ROLES, alerts, field_error, page, table_column
from tests.conftest import assert_audit
from tests.factories import meeting_type


def n_paths():
    return db.session.scalar(select(func.count(EscalationPath.id)))


def test_list_shows_the_seeded_paths_in_dutch(admin, seeded):
    resp = admin.get("/beheer/escalatiepaden")
    assert table_column(resp) == [
        "Driehoeksoverleg",
        "Operationeel Veiligheidsoverleg",
        "Politie Overleg",
        "Tactisch Veiligheidsoverleg",
        "Tactisch Veiligheidsoverleg",
    ]
    assert table_column(resp, 2).count("Opschalen") == 3
    assert table_column(resp, 2).count("Opdracht geven") == 2


def test_add_path(admin, seeded):
    ovo, driehoek = meeting_type("ovo"), meeting_type("driehoek")
    resp = admin.post(
        "/beheer/escalatiepaden",
        data={"from_type_id": str(ovo.id), "to_type_id": str(driehoek.id), "direction": "up"},
        follow_redirects=True,
    )
    assert (
        "Het pad van Operationeel Veiligheidsoverleg naar Driehoeksoverleg is toegevoegd."
        in alerts(resp, "ok")
    )
    path = db.session.scalar(
        select(EscalationPath).where(
            EscalationPath.from_type_id == ovo.id, EscalationPath.to_type_id == driehoek.id
        )
    )
    assert path.direction == "up"
    assert_audit("escalation_path_created", object_id=path.id)


def test_bad_paths_are_refused(admin, seeded):
    tvo, po = meeting_type("tvo"), meeting_type("po")
    resp = admin.post(
        "/beheer/escalatiepaden",
        data={"from_type_id": str(tvo.id), "to_type_id": str(tvo.id), "direction": "up"},
    )
    assert resp.status_code == 400
    assert (
        field_error(resp, "to_type_id")
        == "Een escalatiepad loopt tussen twee verschillende overlegvormen."
    )
    resp = admin.post(
        "/beheer/escalatiepaden",
        data={"from_type_id": str(tvo.id), "to_type_id": str(po.id), "direction": "down"},
    )
    assert resp.status_code == 400
    assert field_error(resp, "to_type_id") == (
        "Er bestaat al een pad van Tactisch Veiligheidsoverleg naar Politie Overleg (opschalen)."
    )
    resp = admin.post(
        "/beheer/escalatiepaden",
        data={"from_type_id": "", "to_type_id": "999", "direction": "opzij"},
    )
    assert resp.status_code == 400
    assert field_error(resp, "from_type_id") == "Kies de overlegvorm waar het pad begint."
    assert field_error(resp, "to_type_id") == "Ongeldige keuze."
    assert field_error(resp, "direction") == "Ongeldige keuze."
    assert n_paths() == 5


def test_delete_path(admin, seeded):
    path = db.session.scalar(
        select(EscalationPath).where(EscalationPath.from_type_id == meeting_type("po").id)
    )
    resp = admin.post(f"/beheer/escalatiepaden/{path.id}/verwijderen", follow_redirects=True)
    assert "Het pad van Politie Overleg naar Tactisch Veiligheidsoverleg is verwijderd." in alerts(
        resp, "ok"
    )
    assert n_paths() == 4
    assert admin.post(f"/beheer/escalatiepaden/{path.id}/verwijderen").status_code == 404


def test_search_and_sort(admin, seeded):
    resp = admin.get("/beheer/escalatiepaden?q=driehoek")
    assert sorted(zip(table_column(resp, 0), table_column(resp, 1), strict=True)) == [
        ("Driehoeksoverleg", "Tactisch Veiligheidsoverleg"),
        ("Tactisch Veiligheidsoverleg", "Driehoeksoverleg"),
    ]
    assert "2 paden gevonden voor ‘driehoek’" in page(resp)
    directions = table_column(admin.get("/beheer/escalatiepaden?sort=richting&richting=desc"), 2)
    assert directions == ["Opschalen"] * 3 + ["Opdracht geven"] * 2
    targets = table_column(admin.get("/beheer/escalatiepaden?sort=naar"), 1)
    assert targets == sorted(targets)


@pytest.mark.parametrize("role", ADMIN_DENIED_ROLES)
def test_non_admins_get_403(as_role, seeded, role):
    c = as_role(role)
    tvo, ovo = meeting_type("tvo"), meeting_type("ovo")
    path = db.session.scalar(select(EscalationPath).limit(1))
    assert c.get("/beheer/escalatiepaden").status_code == 403
    assert (
        c.post(
            "/beheer/escalatiepaden",
            data={"from_type_id": str(tvo.id), "to_type_id": str(ovo.id), "direction": "down"},
        ).status_code
        == 403
    )
    assert c.post(f"/beheer/escalatiepaden/{path.id}/verwijderen").status_code == 403
    assert n_paths() == 5
