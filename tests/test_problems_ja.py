"""Japanese for people, codes for programs: `Accept-Language: ja` gets every problem's `detail` in Japanese.

The `type`, `title`, `status` and the per-field `errors` stay what they are in English; every problem
says its language (Content-Language) and varies on Accept-Language. Three kinds of proof:

* every raise site of the library and the service that becomes a problem is read from the source,
  its message built with sample values as the code builds it, and each must have a Japanese phrase
  of its own in service.messages_ja (not only the fallback of its type) that leaves no English;
* every problem type, the edge's included, has a Japanese sentence;
* real requests through the Flask test client: the files that are not accepted (a PDF that is not
  one, an image, a .doc, an Excel file, an empty file) say in Japanese which files are.
"""

from __future__ import annotations

import ast
import importlib
import io
import itertools
import json
import re
import socket
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from nlp.budget import Budget
from nlp.errors import DocumentLimitExceeded
from nlp.pdf import _answer_pages
from service import create_app
from service import messages_ja as ja
from service.errors import EDGE_PROBLEMS, PROBLEMS, edge_problem, write_gunicorn_problem

ROOT = Path(__file__).resolve().parent.parent
COMPARE = "/v1/compare"
JA = {"Accept-Language": "ja"}
VALID = {"original": {"text": "第1条（目的）甲は乙に業務を委託する。"},
         "revised": {"text": "第1条（目的）甲は乙に業務を再委託する。"}}
KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Two English words in a row (code in backquotes set aside): a sentence left untranslated.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{3,} [a-z]{3,}\b")


def japanese(text: str) -> bool:
    """Whether ``text`` is Japanese and leaves no English sentence (names, settings, codes may stay)."""
    return bool(KANA_OR_KANJI.search(text)) and not ENGLISH_WORDS.search(re.sub(r"`[^`]*`", "", text))


