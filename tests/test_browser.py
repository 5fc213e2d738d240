"""The page in a real browser: Debian's chromium, driven by Playwright, against the app on a real server.

A person uploads seed 000 and the other party's counter-draft, reads the aligned articles and the
table of changes, filters, jumps to a clause, and downloads the Word file with tracked changes;
steps through the changes with j / k, records 採用 / 不採用 and comments (kept over a reload,
downloaded as JSON and sent for the merged draft), re-pairs two rows, prints to PDF, and reads
the page on a phone; uploads a .docx with tracked changes of an earlier round and compares it read
with the changes accepted, then rejected.

Re-pairing and the merged draft need fields the service's OpenAPI document may not list yet
(``options.pairs``, the redline's ``decisions``): where it does not, the tests hand the page a
document that lists them and pass the requests on to the service without them, so the page's side
is tested either way; once the service takes them, the same tests run against it unchanged.

Chromium is Debian's (``make test-deps`` installs it); Playwright's own browser download is not
used. Without chromium the tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import re
import threading
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml
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
    # The page asks for Japanese details, and the service names the file and what it takes.
    assert alert.inner_text().startswith("「scan.docx」は名前が .docx ですが")
    assert "文字情報のある PDF" in alert.inner_text()
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
    # Stepping, deciding, filtering and printing stay within the policy too.
    page.locator("#results-title").focus()
    page.keyboard.press("j")
    page.locator("#clauses tbody tr.current").get_by_role("button", name="不採用").click()
    page.get_by_label("有利な当事者").select_option("乙")
    page.emulate_media(media="print")
    page.emulate_media(media="screen")
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
        assert page.get_by_role("alert").inner_text().startswith("この操作には API キーが要ります")
        page.get_by_label("APIキー").fill("page-key-0123456789abcdef")
        page.get_by_role("button", name="比較する").click()
        page.wait_for_selector("#clauses tbody tr", timeout=60_000)
        assert page.locator("#clauses tbody tr").count() == ROWS
        context.close()
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()


# A Word file with tracked changes from an earlier round ------------------------------------

WORD_XML = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def tracked_word_file(text: str, old: str, new: str, *, author: str = "乙") -> bytes:
    """``text`` as a .docx, one paragraph a line, where ``old`` (once in it) was replaced by ``new``
    with tracking on: a w:del of ``old`` and a w:ins of ``new``, as Word writes them."""
    import docx
    from docx.oxml import parse_xml

    assert text.count(old) == 1
    document = docx.Document()
    for line in text.splitlines():
        if old not in line:
            document.add_paragraph(line)
            continue
        before, after = line.split(old)
        paragraph = document.add_paragraph(before)
        paragraph._p.append(parse_xml(f'<w:del {WORD_XML} w:id="1" w:author="{author}">'
                                      f'<w:r><w:delText>{old}</w:delText></w:r></w:del>'))
        paragraph._p.append(parse_xml(f'<w:ins {WORD_XML} w:id="2" w:author="{author}">'
                                      f'<w:r><w:t>{new}</w:t></w:r></w:ins>'))
        paragraph.add_run(after)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def earlier_round(tmp_path_factory) -> tuple[Path, Path]:
    """Seed 000 as text, and 乙's .docx of it with 第4条's 30日前 changed to 60日前 as a tracked change."""
    folder = tmp_path_factory.mktemp("earlier_round")
    original, revised = folder / "000_original.txt", folder / "000_乙修正案.docx"
    original.write_text(seed_text("000"), encoding="utf-8")
    revised.write_bytes(tracked_word_file(seed_text("000"), "原則として30日前", "原則として60日前"))
    return original, revised


# Chromium does not hand Playwright the body of a form holding files: the page's fetch is watched
# instead, and each form it sends recorded as route and `view` field.
RECORD_FORMS = """
window.sentForms = [];
const pageFetch = window.fetch;
window.fetch = function (url, init) {
  if (init && init.body instanceof FormData) {
    window.sentForms.push({ route: new URL(url, location.href).pathname, view: init.body.get("view") });
  }
  return pageFetch.apply(this, arguments);
};
"""


def sent_views(page, route: str) -> list[str | None]:
    """The `view` field of each form the page sent to ``route``, in order (None where it had none)."""
    return [form["view"] for form in page.evaluate("window.sentForms") if form["route"] == route]


def upload_and_compare(page, files: tuple[Path, Path]) -> None:
    page.locator("#original-file").set_input_files(files[0])
    page.locator("#revised-file").set_input_files(files[1])
    page.get_by_role("button", name="比較する").click()
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('比較しました')",
                           timeout=60_000)


def test_the_reading_of_tracked_changes_is_chosen_on_the_page_and_sent_with_the_files(browser, server, earlier_round):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="ja-JP")
    context.add_init_script(RECORD_FORMS)
    page = context.new_page()
    page.goto(f"{server}/")
    control = page.get_by_role("group", name="変更履歴のあるWordファイルの読み方")
    control.wait_for()
    assert ".docx" in page.locator("#view-hint").inner_text() and "変更履歴" in page.locator("#view-hint").inner_text()
    accepted, rejected = control.get_by_label("変更を承諾した版"), control.get_by_label("変更を元に戻した版")
    assert accepted.is_checked() and not rejected.is_checked()

    # Accepted (the default): 乙's change of 第4条 is in the revised draft compared.
    upload_and_compare(page, earlier_round)
    assert sent_views(page, "/v1/compare") == ["accepted"]
    assert "1 変更" in page.locator("#summary li").all_inner_texts()
    row = article_row(page, "第4条")
    assert row.get_attribute("data-status") == "modified"
    assert row.locator("td.original del").all_inner_texts() == ["30"]
    assert row.locator("td.revised ins").all_inner_texts() == ["60"]
    assert ["仕様変更の通知期限", "第4条", "30日前まで → 60日前まで", "増加", "—"] in change_cells(page)
    row.get_by_role("button", name="採用", exact=True).click()
    hashes = sha256(seed_text("000")), hashlib.sha256(earlier_round[1].read_bytes()).hexdigest()
    assert page.evaluate("Object.keys(localStorage)") == [f"contractdiff:review:{hashes[0]}:{hashes[1]}"]

    # Rejected: the .docx reads as it was before 乙's change, the same as the original.
    rejected.check()
    assert accepted.is_checked() is False
    upload_and_compare(page, earlier_round)
    assert sent_views(page, "/v1/compare") == ["accepted", "original"]
    assert "0 変更" in page.locator("#summary li").all_inner_texts()
    assert article_row(page, "第4条").get_attribute("data-status") == "equal"
    assert page.locator("#no-changes").is_visible() and page.locator("#changes").is_hidden()
    assert "変更を元に戻した版で読みました" in page.locator("#status").inner_text()

    # Every download sends the same reading as the comparison on the screen, switched back or not.
    accepted.check()
    downloaded = {}
    for name in ("変更一覧（CSV）", "新旧対照表（Word）"):
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name=name).click()
        downloaded[name] = Path(download.value.path()).read_bytes()
    assert sent_views(page, "/v1/redline") == ["original", "original"]
    assert "60日前" not in downloaded["変更一覧（CSV）"].decode("utf-8-sig")
    # Compared again as accepted, the work on that reading is back and the download has 乙's change.
    upload_and_compare(page, earlier_round)
    assert page.locator("#decided-count").inner_text() == "判断済み 1/1（採用 1・不採用 0）"
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="変更一覧（CSV）").click()
    assert sent_views(page, "/v1/redline")[-1] == "accepted"
    assert "60日前" in Path(download.value.path()).read_bytes().decode("utf-8-sig")
    context.close()


def test_pasted_texts_go_without_a_view_and_a_service_without_the_field_gets_no_control(browser, server):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.goto(f"{server}/")
    page.get_by_role("group", name="変更履歴のあるWordファイルの読み方").get_by_label("変更を元に戻した版").check()
    with page.expect_request("**/v1/compare*") as request:
        compare_texts(page, seed_text("000"), dev_text("000_counter_otsu"))
    assert "view" not in request.value.post_data_json
    assert "変更を元に戻した版" not in page.locator("#status").inner_text()
    context.close()

    spec = the_spec(server)
    for schema in ("CompareUpload", "RedlineUpload"):
        spec["components"]["schemas"][schema]["properties"].pop("view", None)
    context = browser.new_context(locale="ja-JP")
    serve_spec(context, yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=100))
    page = context.new_page()
    page.goto(f"{server}/")
    compare_texts(page, seed_text("000"), dev_text("000_counter_otsu"))  # the page has read the document
    assert page.locator("#view-options").is_hidden()
    context.close()


# Stepping through the changes, filters, decisions, re-pairing, print and phone -------------

# The changed rows of seed 000 against the counter-draft, in order: the ones j steps through.
CHANGED_LABELS = ["第4条", "第6条", "第6条→第7条", "第7条→第8条", "第8条", "第9条", "第11条", "第12条", "第13条", "第16条"]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def the_spec(server) -> dict:
    with urllib.request.urlopen(f"{server}/v1/openapi.yaml") as response:
        return yaml.safe_load(response.read())


def takes_pairs(spec: dict) -> bool:
    return "pairs" in spec["components"]["schemas"]["Options"]["properties"]


def redline_body_schema(spec: dict) -> dict:
    schema = spec["paths"]["/v1/redline"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def takes_decisions(spec: dict) -> bool:
    return "decisions" in redline_body_schema(spec).get("properties", {})


def spec_with(spec: dict, *, pairs: bool, decisions: bool) -> str:
    """The service's OpenAPI document as the page reads it, with `options.pairs` and the
    redline's `decisions` added (or taken out), written as the service writes it."""
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    for name in ("Options", "CompareUpload"):
        schemas[name]["properties"].pop("pairs", None)
    if pairs:
        schemas["ManualPair"] = {"type": "object", "properties": {"original": {"type": "string"},
                                                                  "revised": {"type": "string"}},
                                 "required": ["original", "revised"], "additionalProperties": False}
        schemas["Options"]["properties"]["pairs"] = {"type": "array", "items": {"$ref": "#/components/schemas/ManualPair"}}
        schemas["CompareUpload"]["properties"]["pairs"] = {"type": "string", "description": "options.pairs as JSON"}
    body = spec["paths"]["/v1/redline"]["post"]["requestBody"]["content"]["application/json"]
    if decisions:
        schemas["Decision"] = {"type": "object", "properties": {
            "original": {"type": ["string", "null"]}, "revised": {"type": ["string", "null"]},
            "decision": {"type": "string", "enum": ["accepted", "rejected"]}, "comment": {"type": "string"}},
            "required": ["original", "revised", "decision"], "additionalProperties": False}
        schemas["RedlineRequest"] = {"type": "object", "properties": {
            **schemas["CompareRequest"]["properties"],
            "decisions": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}}}}
        body["schema"] = {"$ref": "#/components/schemas/RedlineRequest"}
    else:
        body["schema"] = {"$ref": "#/components/schemas/CompareRequest"}
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=100)


