"""Japanese for people: the Japanese ``detail`` of a problem, read from the English one.

Each error is raised in one place, with its English message (the library's, the service's,
Werkzeug's). A client that prefers Japanese (``Accept-Language: ja``) gets the same problem with
the ``detail`` in Japanese; ``type``, ``title``, ``status`` and the per-field ``errors`` stay as
they are, for programs. The Japanese comes from :data:`PHRASES`: a pattern for each English
message, whose named groups (file names, numbers, ids, settings) fill a Japanese template. A group
named in :data:`GROUPS` is a word of English inside the message (which side, which step) and is
put into Japanese too; the others are data and go in as they are. A message no pattern reads
(one added later, or Werkzeug's own description of a 404) gets the sentence of its problem type
(:data:`FALLBACKS`), and a type without one the sentence of its status: a Japanese client never
gets English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = [
    "ACCEPTED_FILES",
    "DEADLINE_ADVICE",
    "EDGE_DETAILS",
    "ENGLISH",
    "FALLBACKS",
    "GROUPS",
    "JAPANESE",
    "PHRASES",
    "Phrase",
    "document_error",
    "edge_detail",
    "japanese_detail",
    "preferred_language",
    "translate",
]

ENGLISH = "en"
JAPANESE = "ja"

#: What an upload may be, said wherever a file is refused for what it is (nlp.documents reads
#: .docx, PDFs with a text layer, web pages and text; Markdown is text whose markup is set aside).
ACCEPTED_FILES = ("受け付けるファイルは、Word 文書（.docx）、文字情報のある PDF（.pdf）、"
                  "Web ページ（.html・.htm）、テキスト（.txt・.md など。UTF-8、UTF-16、Shift_JIS、EUC-JP）"
                  "です。")

#: Said after the cause of a DeadlineExceeded (service.errors says it in English).
DEADLINE_ADVICE = ("制限時間は {seconds} 秒です（CONTRACTDIFF_REQUEST_DEADLINE_SECONDS）。"
                   "Retry-After ヘッダーの秒数が経ってから送り直すか、契約書を分けて比較してください。")

_NAME = r"(?P<name>.+?)"
_NUMBER = r"[\d,]+"


def preferred_language(accept_languages: Iterable[tuple[str, float]]) -> str:
    """``ja`` when the client's Accept-Language prefers Japanese to English, else ``en``.

    ``accept_languages`` is Werkzeug's ``request.accept_languages``: (tag, q) pairs. A tag counts
    by its primary subtag (``ja-JP`` is Japanese); ``*`` stands for English, the default; the
    highest q wins, and of equal q the one listed first (``ja, en`` is Japanese). Werkzeug's own
    ``best_match`` would break that tie by the server's order and rank ``*`` below any tag.
    """
    best, best_quality = ENGLISH, 0.0
    for value, quality in sorted(accept_languages, key=lambda item: -item[1]):
        primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
        language = ENGLISH if primary == "*" else primary
        if language in (ENGLISH, JAPANESE) and quality > best_quality:
            best, best_quality = language, quality
    return best


# Words of English inside a message ----------------------------------------------------------------

SIDES = {"original": "原案（original）", "revised": "修正案（revised）"}

STEPS = {
    "comparing": "比較",  # Budget.check's default
    "reading the request": "リクエストの読み込み",
    "pairing the articles": "条の対応付け",
    "redlining the articles": "条ごとの差分（赤字）の作成",
    "reading changes of meaning": "意味の変化の読み取り",
}

JSON_ERRORS = (
    (r"Expecting value", "値がありません"),
    (r"Expecting ',' delimiter", "「,」がありません"),
    (r"Expecting ':' delimiter", "「:」がありません"),
    (r"Expecting property name enclosed in double quotes", "二重引用符（\"）で囲んだキーがありません"),
    (r"Unterminated string starting at", "閉じていない文字列があります"),
    (r"Extra data", "JSON の後に余計なデータがあります"),
    (r"Invalid control character .* at", "文字列の中に使えない制御文字（改行など）があります"),
    (r"Invalid \\(?:escape|uXXXX escape).*", "正しくないエスケープ（\\）があります"),
    (r"Illegal trailing comma before end of (?:object|array)", "最後の要素の後に余計な「,」があります"),
)

PDFIUM_REASONS = {
    "Unknown error": "原因不明のエラー",
    "File access error": "ファイルを開けない",
    "Data format error": "データ形式の誤り",
    "Incorrect password error": "パスワードの誤り",
    "Unsupported security scheme error": "対応していない保護方式",
    "Page not found or content error": "ページまたは内容の誤り",
}

UNITS = {"second": "秒", "minute": "分", "hour": "時間", "day": "日", "month": "か月", "year": "年"}
RATE = re.compile(r"\s*(?P<amount>\d+)\s*(?:per|/)\s*(?P<count>\d+)?\s*"
                  r"(?P<unit>second|minute|hour|day|month|year)s?\s*", re.IGNORECASE)


def _what(english: str) -> str | None:
    """The document a message names: "The original text", "The template", "Document 2 (乙.docx)"."""
    known = {"The original text": "原案（original）のテキスト",
             "The revised text": "修正案（revised）のテキスト",
             "The template": "ひな形（template）"}
    if english in known:
        return known[english]
    found = re.fullmatch(r"Document (?P<number>\d+)(?: \((?P<name>.+)\))?", english, re.DOTALL)
    if not found:
        return None
    name = found.group("name")
    return f"{found.group('number')} 番目の文書" + (f"（{name}）" if name else "")


def _step(english: str) -> str | None:
    if english in STEPS:
        return STEPS[english]
    found = re.fullmatch(r"reading (?P<name>.+)", english, re.DOTALL)
    return f"「{found.group('name')}」の読み込み" if found else None


def _json_error(english: str) -> str:
    for pattern, japanese in JSON_ERRORS:
        if re.fullmatch(pattern, english, re.DOTALL):
            return japanese
    return "書き方に誤りがあります"


def _pdf_reason(english: str) -> str:
    """PDFium's reason in parentheses, or nothing for a reason it is not known to give."""
    return f"（{PDFIUM_REASONS[english]}）" if english in PDFIUM_REASONS else ""


