"""Native Word charts (DrawingML chart parts) in a python-docx document: bars and lines with Chinese labels.

Word, WPS and LibreOffice draw these themselves with the reader's own fonts, so nothing is rendered here and no
font has to be shipped or installed: a chart renders wherever the document opens, and stays a chart a person
can restyle. The figures travel in the chart's cache (the c:strCache/c:numCache that Word itself writes), so no
embedded workbook is needed to show it; "编辑数据" in Word offers to recreate one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Mm

CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
COLOURS = ("4472C4", "ED7D31", "A5A5A5", "70AD47", "FFC000", "5B9BD5", "264478")
FONT = "宋体"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no figure for that category (left blank, not drawn as 0)


def _font(size: int, bold: bool = False) -> str:
    return (f'<a:defRPr sz="{size}" b="{int(bold)}"><a:latin typeface="{FONT}"/><a:ea typeface="{FONT}"/>'
            f'</a:defRPr>')


def _text_properties(size: int) -> str:
    return f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(size)}</a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'


def _strings(ref: str, values: Sequence[str]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{escape(v)}</c:v></c:pt>' for i, v in enumerate(values))
    return f'<c:strRef><c:f>{ref}</c:f><c:strCache><c:ptCount val="{len(values)}"/>{points}</c:strCache></c:strRef>'


def _numbers(ref: str, values: Sequence[float | None], code: str) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(values) if v is not None)
    return (f'<c:numRef><c:f>{ref}</c:f><c:numCache><c:formatCode>{code}</c:formatCode>'
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef>')


def _column(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def chart_xml(kind: str, title: str, categories: Sequence[str], series: Sequence[Series], *,
              horizontal: bool = False, number_format: str = "0.0", maximum: float | None = None,
              axis_title: str = "") -> bytes:
    """A chartSpace: ``kind`` "bar" (clustered bars; ``horizontal`` for long category names) or "line"."""
    last = len(categories) + 1
    body = []
    for n, s in enumerate(series):
        column = _column(n + 1)
        colour = COLOURS[n % len(COLOURS)]
        look = (f'<c:spPr><a:ln w="28575"><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></a:ln></c:spPr>'
                f'<c:marker><c:symbol val="circle"/><c:size val="6"/></c:marker>' if kind == "line" else
                f'<c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>')
        labels = ('<c:dLbls><c:numFmt formatCode="{0}" sourceLinked="0"/><c:spPr><a:noFill/></c:spPr>{1}'
                  '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
                  '<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>').format(number_format,
                                                                                      _text_properties(800))
        body.append(
            f'<c:ser><c:idx val="{n}"/><c:order val="{n}"/><c:tx>{_strings(f"Sheet1!${column}$1", [s.name])}</c:tx>'
            f'{look}{labels if len(series) <= 3 else ""}'
            f'<c:cat>{_strings(f"Sheet1!$A$2:$A${last}", list(categories))}</c:cat>'
            f'<c:val>{_numbers(f"Sheet1!${column}$2:${column}${last}", list(s.values), number_format)}</c:val>'
            + ('<c:smooth val="0"/>' if kind == "line" else "") + '</c:ser>')
    if kind == "line":
        plot = f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{"".join(body)}' \
               '<c:marker val="1"/><c:axId val="5001"/><c:axId val="5002"/></c:lineChart>'
    else:
        plot = (f'<c:barChart><c:barDir val="{"bar" if horizontal else "col"}"/><c:grouping val="clustered"/>'
                f'<c:varyColors val="0"/>{"".join(body)}<c:gapWidth val="60"/>'
                '<c:axId val="5001"/><c:axId val="5002"/></c:barChart>')
    cat_pos, val_pos = ("l", "b") if horizontal else ("b", "l")
    orientation = "maxMin" if horizontal else "minMax"  # horizontal bars read top down, as the table does
    ceiling = "" if maximum is None else f'<c:max val="{maximum}"/>'
    scaling = f'<c:scaling><c:orientation val="minMax"/>{ceiling}<c:min val="0"/></c:scaling>'
    value_title = (f'<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr>{_font(900)}</a:pPr><a:r><a:rPr lang="zh-CN" '
                   f'sz="900"><a:latin typeface="{FONT}"/><a:ea typeface="{FONT}"/></a:rPr><a:t>{escape(axis_title)}'
                   '</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>') if axis_title else ""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}"><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        f'<c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr>{_font(1200, True)}</a:pPr><a:r><a:rPr lang="zh-CN" '
        f'sz="1200" b="1"><a:latin typeface="{FONT}"/><a:ea typeface="{FONT}"/></a:rPr><a:t>{escape(title)}</a:t>'
        '</a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
        f'<c:plotArea><c:layout/>{plot}'
        f'<c:catAx><c:axId val="5001"/><c:scaling><c:orientation val="{orientation}"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="low"/>{_text_properties(900)}<c:crossAx val="5002"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>'
        '<c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="5002"/>{scaling}<c:delete val="0"/><c:axPos val="{val_pos}"/><c:majorGridlines>'
        '<c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>'
        f'{value_title}<c:numFmt formatCode="0" sourceLinked="0"/><c:majorTickMark val="out"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{_text_properties(900)}<c:crossAx val="5001"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx></c:plotArea>'
        f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>{_text_properties(900)}</c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'{_text_properties(900)}</c:chartSpace>'
    )
    return xml.encode("utf-8")


def add_chart(doc, xml: bytes, width_mm: float, height_mm: float) -> None:
    """Append a paragraph holding the chart ``xml`` (from ``chart_xml``) at the given size."""
    package = doc.part.package
    taken = {str(p.partname) for p in package.iter_parts()}
    number = 1
    while f"/word/charts/chart{number}.xml" in taken:
        number += 1
    part = Part(PackURI(f"/word/charts/chart{number}.xml"), CHART_TYPE, xml, package)
    rid = doc.part.relate_to(part, RT.CHART)
    cx, cy = Mm(width_mm), Mm(height_mm)
    inline = parse_xml(
        f'<wp:inline xmlns:wp="{WP}" xmlns:a="{A}" xmlns:c="{C}" xmlns:r="{R}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{9000 + number}" name="图表 {number}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{C}"><c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline>'
    )
    paragraph = doc.add_paragraph()
    paragraph.alignment = 1  # centred
    # The body's exact line height (GB/T 9704's 22 lines a page) would clip the chart to one line.
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.first_line_indent = 0
    paragraph.paragraph_format.keep_together = True
    drawing = parse_xml(f'<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    drawing.append(inline)
    paragraph.add_run()._r.append(drawing)
