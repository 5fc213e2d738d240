"""Typed terms of a clause (条件値) and the changes of their values between two clauses.

``extract_terms`` reads the values a negotiator cares about from one clause:
durations and deadlines (5年間, 30日前まで, 14日以内), money (金1,000万円, 金●●円),
rates (年率14.5%), multiples (2倍), counts (2名), time-of-day windows (午前9時から
午後6時), courts and governing law, and liability caps measured in months of fees.
Each term gets a category of the evaluation vocabulary from its sentence and the
clause heading. ``diff_terms`` pairs the terms of two aligned clauses and reports
the values that changed; formatting (３/三/3, ヶ月/か月, line wraps) never does.

Patterns run on the raw text, so offsets need no map; numbers are read by
``nlp.text.parse_number``. Each pattern, once it has matched, masks its span so a
later pattern cannot read the same characters again (the 6か月間 inside a cap is
not also a duration).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

from .kept import Kept
from .model import Article, Contract
from .result import Change, ChangeKind, Direction, TermValue
from .text import article_references, normalize_key, parse_number

__all__ = [
    "TIME_UNITS",
    "CATEGORY_LABELS",
    "Category",
    "Kind",
    "Term",
    "Unit",
    "article_terms",
    "clause_changes",
    "group_changes",
    "diff_terms",
    "extract_terms",
]


class Category(StrEnum):
    """What a term governs: the vocabulary of ``eval/README.md``."""

    CONFIDENTIALITY_PERIOD = "confidentiality_period"
    LIABILITY_CAP = "liability_cap"
    CONTRACT_TERM = "contract_term"
    RENEWAL_TERM = "renewal_term"
    RENEWAL_NOTICE = "renewal_notice"
    TERMINATION_NOTICE = "termination_notice"
    CURE_PERIOD = "cure_period"
    SPEC_CHANGE_NOTICE = "spec_change_notice"
    NOTICE_PERIOD = "notice_period"
    PAYMENT_DUE = "payment_due"
    LATE_INTEREST = "late_interest"
    PENALTY = "penalty"
    FEE = "fee"
    SERVICE_HOURS = "service_hours"
    JURISDICTION = "jurisdiction"
    GOVERNING_LAW = "governing_law"
    COOLING_OFF = "cooling_off"
    OTHER = "other"


class Unit(StrEnum):
    """The unit of a value: the vocabulary of ``eval/README.md``."""

    YEAR = "year"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"
    BUSINESS_DAY = "business_day"
    HOUR = "hour"
    MINUTE = "minute"
    PERCENT = "percent"
    YEN = "yen"
    TIMES = "times"
    PERSON = "person"
    COURT = "court"
    LAW = "law"


class Kind(StrEnum):
    """The shape of a term, which decides the categories it can take."""

    DURATION = "duration"      # 5年間, 30日間の是正期間: a length of time
    ADVANCE = "advance"        # 30日前までに: a notice given ahead of an event
    DEADLINE = "deadline"      # 14日以内, 1ヶ月を経過: a limit counted from an event
    AMOUNT = "amount"          # 金1,000万円, 金●●円
    CAP = "cap"                # 責任上限: 金1,000万円を上限, 過去6か月間に支払った総額
    RATE = "rate"              # 年率14.5%
    MULTIPLE = "multiple"      # 2倍
    COUNT = "count"            # 2名, 3回
    WINDOW = "window"          # 午前9時から午後6時, valued as its length in hours
    COURT = "court"            # 東京地方裁判所
    LAW = "law"                # 日本法


@dataclass(frozen=True, slots=True)
class Term:
    """A typed value found in a clause (条件値): 5年間 → category, 5, year, with its span."""

    category: Category
    kind: Kind
    value: int | float | str | None    # None only for a placeholder (金●●円)
    unit: Unit
    text: str                          # as written
    start: int                         # raw offsets into the text given, plus its offset
    end: int
    unknown: bool = False              # a placeholder: ●●, ○○, ＿＿
    context: str = ""                  # the words around it, numbers masked: pairs terms across drafts

    def to_value(self) -> TermValue:
        """The term as ``nlp.result.TermValue``, for a ``Change``."""
        value = self.value if self.value is not None else self.text
        return TermValue(self.text, value, str(self.unit), self.start, self.end)


#: One line of a summary per category: 秘密保持義務の存続期間: 5年間 → 3年間.
CATEGORY_LABELS: dict[Category, str] = {
    Category.CONFIDENTIALITY_PERIOD: "秘密保持義務の存続期間",
    Category.LIABILITY_CAP: "責任上限",
    Category.CONTRACT_TERM: "契約期間",
    Category.RENEWAL_TERM: "更新後の期間",
    Category.RENEWAL_NOTICE: "更新拒絶の通知期限",
    Category.TERMINATION_NOTICE: "解約の通知期限",
    Category.CURE_PERIOD: "是正期間",
    Category.SPEC_CHANGE_NOTICE: "仕様変更の通知期限",
    Category.NOTICE_PERIOD: "通知期限",
    Category.PAYMENT_DUE: "支払期限",
    Category.LATE_INTEREST: "遅延損害金の利率",
    Category.PENALTY: "違約金",
    Category.FEE: "料金",
    Category.SERVICE_HOURS: "対応時間",
    Category.JURISDICTION: "管轄裁判所",
    Category.GOVERNING_LAW: "準拠法",
    Category.COOLING_OFF: "クーリングオフ期間",
    Category.OTHER: "数値",
}

# ---------------------------------------------------------------------------
# Pattern pieces. Every repetition is bounded and no quantified group contains
# another unbounded one, so a line of a million digits is read in linear time.

_DIGITS = r"[0-9０-９]{1,12}(?:[,，][0-9０-９]{3}){0,4}(?:[.．][0-9０-９]{1,4})?"
_KANJI = r"[〇一二三四五六七八九十百千]{1,8}"
_BLANK = r"[●○＿_＊*]{1,8}"                 # 金●●円, 令和○年, ＿＿年: a value left blank
# Not inside a longer number, not 第3 (a reference), not 同一/統一/唯一/万一/数十 (words).
_NOT_INSIDE = r"(?<![0-9０-９.．,，〇一二三四五六七八九十百千万億●○＿_＊*第同統唯数何幾])"
_NUMBER = rf"{_NOT_INSIDE}(?:{_DIGITS}|{_KANJI}|{_BLANK})"
_GAP = r"[ \t\u3000\r\n]{0,3}"             # a line wrap or a space inside a term
_MONTHS = rf"[かヶケカヵ箇]{_GAP}月"         # every spelling of the month counter, wrapped or not

#: Durations and deadlines: 5年間, ３か月前まで, 三十日以内, 10営業日, 4時間以内.
QUANTITY = re.compile(rf"""
    (?P<prefix>過去|直近|直前)?
    (?P<number>{_NUMBER}){_GAP}
    (?:
        (?P<year>[かヶケカヵ箇]?年)(?:{_GAP}(?P<extra>{_DIGITS}|{_KANJI}){_GAP}{_MONTHS})?
      # statutes write 六月 for six months
      | (?P<month>{_MONTHS}|月(?=以内|以下|以上|未満|を経過|を超え|間|前まで|前に))
      | (?P<week>週間)
      | (?P<business_day>営業日)
      | (?P<day>日)
      | (?P<hour>時間)
      | (?P<minute>分)(?=間|以内|以上|未満|前|後|を)      # not 十二分に (thoroughly)
    )
    (?:{_GAP}(?P<span>間))?
    (?P<share>分)?
    {_GAP}
    (?P<limit>前まで|前に|前|以内|を経過|経過)?
