"""The legal topics of an article, read from what it says, not only from its heading.

Two templates of the same kind of contract word the same clause differently (損害賠償 and
責任の制限, 準拠法および裁判管轄 and 紛争解決, 秘密情報 and 機密情報), but the clause still
uses the vocabulary of its topic: a limitation of liability speaks of 損害 and 賠償, a
choice of court of 裁判所 and 管轄, an assignment ban of 譲渡 and 承継. Each topic here is a
few such phrases; an article's topics are the ones its body uses, weighted by how many
of their phrases it holds. Two articles on the same topics attract, two whose topics do
not meet repel.

The heading counts only where the body agrees with it, or says nothing the rules read:
a heading left over from an older draft (「契約期間」 over a termination clause, 「通知」
over an assignment ban) must not pull the article towards the wrong partner.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

__all__ = ["TOPICS", "Topics", "article_topics", "heading_agrees", "heading_topics", "topic_matrix"]

#: Each topic and the phrases that say it, on NFKC-normalised text (5年間, not 五年間).
#: A phrase is a regular expression without backtracking traps: alternations of literals
#: with short bounded gaps. The order is the order of the vector's columns.
TOPICS: tuple[tuple[str, str], ...] = (
    ("definition", r"」とは|用語の(?:定義|意味)|定義する意味|次に掲げる用語|用いる用語"),
    ("confidentiality", r"秘密(?:として)?(?:を)?保持|秘密情報|機密情報|機密の保持|守秘|漏え?い|漏洩"),
    ("use_restriction", r"目的(?:以外|外)|以外の(?:いかなる)?(?:用途|目的)|目的の範囲を超え|"
                        r"目的に(?:合理的に)?必要(?:な|となる)範囲"),
    ("copying", r"複製|複写"),
    ("return", r"返還|返却|破棄|廃棄|消去"),
    ("injunction", r"差止|差し止|停止(?:又は|または)予防|仮処分"),
    ("liability", r"損害(?:を)?賠償|賠償(?:責任|の範囲|額)|直接かつ(?:現実の|通常の)|逸失利益|"
                  r"特別(?:の事情による)?損害|責任の(?:範囲|額|上限)|上限とする"),
    ("governing_law", r"準拠法|準拠し|日本(?:国)?法(?:に|を|によ|に従)"),
    ("jurisdiction", r"管轄|裁判所|訴訟"),
    ("consultation", r"協議(?:の上|のうえ|して|し、)?(?:解決|定め)|誠意をもって協議|誠実に協議|"
                     r"疑義|定めのない事項"),
    ("term", r"有効期間|有効期限|契約期間|効力を有する|同一?条件で.{0,6}更新|更新され|期間満了|"
             r"締結日(?:から|より).{0,12}(?:まで|年間|か月|ヶ月)"),
    ("survival", r"存続|(?:終了|満了)(?:した|の)?(?:場合|後)(?:で)?(?:あって)?(?:も|においても)"),
    ("termination", r"解除|解約|催告"),
    ("insolvency", r"破産|民事再生|会社更生|特別清算|支払(?:い)?の?停止|不渡"),
    ("antisocial", r"反社会的勢力|暴力団|総会屋|暴力的な要求"),
    ("assignment", r"譲渡|譲り渡|承継|担保に(?:供|入れ)|引き受けさせ"),
    ("subcontracting", r"再委託|委託先"),
    ("intellectual_property", r"知的財産|著作権|特許|発明|著作者人格権"),
    ("ownership", r"帰属|共有|持分"),
    ("license", r"許諾|ライセンス|実施権"),
    ("payment", r"委託料|報酬|対価|料金|検証料|支払|振込|振り込|請求書|消費税|遅延損害金"),
    ("expenses", r"費用|経費|実費"),
    ("personal_data", r"個人情報|個人データ|匿名加工|本人の同意"),
    ("force_majeure", r"不可抗力|天災|地変|戦争|暴動|感染症"),
    ("notice", r"通知は.{0,40}(?:書面|郵便|電子メール|交付|送付|送信)|到達したものとみなす|"
               r"連絡先|届出"),
    ("no_warranty", r"保証(?:しない|するものではない|を行わない)|保証しません|何ら保証"),
    ("representation", r"表明し|表明保証|保証する"),
    ("data", r"対象データ|提供データ|データ"),
    ("publication", r"公表|発表|公開"),
    ("materials", r"資料|機器|設備|貸与"),
    ("diligence", r"善良な(?:る)?管理者|善管注意"),
    ("non_compete", r"競合|競業|独自に(?:研究)?開発"),
    ("amendment", r"変更契約|本契約の変更|契約(?:内容|条件)の変更"),
    ("next_phase", r"共同研究開発(?:契約|に進|への移行|に移)|PoC契約|本格(?:的な)?契約"),
    ("report", r"報告書|報告|検収|確認(?:を終え|が完了|の完了)"),
    ("personnel", r"責任者|担当者|連絡協議会|協議会"),
    ("prohibited_acts", r"リバースエンジニアリング|逆コンパイル|逆アセンブル|禁止事項|次の各号の行為"),
    ("open_source", r"オープン・?ソース|OSS"),
    ("third_party_dispute", r"第三者(?:と|との間)(?:で|の)?(?:紛争|権利侵害)|製造物責任|クレーム"),
    ("schedule", r"スケジュール|作業期間|進捗|工程"),
    ("role", r"役割分担|担当(?:業務|作業)|分担"),
)
_PATTERNS = tuple((name, re.compile(pattern)) for name, pattern in TOPICS)
_COLUMN = {name: index for index, (name, _) in enumerate(TOPICS)}

#: Topics every clause of some contracts speaks of (秘密情報 in each article of an NDA): they
#: weigh less, so that an NDA's return clause and its copying clause still tell apart.
BROAD_TOPICS = frozenset({"confidentiality", "data", "report", "representation", "diligence"})
BROAD_WEIGHT = 0.5
#: A phrase found many times counts with diminishing returns: 1, 1.6, 2.0, 2.3 …
#: (1 + log of the count), so one long list of 秘密情報 does not drown the rest.

#: Words that name a topic in a heading, though in a body they are too common to (通知する,
#: 協議のうえ, 期間内に): 「通知」 over an article is a notice clause, or it is mislabelled.
HEADING_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("notice", ("通知", "連絡")),
    ("consultation", ("協議",)),
    ("term", ("期間",)),
)

#: A heading holding a topic the body lacks is set aside when the body holds at least this
#: much weight of other topics: it is the body, not the title, that says what the clause is.
MIN_BODY_WEIGHT = 1.0

Topics = np.ndarray  # one row of weights per topic, in the order of TOPICS


@functools.lru_cache(maxsize=8192)
def article_topics(body: str) -> Topics:
    """Weights of the topics ``body`` speaks of (normalised text), one per topic of TOPICS."""
    weights = np.zeros(len(TOPICS), dtype=np.float32)
    for index, (name, pattern) in enumerate(_PATTERNS):
        count = len(pattern.findall(body))
        if count:
            weights[index] = (1.0 + np.log(count)) * (BROAD_WEIGHT if name in BROAD_TOPICS else 1.0)
    weights.setflags(write=False)
    return weights


def heading_agrees(heading: str, body: str) -> bool:
    """Whether a heading may speak for its article: it names a topic the body holds, or the
    body holds too little for the rules to read, or the heading names no topic at all."""
    named = heading_topics(heading)
    if not named.any():
        return True
    held = article_topics(body)
    if float(held.sum()) < MIN_BODY_WEIGHT:
        return True
    return bool((held[named > 0] > 0).any())


@functools.lru_cache(maxsize=8192)
def heading_topics(heading: str) -> Topics:
    """The topics a heading names: the phrases of TOPICS, and the words of HEADING_WORDS."""
    weights = article_topics(heading).copy()
    for name, words in HEADING_WORDS:
        if any(word in heading for word in words):
            weights[_COLUMN[name]] = max(weights[_COLUMN[name]], 1.0)
    weights.setflags(write=False)
    return weights


def topic_matrix(left: Sequence[Topics], right: Sequence[Topics]) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of the topic weights of every pair, and where both sides hold any topic.

    Topics are weighted by their rarity among the articles of the two documents, as words
    are: in an NDA every article speaks of 秘密情報, so sharing it says little, while two
    articles that alone speak of 複製 are likely the same clause.
    """
    if not left or not right:
        shape = (len(left), len(right))
        return np.zeros(shape, dtype=np.float32), np.zeros(shape, dtype=bool)
    rows_left, rows_right = np.vstack(left), np.vstack(right)
    held = np.vstack([rows_left, rows_right]) > 0
    rarity = np.log((len(held) + 1) / (held.sum(axis=0) + 1)) + 1.0
    rows_left, rows_right = rows_left * rarity, rows_right * rarity
    norms_left = np.linalg.norm(rows_left, axis=1, keepdims=True)
    norms_right = np.linalg.norm(rows_right, axis=1, keepdims=True)
    present = (norms_left > 0) & (norms_right > 0).T
    norms_left[norms_left == 0] = 1.0
    norms_right[norms_right == 0] = 1.0
    cosine = (rows_left / norms_left) @ (rows_right / norms_right).T
    return np.where(present, cosine, 0.0).astype(np.float32), present


def topic_names(weights: Topics) -> tuple[str, ...]:
    """The topics of ``weights``, strongest first (for explanations and tests)."""
    order = np.argsort(-weights, kind="stable")
    return tuple(TOPICS[index][0] for index in order if weights[index] > 0)
