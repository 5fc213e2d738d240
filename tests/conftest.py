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


@pytest.fixture(scope="session")
def engine():
    from nlp.engine import load_engine

    return load_engine()


@pytest.fixture(scope="session")
def app(engine):
    """The service with the session's engine, handed to it as any test may hand its own."""
    from service import create_app

    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False})
    app.extensions["engine"] = engine
    return app


@pytest.fixture
def client(app):
    return app.test_client()
