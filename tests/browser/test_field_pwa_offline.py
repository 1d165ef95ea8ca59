"""Issue 4, first "done when" item, second half: a field report filed offline in the PWA, stored once.

A kader of the demo world signs in on a 360-px phone, opens the field app `/lapangan/` while online so
that its service worker (`/lapangan/sw.js`) installs and takes control, then loses the signal: with
the browser's HTTP cache emptied, the page and all it loads come from the service worker's cache (no
failed request, no script error), two reports are typed and wait on the phone (IndexedDB)
as "tersimpan di HP" while the server holds nothing. When the signal is back the queue sends both
("terkirim", with a receipt code) and the server holds exactly two PWA reports by the kader. Finally
an answer is lost: one item is marked "gagal" again on the phone and replayed with the same key, and
the server still holds two.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Locator, Page, expect

from sigap.intake.models import Channel, Report
from tests.browser.conftest import PHONE, Shots, assert_fits_phone, server_side

LONTAR = "36.04.13.2007"
PASSWORD = "demo-password-for-tests"  # tests/conftest.py, demo_world
STORIES = (
    "Ada rombongan enam pemuda menunggu di dermaga malam ini, katanya mau ke Malaysia tanpa paspor.",
    "Seorang calo datang lagi ke rumah warga menawarkan kerja di kapal ikan, gaji besar, bayar di muka.",
)
RECEIPT = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}")


def sign_in(page: Page, base_url: str) -> None:
    """The kader signs in and is sent on to the field app."""
    page.goto(base_url + "/lapangan/")
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    page.get_by_label("Nama pengguna").fill("kader.lontar")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(base_url + "/lapangan/")


def wait_for_service_worker(page: Page) -> None:
    """The service worker is active and controls this page (the first load is not controlled until
    `clients.claim()` has run, so reload once if it has not yet)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("Boolean(navigator.serviceWorker.controller)"):
        page.reload()
    page.wait_for_function("Boolean(navigator.serviceWorker.controller)")


def fill_in(page: Page, story: str) -> None:
    page.get_by_label("Apa yang terjadi?").fill(story)
    page.locator("select[name=desa_code]").select_option(LONTAR)
    page.get_by_label("Anonim: tanpa nama, tanpa kontak").check()
    page.get_by_label(re.compile("^Saya setuju laporan ini digunakan petugas SIGAP")).check()
    page.get_by_role("button", name="Kirim laporan").click()


def queued(page: Page, story: str) -> Locator:
    return page.locator("#field-queue li", has_text=story[:40])


def expect_state(item: Locator, state: str, label: str) -> None:
    expect(item).to_have_attribute("data-state", state)
    expect(item.locator(".queued-state")).to_have_text(label)


def go_online(context: BrowserContext, page: Page) -> None:
    """Back in range. Chromium fires `online` when the emulated network returns, as on a phone; the
    page's queue must send itself on that event (nobody presses a button here)."""
    context.set_offline(False)
    page.wait_for_function("navigator.onLine")


def test_offline_field_report_in_the_pwa_is_stored_exactly_once(browser: Browser, live_app: str) -> None:
    shots = Shots("pwa")
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # The browser asks for /favicon.ico by itself; the pages link no icon (yet).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{message.text} at {message.location.get('url')}")

    def page_error(error: Error) -> None:
        problems.append(str(error))

    page.on("console", console)
    page.on("pageerror", page_error)

    sign_in(page, live_app)
    wait_for_service_worker(page)
    expect(page.locator("#field-connection")).to_be_hidden()
    assert_fits_phone(page, shots(page, "online"))

    # Days later, with no signal: the browser's own HTTP cache may long be gone (it is emptied here),
    # so the page and everything it loads must come from the service worker's cache.
    devtools = context.new_cdp_session(page)
    devtools.send("Network.clearBrowserCache")
    devtools.detach()  # left attached, it made the reloaded page believe it was online
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    response = page.reload()
    assert response is not None and response.from_service_worker, "the page is served by the worker"
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan lapangan")
    expect(page.locator("#field-connection")).to_have_text(
        "Tidak ada sambungan: laporan disimpan di HP ini dan dikirim nanti."
    )
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    for story in STORIES:
        fill_in(page, story)
        expect_state(queued(page, story), "saved", "tersimpan di HP")
        expect(page.get_by_label("Apa yang terjadi?")).to_have_value("")  # ready for the next one
    expect(page.locator("#field-queue li")).to_have_count(2)
    assert_fits_phone(page, shots(page, "offline-queue"))
    with server_side():
        assert Report.objects.count() == 0, "nothing reaches the server while offline"

    # The signal is back: the queue sends itself.
    go_online(context, page)
    for story in STORIES:
        item = queued(page, story)
        expect_state(item, "sent", "terkirim")
        expect(item).to_contain_text(RECEIPT)
    expect(page.locator("#field-connection")).to_be_hidden()
    assert_fits_phone(page, shots(page, "sent"))
    with server_side():
        rows = list(Report.objects.values_list("text", "channel", "submitted_by__username", "desa_id"))
        assert sorted(rows) == sorted((story, Channel.PWA.value, "kader.lontar", LONTAR) for story in STORIES)
        keys = dict(Report.objects.values_list("text", "idempotency_key"))
        assert len(set(keys.values())) == 2

    # An answer lost on the way: the phone believes the first report failed and sends it again,
    # with the same key.
    first = queued(page, STORIES[0])
    receipt = RECEIPT.search(first.inner_text())
    assert receipt is not None
    page.evaluate(
        """(text) => new Promise((resolve, reject) => {
             const open = indexedDB.open("sigap-field", 1);
             open.onerror = () => reject(open.error);
             open.onsuccess = () => {
               const tx = open.result.transaction("reports", "readwrite");
               const reports = tx.objectStore("reports");
               const all = reports.getAll();
               all.onsuccess = () => {
                 const item = all.result.find((i) => i.data.text === text);
                 item.state = "failed";
                 reports.put(item);
               };
               tx.oncomplete = () => { open.result.close(); resolve(); };
               tx.onerror = () => reject(tx.error);
             };
           })""",
        STORIES[0],
    )
    with page.expect_response(re.compile(r"/api/v1/field/reports$")) as replay:
        page.get_by_role("button", name="Kirim sekarang").click()
    assert replay.value.status == 200, "the server knows this key: the same report, not a new one"
    assert replay.value.json()["replayed"] is True
    expect_state(first, "sent", "terkirim")
    expect(first).to_contain_text(receipt.group(0))
    with server_side():
        assert Report.objects.count() == 2, "the replay is stored once"
        assert {r.text: r.idempotency_key for r in Report.objects.all()} == keys
    context.close()
    assert problems == []
