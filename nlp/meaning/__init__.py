"""Changes of meaning without a number, and which party each change favours.

``nlp.compare`` calls three functions of this package and nothing else: ``prefetch`` once
with every paired clause whose text changed (their sentences are parsed in one batch),
``clause_meaning`` for each of them, and ``with_favours`` over the changes of each clause
(value changes included).

Inside, a clause's changed sentences are paired (:mod:`.sentences`), each is read for its
force, its roles and its qualifiers (:mod:`.reading`), and the two readings of a sentence are
compared kind by kind (:mod:`.kinds`); :mod:`.favours` holds the rules that say whom a change
favours, :mod:`.definitions` the defined terms, :mod:`.references` the stale citations. The
parser runs only on changed sentences, all of a clause's at once, and remembers what it read.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..budget import Budget
from ..engine import Engine
from ..model import Article, Contract
from ..result import Change, ChangeKind, TermValue
from ..terms import TIME_UNITS
from .definitions import definition_changes
from .favours import VALUE_RULES, Period, Stance, for_court, for_period, for_value, period_kind
from .kinds import added_or_removed, is_item, leads_list, sentence_changes
from .modality import Modality, read_force, same_force
from .parties import Group, Parties, read_parties
from .reading import Reading, read_sentences
from .references import stale_references
from .roles import Roles, read_roles, unread
from .sentences import PROVISO, Sentence, SentencePair, changed_pairs, sentences

__all__ = ["MeaningContext", "Parties", "clause_meaning", "prefetch", "read_parties", "with_favours"]

# After a party's name: what makes it the party a liability cap protects.
LIABLE = re.compile(r"(?:の(?:負う)?(?:損害賠償|賠償|責任)"
                    r"|(?:が|は)[^、。]{0,30}?(?:損害賠償|賠償責任|責任を負))")
# What _worth_parsing asks to parse of a pair of sentences.
BOTH, REVISED = "both", "revised"
# Sentences of an article read to find whose duty a value in it measures.
MAX_ARTICLE_SENTENCES = 4
NEGATIVE_FORMS = ("ない", "なく", "なかっ", "なけれ", "ず", "ぬ", "ません")


@dataclass(frozen=True, slots=True)
class MeaningContext:
    """What the meaning layer knows of the two documents beyond one pair of clauses."""

    original: Contract
    revised: Contract
    renumbered: Mapping[int, int] = field(default_factory=dict)  # original 第N条 → revised number
    parties: Parties = field(init=False)
    # The plans of the clause pairs read so far: prefetch makes them, clause_meaning reuses them.
    plans: dict[tuple[str, str], _Plan] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parties", _parties(self.original.text, self.revised.text))


@functools.lru_cache(maxsize=64)
def _parties(original: str, revised: str) -> Parties:
    """``read_parties`` of two documents, kept for the last ones read (a template and its drafts)."""
    return read_parties(original, revised)


def clause_meaning(context: MeaningContext, left: Article, right: Article, *, engine: Engine,
                   budget: Budget | None = None) -> list[Change]:
    """The meaning changes between two paired clauses (articles or parts outside them).

    Past the budget's sentences, sentences are read without a parse: force, consent, conditions
    and scope are still compared, parties and negation are not, and ``favours`` may stay empty.
    """
    original, revised, parties = context.original, context.revised, context.parties
    plan = _plan(context, left, right)
    readings = _readings(plan, parties, engine, budget)
    changes: list[Change] = []
    for pair in plan.pairs:
        one = readings.get(id(pair.original)) if pair.original else None
        two = readings.get(id(pair.revised)) if pair.revised else None
        if one is not None and two is not None:
            changes += sentence_changes(one, two, parties)
        elif two is not None:
            main = readings.get(id(_main(plan.right, pair.revised)))
            changes += added_or_removed(two, main, parties, added=True)
        elif one is not None:
            main = readings.get(id(_main(plan.left, pair.original)))
            changes += added_or_removed(one, main, parties, added=False)
    changes += stale_references(left.body.slice(original.text), right.body.slice(revised.text),
                                revised_offset=right.body.start, renumbered=context.renumbered)
    changes += definition_changes(left, right, original, revised, parties)
    return [replace(change, original_clause=left.label, revised_clause=right.label) for change in changes]


def prefetch(context: MeaningContext, pairs: Sequence[tuple[Article, Article]], *, engine: Engine,
             budget: Budget | None = None, values: Sequence[Change] = ()) -> None:
    """Parse, in one batch, the sentences every pair will need, so ``clause_meaning`` finds them read.

    The parser works several times faster on a batch than one sentence at a time. The
    sentences ``with_favours`` will parse for the value changes ``values`` join the batch;
    those it parses only after reading them (a value's article, where its sentence names no
    party) make one more batch each step. A batch of values the budget cannot take whole is
    left to ``with_favours``, which asks the budget sentence by sentence as it reads.
    """
    parties = context.parties
    texts = [sentence.text for left, right in pairs
             for sentence, parse in _plan(context, left, right).entries if parse]
    missing = unread(texts, parties)
    if missing and budget is not None and not budget.parse_sentences(len(missing)):
        return
    queued = set(missing)
    wanted = [text for text in _value_sentences(values, context) if text not in queued]
    if wanted and not _afford(budget, len(wanted)):
        wanted = []
    if missing or wanted:
        read_roles(missing + wanted, parties, engine)
    for _ in range(MAX_VALUE_STEPS):
        if not wanted:
            return
        wanted = _value_sentences(values, context)
        if wanted and _afford(budget, len(wanted)):
            read_roles(wanted, parties, engine)
        else:
            return


#: Batches of value sentences read after the first: the rules read a value's sentence, then its article.
MAX_VALUE_STEPS = 3


class _Deferred(Exception):
    """Raised by :class:`_Recorder` where a parse would run."""


class _Recorder:
    """An engine that parses nothing: it notes the texts it is asked to parse and stops the caller."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def parse_many(self, texts: list[str]) -> list[Any]:
        self.texts += texts
        raise _Deferred