def problem(response, status: int, slug: str, language: str = "ja") -> dict:
    """The problem in ``response``, of this status and type, in ``language``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.headers["Content-Language"] == language
    assert "Accept-Language" in response.headers.get_all("Vary") or \
        "Accept-Language" in response.headers.get("Vary", "")
    body = response.get_json()
    assert body["status"] == status and body["type"].endswith(f"/{slug}")
    if language == "ja":
        assert japanese(body["detail"]), body["detail"]
    return body


def upload(client, original: tuple[bytes, str], revised: tuple[bytes, str] | None = None, **kwargs):
    revised = revised or ("第1条（目的）甲は乙に業務を再委託する。".encode(), "修正案.txt")
    data = {"original": (io.BytesIO(original[0]), original[1]), "revised": (io.BytesIO(revised[0]), revised[1])}
    return client.post(COMPARE, data=data, content_type="multipart/form-data", **kwargs)


def says_what_is_accepted(detail: str) -> bool:
    return ja.ACCEPTED_FILES in detail and all(kind in detail for kind in (".docx", ".pdf", ".html", ".txt"))


# Which language -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "language"), [
    ("ja", "ja"), ("ja-JP", "ja"), ("JA-jp", "ja"), ("ja;q=0.9, en;q=0.8", "ja"), ("ja, en", "ja"),
    ("fr, ja;q=0.5", "ja"), ("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja"),
    ("en", "en"), ("en-US,en;q=0.9,ja;q=0.8", "en"), ("en, ja", "en"), ("ja;q=0", "en"), ("*", "en"),
    ("ja;q=0.4, *;q=0.5", "en"), ("fr", "en"), ("", "en"), (None, "en"),
])
def test_accept_language_chooses_the_language_of_the_detail(client, header, language):
    headers = {} if header is None else {"Accept-Language": header}
    answer = client.post(COMPARE, data='{"original": ', content_type="application/json", headers=headers)
    body = problem(answer, 400, "malformed-json", language)
    if language == "en":
        assert body["detail"].startswith("The body is not valid JSON")
    else:
        assert body["detail"] == "本文が正しい JSON ではありません。1 行 14 文字目で、値がありません。"


def test_only_the_detail_changes_with_the_language(client):
    english = client.post(COMPARE, json={"original": VALID["original"]})
    japanese_answer = client.post(COMPARE, json={"original": VALID["original"]}, headers=JA)
    en, ja_body = problem(english, 422, "invalid-request", "en"), problem(japanese_answer, 422, "invalid-request")
    assert {key: value for key, value in en.items() if key != "detail"} == \
        {key: value for key, value in ja_body.items() if key != "detail"}
    assert ja_body["errors"] == {"revised": ["Missing data for required field."]}  # for programs: English
    assert "`errors`" in ja_body["detail"]


# Every raise site -----------------------------------------------------------------------------------

# The exceptions whose message becomes a problem's detail: the table's, and the library's subclass.
PROBLEM_CLASSES = {cls.__name__ for cls in PROBLEMS if cls not in (Exception,)} - {"ValidationError"} | {
    "DocumentLimitExceeded"}
# A helper that makes such an exception from its description (service.auth).
MAKERS = {"_unauthorized"}
# The command line's modules: their errors are printed, never a problem.
NOT_SERVED = {"service/cli.py", "service/batch.py"}


class SampleError(str):
    """Stands for the ``error`` a message quotes: as text, a limit's message; its fields, a decoder's."""

    def __new__(cls, text: str, msg: str = "Expecting value"):
        self = super().__new__(cls, text)
        self.msg, self.lineno, self.colno, self.start = msg, 1, 14, 3
        self.reason, self.strerror = "invalid start byte", "No such file or directory"
        return self


def _limit_message() -> str:
    try:
        _answer_pages({"refused": "pages", "pages": 300}, name="乙修正案.pdf", max_pages=200)
    except DocumentLimitExceeded as error:
        return str(error)
    raise AssertionError("a PDF over the page limit is refused")


def _page(images: bool) -> SimpleNamespace:
    return SimpleNamespace(images=images)


JSON_MESSAGES = ("Expecting value", "Expecting ',' delimiter", "Expecting ':' delimiter",
                 "Expecting property name enclosed in double quotes", "Unterminated string starting at",
                 "Extra data", "Invalid control character '\\n' at", "Invalid \\escape: 'x'",
                 "Invalid \\uXXXX escape", "Some message a later Python may add")


def samples() -> dict[str, list]:
    """Values for the names a message quotes; a name with several values is tried with each."""
    limit = _limit_message()
    return {
        "name": ["乙修正案.pdf", "契約書: 最終版.docx"],
        "error": [SampleError(limit, msg) for msg in JSON_MESSAGES],
        "entries": [list(range(2_500))],
        "data": [b"x" * 12_000_000],
        "limits": [SimpleNamespace(max_bytes=10_485_760, max_unzipped_bytes=52_428_800)],
        "entry": [SimpleNamespace(filename="word/document.xml")],
        "ratio": [1_024.0],
        "max_depth": [64],
        "limit": [2_097_152, 50],
        "raw": [b'{"\x00\x82'],
        "chars": [300_000],
        "text": ["あ" * 300_000],
        "side": ["original", "revised"],
        "what": ["The original text", "The revised text", "The template", "Document 2 (乙修正案.docx)",
                 "Document 3"],
        "documents": [list(range(51))],
        "declared": ["text/plain", "no Content-Type"],
        "max_upload_bytes": [10_485_760],
        "request": [SimpleNamespace(max_form_parts=1_000, content_length=None)],
        "current_app": [SimpleNamespace(config={"AUTH_FAILURE_LIMIT": "10 per minute",
                                                "RATE_LIMIT": "600 per minute; 10000/day",
                                                "RATE_LIMIT_SENTENCES_PER_UNIT": 200})],
        "identifier": ["a9"],
        "known": ["a1, a2, a3, a4, a5, a6, a7, a8"],
        "decision": [SimpleNamespace(original="a9", revised=None), SimpleNamespace(original=None, revised="a12")],
        "format": ["html", "xlsx"],
        "answer": [{"pages": 300, "reason": "Data format error"}, {"pages": 300}],
        "refused": ["damaged"],
        "max_pages": [200],
        "memory_bytes": [1024 ** 3],
        "seconds": [5.0, 0.25],
        "one": [True, False],
        "count": ["1 page", "3 pages"],
        "pages": [[_page(True)], [_page(False), _page(False), _page(False)]],
        "listed": ["3", "1, 2, 3, 4, 5, 6, 7, 8, 9, 10 …"],
        "unmapped": [4_000],
        "characters": [5_000],
        "encoding": ["utf-8", "utf-16"],
        "max_tokens": [200_000],
        "setting": ["MAX_PDF_PAGES", "PDF_TIMEOUT_SECONDS"],
        "step": steps(),
    }


#: Names that mean something else in one module.
MODULE_SAMPLES = {"nlp/manual.py": {"side": [0, 1]}, "service/body.py": {"name": ["NaN", "Infinity", "-Infinity"]}}


def served_modules() -> list[Path]:
    paths = sorted([*ROOT.glob("service/*.py"), *ROOT.glob("nlp/**/*.py")])
    return [path for path in paths if str(path.relative_to(ROOT)) not in NOT_SERVED]


def steps() -> list[str]:
    """Every step a budget is checked at (``budget.check("pairing the articles")``), as the code names it."""
    found = {"'comparing'"}  # Budget.check's default
    for path in served_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check" \
                    and len(node.args) == 1 and isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
                found.add(ast.unparse(node.args[0]))
    return [eval(source, {"name": "乙修正案.pdf"}) for source in sorted(found)]  # noqa: S307 - our source


def message_expressions() -> list[tuple[str, int, ast.expr]]:
    """(module, line, expression) of each message that becomes a problem's detail."""
    found = []
    for path in served_modules():
        module = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}

        def returned(function: ast.FunctionDef) -> list[ast.expr]:
            return [node.value for node in ast.walk(function) if isinstance(node, ast.Return) and node.value]

        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                called = ast.unparse(node.exc.func)
                if called not in PROBLEM_CLASSES | MAKERS:
                    continue
                argument = node.exc.args[0]
                if isinstance(argument, ast.Call) and ast.unparse(argument.func) in functions:
                    found.extend((module, node.lineno, value)
                                 for value in returned(functions[ast.unparse(argument.func)]))
                else:
                    found.append((module, node.lineno, argument))
            # flask-limiter's refusal: Limiter(..., error_message=breach_message)
            if isinstance(node, ast.keyword) and node.arg == "error_message" and \
                    isinstance(node.value, ast.Name) and node.value.id in functions:
                found.extend((module, functions[node.value.id].lineno, value)
                             for value in returned(functions[node.value.id]))
    return found


