"""Take docs/screenshot.png and docs/screenshot-phone.png: the page comparing seed 000 with the
other party's counter-draft, at a desktop's width and at a phone's (390 px).

    make screenshot        # or: .venv/bin/python docs/screenshot.py [OUT.png]  (the phone's beside it)

Runs the app on a free port of 127.0.0.1 and drives Debian's chromium with Playwright, as
tests/test_browser.py does. Japanese text needs a Japanese font in the system
(``apt-get install fonts-ipafont-gothic``), or it shows as boxes.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service import create_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DATA = ROOT / "tests" / "data"


def main(out: Path) -> None:
    httpd = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        original = Path(folder) / "接続契約_甲案.txt"
        revised = Path(folder) / "接続契約_乙修正案.txt"
        original.write_bytes((DATA / "seeds" / "000.txt").read_bytes())
        revised.write_bytes((DATA / "dev" / "000_counter_otsu.txt").read_bytes())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        phone = out.with_name(f"{out.stem}-phone{out.suffix}")
        sizes = ((out, {"width": 1280, "height": 1400}), (phone, {"width": 390, "height": 844}))
        for path, viewport in sizes:
            page = browser.new_page(viewport=viewport, locale="ja-JP")
            page.goto(f"http://127.0.0.1:{httpd.server_port}/")
            page.locator("#original-file").set_input_files(original)
            page.locator("#revised-file").set_input_files(revised)
            page.get_by_role("button", name="比較する").click()
            page.wait_for_selector("#clauses tbody tr", timeout=60_000)
            page.get_by_label("変更のみ表示").check()
            # A reader at the first change, which they accepted.
            page.get_by_role("button", name="次の変更").click()
            page.locator("#clauses tbody tr.current").get_by_role("button", name="採用", exact=True).click()
            if path == out:
                page.evaluate("document.getElementById('results-title').scrollIntoView()")
            else:
                page.evaluate("document.querySelector('#clauses tbody tr.current').scrollIntoView()")
            page.evaluate("document.activeElement.blur()")
            page.screenshot(path=str(path))
            page.close()
        browser.close()
    httpd.shutdown()
    for path in (out, phone):
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png")
