"""Make the web pages of this folder from the seed texts: ``python tests/data/html/make.py``.

Needs LibreOffice (``soffice``); the tests only read the pages, so it is not needed to run them.

- ``000.html``, ``001.html``: seeds 000 and 001 as Word documents (one paragraph a line) that
  LibreOffice saves as HTML, the way a word processor exports a contract for the web: a ``<p>``
  per paragraph, ``<font>`` tags inside words (``第</font>1<font face="ＭＳ 明朝">条``), source
  lines wrapped inside a paragraph, ``<br/>`` for empty paragraphs.
- ``000_counter_otsu.html``: the counter-draft 000_counter_otsu, saved the same way.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import docx

HERE = Path(__file__).resolve().parent
DATA = HERE.parent


def word_document(text: str) -> docx.Document:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    return document


def save_as_html(text: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / (target.stem + ".docx")
        word_document(text).save(str(source))
        profile = Path(folder) / "profile"
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "html", "--outdir", folder, str(source)], check=True, capture_output=True)
        (Path(folder) / (target.stem + ".html")).replace(target)


def main() -> None:
    for name, path in (("000", DATA / "seeds" / "000.txt"), ("001", DATA / "seeds" / "001.txt"),
                       ("000_counter_otsu", DATA / "dev" / "000_counter_otsu.txt")):
        save_as_html(path.read_text(encoding="utf-8"), HERE / f"{name}.html")


if __name__ == "__main__":
    main()
