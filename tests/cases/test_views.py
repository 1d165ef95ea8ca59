"""The officer console pages: inbox order and filters, the signal page and its forms, the case page.

Authorisation per role and route is in tests/test_access_matrix.py; here: what the pages do, that
a broken rule keeps what the officer typed, that reads of identities and files are audited, and that
a page's query count does not grow with its rows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.cases.models import Case, CaseState, CaseTask, TriageDecision, TriageKind
from sigap.cases.services import triage_decide
from sigap.detection.catalogue import load_catalogue
from sigap.intake.models import Channel, IdentityTier, Report, ReportStatus
from tests.cases.conftest import SUKARASA

pytestmark = pytest.mark.django_db

SCAM = "Ada calo menawarkan kerja admin di Kamboja gaji 20 juta, hubungi WA 0812-0000-7788, berangkat lusa."
SUSUKAN = "36.04.13.2008"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(response) -> list[int]:
    """The signal ids of an inbox page, in order."""
    import re

    return [int(n) for n in re.findall(r'href="/sinyal/(\d+)/"', response.content.decode())]


# --- inbox -------------------------------------------------------------------------------------


def test_inbox_orders_by_risk_then_newest(users, make_report) -> None:
    low = make_report(risk="low")
    critical_old = make_report(risk="critical")
    Report.objects.filter(pk=critical_old.pk).update(created_at=timezone.now() - timedelta(days=3))
    high = make_report(risk="high")
    critical_new = make_report(risk="critical")
    response = client_for(users["pimpasa.tirtayasa"]).get(reverse("cases:inbox"))
    assert response.status_code == 200
    assert listed(response) == [critical_new.pk, critical_old.pk, high.pk, low.pk]


def test_inbox_shows_only_open_signals_by_default(users, make_report) -> None:
    waiting, decided = make_report(), make_report()
    triage_decide(
        report=decided,
        kind=TriageKind.CLOSE_NOT_RELEVANT,
        reason="Bukan TPPO",
        actor=users["pimpasa.tirtayasa"],
    )
    client = client_for(users["pimpasa.tirtayasa"])
    assert listed(client.get(reverse("cases:inbox"))) == [waiting.pk]
    assert set(listed(client.get(reverse("cases:inbox"), {"status": "all"}))) == {waiting.pk, decided.pk}
    assert listed(client.get(reverse("cases:inbox"), {"status": ReportStatus.CLOSED})) == [decided.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"risk": "critical"}, {"critical"}),
        ({"modus": "people_smuggling"}, {"smuggling"}),
        ({"modus": "online_scam"}, {"critical", "sms"}),  # second position of the list counts too
        ({"channel": Channel.SMS}, {"sms"}),
        ({"wilayah": SUSUKAN}, {"susukan"}),
        ({"wilayah": "36.04.13"}, {"critical", "smuggling", "sms", "susukan"}),  # the kecamatan
        ({"q": "perahu"}, {"smuggling"}),
        ({"q": "KAMBOJA gaji"}, {"critical", "sms"}),
    ],
)
def test_inbox_filters(users, make_report, query, expected) -> None:
    made = {
        "critical": make_report(risk="critical", modus=["online_scam"]),
        "smuggling": make_report(
            risk="high", modus=["people_smuggling"], text="Orang asing menunggu perahu malam di pantai."
        ),
        "sms": make_report(
            risk="medium",
            modus=["irregular_migrant_worker", "online_scam"],
            channel=Channel.SMS,
            text="Lowongan ke Kamboja gaji besar lewat sponsor.",
        ),
        "susukan": make_report(SUSUKAN, risk="low", modus=["none"], text="Jalan desa rusak dekat balai."),
    }
    response = client_for(users["pimpasa.tirtayasa"]).get(reverse("cases:inbox"), query)
    assert response.status_code == 200
    names = {name for name, report in made.items() if report.pk in listed(response)}
    assert names == expected


def test_inbox_bad_filter_says_so_and_keeps_the_others(users, make_report) -> None:
    critical, _high = make_report(risk="critical"), make_report(risk="high")
    response = client_for(users["pimpasa.tirtayasa"]).get(
        reverse("cases:inbox"), {"wilayah": "lontar!", "risk": "critical"}
    )
    assert response.status_code == 200
    assert "36.04.13.2007" in response.content.decode()  # the message shows what a code looks like
    assert listed(response) == [critical.pk]


def test_inbox_is_territorial(users, make_report) -> None:
    serang, tangerang = make_report(), make_report(SUKARASA)
    assert listed(client_for(users["pimpasa.tirtayasa"]).get(reverse("cases:inbox"))) == [serang.pk]
    assert listed(client_for(users["supervisor.tangerang"]).get(reverse("cases:inbox"))) == [tangerang.pk]
    assert set(listed(client_for(users["pusat"]).get(reverse("cases:inbox")))) == {serang.pk, tangerang.pk}


def test_inbox_htmx_returns_only_the_rows(users, make_report) -> None:
    make_report()
    response = client_for(users["pimpasa.tirtayasa"]).get(reverse("cases:inbox"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.startswith('<div id="inbox-rows">') and "<html" not in body


def test_inbox_pages_without_counting(users, make_report, settings) -> None:
    reports = [make_report() for _ in range(3)]
    client = client_for(users["pimpasa.tirtayasa"])
    from sigap.cases import views

    old, views.INBOX_PAGE = views.INBOX_PAGE, 2
    try:
        first = client.get(reverse("cases:inbox"))
        second = client.get(reverse("cases:inbox"), {"page": 2})
        beyond = client.get(reverse("cases:inbox"), {"page": "x"})
    finally:
        views.INBOX_PAGE = old
    assert listed(first) == [reports[2].pk, reports[1].pk] and 'rel="next"' in first.content.decode()
    assert listed(second) == [reports[0].pk] and 'rel="prev"' in second.content.decode()
    assert listed(beyond) == listed(first)


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


PAGE_QUERIES = {"cases:inbox": 7, "cases:list": 8}


@pytest.mark.parametrize("url_name", ["cases:inbox", "cases:list"])
def test_page_query_count_does_not_grow_with_rows(users, make_report, url_name) -> None:
    client = client_for(users["supervisor.serang"])
    url = reverse(url_name)

    def add(n: int) -> None:
        for i in range(n):
            report = make_report(risk=("critical", "high", "medium", "low")[i % 4])
            if url_name == "cases:list":
                triage_decide(
                    report=report,
                    kind=TriageKind.OPEN_CASE,
                    reason="Perlu ditangani",
                    actor=users["pimpasa.tirtayasa"],
                )

    add(2)
    client.get(url)  # warm: the territory's place list is cached after the first page
    few = _queries(client, url)
    add(20)
    many = _queries(client, url)
    assert few == many, f"{url_name}: {few} queries with 2 rows, {many} with 22"
    # session, user, its scope, the list (and its territory's place list, cached), the session save
    assert many == PAGE_QUERIES[url_name], many


# --- the signal page -----------------------------------------------------------------------------


def test_signal_page_highlights_evidence_and_related_signals(users, read_report) -> None:
    report = read_report(SCAM)
    same_phone = read_report("Nomor 081200007788 juga menawari keponakan saya kerja di Kamboja.", SUSUKAN)
    hidden = read_report(
        "Perekrut WA 0812-0000-7788 datang ke Sukarasa menawarkan kerja di Kamboja.", SUKARASA
    )
    body = (
        client_for(users["pimpasa.tirtayasa"]).get(reverse("cases:signal", args=[report.pk])).content.decode()
    )
    assert "<mark" in body and "gaji 20 juta</mark>" in body
    assert "+6281200007788" in body
    assert f'href="/sinyal/{same_phone.pk}/"' in body
    assert f'href="/sinyal/{hidden.pk}/"' not in body  # another office's signal is not even hinted at
    national = client_for(users["pusat"]).get(reverse("cases:signal", args=[report.pk])).content.decode()
    assert f'href="/sinyal/{hidden.pk}/"' in national


def test_signal_page_names_the_indicators_in_the_interface_language(users, read_report) -> None:
    report = read_report(SCAM)
    salary = next(i for i in load_catalogue().indicators if i.code == "unrealistic_salary")
    client = client_for(users["pimpasa.tirtayasa"])
    assert f"<td>{salary.label} " in client.get(reverse("cases:signal", args=[report.pk])).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("cases:signal", args=[report.pk])).content.decode()
    assert '<html lang="en">' in english
    assert f"<td>{salary.label_en} " in english and f"<td>{salary.label} " not in english
    assert '<p lang="id">' in english  # the engine's explanation is Indonesian (TAXONOMY.md), marked so


def test_signal_page_escapes_the_text(users, read_report) -> None:
    report = read_report("<script>alert(1)</script> kerja di Kamboja gaji 20 juta tanpa pengalaman")
    body = (
        client_for(users["pimpasa.tirtayasa"]).get(reverse("cases:signal", args=[report.pk])).content.decode()
    )
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_triage_opens_a_case_and_goes_to_it(users, read_report) -> None:
    report = read_report(SCAM)
    response = client_for(users["pimpasa.tirtayasa"]).post(
        reverse("cases:signal", args=[report.pk]),
        {
            "action": "triage",
            "kind": TriageKind.OPEN_CASE,
            "reason": "Calo ke Kamboja",
            "title": "Calo Kamboja",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.title == "Calo Kamboja" and case.owner == users["pimpasa.tirtayasa"]
    decision = TriageDecision.objects.get()
    assert decision.reason == "Calo Kamboja" or decision.reason == "Calo ke Kamboja"
    assert decision.engine_risk == report.risk


def test_triage_without_a_reason_keeps_what_was_typed(users, read_report) -> None:
    report = read_report(SCAM)
    response = client_for(users["pimpasa.tirtayasa"]).post(
        reverse("cases:signal", args=[report.pk]),
        {"action": "triage", "kind": TriageKind.OPEN_CASE, "reason": "", "title": "Judul yang saya ketik"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Judul yang saya ketik" in body and "Bidang ini tidak boleh kosong." in body
    assert not TriageDecision.objects.exists() and not Case.objects.exists()


def test_merge_needs_a_case(users, read_report) -> None:
    report = read_report(SCAM)
    response = client_for(users["pimpasa.tirtayasa"]).post(
        reverse("cases:signal", args=[report.pk]),
        {"action": "triage", "kind": TriageKind.MERGE_INTO_CASE, "reason": "Sama"},
    )
    assert response.status_code == 400 and not TriageDecision.objects.exists()


def test_a_second_decision_is_refused_with_a_message(users, read_report) -> None:
    report = read_report(SCAM)
    client = client_for(users["supervisor.serang"])
    url = reverse("cases:signal", args=[report.pk])
    data = {"action": "triage", "kind": TriageKind.CLOSE_NOT_RELEVANT, "reason": "Bukan TPPO"}
    assert client.post(url, data).status_code == 302
    # the form is gone for a settled signal; a replayed POST meets the service's rule
    response = client.post(url, data | {"reason": "lagi"})
    assert response.status_code == 400 and TriageDecision.objects.count() == 1


def test_out_of_territory_posts_are_not_found(users, read_report) -> None:
    report = read_report(SCAM, SUKARASA)
    client = client_for(users["pimpasa.tirtayasa"])
    for action in ("triage", "message", "identity", "reverse"):
        response = client.post(reverse("cases:signal", args=[report.pk]), {"action": action, "reason": "x"})
        assert response.status_code == 404
    assert not TriageDecision.objects.exists()


def test_analyst_reads_but_cannot_decide(users, read_report) -> None:
    report = read_report(SCAM)
    client = client_for(users["analis.banten"])
    page = client.get(reverse("cases:signal", args=[report.pk])).content.decode()
    assert 'value="triage"' not in page
    response = client.post(
        reverse("cases:signal", args=[report.pk]),
        {"action": "triage", "kind": TriageKind.CLOSE_NOT_RELEVANT, "reason": "Bukan TPPO"},
    )
    assert response.status_code == 403 and not TriageDecision.objects.exists()


def test_identity_is_shown_on_request_and_audited(users, read_report) -> None:
    report = read_report(
        SCAM,
        identity_tier=IdentityTier.RAHASIA,
        reporter_name="Ibu Sumiati",
        reporter_contact="0812-0000-1101",
    )
    client = client_for(users["pimpasa.tirtayasa"])
    page = client.get(reverse("cases:signal", args=[report.pk])).content.decode()
    assert "Ibu Sumiati" not in page and 'value="identity"' in page
    shown = client.post(reverse("cases:signal", args=[report.pk]), {"action": "identity"})
    assert "Ibu Sumiati" in shown.content.decode() and shown["Cache-Control"] == "no-store"
    read = AuditEvent.objects.get(action="read.sensitive")
    assert read.actor == users["pimpasa.tirtayasa"] and read.object_id == str(report.pk)
    # "confidential": the province analyst may read the report, not the reporter
    analyst = client_for(users["analis.banten"])
    assert "Ibu Sumiati" not in analyst.get(reverse("cases:signal", args=[report.pk])).content.decode()
    assert analyst.post(reverse("cases:signal", args=[report.pk]), {"action": "identity"}).status_code == 403


def test_supervisor_reverses_a_decision_from_the_page(users, read_report) -> None:
    report = read_report(SCAM)
    decision = triage_decide(
        report=report,
        kind=TriageKind.CLOSE_NOT_RELEVANT,
        reason="Bukan TPPO",
        actor=users["pimpasa.tirtayasa"],
    )
    url = reverse("cases:signal", args=[report.pk])
    pimpasa = client_for(users["pimpasa.tirtayasa"])
    assert 'value="reverse"' not in pimpasa.get(url).content.decode()
    assert pimpasa.post(url, {"action": "reverse", "decision": decision.pk, "reason": "x"}).status_code == 400
    supervisor = client_for(users["supervisor.serang"])
    response = supervisor.post(url, {"action": "reverse", "decision": decision.pk, "reason": "Ternyata calo"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.reversed_by == users["supervisor.serang"] and decision.reversal_reason == "Ternyata calo"


def test_message_to_the_reporter(users, read_report) -> None:
    report = read_report(SCAM)
    response = client_for(users["pimpasa.tirtayasa"]).post(
        reverse("cases:signal", args=[report.pk]),
        {"action": "message", "body": "Kapan adik Ibu berangkat?", "question": "on"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.NEEDS_INFO
    assert report.messages.get().body == "Kapan adik Ibu berangkat?"


# --- the case page -------------------------------------------------------------------------------


@pytest.fixture
def case(users, read_report) -> Case:
    decision = triage_decide(
        report=read_report(SCAM),
        kind=TriageKind.OPEN_CASE,
        reason="Calo ke Kamboja",
        actor=users["pimpasa.tirtayasa"],
        title="Calo Kamboja",
    )
    assert decision.case is not None
    return decision.case


def test_case_page_actions(users, case) -> None:
    client = client_for(users["pimpasa.tirtayasa"])
    url = reverse("cases:detail", args=[case.pk])
    assert client.post(url, {"action": "note", "body": "Keluarga sudah ditemui."}).status_code == 302
    assert (
        client.post(url, {"action": "task", "title": "Cek paspor", "due_on": "2026-12-04"}).status_code == 302
    )
    task = CaseTask.objects.get()
    assert task.due is not None and task.due.astimezone(timezone.get_default_timezone()).hour == 23
    assert client.post(url, {"action": "task_done", "task": task.pk}).status_code == 302
    task.refresh_from_db()
    assert task.done
    moved = client.post(url, {"action": "transition", "to": CaseState.VERIFIKASI, "reason": "Cek nomor"})
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.VERIFIKASI
    page = client.get(url).content.decode()
    assert "Keluarga sudah ditemui." in page and "Cek nomor" in page


def test_case_move_without_reason_is_refused_and_kept(users, case) -> None:
    client = client_for(users["pimpasa.tirtayasa"])
    response = client.post(
        reverse("cases:detail", args=[case.pk]),
        {"action": "transition", "to": CaseState.VERIFIKASI, "reason": ""},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == CaseState.BARU


def test_case_page_is_read_only_for_the_analyst_and_hidden_elsewhere(users, case) -> None:
    url = reverse("cases:detail", args=[case.pk])
    analyst = client_for(users["analis.banten"])
    assert 'value="transition"' not in analyst.get(url).content.decode()
    assert analyst.post(url, {"action": "note", "body": "x"}).status_code == 403
    other = client_for(users["supervisor.tangerang"])
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "note", "body": "x"}).status_code == 404


def test_supervisor_sees_the_clock_and_the_audit_trail(users, case) -> None:
    body = (
        client_for(users["supervisor.serang"]).get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    assert 'class="clock' in body
    for action in ("case.open", "triage.decide", "report.analyse"):
        assert action in body
    # the PIMPASA has no reach on the audit trail: the section is not there
    pimpasa = (
        client_for(users["pimpasa.tirtayasa"]).get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    assert "case.open" not in pimpasa


def test_attachment_read_is_audited(users, read_report, tmp_path) -> None:
    import io

    from PIL import Image

    from sigap.intake.attachments import sanitise_upload

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
    report = read_report(SCAM, files=[sanitise_upload(name="tangkapan.png", data=buffer.getvalue())])
    attachment = report.attachments.get()
    response = client_for(users["pimpasa.tirtayasa"]).get(
        reverse("cases:attachment", args=[report.pk, attachment.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action="read.sensitive", metadata__fields=[f"attachment:{attachment.pk}"])
    assert event.actor == users["pimpasa.tirtayasa"]


# --- reads of the sealed notes ---------------------------------------------------------------------

VICTIM = "Siti Rahayu"


def _note_reads() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="read.sensitive", metadata__purpose="case.detail").order_by("id")
    )


def _count_unseals(monkeypatch) -> list[str]:
    """Every note decrypted from here on (the note's ``body`` calls ``unseal`` of its module)."""
    import sigap.cases.models as models
    from sigap.core.crypto import unseal

    opened: list[str] = []

    def counting(token: str) -> str:
        opened.append(token)
        return unseal(token)

    monkeypatch.setattr(models, "unseal", counting)
    return opened


def test_case_page_records_one_read_of_its_notes_per_view(users, case) -> None:
    from sigap.cases.services import case_note_add

    pimpasa = users["pimpasa.tirtayasa"]
    first = case_note_add(case=case, actor=pimpasa, body=f"Ibu korban: {VICTIM}, 0812-5555-0101")
    second = case_note_add(case=case, actor=pimpasa, body="Paspor ditahan agen di Serang.")
    url = reverse("cases:detail", args=[case.pk])
    supervisor = client_for(users["supervisor.serang"])
    assert VICTIM in supervisor.get(url).content.decode()
    (event,) = _note_reads()
    assert event.actor == users["supervisor.serang"] and event.actor_username == "supervisor.serang"
    assert (event.object_type, event.object_id) == ("cases.case", str(case.pk))
    assert event.metadata == {"fields": [f"note:{first.pk}", f"note:{second.pk}"], "purpose": "case.detail"}
    assert VICTIM not in str(event.metadata) and "Paspor" not in str(event.metadata)
    # every view is one more event, whoever may read the case: the analyst only reads it
    supervisor.get(url)
    client_for(users["analis.banten"]).get(url)
    actors = [e.actor_username for e in _note_reads()]
    assert actors == ["supervisor.serang", "supervisor.serang", "analis.banten"]


def test_case_page_without_notes_records_no_read(users, case) -> None:
    page = client_for(users["supervisor.serang"]).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and _note_reads() == []


def test_notes_outside_the_territory_are_neither_decrypted_nor_recorded(users, case, monkeypatch) -> None:
    from sigap.cases.services import case_note_add

    case_note_add(case=case, actor=users["pimpasa.tirtayasa"], body=f"Ibu korban: {VICTIM}")
    opened = _count_unseals(monkeypatch)
    url = reverse("cases:detail", args=[case.pk])
    for name in ("supervisor.tangerang", "mitra.polres", "kader.lontar"):
        response = client_for(users[name]).get(url)
        assert response.status_code in (403, 404), name
        assert VICTIM not in response.content.decode()
    assert opened == [] and _note_reads() == []
    client_for(users["supervisor.serang"]).get(url)  # the counter does count
    assert len(opened) == 1 and len(_note_reads()) == 1


def test_case_page_query_count_does_not_grow_with_notes(users, case) -> None:
    from sigap.cases.services import case_note_add

    client = client_for(users["supervisor.serang"])
    url = reverse("cases:detail", args=[case.pk])
    case_note_add(case=case, actor=users["pimpasa.tirtayasa"], body="Catatan pertama")
    client.get(url)  # warm
    one = _queries(client, url)
    for i in range(5):
        case_note_add(case=case, actor=users["supervisor.serang"], body=f"Catatan {i}")
    assert _queries(client, url) == one
    assert len(_note_reads()[-1].metadata["fields"]) == 6


def test_inbox_dates_read_like_the_date_filter(users, make_report) -> None:
    """The inbox writes "j M Y H:i" itself (one month lookup per page): it must match Django's filter."""
    from django.template import Context, Template
    from django.utils import translation

    from sigap.cases.display import inbox_rows

    report = make_report()
    for language in ("id", "en"):
        with translation.override(language):
            (row,) = inbox_rows([Report.objects.select_related("desa__parent").get(pk=report.pk)])
            expected = Template('{{ at|date:"j M Y H:i" }}').render(Context({"at": report.created_at}))
            assert row.received_label == expected


def test_out_of_territory_near_duplicate_is_not_named(users, read_report) -> None:
    """The intake flags near-duplicates across the whole country; the signal page must not name (nor
    link) one the officer may not see: its id and its existence belong to another Kanim (issue #5)."""
    elsewhere = read_report(SCAM, SUKARASA)
    here = read_report(SCAM)
    Report.objects.filter(pk=here.pk).update(near_duplicate_of=elsewhere)
    client = client_for(users["pimpasa.tirtayasa"])
    page = client.get(reverse("cases:signal", args=[here.pk])).content.decode()
    assert f"/sinyal/{elsewhere.pk}/" not in page and f"#{elsewhere.pk}<" not in page
    # closing as a duplicate of it answers as if there were no near-duplicate, not with a 403
    response = client.post(
        reverse("cases:signal", args=[here.pk]),
        {"action": "triage", "kind": TriageKind.CLOSE_DUPLICATE, "reason": "Sama"},
    )
    assert response.status_code == 400 and not TriageDecision.objects.exists()
    # inside the territory it is still shown
    same = read_report(SCAM)
    Report.objects.filter(pk=same.pk).update(near_duplicate_of=here)
    page = client.get(reverse("cases:signal", args=[same.pk])).content.decode()
    assert f'href="/sinyal/{here.pk}/"' in page


def test_related_signals_are_not_crowded_out_by_other_territories(users, read_report) -> None:
    """The related-signals list is cut at 1,000 entity rows: cut after ``restrict``, not before, or
    another Kanim's signals naming the same phone decide (and time) what this officer is shown."""
    from sigap.cases.selectors import signals_related
    from sigap.intake.models import ReportEntity

    report = read_report(SCAM)
    keys = list(ReportEntity.objects.filter(report=report).values_list("kind", "digest"))
    assert keys
    base = read_report(SCAM, SUKARASA)
    fields = {f.attname: getattr(base, f.attname) for f in Report._meta.concrete_fields if not f.primary_key}
    clones = Report.objects.bulk_create(
        [Report(**(fields | {"receipt_digest": f"clone-{i}"})) for i in range(1000 // len(keys) + 1)]
    )
    ReportEntity.objects.bulk_create(
        [ReportEntity(report_id=c.pk, kind=k, digest=d) for c in clones for k, d in keys]
    )
    same_phone = read_report("Nomor 081200007788 juga menawari keponakan saya kerja di Kamboja.", SUSUKAN)
    related = signals_related(user=users["pimpasa.tirtayasa"], report=report)
    assert [other.pk for other, _kinds in related] == [same_phone.pk]


def test_reads_are_listed_apart_so_the_trail_keeps_the_case_s_history(users, case) -> None:
    """Every view of the notes is one more read event on the case: the trail leaves reads out (a case
    viewed hundreds of times still shows how it was opened), the reads have their own list."""
    from sigap.cases.selectors import case_audit
    from sigap.cases.services import case_note_add

    supervisor = users["supervisor.serang"]
    case_note_add(case=case, actor=users["pimpasa.tirtayasa"], body="Paspor ditahan agen.")
    client = client_for(supervisor)
    for _ in range(4):
        client.get(reverse("cases:detail", args=[case.pk]))
    case_note_add(case=case, actor=users["pimpasa.tirtayasa"], body="Agen dipanggil.")
    audit = case_audit(user=supervisor, case=case, limit=3)
    trail = [entry.event for entry in audit.trail]
    assert len(trail) == 3 and [e.pk for e in trail] == sorted(e.pk for e in trail)  # oldest first
    whole = case_audit(user=supervisor, case=case).trail
    assert all(entry.event.action != "read.sensitive" for entry in whole)
    newest = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).exclude(
        action="read.sensitive"
    )
    assert trail[-1] == newest.latest("id")  # the note added last, after the reads
    assert "case.open" in {entry.event.action for entry in whole}
    assert audit.read_count == 4 and [e.action for e in audit.reads] == ["read.sensitive"] * 4
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Pembacaan data terlindungi" in page  # the reads section, in the default language