def _declared(english: str) -> str:
    return "Content-Type の指定なし" if english == "no Content-Type" else f"Content-Type: {english}"


def _identifier(english: str) -> str:
    """An id as a message quotes it ('a9', or (none) for the side a row lacks): 「a9」, （なし）."""
    if english == "(none)":
        return "（なし）"
    found = re.fullmatch(r"""(['"])(?P<id>.*)\1""", english, re.DOTALL)
    return f"「{found.group('id') if found else english}」"


def _limits(english: str, *, counting: str) -> str:
    """A flask-limiter limit ("10 per minute; 1000/day") in Japanese; a part it cannot read as it is."""
    parts = []
    for part in re.split(r"[;,]", english):
        found = RATE.fullmatch(part)
        if not found:
            parts.append(part.strip())
            continue
        unit = UNITS[found.group("unit").lower()]
        parts.append(f"{found.group('count') or 1} {unit}あたり {found.group('amount')} {counting}")
    return "、".join(part for part in parts if part)


def _nested(english: str) -> str | None:
    """A message quoted whole inside another (the setting named after a PDF's limit)."""
    return translate(english)


#: Groups whose value is English: how each becomes Japanese (None: the message is not read).
GROUPS: dict[str, Callable[[str], str | None]] = {
    "what": _what,
    "side": lambda english: SIDES.get(english),
    "step": _step,
    "json_error": _json_error,
    "pdf_reason": _pdf_reason,
    "declared": _declared,
    "original": _identifier,
    "revised": _identifier,
    "identifier": _identifier,
    "encoding": str.upper,
    "failures": lambda english: _limits(english, counting="回"),
    "units": lambda english: _limits(english, counting="単位"),
    "message": _nested,
}


# The messages -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phrase:
    """An English message, as a pattern over the whole of it, and its Japanese."""

    english: re.Pattern[str]
    japanese: str

    def render(self, message: str) -> str | None:
        """The Japanese of ``message``, or None when the pattern does not read it."""
        found = self.english.fullmatch(message)
        if found is None:
            return None
        values = {}
        for group, value in found.groupdict(default="").items():
            convert = GROUPS.get(group)
            said = value if convert is None else convert(value)
            if said is None:
                return None
            values[group] = said
        return self.japanese.format(**values)


def _phrase(english: str, japanese: str) -> Phrase:
    pattern = english.replace("{name}", _NAME).replace("{number}", _NUMBER)
    return Phrase(re.compile(pattern, re.DOTALL), japanese)


