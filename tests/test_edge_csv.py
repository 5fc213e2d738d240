"""Formula-safe CSV: every CSV the service writes keeps a cell like =HYPERLINK(…) as text."""

from __future__ import annotations

import csv
import io

import pytest

from nlp.exports.csvsafe import SafeWriter, safe_cell
from service.report import render_csv
from tests.conftest import seed_text

FORMULAS = ['=HYPERLINK("http:x","y").txt', "@SUM(1+1).txt", "+1+1.txt", "-2+3.txt", "\t=1+1.txt",
            "\r=1+1.txt"]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["第1条（目的）", "秘密保持契約書.txt", "", "1=1", 42, None])
def test_other_cells_are_written_as_they_are(value):
    assert safe_cell(value) == value


def test_the_safe_writer_escapes_every_string_cell_of_a_row():
    out = io.StringIO()
    SafeWriter(out).writerow(["=1+1", 3, "ok"])
    assert out.getvalue() == "'=1+1,3,ok\r\n"


@pytest.fixture(scope="module")
def drift_csv(app):
    documents = [{"text": seed_text("000"), "name": FORMULAS[0]},
                 {"text": "この文書には条がない。", "name": FORMULAS[1]}]
    response = app.test_client().post("/v1/drift", json={
        "template": {"text": seed_text("001"), "name": "001"}, "documents": documents})
    assert response.status_code == 200, response.get_json()
    return list(csv.reader(io.StringIO(render_csv(response.get_json()))))


def test_the_drift_report_escapes_formulas_in_document_names(drift_csv):
    names = [row[0] for row in drift_csv[1:]]
    assert names == ["'" + FORMULAS[0], "'" + FORMULAS[1]]


def test_no_cell_of_the_drift_report_starts_a_formula(drift_csv):
    assert not [cell for row in drift_csv for cell in row if cell.startswith(("=", "+", "-", "@"))]
