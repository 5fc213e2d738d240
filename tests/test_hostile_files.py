"""Hostile uploads through POST /v1/compare: each is a clear 422 within a second, and memory stays put.

The messages themselves are checked in test_uploads.py and test_documents.py; here the point is
what a hostile file costs: time, the memory it takes on the way (traced) and keeps (RSS).
"""

from __future__ import annotations

import io
import time
import tracemalloc
from pathlib import Path

import pytest

from conftest import billion_laughs, seed_text, word_file, zip_bomb

# More than a real contract needs on the way (a few MB), far less than what the files unpack to.
MAX_TRACED_MB = 30
MAX_KEPT_MB = 20

HOSTILE = {
    # 200 MB of spaces packed into 240 KB; its directory says so, and it is refused unread.
    "zip bomb": lambda: zip_bomb(200),
    # The same bomb with a directory that declares 5,000 bytes: zipfile would inflate it whole.
    "zip bomb lying about its size": lambda: zip_bomb(200, declared=5_000),
    "entity expansion (billion laughs)": billion_laughs,
    "truncated zip": lambda: word_file(seed_text("000"))[:3_000],
    "a PNG named .docx": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(4_000),
}


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status")


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_file_is_refused_at_once_and_leaves_memory_where_it_was(client, kind):
    hostile = HOSTILE[kind]()
    data = {"original": (io.BytesIO(seed_text("000").encode()), "original.txt"),
            "revised": (io.BytesIO(hostile), "revised.docx")}
    rss_before = rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = client.post("/v1/compare", data=data, content_type="multipart/form-data")
        elapsed = time.perf_counter() - started
        traced_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("/unreadable-document")
    assert response.get_json()["detail"].startswith("revised.docx: ")
    assert elapsed < 1, f"{elapsed:.2f} s"
    assert traced_peak < MAX_TRACED_MB, f"{traced_peak:.0f} MB allocated on the way"
    assert rss_mb() - rss_before < MAX_KEPT_MB
