"""Word's automatic numbering (自動番号) as the text Word shows: 第1条, 1., （1）, ア, ①.

A paragraph numbered by Word holds no number in its text: it points (``w:numPr``, on the
paragraph or on its style) at a list definition in ``numbering.xml`` whose levels say how
to count (``w:numFmt``), where to start (``w:start``) and what to print (``w:lvlText``,
``第%1条``). :class:`ListCounter` replays that counting over the paragraphs in document
order, so a contract numbered by Word reads like one whose numbers were typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["FORMATS", "Level", "ListCounter", "ListDefinitions", "format_number", "read_definitions"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Word has nine list levels, %1 … %9.
LEVELS = 9

# What stands between a number and the paragraph's text (w:suff). Word's default is a tab,
# which reads as a blank: "第1条 （目的）", "1. 甲は…", "ア 乙は…" all parse like typed text.
SUFFIXES = {"tab": " ", "space": " ", "nothing": ""}

# Bullets set in Symbol or Wingdings are private-use characters; they read as 「・」.
PRIVATE_USE = range(0xE000, 0xF900)

AIUEO = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
AIUEO_HALF = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ"
IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセスン"
IROHA_HALF = "ｲﾛﾊﾆﾎﾍﾄﾁﾘﾇﾙｦﾜｶﾖﾀﾚｿﾂﾈﾅﾗﾑｳｲﾉｵｸﾔﾏｹﾌｺｴﾃｱｻｷﾕﾒﾐｼｴﾋﾓｾｽﾝ"
TEN_STEMS = "甲乙丙丁戊己庚辛壬癸"
ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
KANJI_DIGITS = "〇一二三四五六七八九"
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _kanji(number: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 百五, 2024 → 二千二十四 (Word's japaneseCounting)."""
    if number <= 0 or number >= 10_000:
        return str(number)
    out = []
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        digit, number = divmod(number, unit)
        if digit:
            out.append(("" if digit == 1 else KANJI_DIGITS[digit]) + name)
    if number:
        out.append(KANJI_DIGITS[number])
    return "".join(out)


def _cycle(alphabet: str) -> Callable[[int], str]:
    """The n-th character of ``alphabet``, wrapping around as Word does."""
    return lambda number: alphabet[(number - 1) % len(alphabet)] if number > 0 else str(number)


def _enclosed(ranges: Iterable[tuple[int, int]]) -> Callable[[int], str]:
    """① ⑳ ㉑ ㊿ …: the enclosed character of ``number`` where Unicode has one, else digits."""
    table: list[str] = []
    for first, count in ranges:
        table.extend(chr(first + i) for i in range(count))
    return lambda number: table[number - 1] if 0 < number <= len(table) else str(number)


def _letters(upper: bool) -> Callable[[int], str]:
    """a … z, aa, bb … (Word repeats the letter rather than counting in base 26)."""
    def letter(number: int) -> str:
        if number <= 0:
            return str(number)
        char = chr(ord("A" if upper else "a") + (number - 1) % 26)
        return char * ((number - 1) // 26 + 1)
    return letter


def _roman(upper: bool) -> Callable[[int], str]:
    numerals = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))

    def roman(number: int) -> str:
        if not 0 < number < 4000:
            return str(number)
        out = []
        for value, text in numerals:
            count, number = divmod(number, value)
            out.append(text * count)
        joined = "".join(out)
        return joined.upper() if upper else joined
    return roman


#: ``w:numFmt`` → how a counter is written. A format not listed here is written in digits.
FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(FULL_WIDTH_DIGITS),
    "decimalFullWidth2": lambda n: str(n).translate(FULL_WIDTH_DIGITS),
    "japaneseCounting": _kanji,
    "chineseCounting": _kanji,
    "chineseCountingThousand": _kanji,
    "japaneseDigitalTenThousand": lambda n: "".join(KANJI_DIGITS[int(d)] for d in str(n)),
    "aiueo": _cycle(AIUEO_HALF),
    "aiueoFullWidth": _cycle(AIUEO),
    "iroha": _cycle(IROHA_HALF),
    "irohaFullWidth": _cycle(IROHA),
    "ideographTraditional": _cycle(TEN_STEMS),
    "ideographZodiac": _cycle(ZODIAC),
    "decimalEnclosedCircle": _enclosed(((0x2460, 20), (0x3251, 15), (0x32B1, 15))),
    "decimalEnclosedCircleChinese": _enclosed(((0x2460, 20), (0x3251, 15), (0x32B1, 15))),
    "decimalEnclosedParen": _enclosed(((0x2474, 20),)),
    "decimalEnclosedFullstop": _enclosed(((0x2488, 20),)),
    "lowerLetter": _letters(upper=False),
    "upperLetter": _letters(upper=True),
    "lowerRoman": _roman(upper=False),
    "upperRoman": _roman(upper=True),
    "none": lambda n: "",
}