class Recorder:
    """The JSON bodies a page sends to a route, passed on to the service without the fields it
    does not take yet (so the page's side is tested before the service's)."""

    def __init__(self, context, route: str, strip) -> None:
        self.bodies: list[dict] = []
        self.strip = strip
        context.route(f"**{route}*", self.handle)

    def handle(self, route) -> None:
        body = route.request.post_data_json
        self.bodies.append(copy.deepcopy(body))
        self.strip(body)
        route.continue_(post_data=json.dumps(body, ensure_ascii=False).encode("utf-8"))


def compare_texts(page, original: str, revised: str) -> None:
    page.locator("#original-text").fill(original)
    page.locator("#revised-text").fill(revised)
    page.get_by_role("button", name="比較する").click()
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('比較しました')", timeout=60_000)


def serve_spec(context, text: str) -> None:
    context.route("**/v1/openapi.yaml", lambda route: route.fulfill(
        status=200, content_type="application/yaml", body=text.encode("utf-8")))


def article_row(page, label: str):
    """The row whose label is exactly ``label`` (第8条, not 第7条→第8条)."""
    return page.locator("#clauses tbody tr").filter(
        has=page.locator("th .clause-label", has_text=re.compile(f"^{re.escape(label)}$")))


def position(page) -> str:
    return page.locator("#position").inner_text()


