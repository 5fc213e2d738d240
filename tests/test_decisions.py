"""The merged draft: a reader's 採用 / 不採用 and comments per row, through ``decisions``.

An accepted row is written with the revised text and a rejected one with the original, neither
tracked; a row left undecided keeps its tracked changes, so that accepting everything left in
the file gives the revised draft with the rejected rows put back, and rejecting everything the
original with the accepted rows applied.
"""

from __future__ import annotations

import io
import json
import zipfile

import docx
import pytest
from lxml import etree
from test_word_files import (
    ORIGINAL,
    ORIGINAL_FILE,
    REVISED,
    REVISED_FILE,
    WN,
    form,
    libreoffice,
    moved_up,
    needs_libreoffice,
    styled_contract,
    visible,
)

from conftest import dev_text, seed_text
from nlp.compare import compare
from nlp.documents import View, read_document
from nlp.exports import Decision, Draft, Format, InvalidDecision, Verdict, export
from nlp.exports.onfile import comment_lines
from nlp.result import Status
from nlp.structure import parse

REDLINE = "/v1/redline?format=docx"
AUTHOR = "甲社 法務部"
ACCEPT_NOTE = "責任の上限は受け入れます。"
REJECT_NOTE = "この条は原案のままとします。\n理由は別途ご説明します。"


def changed_in_place(comparison) -> list:
    """Rows modified where they stand, with the same number on both sides."""
    return [clause for clause in comparison.clauses
            if clause.status == Status.MODIFIED and not clause.moved and clause.original is not None
            and clause.revised is not None and clause.original.label == clause.revised.label]


def merged_texts(comparison, original: str, revised: str, verdicts: dict) -> tuple[str, str]:
    """The drafts the file must resolve to: accept-all (revised, rejected rows put back) and
    reject-all (original, accepted rows applied)."""
    def swap(text: str, side: str, other_text: str, other_side: str, wanted: Verdict) -> str:
        spans = sorted(((getattr(c, side), getattr(c, other_side)) for c, v in verdicts.items() if v == wanted),
                       key=lambda pair: pair[0].start, reverse=True)
        for ref, other in spans:
            text = text[:ref.start] + other_text[other.start:other.end] + text[ref.end:]
        return text

    accepted_view = swap(revised, "revised", original, "original", Verdict.REJECT)
    rejected_view = swap(original, "original", revised, "revised", Verdict.ACCEPT)
    return accepted_view, rejected_view


def decisions_for(verdicts: dict, notes: dict | None = None) -> list[Decision]:
    notes = notes or {}
    return [Decision(c.original.id if c.original else None, c.revised.id if c.revised else None, v,
                     notes.get(id(c))) for c, v in verdicts.items()]


def revisions_in(data: bytes) -> list[str]:
    """The text inside each tracked change of the file."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    return ["".join(node.itertext()) for tag in ("ins", "del", "moveFrom", "moveTo")
            for node in body.iter(f"{WN}{tag}") if "".join(node.itertext())]


def comments_of(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "word/comments.xml" not in archive.namelist():
            return ""
        return "\n".join("".join(c.itertext()) for c in
                         etree.fromstring(archive.read("word/comments.xml")).iter(f"{WN}comment"))


def article_text(text: str, ref) -> list[str]:
    return visible(text[ref.start:ref.end])


@pytest.fixture(scope="module")
def counter(engine):
    """乙's counter-draft of seed 000 (the dev case), compared with the original as texts."""
    original, revised = dev_text("000_original"), dev_text("000_counter_otsu")
    return original, revised, compare(original, revised, engine=engine)


def merged(comparison, original: Draft, revised: Draft, decisions) -> bytes:
    return export(Format.DOCX, comparison, original, revised, author=AUTHOR, decisions=decisions).content


# Typed from text ----------------------------------------------------------------------------------


def test_decided_rows_are_settled_and_the_rest_stay_tracked_in_the_typed_export(counter):
    original, revised, comparison = counter
    rows = changed_in_place(comparison)
    assert len(rows) >= 3
    verdicts = {rows[0]: Verdict.ACCEPT, rows[1]: Verdict.REJECT}
    data = merged(comparison, Draft(original, "甲案.txt"), Draft(revised, "乙案.txt"), decisions_for(verdicts))
    accepted_view, rejected_view = merged_texts(comparison, original, revised, verdicts)
    assert visible(read_document(data, name="m.docx")) == visible(accepted_view)
    assert visible(read_document(data, name="m.docx", view=View.ORIGINAL)) == visible(rejected_view)
    # The undecided row is still a tracked change; the decided ones are not.
    kept = read_document(data, name="m.docx")
    for row, text in ((rows[0], revised), (rows[1], original)):
        ref = row.revised if text is revised else row.original
        assert "\n".join(article_text(text, ref)) in "\n".join(visible(kept))
        assert "\n".join(article_text(text, ref)) in "\n".join(
            visible(read_document(data, name="m.docx", view=View.ORIGINAL)))
    undecided = rows[2]
    assert article_text(original, undecided.original) != article_text(revised, undecided.revised)
    assert "\n".join(article_text(revised, undecided.revised)) in "\n".join(visible(kept))
    assert revisions_in(data)


