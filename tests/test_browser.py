"""The page in a real browser: Debian's chromium, driven by Playwright, against the app on a real server.

A person uploads seed 000 and the other party's counter-draft, reads the aligned articles and the
table of changes, filters, jumps to a clause, and downloads the Word file with tracked changes.

Chromium is Debian's (``make test-deps`` installs it); Playwright's own browser download is not
used. Without chromium the tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from werkzeug.serving import make_server

from conftest import dev_text, seed_text, word_file

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless as root in a closed network: no sandbox, no GPU, and none of the background
# connections chromium makes at start (they are refused here, many at a time).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# 17 articles on each side: 16 pairs, 第6条（検証環境の提供） inserted and 第8条（禁止事項） deleted;
# and the rows of the title, the preamble and the signature block, unchanged.
ROWS = 18 + 3
# Modified 6, inserted 1, deleted 1, renumbered only 2.
CHANGED_ROWS = 10


@pytest.fixture(scope="module")
def server(app):
    """The app with the session's engine on a real HTTP server, on a free port of 127.0.0.1."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"Debian's chromium is not at {CHROMIUM}; `make test-deps` installs it (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def uploads(tmp_path_factory) -> tuple[Path, Path]:
    """Seed 000 as a UTF-8 text file and the counter-draft as a Word file."""
    folder = tmp_path_factory.mktemp("uploads")
    original, revised = folder / "000_original.txt", folder / "000_counter_otsu.docx"
    original.write_text(seed_text("000"), encoding="utf-8")
    revised.write_bytes(word_file(dev_text("000_counter_otsu")))
    return original, revised


@pytest.fixture(scope="module")
def page(browser, server, uploads):
    """The page once both files are uploaded and compared."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{server}/")
    page.get_by_label("ファイル（.docx / .pdf / .txt：UTF-8・UTF-16・Shift_JIS）").first.set_input_files(uploads[0])
    page.locator("#revised-file").set_input_files(uploads[1])
    page.get_by_role("button", name="比較する").click()
    page.wait_for_selector("#clauses tbody tr", timeout=60_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def meaning_page(browser, server):
    """Seed 001 against a counter-draft that changes duties, parties, consents and conditions, pasted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{server}/")
    page.locator("#original-text").fill(dev_text("001_original"))
    page.locator("#revised-text").fill(dev_text("001_counter_meaning"))
    page.get_by_role("button", name="比較する").click()
    page.wait_for_selector("#changes tbody tr", timeout=60_000)
    yield page
    context.close()


def clause_row(page, label: str):
    return page.locator("#clauses tbody tr").filter(has=page.locator("th", has_text=label))


def change_cells(page, *, visible_only: bool = False) -> list[list[str]]:
    rows = page.locator("#changes tbody tr" + (":visible" if visible_only else ""))
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]


def test_the_articles_stand_side_by_side_in_aligned_rows(page):
    assert page.locator("#clauses tbody tr").count() == ROWS
    assert page.locator("#original-title").inner_text() == "000_original.txt"
    assert page.locator("#revised-title").inner_text() == "000_counter_otsu.docx"
    row = clause_row(page, "第4条")
    assert row.locator("td.original del").all_inner_texts() == ["原則として30", "当事者間にて別途協議して負担を定め"]
    assert "変更の90" in row.locator("td.revised ins").all_inner_texts()


def test_inserted_deleted_and_renumbered_articles_carry_badges(page):
    inserted = page.locator('#clauses tbody tr[data-status="inserted"]')
    assert inserted.locator("th .clause-label").inner_text() == "第6条"
    assert inserted.locator(".badge").all_inner_texts() == ["新設"]
    assert inserted.locator("td.original").inner_text() == "（新設）"
    assert inserted.locator("td.revised ins").inner_text().startswith("第6条（検証環境の提供）")
    deleted = page.locator('#clauses tbody tr[data-status="deleted"]')
    assert deleted.locator(".badge").all_inner_texts() == ["削除"]
    assert deleted.locator("td.original del").inner_text().startswith("第8条（禁止事項）")
    assert "条番号変更" in clause_row(page, "第6条→第7条").locator(".badge").all_inner_texts()


def test_the_change_table_shows_category_clause_values_direction_and_the_favoured_party(page):
    headers = page.locator("#changes thead th").all_inner_texts()
    assert headers == ["区分", "条", "変更前 → 変更後", "方向", "有利"]
    cells = change_cells(page)
    assert ["秘密保持義務の存続期間", "第9条", "5年間 → 3年間", "減少", "—"] in cells
    assert ["仕様変更の通知期限", "第4条", "30日前まで → 90日前まで", "増加", "—"] in cells
    assert ["管轄裁判所", "第16条", "甲の本店所在地を管轄する地方裁判所 → 東京地方裁判所", "変更", "乙"] in cells
    assert ["責任上限", "第13条", "— → 金1,000万円", "追加", "乙"] in cells
    summary = page.locator("#summary li").all_inner_texts()
    assert "6 変更" in summary and "1 新設" in summary and "1 削除" in summary


def test_the_favoured_party_filter_keeps_the_changes_that_favour_that_party(page):
    page.get_by_label("有利な当事者").select_option("乙")
    assert [cells[0] for cells in change_cells(page, visible_only=True)] == ["責任上限", "管轄裁判所"]
    assert page.locator("#changes-count").inner_text() == "7件中2件を表示しています。"
    page.get_by_label("有利な当事者").select_option("")
    assert len(change_cells(page, visible_only=True)) == 7


def test_the_category_filter_keeps_one_category(page):
    page.get_by_label("区分").select_option("契約期間")
    assert change_cells(page, visible_only=True) == [["契約期間", "第11条", "1年間 → 3年間", "増加", "—"]]
    page.get_by_label("区分").select_option("")


