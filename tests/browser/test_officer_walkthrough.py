"""Issue 5, first "done when" item: a PIMPASA takes a critical signal all the way to a closed case.

A critical report arrives from Desa Lontar (stored and read by the engine as the worker reads it).
The village's PIMPASA signs in, finds it first in the inbox, opens a case from it with a reason,
fills in the screening, refers the case to Polres Serang; the Polres liaison signs in, sees only that
referral, accepts it and records the outcome; the PIMPASA closes the case as referred on. Then the
Kanim supervisor opens the case: the clock (responded in time) and the audit trail, which lists every
step with the reason given for it.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, ViewportSize, expect

from sigap.audit.services import audit_verify
from sigap.cases.models import Case, CaseState
from sigap.intake.models import Channel, IdentityTier
from sigap.intake.services import report_submit, reports_analyse_pending
from sigap.referrals.models import Referral, ReferralState
from tests.browser.conftest import Shots, server_side

PASSWORD = "demo-password-for-tests"  # tests/conftest.py, demo_world
LONTAR = "36.04.13.2007"
STORY = (
    "Tolong pak, adik saya (16 th) dari Lontar ditawari kerja admin di Kamboja gaji 20 juta oleh calo "
    "WA 0812-0000-7788. Tidak perlu pengalaman, tiket dibayar perusahaan, berangkat besok malam."
)
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base_url + "/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state("load")


def post_form(page: Page, form: str, button: str | None = None) -> None:
    """Submit ``form`` (a CSS selector) with its submit button, and wait for the next page."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click() if button is None else page.locator(
            form
        ).get_by_role("button", name=button).click()