def _value_sentences(values: Sequence[Change], context: MeaningContext) -> list[str]:
    """The sentences ``with_favours`` would parse next for ``values``, given what is read so far.

    Its own rules are run with an engine that parses nothing, so the batch follows them.
    """
    recorder = _Recorder()
    for change in values:
        if change.kind == ChangeKind.VALUE and change.favours is None:
            try:
                _value_favours(change, context, recorder, None)  # type: ignore[arg-type]
            except _Deferred:
                pass
    return unread(list(dict.fromkeys(recorder.texts)), context.parties)


def _afford(budget: Budget | None, count: int) -> bool:
    """Count ``count`` sentences to parse if the budget takes them all; never marks it degraded."""
    return budget is None or (budget.can_parse(count) and budget.parse_sentences(count))


def with_favours(changes: Sequence[Change], context: MeaningContext, *,
                 engine: Engine | None = None, budget: Budget | None = None) -> list[Change]:
    """The changes, each with the party it favours (``favours``) where the rules can tell.

    Meaning changes come with it already; a value change is read here, from the roles of the
    sentence it stands in (乙の損害賠償額は…上限とする: a higher cap weighs on 乙).
    """
    found = []
    for change in changes:
        if change.kind == ChangeKind.VALUE and change.favours is None and engine is not None:
            change = replace(change, favours=_value_favours(change, context, engine, budget))
        found.append(change)
    return found