""", re.VERBOSE)

#: Money: 金1,000万円, 5千円, 一千万円, 1億5000万円, 金●●円.
MONEY = re.compile(rf"""
    (?P<prefix>金)?{_GAP}
    (?P<number>{_NOT_INSIDE}(?:{_DIGITS}(?:[億万千](?:{_DIGITS})?){{0,3}}
                             | [〇一二三四五六七八九十百千][〇一二三四五六七八九十百千万億]{{0,11}}
                             | {_BLANK}[億万千]?))
    {_GAP}円(?!滑)
""", re.VERBOSE)

#: Rates: 年率14.5%, 年14.6％, 10パーセント, 年十四・六パーセント.
RATE = re.compile(rf"""
    (?P<prefix>年率|年利|年|月率|月利)?{_GAP}
    (?P<number>{_NOT_INSIDE}[〇一二三四五六七八九十百千]{{1,8}}・[〇一二三四五六七八九]{{1,4}}|{_NUMBER}){_GAP}
    (?:%|％|パーセント)
""", re.VERBOSE)

# 委員八人以内, 理事三人とする: 人 counts people where a limit or a rule follows it.
_PEOPLE_AFTER = r"以内|以上|以下|未満|を超え|まで|とする|を置|で組織|から成|をもって"
#: Multiples and counts: 2倍, 2名, 3回, 八人以内. 通 (copies of the signed contract) is not a term.
COUNT = re.compile(rf"(?P<number>{_NUMBER}){_GAP}(?P<counter>倍|名|回|人(?={_PEOPLE_AFTER}))")

_HOUR = r"[0-9０-９]{1,2}|[〇一二三四五六七八九十]{1,3}"
_MINUTE = r"[0-5０-５]?[0-9０-９]|[〇一二三四五六七八九十]{1,3}"


def _clock(name: str) -> str:
    """午前9時, 18時30分, 9時半, 9:00, ９：００ with named groups ``name_*``."""
    return rf"""(?P<{name}_half_day>午前|午後)?{_GAP}(?P<{name}_hour>{_HOUR}){_GAP}
        (?:時(?:{_GAP}(?P<{name}_minute>{_MINUTE}){_GAP}分|(?P<{name}_half>半))?
          |[:：](?P<{name}_clock_minute>[0-5０-５][0-9０-９]))"""


#: A time-of-day window: 午前9時から午後6時まで, 9:00〜18:00, 9時から18時.
WINDOW = re.compile(rf"""
    (?<![0-9０-９])
    {_clock("from")}
    {_GAP}(?:から|より|[〜～~－\-ー―‐–]){_GAP}(?:翌日?|翌朝)?
    {_clock("to")}
    (?:{_GAP}まで)?
""", re.VERBOSE)

#: The end of a month counted from another (月末締め翌月末払い, 請求書受領月の翌々月末日まで,
#: 検収月の3か月後の月末): valued as the months after the month it counts from.
MONTH_END = re.compile(rf"""
    (?:(?P<this>当月)|(?P<next>翌月)|(?P<after_next>翌々月|翌翌月)
      |(?P<number>{_NUMBER}){_GAP}{_MONTHS}{_GAP}後の月)
    {_GAP}(?:の)?末(?:日)?
""", re.VERBOSE)
MONTHS_AFTER = {"this": 0, "next": 1, "after_next": 2}

_PARTY = r"(?:[甲乙丙丁]|当社|契約者|利用者|委託者|受託者|原告|被告|買主|売主|貸主|借主)"
_COURT_NAME = r"(?:さいたま|[\u4e00-\u9fff]{1,4}?)?(?:地方|簡易|家庭|高等)裁判所(?:[\u4e00-\u9fff]{1,4}支部)?"

#: Courts: 東京地方裁判所, 甲の本店所在地を管轄する地方裁判所又は簡易裁判所. The
#: qualifiers after it (を第一審の専属的合意管轄裁判所とする) are not part of the value.
COURT = re.compile(rf"""
    (?:{_PARTY}(?:(?:又は|または|若しくは|もしくは|及び|・){_PARTY}){{0,2}}の[^\s、。を「」]{{1,12}}?を管轄する)?
    {_COURT_NAME}
    (?:(?:又は|または|若しくは|もしくは|及び|並びに|・){_COURT_NAME}){{0,3}}
