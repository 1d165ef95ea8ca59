"""The "Orang & skrining" tab as a browser uses it: plain forms with labels and submit buttons."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.persons.models import Person, Screening
from tests.persons.conftest import PHONE, VICTIM_NAME


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_tab_shows_least_data(world) -> None:
    client = _client(world.users["pimpasa.tirtayasa"])
    body = client.get(reverse("persons:case", kwargs={"pk": world.case_serang.pk})).content.decode()
    assert "Calon korban" in body or "Potential victim" in body
    assert "&lt;18" in body
    assert VICTIM_NAME not in body and "3456" not in body
    assert reverse("persons:identifiers", kwargs={"pk": world.victim.pk}) in body
    assert reverse("persons:screening", kwargs={"pk": world.case_serang.pk}) in body
    header = client.get(reverse("cases:detail", kwargs={"pk": world.case_serang.pk})).content.decode()
    assert reverse("persons:case", kwargs={"pk": world.case_serang.pk}) in header


def test_readers_see_the_tab_without_actions(world) -> None:
    body = (
        _client(world.users["analis.banten"])
        .get(reverse("persons:case", kwargs={"pk": world.case_serang.pk}))
        .content.decode()
    )
    assert reverse("persons:identifiers", kwargs={"pk": world.victim.pk}) not in body
    assert reverse("persons:add", kwargs={"pk": world.case_serang.pk}) not in body


def test_add_a_person(world) -> None:
    client = _client(world.users["pimpasa.tirtayasa"])
    url = reverse("persons:add", kwargs={"pk": world.case_serang.pk})
    assert 'type="submit"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "role": "witness",
            "gender": "Masculine",
            "age": "45",
            "citizenship": "ID",
            "name": "Saksi Contoh",
            "phone": "0813 1111 2222",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(case=world.case_serang, role="witness")
    assert person.unsealed()["name"] == "Saksi Contoh" and person.unsealed()["phone"] == "+6281311112222"
    bad = client.post(url, {"role": "witness", "phone": "bukan"})
    assert bad.status_code == 200 and Person.objects.filter(case=world.case_serang).count() == 3


def test_edit_keeps_identifiers_left_empty(world) -> None:
    client = _client(world.users["pimpasa.tirtayasa"])
    url = reverse("persons:edit", kwargs={"pk": world.victim.pk})
    assert VICTIM_NAME not in client.get(url).content.decode()
    response = client.post(
        url, {"role": "potential_victim", "gender": "Feminine", "age": "17", "citizenship": "ID"}
    )
    assert response.status_code == 302
    world.victim.refresh_from_db()
    assert world.victim.unsealed()["name"] == VICTIM_NAME


def test_show_identifiers_asks_why_and_audits(world) -> None:
    client = _client(world.users["pimpasa.tirtayasa"])
    url = reverse("persons:identifiers", kwargs={"pk": world.victim.pk})
    first = client.get(url).content.decode()
    assert VICTIM_NAME not in first and 'name="purpose"' in first
    shown = client.post(url, {"purpose": "refer"}).content.decode()
    assert VICTIM_NAME in shown
    assert AuditEvent.objects.filter(action="read.sensitive", object_id=str(world.victim.pk)).count() == 1


def test_screening_form_records_and_shows_the_result(world) -> None:
    client = _client(world.users["supervisor.serang"])
    url = reverse("persons:screening", kwargs={"pk": world.case_serang.pk})
    form = client.get(url).content.decode()
    assert 'type="radio"' in form and re.search(r'value="unknown"[^>]*checked', form)
    answers = {"q_dest_confined": "yes", "q_deceived_job": "yes", "person": str(world.victim.pk)}
    response = client.post(url, answers)
    assert response.status_code == 302
    screening = Screening.objects.latest("id")
    assert screening.risk == "critical" and screening.person == world.victim
    world.case_serang.refresh_from_db()
    assert world.case_serang.risk == "critical"
    tab = client.get(reverse("persons:case", kwargs={"pk": world.case_serang.pk})).content.decode()
    assert "risk-critical" in tab


def test_phone_lookup_page(world) -> None:
    client = _client(world.users["supervisor.serang"])
    body = client.post(reverse("persons:phone"), {"phone": PHONE}).content.decode()
    assert world.case_serang.number in body and world.case_tangerang.number not in body
    invalid = client.post(reverse("persons:phone"), {"phone": "xyz"}).content.decode()
    assert world.case_serang.number not in invalid


def test_phone_lookup_keeps_the_number_out_of_the_address(world) -> None:
    """A person's phone number in a query string lands in access logs, proxies and the browser
    history: the lookup is a POST, and a number put in the address is not looked up."""
    client = _client(world.users["supervisor.serang"])
    for page in (
        client.get(reverse("persons:phone")).content.decode(),
        client.get(reverse("persons:case", kwargs={"pk": world.case_serang.pk})).content.decode(),
    ):
        assert re.search(r'<form method="post"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"', page)
        assert 'name="phone"' in page
    body = client.get(reverse("persons:phone"), {"phone": PHONE}).content.decode()
    assert world.case_serang.number not in body
    assert not AuditEvent.objects.filter(action="person.phone_lookup").exists()


def test_posts_outside_reach_change_nothing(world) -> None:
    posts = [
        (reverse("persons:add", kwargs={"pk": world.case_serang.pk}), {"role": "witness"}),
        (reverse("persons:edit", kwargs={"pk": world.victim.pk}), {"role": "other"}),
        (reverse("persons:identifiers", kwargs={"pk": world.victim.pk}), {"purpose": "verify"}),
        (reverse("persons:screening", kwargs={"pk": world.case_serang.pk}), {"q_dest_violence": "yes"}),
    ]
    before = (Person.objects.count(), Screening.objects.count(), AuditEvent.objects.count())
    refusals = (("supervisor.tangerang", {404}), ("analis.banten", {403}), ("mitra.polres", {403}))
    for username, statuses in refusals:
        client = _client(world.users[username])
        for url, data in posts:
            response = client.post(url, data)
            assert response.status_code in statuses, (username, url, response.status_code)
            assert VICTIM_NAME not in response.content.decode()
    assert (Person.objects.count(), Screening.objects.count(), AuditEvent.objects.count()) == before
    world.victim.refresh_from_db()
    assert world.victim.role == "potential_victim"


def test_shown_identifiers_are_not_kept_in_the_browser_cache(world) -> None:
    """Like the reporter's identity on the signal page: a decrypted name, NIK or phone is sent with
    ``Cache-Control: no-store`` so a shared office computer does not keep it on disk."""
    client = _client(world.users["pimpasa.tirtayasa"])
    url = reverse("persons:identifiers", kwargs={"pk": world.victim.pk})
    shown = client.post(url, {"purpose": "refer"})
    assert VICTIM_NAME in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]


def test_editing_clears_a_date_of_birth_with_a_dash_like_the_other_identifiers() -> None:
    """The form's help says "write '-' to clear it": a date field used to refuse the dash."""
    from sigap.persons.forms import PersonForm
    from sigap.persons.models import PersonRole

    form = PersonForm({"role": PersonRole.POTENTIAL_VICTIM, "birthdate": "-", "name": ""}, editing=True)
    assert form.is_valid(), form.errors
    data = form.person_data()
    assert data.birthdate == "" and data.name is None  # cleared; left as stored
