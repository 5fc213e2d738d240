"""The command line: drift over a folder (unreadable files reported, the rest complete), the same
report in process and on a Dask cluster, and compare in the terminal."""

from __future__ import annotations

import csv
import json
import re

import pytest

from conftest import DATA, dev_text
from service import batch
from service.cli import main

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
TEMPLATE = str(DATA / "dev" / "000_original.txt")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Copies of the dev texts as a legal team keeps them: UTF-8, Shift_JIS, UTF-16, and one broken file."""
    folder = tmp_path_factory.mktemp("contracts")
    (folder / "a_formatting.txt").write_text(dev_text("000_formatting"), encoding="utf-8")
    (folder / "b_counter.txt").write_text(dev_text("000_counter_otsu"), encoding="utf-8")
    (folder / "c_sjis.txt").write_bytes(dev_text("000_formatting").encode("cp932"))
    (folder / "d_utf16.txt").write_text(dev_text("000_counter_otsu"), encoding="utf-16")
    (folder / "e_corrupt.docx").write_bytes(PNG)
    (folder / "notes.md").write_text("not a contract", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def drift_run(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    status = main(["drift", "--template", TEMPLATE, str(folder), "--out", str(out / "report.json"),
                   "--html", str(out / "report.html"), "--csv", str(out / "report.csv"), "--workers", "0"])
    return status, out


def documents(report: dict) -> dict[str, dict]:
    return {document["name"].rsplit("/", 1)[-1]: document for document in report["documents"]}


def read_report(out) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_drift_expands_the_folder_to_its_contract_files_in_order(drift_run):
    status, out = drift_run
    assert status == 0
    assert list(documents(read_report(out))) == [
        "a_formatting.txt", "b_counter.txt", "c_sjis.txt", "d_utf16.txt", "e_corrupt.docx"]


def test_drift_reads_shift_jis_and_utf16_like_utf8(drift_run):
    found = documents(read_report(drift_run[1]))
    assert found["c_sjis.txt"]["drift"] == found["a_formatting.txt"]["drift"] == 0.0
    assert len(found["c_sjis.txt"]["formatting_only"]) == 17
    assert found["d_utf16.txt"]["drift"] == found["b_counter.txt"]["drift"] > 0.1


def test_drift_reports_a_corrupt_file_with_its_reason_and_completes_the_rest(drift_run):
    report = read_report(drift_run[1])
    corrupt = documents(report)["e_corrupt.docx"]
    assert corrupt["drift"] is None
    assert "not a Word document" in corrupt["error"]
    assert (report["aggregate"]["documents"], report["aggregate"]["failed"]) == (4, 1)


def test_drift_aggregate_counts_from_the_command_line(drift_run):
    articles = {a["template"]["label"]: a for a in read_report(drift_run[1])["aggregate"]["articles"]}
    assert articles["第8条"]["missing"] == 2
    assert [a["template"]["label"] for a in read_report(drift_run[1])["aggregate"]["articles"]][0] == "第8条"
    [period] = articles["第9条"]["terms"]
    assert {(v["value"], v["unit"]): v["count"] for v in period["values"]} == {(5, "year"): 2, (3, "year"): 2}


def test_drift_streams_each_result_as_a_json_line(drift_run):
    lines = (drift_run[1] / "report.jsonl").read_text(encoding="utf-8").splitlines()
    streamed = sorted((json.loads(line) for line in lines), key=lambda entry: entry["index"])
    report = read_report(drift_run[1])
    assert [entry.pop("index") for entry in streamed] == [0, 1, 2, 3, 4]
    assert streamed == report["documents"]


def test_drift_writes_a_csv_row_per_document(drift_run):
    text = (drift_run[1] / "report.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert [row["文書"].rsplit("/", 1)[-1] for row in rows][-1] == "e_corrupt.docx"
    counter = rows[1]
    assert (counter["欠落"], counter["追加"], counter["欠落した条"], counter["追加された条"]) == (
        "1", "1", "第8条", "第6条")
    assert rows[-1]["乖離度"] == "" and "中身は Word 文書（.docx）ではありません" in rows[-1]["エラー"]


def test_drift_writes_a_self_contained_html_page(drift_run):
    page = (drift_run[1] / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 2
    assert 'class="sortable"' in page and "addEventListener" in page
    assert 'href="#doc-1"' in page and 'id="doc-1"' in page
    assert "<del>5</del><ins>3</ins>" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "e_corrupt.docx」は名前が .docx ですが" in page


def test_the_html_report_reads_in_japanese(drift_run):
    page = (drift_run[1] / "report.html").read_text(encoding="utf-8")
    assert "<h1>雛形からの乖離</h1>" in page and "平均乖離度" in page
    assert "秘密保持義務の存続期間: 5年間 → 3年間（減少）" in page
    shown = re.sub(r"<(script|style)>.*?</\1>|<[^>]+>", "", page, flags=re.DOTALL)
    assert not [word for word in ("Lacks", "drift", "documents", "Formatting only", "missing") if word in shown]


def test_a_missing_file_is_reported_and_the_others_complete(tmp_path, capsys):
    given = tmp_path / "a.txt"
    given.write_text(dev_text("000_counter_otsu"), encoding="utf-8")
    status = main(["drift", "--template", TEMPLATE, str(given), str(tmp_path / "gone.txt"),
                   "--out", str(tmp_path / "report.json"), "--workers", "0"])
    found = documents(read_report(tmp_path))
    assert status == 0
    assert found["a.txt"]["drift"] > 0.1
    assert "cannot be read" in found["gone.txt"]["error"]  # the JSON keeps the English
    # The person at the terminal reads it in Japanese.
    assert "gone.txt」を開けませんでした（システムの理由：No such file or directory）" in capsys.readouterr().err


def test_an_unreadable_template_stops_before_any_work(tmp_path, capsys):
    template = tmp_path / "template.docx"
    template.write_bytes(PNG)
    status = main(["drift", "--template", str(template), TEMPLATE, "--out", str(tmp_path / "report.json")])
    assert status == 2
    assert "the template cannot be used" in capsys.readouterr().err
    assert not (tmp_path / "report.json").exists()


def test_a_local_dask_cluster_gives_the_report_of_the_in_process_run(tmp_path):
    names = ["000_formatting", "000_counter_otsu", "004_counter_ko"]
    for name in names:
        (tmp_path / f"{name}.txt").write_text(dev_text(name), encoding="utf-8")
    sources = [str(tmp_path / f"{name}.txt") for name in names]

    def report(workers: str) -> dict:
        out = tmp_path / f"report-{workers}.json"
        assert main(["drift", "--template", TEMPLATE, *sources, "--out", str(out), "--workers", workers]) == 0
        answer = json.loads(out.read_text(encoding="utf-8"))
        answer.pop("meta")
        return answer

    in_process = report("0")
    assert report("2") == in_process
    assert [d["name"] for d in in_process["documents"]] == sources


# compare -----------------------------------------------------------------------------------


ORIGINAL = str(DATA / "dev" / "000_original.txt")
COUNTER = str(DATA / "dev" / "000_counter_otsu.txt")


def test_compare_prints_a_redline_with_plain_marks_when_not_a_terminal(capsys):
    assert main(["compare", ORIGINAL, COUNTER]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert "第9条（秘密保持）  変更" in out
    assert "契約終了後も[-5-]{+3+}年間" in out
    assert "▸ 秘密保持義務の存続期間: 5年間 → 3年間（減少）" in out
    assert "第8条（禁止事項）  削除" in out
    assert "▸ 管轄裁判所: 甲の本店所在地を管轄する地方裁判所 → 東京地方裁判所（変更・乙に有利）" in out


def test_compare_names_statuses_and_counts_in_japanese(capsys):
    assert main(["compare", ORIGINAL, COUNTER]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("変更 6 · 新設 1 · 削除 1 · 移動 0 · 条番号変更 2")
    assert "第6条 → 第7条（障害対応）" in lines[-1] and lines[-1].startswith("変更なし：")
    assert not [line for line in lines if line.endswith(("modified", "deleted", "inserted", "moved"))]


def test_compare_colours_deletions_red_and_insertions_green(capsys):
    assert main(["compare", ORIGINAL, COUNTER, "--color", "always"]) == 0
    out = capsys.readouterr().out
    assert "契約終了後も\x1b[9;31m5\x1b[0m\x1b[4;32m3\x1b[0m年間" in out


def test_compare_json_is_the_api_answer(capsys):
    assert main(["compare", ORIGINAL, COUNTER, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["summary"]["deleted"] == answer["summary"]["inserted"] == 1
    assert answer["meta"]["revised_name"] == COUNTER
    assert "秘密保持義務の存続期間: 5年間 → 3年間" in {change["summary"] for change in answer["changes"]}


def test_compare_reads_web_pages_as_the_browser_shows_them(capsys):
    # tests/data/html: the same two texts as LibreOffice saves their Word documents as web pages.
    assert main(["compare", ORIGINAL, COUNTER, "--json"]) == 0
    texts = json.loads(capsys.readouterr().out)
    pages = DATA / "html"
    assert main(["compare", str(pages / "000.html"), str(pages / "000_counter_otsu.html"), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["summary"] == texts["summary"]
    assert [c["summary"] for c in answer["changes"]] == [c["summary"] for c in texts["changes"]]


def test_compare_of_an_unreadable_file_says_why(tmp_path, capsys):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(PNG)
    assert main(["compare", ORIGINAL, str(broken)]) == 2
    assert "broken.docx" in capsys.readouterr().err


def test_an_unreachable_scheduler_stops_with_the_reason(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(batch, "CONNECT_SECONDS", 1)
    status = main(["drift", "--template", TEMPLATE, TEMPLATE, "--out", str(tmp_path / "report.json"),
                   "--scheduler", "tcp://127.0.0.1:9"])
    assert status == 2
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert not (tmp_path / "report.json").exists()