""", re.VERBOSE)

#: Governing law: 日本法, 日本国の法令, 日本国法, 日本の法律 (not 日本法人).
LAW = re.compile(r"日本(?:国)?(?:の)?(?:法令|法律|法)(?!人)")

# Words that make a number something other than a term.
_ERA_BEFORE = re.compile(r"(?:令和|平成|昭和|大正|明治|西暦)[ \t\u3000]{0,2}$")
# A year that numbers a law (明治四十年法律第四十五号) is part of a citation.
_LAW_NUMBER_AFTER = re.compile(r"(?:法律|政令|省令|条例|規則|告示)第")
_MONTH_AFTER = re.compile(rf"{_GAP}(?:[0-9０-９]{{1,2}}|[〇一二三四五六七八九十]{{1,3}}|{_BLANK}){_GAP}月")
_DAY_OF_MONTH_BEFORE = re.compile(r"[月毎][ \t\u3000]{0,2}$")

# ---------------------------------------------------------------------------
# Sentences: the context that decides a category.

# A sentence ends at 。 (not 。） inside parentheses) or at a line break before a
# new 項/号/bullet/article or a blank line; other line breaks are wraps.
SENTENCE_END = re.compile(r"""
    。(?![）)」』])
  | \n(?=[ \t\u3000]*(?:
        \n | $
      | [0-9０-９]{1,3}(?:[.．](?![0-9０-９])|[、)）\s])
      | [（(][0-9０-９一二三四五六七八九十]{1,3}[)）]
      | [・･·•‧\-–]
      | 第[0-9０-９〇一二三四五六七八九十百]{1,4}条
      | [①-⑳]
      | \[bookmark))
