"""The draft 年度工作总结 as a Word document (python-docx): a title, a line saying where the figures
come from, then numbered headings with Chinese sentences and tables built from the figures.

The same `Draft` is shown on the page before it is downloaded (web/templates/web/summary/), so the
office sees exactly the figures the document holds. East Asian fonts are set on the styles and on
every run (w:eastAsia), so WPS and Word show 宋体/仿宋/黑体 rather than a Latin fallback.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"


# ---- the draft's outline (what both the page and the document show) -------------------------------

@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    kind: str = "table"

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Each cell with its column's header (the page's phone layout labels every cell)."""
        return [list(zip(self.header, row)) for row in self.rows]


@dataclass
class Paragraph:
    text: str
    kind: str = "paragraph"
    placeholder: bool = False


@dataclass
class Section:
    heading: str
    blocks: list = field(default_factory=list)

    def say(self, text: str, *, placeholder: bool = False) -> "Section":
        self.blocks.append(Paragraph(text, placeholder=placeholder))
        return self

    def table(self, caption: str, header: list[str], rows: list[list]) -> "Section":
        if rows:
            self.blocks.append(Table(caption, header, [[str(cell) for cell in row] for row in rows]))
        return self


@dataclass
class Draft:
    title: str
    intro: str
    sections: list[Section]
    file_name: str
    closing: list[str] = field(default_factory=list)


# ---- how figures are written ------------------------------------------------------------------------

def yuan(amount) -> str:
    """¥1,234.50 (two decimals, thousands separated)."""
    value = Decimal(amount or 0).quantize(Decimal("0.01"))
    return f"¥{value:,.2f}"


def rate(value) -> str:
    """75.0% — or 「—」 where there was nothing to divide."""
    return "—" if value is None else f"{Decimal(value):.1f}%"


# ---- the document -------------------------------------------------------------------------------

def _east_asian(element, font: str) -> None:
    """Set the Latin and the East Asian font of a style's or a run's rPr."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)


def _style(document, name: str, font: str, size: float, *, bold: bool = False) -> None:
    style = document.styles[name]
    style.font.name = font
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    _east_asian(style.element, font)


def _run(paragraph, text: str, font: str, *, size: float | None = None, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.name = font
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    _east_asian(run._element, font)
    return run


def write(draft: Draft) -> bytes:
    """The .docx of `draft`, as bytes."""
    document = Document()
    _style(document, "Normal", BODY_FONT, 14)
    _style(document, "Title", TITLE_FONT, 20, bold=True)
    _style(document, "Heading 1", HEADING_FONT, 16)
    _style(document, "Heading 2", HEADING_FONT, 14)
    document.core_properties.title = draft.title
    document.core_properties.author = ""
    document.core_properties.comments = draft.intro

    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, draft.title, TITLE_FONT, size=20, bold=True)
    intro = document.add_paragraph()
    intro.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(intro, draft.intro, "楷体", size=12)

    for section in draft.sections:
        heading = document.add_paragraph(style="Heading 1")
        _run(heading, section.heading, HEADING_FONT, size=16)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(document, block)
            else:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.first_line_indent = Pt(28)
                paragraph.paragraph_format.line_spacing = 1.5
                _run(paragraph, block.text, "楷体" if block.placeholder else BODY_FONT, size=14)
    for line in draft.closing:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(paragraph, line, BODY_FONT, size=14)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document, table: Table) -> None:
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(caption, table.caption, HEADING_FONT, size=12)
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate([table.header, *table.rows]):
        for c, value in enumerate(row):
            cell = grid.cell(r, c)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if c == 0 else WD_ALIGN_PARAGRAPH.CENTER
            _run(paragraph, value, TABLE_FONT, size=11, bold=r == 0)
    document.add_paragraph()