def test_pimpasa_takes_a_critical_signal_to_a_closed_case(browser: Browser, live_app: str) -> None:
    with server_side():
        report = report_submit(
            channel=Channel.WEB, text=STORY, identity_tier=IdentityTier.ANONIM, consent=True, desa_code=LONTAR
        ).report
        reports_analyse_pending(ids=[report.pk])
        report.refresh_from_db()
        assert report.risk == "critical"
    shots = Shots("officer-walkthrough")
    page = browser.new_context(viewport=DESKTOP, locale="id-ID").new_page()

    # 1. The PIMPASA finds the critical signal first in the inbox.
    sign_in(page, live_app, "pimpasa.tirtayasa")
    page.goto(live_app + "/sinyal/")
    first = page.locator("table.inbox tbody tr").first
    expect(first).to_contain_text("Darurat")
    expect(first.locator("a")).to_have_text(f"#{report.pk}")
    shots(page, "inbox")
    first.locator("a").click()
    expect(page.locator(".report-text mark").first).to_be_visible()  # the evidence is highlighted
    shots(page, "signal")

    # 2. Triage: open a case, with a reason.
    triage = page.locator("form.triage-form")
    triage.get_by_label("Buka kasus").check()
    triage.get_by_label("Alasan").fill("Anak 16 tahun direkrut ke Kamboja, berangkat besok: tangani segera.")
    triage.get_by_label("Judul kasus").fill("Anak Lontar direkrut ke Kamboja")
    post_form(page, "form.triage-form")
    expect(page.locator("h1")).to_contain_text("Anak Lontar direkrut ke Kamboja")
    with server_side():
        case = Case.objects.get()
        assert case.owner.username == "pimpasa.tirtayasa" and case.risk == "critical"
    shots(page, "case-opened")

    # 3. The case is being verified.
    move = page.locator("form:has(input[name=action][value=transition])")
    move.locator("select[name=to]").select_option(CaseState.VERIFIKASI)
    move.get_by_label("Alasan").fill("Menghubungi keluarga dan memeriksa nomor perekrut.")
    post_form(page, "form:has(input[name=action][value=transition])")

    # 4. The screening (ILO/EC indicators): what the family confirmed by phone.
    page.get_by_role("navigation", name="Bagian kasus").get_by_role("link", name="Orang & skrining").click()
    page.get_by_role("link", name="Lakukan skrining").click()
    for code in (
        "deceived_job",
        "deceived_wages",
        "deceived_documents",
        "vuln_economic",
        "minor",
        "departure_72h",
    ):
        page.locator(f"input[name=q_{code}][value=yes]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan skrining").click()
    with server_side():
        from sigap.persons.models import Screening

        screening = Screening.objects.get(case=case)
        assert screening.risk == "critical"
        case.refresh_from_db()
        assert case.risk == "critical"
    shots(page, "screening")
    page.goto(live_app + f"/kasus/{case.pk}/")

    # 5. Referral to Polres Serang.
    page.get_by_role("navigation", name="Bagian kasus").get_by_role("link", name="Rujukan & tindakan").click()
    refer = page.locator("#refer-form")
    refer.get_by_label("Polres Serang (Satgas TPPO)").check()
    refer.get_by_label("Apa yang diminta dari mitra").fill("Mohon cegah keberangkatan dan selidiki perekrut.")
    post_form(page, "#refer-form")
    with server_side():
        referral = Referral.objects.get()
        assert referral.partner.short_name == "Polres Serang" and referral.state == ReferralState.SENT
        case.refresh_from_db()
        assert case.state == CaseState.DIRUJUK
    shots(page, "referred")

    # 6. The Polres liaison sees only this referral, accepts it and records the outcome.
    sign_in(page, live_app, "mitra.polres")
    page.goto(live_app + "/rujukan/")
    expect(page.locator("main a[href^='/rujukan/']")).to_have_count(1)
    page.locator("main a[href^='/rujukan/']").first.click()
    expect(page.locator("main")).not_to_contain_text("Anak Lontar direkrut ke Kamboja")  # least data
    post_form(page, "#accept-form")
    outcome = page.locator("#outcome-form")
    outcome.get_by_label("Diselidiki").check()
    outcome.get_by_label("Apa yang sudah dilakukan (boleh dikosongkan)").fill(
        "Perekrut diperiksa; keberangkatan dicegah."
    )
    post_form(page, "#outcome-form")
    with server_side():
        referral.refresh_from_db()
        assert referral.state == ReferralState.CLOSED and referral.outcome == "investigated"
    hidden = page.goto(live_app + f"/kasus/{case.pk}/")
    assert hidden is not None and hidden.status == 404  # the partner never sees the case
    shots(page, "partner-outcome")

    # 7. The PIMPASA sees the loop closed and closes the case as referred on.
    sign_in(page, live_app, "pimpasa.tirtayasa")
    page.goto(live_app + f"/kasus/{case.pk}/rujukan/")
    expect(page.locator("main")).to_contain_text("Diselidiki")
    page.goto(live_app + f"/kasus/{case.pk}/")
    move = page.locator("form:has(input[name=action][value=transition])")
    move.locator("select[name=to]").select_option(CaseState.DITUTUP_DIRUJUK)
    move.get_by_label("Alasan").fill("Ditangani Polres Serang: perekrut diperiksa, anak batal berangkat.")
    post_form(page, "form:has(input[name=action][value=transition])")
    with server_side():
        case.refresh_from_db()
        assert case.state == CaseState.DITUTUP_DIRUJUK and case.sla_met_at is not None

    # 8. The supervisor sees the clock and the audit trail, every step with its reason.
    sign_in(page, live_app, "supervisor.serang")
    page.goto(live_app + f"/kasus/{case.pk}/")
    expect(page.locator(".case-meta .clock")).to_contain_text("Ditanggapi")
    trail = page.locator("table.audit-trail")
    for action, reason in (
        ("triage.decide", "Anak 16 tahun direkrut ke Kamboja"),
        ("case.open", "Anak 16 tahun direkrut ke Kamboja"),
        ("case.transition", "Menghubungi keluarga"),
        ("screening.record", ""),
        ("referral.create", ""),
        ("referral.accept", ""),
        ("referral.outcome", "Diselidiki"),
        ("case.transition", "Ditangani Polres Serang"),
    ):
        row = trail.locator("tr", has_text=action).filter(has_text=reason)
        expect(row.first).to_be_visible()
    shots(page, "supervisor-audit")
    with server_side():
        assert audit_verify().ok