""", re.VERBOSE)

#: A sentence longer than this is cut: keeps hostile input (no 。 for a megabyte) linear.
MAX_SENTENCE_CHARS = 400

_SPACE = re.compile(r"\s+")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class _Sentence:
    index: int
    start: int
    end: int
    text: str                  # whitespace removed: line wraps do not split keywords


#: Where one clause of a sentence ends and the next begins: 1年間とし、/ …であり、/ …するが、.
#: Two periods of one sentence (有効期間は1年間とし、…更に1年間更新する) are told apart there.
CLAUSE_BREAK = re.compile(r"(?:とし|ものとし|であり|であって|するが|であるが|とするが)[ \u3000]*[、，,]")


class _Context:
    """The sentences of a clause and its heading, for keyword tests, with their results cached."""

    def __init__(self, text: str, heading: str | None, cited: Mapping[int, str] | None = None) -> None:
        self.text = text
        self.heading = _SPACE.sub("", heading or "")
        self.cited = cited or {}
        self.starts = _sentence_starts(text)
        self._sentences: dict[int, _Sentence] = {}
        self._results: dict[tuple[object, ...], object] = {}

    def sentence(self, position: int) -> _Sentence:
        index = bisect.bisect_right(self.starts, position) - 1
        if index not in self._sentences:
            start = self.starts[index]
            end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
            self._sentences[index] = _Sentence(index, start, end, _SPACE.sub("", self.text[start:end]))
        return self._sentences[index]

    def clause(self, position: int) -> _Sentence:
        """The part of the sentence at ``position`` between two clause breaks (…1年間とし、…)."""
        sentence = self.sentence(position)
        breaks = self.cached(("breaks", sentence.index), lambda: [
            sentence.start + match.end()
            for match in CLAUSE_BREAK.finditer(self.text, sentence.start, sentence.end)])
        index = bisect.bisect_right(breaks, position)
        start = breaks[index - 1] if index else sentence.start
        end = breaks[index] if index < len(breaks) else sentence.end
        return self.cached(("clause", start), lambda: _Sentence(sentence.index, start, end,
                                                                _SPACE.sub("", self.text[start:end])))

    def topic(self, sentence: _Sentence) -> str:
        """The heading, and the headings of the articles the sentence cites: 第2条の規定は、本契約
        終了後も3年間効力を有する speaks of 第2条（秘密保持義務）."""
        if not self.cited:
            return self.heading
        return self.cached(("topic", sentence.index), lambda: "\n".join(
            [self.heading, *(self.cited[n] for n in _cited_numbers(sentence.text) if n in self.cited)]))

    def cached(self, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
        """``compute()`` once per key: many terms share a sentence, so tests run once per sentence."""
        if key not in self._results:
            self._results[key] = compute()
        return self._results[key]  # type: ignore[return-value]


def _sentence_starts(text: str) -> list[int]:
    starts = [0]
    for match in SENTENCE_END.finditer(text):
        starts.extend(range(starts[-1] + MAX_SENTENCE_CHARS, match.end(), MAX_SENTENCE_CHARS))
        starts.append(match.end())
    starts.extend(range(starts[-1] + MAX_SENTENCE_CHARS, len(text), MAX_SENTENCE_CHARS))
    return starts


# ---------------------------------------------------------------------------
# Reading matches into hits (terms before their category).

@dataclass(frozen=True, slots=True)
class _Hit:
    kind: Kind
    value: int | float | str | None
    unit: Unit
    start: int
    end: int
    unknown: bool = False
    category: Category | None = None   # set by readers that know it (cap, court, law)


#: Counter groups of ``QUANTITY`` and their units.
QUANTITY_UNITS = {
    "year": Unit.YEAR, "month": Unit.MONTH, "week": Unit.WEEK, "day": Unit.DAY,
    "business_day": Unit.BUSINESS_DAY, "hour": Unit.HOUR, "minute": Unit.MINUTE,
}

#: What follows a quantity decides its kind: 前まで is advance notice, 以内 a deadline.
LIMIT_KINDS = {
    "前まで": Kind.ADVANCE, "前に": Kind.ADVANCE, "前": Kind.ADVANCE,
    "以内": Kind.DEADLINE, "を経過": Kind.DEADLINE, "経過": Kind.DEADLINE,
}

#: Scales inside an amount of money written with digits: 1億5000万, 5千.
MONEY_SCALES = {"億": 100_000_000, "万": 10_000, "千": 1_000}
_SCALED_PART = re.compile(r"([0-9０-９,，.．]+)([億万千]?)")

#: Counters of ``COUNT``: kind and unit.
COUNTERS = {
    "倍": (Kind.MULTIPLE, Unit.TIMES),
    "名": (Kind.COUNT, Unit.PERSON),
    "人": (Kind.COUNT, Unit.PERSON),
    "回": (Kind.COUNT, Unit.TIMES),
}


def _number(written: str) -> tuple[int | float | None, bool]:
    """The value of a number as written and whether it is a placeholder (●●)."""
    if re.fullmatch(_BLANK, written):
        return None, True
    return parse_number(written), False


_LINE_START = re.compile(r"(?:^|\n)[ \t\u3000]*$")
# A 項 label and a number written together: 4.1 of 4.1年間 at a line's start.
_GLUED_LABEL = re.compile(r"^(?P<label>[0-9０-９]{1,2})[.．](?P<value>[0-9０-９]{1,3})$")


def _is_label(text: str, match: re.Match[str]) -> bool:
    """１　日本法を…: a number that starts a line and is followed by a space is a 項 label."""
    start, end = match.span("number")
    return text[end:end + 1].isspace() and _LINE_START.search(text[max(0, start - 8):start]) is not None


def _glued_to_label(text: str, match: re.Match[str]) -> bool:
    """A number like 4.1 that opens a line below a line labelled 3. is the label 4. and a 1."""
    glued = _GLUED_LABEL.match(match.group("number"))
    start = match.start("number")
    if glued is None or not _LINE_START.search(text[max(0, start - 8):start]):
        return False
    label = parse_number(glued.group("label"))
    if not isinstance(label, int) or label < 2:
        return False
    previous = re.compile(rf"(?m)^[ \t\u3000]*{label - 1}[.．]")
    return previous.search(normalize_key(text[max(0, start - 2_000):start])) is not None \
        or previous.search(text[max(0, start - 2_000):start]) is not None


def _is_date_or_reference(text: str, match: re.Match[str]) -> bool:
    """2018年8月1日, 令和○年, 2024年度, 毎月1日, 8月1日: calendar dates, not durations."""
    before = text[max(0, match.start("number") - 4):match.start("number")]
    if match.group("year"):
        value = parse_number(match.group("number"))
        return (bool(_ERA_BEFORE.search(before)) or (value is not None and value >= 1000)
                or _LAW_NUMBER_AFTER.match(text, match.end("year")) is not None
                or text.startswith("度", match.end("year"))
                or (not match.group("extra") and _MONTH_AFTER.match(text, match.end("year")) is not None))
    if match.group("day"):
        return bool(_DAY_OF_MONTH_BEFORE.search(before))
    return False


def _read_quantity(text: str, match: re.Match[str]) -> _Hit | None:
    if _is_label(text, match) or _is_date_or_reference(text, match):
        return None
    value, unknown = _number(match.group("number"))
    if value is None and not unknown:
        return None
    if _glued_to_label(text, match):
        # 4.1年間以上 on the line after one labelled 3.: the label 4. glued to 1年間, not 4.1 years.
        value = parse_number(match.group("number").replace("．", ".").split(".", 1)[1])
    unit = next(QUANTITY_UNITS[name] for name in QUANTITY_UNITS if match.group(name))
    if match.group("extra") and value is not None:      # 2年6か月 → 30 months
        extra = parse_number(match.group("extra"))
        if extra is None:
            return None
        value, unit = value * 12 + extra, Unit.MONTH
    kind = LIMIT_KINDS.get(match.group("limit") or "", Kind.DURATION)
    return _Hit(kind, value, unit, match.start(), _end_without_gap(text, match), unknown)


def _end_without_gap(text: str, match: re.Match[str]) -> int:
    """The match end, leaving out trailing spaces and line breaks taken by ``_GAP``."""
    end = match.end()
    while end > match.start() and text[end - 1].isspace():
        end -= 1
    return end


def _amount(written: str) -> int | float | None:
    """金額 as written: 1,000万 → 10000000, 1億5000万 → 150000000, 5千 → 5000, 一千万 → 10000000."""
    parts = _SCALED_PART.findall(written)
    if not parts or "".join(a + b for a, b in parts) != written:
        return parse_number(written)           # kanji: parse_number reads 万 and 億 itself
    total: int | float = 0
    for digits, scale in parts:
        value = parse_number(digits)
        if value is None:
            return None
        total += value * MONEY_SCALES.get(scale, 1)
    return int(total) if isinstance(total, float) and total.is_integer() else total


def _read_money(text: str, match: re.Match[str]) -> _Hit | None:
    if _is_label(text, match):
        return None
    written = match.group("number")
    unknown = bool(re.match(_BLANK, written))
    value = None if unknown else _amount(written)
    if value is None and not unknown:
        return None
    return _Hit(Kind.AMOUNT, value, Unit.YEN, match.start(), match.end(), unknown)


def _read_rate(text: str, match: re.Match[str]) -> _Hit | None:
    if _is_label(text, match):
        return None
    value, unknown = _number(match.group("number"))
    if value is None and not unknown:
        return None
    return _Hit(Kind.RATE, value, Unit.PERCENT, match.start(), match.end(), unknown)


def _read_count(text: str, match: re.Match[str]) -> _Hit | None:
    if _is_label(text, match):
        return None
    value, unknown = _number(match.group("number"))
    if value is None and not unknown:
        return None
    kind, unit = COUNTERS[match.group("counter")]
    return _Hit(kind, value, unit, match.start(), match.end(), unknown)


def _hours(match: re.Match[str], name: str) -> float | None:
    """A clock time as hours after midnight: 午後6時 → 18, 9時半 → 9.5."""
    hour = parse_number(match.group(f"{name}_hour"))
    minute_text = match.group(f"{name}_minute") or match.group(f"{name}_clock_minute")
    minute = parse_number(minute_text) if minute_text else (30 if match.group(f"{name}_half") else 0)
    if hour is None or minute is None or hour > 24 or minute >= 60:
        return None
    if match.group(f"{name}_half_day") == "午後" and hour < 12:
        hour += 12
    return hour + minute / 60


def _read_window(text: str, match: re.Match[str]) -> _Hit | None:
    start, end = _hours(match, "from"), _hours(match, "to")
    if start is None or end is None:
        return None
    length = end - start if end > start else end + 24 - start     # 22時から翌6時
    value = int(length) if float(length).is_integer() else round(length, 2)
    return _Hit(Kind.WINDOW, value, Unit.HOUR, match.start(), _end_without_gap(text, match),
                category=Category.SERVICE_HOURS)


def _read_month_end(text: str, match: re.Match[str]) -> _Hit | None:
    named = next((months for name, months in MONTHS_AFTER.items() if match.group(name)), None)
    value, unknown = (named, False) if named is not None else _number(match.group("number"))
    if value is None and not unknown:
        return None
    return _Hit(Kind.DEADLINE, value, Unit.MONTH, match.start(), match.end(), unknown)


def _read_court(text: str, match: re.Match[str]) -> _Hit | None:
    return _Hit(Kind.COURT, _SPACE.sub("", match.group()), Unit.COURT, match.start(), match.end(),
                category=Category.JURISDICTION)


#: Every way of naming Japanese law is one law: 日本法, 日本国の法令, 日本国法.
JAPANESE_LAW = "日本法"
_GOVERNING = re.compile(r"準拠|解釈")


def _read_law(text: str, match: re.Match[str], context: _Context) -> _Hit | None:
    sentence = context.sentence(match.start()).text
    if not (_GOVERNING.search(sentence) or "準拠法" in context.heading):
        return None          # 日本の法令を遵守する is an obligation, not a choice of law
    return _Hit(Kind.LAW, JAPANESE_LAW, Unit.LAW, match.start(), match.end(),
                category=Category.GOVERNING_LAW)


Reader = Callable[[str, re.Match[str], _Context], "_Hit | None"]


def _without_context(read: Callable[[str, re.Match[str]], _Hit | None]) -> Reader:
    return lambda text, match, context: read(text, match)


#: Patterns in priority order: each masks what it read, so a court's name, a
#: window's two clock times or an amount is never read again as something smaller.
FINDERS: tuple[tuple[re.Pattern[str], Reader], ...] = (
    (COURT, _without_context(_read_court)),
    (LAW, _read_law),
    (WINDOW, _without_context(_read_window)),
    (MONTH_END, _without_context(_read_month_end)),
    (MONEY, _without_context(_read_money)),
    (RATE, _without_context(_read_rate)),
    (QUANTITY, _without_context(_read_quantity)),
    (COUNT, _without_context(_read_count)),
)

_MASK = "\x00"


def _hits(text: str, context: _Context) -> list[_Hit]:
    hits: list[_Hit] = []
    masked = text
    for pattern, read in FINDERS:
        found = [hit for match in pattern.finditer(masked) if (hit := read(masked, match, context))]
        hits.extend(found)
        masked = _mask(masked, found)
    return sorted(hits, key=lambda hit: hit.start)


def _mask(text: str, hits: Sequence[_Hit]) -> str:
    if not hits:
        return text
    pieces, last = [], 0
    for hit in sorted(hits, key=lambda hit: hit.start):
        pieces += [text[last:hit.start], _MASK * (hit.end - hit.start)]
        last = hit.end
    pieces.append(text[last:])
    return "".join(pieces)


# ---------------------------------------------------------------------------
# Liability caps: a period or an amount inside a sentence that caps damages.

_CAP_SENTENCE = re.compile(r"上限|限度|を超え(?:ない|て)")
_DAMAGES = re.compile(r"賠償|責任")
_CAP_MARKER = re.compile(r"上限|限度|を超え")
# A period counts fees when fees follow it before the cap word: 過去6か月間に支払った保守料金総額を上限.
_FEES = re.compile(r"支払|報酬|料金|費用|対価|代金|委託料")
_FEE_PERIOD_PREFIXES = ("過去", "直近", "直前")


def _is_cap_sentence(sentence: str, heading: str) -> bool:
    return bool(_CAP_SENTENCE.search(sentence)) and bool(_DAMAGES.search(sentence + heading))


def _as_cap(hit: _Hit, text: str, context: _Context) -> _Hit:
    """A cap's amount (金1,000万円を上限) or fee period (月間費用の1ヶ月分) becomes a cap."""
    if hit.kind not in (Kind.AMOUNT, Kind.DURATION, Kind.DEADLINE):
        return hit
    sentence = context.sentence(hit.start)
    if not context.cached(("cap", sentence.index), lambda: _is_cap_sentence(sentence.text, context.heading)):
        return hit
    if hit.kind != Kind.AMOUNT and not _measures_fees(hit, text, sentence.end):
        return hit
    return _Hit(Kind.CAP, hit.value, hit.unit, hit.start, hit.end, hit.unknown, Category.LIABILITY_CAP)


