"""Rendering a .docx template with docxtpl, safely.

- Templates come from the user's folder when it has the file, else from the shipped ones.
- Jinja2 runs sandboxed, with autoescape (so ``&``, ``<``, ``>`` in user text stay text) and
  strict undefined names (so a mistyped tag is reported instead of printing nothing).
- Control characters are removed from every value, since XML 1.0 cannot hold them.
- A broken template is a ``UserError`` naming the file, the tag and the text around it.
- The finished package is searched for any unmasked party name (a clerk may have typed one into
  the template, a header or the document properties) and every one found is masked.
"""

from __future__ import annotations

import bisect
import difflib
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from lxml import etree
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment

from pingcha.errors import UserError
from pingcha.files import os_problem, write_atomically
from pingcha.paths import templates_dir
from pingcha.reports import docx_kit as kit
from pingcha.reports.masking import Masker

# XML 1.0 forbids these; \t and \n are kept (docxtpl turns them into a tab and a line break).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_TAG_OPEN = re.compile(r"{{|{%|{#")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_XML_TAGS = re.compile(r"<[^>]+>")
_TEXT_NODE = re.compile(r">([^<]+)<")
_UNSAFE_FILENAME = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
_CORE_TEXT = ("author", "title", "subject", "keywords", "comments", "last_modified_by", "category",
              "identifier", "content_status", "version")


def clean_text(text: str) -> str:
    """User text made fit for XML: control characters dropped, line ends normalised."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean(value):
    """``clean_text`` applied to every string in a context of dicts, lists and scalars."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(item) for item in value]
    return value


def safe_filename(name: str, limit: int = 120) -> str:
    """A file name any file system accepts; 〔〕 and other Chinese punctuation are kept."""
    name = _UNSAFE_FILENAME.sub("_", clean_text(name)).strip().rstrip(". ")
    name = name[:limit].rstrip(". ") or "未命名"
    return f"_{name}" if _RESERVED.match(name) else name


def find_template(name: str, folder: Path | str | None) -> Path:
    """The user's copy of ``name`` in ``folder`` when there is one, else the shipped template."""
    if folder:
        folder = Path(folder)
        if not folder.is_dir():
            raise UserError(f"模板目录不存在：{folder}")
        if (folder / name).is_file():
            return folder / name
    shipped = templates_dir() / name
    if not shipped.is_file():
        raise UserError(f"找不到模板文件 {name}（模板目录：{templates_dir()}）")
    return shipped


# The longest text one expression may build, and the most items a loop may produce: a typing
# slip such as 'x'*100000000 must end in a message, not in the memory of the office PC.
MAX_TEXT = 1_000_000


class _DocumentEnvironment(SandboxedEnvironment):
    """The sandbox, with text repetition bounded (ranges are bounded by the sandbox itself)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for text, times in ((left, right), (right, left)):
                if isinstance(text, (str, list, tuple)) and isinstance(times, int) and len(text) * times > MAX_TEXT:
                    raise SecurityError(f"生成的文字过长（超过 {MAX_TEXT:,} 个字符）")
        if operator == "**" and isinstance(right, int) and right > 100:
            raise SecurityError("乘方的次数过大")
        return super().call_binop(context, operator, left, right)


def _environment() -> SandboxedEnvironment:
    return _DocumentEnvironment(autoescape=True, undefined=StrictUndefined)


# Tags that would read another file: a document template stands alone.
_FOREIGN_TAGS = ((nodes.Include, "include"), (nodes.Extends, "extends"), (nodes.Import, "import"),
                 (nodes.FromImport, "from … import"))
_BLOCK_TAGS = frozenset(["if", "for", "macro", "call", "filter", "with", "autoescape", "block", "raw", "trans"])


def _paragraph_texts(xml: str) -> list[str]:
    return [_XML_TAGS.sub("", p) for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.DOTALL)]


def _unclosed_tag(text: str) -> str | None:
    """The first tag in a paragraph's text that is not closed in that same paragraph."""
    position = 0
    while (match := _TAG_OPEN.search(text, position)) is not None:
        closer = text.find(_CLOSERS[match.group(0)], match.end())
        if closer < 0:
            return text[match.start():match.start() + 40]
        position = closer + 2
    return None


