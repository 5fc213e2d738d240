"""Shared fixtures: real contract text and one engine per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def seed_text(seed: str) -> str:
    """A seed contract by its number: ``seed_text("003")``."""
    return (DATA / "seeds" / f"{seed}.txt").read_text(encoding="utf-8")


def dev_text(name: str) -> str:
    """A text of the comparison cases: ``dev_text("000_counter_otsu")``."""
    return (DATA / "dev" / f"{name}.txt").read_text(encoding="utf-8")


def word_file(text: str) -> bytes:
    """A .docx holding ``text``, one paragraph per line, as Word would save a typed contract."""
    import io

    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def billion_laughs() -> bytes:
    """A .docx whose document.xml declares entities that expand to 10^9 characters."""
    import io
    import zipfile

    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word_file("第1条（目的）"))) as archive, zipfile.ZipFile(out, "w") as target:
        for entry in archive.infolist():
            content = archive.read(entry)
            if entry.filename == "word/document.xml":
                body = content.decode("utf-8").split("?>", 1)[1].replace("第1条（目的）", "&j;")
                content = f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>{body}'.encode()
            target.writestr(entry, content)
    return out.getvalue()


def zip_bomb(megabytes: int = 200, *, declared: int | None = None) -> bytes:
    """A .docx whose word/document.xml unpacks to ``megabytes`` MB (spaces; about 1,000 times packed).

    ``declared`` writes that size in the zip's directory instead of the real one, as a bomb made
    to slip past a check of the declared sizes would.
    """
    import io
    import struct
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word_file("第1条（目的）"))) as archive, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in archive.infolist():
            if entry.filename != "word/document.xml":
                target.writestr(entry, archive.read(entry))
                continue
            info = zipfile.ZipInfo(entry.filename, entry.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w") as part:
                part.write(archive.read(entry))
                for _ in range(megabytes):
                    part.write(b" " * 1024 * 1024)
    data = bytearray(out.getvalue())
    if declared is not None:
        name = b"word/document.xml"
        # The uncompressed size in the central directory (offset 24) and the local header (22).
        for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
            at = data.find(signature)
            while at >= 0:
                if data[at + name_at:at + name_at + len(name)] == name:
                    struct.pack_into("<I", data, at + size_at, declared)
                at = data.find(signature, at + 4)
    return bytes(data)


@pytest.fixture(scope="session")
def engine():
    from nlp.engine import load_engine

    return load_engine()


@pytest.fixture(scope="session")
def app(engine):
    """The service with the session's engine, handed to it as any test may hand its own.

    No rate limit: the suite sends hundreds of requests from one address (test_ratelimit.py has its own).
    """
    from service import create_app

    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": ""})
    app.extensions["engine"] = engine
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def web_page(text: str) -> str:
    """A plain contract as a browser saves the page that shows it ("save as"): a doctype, the
    ``saved from url`` comment, a head with its title, style and script, the title as <h1>, each
    第N条 line as <h2>, numbered 項 as <ol><li> and （N） 号 as a nested <ol>, whose numbers the
    browser draws (they are not in the page), other lines of a 項 after a <br>, the rest as <p>,
    full-width spaces and indentation as &nbsp;.
    """
    import html
    import re

    def escaped(line: str) -> str:
        indent = len(line) - len(line.lstrip(" "))
        return "&nbsp;" * indent + html.escape(line[indent:]).replace("\u3000", "&nbsp;")

    lines = [line for line in text.splitlines() if line.strip()]
    out = ["<!DOCTYPE html>\n<!-- saved from url=(0037)https://contracts.example.jp/draft -->\n"
           '<html lang="ja"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n'
           f"<title>{html.escape(lines[0])}</title>\n<style>ol {{ padding-left: 2em }}</style>\n"
           "<script>document.title += ' 第1条';</script></head>\n"
           f"<body><h1>{escaped(lines[0])}</h1>\n"]
    depth = 0

    def close(to: int) -> None:
        nonlocal depth
        while depth > to:
            out.append("</li></ol>")
            depth -= 1

    for line in lines[1:]:
        paragraph = re.match(r"(\d+)[.．]\s?(.*)", line)
        item = re.match(r"[（(](\d+)[）)](.*)", line)
        article_line = re.match(r"(\[bookmark: \w+\])?第\d+条", line)
        if paragraph:
            close(1)
            out.append("</li>\n<li>" if depth == 1 else "<ol>\n<li>")
            depth = 1
            out.append(escaped(paragraph[2]))
        elif item and depth:
            close(2)
            out.append("</li>\n<li>" if depth == 2 else "<ol>\n<li>")
            depth = 2
            out.append(escaped(item[2]))
        elif depth and not article_line:
            out.append("<br>" + escaped(line))
        else:
            close(0)
            tag = "h2" if article_line else "p"
            out.append(f"\n<{tag}>{escaped(line)}</{tag}>")
    close(0)
    return "".join(out) + "\n</body></html>\n"