def test_everything_decided_leaves_no_tracked_change_and_the_named_file(counter):
    original, revised, comparison = counter
    changed = [c for c in comparison.clauses if c.status != Status.EQUAL or any(s.op != "equal" for s in c.redline)]
    assert any(c.status == Status.EQUAL for c in changed)  # a renumbered article is a change to decide too
    verdicts = {clause: Verdict.REJECT for clause in changed}
    result = export(Format.DOCX, comparison, Draft(original, "甲案.txt"), Draft(revised, "乙案.txt"),
                    author=AUTHOR, decisions=decisions_for(verdicts))
    assert result.filename == "乙案_判断反映.docx"
    assert revisions_in(result.content) == []
    assert visible(read_document(result.content, name="m.docx")) == visible(original)


def test_the_readers_comments_are_word_comments_and_decided_rows_lose_the_change_notes(counter):
    original, revised, comparison = counter
    rows = changed_in_place(comparison)
    verdicts = {rows[0]: Verdict.ACCEPT, rows[1]: Verdict.REJECT}
    notes = {id(rows[0]): ACCEPT_NOTE, id(rows[1]): REJECT_NOTE}
    plain = merged(comparison, Draft(original), Draft(revised), [])
    data = merged(comparison, Draft(original), Draft(revised), decisions_for(verdicts, notes))
    comments = comments_of(data)
    assert ACCEPT_NOTE in comments
    assert "この条は原案のままとします。理由は別途ご説明します。" in comments
    # A decided row's change notes are gone (its changes are settled); the others' stay.
    noted = [row for row in rows[:2] if comment_lines(row)]
    assert noted
    count = len(comments.split("\n"))
    assert count == len(comments_of(plain).split("\n")) - len(noted) + 2
    for row in noted:
        assert comment_lines(row)[-1] not in comments
    assert all(line in comments for row in rows[2:] for line in comment_lines(row))


def test_a_comment_alone_keeps_the_row_tracked(counter):
    original, revised, comparison = counter
    row = changed_in_place(comparison)[0]
    decision = Decision(row.original.id, row.revised.id, None, "確認中です。")
    data = merged(comparison, Draft(original), Draft(revised), [decision])
    assert "確認中です。" in comments_of(data)
    assert read_document(data, name="m.docx") == read_document(
        merged(comparison, Draft(original), Draft(revised), []), name="p.docx")


@pytest.fixture(scope="module")
def reshaped(engine):
    """Seed 000 with its 第15条 moved before 第5条, its 第10条 deleted and an article added at the end."""
    text = seed_text("000")
    articles = parse(text).articles
    moved, before, dropped = articles[14].span, articles[4].span.start, articles[9].span
    added = "第18条（反社会的勢力の排除）\n甲及び乙は、自らが反社会的勢力に該当しないことを表明し、保証する。\n"
    pieces = (text[:before] + moved.slice(text).replace("第三者に譲渡", "第三者に承諾なく譲渡") + "\n\n"
              + text[before:dropped.start] + text[dropped.end:moved.start] + text[moved.end:])
    last = parse(pieces).articles[-1].span.end
    revised = pieces[:last] + "\n" + added + pieces[last:]
    comparison = compare(text, revised, engine=engine)
    return text, revised, comparison


def rows_of(comparison):
    moved = next(c for c in comparison.clauses if c.moved)
    deleted = next(c for c in comparison.clauses if c.status == Status.DELETED)
    inserted = next(c for c in comparison.clauses if c.status == Status.INSERTED and c.revised.label != "")
    return moved, deleted, inserted


