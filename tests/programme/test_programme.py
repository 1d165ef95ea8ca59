"""Services, selectors and pages of the programme, on the demo world and the demo programme."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from sigap.accounts.roles import Role
from sigap.accounts.services import user_create
from sigap.audit.models import AuditEvent
from sigap.core.demo import LONTAR
from sigap.core.exceptions import ApplicationError
from sigap.organisations.models import Organisation
from sigap.programme import selectors, services
from sigap.programme.demo import SEED_TITLE, demo_programme
from sigap.programme.models import Activity, DesaBinaan, NetworkContact, Phase
from sigap.programme.models import TestResponse as Sheet


@pytest.fixture
def programme(demo_world):
    assert demo_programme() is True
    assert demo_programme() is False  # a second run adds nothing
    return demo_world


def _seed_event() -> Activity:
    return Activity.objects.get(title=SEED_TITLE)


def test_demo_lontar_is_a_desa_binaan_with_its_pimpasa_network_and_the_seed_event(programme) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    lontar = selectors.desa_binaan_get(user=pimpasa, code=LONTAR)
    assert lontar is not None and "fishing" in lontar.criteria
    current = selectors.current_pimpasa(user=pimpasa, desa_binaan=lontar)
    assert current is not None and current.officer == pimpasa
    assert selectors.contacts(user=pimpasa, desa_binaan=lontar).count() == 7
    event = _seed_event()
    assert event.held_on == date(2025, 11, 12) and "MTs Nurul Bahri" in event.place
    assert "Felucia Sengky Ratna" in event.officials and "Endi" in event.officials
    assert len(event.materials) == 6
    assert all(p.count is None for p in event.participants.all())  # the article gives no numbers
    assert event.questions.filter(illustrative=True).count() == 3
    summary = selectors.test_summary(user=pimpasa, test=event.knowledge_test)
    assert summary.paired and summary.n == 20 and summary.n_pre == 24 and summary.n_post == 22
    assert summary.gain is not None and summary.gain > 0 and summary.effect_low is not None


def test_contacts_are_sealed_and_each_reveal_is_audited(programme) -> None:
    contact = NetworkContact.objects.get(role="sekdes")
    assert "Endi" not in contact.name_sealed and "0812" not in contact.phone_sealed
    shown = services.contact_reveal(actor=programme["pimpasa.tirtayasa"], contact=contact)
    assert shown.name == "Endi" and shown.phone == "0812-0000-2002"
    event = AuditEvent.objects.filter(action="read.sensitive", object_id=str(contact.pk)).get()
    assert "Endi" not in str(event.metadata)
    for username in ("pusat", "kader.lontar", "mitra.polres"):
        with pytest.raises(PermissionDenied):
            services.contact_reveal(actor=programme[username], contact=contact)


def test_who_reads_what(programme) -> None:
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    kader, mitra = programme["kader.lontar"], programme["mitra.polres"]
    assert list(selectors.desa_binaan_list(user=kader)) == [lontar]  # the kader's own village only
    assert selectors.activities(user=kader).count() == 1
    assert selectors.contacts(user=kader, desa_binaan=lontar).count() == 0
    assert selectors.desa_binaan_list(user=mitra).count() == 0
    assert selectors.desa_binaan_list(user=programme["pusat"]).count() == 5
    assert selectors.may_change(user=programme["supervisor.serang"], desa_binaan=lontar)
    assert not selectors.may_change(user=programme["analis.banten"], desa_binaan=lontar)
    with pytest.raises(PermissionDenied):
        services.question_add(actor=kader, activity=_seed_event(), question="q", answer="a")


def test_pimpasa_history_is_kept(programme) -> None:
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    other = user_create(
        username="pimpasa.baru",
        password=None,
        role=Role.PIMPASA,
        organisation=Organisation.objects.get(short_name="Kanim Serang"),
        scope_codes=[LONTAR],
    )
    supervisor = programme["supervisor.serang"]
    with pytest.raises(ApplicationError):
        services.pimpasa_assign(actor=supervisor, desa_binaan=lontar, officer=other, since=date(2025, 1, 1))
    services.pimpasa_assign(actor=supervisor, desa_binaan=lontar, officer=other, since=date(2026, 1, 5))
    history = list(selectors.assignments(user=supervisor, desa_binaan=lontar))
    assert [(a.officer.username, a.until) for a in history] == [
        ("pimpasa.baru", None),
        ("pimpasa.tirtayasa", date(2026, 1, 5)),
    ]


def test_pairing_codes_pair_once(programme) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    activity = services.activity_record(
        actor=pimpasa,
        desa_binaan=DesaBinaan.objects.get(desa_id=LONTAR),
        kind="sosialisasi",
        title="Tes",
        held_on=date(2026, 1, 10),
        place="Balai desa",
        materials=["paspor"],
    )
    test = services.test_attach(actor=pimpasa, activity=activity)
    codes = [item.code for item in test.ordered_items()]
    pre = services.test_submit(test=test, phase=Phase.PRE, answers={codes[0]: 0, codes[1]: 3})
    assert pre.response.score == 1 and pre.response.total == len(codes) and pre.pair_code
    post = services.test_submit(
        test=test, phase=Phase.POST, answers={c: 0 for c in codes}, pair_code=pre.pair_code.lower()
    )
    assert post.response.paired_with == pre.response and post.response.score == len(codes)
    with pytest.raises(ApplicationError):
        services.test_submit(test=test, phase=Phase.POST, answers={}, pair_code=pre.pair_code)
    paper = services.test_submit(test=test, phase=Phase.PRE, answers={}, actor=pimpasa)
    assert paper.response.source == "paper" and paper.response.entered_by == pimpasa
    services.test_set_open(actor=pimpasa, test=test, is_open=False)
    with pytest.raises(ApplicationError):
        services.test_submit(test=test, phase=Phase.PRE, answers={})


def test_three_clicks_from_home_to_the_seed_event(programme) -> None:
    client = Client()
    client.force_login(programme["pimpasa.tirtayasa"])
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("programme:list") in home  # click 1
    listing = client.get(reverse("programme:list")).content.decode()
    assert reverse("programme:desa", args=[LONTAR]) in listing  # click 2
    desa = client.get(reverse("programme:desa", args=[LONTAR])).content.decode()
    event = _seed_event()
    assert reverse("programme:activity", args=[event.pk]) in desa  # click 3
    assert "Endi" not in desa  # the network is masked
    page = client.get(reverse("programme:activity", args=[event.pk])).content.decode()
    for text in ("Felucia Sengky Ratna", "MTs Nurul Bahri", 'id="gain-ci"', 'id="effect-ci"', "<svg"):
        assert text in page


def test_reveal_on_the_desa_page(programme) -> None:
    client = Client()
    client.force_login(programme["supervisor.serang"])
    contact = NetworkContact.objects.get(role="sekdes")
    response = client.post(
        reverse("programme:desa", args=[LONTAR]), {"action": "reveal", "contact": contact.pk}
    )
    assert response.status_code == 200 and "Endi" in response.content.decode()
    assert "no-store" in response["Cache-Control"]  # a revealed name and phone stay off the disk cache
    client.force_login(programme["pusat"])
    response = client.post(
        reverse("programme:desa", args=[LONTAR]), {"action": "reveal", "contact": contact.pk}
    )
    assert response.status_code == 403


def test_promote_to_the_public_faq(programme) -> None:
    event = _seed_event()
    qa = event.questions.order_by("pk").last()
    assert qa is not None and qa.promoted_at is None
    client = Client()
    client.force_login(programme["pimpasa.tirtayasa"])
    url = reverse("programme:activity", args=[event.pk])
    assert client.post(url, {"action": "promote", "qa": qa.pk}).status_code == 302
    faq = Client().get(reverse("programme:faq")).content.decode()
    assert qa.question in faq
    client.force_login(programme["kader.lontar"])
    assert client.post(url, {"action": "withdraw", "qa": qa.pk}).status_code == 403


def test_public_quiz_without_an_account(programme) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    event = _seed_event()
    test = event.knowledge_test
    services.test_set_open(actor=pimpasa, test=test, is_open=True)
    client = Client(enforce_csrf_checks=True)
    url = reverse("programme:quiz", args=[test.code.lower()])
    assert "?fase=sebelum" in client.get(url).content.decode()
    page = client.get(url, {"fase": "sebelum"})
    token = (
        page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    )
    codes = [item.code for item in test.ordered_items()]
    before = Sheet.objects.count()
    response = client.post(
        url + "?fase=sebelum", {"csrfmiddlewaretoken": token, **{f"q_{c}": "0" for c in codes}}
    )
    assert response.status_code == 302 and Sheet.objects.count() == before + 1
    done = client.get(response["Location"]).content.decode()
    assert 'id="pair-code"' in done
    assert Client().get(reverse("programme:quiz_done", args=[test.code])).status_code == 302
    assert Client().get(reverse("programme:quiz", args=["NOSUCH"])).status_code == 404


def test_guessing_test_codes_is_throttled_per_address(programme) -> None:
    """/tes/<code>/ is public: 404 for an unknown code, the sheet for a known one. Without a limit an
    address could try codes until it finds open tests (and then post made-up sheets to skew the
    programme's figures). After too many unknown codes every code answers 429, so the answer no
    longer tells a known code from an unknown one."""
    from django.core.cache import cache

    from sigap.programme.views import MISS_LIMIT

    cache.clear()
    test = _seed_event().knowledge_test
    services.test_set_open(actor=programme["pimpasa.tirtayasa"], test=test, is_open=True)
    client = Client()
    try:
        for n in range(MISS_LIMIT[0] - 1):
            assert client.get(reverse("programme:quiz", args=[f"NOPE{n:02d}"])).status_code == 404
        assert client.get(reverse("programme:quiz", args=[test.code])).status_code == 200  # typos are fine
        assert client.get(reverse("programme:quiz", args=["NOPEXX"])).status_code == 404
        assert client.get(reverse("programme:quiz", args=["NOPEYY"])).status_code == 429
        assert client.get(reverse("programme:quiz", args=[test.code])).status_code == 429
        other = Client(REMOTE_ADDR="192.0.2.7")  # another address is not held up
        assert other.get(reverse("programme:quiz", args=[test.code])).status_code == 200
    finally:
        cache.clear()


def test_officer_records_an_activity_and_its_participants_through_the_pages(programme) -> None:
    client = Client()
    client.force_login(programme["pimpasa.tirtayasa"])
    url = reverse("programme:desa", args=["36.04.13.2006"])  # Sujung
    response = client.post(
        url,
        {
            "action": "activity",
            "kind": "layanan_paspor",
            "title": "Layanan paspor keliling di balai desa",
            "held_on": "2026-01-20",
            "place": "Balai Desa Sujung",
            "materials": ["paspor", "pmi_prosedural"],
            "officials": "Petugas Kanim Serang",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="Layanan paspor keliling di balai desa")
    assert activity.materials == ["paspor", "pmi_prosedural"]
    response = client.post(
        reverse("programme:activity", args=[activity.pk]),
        {"action": "participants", "n_masyarakat_p": "12", "n_masyarakat_l": "9", "present_guru": "on"},
    )
    assert response.status_code == 302
    rows = {(r.group, r.sex): r.count for r in activity.participants.all()}
    assert rows == {("masyarakat", "p"): 12, ("masyarakat", "l"): 9, ("guru", "x"): None}
    page = client.get(reverse("programme:activity", args=[activity.pk])).content.decode()
    assert "21" in page  # the villagers' total
    client.force_login(programme["kader.lontar"])
    lontar = reverse("programme:desa", args=[LONTAR])
    assert 'id="activity-form"' not in client.get(lontar).content.decode()
    assert client.post(lontar, {"action": "activity", "kind": "kunjungan"}).status_code == 403


def test_officer_adds_a_contact_and_assigns_a_pimpasa_through_the_page(programme) -> None:
    other = user_create(
        username="pimpasa.kedua",
        password=None,
        role=Role.PIMPASA,
        organisation=Organisation.objects.get(short_name="Kanim Serang"),
        scope_codes=[LONTAR],
        first_name="Pimpasa",
        last_name="Kedua",
    )
    client = Client()
    client.force_login(programme["supervisor.serang"])
    url = reverse("programme:desa", args=[LONTAR])
    page = client.get(url).content.decode()
    assert "Pimpasa Kedua" in page  # offered in the assignment form
    response = client.post(
        url, {"action": "contact", "role": "tokoh_pemuda", "name": "Ujang", "phone": "0812"}
    )
    assert response.status_code == 302
    contact = NetworkContact.objects.get(role="tokoh_pemuda")
    assert "Ujang" not in contact.name_sealed and "Ujang" not in client.get(url).content.decode()
    response = client.post(url, {"action": "assign", "officer": other.pk, "since": "2026-02-01"})
    assert response.status_code == 302
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    current = selectors.current_pimpasa(user=programme["supervisor.serang"], desa_binaan=lontar)
    assert current is not None and current.officer == other
    assert client.post(url, {"action": "assign", "officer": "", "since": ""}).status_code == 400
    client.force_login(programme["analis.banten"])
    assert client.post(url, {"action": "contact", "role": "guru", "name": "X"}).status_code == 403


def _png_upload(name: str = "sosialisasi.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_activity_photos_are_cleaned_kept_private_and_audited(programme) -> None:
    event = _seed_event()
    client = Client()
    client.force_login(programme["pimpasa.tirtayasa"])
    url = reverse("programme:activity", args=[event.pk])
    response = client.post(
        url, {"action": "photo", "photo": _png_upload(), "caption": "Siswa MTs Nurul Bahri"}
    )
    assert response.status_code == 302
    photo = event.photos.get()
    assert photo.content_type == "image/png" and photo.caption == "Siswa MTs Nurul Bahri"
    assert AuditEvent.objects.filter(action="programme.photo_add", object_id=str(photo.pk)).exists()
    page = client.get(url).content.decode()
    photo_url = reverse("programme:photo", args=[event.pk, photo.pk])
    assert photo_url in page and 'alt="Siswa MTs Nurul Bahri"' in page
    shown = client.get(photo_url)
    assert shown.status_code == 200 and shown["Cache-Control"] == "private, no-store"
    assert b"".join(shown.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    # another office's supervisor: not found, as if there were no such photo
    other = Client()
    other.force_login(programme["supervisor.tangerang"])
    assert other.get(photo_url).status_code == 404
    # anonymous: to the sign-in page
    assert Client().get(photo_url).status_code == 302


def test_a_file_that_is_not_a_photo_is_refused_with_a_message(programme) -> None:
    event = _seed_event()
    client = Client()
    client.force_login(programme["pimpasa.tirtayasa"])
    fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post(
        reverse("programme:activity", args=[event.pk]),
        {"action": "photo", "photo": fake},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 400
    assert not event.photos.exists()
    analyst = Client()
    analyst.force_login(programme["analis.banten"])
    refused = analyst.post(
        reverse("programme:activity", args=[event.pk]), {"action": "photo", "photo": _png_upload()}
    )
    assert refused.status_code == 403 and not event.photos.exists()


def test_a_refused_form_on_the_activity_page_comes_back_as_typed_with_its_error(programme) -> None:
    """An officer entering a paper sheet with a mistyped pairing code, a question without its answer,
    a negative count or a file that is not a photo sees the form again, opened, with what they typed
    and the reason next to it; nothing is saved."""
    event = _seed_event()
    test = event.knowledge_test
    items = selectors.items_for_display(test)
    client = Client()
    client.force_login(programme["pimpasa.tirtayasa"])
    url = reverse("programme:activity", args=[event.pk])
    sheets = Sheet.objects.filter(test=test).count()

    answers = {f"q_{item.code}": str(item.options[-1][0]) for item in items}
    sheet = {"action": "paper", "phase": "post", "pair_code": "ZZZ-999", **answers}
    response = client.post(url, sheet, HTTP_ACCEPT_LANGUAGE="id")
    page = response.content.decode()
    assert response.status_code == 400 and Sheet.objects.filter(test=test).count() == sheets
    form = response.context["paper_form"]
    assert form.is_bound and "pair_code" in form.errors  # under the code, not only above the page
    assert 'value="ZZZ-999"' in page and "<details open><summary>Masukkan lembar kertas" in page
    for item in items:  # every answer still chosen
        radio = f'<input type="radio" name="q_{item.code}" value="{item.options[-1][0]}"[^>]*>'
        chosen = re.search(radio, page)
        assert chosen is not None and " checked" in chosen.group()
        field = form[f"q_{item.code}"]
        assert field.value() == str(item.options[-1][0])

    questions = event.questions.count()
    response = client.post(url, {"action": "question", "question": "Apakah visa ziarah boleh untuk kerja?"})
    assert response.status_code == 400 and event.questions.count() == questions
    assert "Apakah visa ziarah boleh untuk kerja?" in response.content.decode()
    assert "answer" in response.context["question_form"].errors

    before = sorted((p.group, p.sex, p.count) for p in event.participants.all())
    response = client.post(url, {"action": "participants", "n_masyarakat_p": "-3", "n_guru_l": "4"})
    page = response.content.decode()
    assert response.status_code == 400
    assert sorted((p.group, p.sex, p.count) for p in event.participants.all()) == before
    assert 'value="-3"' in page and 'value="4"' in page and 'id="id_n_masyarakat_p_error"' in page

    fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post(url, {"action": "photo", "photo": fake, "caption": "Sosialisasi di MTs"})
    assert response.status_code == 400 and not event.photos.exists()
    assert 'value="Sosialisasi di MTs"' in response.content.decode()


def test_the_village_list_reads_each_current_pimpasa_in_one_query(programme) -> None:
    """The list once asked for every village's PIMPASA separately (one query per row)."""

    user = programme["admin"]
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.desa_binaan_rows(user=user)
    assert len(rows) >= 2 and len(captured.captured_queries) == 2
    lontar = next(current for db, current in rows if db.desa_id == LONTAR)
    assert lontar is not None and lontar == selectors.current_pimpasa(
        user=user, desa_binaan=lontar.desa_binaan
    )


# --- knowledge gain over time: a constant number of queries ---------------------------------------


def _over_time_one_by_one(*, user, desa_binaan: DesaBinaan) -> list[tuple[Activity, Any]]:
    """``village_over_time`` as it was (a test and its sheets read per activity): the oracle."""
    rows = []
    for activity in selectors.activities(user=user, desa_binaan=desa_binaan).order_by("held_on", "pk"):
        test = selectors.test_of(user=user, activity=activity)
        if test is not None:
            rows.append((activity, selectors.test_summary(user=user, test=test)))
    return rows


def _tested_activity(actor, desa_binaan: DesaBinaan, n: int, *, held_on: date) -> Activity:
    """An activity with a test and ``n`` + 2 pre sheets, some post sheets paired, some not."""
    activity = services.activity_record(
        actor=actor,
        desa_binaan=desa_binaan,
        kind="sosialisasi",
        title=f"Sosialisasi ke-{n}",
        held_on=held_on,
        place="Balai desa",
        materials=["modus_tppo"],
    )
    test = services.test_attach(actor=actor, activity=activity)
    codes = [item.code for item in test.ordered_items()]
    for i in range(n + 2):
        pre = services.test_submit(
            test=test, phase=Phase.PRE, answers={c: (i + k) % 3 for k, c in enumerate(codes)}
        )
        if i % 3 != 2:
            services.test_submit(
                test=test,
                phase=Phase.POST,
                answers={c: (i * k) % 2 for k, c in enumerate(codes)},
                pair_code=pre.pair_code if i % 3 == 0 else "",
            )
    return activity


def _four_tested_activities(actor: Any, desa_binaan: DesaBinaan) -> None:
    """Four tested events, two on the same day, not in date order."""
    for n, held_on in enumerate((date(2026, 1, 20), date(2025, 12, 1), date(2026, 1, 20), date(2026, 2, 3))):
        _tested_activity(actor, desa_binaan, n, held_on=held_on)


def _plain_activity(actor: Any, desa_binaan: DesaBinaan, *, kind: str, title: str, held_on: date) -> Activity:
    return services.activity_record(
        actor=actor,
        desa_binaan=desa_binaan,
        kind=kind,
        title=title,
        held_on=held_on,
        place="Balai desa",
        materials=[],
    )


def test_knowledge_gain_over_time_reads_as_many_queries_for_five_activities_as_for_one(programme) -> None:
    """It used to read each activity's test and sheets separately (two queries per activity)."""
    pimpasa = programme["pimpasa.tirtayasa"]
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    pimpasa.scope_codes()  # read once per request (cached on the account), not per activity
    with CaptureQueriesContext(connection) as one:
        rows = selectors.village_over_time(user=pimpasa, desa_binaan=lontar)
    assert [a for a, _ in rows] == [_seed_event()]
    _four_tested_activities(pimpasa, lontar)
    _plain_activity(
        pimpasa, lontar, kind="kunjungan", title="Kunjungan rumah", held_on=date(2026, 1, 5)
    )  # no test
    with CaptureQueriesContext(connection) as five:
        rows = selectors.village_over_time(user=pimpasa, desa_binaan=lontar)
    assert len(rows) == 5 and rows[0][0] == _seed_event()
    assert len(five.captured_queries) == len(one.captured_queries) == 3


def test_knowledge_gain_over_time_is_what_the_activity_by_activity_reading_gave(programme) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    _four_tested_activities(pimpasa, lontar)
    empty = _plain_activity(
        pimpasa, lontar, kind="sosialisasi", title="Tes tanpa lembar jawaban", held_on=date(2026, 2, 10)
    )
    services.test_attach(actor=pimpasa, activity=empty)  # a test nobody has answered yet
    for username in (
        "pimpasa.tirtayasa",
        "supervisor.serang",
        "kader.lontar",
        "analis.banten",
        "pusat",
        "admin",
        "supervisor.tangerang",
        "mitra.polres",
    ):
        user = programme[username]
        expected = _over_time_one_by_one(user=user, desa_binaan=lontar)
        assert selectors.village_over_time(user=user, desa_binaan=lontar) == expected, username
        assert (len(expected) == 6) is (username not in ("supervisor.tangerang", "mitra.polres")), username
