"""Every generated document opens in LibreOffice (converted to PDF), hostile input included."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from test_reports_templates import hostile_results

from pingcha.reports import render_bulletin, render_notices, render_sheets

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) 未安装：无法验证文书能被 LibreOffice 打开；安装 libreoffice-writer 后可运行"
)


def to_pdf(paths, folder):
    folder.mkdir()
    # A private profile, so a desktop LibreOffice left open does not block the conversion.
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
         *map(str, paths)],
        check=True, capture_output=True, timeout=240,
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
