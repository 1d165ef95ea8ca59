"""A refused person or screening says what is wrong in the officer's language, next to the field it is
about, named by the field's label (never its attribute name or a question code); the form comes back
with what was typed and nothing already saved changes."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sigap.audit.models import AuditEvent
from sigap.core.exceptions import ApplicationError
from sigap.persons import screening as rules
from sigap.persons import services
from sigap.persons.models import Person, PersonRole, Screening
from sigap.persons.services import PersonData, person_add
from tests.persons.conftest import VICTIM_NAME

_BLOCK = re.compile(
    r'<(div|fieldset) class="field(?: [\w-]+)* has-error"[^>]*>\s*'
    r"<(?:label[^>]*|legend)>(.*?)</(?:label|legend)>"
    r"(.*?)</\1>",
    re.S,
)
_ERROR = re.compile(r'<p class="error" role="alert">(.*?)</p>', re.S)
_NON_FIELD = re.compile(r'<div class="errors" role="alert">(.*?)</div>', re.S)


def _client(user: Any, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _field_errors(body: str) -> dict[str, list[str]]:
    """The errors the page shows under each field, by the label (or legend) the officer reads."""
    return {
        html.unescape(label).strip(): [html.unescape(e).strip() for e in _ERROR.findall(inner)]
        for _tag, label, inner in _BLOCK.findall(body)
    }


def _all_errors(body: str) -> str:
    above = " ".join(_NON_FIELD.findall(body))
    return html.unescape(" ".join([above, *_ERROR.findall(body)]))


def _stored(person: Person) -> dict[str, Any]:
    person.refresh_from_db()
    kept = {f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields}
    kept.pop("updated_at")
    return kept | {"identifiers": person.unsealed()}


#: Input the form lets through and the service refuses: (field, typed, label, message) per language.
REFUSED = [
    pytest.param(
        "birth_year",
        "2090",
        {
            "id": ("Tahun lahir", "Tahun lahir tidak masuk akal."),
            "en": ("Year of birth", "The year of birth is not plausible."),
        },
        id="birth_year",
    ),
    pytest.param(
        "citizenship",
        "1A",
        {
            "id": (
                "Kewarganegaraan (kode negara dua huruf)",
                "Kewarganegaraan ditulis dengan kode negara dua huruf (ID, MY, KH …).",
            ),
            "en": (
                "Citizenship (two-letter country code)",
                "Citizenship is a two-letter country code (ID, MY, KH …).",
            ),
        },
        id="citizenship",
    ),
    pytest.param(
        "birthdate",
        "2009-13-45",
        {
            "id": ("Tanggal lahir (TTTT-BB-HH)", "Tulis tanggal lahir sebagai TTTT-BB-HH."),
            "en": ("Date of birth (YYYY-MM-DD)", "Write the date of birth as YYYY-MM-DD."),
        },
        id="birthdate",
    ),
    pytest.param(
        "phone",
        "bukan nomor",
        {
            "id": ("Nomor telepon", "Ini bukan nomor telepon yang dapat dibaca SIGAP."),
            "en": ("Phone number", "This is not a phone number SIGAP can read."),
        },
        id="phone",
    ),
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("field", "typed", "texts"), REFUSED)
def test_a_refused_edit_names_the_field_by_its_label_and_keeps_what_was_saved(
    world, language, field, typed, texts
) -> None:
    label, message = texts[language]
    before = _stored(world.victim)
    events = AuditEvent.objects.count()
    url = reverse("persons:edit", kwargs={"pk": world.victim.pk})
    posted = {
        "role": "potential_victim",
        "gender": "Feminine",
        "age": "30",
        "name": "Nama Baru",
        field: typed,
    }
    response = _client(world.users["pimpasa.tirtayasa"], language).post(url, posted)
    body = response.content.decode()
    assert response.status_code == 200
    assert _field_errors(body) == {label: [message]}
    assert not _NON_FIELD.findall(body)  # nothing above the form: the only error is the one under the field
    assert f'value="{typed}"' in body and 'value="Nama Baru"' in body  # what was typed comes back
    assert _stored(world.victim) == before and before["identifiers"]["name"] == VICTIM_NAME
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("field", "typed", "texts"), REFUSED)
def test_a_refused_new_person_names_the_field_and_adds_nobody(world, field, typed, texts) -> None:
    label, message = texts["id"]
    url = reverse("persons:add", kwargs={"pk": world.case_serang.pk})
    before = Person.objects.filter(case=world.case_serang).count()
    response = _client(world.users["pimpasa.tirtayasa"], "id").post(url, {"role": "witness", field: typed})
    body = response.content.decode()
    assert _field_errors(body) == {label: [message]}
    assert field not in _all_errors(body) and f'value="{typed}"' in body
    assert Person.objects.filter(case=world.case_serang).count() == before


#: A value the form offers and the service does not know (the two vocabularies drifting apart).
DRIFT = [
    pytest.param(
        "_CHOICE_FIELDS",
        "trafficking_status",
        "ActualVictimOfTrafficking",
        {
            "id": (
                "Status perdagangan orang (korban)",
                "Nilai tidak dikenal untuk status perdagangan orang.",
            ),
            "en": ("Trafficking status (victims)", "Unknown value for trafficking status."),
        },
        id="choice",
    ),
    pytest.param(
        "_MULTI_FIELDS",
        "recruitment_apps",
        ["WhatsApp", "TikTok"],
        {
            "id": (
                "Aplikasi yang dipakai merekrut (korban)",
                "Nilai tidak dikenal untuk aplikasi yang dipakai merekrut.",
            ),
            "en": ("Apps used to recruit (victims)", "Unknown value for apps used to recruit."),
        },
        id="multiple",
    ),
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("table", "field", "typed", "texts"), DRIFT)
def test_an_unknown_value_names_the_field_not_its_attribute(
    world, monkeypatch, language, table, field, typed, texts
) -> None:
    """The message used to read "Unknown value for recruitment_apps." above the form."""
    label, message = texts[language]
    monkeypatch.setitem(getattr(services, table), field, SimpleNamespace(values=["WhatsApp", "Telegram"]))
    before = _stored(world.victim)
    url = reverse("persons:edit", kwargs={"pk": world.victim.pk})
    response = _client(world.users["pimpasa.tirtayasa"], language).post(
        url, {"role": "potential_victim", field: typed}
    )
    body = response.content.decode()
    assert _field_errors(body) == {label: [message]}
    assert field not in _all_errors(body)
    assert _stored(world.victim) == before


def _screening_url(world) -> str:
    return reverse("persons:screening", kwargs={"pk": world.case_serang.pk})


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_refused_answer_names_the_question_by_its_text(world, monkeypatch, language) -> None:
    """The service names the question in the officer's language, under that question."""
    monkeypatch.setattr(rules, "ANSWERS", ("yes", "no"))  # "unknown" no longer accepted
    questions = rules.checklist().questions
    target = questions[3]
    posted = {f"q_{q.code}": "no" for q in questions} | {
        f"q_{target.code}": "unknown",
        "q_deceived_job": "yes",
    }
    screenings, risk = Screening.objects.count(), world.case_serang.risk
    body = _client(world.users["pimpasa.tirtayasa"], language).post(_screening_url(world), posted)
    text = target.text_en if language == "en" else target.text_id
    errors = _field_errors(body.content.decode())
    assert list(errors) == [text] and text in errors[text][0]
    assert target.code not in _all_errors(body.content.decode())
    typed = re.search(r'<input type="radio" name="q_deceived_job" value="yes"[^>]*>', body.content.decode())
    assert typed is not None and "checked" in typed.group(0)  # what was answered comes back
    world.case_serang.refresh_from_db()
    assert Screening.objects.count() == screenings and world.case_serang.risk == risk