def _measures_fees(hit: _Hit, text: str, sentence_end: int) -> bool:
    written = text[hit.start:hit.end]
    if written.startswith(_FEE_PERIOD_PREFIXES) or written.endswith("分"):
        return True
    after = _SPACE.sub("", text[hit.end:sentence_end])
    marker = _CAP_MARKER.search(after)
    return marker is not None and bool(_FEES.search(after[:marker.start()]))


# ---------------------------------------------------------------------------
# Categories: a table of rules, the first that holds wins.

@dataclass(frozen=True, slots=True)
class Rule:
    """A term of one of ``kinds`` whose context matches is of ``category``.

    ``topic`` is searched in the sentence and the clause heading, ``sentence`` in
    the sentence only; both must match when given.
    """

    category: Category
    kinds: frozenset[Kind]
    topic: re.Pattern[str] | None = None
    sentence: re.Pattern[str] | None = None

    @property
    def general(self) -> bool:
        """A rule without words to look for: the fallback of its kinds."""
        return self.topic is None and self.sentence is None

    def holds(self, kind: Kind, sentence: str, heading: str) -> bool:
        return (kind in self.kinds
                and (self.topic is None or bool(self.topic.search(sentence + "\n" + heading)))
                and (self.sentence is None or bool(self.sentence.search(sentence))))


_PERIODS = frozenset({Kind.DURATION, Kind.DEADLINE})
_ADVANCE = frozenset({Kind.ADVANCE})