@pytest.mark.parametrize("verdict", [Verdict.ACCEPT, Verdict.REJECT])
def test_moves_insertions_and_deletions_settle_as_word_would(reshaped, verdict):
    original, revised, comparison = reshaped
    moved, deleted, inserted = rows_of(comparison)
    verdicts = {moved: verdict, deleted: verdict, inserted: verdict}
    data = merged(comparison, Draft(original), Draft(revised), decisions_for(verdicts))
    views = [visible(read_document(data, name="m.docx", view=view)) for view in (View.ACCEPTED, View.ORIGINAL)]
    moved_heading = "（地位の譲渡禁止）"
    for lines in views:
        joined = "\n".join(lines)
        assert sum(moved_heading in line for line in lines) == 1
        assert ("第三者に承諾なく譲渡" in joined) == (verdict == Verdict.ACCEPT)
        assert ("自らが反社会的勢力に該当しないことを表明し、保証する。" in joined) == (verdict == Verdict.ACCEPT)
        assert ("\n".join(article_text(original, deleted.original)) in joined) == (verdict == Verdict.REJECT)
        # Accepted, the moved article stands where the revised draft put it; rejected, where it was.
        position = next(i for i, line in enumerate(lines) if moved_heading in line)
        fifth = lines.index(article_text(original, _ref(comparison, 4))[0])
        assert (position < fifth) == (verdict == Verdict.ACCEPT)


def _ref(comparison, index):
    """The original's article ``index`` (0-based), as a clause ref."""
    refs = sorted((c.original for c in comparison.clauses if c.original is not None and c.original.part == "article"),
                  key=lambda ref: ref.start)
    return refs[index]


# On the negotiator's own file ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def on_file(engine):
    comparison = compare(ORIGINAL, REVISED, engine=engine)
    rows = changed_in_place(comparison)
    verdicts = {rows[0]: Verdict.ACCEPT, rows[1]: Verdict.REJECT}
    notes = {id(rows[1]): REJECT_NOTE}
    data = merged(comparison, Draft(ORIGINAL, "甲案.txt"), Draft(REVISED, "乙修正案.docx", REVISED_FILE),
                  decisions_for(verdicts, notes))
    return comparison, verdicts, data


def test_on_the_revised_file_decided_rows_are_settled_and_its_styles_kept(on_file):
    comparison, verdicts, data = on_file
    accepted_view, rejected_view = merged_texts(comparison, ORIGINAL, REVISED, verdicts)
    assert visible(read_document(data, name="m.docx")) == visible(accepted_view)
    assert visible(read_document(data, name="m.docx", view=View.ORIGINAL)) == visible(rejected_view)
    document = docx.Document(io.BytesIO(data))
    assert document.sections[0].header.paragraphs[0].text == "接続契約（乙修正案）"
    assert "条見出し" in [style.name for style in document.styles] and len(document.tables) == 1
    assert "この条は原案のままとします。理由は別途ご説明します。" in comments_of(data)
    assert revisions_in(data)


@needs_libreoffice
def test_libreoffice_resolves_the_merged_file_to_the_same_two_drafts(on_file, tmp_path):
    comparison, verdicts, data = on_file
    accepted_view, rejected_view = merged_texts(comparison, ORIGINAL, REVISED, verdicts)
    assert visible(libreoffice(data, "accept", tmp_path)) == visible(accepted_view)
    assert visible(libreoffice(data, "reject", tmp_path)) == visible(rejected_view)


def test_on_the_file_a_moved_article_rejected_goes_back_and_accepted_stays(engine):
    text = seed_text("000")
    moved_text = moved_up(text)
    original_file = styled_contract(text, "甲案")
    original = read_document(original_file, name="甲案.docx")
    data = styled_contract(moved_text, "乙修正案")
    revised = read_document(data, name="moved.docx")
    comparison = compare(original, revised, engine=engine)
    moved = next(c for c in comparison.clauses if c.moved)
    for verdict, expected in ((Verdict.ACCEPT, revised), (Verdict.REJECT, original)):
        out = merged(comparison, Draft(original), Draft(revised, "moved.docx", data), decisions_for({moved: verdict}))
        for view in (View.ACCEPTED, View.ORIGINAL):
            lines = visible(read_document(out, name="m.docx", view=view))
            heading = next(i for i, line in enumerate(lines) if "（地位の譲渡禁止）" in line)
            want = visible(expected)
            assert lines[heading] == want[next(i for i, line in enumerate(want) if "（地位の譲渡禁止）" in line)]
            assert heading == next(i for i, line in enumerate(want) if "（地位の譲渡禁止）" in line)


# The HTTP API -------------------------------------------------------------------------------------


def compared(client, original: str, revised: str) -> dict:
    response = client.post("/v1/compare", json={"original": {"text": original}, "revised": {"text": revised}})
    assert response.status_code == 200
    return response.get_json()


