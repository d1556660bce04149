"""A native Word chart: the DrawingML chart part and the workbook embedded in it.

What Word's Insert > Chart makes: ``word/charts/chartN.xml`` (a ``c:barChart`` with
``barDir="bar"``, its values cached in the part), related from the document part,
plus ``word/embeddings/chartN.xlsx`` holding the same table, related from the chart
part.  Word's "Edit Data" opens that workbook; LibreOffice edits the cached table.
Colours and fonts follow the house style; the value labels show the numbers, so
they stay right when an analyst changes the data.

The workbook is written directly (a sheet of inline strings and numbers needs no
spreadsheet library), zipped as the document is, with fixed timestamps, so the
same chart gives the same bytes.
"""
from __future__ import annotations


from .. import charts
from ..document import Chart
from ..style import HouseStyle
from ..sheets import column_letter   # spreadsheet column names, one definition

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_REL = _DOC_REL + "/chart"
_PACKAGE_REL = _DOC_REL + "/package"

_LANG_TAG = {"en": "en-GB", "zh": "zh-CN"}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _x(text: str) -> str:
    """Text for an XML element or a double-quoted attribute."""
    # Not xml.sax.saxutils.escape: importing it pulls in urllib.request and email.
    return (charts.clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


# --------------------------------------------------------------------------- the workbook

def workbook(chart: Chart) -> bytes:
    """The chart's table as an .xlsx: categories in column A, one column per series, names in row 1."""
    names = charts.series_names(chart)
    rows = ['<row r="1">' + "".join(
        f'<c r="{column_letter(s + 1)}1" t="inlineStr"><is><t>{_x(name)}</t></is></c>'
        for s, name in enumerate(names)) + "</row>"]
    for i, bar in enumerate(chart.bars, start=2):
        cells = [f'<c r="A{i}" t="inlineStr"><is><t>{_x(bar.label)}</t></is></c>']
        for s in range(len(names)):
            value = bar.values[s] if s < len(bar.values) else None
            if value is not None:       # no data: an empty cell, which the chart leaves as a gap
                cells.append(f'<c r="{column_letter(s + 1)}{i}"><v>{_number(value)}</v></c>')
        rows.append(f'<row r="{i}">{"".join(cells)}</row>')
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/></Types>'),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_SHEET_NS}" '
            f'xmlns:r="{_R}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_DOC_REL}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{_SHEET_NS}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '</styleSheet>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_SHEET_NS}">'
            f'<sheetData>{"".join(rows)}</sheetData></worksheet>'),
    }
    from .docx.zipped import member, write

    return write([member(name, text.encode("utf-8")) for name, text in members.items()], _ZIP_DATE)


# --------------------------------------------------------------------------- the chart part

def _run_props(size: float, colour: str, house: HouseStyle, lang: str) -> str:
    from .docx import word_fonts

    latin, east_asia = word_fonts(house, lang)
    return (f'<a:defRPr sz="{round(size * 100)}" b="0"><a:solidFill><a:srgbClr val="{colour.lstrip("#")}"/>'
            f'</a:solidFill><a:latin typeface="{_x(latin)}"/>'
            f'<a:ea typeface="{_x(east_asia)}"/></a:defRPr>')


def _text_props(size: float, colour: str, house: HouseStyle, lang: str) -> str:
    # Horizontal and unwrapped: a value label is never broken over two lines ("200,0 / 00"),
    # nor a tick value turned on its side.
    return (f'<c:txPr><a:bodyPr rot="0" vert="horz" wrap="none"/><a:lstStyle/><a:p><a:pPr>{_run_props(size, colour, house, lang)}</a:pPr>'
            f'<a:endParaRPr lang="{_LANG_TAG.get(lang, "en-GB")}"/></a:p></c:txPr>')


def _line(colour: str | None, width_emu: int = 6350) -> str:
    if colour is None:
        return "<c:spPr><a:ln><a:noFill/></a:ln></c:spPr>"
    return f'<c:spPr><a:ln w="{width_emu}"><a:solidFill><a:srgbClr val="{colour.lstrip("#")}"/></a:solidFill></a:ln></c:spPr>'