# Patterns are regular expressions over the whole message: {name} stands for the file's name at
# its start, {number} for a number as the messages write it (10,485,760). Order matters only
# where two could read the same message: the more particular comes first.
PHRASES: tuple[Phrase, ...] = (
    # The upload's limits (service.uploads), around the message of the limit itself.
    _phrase(r"(?P<message>.+) \(The limit is the setting (?P<setting>CONTRACTDIFF_\w+)\.\)",
            "{message}（この上限は設定 {setting} で決まります。）"),
    # A file of a batch (service.batch): its reason from the system, or a fault of ours.
    _phrase(r"{name}: cannot be read \((?P<reason>.+)\)\.",
            "「{name}」を開けませんでした（システムの理由：{reason}）。ファイルがあるか、読む権限があるかを"
            "確かめてください。"),
    _phrase(r"{name}: failed \((?P<reason>.+)\)\. This is a fault of contractdiff; please report it\.",
            "「{name}」の比較中に、このサービスの不具合が起きました（{reason}）。ほかの文書の結果は"
            "そのまま使えます。この不具合を管理者に報告してください。"),
    # What a file is (nlp.documents, nlp.webpages, nlp.pdf)
    _phrase(r"{name}: is empty\.",
            "「{name}」は空のファイル（0 バイト）です。中身のあるファイルを選んでください。"),
    _phrase(r"{name}: is (?P<size>{number}) bytes; the limit is (?P<limit>{number})\.",
            "「{name}」は {size} バイトあり、上限の {limit} バイトを超えています。小さいファイルにするか、"
            "管理者に CONTRACTDIFF_MAX_UPLOAD_BYTES の引き上げを依頼してください。"),
    _phrase(r"{name}: looks like a binary file, not text\. Upload .+\.",
            "「{name}」はテキストではなく、画像や表計算などのバイナリファイルのようで、読み取れません。"
            + ACCEPTED_FILES),
    _phrase(r"{name}: looks like a binary file, not a web page\. Upload .+\.",
            "「{name}」は Web ページではなく、画像などのバイナリファイルのようで、読み取れません。"
            "Web ページはブラウザーで保存した .html をアップロードしてください。" + ACCEPTED_FILES),
    _phrase(r"{name}: is neither UTF-8, UTF-16 with a byte-order mark, Shift_JIS nor EUC-JP text\. .+",
            "「{name}」は UTF-8、BOM 付きの UTF-16、Shift_JIS、"
            "EUC-JP のどの文字コードのテキストとしても読めません。UTF-8 で保存し直してから、"
            "もう一度アップロードしてください。"),
    _phrase(r"{name}: is a web page in neither UTF-8, its declared charset, Shift_JIS nor EUC-JP\. .+",
            "「{name}」は、UTF-8、ページが宣言する文字コード、Shift_JIS、"
            "EUC-JP のどれでも読めない Web ページです。UTF-8 で保存し直してから、"
            "もう一度アップロードしてください。"),
    _phrase(r"{name}: starts with a (?P<encoding>\S+) byte-order mark but is not (?P=encoding) text "
            r"\((?P<reason>.+) at byte (?P<byte>\d+)\)\.",
            "「{name}」は {encoding} のバイト順マーク（BOM）で始まっていますが、"
            "{byte} バイト目から先が {encoding} のテキストとして読めません。UTF-8 で保存し直してから、"
            "もう一度アップロードしてください。"),
    _phrase(r"{name}: is a Word 97–2003 \.doc \(or another OLE file\), which is not read\. .+",
            "「{name}」は Word 97–2003 形式（.doc）か、ほかの古い Office 形式のファイルで、読み取れません。"
            "Word で開き、［名前を付けて保存］で Word 文書（.docx）にしてからアップロードしてください。"
            + ACCEPTED_FILES),
    _phrase(r"{name}: is named like a PDF but its content is not one \(no %PDF- header\)\. .+",
            "「{name}」は名前が PDF（.pdf）ですが、中身は PDF ではありません（先頭に %PDF- がありません）。"
            "PDF そのものをアップロードしてください。" + ACCEPTED_FILES),
    _phrase(r"{name}: is named like a (?P<extension>[^ ]+) file but its content is not a Word document\. .+",
            "「{name}」は名前が .{extension} ですが、中身は Word 文書（.docx）ではありません。"
            + ACCEPTED_FILES),
    _phrase(r"{name}: is a zip file but not a Word document \(no word/document\.xml\)\.",
            "「{name}」は zip ファイルですが、Word 文書（.docx）"
            "ではありません（word/document.xml がありません）。"
            + ACCEPTED_FILES),
    _phrase(r"{name}: is damaged or truncated \(not a readable \.docx zip\)\.",
            "「{name}」は壊れているか途中で切れていて、Word 文書（.docx）として読めません。"
            "元のファイルをもう一度アップロードするか、Word で開いて保存し直してください。"),
    _phrase(r"{name}: could not be read as a Word document \((?P<error>\w+)\)\.",
            "「{name}」を Word 文書として読み取れませんでした（{error}）。"
            "Word で開いて .docx として保存し直してから、もう一度アップロードしてください。"),
    _phrase(r"{name}: is encrypted or password-protected\. Remove the password in Word .+",
            "「{name}」は暗号化されているか、パスワードで保護されています。"
            "Word の［ファイル］→［情報］→［文書の保護］でパスワードを解除してから、"
            "もう一度アップロードしてください。"),
    _phrase(r"{name}: has (?P<parts>{number}) parts; a Word document has far fewer\.",
            "「{name}」には zip の中のファイルが {parts} 個あり、"
            "Word 文書としては多すぎるため読み取りません。Word で開いて保存し直してください。"),
    _phrase(r"{name}: expands to more than a contract could \((?P<part>.+) unpacks (?P<ratio>{number}) times "
            r"its size\); it is refused as a zip bomb\.",
            "「{name}」は展開すると契約書ではありえない大きさになるため（{part} が {ratio} 倍に膨らみます）、"
            "zip 爆弾として受け付けません。"),
    _phrase(r"{name}: expands to more than (?P<limit>{number}) bytes unpacked; it is refused as a zip bomb\.",
            "「{name}」は展開すると {limit} バイトを超えるため、zip 爆弾として受け付けません。"),
    _phrase(r"{name}: (?P<part>[^:]+) declares a DTD or entities, which Word never writes; "
            r"the file is refused unread\.",
            "「{name}」の {part} は DTD か実体を宣言しています。Word はこれを書かないため、"
            "このファイルは読まずに受け付けません。"),
    _phrase(r"{name}: holds more than (?P<tokens>{number}) tags and runs of text, .+; it is refused\.",
            "「{name}」にはタグと文字のまとまりが {tokens} を超えてあり、"
            "契約書のページとしては多すぎるため受け付けません。"),
    # PDFs (nlp.pdf)
    _phrase(r"{name}: is a truncated PDF \(it does not end with %%EOF\): .+",
            "「{name}」は途中で切れた PDF です（末尾に %%EOF がありません）。アップロードか、"
            "その前のダウンロードが途中で切れています。ファイル全体をアップロードしてください。"),
    _phrase(r"{name}: is a PDF without pages\.",
            "「{name}」はページのない PDF です。内容のある PDF か、"
            ".docx またはテキストをアップロードしてください。"),
    _phrase(r"{name}: is a password-protected PDF\. .+",
            "「{name}」はパスワードで保護された PDF です。パスワードを入れて開き、"
            "パスワードなしの PDF として保存（または PDF に印刷）し直したものをアップロードしてください。"),
    _phrase(r"{name}: has (?P<pages>{number}) pages; the limit is (?P<limit>{number})\. .+",
            "「{name}」は {pages} ページあり、上限の {limit} ページを超えています。"
            "別紙を除いた契約書の本体か、いくつかに分けたものをアップロードしてください。"),
    _phrase(r"{name}: is a damaged or truncated PDF \((?P<pdf_reason>.*)\)\. .+",
            "「{name}」は壊れているか途中で切れた PDF です{pdf_reason}。"
            "作成したソフトから PDF を出力し直すか、.docx をアップロードしてください。"),
    _phrase(r"{name}: could not be read within (?P<seconds>[\d.e+]+) s, .+",
            "「{name}」を {seconds} 秒以内に読み取れませんでした。契約書ならずっと短い時間で読めるはずで、"
            "PDF が壊れているか、わざと遅くなるように作られています。"
            "作成したソフトから PDF を出力し直してください。"),
    _phrase(r"{name}: could not be read: the PDF reader stopped on it "
            r"\(it needs more than (?P<megabytes>{number}) MB or the file is damaged\)\. .+",
            "「{name}」を読み取れませんでした。PDF の読み取りが途中で止まりました（{megabytes} MB "
            "を超えるメモリが必要か、ファイルが壊れています）。作成したソフトから PDF "
            "を出力し直してください。"),
    _phrase(r"{name}: has no text layer: its (?P<pages>{number}) pages? (?:is a picture|are pictures), "
            r"as a scan is\. .+",
            "「{name}」には文字情報（テキスト層）がありません。全 {pages} ページが、"
            "スキャンしたような画像です。OCR（文字認識）にかけた結果をアップロードするか、"
            ".docx またはテキストをアップロードしてください。"),
    _phrase(r"{name}: has no text on its (?P<pages>{number}) pages?: they are blank, "
            r"or their text is drawn as outlines\. .+",
            "「{name}」の全 {pages} ページに文字がありません。白紙か、文字がアウトライン（図形）"
            "になっています。.docx かテキスト、または文字情報を付けて出力した PDF "
            "をアップロードしてください。"),
    _phrase(r"{name}: pages? (?P<pages>[\d, …]+?) (?:is a picture|are pictures) without a text layer "
            r"\(scanned\), .+",
            "「{name}」の {pages} ページ目は文字情報のない画像（スキャン）で、"
            "そのページの文章が比較から抜け落ちてしまいます。先に PDF を OCR（文字認識）にかけるか、"
            ".docx またはテキストをアップロードしてください。"),
    _phrase(r"{name}: its text layer does not say which characters its glyphs are "
            r"\((?P<unmapped>{number}) of (?P<characters>{number}) unmapped: .+\), "
            r"so its text cannot be read\. .+",
            "「{name}」は文字情報が字形と文字を結び付けていないため（{characters} 字のうち {unmapped} 字。"
            "ToUnicode のないフォントです）、文章を読み取れません。フォントを埋め込んで PDF を出力し直すか、"
            "OCR にかけるか、.docx またはテキストをアップロードしてください。"),
    # Documents without a contract in them (service.body, nlp.drift)
    _phrase(r"(?P<what>.+?) has no text once its markup \(Markdown, HTML\) is set aside\. .+",
            "{what}は、マークアップ（Markdown、HTML）を除くと文字がありません。契約書の本文を送ってください。"),
    _phrase(r"The template has no articles \(第1条 …\) and no paragraphs, .+",
            "ひな形に条（第1条 …）も段落もなく、表題か署名欄しかありません。ずれは条ごとに測るため、"
            "ひな形には契約書を指定してください。"),
    _phrase(r"{name}: has no articles \(第1条 …\) and no paragraphs to compare with the template's, .+",
            "「{name}」には、ひな形と比べる条（第1条 …）も段落もなく、表題か署名欄しかありません。"
            "契約書ではないかもしれません。"),
    # Sizes (service.body, service.uploads, service.drift)
    _phrase(r"(?P<what>.+?) has (?P<characters>{number}) characters; the limit is (?P<limit>{number})\. .+",
            "{what}は {characters} 文字あり、上限の {limit} 文字を超えています。契約書を分けて送るか、"
            "管理者に CONTRACTDIFF_MAX_TEXT_CHARS の引き上げを依頼してください。"),
    _phrase(r"The body is over the limit of (?P<limit>{number}) bytes\. .+",
            "本文が上限の {limit} バイトを超えています。短いテキストにするか、"
            "管理者に CONTRACTDIFF_MAX_CONTENT_LENGTH の引き上げを依頼してください。"),
    _phrase(r"The uploaded files are over (?P<limit>{number}) bytes together\. .+",
            "アップロードしたファイルが合計で上限の {limit} バイトを超えています。小さいファイルにするか、"
            "管理者に CONTRACTDIFF_MAX_UPLOAD_BYTES の引き上げを依頼してください。"),
    _phrase(r"The form has more than (?P<parts>{number}) parts, .+",
            "フォームの項目が、一回のリクエストで送れる上限の {parts} 個を超えています（文書ごとに一つ、"
            "オプションごとに一つで足ります）。項目を減らして送ってください。"),
    _phrase(r"The request has (?P<count>{number}) documents; the limit is (?P<limit>{number}) per request "
            r"\(CONTRACTDIFF_MAX_DRIFT_DOCUMENTS\)\. .+: `(?P<command>[^`]+)`\.",
            "文書が {count} 件あり、一回のリクエストの上限 {limit} 件（CONTRACTDIFF_MAX_DRIFT_DOCUMENTS）"
            "を超えています。それより多いときは、結果を順に書き出し Dask "
            "でも動くコマンドラインを使ってください：`{command}`"),
    _phrase(r"The body nests arrays or objects more than (?P<depth>\d+) levels deep; .+",
            "本文の配列やオブジェクトの入れ子が {depth} 段を超えています。"
            "比較のリクエストに要るのは 2 段です。上限は設定 CONTRACTDIFF_MAX_JSON_DEPTH で決まります。"),
    # The body (service.body, service.uploads)
    _phrase(r"The body is empty\. .+",
            "本文が空です。`original` と `revised` を持つ JSON オブジェクトを送ってください。"),
    _phrase(r"The body is not valid JSON: a number is too long to read\.",
            "本文が正しい JSON ではありません。長すぎて読めない数があります。"),
    _phrase(r"The body is not valid JSON: (?P<constant>NaN|-?Infinity) is not a JSON value\.",
            "本文が正しい JSON ではありません。{constant} は JSON の値ではありません。"),
    _phrase(r"The body is not valid JSON: (?P<json_error>.+) at line (?P<line>\d+), column (?P<column>\d+)\.",
            "本文が正しい JSON ではありません。{line} 行 {column} 文字目で、{json_error}。"),
    _phrase(r"The body is not valid UTF-8: byte 0x(?P<byte>[0-9a-f]{2}) at offset (?P<offset>\d+) .+",
            "本文が正しい UTF-8 ではありません（先頭から {offset} バイト目の 0x{byte} を読めません）。"
            "JSON は UTF-8 で送ってください。Shift_JIS などほかの文字コードは受け付けません。"),
    _phrase(r"Send the body as JSON with Content-Type: application/json, or upload the files as "
            r"multipart/form-data; not (?P<declared>.+)\.",
            "本文は Content-Type: application/json を付けた JSON で送るか、"
            "ファイルを multipart/form-data でアップロードしてください（このリクエストは {declared}）。"),
    _phrase(r"Send the body as JSON with Content-Type: application/json, not (?P<declared>.+)\.",
            "本文は Content-Type: application/json を付けた JSON で送ってください（このリクエストは "
            "{declared}）。"),
    # Pairs set by hand, decisions (nlp.manual, nlp.exports)
    _phrase(r"The (?P<side>\w+) document has no article (?P<identifier>.+?) to pair by hand; use the ids the "
            r"comparison answers for its articles \((?P<known>.*)…\)\. .+",
            "{side}に、手動で組にする条{identifier}がありません。比較結果が返す条の id（{known}…）"
            "を使ってください。表題・前文・別紙・署名欄は種類で組になるため、手動では組にできません。"),
    _phrase(r"Article (?P<identifier>.+?) of the (?P<side>\w+) document is named twice in .+",
            "{side}の条{identifier}が options.pairs と options.unpaired で二度指定されています。"
            "各条は一度だけ指定してください。"),
    _phrase(r"Decisions make the merged draft, a Word file: send them with format=docx "
            r"\(this request asked for format=(?P<format>\w+)\)\.",
            "判断（decisions）から作るのは、Word ファイルの反映済みの案です。"
            "format=docx で送ってください（このリクエストは format={format}）。"),
    _phrase(r"No row of the comparison pairs original (?P<original>.+?) with revised (?P<revised>.+?)\. .+",
            "比較結果に、原案{original}と修正案{revised}を組にした行はありません。行は、"
            "比較結果が返す条の `original` と `revised` の id で指定してください（ない側は null）。"),
    _phrase(r"The row of original (?P<original>.+?) and revised (?P<revised>.+?) is decided twice; .+",
            "原案{original}と修正案{revised}の行に判断が二つあります。"
            "一つの行に送る判断は一つにしてください。"),
    # Time (nlp.budget, service.uploads)
    _phrase(r"The comparison ran out of time while (?P<step>.+)\.",
            "{step}の途中で時間切れになりました。"),
    _phrase(r"The request ran out of time while reading {name}\.",
            "「{name}」の読み込み中に、リクエストが時間切れになりました。"),
    # Keys and limits (service.auth, service.ratelimit, service.routes)
    _phrase(r"This route needs an API key: .+",
            "この操作には API キーが要ります。`Authorization: Bearer キー` か `X-API-Key: キー` "
            "のヘッダーで送ってください。キーはこのサービスの管理者に尋ねてください。"),
    _phrase(r"The API key sent is not valid\. .+",
            "送られた API キーは有効ではありません。このサービスの管理者にキーを確かめてください。"),
    _phrase(r"This client has sent more invalid or missing API keys than AUTH_FAILURE_LIMIT allows "
            r"\((?P<failures>.+)\)\. .+",
            "この接続元から、API キーのないリクエストか無効なキーのリクエストが、上限（AUTH_FAILURE_LIMIT："
            "{failures}）を超えて届きました。Retry-After ヘッダーの秒数が経ってから、"
            "正しいキーで送り直してください。"),
    _phrase(r"This caller has used up its rate limit of (?P<units>.+?) "
            r"\(one unit per (?P<bytes>{number}) bytes of body, and for the work done: "
            r"one per (?P<characters>{number}) characters compared, "
            r"one per (?P<sentences>\d+) sentences parsed\)\. .+",
            "利用の上限（{units}）を使い切りました。本文 {bytes} バイトごとに 1 単位、"
            "処理の分として比較した {characters} 文字ごとに 1 単位と解析した {sentences} 文ごとに 1 "
            "単位を数えます。Retry-After ヘッダーの秒数が経ってから送り直してください。"),
    _phrase(r"This instance was started without a model \(CONTRACTDIFF_LOAD_MODEL_AT_START is false\)\.",
            "このサービスはモデルを読み込まずに起動しているため"
            "（CONTRACTDIFF_LOAD_MODEL_AT_START が false）、比較できません。管理者に連絡してください。"),
)

