"""Make the PDFs of this folder from the seed texts: ``python tests/data/pdf/make.py``.

Needs LibreOffice (``soffice``) and a Japanese font (Debian: ``fonts-ipafont-mincho`` and
``fonts-ipafont-gothic``); the tests only read the PDFs, so neither is needed to run them.

- ``000.pdf``: seed 000 as LibreOffice prints a plain text file (2 pages).
- ``000_counter_otsu.pdf``: the counter-draft 000_counter_otsu as a Word document prints: a
  running header on every page, a page number ``- N -`` in the footer, justified paragraphs.
- ``001_numbered.pdf``: seed 001 as a Word document with ``N / M`` page numbers in the footer.
- ``secret.pdf``: the first article of seed 000, encrypted with the password ``secret``.
- ``restricted.pdf``: the same, opening without a password but with printing, changes and
  copying forbidden (an owner password only).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
# LibreOffice's import filter for text: UTF-8, LF line ends, a Japanese default font and locale.
TEXT_FILTER = "Text (encoded):UTF8,LF,IPAMincho,ja-JP"
ENCRYPTED = "pdf:writer_pdf_Export:" + json.dumps({
    "EncryptFile": {"type": "boolean", "value": "true"},
    "DocumentOpenPassword": {"type": "string", "value": "secret"},
})
RESTRICTED = "pdf:writer_pdf_Export:" + json.dumps({
    "RestrictPermissions": {"type": "boolean", "value": "true"},
    "PermissionPassword": {"type": "string", "value": "owner"},
    "Printing": {"type": "long", "value": "0"},
    "Changes": {"type": "long", "value": "0"},
    "EnableCopyingOfContent": {"type": "boolean", "value": "false"},
})


def convert(source: Path, target: Path, *, to: str = "pdf", text: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        command = ["soffice", "--headless", "--convert-to", to, "--outdir", folder, str(source)]
        if text:
            command[2:2] = ["--infilter=" + TEXT_FILTER]
        subprocess.run(command, check=True, capture_output=True)
        (Path(folder) / (source.stem + ".pdf")).replace(target)


def word_document(text: str, *, header: str, footer: str, justify: bool) -> docx.Document:
    """A Word document of ``text``, one paragraph per line; ``footer`` with {page} and {pages} fields."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in footer.replace("}", "{").split("{"):
        if piece in ("page", "pages"):
            _field(paragraph, "PAGE" if piece == "page" else "NUMPAGES")
        elif piece:
            paragraph.add_run(piece)
    for line in text.splitlines():
        added = document.add_paragraph(line)
        if justify:
            added.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return document


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()._r
    for kind, instruction in (("begin", None), (None, f" {code} "), ("separate", None), (None, None),
                              ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = OxmlElement("w:t")
            element.text = "1"
        run.append(element)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        convert(DATA / "seeds" / "000.txt", HERE / "000.pdf", text=True)
        counter = word_document((DATA / "dev" / "000_counter_otsu.txt").read_text(encoding="utf-8"),
                                header="接続契約書（乙修正案）", footer="- {page} -", justify=True)
        counter.save(work / "000_counter_otsu.docx")
        convert(work / "000_counter_otsu.docx", HERE / "000_counter_otsu.pdf")
        numbered = word_document((DATA / "seeds" / "001.txt").read_text(encoding="utf-8"),
                                 header="", footer="{page} / {pages}", justify=False)
        numbered.save(work / "001_numbered.docx")
        convert(work / "001_numbered.docx", HERE / "001_numbered.pdf")
        first_article = "\n".join((DATA / "seeds" / "000.txt").read_text(encoding="utf-8").splitlines()[:7])
        (work / "secret.txt").write_text(first_article, encoding="utf-8")
        convert(work / "secret.txt", HERE / "secret.pdf", to=ENCRYPTED, text=True)
        (work / "restricted.txt").write_text(first_article, encoding="utf-8")
        convert(work / "restricted.txt", HERE / "restricted.pdf", to=RESTRICTED, text=True)


if __name__ == "__main__":
    sys.exit(main())
