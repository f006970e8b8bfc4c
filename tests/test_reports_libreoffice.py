"""Every generated document opens in LibreOffice (converted to PDF), hostile input included."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_reports_templates import hostile_results

from docx import Document

from pingcha.paths import templates_dir
from pingcha.reports import render_bulletin, render_notices, render_sheets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_reports import synthetic_results  # noqa: E402

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) 未安装：无法验证文书能被 LibreOffice 打开；安装 libreoffice-writer 后可运行"
)


# LibreOffice's PDF export leaves out the blank pages it inserts (an even-page section break after an
# even page) unless told to keep them; a printer, like Word, prints them.
KEEP_BLANK_PAGES = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def to_pdf(paths, folder, *, keep_blank_pages=False):
    folder.mkdir()
    # A private profile, so a desktop LibreOffice left open does not block the conversion.
    profile = (folder / "profile").as_uri()
    target = KEEP_BLANK_PAGES if keep_blank_pages else "pdf"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(folder),
         *map(str, paths)],
        check=True, capture_output=True, timeout=400,
    )
    return {path.stem: folder / f"{path.stem}.pdf" for path in paths}


def test_bulletin_sheets_and_notices_convert_to_pdf(tmp_path):
    results = hostile_results()
    documents = [
        render_bulletin(results, tmp_path / "通报.docx", allow_pending=True),
        *render_sheets(results, tmp_path / "评查表")[-2:],
        *render_notices(results, tmp_path / "通知"),
    ]
    pdfs = to_pdf(documents, tmp_path / "pdf")
    for path in documents:
        pdf = pdfs[path.stem]
        assert pdf.is_file() and pdf.stat().st_size > 5000, f"{path.name} 未能转换为 PDF"
    if PDFTOTEXT:
        text = subprocess.run([PDFTOTEXT, str(pdfs["通报"]), "-"], capture_output=True, text=True, check=True).stdout
        squeezed = "".join(text.split())  # pdftotext puts spaces between Chinese and digits
        assert "关于2024年度行政处罚案卷评查结果的通报" in squeezed
        assert "A&B<w:p>" in squeezed
        assert "—1—" in squeezed and "2024年3月21日印发" in squeezed


def page_texts(pdf) -> list[str]:
    """Each page's text, spaces removed (pdftotext puts spaces between Chinese and digits)."""
    raw = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return ["".join(page.split()) for page in raw.split("\f")[:-1]]


def colophon_pages(path, folder) -> tuple[list[str], bool]:
    """The pages of the converted 通报, checked for the 版记's place; and whether a blank page precedes it."""
    pages = page_texts(to_pdf([path], folder, keep_blank_pages=True)[path.stem])
    assert len(pages) % 2 == 0, f"{len(pages)} 页"
    assert pages[-1].startswith("抄送：") and pages[-1].endswith("印发"), pages[-1]
    assert not re.search(r"—\d+—", pages[-1])  # the 版记 page is not numbered
    blank_before = pages[-2] == ""
    if blank_before:
        assert pages[-3] and re.search(r"—\d+—", pages[-3])  # one blank page, after a numbered one
    else:
        assert re.search(r"—\d+—", pages[-2])
    return pages, blank_before


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext 未安装（poppler-utils）")
@pytest.mark.parametrize("count", [60, 700])
def test_the_colophon_is_alone_on_an_even_last_page_and_the_body_stays_short(tmp_path, count):
    """GB/T 9704: the 版记 on the last page, an even one; the body does not grow with the files."""
    path = render_bulletin(synthetic_results(count), tmp_path / "通报.docx", allow_pending=True)
    pages, _ = colophon_pages(path, tmp_path / "pdf")
    body = next(n for n, page in enumerate(pages) if page.startswith("附件1"))
    assert body <= 20, f"正文 {body} 页"
    assert sum(page.startswith("附件3评查结果汇总表") for page in pages) == 1


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext 未安装（poppler-utils）")
def test_a_blank_page_is_added_exactly_when_the_annexes_end_on_an_even_page(tmp_path):
    """The same 通报 twice, the second with one more page before the annexes: one of the two ends on an
    even page and gets a blank page before the 版记, the other does not."""
    results = synthetic_results(60)
    folder = tmp_path / "模板"
    folder.mkdir()
    shutil.copy(templates_dir() / "bulletin.docx", folder / "bulletin.docx")
    doc = Document(folder / "bulletin.docx")
    annex_loop = [p for p in doc.paragraphs if p.text == "{%p for a in annexes %}"][-1]
    spare = annex_loop.insert_paragraph_before("（本页为插入的空页）")
    spare.paragraph_format.page_break_before = True
    doc.save(folder / "bulletin.docx")
    outcomes = set()
    for name, templates in (("原版", None), ("多一页", folder)):
        path = render_bulletin(results, tmp_path / f"{name}.docx", templates=templates, allow_pending=True)
        outcomes.add(colophon_pages(path, tmp_path / f"pdf-{name}")[1])
    assert outcomes == {True, False}