#: Ordered from the most specific context to the most general. A notice (…前まで)
#: about renewal comes before one about termination because 期間満了の30日前までに
#: 解約の申し出がない場合…更新 is a renewal notice; cure (是正) comes before
#: termination because a cure period ends in a right to terminate.
CATEGORY_RULES: tuple[Rule, ...] = (
    Rule(Category.COOLING_OFF, _PERIODS, topic=re.compile(r"クーリング|撤回")),
    Rule(Category.LATE_INTEREST, frozenset({Kind.RATE}), topic=re.compile(r"遅延|遅滞")),
    Rule(Category.PENALTY, frozenset({Kind.RATE, Kind.MULTIPLE, Kind.AMOUNT}),
         topic=re.compile(r"違約|特別利用料金|不正に免れ|罰金|科料|過料")),
    # The length of a renewal (同一条件でさらに1年間更新) is not the term of the contract: a
    # renewal clause added to a one-year contract adds no new contract term.
    Rule(Category.RENEWAL_TERM, frozenset({Kind.DURATION}),
         sentence=re.compile(r"(?:さらに|更に|同一期間|ごとに|毎に)[^、。]{0,6}(?:間)?(?:ずつ)?(?:更新|延長)"
                             r"|[年月日]間?(?:ずつ)?(?:自動的に|自動)?(?:更新|延長)")),
    # A clause that names the term of the contract (有効期限を…2年間に変更する) is about it even
    # in a confidentiality agreement, unless the clause itself speaks of secrets.
    Rule(Category.CONTRACT_TERM, frozenset({Kind.DURATION}),
         sentence=re.compile(r"^(?!.*(?:秘密|機密)).*(?:有効期間|有効期限|契約期間)")),
    Rule(Category.CONFIDENTIALITY_PERIOD, frozenset({Kind.DURATION}), topic=re.compile(r"秘密|機密"),
         sentence=re.compile(r"存続|終了後|有効|経過|継続|期間")),
    Rule(Category.CURE_PERIOD, _PERIODS, sentence=re.compile(r"是正|治癒|催告")),
    Rule(Category.SPEC_CHANGE_NOTICE, _ADVANCE, topic=re.compile(r"仕様"), sentence=re.compile(r"変更")),
    # 満了前であっても…解約できる is a termination notice, 期間満了の…前まで a renewal notice.
    Rule(Category.RENEWAL_NOTICE, _ADVANCE, sentence=re.compile(r"更新|満了(?!前)")),
    Rule(Category.TERMINATION_NOTICE, _ADVANCE, sentence=re.compile(r"解約|解除")),
    Rule(Category.NOTICE_PERIOD, _ADVANCE),
    # 支払後30日以内に請求する counts from a payment; it is not a deadline to pay.
    Rule(Category.PAYMENT_DUE, frozenset({Kind.DEADLINE}),
         sentence=re.compile(r"支払(?!い?後|い?日から|い?の日から|った日から|った後|われた)|振込|振り込"
                             r"|[末日]払")),
    Rule(Category.PAYMENT_DUE, frozenset({Kind.DURATION}), sentence=re.compile(r"支払期限|支払期日|支払日")),
    # A period named as the deadline to notify (以下「通知期限」という, 通知期限を…延長する).
    Rule(Category.NOTICE_PERIOD, frozenset({Kind.DURATION}), sentence=re.compile(r"通知期限|通知の期限")),
    Rule(Category.CONTRACT_TERM, frozenset({Kind.DURATION}),
         sentence=re.compile(r"有効期間|有効期限|契約期間|更新"
                             r"|(?:本契約|本覚書|本合意書|本書)は[^。]{0,60}(?:効力を有する|有効とする|有効に存続する)")),
    Rule(Category.CONTRACT_TERM, frozenset({Kind.DURATION}), topic=re.compile(r"契約期間|有効期間|有効期限")),
    Rule(Category.FEE, frozenset({Kind.AMOUNT}),
         topic=re.compile(r"報酬|料金|費用|対価|代金|委託料|月額|年額|支払")),
    # A share of a price (単価…×90%, 売上の10%をロイヤルティとして) is a fee term.
    Rule(Category.FEE, frozenset({Kind.RATE}),
         sentence=re.compile(r"(?:単価|料金|報酬|対価|代金|価格|委託料|手数料|売上(?:高|金額)?)"
                             r"[^、。]{0,20}(?:[×✕xX＊*]|の)[0-9０-９.．]+[%％]")),
)


def _category(hit: _Hit, context: _Context) -> Category:
    """The first rule that holds on the term's clause of the sentence, else on the whole sentence."""
    if hit.category is not None:
        return hit.category
    sentence = context.sentence(hit.start)
    clause = context.clause(hit.start)
    if (clause.start, clause.end) != (sentence.start, sentence.end):
        specific = context.cached(("clause category", clause.start, hit.kind),
                                  lambda: _first_rule(hit.kind, clause.text, context.topic(sentence),
                                                      specific=True))
        if specific is not None:
            return specific
    found = context.cached(("category", sentence.index, hit.kind),
                           lambda: _first_rule(hit.kind, sentence.text, context.topic(sentence))
                           or Category.OTHER)
    if found is Category.OTHER and hit.kind is Kind.DEADLINE \
            and NOTIFY_AFTER.match(_SPACE.sub("", context.text[hit.end:min(sentence.end, hit.end + 60)])):
        return Category.NOTICE_PERIOD
    return found


#: What follows a deadline that is a deadline to notify: 2ヶ月以内に、甲に対して…通知する. A
#: notice that starts the period (通知の受領から4時間以内に着手する) comes before it, not after.
NOTIFY_AFTER = re.compile(r"(?:に|までに)?[、,]?[^。、]{0,40}?(?:通知|知らせ|通報)")


def _first_rule(kind: Kind, sentence: str, heading: str, *, specific: bool = False) -> Category | None:
    for rule in CATEGORY_RULES:
        if (not specific or not rule.general) and rule.holds(kind, sentence, heading):
            return rule.category
    return None


def extract_terms(text: str, *, heading: str | None = None, offset: int = 0,
                  cited: Mapping[int, str] | None = None) -> tuple[Term, ...]:
    """The typed terms of one clause, in reading order, with spans ``offset`` + raw index.

    ``heading`` is the clause heading (見出し, 秘密保持), which helps to tell a
    confidentiality period from a contract term; ``cited`` maps the numbers of other articles
    to their headings, read with a sentence that cites them (第2条の規定は…3年間効力を有する).
    """
    context = _Context(text, heading, cited)
    terms = []
    for hit in _hits(text, context):
        hit = _as_cap(hit, text, context)
        terms.append(Term(
            category=_category(hit, context), kind=hit.kind, value=hit.value, unit=hit.unit,
            text=text[hit.start:hit.end], start=hit.start + offset, end=hit.end + offset,
            unknown=hit.unknown, context=_surroundings(text, hit.start, hit.end)))
    return tuple(terms)