def current_label(page) -> str:
    return page.locator("#clauses tbody tr.current th .clause-label").inner_text()


def in_view(page, row) -> bool:
    return page.evaluate(
        "(row) => { const r = row.getBoundingClientRect(); const bar = document.getElementById('review');"
        " return r.top >= bar.getBoundingClientRect().bottom - 1 && r.top < window.innerHeight; }",
        row.element_handle())


def test_next_and_previous_change_step_with_j_k_and_the_buttons(page):
    page.locator("#changes tbody tr", has_text="仕様変更の通知期限").click()
    assert position(page) == "1/10" and current_label(page) == "第4条"
    page.keyboard.press("j")
    assert position(page) == "2/10" and current_label(page) == "第6条"
    row = page.locator("#clauses tbody tr.current")
    assert row.get_attribute("aria-current") == "true" and row.get_attribute("data-status") == "inserted"
    assert in_view(page, row)
    assert page.evaluate("document.activeElement.classList.contains('current')")
    page.keyboard.press("k")
    assert position(page) == "1/10" and current_label(page) == "第4条"
    # The change of the table belonging to the current article is marked too.
    assert page.locator("#changes tbody tr.current").all_inner_texts()[0].startswith("仕様変更の通知期限")
    for _ in range(3):
        page.get_by_role("button", name="次の変更").click()
    assert position(page) == "4/10" and current_label(page) == "第7条→第8条"
    assert in_view(page, page.locator("#clauses tbody tr.current"))
    page.get_by_role("button", name="前の変更").click()
    assert position(page) == "3/10"
    seen = [current_label(page)]
    for _ in range(7):
        page.keyboard.press("j")
        seen.append(current_label(page))
    assert seen == CHANGED_LABELS[2:]
    page.keyboard.press("j")
    assert position(page) == "10/10" and page.locator("#current-label").inner_text() == "最後の変更です。"


