"""Template drift (雛形からの乖離): how far each of many contracts strayed from one template.

``drift_one`` compares one document with a parsed template and keeps what a legal
operations team asks of it: the template articles it lacks, the articles it adds, the
articles it modified (with their redlines and term changes), the ones changed only in
formatting, and the value of every term it holds, filed under the template article it
stands in. ``aggregate`` folds many such results into one view per template article.

The drift score of a document is the share of the text of template and document together
that the two do not have in common::

    drift = 1 - kept / (template + added)

``template`` counts the characters of the template's articles; ``kept`` those of them that
a paired article of the document keeps unchanged; ``added`` the characters the document
has and the template does not, inserted into a paired article or standing in an article
the template lacks. Characters are counted on the normalised text (``nlp.text.normalize``),
so formatting — 全角/半角, 五/5, ヶ月/か月, spaces and line wraps — never counts, and an
article equal apart from its number (renumbered) keeps all its characters. Only articles
count: title, preamble and signature block do not. A copy that differs only in formatting
scores 0; a text that shares nothing with the template scores 1; deleting one of ten
equal-sized articles scores 0.1, and so does adding an eleventh of the same size (1/11,
0.09). An article's own drift is the same ratio over that article and its counterparts;
a missing or an extra article drifts 1.

A contract drafted on another template (相手方ひな型) rewords nearly every article it pairs,
so its drift says little about the template. Each document says whether it looks drafted on
the template: ``template_share`` is the share of template articles that a paired article keeps
at least half of (KEPT_ARTICLE_SHARE), and ``same_template`` holds when that share reaches
SAME_TEMPLATE_SHARE. On the seed contracts, copies and counter-drafts keep more than 0.9 and
contracts of other templates less than 0.4.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from .budget import Budget
from .compare import Options, compare_contracts
from .engine import Engine
from .errors import ContractDiffError, DeadlineExceeded, EmptyDocument
from .model import Article, Contract
from .result import Change, ChangeKind, Clause, ClauseRef, Op, Part, Segment, Status, TermValue
from .structure import parse
from .terms import article_terms
from .text import normalize

__all__ = [
    "Aggregate",
    "ArticleDrift",
    "ClauseDrift",
    "DocumentDrift",
    "TermDistribution",
    "TermFound",
    "ValueCount",
    "aggregate",
    "article_chars",
    "check_template",
    "drift_each",
    "drift_one",
]

#: A template article is kept by a document when a paired article keeps at least this share
#: of its text; a document drafted on another template rewords nearly every article it pairs.
KEPT_ARTICLE_SHARE = 0.5

#: A document that keeps at least this share of the template's articles was drafted on it;
#: below, it is a contract on another template (相手方ひな型), reported apart from drift.
SAME_TEMPLATE_SHARE = 0.5

# Scores are shown to people and compared across runs; four decimals are plenty and keep
# an in-process run and a distributed one byte-for-byte equal.
DRIFT_DECIMALS = 4


@dataclass(frozen=True, slots=True)
class ClauseDrift:
    """A template article and its counterpart in one document, as they differ."""

    template: ClauseRef | None      # None for an article the template lacks (extra)
    document: ClauseRef | None
    drift: float                    # share of the template article not kept; 1 for an extra article
    renumbered: bool
    moved: bool
    redline: tuple[Segment, ...]    # empty for a formatting-only pair
    changes: tuple[Change, ...] = ()  # term and qualitative changes of the pair


@dataclass(frozen=True, slots=True)
class TermFound:
    """A term of a document, filed under the template article its article is paired with."""

    article: str                    # id of the template article: "a9"
    category: str                   # confidentiality_period, liability_cap …
    value: TermValue                # offsets into the document


@dataclass(frozen=True, slots=True)
class DocumentDrift:
    """How one document differs from the template; ``error`` says why when it could not be read."""

    name: str
    drift: float | None             # see the module docstring; None when ``error`` is set
    missing: tuple[ClauseRef, ...]  # template articles the document lacks
    extra: tuple[ClauseDrift, ...]  # the document's articles the template lacks
    modified: tuple[ClauseDrift, ...]
    formatting_only: tuple[ClauseDrift, ...]
    terms: tuple[TermFound, ...]
    error: str | None = None
    template_share: float | None = None  # share of template articles it keeps the most of; None on error
    same_template: bool | None = None    # drafted on the template (share ≥ SAME_TEMPLATE_SHARE)

    @classmethod
    def failure(cls, name: str, reason: str) -> DocumentDrift:
        """The entry of a document that could not be read or compared."""
        return cls(name, None, (), (), (), (), (), reason)


@dataclass(frozen=True, slots=True)
class ValueCount:
    """One value of a term and the documents that hold it: 5年間 in 30 documents."""

    value: int | float | str
    unit: str
    text: str                       # as first written
    documents: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.documents)


@dataclass(frozen=True, slots=True)
class TermDistribution:
    """The values a category of term takes in one template article across the documents."""

    category: str
    template: tuple[TermValue, ...]  # the template's own values, offsets into the template
    values: tuple[ValueCount, ...]   # most documents first
    absent_in: tuple[str, ...]       # documents with the article but no term of this category

    @property
    def absent(self) -> int:
        return len(self.absent_in)


@dataclass(frozen=True, slots=True)
class ArticleDrift:
    """One template article over the batch: who lacks it, who modified it, the values it holds."""

    template: ClauseRef
    drift: float                     # mean of the article's drift over the documents compared
    missing_in: tuple[str, ...]
    modified_in: tuple[str, ...]
    term_changed_in: tuple[str, ...]  # documents with a changed value in this article
    terms: tuple[TermDistribution, ...]

    @property
    def missing(self) -> int:
        return len(self.missing_in)

    @property
    def modified(self) -> int:
        return len(self.modified_in)

    @property
    def term_changed(self) -> int:
        return len(self.term_changed_in)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """The batch per template article: the most documents departing from it first."""

    documents: int                   # documents compared
    failed: int                      # documents that could not be read or compared
    drift: float                     # mean drift of the documents compared
    articles: tuple[ArticleDrift, ...]
    other_template: tuple[str, ...] = ()  # documents compared that look drafted on another template


def check_template(template: Contract) -> Contract:
    """The template itself, or :class:`EmptyDocument` when it has no article to measure against."""
    if not template.articles:
        raise EmptyDocument("The template has no articles (第1条 …) and no paragraphs, only a title or "
                            "a signature block; drift is measured article by article, so the template "
                            "must be a contract.")
    return template


def article_chars(contract: Contract, article: Article) -> int:
    """Characters of an article once normalised, page headers inside it left out."""
    drop = contract.noise_within(article.span)
    return len(normalize(article.span.slice(contract.text), drop=drop).text)


def drift_one(template: Contract, text: str, name: str, *, engine: Engine,
              options: Options | None = None, budget: Budget | None = None) -> DocumentDrift:
    """How the document ``text`` drifted from ``template`` (parsed once by the caller).

    ``budget`` bounds the comparison as it does one of ``compare``: past its deadline,
    :class:`DeadlineExceeded`; a request's documents share one.
    """
    document = parse(text)
    if not document.articles:
        raise EmptyDocument(f"{name}: has no articles (第1条 …) and no paragraphs to compare with the "
                            "template's, only a title or a signature block; it may not be a contract.")
    comparison = compare_contracts(check_template(template), document, engine=engine, options=options,
                                   budget=budget)
    return _document_drift(template, document, name, comparison.clauses)


def drift_each(template: Contract, documents: Iterable[tuple[str, str]], *, engine: Engine,
               options: Options | None = None, budget: Budget | None = None) -> Iterator[DocumentDrift]:
    """``drift_one`` for each ``(name, text)``; a document that cannot be compared becomes its error entry.

    The documents share ``budget``: its deadline is the whole batch's, and passing it raises
    :class:`DeadlineExceeded` rather than becoming one document's error.
    """
    for name, text in documents:
        try:
            yield drift_one(template, text, name, engine=engine, options=options, budget=budget)
        except DeadlineExceeded:
            raise
        except ContractDiffError as error:
            yield DocumentDrift.failure(name, str(error))


def _document_drift(template: Contract, document: Contract, name: str,
                    clauses: Sequence[Clause]) -> DocumentDrift:
    document_articles = {article.id: article for article in document.articles}
    sizes = {article.id: article_chars(template, article) for article in template.articles}
    kept: Counter[str] = Counter()         # template article id → characters kept
    added: Counter[str] = Counter()        # template article id → characters inserted into it
    extra_chars = 0
    missing, extra, modified, formatting, terms = [], [], [], [], []
    for clause in clauses:
        if any(ref.part != Part.ARTICLE for ref in (clause.original, clause.revised) if ref is not None):
            continue  # drift is measured on the template's articles; its title or signature is not one
        if clause.revised is None:
            assert clause.original is not None
            missing.append(clause.original)
            continue
        if clause.original is None:
            extra_chars += article_chars(document, document_articles[clause.revised.id])
            extra.append(_clause_drift(clause, drift=1.0))
            continue
        template_id = clause.original.id
        if clause.status == Status.EQUAL:
            kept[template_id] += sizes[template_id]
            if clause.formatting_only:
                formatting.append(replace(_clause_drift(clause, drift=0.0), redline=()))
        else:
            kept[template_id] += _chars(clause.redline, Op.EQUAL)
            added[template_id] += _chars(clause.redline, Op.INSERT)
        if clause.status == Status.MODIFIED or any(c.kind == ChangeKind.VALUE for c in clause.changes):
            modified.append(_clause_drift(clause, drift=0.0))
        terms += [TermFound(template_id, str(term.category), term.to_value())
                  for term in article_terms(document, document_articles[clause.revised.id])]
    # A split article is redlined against each of its parts: together they keep at most all of it.
    kept = Counter({key: min(kept[key], size) for key, size in sizes.items()})
    article_drift = {key: _ratio(kept[key], size + added[key]) for key, size in sizes.items()}
    total = sum(sizes.values()) + sum(added.values()) + extra_chars
    share = _template_share(kept, sizes)
    return DocumentDrift(
        name=name,
        drift=_ratio(sum(kept.values()), total),
        missing=tuple(missing),
        extra=tuple(extra),
        modified=tuple(replace(entry, drift=article_drift[entry.template.id]) for entry in modified
                       if entry.template is not None),
        formatting_only=tuple(formatting),
        terms=tuple(terms),
        template_share=share,
        same_template=share >= SAME_TEMPLATE_SHARE,
    )


def _template_share(kept: Counter[str], sizes: dict[str, int]) -> float:
    """The share of template articles a document keeps at least KEPT_ARTICLE_SHARE of."""
    measured = [key for key, size in sizes.items() if size]
    if not measured:
        return 1.0
    return _round(sum(kept[key] >= KEPT_ARTICLE_SHARE * sizes[key] for key in measured) / len(measured))


def _clause_drift(clause: Clause, *, drift: float) -> ClauseDrift:
    return ClauseDrift(template=clause.original, document=clause.revised, drift=drift,
                       renumbered=clause.renumbered, moved=clause.moved,
                       redline=clause.redline, changes=clause.changes)


def _chars(redline: Sequence[Segment], op: Op) -> int:
    """Normalised characters of the runs of a redline with ``op``."""
    return sum(len(normalize(segment.text).text) for segment in redline if segment.op == op)


def _ratio(kept: int, total: int) -> float:
    """``1 - kept / total``, rounded; nothing to measure drifts 0."""
    return _round(1 - kept / total) if total else 0.0


def _round(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), DRIFT_DECIMALS)


# ---------------------------------------------------------------------------
# The batch, per template article.


def aggregate(template: Contract, results: Sequence[DocumentDrift]) -> Aggregate:
    """Each template article over ``results``: the most drifted first, then in template order."""
    compared = [result for result in results if result.error is None]
    articles = [_article_drift(template, article, compared) for article in template.articles]
    # Most documents departing from the article first; the share of its text they changed breaks ties.
    order = sorted(range(len(articles)),
                   key=lambda i: (-(articles[i].missing + articles[i].modified), -articles[i].drift, i))
    drifts = [result.drift for result in compared if result.drift is not None]
    return Aggregate(
        documents=len(compared),
        failed=len(results) - len(compared),
        drift=_round(sum(drifts) / len(drifts)) if drifts else 0.0,
        articles=tuple(articles[i] for i in order),
        other_template=tuple(result.name for result in compared if result.same_template is False),
    )


def _article_drift(template: Contract, article: Article, results: Sequence[DocumentDrift]) -> ArticleDrift:
    missing: list[str] = []
    modified: list[str] = []
    term_changed: list[str] = []
    drift: list[float] = []
    present: list[DocumentDrift] = []
    for result in results:
        if any(ref.id == article.id for ref in result.missing):
            missing.append(result.name)
            drift.append(1.0)
            continue
        present.append(result)
        found = [entry for entry in result.modified if entry.template and entry.template.id == article.id]
        drift.append(max((entry.drift for entry in found), default=0.0))
        if found:
            modified.append(result.name)
        if any(change.kind == ChangeKind.VALUE for entry in found for change in entry.changes):
            term_changed.append(result.name)
    return ArticleDrift(
        template=ClauseRef(article.id, article.label, article.number, article.heading,
                           article.span.start, article.span.end),
        drift=_round(sum(drift) / len(drift)) if drift else 0.0,
        missing_in=tuple(missing),
        modified_in=tuple(modified),
        term_changed_in=tuple(term_changed),
        terms=_distributions(template, article, present),
    )


def _distributions(template: Contract, article: Article,
                   results: Sequence[DocumentDrift]) -> tuple[TermDistribution, ...]:
    """For each category of term in the article, the documents holding each value (each once)."""
    own: dict[str, list[TermValue]] = {}
    for term in article_terms(template, article):
        own.setdefault(str(term.category), []).append(term.to_value())
    # category → (value, unit) → indexes of the documents holding it, in the order given
    holders: dict[str, dict[tuple[int | float | str, str], list[int]]] = {category: {} for category in own}
    # A value is shown as the template writes it, else as the first document does.
    written = {(_plain(value.value), value.unit): value.text for values in own.values() for value in values}
    for index, result in enumerate(results):
        for found in result.terms:
            if found.article != article.id:
                continue
            key = (_plain(found.value.value), found.value.unit)
            written.setdefault(key, found.value.text)
            indexes = holders.setdefault(found.category, {}).setdefault(key, [])
            if not indexes or indexes[-1] != index:
                indexes.append(index)
    distributions = []
    for category, values in holders.items():
        counted = sorted(values.items(), key=lambda item: -len(item[1]))
        holding = {index for indexes in values.values() for index in indexes}
        distributions.append(TermDistribution(
            category=category,
            template=tuple(own.get(category, ())),
            values=tuple(ValueCount(value, unit, written[value, unit],
                                    tuple(results[i].name for i in indexes))
                         for (value, unit), indexes in counted),
            absent_in=tuple(r.name for index, r in enumerate(results) if index not in holding),
        ))
    return tuple(distributions)


def _plain(value: int | float | str) -> int | float | str:
    """5.0 and 5 are one value."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