def _parts(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """(Chinese name, XML) of the body, headers and footers."""
    parts = [("正文", tpl.get_xml())]
    for uri, label in ((tpl.HEADER_URI, "页眉"), (tpl.FOOTER_URI, "页脚")):
        for _, part in tpl.get_headers_footers(uri):
            parts.append((label, tpl.get_part_xml(part)))
    return parts


def _check_template(tpl: DocxTemplate, path: Path, env: SandboxedEnvironment) -> None:
    """Find a broken tag before rendering, so the message can say exactly where it is."""
    for label, xml in _parts(tpl):
        for text in _paragraph_texts(xml):
            tag = _unclosed_tag(text)
            if tag is not None:
                raise UserError(f"模板 {path.name} 的{label}中有未闭合的标签“{tag}”（所在段落：“{text[:80]}”）。"
                                f"请检查 {{{{ }}}} 或 {{% %}} 是否成对。模板文件：{path}")
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as error:
            raise UserError(_syntax_message(path, label, error, source, env)) from None
        for kind, tag in _FOREIGN_TAGS:
            for node in tree.find_all(kind):
                where = _line_text(source, node.lineno)
                near = f"（所在段落：“{where}”）" if where else ""
                raise UserError(f"模板 {path.name} 的{label}中使用了不支持的标签“{{% {tag} %}}”{near}：文书模板不能引用其他"
                                f"模板或文件，请把要用的内容直接写在本模板中。模板文件：{path}")


def _line_text(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    if not 0 < lineno <= len(lines):
        return ""
    return html.unescape(_XML_TAGS.sub("", lines[lineno - 1])).strip()[:80]


# Jinja2's messages are English; the common ones get a Chinese explanation in front.
_EXPLANATIONS = (
    (re.compile(r"'(\w+)' is undefined"), "模板中使用了未知的名称“{0}”（可用的名称见 templates/README.md）"),
    (re.compile(r"has no attribute '(\w+)'"), "模板中使用了未知的名称“{0}”（可用的名称见 templates/README.md）"),
    (re.compile(r"No filter named '(\w+)'"), "没有名为“{0}”的过滤器"),
    (re.compile(r"Unexpected end of template"), "有标签没有结尾（缺少 endif、endfor 等结尾标签）"),
    (re.compile(r"unsafe"), "模板试图访问不允许访问的内容，已被安全沙箱阻止"),
)


def _runtime_explanation(error: BaseException) -> str:
    if isinstance(error, OverflowError) and "range" in str(error).lower():
        return f"循环次数过多，range() 最多 {MAX_RANGE:,} 次：{error}"
    if isinstance(error, (MemoryError, RecursionError)):
        return "模板中的表达式需要的内存过多"
    if isinstance(error, ZeroDivisionError):
        return "模板中的表达式除以了零"
    if isinstance(error, TemplateError):
        return _explain(str(error))
    return f"模板中的表达式无法计算：{type(error).__name__}：{error}"


def _explain(message: str) -> str:
    for pattern, explanation in _EXPLANATIONS:
        match = pattern.search(message)
        if match:
            return f"{explanation.format(*match.groups())}：{message}"
    return message


def _unclosed_block(env: SandboxedEnvironment, source: str) -> tuple[str, int] | None:
    """The innermost block tag ({% if %}, {% for %}…) left open at the end: its name and line."""
    stack: list[tuple[str, int]] = []
    expect_name = False
    try:
        for lineno, kind, value in env.lex(source):
            if kind == "block_begin":
                expect_name = True
            elif kind == "whitespace":
                continue
            elif expect_name and kind == "name":
                expect_name = False
                if value in _BLOCK_TAGS:
                    stack.append((value, lineno))
                elif value.startswith("end") and stack and stack[-1][0] == value[3:]:
                    stack.pop()
            else:
                expect_name = False
    except TemplateSyntaxError:
        return None
    return stack[-1] if stack else None


def _syntax_message(path: Path, label: str, error: TemplateSyntaxError, source: str,
                    env: SandboxedEnvironment) -> str:
    lineno = error.lineno
    if "Unexpected end of template" in (error.message or ""):
        open_block = _unclosed_block(env, source)
        if open_block is not None:
            tag, lineno = open_block
            where = _line_text(source, lineno)
            near = f"（所在段落：“{where}”）" if where else ""
            return (f"模板 {path.name} 的{label}中有标签“{{% {tag} %}}”没有结尾{near}，缺少对应的“{{% end{tag} %}}”。"
                    f"模板文件：{path}")
    where = _line_text(source, lineno)
    near = f"，出错处附近的文字：“{where}”" if where else ""
    return f"模板 {path.name} 的{label}中有错误的标签（{_explain(error.message or '')}）{near}。模板文件：{path}"


def _runtime_line(error: BaseException) -> int | None:
    traceback = error.__traceback__
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def render_docx(
    template: Path,
    context: Mapping,
    out: Path,
    *,
    masker: Masker,
    last_modified_by: str,
    finish: Callable[[DocxTemplate], None] | None = None,
    rewrite_body: Callable[[DocxTemplate, str], Iterable[str]] | None = None,
) -> Path:
    """Render ``template`` with ``context`` into ``out``; ``finish`` may adjust the document first,
    and ``rewrite_body`` may then change the saved ``word/document.xml`` as text (for long tables,
    whose text the caller has masked already)."""
    try:
        tpl = DocxTemplate(template)
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UserError(f"模板文件 {template} 不是有效的 Word 文档（.docx）：{error}") from None
    env = _environment()
    _check_template(tpl, template, env)
    try:
        tpl.render(clean(dict(context)), jinja_env=env)
    except (TemplateError, OverflowError, MemoryError, RecursionError, TypeError, ValueError, IndexError,
            KeyError, AttributeError, ZeroDivisionError) as error:
        # Any failure while the template's own expressions run is the template's: say where it is.
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
        where = _line_text(source, getattr(error, "lineno", None) or _runtime_line(error))
        near = f"，出错处附近的文字：“{where}”" if where else ""
        raise UserError(f"模板 {template.name} 无法生成文书（{_runtime_explanation(error)}）{near}。"
                        f"模板文件：{template}") from None
    _finish_properties(tpl, masker, last_modified_by)
    if finish is not None:
        finish(tpl)
    buffer = io.BytesIO()
    tpl.save(buffer)
    # The long tables go in after the scrub: they are built from masked text, and the scrub need not
    # read through tens of thousands of rows to find nothing.
    data = scrub_package(buffer.getvalue(), masker)
    if rewrite_body is not None:
        data = _rewrite_part(data, "word/document.xml", lambda xml: rewrite_body(tpl, xml))
    return write_output(out, data)


def _rewrite_part(data: bytes, name: str, change: Callable[[str], Iterable[str]]) -> bytes:
    """The package with part ``name`` replaced by the pieces ``change`` makes of it, streamed into the zip."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
                continue
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with target.open(entry, "w", force_zip64=True) as stream:
                for piece in change(source.read(info).decode("utf-8")):
                    stream.write(piece.encode("utf-8"))
    return output.getvalue()


def write_output(out: Path, data: bytes) -> Path:
    """Write a finished file, explaining the usual reasons it cannot be written."""
    if out.is_dir():
        raise UserError(f"输出路径 {out} 是一个文件夹，请给出文件名（如 {out / '通报.docx'}）")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # A temporary file renamed into place: a full disk never leaves a truncated document where a good one was.
        write_atomically(out, data)
    except PermissionError:
        raise UserError(f"无法写入 {out}：没有权限，或该文件正在被 Word、WPS 或 Excel 打开（请先关闭）") from None
    except OSError as error:
        raise UserError(f"无法写入 {out}：{os_problem(error)}") from None
    return out


def _finish_properties(tpl: DocxTemplate, masker: Masker, last_modified_by: str) -> None:
    """Document properties as circulated: rendered text unescaped, names masked, dates now."""
    properties = tpl.docx.core_properties
    for name in _CORE_TEXT:
        value = getattr(properties, name) or ""
        value = masker.text(clean_text(html.unescape(value)))
        if name == "title":
            value = "".join(value.replace("｜", "|").split("|"))  # a title's manual line break is no part of it
        setattr(properties, name, value[:255])
    properties.last_modified_by = masker.text(clean_text(last_modified_by))
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)  # core.xml stores UTC
    properties.created = now
    properties.modified = now
    properties.revision = 1
    kit.neutral_metadata(tpl.docx)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARAGRAPH_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")


def _mask_paragraph(paragraph, masker: Masker) -> bool:
    """Mask a paragraph's text even where a name or number is split across runs (as Word splits
    text a person types); each replacement goes into the run where the original began."""
    nodes = list(paragraph.iter(f"{_W}t"))
    if not nodes:
        return False
    texts = [node.text or "" for node in nodes]
    joined = "".join(texts)
    masked = masker.text(joined)
    if masked == joined:
        return False
    starts, position = [], 0
    for text in texts:
        starts.append(position)
        position += len(text)

    def node_at(offset: int) -> int:
        return max(0, min(len(nodes) - 1, bisect.bisect_right(starts, offset) - 1))

    pieces = [""] * len(nodes)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, joined, masked, autojunk=False).get_opcodes():
        if tag == "equal":
            for offset in range(i1, i2):
                pieces[node_at(offset)] += joined[offset]
        else:
            pieces[node_at(i1)] += masked[j1:j2]
    for node, text in zip(nodes, pieces):
        node.text = text
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return True


def _scrub_paragraphs(content: bytes, masker: Masker) -> bytes | None:
    """A body, header or footer part with every paragraph masked; None when nothing needed it."""
    text = content.decode("utf-8")
    visible = html.unescape(_XML_TAGS.sub("", text))
    if masker.text(visible) == visible:
        return None  # the cheap test over the whole part: nothing to find, not even across runs
    root = etree.fromstring(content)
    changed = False
    for paragraph in root.iter(f"{_W}p"):
        changed |= _mask_paragraph(paragraph, masker)
    if not changed:
        return None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def scrub_package(data: bytes, masker: Masker) -> bytes:
    """Mask every party name, ID and phone number left in any XML part (body, headers, footers,
    properties), including those a clerk typed into a template, split across runs."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = [(info, source.read(info)) for info in source.infolist()]
    changed = False
    cleaned = []
    for info, content in members:
        if _PARAGRAPH_PARTS.match(info.filename):
            scrubbed = _scrub_paragraphs(content, masker)
            if scrubbed is not None:
                content, changed = scrubbed, True
        elif info.filename.endswith(".xml"):
            text = content.decode("utf-8")
            masked = _TEXT_NODE.sub(lambda m: ">" + masker.text(m.group(1)) + "<", text)
            if masked != text:
                content, changed = masked.encode("utf-8"), True
        cleaned.append((info, content))
    if not changed:
        return data
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in cleaned:
            target.writestr(info, content)
    return output.getvalue()