#: The sentence of each problem type, for a message no phrase reads (and for the fixed ones).
FALLBACKS: dict[str, str] = {
    "malformed-json": "本文が正しい JSON ではありません。",
    "invalid-encoding": "本文が UTF-8 ではありません。JSON は UTF-8 で送ってください。",
    "json-too-deep": "本文の JSON の入れ子が深すぎます。",
    "too-many-documents": "一回のリクエストで送れる文書の数を超えています。文書を減らして送ってください。",
    "invalid-request": "リクエストに、足りない項目か正しくない項目があります。"
                       "どの項目がなぜかは `errors` にあります。",
    "text-too-large": "テキストが長さの上限を超えています。契約書を分けて送ってください。",
    "invalid-text": "テキストが正しい Unicode ではありません。テキストを JSON にした方法を確かめてください。",
    "empty-document": "比べる文章のない文書があります。契約書の本文を送ってください。",
    "unreadable-document": "読み取れないファイルがあります。" + ACCEPTED_FILES,
    "invalid-pairing": "手動で指定した条の組が文書に合いません。比較結果が返す条の id を使ってください。",
    "invalid-decision": "判断が比較結果に合いません。比較結果が返す行の id で、"
                        "一つの行に一つずつ送ってください。",
    "cannot-compare": "この文書は比較できません。",
    "deadline-exceeded": "比較が時間切れになりました。",
    "model-not-loaded": "このサービスはモデルを読み込んでいないため、比較できません。"
                        "管理者に連絡してください。",
    "bad-request": "リクエストを読めませんでした。",
    "unauthorized": "API キーが要ります。`Authorization: Bearer キー` か `X-API-Key: キー` "
                    "のヘッダーで送ってください。",
    "forbidden": "このリクエストは受け付けられません。",
    "not-found": "このパスには何もありません。URL を確かめてください。",
    "method-not-allowed": "このパスでは、このメソッドは使えません。使えるメソッドは Allow "
                          "ヘッダーにあります。",
    "request-timeout": "リクエストの到着が遅すぎました。回線を確かめて、送り直してください。",
    "body-too-large": "リクエストの本文が大きすぎます。小さい文書にして送ってください。",
    "uri-too-long": "URL が長すぎます。文書は本文で送ってください。",
    "unsupported-media-type": "この形式の本文は受け付けません。Content-Type: application/json を付けた JSON "
                              "か、ファイルなら multipart/form-data で送ってください。",
    "expectation-failed": "Expect ヘッダーが 100-continue 以外を求めています。",
    "rate-limited": "リクエストが多すぎます。Retry-After ヘッダーの秒数が経ってから送り直してください。",
    "too-many-connections": "この接続元からの接続が多すぎます。いくつか閉じるか、"
                            "応答を待ってから送ってください。",
    "headers-too-large": "リクエストのヘッダーが多すぎるか、長すぎます。",
    "internal-error": "このリクエストの処理中に、サービスで障害が起きました。エラーは記録されています。"
                      "しばらくしてから送り直し、続くようなら管理者に連絡してください。",
    "not-implemented": "このリクエストは、このサービスが読まない転送符号化（Transfer-Encoding）"
                       "を使っています。",
    "bad-gateway": "このリクエストを処理していたワーカーが、応答せずに止まりました。"
                   "エラーは記録されています。もう一度送ってください。",
    "unavailable": "サービスは起動中か停止中、または混み合っています。数秒後に送り直してください。",
    "gateway-timeout": "待てる時間のうちに応答がありませんでした。しばらくしてから送り直すか、"
                       "契約書を分けてください。",
}