@pytest.mark.parametrize(("language", "label"), [("id", "Orang yang diskrining"), ("en", "Person screened")])
def test_a_screening_of_a_person_not_offered_says_so_under_the_person(world, language, label) -> None:
    """The person's error used to be dropped: the page came back with no message at all."""
    screenings = Screening.objects.count()
    posted = {"person": "999999", "q_deceived_job": "yes"}
    body = _client(world.users["pimpasa.tirtayasa"], language).post(_screening_url(world), posted)
    errors = _field_errors(body.content.decode())
    assert list(errors) == [label] and len(errors[label]) == 1
    assert Screening.objects.count() == screenings


# --- services: what cannot be reached through the forms ------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Too long for address: at most 300 characters."), ("id", "alamat")],
)
def test_a_too_long_identifier_is_named(world, language, expected) -> None:
    """The form stops at 300 characters; the service says which identifier is too long."""
    with translation.override(language), pytest.raises(ApplicationError) as refused:
        person_add(
            case=world.case_serang,
            actor=world.users["pimpasa.tirtayasa"],
            data=PersonData(role=PersonRole.WITNESS, address="x" * 301),
        )
    assert expected in str(refused.value.message) and refused.value.extra == {"field": "address"}
    if language == "id":
        assert "address" not in str(refused.value.message)


def test_a_screening_answer_outside_yes_no_unknown_names_the_question(world) -> None:
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        services.screening_record(
            case=world.case_serang, actor=world.users["pimpasa.tirtayasa"], answers={"deceived_job": "maybe"}
        )
    assert "deceived about the nature of the job" in str(refused.value.message)
    assert "deceived_job" not in str(refused.value.message)
    assert refused.value.extra == {"question": "deceived_job"}
