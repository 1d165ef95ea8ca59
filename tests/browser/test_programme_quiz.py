"""Issue 6, second "done when" item: a pre/post test at an event, through the QR code, on phones.

The PIMPASA opens the event page and the QR code there is decoded from its pixels: that URL is what
each participant's phone opens (360 × 740 px, JavaScript off). Three participants answer the test
before the session, keep the code it shows, and answer again after the session with that code. The
PIMPASA opens the event page again: it shows the mean scores, the gain with its 95 % interval and the
effect size with its interval, the same figures the statistics module computes.
"""

from __future__ import annotations

import io
from datetime import date

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from sigap.programme import selectors, services
from sigap.programme.models import Activity
from tests.browser.conftest import PHONE, Shots, assert_fits_phone, server_side
from tests.browser.test_officer_walkthrough import sign_in

LONTAR = "36.04.13.2007"
#: How many questions each participant gets right before and after (diffs 4, 4, 2: not all equal).
SCORES = [(2, 6), (3, 7), (5, 7)]


def _set_up(users: dict) -> Activity:
    from sigap.organisations.models import Organisation

    services.question_bank_load()
    admin, pimpasa = users["admin"], users["pimpasa.tirtayasa"]
    db = services.desa_binaan_designate(
        actor=admin,
        desa_code=LONTAR,
        office=Organisation.objects.get(short_name="Kanim Serang"),
        sk_number="DEMO/SK/001",
        sk_date=date(2025, 10, 20),
        designated_on=date(2025, 10, 20),
        criteria=["border_coast"],
    )
    activity = services.activity_record(
        actor=pimpasa,
        desa_binaan=db,
        kind="sosialisasi",
        title="Sosialisasi di MTs Nurul Bahri",
        held_on=date(2025, 11, 12),
        place="MTs Nurul Bahri",
        materials=["modus_tppo", "pelaporan"],
    )
    services.test_attach(actor=pimpasa, activity=activity)
    return activity


def answer_sheet(page: Page, codes: list[str], right: int) -> None:
    """Answer every question: the first ``right`` of them correctly (option 0 in the bank)."""
    for number, code in enumerate(codes):
        page.locator(f'input[name="q_{code}"][value="{0 if number < right else 1}"]').check()


def test_pre_post_test_through_the_qr_code_on_phones(browser: Browser, live_app: str, demo_world) -> None:
    with server_side():
        activity = _set_up(demo_world)
        test = activity.knowledge_test
        codes = [item.code for item in test.ordered_items()]
    shots = Shots("programme-quiz")

    # The PIMPASA shows the event page; the QR code on it is read from the screen.
    officer = browser.new_context(viewport=PHONE, locale="id-ID").new_page()
    sign_in(officer, live_app, "pimpasa.tirtayasa")
    officer.goto(f"{live_app}/program/kegiatan/{activity.pk}/")
    qr_png = officer.locator(".quiz-qr svg").screenshot()
    shots(officer, "event-before")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png)).convert("L"))
    assert len(decoded) == 1
    quiz_url = decoded[0].text
    assert quiz_url == f"{live_app}/tes/{test.code}/"

    for person, (before, after) in enumerate(SCORES, start=1):
        phone = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False).new_page()
        phone.goto(quiz_url)
        assert_fits_phone(phone, shots(phone, f"p{person}-start"))
        phone.locator('a[href="?fase=sebelum"]').click()
        answer_sheet(phone, codes, before)
        assert_fits_phone(phone, shots(phone, f"p{person}-pre"))
        phone.locator("#sheet button[type=submit]").click()
        expect(phone).to_have_url(f"{live_app}/tes/{test.code}/selesai/")
        pair_code = phone.locator("#pair-code").inner_text().strip()
        assert len(pair_code) == 7, pair_code
        assert_fits_phone(phone, shots(phone, f"p{person}-code"))

        # After the session: the same phone (or another one) opens the QR address again.
        phone.goto(quiz_url)
        phone.locator('a[href="?fase=sesudah"]').click()
        phone.locator("input[name=pair_code]").fill(pair_code.lower().replace("-", ""))  # typed as people do
        answer_sheet(phone, codes, after)
        assert_fits_phone(phone, shots(phone, f"p{person}-post"))
        phone.locator("#sheet button[type=submit]").click()
        expect(phone.locator("#score")).to_contain_text(f"{after} ")
        assert_fits_phone(phone, shots(phone, f"p{person}-score"))
        phone.context.close()

    with server_side():
        summary = selectors.test_summary(user=demo_world["pimpasa.tirtayasa"], test=test)
    assert summary.paired and summary.n == 3
    assert summary.gain_low is not None and summary.effect is not None and summary.effect_low is not None
    officer.reload()
    shots(officer, "event-after")
    expect(officer.locator("#gain")).to_contain_text(f"{summary.gain:.1f}".replace(".", ","))
    gain_ci = officer.locator("#gain-ci")
    expect(gain_ci).to_be_visible()
    expect(gain_ci).to_contain_text(f"{summary.gain_low:.1f}".replace(".", ","))
    expect(gain_ci).to_contain_text(f"{summary.gain_high:.1f}".replace(".", ","))
    expect(officer.locator("#effect-ci")).to_contain_text(f"{summary.effect_low:.2f}".replace(".", ","))