def format_number(number: int, number_format: str) -> str:
    """``number`` written in the Word format ``number_format`` (``japaneseCounting``: 12 → 十二)."""
    return FORMATS.get(number_format, str)(number)


@dataclass(frozen=True, slots=True)
class Level:
    """One level (``w:lvl``) of a list: how its counter is written and what is printed."""

    start: int = 1
    number_format: str = "decimal"   # w:numFmt
    text: str = "%1."                # w:lvlText: 第%1条, （%1）, %1.%2
    suffix: str = "tab"              # w:suff
    restart_after: int | None = None # w:lvlRestart: restart after this (1-based) level; 0 never
    legal: bool = False              # w:isLgl: every level of the label in digits
    style: str | None = None         # w:pStyle: a paragraph style that takes this level


@dataclass(frozen=True, slots=True)
class ListDefinitions:
    """The lists of one document: ``w:num`` → its ``w:abstractNum`` and its start overrides."""

    abstract: dict[str, tuple[Level, ...]] = field(default_factory=dict)   # abstractNumId → levels
    instances: dict[str, str] = field(default_factory=dict)                # numId → abstractNumId
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)     # numId → level → start
    # styleId → (numId, ilvl) of a paragraph style that numbers its paragraphs
    style_numbering: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    style_parent: dict[str, str] = field(default_factory=dict)             # styleId → basedOn

    def numbering_of_style(self, style: str | None) -> tuple[str, int | None] | None:
        """The (numId, ilvl) a paragraph style gives, following ``w:basedOn`` up its chain."""
        seen: set[str] = set()
        while style is not None and style not in seen:
            seen.add(style)
            if style in self.style_numbering:
                return self.style_numbering[style]
            style = self.style_parent.get(style)
        return None

    def level_of_style(self, num_id: str, style: str | None) -> int:
        """The level whose ``w:pStyle`` is ``style``; 0 when no level names it."""
        levels = self.abstract.get(self.instances.get(num_id, ""), ())
        return next((index for index, level in enumerate(levels) if style and level.style == style), 0)


def _val(element, name: str) -> str | None:
    child = element.find(f"{W}{name}")
    return None if child is None else child.get(f"{W}val")


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(lvl) -> Level:
    legal = lvl.find(f"{W}isLgl")
    return Level(
        start=_int(_val(lvl, "start"), 1) or 0,
        number_format=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText") or "",
        suffix=_val(lvl, "suff") or "tab",
        restart_after=_int(_val(lvl, "lvlRestart"), None),
        legal=legal is not None and legal.get(f"{W}val") not in ("0", "false", "off"),
        style=_val(lvl, "pStyle"),
    )


def _levels(abstract) -> tuple[Level, ...]:
    found = {(_int(lvl.get(f"{W}ilvl"), 0) or 0): _level(lvl) for lvl in abstract.iter(f"{W}lvl")}
    return tuple(found.get(index, Level()) for index in range(LEVELS))


