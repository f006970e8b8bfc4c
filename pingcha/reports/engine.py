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

import html
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from pingcha.errors import UserError
from pingcha.files import os_problem, write_atomically
from pingcha.paths import templates_dir
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


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


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
            env.parse(source)
        except TemplateSyntaxError as error:
            raise UserError(_syntax_message(path, label, error, source)) from None


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


def _explain(message: str) -> str:
    for pattern, explanation in _EXPLANATIONS:
        match = pattern.search(message)
        if match:
            return f"{explanation.format(*match.groups())}：{message}"
    return message


def _syntax_message(path: Path, label: str, error: TemplateSyntaxError, source: str) -> str:
    where = _line_text(source, error.lineno)
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
) -> Path:
    """Render ``template`` with ``context`` into ``out``; ``finish`` may adjust the document first."""
    try:
        tpl = DocxTemplate(template)
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UserError(f"模板文件 {template} 不是有效的 Word 文档（.docx）：{error}") from None
    env = _environment()
    _check_template(tpl, template, env)
    try:
        tpl.render(clean(dict(context)), jinja_env=env)
    except TemplateError as error:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
        where = _line_text(source, getattr(error, "lineno", None) or _runtime_line(error))
        near = f"，出错处附近的文字：“{where}”" if where else ""
        raise UserError(f"模板 {template.name} 无法生成文书（{_explain(str(error))}）{near}。模板文件：{template}") from None
    _finish_properties(tpl, masker, last_modified_by)
    if finish is not None:
        finish(tpl)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return write_output(out, scrub_package(buffer.getvalue(), masker))


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
        setattr(properties, name, masker.text(clean_text(html.unescape(value)))[:255])
    properties.last_modified_by = masker.text(clean_text(last_modified_by))
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)  # core.xml stores UTC
    properties.created = now
    properties.modified = now
    properties.revision = 1


def scrub_package(data: bytes, masker: Masker) -> bytes:
    """Mask every party name left in any XML part's text (body, headers, footers, properties)."""
    if masker.pattern is None:
        return data
    source = zipfile.ZipFile(io.BytesIO(data))
    members = [(info, source.read(info)) for info in source.infolist()]
    changed = False
    cleaned = []
    for info, content in members:
        if info.filename.endswith((".xml", ".rels")):
            text = content.decode("utf-8")
            if masker.pattern.search(text):
                text = _TEXT_NODE.sub(lambda m: ">" + masker.names(m.group(1)) + "<", text)
                content = text.encode("utf-8")
                changed = True
        cleaned.append((info, content))
    if not changed:
        return data
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in cleaned:
            target.writestr(info, content)
    return output.getvalue()
