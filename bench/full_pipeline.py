"""The full-pipeline baseline of ``make bench``, in the process of its own that ``bench.Baseline`` starts.

What a first version would do: the full GiNZA pipeline over every article of both documents,
articles paired by mean-vector similarity, then diff-match-patch per pair.
"""

from __future__ import annotations

import time

from diff_match_patch import diff_match_patch

NLP = None


def load() -> None:
    """Load the ja_ginza pipeline into this process."""
    global NLP
    import spacy

    NLP = spacy.load("ja_ginza")


def seconds(original: str, revised: str) -> float:
    """Seconds of the baseline over ``original`` and ``revised``, once :func:`load` has run."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from nlp.structure import parse

    nlp = NLP
    started = time.perf_counter()
    left, right = parse(original), parse(revised)
    docs_left = list(nlp.pipe(a.span.slice(original) for a in left.articles))
    docs_right = list(nlp.pipe(a.span.slice(revised) for a in right.articles))
    similarity = np.array([[a.similarity(b) for b in docs_right] for a in docs_left])
    rows, columns = linear_sum_assignment(similarity, maximize=True)
    differ = diff_match_patch()
    for row, column in zip(rows, columns, strict=True):
        diffs = differ.diff_main(docs_left[row].text, docs_right[column].text)
        differ.diff_cleanupSemantic(diffs)
    return time.perf_counter() - started
