"""脱敏: what a circulated document may say about a party.

An individual party becomes surname + 某某 (张三 → 张某某, 欧阳明辉 → 欧阳某某); ID-card and
telephone numbers keep only a few characters at each end; a company (单位) stays named unless the
caller asks for companies to be masked too. ``Masker`` knows every individual party of an
activity, so a note on one file that names the party of another is masked as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from pingcha.results import ActivityResults, CaseFile

MASK = "某某"

# Two-character surnames, kept whole (欧阳明辉 → 欧阳某某). A name of exactly two characters is
# read as surname + given name even when it looks like one of these (欧阳 → 欧某某).
COMPOUND_SURNAMES = frozenset(
    """
    欧阳 司马 上官 诸葛 皇甫 宇文 东方 夏侯 令狐 慕容 尉迟 公孙 长孙 司徒 端木 独孤 南宫 万俟 闻人 澹台
    公冶 宗政 濮阳 淳于 单于 太叔 申屠 轩辕 呼延 钟离 赫连 东郭 西门 百里 司空 司寇 仲孙 左丘 公羊
    谷梁 拓跋 完颜 乐正 壤驷 公良 夹谷 宰父 漆雕 巫马 子车 颛孙 亓官 鲜于 梁丘 羊舌 微生 第五 公西
    南门 东门 段干 归海 贺兰 闾丘 即墨 綦毋 尔朱 乌孙
    """.split()
)

# Where one name ends and the next begins when a party field lists several people.
_NAME_SEPARATORS = re.compile(r"[、，,；;/\s]+")
_PARENTHESIS = re.compile(r"[（(].*?[）)]")

# Numbers as people write them: in one run, or in groups split by spaces or hyphens
# (510402 19800101 123X, 138-1234-5678, 138 1234 5678). A separator is one space, full-width space or hyphen.
_SEP = r"[ \u3000\u00a0\-－]?"
_ID_CARD_18 = re.compile(rf"(?<![0-9A-Za-z])[1-9](?:{_SEP}\d){{16}}{_SEP}[0-9Xx](?![0-9A-Za-z])")
_ID_CARD_15 = re.compile(rf"(?<![0-9A-Za-z])[1-9](?:{_SEP}\d){{14}}(?![0-9A-Za-z])")
_MOBILE = re.compile(rf"(?<![0-9])((?:\+?86{_SEP})?)(1{_SEP}[3-9](?:{_SEP}\d){{9}})(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])([(（]?0\d{2,3}[)）]?[- ]?)(\d{3,4})[- ]?(\d{4})(?![0-9])")
_NOT_DIGIT = re.compile(r"[^0-9Xx]")
_NUMBER_RUN = re.compile(r"\d[\d \-－()（）]{5,}\d")


def _keep_ends(number: str, head: int, tail: int) -> str:
    digits = _NOT_DIGIT.sub("", number)
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


def _mask_mobile(match: re.Match[str]) -> str:
    return match.group(1) + _keep_ends(match.group(2), 3, 4)


# Administrative divisions a company name usually starts with; the longest run is kept.
_REGION = re.compile(r"^(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?[\u4e00-\u9fff]{1,6}?(?:市(?!场)|自治州|州|盟|地区)")
_DISTRICT_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:区|县|旗)")
# Legal forms and shop types, longest first so 有限责任公司 wins over 公司.
_LEGAL_FORMS = sorted(
    """
    股份有限公司 有限责任公司 有限公司 分公司 公司 合伙企业 个人独资企业 专业合作社 合作社 经营部 门市部
    商行 商店 超市 便利店 饭店 酒店 宾馆 酒楼 餐馆 餐厅 火锅店 小吃店 茶楼 药店 药房 诊所 医院 门诊部
    幼儿园 学校 培训学校 培训中心 服务中心 中心 工作室 事务所 加工厂 厂 店 馆 部 社 场 站 所
    """.split(),
    key=len,
    reverse=True,
)


def mask_person(name: str) -> str:
    """张三 → 张某某; 欧阳明辉 → 欧阳某某; 买买提·艾力 → 买某某."""
    name = name.strip()
    if not name:
        return ""
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2] + MASK
    return name[0] + MASK


def mask_company(name: str) -> str:
    """攀枝花市西区某某商贸有限公司 → 攀枝花市某某有限公司: keep the region and the legal form."""
    name = name.strip()
    if not name:
        return ""
    region = _REGION.match(name) or _DISTRICT_ONLY.match(name)
    prefix = region.group(0) if region else ""
    rest = name[len(prefix):]
    suffix = next((form for form in _LEGAL_FORMS if rest.endswith(form) and len(rest) > len(form)), "")
    return f"{prefix}{MASK}{suffix}"


def mask_numbers(text: str, keep: frozenset[str] = frozenset()) -> str:
    """Mask ID-card numbers (510402********1234), mobiles (138****5678) and landlines in ``text``.

    ``keep`` holds numbers (digits only) that are public, such as the Bureau's own telephone.
    """
    if not text or not any(ch.isdigit() for ch in text):
        return text

    def unless_kept(mask):
        return lambda m: m.group(0) if _NOT_DIGIT.sub("", m.group(0)) in keep else mask(m)

    text = _ID_CARD_18.sub(unless_kept(lambda m: _keep_ends(m.group(0), 6, 4)), text)
    text = _ID_CARD_15.sub(unless_kept(lambda m: _keep_ends(m.group(0), 6, 4)), text)
    text = _MOBILE.sub(unless_kept(_mask_mobile), text)
    return _LANDLINE.sub(unless_kept(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3)), text)


def person_names(party: str) -> list[str]:
    """The people named in an individual party field (``张三、李四（代理人）`` → 张三, 李四)."""
    bare = _PARENTHESIS.sub(" ", party)
    return [name for name in _NAME_SEPARATORS.split(bare) if name]


def is_individual(case: CaseFile) -> bool:
    """个人 unless marked 单位; an unmarked party is a company only when its name says so."""
    return _individual(case.party, case.party_type)


def _individual(party: str, party_type: str) -> bool:
    kind = party_type.strip()
    if kind in ("单位", "个人"):
        return kind == "个人"
    party = party.strip()
    return not any(party.endswith(form) and len(party) > len(form) + 1 for form in _LEGAL_FORMS if len(form) > 1)


class Masker:
    """Masks the parties of one activity wherever their names turn up.

    ``register`` adds the (party, party type) pairs of the whole register: a note on a drawn file
    may name the party of a file that was not drawn.
    """

    def __init__(self, cases: Iterable[CaseFile], *, mask_companies: bool = False,
                 register: Iterable[tuple[str, str]] = ()) -> None:
        self.mask_companies = mask_companies
        self.public_numbers: frozenset[str] = frozenset()
        self._masked: dict[str, str] = {}  # 案由 and notes repeat across thousands of files
        replacements: dict[str, str] = {}
        parties = [(case.party, case.party_type) for case in cases] + list(register)
        # Each distinct party once (the drawn files are in the register too), in the order of its last mention,
        # so that where two parties give one name different masks the later still wins.
        for party, party_type in reversed(dict.fromkeys(reversed(parties))):
            party = party.strip()
            if not party:
                continue
            if _individual(party, party_type):
                for name in person_names(party):
                    replacements[name] = mask_person(name)
            elif mask_companies:
                replacements[party] = mask_company(party)
        # A one-character "name" would mask that character in every sentence; such a party is
        # still masked where it is shown as the party, just not hunted for in free text.
        self.replacements = {name: masked for name, masked in replacements.items() if len(name) >= 2}

    @cached_property
    def _starts(self) -> re.Pattern[str]:
        """The first characters of the names: where a name may begin (a register holds thousands)."""
        return re.compile("[" + "".join(re.escape(ch) for ch in sorted({n[0] for n in self.replacements})) + "]")

    @cached_property
    def _lengths(self) -> tuple[int, ...]:
        """Name lengths, longest first, so 欧阳明辉 is not cut to 欧阳明."""
        return tuple(sorted({len(n) for n in self.replacements}, reverse=True))

    def _found(self, text: str):
        """(start, name) of each name in ``text``, leftmost and longest, not overlapping."""
        end = 0
        for match in self._starts.finditer(text):
            start = match.start()
            if start < end:
                continue
            for length in self._lengths:
                piece = text[start:start + length]
                if len(piece) == length and piece in self.replacements:
                    yield start, piece
                    end = start + length
                    break

    def party(self, case: CaseFile) -> str:
        """How the party of ``case`` is shown in a circulated document."""
        party = case.party.strip()
        if not party:
            return ""
        if not is_individual(case):
            return mask_company(party) if self.mask_companies else mask_numbers(party, self.public_numbers)
        names = person_names(party)
        if len(names) == 1 and names[0] == party:
            return mask_person(party)
        return self.text(party)

    def names(self, text: str) -> str:
        """``text`` with every party name masked (numbers left alone)."""
        if not text or not self.replacements:
            return text
        parts, position = [], 0
        for start, name in self._found(text):
            parts += [text[position:start], self.replacements[name]]
            position = start + len(name)
        return "".join(parts) + text[position:] if parts else text

    def text(self, text: str) -> str:
        """``text`` with every party name and every ID or phone number masked."""
        if not text:
            return text
        masked = self._masked.get(text)
        if masked is None:
            masked = mask_numbers(self.names(text), self.public_numbers)
            if len(text) < 200:
                self._masked[text] = masked
        return masked

    def allow_numbers(self, *texts: str) -> None:
        """Leave these numbers as written (the Bureau's own telephone in the document settings)."""
        runs = (run for text in texts if text for run in _NUMBER_RUN.findall(text))
        self.public_numbers = frozenset(_NOT_DIGIT.sub("", run) for run in runs)
        self._masked.clear()

    def leaks(self, text: str) -> list[str]:
        """The unmasked names found in ``text`` (for checks on a finished file)."""
        if not self.replacements:
            return []
        return sorted({name for _, name in self._found(text)})


def masker_for(results: ActivityResults, *, mask_companies: bool = False, public: Iterable[str] = ()) -> Masker:
    """The masker of an activity's documents: the drawn files' parties and the whole register's.

    ``public`` are texts whose numbers stay (the contact telephone of the document settings).
    """
    masker = Masker((f.case for f in results.files), mask_companies=mask_companies, register=results.register_parties)
    masker.allow_numbers(*public)
    return masker