def _value_favours(change: Change, context: MeaningContext, engine: Engine,
                   budget: Budget | None) -> str | None:
    parties = context.parties
    if change.category == "jurisdiction":
        return for_court(parties, change.original.text if change.original else None,
                         change.revised.text if change.revised else None)
    value, contract = change.revised, context.revised
    if value is None:
        value, contract = change.original, context.original
    if value is None:
        return None
    period = _period(change, value, contract.reading)
    if change.category not in VALUE_RULES and period is None:
        return None
    subject = None
    sentence = _sentence_at(contract.reading, value.start)
    if change.category == "liability_cap":
        subject = _liable(sentence, parties)
    elif change.category in PAYER_CATEGORIES:
        subject = _payer(contract, value.start, parties, engine, budget)
    elif period is not None and PAYERS_BENEFIT.search(sentence):
        # A span of a discount, a time to claim back an overpayment: the payer's, whoever the
        # sentence names (本契約締結日より3年間は…単価を減額する names none).
        payer = (_payer(contract, value.start, parties, engine, budget)
                 or _contract_payer(contract.reading, parties))
        if payer is not None:
            return for_period(parties, payer, period, Stance.RIGHT, change.direction)
    subject = subject or _subject_at(contract, value.start, parties, engine, budget)
    if period is not None:
        stance = Stance.RIGHT if read_force(sentence).modality == Modality.PERMISSION else Stance.DUTY
        return for_period(parties, subject, period, stance, change.direction)
    return for_value(parties, subject, change.category, change.direction)


#: Categories whose periods the category alone does not weigh: read by how they are written.
PERIOD_CATEGORIES = frozenset({"other", "notice_period"})


def _period(change: Change, value: TermValue, text: str) -> str | None:
    """The kind of period a change of ``other`` or a notice deadline is, None for anything else.

    A notice given in advance (30日前までに) stays with its category's rule.
    """
    if change.category not in PERIOD_CATEGORIES or value.unit not in TIME_UNITS:
        return None
    kind = period_kind(value.text, text[value.end:value.end + 8])
    if change.category == "notice_period" and kind != Period.DEADLINE:
        return None
    return kind


#: Values that weigh on the party who pays: the fee, the time to pay, the interest on a delay.
PAYER_CATEGORIES = frozenset({"fee", "payment_due", "late_interest"})

#: The predicates of paying: 支払う, 振り込む, 負担する (振込手数料は乙の負担とする).
PAYING = re.compile(r"支払|支拂|振込|振り込|負担")


def _payer(contract: Contract, at: int, parties: Parties, engine: Engine,
           budget: Budget | None) -> Group | None:
    """The party that pays, in the sentence at ``at`` or else in its article.

    単価（外税）×90% names 当社 as the one who provides the service, not as the payer; the
    article's 契約者は、当社に対し…支払う does. A sentence about a fee with no payer in it (委託料は
    …支払うものとする) takes the payer its article names elsewhere (振込手数料は乙の負担とする).
    """
    topic = _paying_topic(contract.reading, at, parties)
    if topic is not None:
        return topic
    article = next((a for a in contract.articles if a.span.start <= at < a.span.end), None)
    texts = [_sentence_at(contract.reading, at)]
    if article is not None:
        texts += [sentence.text for sentence in
                  sentences(contract.blanked(article.body), article.body.start)[:MAX_ARTICLE_SENTENCES]]
    for roles in _roles_within(texts, parties, engine, budget):
        if PAYING.search(roles.predicate) and (payer := roles.actor or roles.bearer) and payer.single:
            return payer
    return None


#: A period that serves the party who pays: a discount's span, free use, a refund's claim.
PAYERS_BENEFIT = re.compile(r"減額|割引|値引|無償|無料|過払|返金|返還の請求|返還請求")


def _contract_payer(text: str, parties: Parties) -> Group | None:
    """The party the contract has pay (契約者は、当社に対し…支払う) most often, else None.

    Read from the text without a parse, for a sentence that names no payer of its own.
    """
    payers: dict[str, Group] = {}
    counts: Counter[str] = Counter()
    for match in PAYS.finditer(text):
        groups = parties.groups(match.group("payer"))
        if len(groups) == 1 and groups[0].single and groups[0].text == match.group("payer"):
            payers.setdefault(groups[0].single, groups[0])
            counts[groups[0].single] += 1
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return payers[ranked[0][0]]