def translate(message: str) -> str | None:
    """The Japanese of an English ``message`` by the first phrase that reads it; None if none does."""
    for phrase in PHRASES:
        said = phrase.render(message)
        if said is not None:
            return said
    return None


def document_error(message: str) -> str:
    """The Japanese of why one document of a drift check could not be compared (its ``error``)."""
    return japanese_detail(message, "unreadable-document", 422)


def japanese_detail(message: str, slug: str, status: int) -> str:
    """The ``detail`` in Japanese of a problem of type ``slug`` whose English detail is ``message``."""
    said = translate(message)
    if said is not None:
        return said
    if slug in FALLBACKS:
        return FALLBACKS[slug]
    if status >= 500:
        return (f"サービスがこのリクエストに応えられませんでした（HTTP {status}）。"
                "しばらくしてから送り直してください。")
    return f"このリクエストは処理できません（HTTP {status}）。"


# The edge -----------------------------------------------------------------------------------------

#: The Japanese of service.errors.EDGE_PROBLEMS, by status; {max_body} as edge_problem fills it.
EDGE_DETAILS: dict[int, str] = {
    400: "リクエストを HTTP として読めませんでした。リクエスト行、ヘッダー、"
         "チャンクのどれかの形が正しくありません。",
    403: FALLBACKS["forbidden"],
    404: "このサービスに、このパスはありません。",
    408: "リクエストのヘッダーか本文の到着が遅すぎました（HEADER_TIMEOUT_SECONDS、BODY_TIMEOUT_SECONDS）。"
         "回線を確かめて、送り直してください。",
    413: "本文が、このサービスが一つのリクエストで読む上限{max_body}を超えています（アップロードするファイル"
         "は CONTRACTDIFF_MAX_UPLOAD_BYTES、JSON の本文は CONTRACTDIFF_MAX_CONTENT_LENGTH が上限）。"
         "小さい文書にして送ってください。",
    414: "リクエスト行が、このサービスが読む長さを超えています。文書は URL ではなく本文で送ってください。",
    417: FALLBACKS["expectation-failed"],
    429: "この接続元が開いている接続が、MAX_CONNECTIONS_PER_CLIENT の上限を超えています。いくつか閉じるか、"
         "応答を待ってから送ってください。",
    431: "リクエストのヘッダーが、このサービスが読む数か長さを超えています。",
    500: FALLBACKS["internal-error"],
    501: FALLBACKS["not-implemented"],
    502: FALLBACKS["bad-gateway"],
    503: FALLBACKS["unavailable"],
    504: "前段（nginx）が待つ時間（ANSWER_TIMEOUT_SECONDS。既定では REQUEST_DEADLINE_SECONDS と余裕分）の"
         "うちに応答がありませんでした。"
         "しばらくしてから送り直すか、契約書を分けてください。",
}


def edge_detail(status: int, max_body: int | None) -> str:
    """The Japanese detail of the edge's problem for ``status`` (500's for a status without one)."""
    text = EDGE_DETAILS.get(status, EDGE_DETAILS[500])
    return text.format(max_body="" if max_body is None else f"の {max_body:,} バイト")