def test_the_filters_work_together_on_both_tables_and_the_steps(page):
    favours, categories = page.get_by_label("有利な当事者"), page.get_by_label("区分")
    favours.select_option("乙")
    # Each filter counts what the others let through.
    options = categories.locator("option")
    assert "責任上限（1）" in options.all_inner_texts() and "契約期間（0）" in options.all_inner_texts()
    assert categories.locator("option", has_text="契約期間").is_disabled()
    assert page.locator("#filter-note").is_visible()
    shown = page.locator("#clauses tbody tr:visible th .clause-label").all_inner_texts()
    assert shown == ["第13条", "第16条"]
    assert position(page).endswith("/2")
    categories.select_option("責任上限")
    assert [cells[0] for cells in change_cells(page, visible_only=True)] == ["責任上限"]
    assert page.locator("#changes-count").inner_text() == "7件中1件を表示しています。"
    page.keyboard.press("k")
    assert position(page) == "1/1" and current_label(page) == "第13条"
    page.get_by_role("button", name="絞り込みを解除").click()
    assert len(change_cells(page, visible_only=True)) == 7
    assert page.locator("#clauses tbody tr:visible").count() == ROWS
    assert position(page) == "9/10"
    assert page.locator("#filter-note").is_hidden() and page.get_by_role("button", name="絞り込みを解除").is_hidden()


