"""A villager on a cheap phone files a report, keeps the receipt, and answers the officer's question.

Issue 4, first "done when" item (the web half): a real chromium at 360 × 740 px, first with
JavaScript switched off, as many cheap phones and data-saving browsers run, then with it on. Every
step is saved as a screenshot under var/browser-screenshots/ for people to look at.
"""

from __future__ import annotations

import hashlib
import re

from playwright.sync_api import Browser, ConsoleMessage, Error, Page, expect

from sigap.intake.models import IdentityTier, ReportStatus
from sigap.intake.pow import BITS as POW_BITS
from sigap.intake.services import officer_message, report_find
from tests.browser.conftest import PHONE, Shots, assert_fits_phone, server_side

LONTAR = "36.04.13.2007"
STORY = (
    "Ada calo menawarkan kerja di Malaysia tanpa paspor kepada tiga pemuda, berangkat lusa lewat Dumai. "
    "Mereka disuruh bayar lima juta dulu."
)
QUESTION = "Terima kasih. Siapa nama calonya, dan kapan tepatnya mereka berangkat?"
ANSWER = "Namanya Pak Udin dari kampung sebelah. Berangkat Jumat malam dari terminal."


def file_a_report(page: Page, shots: Shots, base_url: str, *, javascript: bool) -> tuple[str, str]:
    """Fill in the public form the way a villager does; returns the receipt code and the PIN."""
    page.goto(base_url + "/lapor/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Laporkan tanda perdagangan orang atau penyelundupan manusia"
    )
    assert_fits_phone(page, shots(page, "form"))

    page.get_by_label("Apa yang terjadi?").fill(STORY)
    page.get_by_label("Desa/kelurahan").fill("lontar")
    page.get_by_role("button", name="Cari desa").click()
    # The search reloads the page (also with JavaScript): the choices appear, the story is kept.
    choose = page.get_by_label("Pilih desa")
    expect(choose).to_be_visible()
    expect(page.get_by_label("Apa yang terjadi?")).to_have_value(STORY)
    lontar = choose.locator("option", has_text="Desa Lontar,")
    expect(lontar).to_have_attribute("value", LONTAR)
    choose.select_option(LONTAR)
    assert_fits_phone(page, shots(page, "village-found"))

    page.get_by_label("Anonim: tanpa nama, tanpa kontak").check()
    page.get_by_label(re.compile("^Saya setuju laporan ini digunakan petugas SIGAP")).check()
    assert_fits_phone(page, shots(page, "filled-in"))
    nonce = page.locator("input[name=pow_nonce]")
    if javascript:
        # pow.js solves the proof of work while the person types (it earns the looser rate limit).
        expect(nonce).not_to_have_value("", timeout=30_000)
        challenge = page.locator("input[name=pow_challenge]").input_value()
        digest = hashlib.sha256(f"{challenge}:{nonce.input_value()}".encode()).digest()
        assert int.from_bytes(digest, "big") >> (256 - POW_BITS) == 0, "a real solution"
    else:
        expect(nonce).to_have_value("")  # without JavaScript nobody is asked to solve anything
    page.get_by_role("button", name="Kirim laporan").click()

    expect(page).to_have_url(base_url + "/lapor/terima/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih. Laporan Anda sudah diterima.")
    code = page.locator("#receipt-code").inner_text().strip()
    pin = page.locator("#receipt-pin").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code), code
    assert re.fullmatch(r"\d{6}", pin), pin
    assert_fits_phone(page, shots(page, "receipt"))
    return code, pin


def open_status(page: Page, shots: Shots, base_url: str, code: str, pin: str) -> None:
    page.goto(base_url + "/lapor/status/")
    page.get_by_label("Kode tanda terima").fill(code.lower())  # typed as people do
    page.get_by_label("PIN").fill(pin)
    assert_fits_phone(page, shots(page, "status-login"))
    page.get_by_role("button", name="Buka laporan saya").click()
    expect(page).to_have_url(base_url + "/lapor/status/lihat/")


def test_report_without_javascript_then_answer_the_officer(
    browser: Browser, live_app: str, demo_world
) -> None:
    shots = Shots("nojs")
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="id-ID")
    page = context.new_page()

    code, pin = file_a_report(page, shots, live_app, javascript=False)
    assert page.evaluate("typeof window.htmx") == "undefined", "page scripts must not run in this test"

    # Shown once: reloading the receipt page no longer shows the code.
    page.reload()
    expect(page.locator("#receipt-code")).to_have_count(0)
    expect(page.get_by_text(code)).to_have_count(0)

    # The PIMPASA of Desa Lontar reads the report and asks a question (no officer UI yet: the service).
    with server_side():
        report = report_find(receipt=code, pin=pin)
        assert report is not None
        assert report.desa_id == LONTAR and report.text == STORY
        assert report.identity_tier == IdentityTier.ANONIM and not report.reporter_contact_sealed
        officer_message(report=report, officer=demo_world["pimpasa.tirtayasa"], body=QUESTION, question=True)

    # A fresh browser session, as on another day: the receipt code and the PIN are all it takes.
    context.close()
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="id-ID")
    page = context.new_page()
    open_status(page, shots, live_app, code, pin)
    expect(page.locator("#report-status")).to_have_text("Petugas punya pertanyaan untuk Anda")
    question = page.locator(".conversation .msg-officer.question")
    expect(question).to_contain_text(QUESTION)
    expect(question.locator(".who")).to_have_text("Petugas · pertanyaan")
    assert_fits_phone(page, shots(page, "question"))

    page.get_by_label("Pesan atau jawaban Anda").fill(ANSWER)
    page.get_by_role("button", name="Kirim", exact=True).click()
    answer = page.locator(".conversation .msg-reporter")
    expect(answer).to_contain_text(ANSWER)
    expect(answer.locator(".who")).to_have_text("Anda")
    expect(page.locator("#report-status")).to_have_text("Sedang diperiksa petugas")
    expect(page).to_have_url(re.compile(r"/lapor/status/lihat/#pesan$"))
    assert_fits_phone(page, shots(page, "answered"))

    # On a shared phone the reporter closes the report; the status page asks for the PIN again.
    page.get_by_role("button", name="Tutup (jika HP dipakai bersama)").click()
    expect(page.get_by_role("button", name="Buka laporan saya")).to_be_visible()
    page.goto(live_app + "/lapor/status/lihat/")
    expect(page).to_have_url(live_app + "/lapor/status/")
    context.close()

    with server_side():
        report.refresh_from_db()
        assert report.status == ReportStatus.IN_REVIEW
        assert [(m.sender, m.body) for m in report.messages.order_by("pk")] == [
            ("officer", QUESTION),
            ("reporter", ANSWER),
        ]


def test_the_same_pages_with_javascript_fit_a_phone_and_break_no_policy(
    browser: Browser, live_app: str
) -> None:
    """With scripts on (htmx, the proof of work), nothing is blocked by the CSP, fails, or overflows."""
    shots = Shots("js")
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # The browser asks for /favicon.ico by itself; the public pages link no icon (yet).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{message.text} at {message.location.get('url')}")

    page.on("console", console)

    def page_error(error: Error) -> None:
        problems.append(str(error))

    page.on("pageerror", page_error)

    code, pin = file_a_report(page, shots, live_app, javascript=True)
    assert page.evaluate("typeof window.htmx") == "object", "page scripts run in this test"
    open_status(page, shots, live_app, code, pin)
    expect(page.locator("#report-status")).to_have_text("Diterima: menunggu dibaca petugas")
    assert_fits_phone(page, shots(page, "status"))
    context.close()
    assert problems == []