def rendered_messages() -> list[tuple[str, str]]:
    """Each message as its raise site builds it, once for each combination of the sample values it uses."""
    values = samples()
    out = []
    for module, line, expression in message_expressions():
        scope = vars(importlib.import_module(module.removesuffix(".py").replace("/", ".").removesuffix(".__init__")))
        own = {**values, **MODULE_SAMPLES.get(module, {})}
        used = sorted({node.id for node in ast.walk(expression) if isinstance(node, ast.Name)} & set(own))
        code = compile(ast.Expression(expression), module, "eval")
        for combination in itertools.product(*(own[name] for name in used)):
            namespace = {**scope, **dict(zip(used, combination, strict=True))}
            try:
                message = eval(code, namespace)  # noqa: S307 - the service's own source
            except NameError as error:
                raise AssertionError(f"{module}:{line}: add a sample for {error.name}") from None
            out.append((f"{module}:{line}", str(message)))
    return out


MESSAGES = rendered_messages()


def test_the_walk_finds_the_raise_sites():
    sites = {site.split(":")[0] for site, _ in MESSAGES}
    assert {"nlp/documents.py", "nlp/pdf.py", "nlp/webpages.py", "nlp/budget.py", "nlp/manual.py", "nlp/drift.py",
            "nlp/exports/decisions.py", "nlp/exports/__init__.py", "service/body.py", "service/auth.py",
            "service/uploads.py", "service/drift.py", "service/routes.py", "service/ratelimit.py"} <= sites
    assert len({site for site, _ in MESSAGES}) >= 60


@pytest.mark.parametrize(("site", "message"), MESSAGES, ids=[f"{site}-{index}" for index, (site, _) in
                                                           enumerate(MESSAGES)])
def test_every_message_of_a_raise_site_has_its_own_japanese(site, message):
    said = ja.translate(message)
    assert said is not None, f"{site}: no phrase of service.messages_ja reads {message!r}"
    assert japanese(said), f"{site}: {said}"


def test_the_names_and_numbers_of_a_message_are_kept():
    said = ja.translate("乙修正案.pdf: has 300 pages; the limit is 200. Upload the contract without its annexes, "
                        "or in parts. (The limit is the setting CONTRACTDIFF_MAX_PDF_PAGES.)")
    assert said == ("「乙修正案.pdf」は 300 ページあり、上限の 200 ページを超えています。別紙を除いた契約書の本体か、"
                    "いくつかに分けたものをアップロードしてください。（この上限は設定 CONTRACTDIFF_MAX_PDF_PAGES "
                    "で決まります。）")


def test_a_message_no_phrase_reads_gets_its_types_sentence_never_english():
    assert ja.translate("Something new went wrong.") is None
    assert ja.japanese_detail("Something new went wrong.", "unreadable-document", 422) == \
        ja.FALLBACKS["unreadable-document"]
    for status in (409, 418, 507):
        assert japanese(ja.japanese_detail("Something new went wrong.", "some-new-type", status))