#: Characters of context kept on each side of a term to recognise it in the other draft.
CONTEXT_BEFORE, CONTEXT_AFTER = 16, 8
_NUMERALS = re.compile(r"[0-9〇一二三四五六七八九十百千万億.,]+")


def _surroundings(text: str, start: int, end: int) -> str:
    before = normalize_key(text[max(0, start - CONTEXT_BEFORE * 2):start])[-CONTEXT_BEFORE:]
    after = normalize_key(text[end:end + CONTEXT_AFTER * 2])[:CONTEXT_AFTER]
    return _NUMERALS.sub("#", before) + "|" + _NUMERALS.sub("#", after)


# ---------------------------------------------------------------------------
# Differences between the terms of two clauses.

#: Units measured on one scale, so 1年 and 12か月 are equal and 1年 → 6か月 is a decrease.
BASE_UNITS: dict[Unit, tuple[str, int]] = {
    Unit.YEAR: ("month", 12), Unit.MONTH: ("month", 1),
    Unit.WEEK: ("day", 7), Unit.DAY: ("day", 1),
    Unit.BUSINESS_DAY: ("business_day", 1),
    Unit.HOUR: ("minute", 60), Unit.MINUTE: ("minute", 1),
    Unit.PERCENT: ("percent", 1), Unit.YEN: ("yen", 1),
    Unit.TIMES: ("times", 1), Unit.PERSON: ("person", 1),
}

TIME_UNITS = frozenset({Unit.YEAR, Unit.MONTH, Unit.WEEK, Unit.DAY, Unit.BUSINESS_DAY,
                         Unit.HOUR, Unit.MINUTE})

#: A clause has one cap and one penalty however it is measured, so 過去6か月分 →
#: 金1,000万円 is one change of measure, not one removal and one addition.
ONE_MEASURE = frozenset({Category.LIABILITY_CAP, Category.PENALTY})

#: Beyond this many terms of one category in a clause the text is not a real clause;
#: pair by position instead of aligning (SequenceMatcher would turn quadratic).
MAX_ALIGNED_TERMS = 200

_Key = tuple[object, ...]


def _key(term: Term) -> _Key:
    """What makes two terms equal: the value on a common scale, whatever the spelling."""
    if term.unknown:
        return ("unknown", term.unit)
    base = BASE_UNITS.get(term.unit)
    if base is not None and isinstance(term.value, int | float):
        return (base[0], round(term.value * base[1], 6))
    return ("text", term.unit, term.value)


def _group(term: Term) -> tuple[Category, str]:
    if term.category in ONE_MEASURE:
        return term.category, "measure"
    return term.category, "time" if term.unit in TIME_UNITS else str(term.unit)


#: Pairing weight of an equal value against the words around a term: the words decide
#: which 1年間 is the contract term and which the renewal, the value only breaks ties.
SAME_VALUE_WEIGHT = 0.5


def _pairs(left: Sequence[Term], right: Sequence[Term]) -> Iterator[tuple[Term | None, Term | None]]:
    """Pairs of terms that differ, matched by the words around them and then by value."""
    if max(len(left), len(right)) > MAX_ALIGNED_TERMS or not left or not right:
        yield from _zip_longest(left, right)
        return
    scores = np.array([[_context_similarity(a, b) + SAME_VALUE_WEIGHT * (_key(a) == _key(b)) for b in right]
                       for a in left])
    rows, columns = linear_sum_assignment(scores, maximize=True)
    paired = dict(zip(rows.tolist(), columns.tolist(), strict=True))
    for i, a in enumerate(left):
        if i in paired:
            b = right[paired[i]]
            if _key(a) != _key(b):
                yield a, b
        else:
            yield a, None
    for j in sorted(set(range(len(right))) - set(paired.values())):
        yield None, right[j]


def _context_similarity(a: Term, b: Term) -> float:
    """Dice coefficient of the character bigrams around two terms."""
    grams_a = {a.context[i:i + 2] for i in range(len(a.context) - 1)}
    grams_b = {b.context[i:i + 2] for i in range(len(b.context) - 1)}
    total = len(grams_a) + len(grams_b)
    return 2 * len(grams_a & grams_b) / total if total else 0.0


def _zip_longest(left: Sequence[Term], right: Sequence[Term]) -> Iterator[tuple[Term | None, Term | None]]:
    for index in range(max(len(left), len(right))):
        yield (left[index] if index < len(left) else None, right[index] if index < len(right) else None)


def _direction(original: Term | None, revised: Term | None) -> Direction | None:
    if original is None:
        return Direction.ADDED
    if revised is None:
        return Direction.REMOVED
    a, b = _key(original), _key(revised)
    if a == b:
        return None
    if a[0] == b[0] and a[0] != "text":
        return Direction.INCREASE if b[1] > a[1] else Direction.DECREASE  # type: ignore[operator]
    if {a[0], b[0]} <= set(CALENDAR_DAYS):  # 10営業日以内 → 30日以内, 1か月以内 → 2週間以内
        days_a, days_b = (_calendar_days(key) for key in (a, b))
        if abs(days_a - days_b) > CLOSE_DAYS * max(days_a, days_b):
            return Direction.INCREASE if days_b > days_a else Direction.DECREASE
    return Direction.CHANGED


#: Calendar days in a base unit of time, for telling which of 10営業日 and 30日, or of 1か月 and
#: 2週間, is longer: five business days a week, a month of 365/12 days, a minute of 1/1440.
CALENDAR_DAYS = {"day": 1.0, "business_day": 7 / 5, "month": 365 / 12, "minute": 1 / 1440}
#: Lengths this close (1か月 and 30日) are told apart by neither: the change has no direction.
CLOSE_DAYS = 0.1


def _calendar_days(key: _Key) -> float:
    return float(key[1]) * CALENDAR_DAYS[str(key[0])]  # type: ignore[arg-type]


