"""公开文字: a rubric's wording made fit for a document that leaves the Bureau.

A rubric is written for evaluators: its lines carry prices ("，每处扣1分"), grading notes
("不得评为优秀", "总分计为0分") and laws cited without 书名号 ("违反行政处罚法第六十七条"). A 通报 or
整改通知书 states the problem and the law, written as GB/T 9704 and the 公文 usage require:
the price and the grading notes go, the law's name goes between 《》.
"""

from __future__ import annotations

import re

# "，每处扣1分" / "，每缺一项扣1分" and the like: a rule's price, not part of the problem.
_PRICE = re.compile(r"[，,；;]\s*每[^，,。；;]*?扣\s*[\d.]+\s*分\s*$")
_PARENTHETICAL = re.compile(r"[（(]([^（）()]*)[）)]")
_CLAUSE_SPLIT = re.compile(r"[，,；;]")
# Words that say how a file is graded, which only evaluators need.
_GRADING = re.compile(r"不得评为|评为不合格|评为合格|评为优秀|不高于|计为\s*0\s*分|计0分|扣\s*[\d.]+\s*分|扣分|否决|归零|总分")
# A law's name right before the article it cites, after a word that introduces it or punctuation.
_LAW = re.compile(
    r"(?:(?<=违反)|(?<=依据)|(?<=根据)|(?<=依照)|(?<=按照)|(?<=适用)|(?<=[（(，,、；;：:]))"
    r"(?!违反|依据|根据|依照|按照|适用)((?:中华人民共和国)?[\u4e00-\u9fff]{2,24}?(?:法|条例|规定|办法|细则))"
    r"(?=第[一二三四五六七八九十百零〇\d]+条)"
)


def _drop_grading(match: re.Match[str]) -> str:
    open_mark, close_mark = match.group(0)[0], match.group(0)[-1]
    pieces = _CLAUSE_SPLIT.split(match.group(1))
    separators = _CLAUSE_SPLIT.findall(match.group(1))
    if not any(_GRADING.search(piece) for piece in pieces):
        return match.group(0)
    kept = ""
    for index, piece in enumerate(pieces):
        if piece.strip() and not _GRADING.search(piece):
            kept += (separators[index - 1] if kept and index else "") + piece
    return f"{open_mark}{kept}{close_mark}" if kept else ""


def cite_laws(text: str) -> str:
    """行政处罚法第六十七条 → 《行政处罚法》第六十七条 (names already in 《》 are left alone)."""
    return _LAW.sub(lambda m: f"《{m.group(1)}》", text)


def public_rule(text: str) -> str:
    """A rubric line as a public document says it: no price, no grading note, laws in 《》."""
    text = _PRICE.sub("", text.strip())
    previous = None
    while previous != text:  # nested brackets are rare; a second pass handles one level of them
        previous = text
        text = _PARENTHETICAL.sub(_drop_grading, text)
    return cite_laws(text).rstrip("。；;，, ")