def test_a_word_of_english_inside_a_message_it_does_not_know_falls_back_whole():
    # The step of a deadline is English; one the table lacks does not leave English in the Japanese.
    assert ja.translate("The comparison ran out of time while weighing the clauses.") is None


# Every problem type ---------------------------------------------------------------------------------


def test_every_problem_type_has_a_japanese_sentence():
    slugs = {kind.slug for kind in PROBLEMS.values()} | {kind.slug for kind, _ in EDGE_PROBLEMS.values()}
    assert slugs <= set(ja.FALLBACKS), slugs - set(ja.FALLBACKS)
    assert all(japanese(sentence) for sentence in ja.FALLBACKS.values())


@pytest.mark.parametrize("status", sorted(EDGE_PROBLEMS))
def test_the_edges_problems_have_japanese_details_and_the_same_codes(status):
    english, japanese_problem = edge_problem(status, max_body=10_485_760), \
        edge_problem(status, max_body=10_485_760, language="ja")
    assert {key: value for key, value in english.items() if key != "detail"} == \
        {key: value for key, value in japanese_problem.items() if key != "detail"}
    assert japanese(japanese_problem["detail"])
    assert english == edge_problem(status, max_body=10_485_760, language="en")


def test_the_edges_413_names_the_limit():
    assert "10,485,760 バイト" in edge_problem(413, max_body=10_485_760, language="ja")["detail"]
    assert japanese(edge_problem(413, language="ja")["detail"])
    assert edge_problem(599, language="ja")["detail"] == ja.EDGE_DETAILS[500]


def test_gunicorns_problem_says_it_is_english():
    # gunicorn answers a request it could not parse: its Accept-Language was not read either.
    left, right = socket.socketpair()
    with left, right:
        write_gunicorn_problem(left, 400, "Bad Request", "Invalid request line 'GET /?secret'")
        answer = right.recv(65536)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"\r\nContent-Language: en\r\n" in head
    assert json.loads(body) == edge_problem(400)


# Real requests: files that are not accepted ----------------------------------------------------------


def test_a_pdf_that_is_not_one_says_which_files_are_accepted(client):
    body = problem(upload(client, ("第1条（目的）甲は乙に業務を委託する。".encode(), "原案.pdf"), headers=JA),
                   422, "unreadable-document")
    assert body["detail"].startswith("「原案.pdf」は名前が PDF（.pdf）ですが、中身は PDF ではありません")
    assert says_what_is_accepted(body["detail"])
    assert body["title"] == "A document cannot be read"


def test_an_image_says_which_files_are_accepted(client):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00" + b"\x00" * 64
    body = problem(upload(client, (png, "契約書.png"), headers=JA), 422, "unreadable-document")
    assert "「契約書.png」はテキストではなく" in body["detail"] and says_what_is_accepted(body["detail"])


def test_a_word_97_file_says_to_save_it_as_docx(client):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    body = problem(upload(client, (ole, "原案.doc"), headers=JA), 422, "unreadable-document")
    assert "Word 97–2003 形式（.doc）" in body["detail"] and "［名前を付けて保存］" in body["detail"]
    assert says_what_is_accepted(body["detail"])


def test_an_excel_file_says_which_files_are_accepted(client):
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    body = problem(upload(client, (workbook.getvalue(), "条件表.xlsx"), headers=JA), 422, "unreadable-document")
    assert "「条件表.xlsx」は zip ファイルですが" in body["detail"] and says_what_is_accepted(body["detail"])


def test_a_text_named_docx_says_which_files_are_accepted(client):
    body = problem(upload(client, ("第1条（目的）".encode(), "原案.docx"), headers=JA), 422, "unreadable-document")
    assert "名前が .docx ですが" in body["detail"] and says_what_is_accepted(body["detail"])


def test_an_empty_file_says_so(client):
    body = problem(upload(client, (b"", "原案.txt"), headers=JA), 422, "unreadable-document")
    assert body["detail"] == "「原案.txt」は空のファイル（0 バイト）です。中身のあるファイルを選んでください。"


def test_the_same_files_in_english_stay_as_they_were(client):
    body = problem(upload(client, ("第1条".encode(), "原案.pdf")), 422, "unreadable-document", "en")
    assert body["detail"].startswith("原案.pdf: is named like a PDF but its content is not one")


# Real requests: the other problems -------------------------------------------------------------------