#: 甲は、乙に対し、…を支払う: the payer of one sentence.
PAYS = re.compile(r"(?P<payer>[^\s、。「」（）()]{1,8})は、?[^\s、。「」（）()]{1,8}に対し(?:て)?"
                  r"[^。]{0,80}?(?:支払|支拂|振り?込)")


def _paying_topic(text: str, at: int, parties: Parties) -> Group | None:
    """The party the clause of ``at`` is about when that clause pays: the last party marked with
    は before the value, the paying verb after it.

    In 乙は、毎月末日に請求し、甲は、翌月末日までに支払う, the sentence opens with 乙, who bills; the
    clause of the deadline is 甲's, who pays. A party marked with が before the value may sit in a
    relative clause (乙が指定する口座), so only は decides.
    """
    start, end = _sentence_span(text, at)
    before, after = text[start:at], text[at:end]
    paying = PAYING.search(after)
    if paying is None or any(after[group.end:group.end + 1] == "は" and group.end <= paying.start()
                             for group in parties.groups(after)):
        return None   # no payment in the value's clause, or another party's clause pays
    topics = [group for group in parties.groups(before)
              if before[group.end:group.end + 1] == "は" and group.single]
    return topics[-1] if topics else None


def _liable(sentence: str, parties: Parties) -> Group | None:
    """The party whose liability a cap limits: 乙の損害賠償額, 当社が…損害賠償責任を負う場合."""
    for group in parties.groups(sentence):
        rest = sentence[group.end:group.end + 40]
        if LIABLE.match(rest):
            return group
    return None


def _subject_at(contract: Contract, at: int, parties: Parties, engine: Engine,
                budget: Budget | None) -> Group | None:
    """The party the sentence at ``at`` speaks of, else the one its article's sentences do.

    本条の義務は本契約終了後も5年間存続する names no party: the duty is the article's. Past the
    budget's sentences, no party (and so no ``favours``).
    """
    first = _roles_within([_sentence_at(contract.reading, at)], parties, engine, budget)
    subject = first and (first[0].actor or first[0].owner or first[0].bearer)
    if subject:
        return subject
    article = next((a for a in contract.articles if a.span.start <= at < a.span.end), None)
    if article is None:
        return None
    found = sentences(contract.blanked(article.body), article.body.start)[:MAX_ARTICLE_SENTENCES]
    readings = _roles_within([sentence.text for sentence in found], parties, engine, budget)
    return next((roles.actor for roles in readings if roles.actor), None)


def _roles_within(texts: list[str], parties: Parties, engine: Engine, budget: Budget | None) -> list[Roles]:
    """The roles of ``texts``, or none when parsing the unread ones would pass the budget."""
    missing = unread(texts, parties)
    if missing and budget is not None and not budget.parse_sentences(len(missing)):
        return []
    return read_roles(texts, parties, engine)


def _sentence_span(text: str, at: int) -> tuple[int, int]:
    """Where the sentence at ``at`` starts, and where it ends, before its 。 or line break."""
    start = max(text.rfind("。", 0, at), text.rfind("\n", 0, at)) + 1
    ends = [end for end in (text.find("。", at), text.find("\n", at)) if end >= 0]
    return start, min(ends) if ends else len(text)


def _sentence_at(text: str, at: int) -> str:
    start, end = _sentence_span(text, at)
    return text[start:end + 1].strip()


@dataclass(frozen=True, slots=True)
class _Plan:
    """The sentences of two clauses, those that changed, and which of them to parse."""

    left: list[Sentence]
    right: list[Sentence]
    pairs: list[SentencePair]
    entries: list[tuple[Sentence, bool]]


def _plan(context: MeaningContext, left: Article, right: Article) -> _Plan:
    """The plan of a pair of clauses, made once per comparison."""
    key = (left.id, right.id)
    if key not in context.plans:
        context.plans[key] = _make_plan(context, left, right)
    return context.plans[key]