def test_the_print_has_the_comparison_only_change_list_first_on_few_a4_pages(page, tmp_path):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(page.pdf(format="A4"))
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    # 21 rows and 7 changes: three pages (the screen's page printed as it was gave seven, starting with the form).
    assert 2 <= len(pdf) <= 4
    printed = "".join(texts)
    for screen_only in ("原案と修正案について", "比較する", "ファイル（.docx", "ダウンロード", "次の変更", "対応付け", "コメント"):
        assert screen_only not in printed
    assert "主な変更" in texts[0] and texts[0].index("主な変更") < texts[0].index("条文の対照")
    assert "第17条" in printed and "東京地方裁判所" in printed

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})  # A4's 190 mm between the margins
    try:
        page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
        assert page.locator("#compare-form").is_hidden() and page.locator("#review").is_hidden()
        assert page.locator("#changes").is_visible()
        style = page.evaluate("getComputedStyle(document.querySelector('#clauses tbody tr')).breakInside")
        assert style == "avoid"
        widths = page.evaluate("[...document.querySelectorAll('#clauses tbody tr:nth-child(5) td')]"
                               ".map(cell => cell.getBoundingClientRect().width)")
        assert len(widths) == 2 and min(widths) > 280  # two columns side by side, each about 25 characters wide
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.emulate_media(media="screen")