def test_files_over_the_upload_limit(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 2_000)
    body = problem(upload(client, (b"x" * 5_000, "原案.txt"), headers=JA), 413, "body-too-large")
    assert body["detail"] == ("アップロードしたファイルが合計で上限の 2,000 バイトを超えています。小さいファイルにするか、"
                              "管理者に CONTRACTDIFF_MAX_UPLOAD_BYTES の引き上げを依頼してください。")


def test_a_text_over_the_character_limit(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_TEXT_CHARS", 10)
    body = problem(client.post(COMPARE, json=VALID, headers=JA), 413, "text-too-large")
    chars = len(VALID["original"]["text"])
    assert body["detail"].startswith(f"原案（original）のテキストは {chars} 文字あり、上限の 10 文字を超えています。")


def test_a_document_without_text(client):
    body = problem(client.post(COMPARE, json={**VALID, "revised": {"text": "<p></p>"}}, headers=JA),
                   422, "empty-document")
    assert body["detail"].startswith("修正案（revised）のテキストは、マークアップ（Markdown、HTML）を除くと")


@pytest.mark.parametrize(("data", "content_type", "status", "slug"), [
    ("", "application/json", 400, "malformed-json"),
    (b'{"original": "\x82\xa0"}', "application/json", 400, "invalid-encoding"),
    ('{"original": NaN}', "application/json", 400, "malformed-json"),
    ("[" * 100 + "]" * 100, "application/json", 400, "json-too-deep"),
    ("original=甲", "text/plain", 415, "unsupported-media-type"),
])
def test_body_problems(client, data, content_type, status, slug):
    problem(client.post(COMPARE, data=data, content_type=content_type, headers=JA), status, slug)


def test_werkzeugs_own_404_and_405(client):
    problem(client.get("/v1/nowhere", headers=JA), 404, "not-found")
    answer = client.get(COMPARE, headers=JA)
    body = problem(answer, 405, "method-not-allowed")
    assert "POST" in answer.headers["Allow"] and "Allow ヘッダー" in body["detail"]


def test_a_deadline_keeps_its_retry_after(client, monkeypatch):
    def out_of_time(*args, **kwargs):
        Budget.within(1e-9).check("pairing the articles")
        raise AssertionError("the budget has run out")

    monkeypatch.setattr("service.routes.compare", out_of_time)
    answer = client.post(COMPARE, json=VALID, headers=JA)
    body = problem(answer, 503, "deadline-exceeded")
    assert body["detail"].startswith("条の対応付けの途中で時間切れになりました。制限時間は ")
    assert answer.headers["Retry-After"] == body["detail"].split("制限時間は ")[1].split(" 秒")[0]


def test_an_unexpected_error_says_nothing_of_it(client, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("第1条 secret")

    monkeypatch.setattr("service.routes.compare", broken)
    body = problem(client.post(COMPARE, json=VALID, headers=JA), 500, "internal-error")
    assert body["detail"] == ja.FALLBACKS["internal-error"] and "secret" not in body["detail"]


def test_no_model(monkeypatch):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": ""})
    body = problem(app.test_client().post(COMPARE, json=VALID, headers=JA), 503, "model-not-loaded")
    assert "CONTRACTDIFF_LOAD_MODEL_AT_START" in body["detail"]


def test_api_keys_and_their_throttle():
    key = "k" * 32
    client = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "", "API_KEYS": key,
                         "AUTH_FAILURE_LIMIT": "2 per minute"}).test_client()
    missing = problem(client.post(COMPARE, json=VALID, headers=JA), 401, "unauthorized")
    assert "`Authorization: Bearer キー`" in missing["detail"]
    wrong = client.post(COMPARE, json=VALID, headers={**JA, "X-API-Key": "x" * 32})
    assert "有効ではありません" in problem(wrong, 401, "unauthorized")["detail"]
    throttled = client.post(COMPARE, json=VALID, headers={**JA, "X-API-Key": "x" * 32})
    body = problem(throttled, 429, "rate-limited")
    assert "AUTH_FAILURE_LIMIT：1 分あたり 2 回" in body["detail"] and throttled.headers["Retry-After"]


def test_the_rate_limit(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "1 per minute"})
    app.extensions["engine"] = engine
    client = app.test_client()
    client.post(COMPARE, data="", content_type="application/json")
    answer = client.post(COMPARE, data="", content_type="application/json", headers=JA)
    body = problem(answer, 429, "rate-limited")
    assert body["detail"].startswith("利用の上限（1 分あたり 1 単位）を使い切りました。")
    assert answer.headers["Retry-After"]