def _make_plan(context: MeaningContext, left: Article, right: Article) -> _Plan:
    """A cheap reading first (force, qualifiers); the parse only where it can tell something:
    where the negation or the parties differ, or where a change was found and the party it
    favours must be known. A ただし書 and the sentence it qualifies are parsed for their subjects.
    """
    parties = context.parties
    left_sentences = sentences(context.original.blanked(left.body), left.body.start)
    right_sentences = sentences(context.revised.blanked(right.body), right.body.start)
    pairs = changed_pairs(left_sentences, right_sentences)
    wanted: dict[int, tuple[Sentence, bool]] = {}
    cheap = {id(s): r for s, r in _cheap([s for p in pairs for s in (p.original, p.revised) if s], parties)}
    for pair in pairs:
        if pair.original and pair.revised:
            need = _worth_parsing(cheap[id(pair.original)], cheap[id(pair.revised)], parties)
            wanted[id(pair.original)] = (pair.original, need == BOTH)
            wanted[id(pair.revised)] = (pair.revised, need is not None)
            continue
        sentence = pair.original or pair.revised
        assert sentence is not None
        side = left_sentences if pair.original else right_sentences
        proviso = sentence.text.startswith(PROVISO)
        wanted[id(sentence)] = (sentence, proviso or bool(cheap[id(sentence)].consents))
        main = _main(side, sentence)
        if (proviso or is_item(sentence.text)) and main is not None:
            wanted[id(main)] = (main, True)
    return _Plan(left_sentences, right_sentences, pairs, list(wanted.values()))


def _readings(plan: _Plan, parties: Parties, engine: Engine, budget: Budget | None) -> dict[int, Reading]:
    """Readings of the sentences the plan needs, keyed by ``id`` of the sentence."""
    entries = plan.entries
    flags = [parse for _, parse in entries]
    missing = unread([s.text for s, parse in entries if parse], parties)
    if missing and budget is not None and not budget.parse_sentences(len(missing)):
        flags = [False] * len(entries)
    readings = read_sentences([s for s, _ in entries], parties, engine, parse=flags)
    return {id(sentence): reading for (sentence, _), reading in zip(entries, readings, strict=True)}


def _cheap(found: Sequence[Sentence], parties: Parties) -> list[tuple[Sentence, Reading]]:
    return list(zip(found, read_sentences(found, parties, None, parse=[False] * len(found)), strict=True))


def _worth_parsing(left: Reading, right: Reading, parties: Parties) -> str | None:
    """Which of the two the parse can tell something about: ``BOTH``, ``REVISED`` or None.

    Where the parties or a negation may differ (with the force unchanged: a new force already
    says it), both are parsed and their roles compared. A change already found needs only its
    subject for ``favours``: the revised sentence is parsed for it, unless one of the two opens
    with its party (乙は、…), which gives it without a parse.
    """
    one, two = left.sentence.text, right.sentence.text
    if [g.members for g in parties.groups(one)] != [g.members for g in parties.groups(two)]:
        return BOTH
    if same_force(left.force, right.force) and _negatives(one) != _negatives(two):
        return BOTH
    if right.topic is None and left.topic is None and sentence_changes(left, right, parties):
        return REVISED
    return None


def _negatives(text: str) -> int:
    return sum(text.count(form) for form in NEGATIVE_FORMS)


def _main(found: Sequence[Sentence], sentence: Sentence | None) -> Sentence | None:
    """What an added or removed sentence qualifies: for a 号, the sentence that introduces its
    list (次の各号のいずれかに該当するときは…); for anything else, the sentence before it."""
    if sentence is not None and is_item(sentence.text):
        index = next((i for i, candidate in enumerate(found) if candidate is sentence), 0)
        lead = next((candidate for candidate in reversed(found[:index]) if leads_list(candidate.text)), None)
        if lead is not None:
            return lead
    return _before(found, sentence)


def _before(found: Sequence[Sentence], sentence: Sentence | None) -> Sentence | None:
    """The sentence before ``sentence`` in the same clause."""
    for index, candidate in enumerate(found):
        if candidate is sentence:
            return found[index - 1] if index else None
    return None