def _shown(term: Term) -> str:
    return str(term.value) if term.kind in (Kind.COURT, Kind.LAW) else _SPACE.sub("", term.text)


def _summary(category: Category, original: Term | None, revised: Term | None) -> str:
    label = CATEGORY_LABELS.get(category, str(category))
    if original is None and revised is not None:
        return f"{label}: {_shown(revised)}（新設）"
    if revised is None and original is not None:
        return f"{label}: {_shown(original)}（削除）"
    assert original is not None and revised is not None
    return f"{label}: {_shown(original)} → {_shown(revised)}"


def _grouped(terms: Sequence[Term]) -> dict[tuple[Category, str], list[Term]]:
    groups: dict[tuple[Category, str], list[Term]] = {}
    for term in terms:
        groups.setdefault(_group(term), []).append(term)
    return groups


_Pair = tuple[Term | None, Term | None]


def _all_pairs(original: Sequence[Term], revised: Sequence[Term]) -> list[_Pair]:
    left, right = _grouped(original), _grouped(revised)
    groups = [*left, *(group for group in right if group not in left)]
    return [pair for group in groups for pair in _pairs(left.get(group, []), right.get(group, []))]


def _without_recategorised(pairs: Sequence[_Pair]) -> list[_Pair]:
    """Drop a removal and an addition of the same value: the term stayed, its wording moved.

    A counter-draft that rewrites the sentence around an unchanged 30日 can move it
    to another category; that is not a change of value.
    """
    added: dict[_Key, list[int]] = {}
    for index, (a, b) in enumerate(pairs):
        if a is None and b is not None:
            added.setdefault(_key(b), []).append(index)
    dropped: set[int] = set()
    for index, (a, b) in enumerate(pairs):
        if b is None and a is not None and added.get(_key(a)):
            dropped |= {index, added[_key(a)].pop(0)}
    return [pair for index, pair in enumerate(pairs) if index not in dropped]


def diff_terms(original: Sequence[Term], revised: Sequence[Term], *,
               original_label: str | None = None, revised_label: str | None = None) -> tuple[Change, ...]:
    """The value changes between the terms of two aligned clauses, one per changed occurrence.

    Terms are paired within a category (and a dimension: time, money, …); a
    placeholder (金●●円) never makes a change, nor does a spelling (３年/三年/3年).
    The same change written twice (二年を経過しない … 二年を経過しない, both made 五年)
    is two changes, each at its own place in the text.
    """
    changes: list[Change] = []
    for a, b in _without_recategorised(_all_pairs(original, revised)):
        if (a is not None and a.unknown) or (b is not None and b.unknown):
            continue
        term = a if a is not None else b
        assert term is not None
        direction = _direction(a, b)
        if direction is None:
            continue
        changes.append(Change(
            kind=ChangeKind.VALUE, category=str(term.category),
            original=a.to_value() if a else None, revised=b.to_value() if b else None,
            direction=direction, summary=_summary(term.category, a, b),
            original_clause=original_label, revised_clause=revised_label))
    return tuple(changes)


def article_terms(contract: Contract, article: Article) -> tuple[Term, ...]:
    """Terms of an article's body; page headers and other noise inside it are blanked out."""
    body = contract.blanked(article.body)
    return _kept_terms(body, article.heading or _opening(body), article.body.start,
                       _cited_headings(contract, article, body))


def _cited_headings(contract: Contract, article: Article, body: str) -> tuple[tuple[int, str], ...]:
    """The (number, heading) of every other article ``body`` cites by number."""
    numbers = set(_cited_numbers(body))
    if not numbers:
        return ()
    headings = _HEADINGS.get((contract,))
    if headings is None:
        headings = _HEADINGS.put((contract,), {a.number: a.heading for a in reversed(contract.articles)
                                               if a.number is not None and a.heading and a.branch is None})
    return tuple(sorted((number, headings[number]) for number in numbers
                        if number in headings and number != article.number))


#: Each contract's article headings by number, kept with the contract.
_HEADINGS: Kept[dict[int, str]] = Kept(64)


def _cited_numbers(text: str) -> list[int]:
    return [number for number, _, _ in article_references(text)]


#: Articles whose terms are kept per process: a template's, and those a draft leaves as they were
#: (at the same offset), are read once across the drafts compared with it.
TERMS_KEPT = 2048


@functools.lru_cache(maxsize=TERMS_KEPT)
def _kept_terms(body: str, heading: str, offset: int, cited: tuple[tuple[int, str], ...]) -> tuple[Term, ...]:
    return extract_terms(body, heading=heading, offset=offset, cited=dict(cited))


#: An article without a heading (第9条　甲及び乙は、…秘密情報を…) names its subject in its
#: opening lines; that many characters stand in for the heading (about two 項).
OPENING_CHARS = 200


def _opening(body: str) -> str:
    """The opening lines of an article, as far as OPENING_CHARS: the subject it governs."""
    return body.strip()[:OPENING_CHARS]


def group_changes(original: Contract, lefts: Sequence[Article],
                  revised: Contract, rights: Sequence[Article]) -> tuple[Change, ...]:
    """Value changes across articles that were split or merged, compared as one clause.

    When 第9条 became 第9条 and 第10条, a period that moved into 第10条 and changed
    is one change, not a removal from one article and an addition to the other. Each
    change names the articles its two values stand in.
    """
    terms_left = [term for article in lefts for term in article_terms(original, article)]
    terms_right = [term for article in rights for term in article_terms(revised, article)]
    return tuple(
        replace(change,
                original_clause=_label_at(lefts, change.original.start if change.original else None),
                revised_clause=_label_at(rights, change.revised.start if change.revised else None))
        for change in diff_terms(terms_left, terms_right))


def _label_at(articles: Sequence[Article], offset: int | None) -> str | None:
    if offset is None:
        return None
    return next((a.label for a in articles if a.span.start <= offset < a.span.end), None)


def clause_changes(original: Contract, left: Article,
                   revised: Contract, right: Article) -> tuple[Change, ...]:
    """The value changes of an article pair: the ``ChangeFinder`` that ``nlp.compare`` takes."""
    return diff_terms(article_terms(original, left), article_terms(revised, right),
                      original_label=left.label, revised_label=right.label)