def test_the_json_body_takes_decisions_and_answers_the_merged_draft(client):
    original, revised = dev_text("000_original"), dev_text("000_counter_otsu")
    answer = compared(client, original, revised)
    row = next(c for c in answer["clauses"] if c["status"] == "modified" and not c["moved"])
    body = {"original": {"text": original, "name": "甲案"}, "revised": {"text": revised, "name": "乙案"},
            "decisions": [{"original": row["original"]["id"], "revised": row["revised"]["id"],
                           "decision": "reject", "comment": "原案維持"}]}
    response = client.post(REDLINE, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "乙案_判断反映.docx" in response.headers["Content-Disposition"] or "filename*" in \
        response.headers["Content-Disposition"]
    kept = "\n".join(visible(read_document(response.data, name="m.docx")))
    start, end = row["original"]["start"], row["original"]["end"]
    assert "\n".join(visible(original[start:end])) in kept
    assert "原案維持" in comments_of(response.data)


def test_the_upload_form_takes_decisions_as_json(client, engine):
    comparison = compare(ORIGINAL, REVISED, engine=engine)
    row = changed_in_place(comparison)[0]
    decisions = json.dumps([{"original": row.original.id, "revised": row.revised.id, "decision": "reject"}])
    response = client.post(REDLINE, content_type="multipart/form-data", data={
        **form(original=(ORIGINAL_FILE, "甲案.docx"), revised=(REVISED_FILE, "乙修正案.docx")),
        "decisions": decisions})
    assert response.status_code == 200, response.get_data(as_text=True)
    accepted_view, _ = merged_texts(comparison, ORIGINAL, REVISED, {row: Verdict.REJECT})
    assert visible(read_document(response.data, name="m.docx")) == visible(accepted_view)


@pytest.mark.parametrize(("decisions", "status", "kind"), [
    ([{"original": "a999", "revised": "a999", "decision": "accept"}], 422, "invalid-decision"),
    ([{"original": "a1", "revised": "a1", "decision": "accept"}] * 2, 422, "invalid-decision"),
    ([{"original": "a1", "revised": "a1"}], 422, "invalid-request"),
    ([{"original": None, "revised": None, "decision": "accept"}], 422, "invalid-request"),
    ([{"original": "a1", "revised": "a1", "decision": "maybe"}], 422, "invalid-request"),
])
def test_decisions_that_do_not_fit_are_refused_with_a_problem(client, decisions, status, kind):
    body = {"original": {"text": dev_text("000_original")}, "revised": {"text": dev_text("000_counter_otsu")},
            "decisions": decisions}
    response = client.post(REDLINE, json=body)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith(kind)


def test_decisions_go_with_the_word_export_only_and_not_with_compare(client):
    body = {"original": {"text": dev_text("000_original")}, "revised": {"text": dev_text("000_counter_otsu")},
            "decisions": [{"original": "a1", "revised": "a1", "decision": "accept"}]}
    response = client.post("/v1/redline?format=shinkyu", json=body)
    assert response.status_code == 422 and response.get_json()["type"].endswith("invalid-decision")
    assert "format=docx" in response.get_json()["detail"]
    response = client.post("/v1/compare", json=body)
    assert response.status_code == 422 and "decisions" in response.get_json()["errors"]


def test_a_decision_naming_no_row_is_an_invalid_decision_in_the_library(counter):
    original, revised, comparison = counter
    with pytest.raises(InvalidDecision, match="No row"):
        merged(comparison, Draft(original), Draft(revised), [Decision("a1", "a2", Verdict.ACCEPT)])


@pytest.mark.parametrize("as_file", [False, True])
def test_a_part_outside_the_articles_is_decided_like_an_article(engine, as_file):
    # On a file both drafts read as Word files do (the definitions as a table, cells split by tabs).
    original = ORIGINAL if as_file else seed_text("000")
    revised = dev_text("000_counter_otsu").replace("との間で、", "との間で、以下のとおり", 1)
    assert revised != dev_text("000_counter_otsu")
    revised_file = styled_contract(revised, "乙修正案") if as_file else None
    if as_file:
        revised = read_document(revised_file, name="乙.docx")
    comparison = compare(original, revised, engine=engine)
    preamble = next(c for c in comparison.clauses if c.revised is not None and c.revised.id == "preamble")
    assert any(segment.op != "equal" for segment in preamble.redline)
    article = changed_in_place(comparison)[0]
    verdicts = {preamble: Verdict.REJECT, article: Verdict.ACCEPT}
    data = merged(comparison, Draft(original), Draft(revised, "乙.docx", revised_file),
                  decisions_for(verdicts, {id(preamble): "前文は原案のとおり"}))
    accepted_view, rejected_view = merged_texts(comparison, original, revised, verdicts)
    assert visible(read_document(data, name="m.docx")) == visible(accepted_view)
    assert visible(read_document(data, name="m.docx", view=View.ORIGINAL)) == visible(rejected_view)
    assert "前文は原案のとおり" in comments_of(data)