def read_definitions(numbering, styles) -> ListDefinitions:
    """The lists of a document from its ``w:numbering`` and ``w:styles`` elements (either may be None)."""
    definitions = ListDefinitions()
    if numbering is not None:
        by_style_link: dict[str, str] = {}
        for abstract in numbering.iterchildren(f"{W}abstractNum"):
            abstract_id = abstract.get(f"{W}abstractNumId") or ""
            definitions.abstract[abstract_id] = _levels(abstract)
            link = _val(abstract, "styleLink")
            if link:
                by_style_link[link] = abstract_id
        for num in numbering.iterchildren(f"{W}num"):
            num_id = num.get(f"{W}numId") or ""
            definitions.instances[num_id] = _val(num, "abstractNumId") or ""
            starts = {}
            for override in num.iterchildren(f"{W}lvlOverride"):
                start = _int(_val(override, "startOverride"), None)
                if start is not None:
                    starts[_int(override.get(f"{W}ilvl"), 0) or 0] = start
            if starts:
                definitions.overrides[num_id] = starts
        # A list defined by a numbering style (w:numStyleLink) takes the levels of the list
        # that defines the style (w:styleLink).
        for abstract in numbering.iterchildren(f"{W}abstractNum"):
            link = _val(abstract, "numStyleLink")
            if link and link in by_style_link:
                definitions.abstract[abstract.get(f"{W}abstractNumId") or ""] = (
                    definitions.abstract[by_style_link[link]])
    if styles is not None:
        for style in styles.iterchildren(f"{W}style"):
            style_id = style.get(f"{W}styleId") or ""
            parent = _val(style, "basedOn")
            if parent:
                definitions.style_parent[style_id] = parent
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                definitions.style_numbering[style_id] = (
                    _val(num_pr, "numId") or "0", _int(_val(num_pr, "ilvl"), None))
    return definitions


class ListCounter:
    """Replays Word's counting over the numbered paragraphs of one document, in order.

    Counters belong to the list definition (``w:abstractNum``), so two ``w:num`` that share
    one continue each other's numbering, as in Word; a ``w:startOverride`` restarts its level
    the first time its ``w:num`` is used.
    """

    def __init__(self, definitions: ListDefinitions) -> None:
        self.definitions = definitions
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()

    def label(self, paragraph_properties, style: str | None) -> str:
        """The number Word prints before a paragraph with these ``w:pPr`` (None: none), or ""."""
        num_id, level = self._numbering(paragraph_properties, style)
        if num_id is None or num_id == "0" or num_id not in self.definitions.instances:
            return ""
        abstract_id = self.definitions.instances[num_id]
        levels = self.definitions.abstract.get(abstract_id)
        if not levels:
            return ""
        level = min(max(level, 0), LEVELS - 1)
        counters = self.counters.setdefault(abstract_id, [None] * LEVELS)
        if num_id not in self.started:
            self.started.add(num_id)
            for index, start in self.definitions.overrides.get(num_id, {}).items():
                if 0 <= index < LEVELS:
                    counters[index] = start - 1
        current = counters[level]
        counters[level] = levels[level].start if current is None else current + 1
        for deeper in range(level + 1, LEVELS):
            restart = levels[deeper].restart_after
            if restart is None or (restart != 0 and level < restart):
                counters[deeper] = None
        return self._text(levels, counters, level)

    def _numbering(self, paragraph_properties, style: str | None) -> tuple[str | None, int]:
        from_style = self.definitions.numbering_of_style(style)
        num_pr = paragraph_properties.find(f"{W}numPr") if paragraph_properties is not None else None
        num_id = _val(num_pr, "numId") if num_pr is not None else None
        level = _int(_val(num_pr, "ilvl"), None) if num_pr is not None else None
        if num_id is None and from_style is not None:
            num_id, level = from_style[0], level if level is not None else from_style[1]
        if num_id is None:
            return None, 0
        if level is None:
            level = self.definitions.level_of_style(num_id, style)
        return num_id, level

    @staticmethod
    def _text(levels: tuple[Level, ...], counters: list[int | None], level: int) -> str:
        this = levels[level]
        if this.number_format == "bullet":
            bullet = this.text[:1]
            text = "・" if not bullet or ord(bullet) in PRIVATE_USE else this.text
        else:
            text = this.text
            for index in range(LEVELS):
                placeholder = f"%{index + 1}"
                if placeholder in text:
                    value = counters[index]
                    value = levels[index].start if value is None else value
                    number_format = "decimal" if this.legal else levels[index].number_format
                    text = text.replace(placeholder, format_number(value, number_format))
        return text + SUFFIXES.get(this.suffix, " ") if text else ""