def test_on_a_phone_the_columns_stack_and_nothing_scrolls_sideways(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{server}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    compare_texts(page, seed_text("000"), dev_text("000_counter_otsu"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = article_row(page, "第4条")
    original, revised = row.locator("td.original").bounding_box(), row.locator("td.revised").bounding_box()
    assert revised["y"] >= original["y"] + original["height"] - 1 and revised["x"] == original["x"]
    assert revised["width"] > 300
    page.get_by_role("button", name="次の変更").click()
    assert position(page) == "1/10"
    article_row(page, "第4条").get_by_role("button", name="採用", exact=True).click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The rows the filters hide stay hidden in the stacked layout.
    page.get_by_label("変更のみ表示").check()
    assert page.locator("#clauses tbody tr:visible").count() == CHANGED_ROWS
    page.get_by_label("有利な当事者").select_option("乙")
    assert page.locator("#changes tbody tr:visible").count() == 2
    assert page.locator("#clauses tbody tr:visible").count() == 2
    context.close()


def test_decisions_are_counted_kept_over_a_reload_and_downloaded_as_json(browser, server):
    original, revised = seed_text("000"), dev_text("000_counter_otsu")
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{server}/")
    compare_texts(page, original, revised)
    assert page.locator("#decided-count").inner_text() == "判断済み 0/10（採用 0・不採用 0）"
    # By keyboard: j reaches the article, Tab its 採用, Space presses it.
    page.locator("#results-title").focus()
    page.keyboard.press("j")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "採用"
    page.keyboard.press("Space")
    fourth = article_row(page, "第4条")
    assert fourth.get_by_role("button", name="採用", exact=True).get_attribute("aria-pressed") == "true"
    ninth = article_row(page, "第9条")
    ninth.get_by_role("button", name="不採用").click()
    comment = ninth.get_by_label("第9条へのコメント")
    comment.click()
    page.keyboard.type("3年では短い。jは入力に入る")  # j in a text field is typed, not a step
    assert position(page) == "6/10"
    assert page.locator("#decided-count").inner_text() == "判断済み 2/10（採用 1・不採用 1）"
    # 採用 pressed again takes the decision back.
    article_row(page, "第16条").get_by_role("button", name="採用", exact=True).click()
    article_row(page, "第16条").get_by_role("button", name="採用", exact=True).click()
    assert page.locator("#decided-count").inner_text() == "判断済み 2/10（採用 1・不採用 1）"

    key = f"contractdiff:review:{sha256(original)}:{sha256(revised)}"
    saved = json.loads(page.evaluate("(key) => localStorage.getItem(key)", key))
    assert saved["decisions"] == {"a4|a4": {"decision": "accept", "comment": ""},
                                  "a9|a9": {"decision": "reject", "comment": "3年では短い。jは入力に入る"}}

    with page.expect_download() as download:
        page.get_by_role("button", name="判断の一覧（JSON）").click()
    assert download.value.suggested_filename == "修正案_判断.json"
    content = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert content["original"] == {"name": None, "sha256": sha256(original)}
    assert content["revised"]["sha256"] == sha256(revised)
    assert content["decisions"] == [
        {"original": "a4", "revised": "a4", "label": "第4条", "decision": "accept", "comment": ""},
        {"original": "a9", "revised": "a9", "label": "第9条", "decision": "reject", "comment": "3年では短い。jは入力に入る"}]

    # Without `decisions` in the redline route, the merged draft's button says what it waits for.
    word = page.get_by_role("button", name="判断を反映したWord")
    if not takes_decisions(the_spec(server)):
        assert word.is_disabled()
        assert "decisions" in word.get_attribute("title")
        assert "decisions" in page.locator("#decisions-word-note").inner_text()

    page.reload()
    compare_texts(page, original, revised)
    assert page.locator("#decided-count").inner_text() == "判断済み 2/10（採用 1・不採用 1）"
    assert article_row(page, "第4条").get_by_role("button", name="採用", exact=True).get_attribute("aria-pressed") == "true"
    assert article_row(page, "第9条").get_by_label("第9条へのコメント").input_value() == "3年では短い。jは入力に入る"
    assert "decided-reject" in article_row(page, "第9条").get_attribute("class")
    # Other documents, other decisions.
    compare_texts(page, original, dev_text("000_counter_otsu").replace("3年間", "4年間"))
    assert page.locator("#decided-count").inner_text() == "判断済み 0/10（採用 0・不採用 0）"
    context.close()


def test_the_hash_is_sha256_where_the_browser_offers_no_crypto_subtle(browser, server):
    """Over plain HTTP from another host crypto.subtle is missing: the page's own SHA-256 keys the same."""
    original, revised = seed_text("003"), dev_text("000_counter_otsu")
    context = browser.new_context(locale="ja-JP")
    context.add_init_script("Object.defineProperty(Crypto.prototype, 'subtle', { get() { return undefined; } });")
    page = context.new_page()
    page.goto(f"{server}/")
    assert page.evaluate("window.crypto.subtle") is None
    compare_texts(page, original, revised)
    page.locator("#clauses tbody tr.changed").first.get_by_role("button", name="不採用").click()
    assert page.evaluate("Object.keys(localStorage)") == [f"contractdiff:review:{sha256(original)}:{sha256(revised)}"]
    context.close()


def test_the_merged_draft_sends_the_decisions_once_the_service_takes_them(browser, server):
    spec = the_spec(server)
    live = takes_decisions(spec)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="ja-JP")
    if not live:
        serve_spec(context, spec_with(spec, pairs=takes_pairs(spec), decisions=True))
    redline = Recorder(context, "/v1/redline", lambda body: None if live else body.pop("decisions", None))
    page = context.new_page()
    page.goto(f"{server}/")
    compare_texts(page, seed_text("000"), dev_text("000_counter_otsu"))
    word = page.get_by_role("button", name="判断を反映したWord")
    assert word.is_enabled()
    word.click()
    assert "まだ判断がありません" in page.locator("#download-status").inner_text()
    article_row(page, "第4条").get_by_role("button", name="採用", exact=True).click()
    article_row(page, "第8条").get_by_role("button", name="不採用").click()
    article_row(page, "第8条").get_by_label("第8条へのコメント").fill("禁止事項は残す")
    with page.expect_download(timeout=60_000) as download:
        word.click()
    assert download.value.suggested_filename.endswith(".docx")
    sent = redline.bodies[-1]["decisions"]
    assert [(item["original"], item["revised"]) for item in sent] == [("a4", "a4"), ("a8", None)]
    if live:  # the merged draft itself: the rejected deletion of 第8条 kept untracked, with its comment
        assert "判断反映" in download.value.suggested_filename
        with zipfile.ZipFile(download.value.path()) as docx:
            body = etree.fromstring(docx.read("word/document.xml"))
            comments = docx.read("word/comments.xml").decode()
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        assert "禁止事項は残す" in comments
        assert "禁止事項" in "".join(t.text or "" for t in body.iter(f"{w}t"))
        assert "禁止事項" not in "".join(t.text or "" for t in body.iter(f"{w}delText"))
    if not live:  # the codes the document's enum gives
        assert sent == [{"original": "a4", "revised": "a4", "decision": "accepted"},
                        {"original": "a8", "revised": None, "decision": "rejected", "comment": "禁止事項は残す"}]
    context.close()


@pytest.fixture
def pairing_page(browser, server):
    """Seed 000 against the counter-draft, pasted, on a page whose service takes `options.pairs`
    (the document and the requests patched where the service does not yet)."""
    spec = the_spec(server)
    live = takes_pairs(spec)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="ja-JP")
    if not live:
        serve_spec(context, spec_with(spec, pairs=True, decisions=takes_decisions(spec)))
    strip = (lambda body: None) if live else (lambda body: body.get("options", {}).pop("pairs", None))
    page = context.new_page()
    page.compares = Recorder(context, "/v1/compare", strip)
    page.redlines = Recorder(context, "/v1/redline", strip)
    page.live = live
    page.goto(f"{server}/")
    compare_texts(page, seed_text("000"), dev_text("000_counter_otsu"))
    yield page
    context.close()


def sent_pairs(recorder) -> list | None:
    return recorder.bodies[-1]["options"].get("pairs")


def test_two_rows_are_repaired_by_picking_one_article_on_each_side(pairing_page):
    page = pairing_page
    toggle = page.get_by_role("button", name="対応付けを修正する")
    assert page.locator("button.pick:visible").count() == 0
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    article_row(page, "第8条").locator("td.original").get_by_role("button", name="原案の第8条を対応付けに選ぶ").click()
    assert page.locator("#pairing-selection").inner_text() == "原案の第8条を選びました。もう一方の条を選んでください。"
    article_row(page, "第6条").locator("td.revised").get_by_role("button", name="修正案の第6条を対応付けに選ぶ").click()
    assert page.locator("#pairing-selection").inner_text() == "原案の第8条と修正案の第6条を対応させます。"
    assert len(page.compares.bodies) == 1
    page.get_by_role("button", name="対応させて再比較").click()
    page.get_by_text("原案の第8条と修正案の第6条を対応させて比較し直しました。").wait_for()
    assert len(page.compares.bodies) == 2 and sent_pairs(page.compares) == [{"original": "a8", "revised": "a6"}]
    assert page.locator("#manual-pairs li").all_inner_texts() == ["原案の第8条 ⇔ 修正案の第6条 解除"]
    if page.live:
        row = page.locator('#clauses tbody tr[data-original-id="a8"]')
        assert row.get_attribute("data-revised-id") == "a6"
        assert "手動で対応" in row.locator(".badge").all_inner_texts()

    # The downloads send the same pairs.
    with page.expect_download(timeout=60_000):
        page.get_by_role("button", name="比較結果（HTML）").click()
    assert sent_pairs(page.redlines) == [{"original": "a8", "revised": "a6"}]

    # A reload of the same documents compares with the pairs kept.
    page.reload()
    compare_texts(page, seed_text("000"), dev_text("000_counter_otsu"))
    assert sent_pairs(page.compares) == [{"original": "a8", "revised": "a6"}]

    page.get_by_role("button", name="対応付けを修正する").click()
    page.get_by_role("button", name="原案の第8条 ⇔ 修正案の第6条の対応付けを解除").click()
    page.get_by_text("対応付けを解除して比較し直しました。").wait_for()
    assert sent_pairs(page.compares) is None
    assert page.locator("#manual-pairs-box").is_hidden()


def test_two_rows_are_repaired_by_dragging_one_article_onto_the_other(pairing_page):
    page = pairing_page
    page.get_by_role("button", name="対応付けを修正する").click()
    source, target = article_row(page, "第8条").locator("td.original"), article_row(page, "第6条").locator("td.revised")
    target.evaluate("cell => cell.closest('tr').scrollIntoView({ block: 'start' })")
    start, end = source.bounding_box(), target.bounding_box()
    assert end["y"] > 0 and start["y"] + 40 < 900  # both on the screen
    page.mouse.move(start["x"] + 30, start["y"] + 20)
    page.mouse.down()
    page.mouse.move(start["x"] + 60, start["y"] + 40, steps=4)
    page.mouse.move(end["x"] + 60, end["y"] + 40, steps=8)
    page.mouse.up()
    page.get_by_text("原案の第8条と修正案の第6条を対応させて比較し直しました。").wait_for()
    assert sent_pairs(page.compares) == [{"original": "a8", "revised": "a6"}]


def test_without_pairs_in_the_service_the_pairing_tools_stay_away(browser, server):
    context = browser.new_context(locale="ja-JP")
    serve_spec(context, spec_with(the_spec(server), pairs=False, decisions=False))
    page = context.new_page()
    page.goto(f"{server}/")
    compare_texts(page, seed_text("000"), dev_text("000_counter_otsu"))
    assert page.get_by_role("button", name="対応付けを修正する").is_hidden()
    assert page.locator("button.pick:visible").count() == 0
    assert page.locator("#pairing-unavailable").is_hidden()
    assert page.get_by_role("button", name="判断を反映したWord").is_disabled()
    context.close()


def test_saved_pairs_the_service_refuses_are_dropped_and_the_documents_compared_without_them(browser, server):
    original, revised = seed_text("000"), dev_text("000_counter_otsu")
    spec = the_spec(server)
    context = browser.new_context(locale="ja-JP")
    serve_spec(context, spec_with(spec, pairs=True, decisions=takes_decisions(spec)))
    key = f"contractdiff:review:{sha256(original)}:{sha256(revised)}"
    saved = {"version": 1, "pairs": [{"original": "a99", "revised": "a1"}],
             "decisions": {"a4|a4": {"decision": "accept", "comment": ""}}}
    context.add_init_script(f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(saved))});")
    sent = []

    def refuse_pairs(route):
        body = route.request.post_data_json
        sent.append(body["options"].get("pairs"))
        if body["options"].get("pairs"):
            route.fulfill(status=422, content_type="application/problem+json", body=json.dumps(
                {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
                 "detail": "options.pairs: a99 is not an article of the original."}))
        else:
            route.continue_()

    context.route("**/v1/compare*", refuse_pairs)
    page = context.new_page()
    page.goto(f"{server}/")
    compare_texts(page, original, revised)
    assert sent == [[{"original": "a99", "revised": "a1"}], None]
    assert page.locator("#error").is_hidden()
    assert page.locator("#status").inner_text().endswith("保存されていた対応付けは使えなかったため、解除しました。")
    assert page.locator("#decided-count").inner_text() == "判断済み 1/10（採用 1・不採用 0）"
    kept = json.loads(page.evaluate("(key) => localStorage.getItem(key)", key))
    assert kept["pairs"] == [] and kept["decisions"] == saved["decisions"]
    context.close()