def chart_xml(chart: Chart, house: HouseStyle) -> bytes:
    """The chart part: clustered horizontal bars, first category at the top, values cached."""
    lang = chart.lang
    tag = _LANG_TAG.get(lang, "en-GB")
    names = charts.series_names(chart)
    colours = charts.series_colours(house.accent, len(names))
    size = house.body_size * 0.85
    n = len(chart.bars)
    cats = "".join(f'<c:pt idx="{i}"><c:v>{_x(bar.label)}</c:v></c:pt>' for i, bar in enumerate(chart.bars))
    series = []
    for s, name in enumerate(names):
        col = column_letter(s + 1)
        points = "".join(f'<c:pt idx="{i}"><c:v>{_number(bar.values[s])}</c:v></c:pt>'
                         for i, bar in enumerate(chart.bars)
                         if s < len(bar.values) and bar.values[s] is not None)
        series.append(
            f'<c:ser><c:idx val="{s}"/><c:order val="{s}"/>'
            f'<c:tx><c:strRef><c:f>Sheet1!${col}$1</c:f><c:strCache><c:ptCount val="1"/>'
            f'<c:pt idx="0"><c:v>{_x(name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
            f'<c:spPr><a:solidFill><a:srgbClr val="{colours[s].lstrip("#")}"/></a:solidFill></c:spPr>'
            '<c:invertIfNegative val="0"/>'
            f'<c:dLbls><c:numFmt formatCode="#,##0.###" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
            f'{_text_props(size, charts.INK, house, lang)}<c:dLblPos val="outEnd"/>'
            '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
            '<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
            f'<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${n + 1}</c:f><c:strCache><c:ptCount val="{n}"/>{cats}'
            '</c:strCache></c:strRef></c:cat>'
            f'<c:val><c:numRef><c:f>Sheet1!${col}$2:${col}${n + 1}</c:f><c:numCache>'
            f'<c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{points}</c:numCache></c:numRef></c:val>'
            '</c:ser>')
    unit = charts.clean(chart.unit_label).strip()
    unit_title = "" if not unit else (
        f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_run_props(size * 0.9, charts.GREY, house, lang)}'
        f'</a:pPr><a:r><a:rPr lang="{tag}" sz="{round(size * 90)}" b="0"/><a:t>{_x(unit)}</a:t></a:r></a:p>'
        '</c:rich></c:tx><c:overlay val="0"/></c:title>')
    legend = ('<c:legend><c:legendPos val="t"/><c:overlay val="0"/>'
              f'{_text_props(size, charts.INK, house, lang)}</c:legend>') if len(chart.series) >= 2 else ""
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}">'
        f'<c:date1904 val="0"/><c:lang val="{tag}"/><c:roundedCorners val="0"/>'
        '<c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>'
        '<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        f'{"".join(series)}<c:gapWidth val="60"/><c:axId val="50010001"/><c:axId val="50010002"/></c:barChart>'
        # Categories run top to bottom as they are read (maxMin); the value axis then
        # crosses at the last category, so its numbers sit under the bars, not over them.
        '<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        f'{_line(charts.MUTED, 9525)}{_text_props(size, charts.INK, house, lang)}'
        '<c:crossAx val="50010002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="b"/><c:majorGridlines>{_line(charts.GRID)}</c:majorGridlines>'
        f'{unit_title}<c:numFmt formatCode="#,##0.###" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{_line(None)}{_text_props(size * 0.9, charts.GREY, house, lang)}'
        '<c:crossAx val="50010001"/><c:crosses val="max"/><c:crossBetween val="between"/></c:valAx>'
        '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr></c:plotArea>'
        f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
        f'{_text_props(size, charts.INK, house, lang)}'
        '<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>')
    return xml.encode("utf-8")


def chart_parts(number: int, chart: Chart, house: HouseStyle) -> dict[str, bytes]:
    """Chart ``number``'s parts by zip member name: the chart, its relationships and its workbook."""
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_PACKAGE_REL}" Target="../embeddings/chart{number}.xlsx"/>'
            '</Relationships>')       # rId1, as the chart's externalData says
    return {f"word/charts/chart{number}.xml": chart_xml(chart, house),
            f"word/charts/_rels/chart{number}.xml.rels": rels.encode("utf-8"),
            f"word/embeddings/chart{number}.xlsx": workbook(chart)}


def inline_xml(r_id: str, drawing_id: int, width_emu: int, height_emu: int, alt_text: str,
               title: str) -> str:
    """The run content that places the chart inline, with its alt text on wp:docPr."""
    return (
        f'<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        f'xmlns:wp="{_WP}" xmlns:a="{_A}" xmlns:c="{_C}" xmlns:r="{_R}">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{width_emu}" cy="{height_emu}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{drawing_id}" name="Chart" descr="{_x(alt_text)}" title="{_x(title)}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{_C}"><c:chart r:id="{r_id}"/></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing>')