def test_changed_only_hides_the_equal_rows(page):
    visible = page.locator("#clauses tbody tr:visible")
    page.get_by_label("変更のみ表示").check()
    assert visible.count() == CHANGED_ROWS
    assert clause_row(page, "第1条").is_hidden()
    page.get_by_label("変更のみ表示").uncheck()
    assert visible.count() == ROWS


def test_clicking_a_change_scrolls_to_its_clause_and_focuses_it(page):
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#changes tbody tr", has_text="管轄裁判所").click()
    row = clause_row(page, "第16条")
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'TR'")
    assert page.evaluate("document.activeElement.id") == row.get_attribute("id")
    page.wait_for_function(
        "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }", arg=row.get_attribute("id"))


def test_a_change_is_reached_with_the_keyboard(page):
    button = page.locator("#changes tbody tr", has_text="秘密保持義務の存続期間").get_by_role("button")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'TR'")
    assert page.evaluate("document.activeElement.id") == clause_row(page, "第9条").get_attribute("id")


def test_the_word_download_carries_the_changes_as_tracked_changes(page):
    page.get_by_label("変更履歴の作成者名").fill("乙社 法務部")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Word（変更履歴）").click()
    assert download.value.suggested_filename == "000_counter_otsu_変更履歴.docx"
    data = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    inserted = ["".join(t.text for t in mark.iter(f"{W}t")) for mark in body.iter(f"{W}ins")]
    deleted = ["".join(t.text for t in mark.iter(f"{W}delText")) for mark in body.iter(f"{W}del")]
    assert "変更の90" in inserted and "原則として30" in deleted
    assert {mark.get(f"{W}author") for mark in body.iter(f"{W}ins")} == {"乙社 法務部"}


def test_changes_of_meaning_read_in_japanese_not_in_codes(meaning_page):
    cells = change_cells(meaning_page)
    assert ["義務の強さ", "第8条", "確認的規定 → 義務", "変更", "甲"] in [row[:5] for row in cells]
    assert any(row[0] == "肯定・否定" and row[2] == "否定 → 肯定" for row in cells)
    assert any(row[0] == "ただし書" and row[2] == "— → ただし書" for row in cells)
    shown = " ".join(meaning_page.locator("#changes").inner_text().split())
    codes = ("statement", "obligation", "effort", "negated", "affirmed", "proviso", "consent", "other")
    assert [code for code in codes if code in shown] == []


def test_the_kind_filter_keeps_the_changes_of_one_kind(meaning_page):
    kinds = meaning_page.get_by_label("種類")
    assert "義務の強さ（2）" in kinds.locator("option").all_inner_texts()
    kinds.select_option("modality")
    assert [row[2] for row in change_cells(meaning_page, visible_only=True)] == [
        "確認的規定 → 義務", "確認的規定 → 努力義務"]
    meaning_page.get_by_label("有利な当事者").select_option("甲")
    assert [row[2] for row in change_cells(meaning_page, visible_only=True)] == ["確認的規定 → 義務"]
    kinds.select_option("")
    meaning_page.get_by_label("有利な当事者").select_option("")
    assert meaning_page.locator("#changes tbody tr:visible").count() == meaning_page.locator("#changes tbody tr").count()


def test_pasted_texts_are_compared_too(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/")
    page.locator("#original-text").fill(seed_text("000"))
    page.locator("#revised-text").fill(dev_text("000_counter_otsu"))
    page.get_by_role("button", name="比較する").click()
    page.wait_for_selector("#clauses tbody tr", timeout=60_000)
    assert page.locator("#clauses tbody tr").count() == ROWS
    context.close()


def test_a_missing_document_is_said_in_japanese_before_sending(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/")
    page.locator("#original-text").fill(seed_text("000"))
    page.get_by_role("button", name="比較する").click()
    assert page.get_by_role("alert").inner_text() == "修正案のファイルを選ぶか、本文を貼り付けてください。"
    assert page.evaluate("document.activeElement.id") == "revised-file"
    context.close()


def test_an_unreadable_file_shows_the_services_problem(browser, server, tmp_path):
    picture = tmp_path / "scan.docx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/")
    page.locator("#original-file").set_input_files(picture)
    page.locator("#revised-text").fill(dev_text("000_counter_otsu"))
    page.get_by_role("button", name="比較する").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text().startswith("scan.docx: ")
    context.close()


def test_the_page_works_under_its_content_security_policy(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("window.violations = [];"
                         "document.addEventListener('securitypolicyviolation', e => violations.push(e.violatedDirective));")
    response = page.goto(f"{server}/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.locator("#original-text").fill(seed_text("000"))
    page.locator("#revised-text").fill(dev_text("000_counter_otsu"))
    page.get_by_role("button", name="比較する").click()
    page.wait_for_selector("#clauses tbody tr", timeout=60_000)
    assert page.evaluate("window.violations") == []
    context.close()


def test_with_api_keys_the_page_asks_for_one_and_sends_it(browser, engine):
    from service import create_app

    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "",
                      "API_KEYS": "page-key-0123456789abcdef"})
    app.extensions["engine"] = engine
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{httpd.server_port}/")
        page.locator("#original-text").fill(seed_text("000"))
        page.locator("#revised-text").fill(dev_text("000_counter_otsu"))
        page.get_by_role("button", name="比較する").click()
        page.get_by_role("alert").wait_for()
        assert page.get_by_role("alert").inner_text().startswith("This route needs an API key")
        page.get_by_label("APIキー").fill("page-key-0123456789abcdef")
        page.get_by_role("button", name="比較する").click()
        page.wait_for_selector("#clauses tbody tr", timeout=60_000)
        assert page.locator("#clauses tbody tr").count() == ROWS
        context.close()
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()
