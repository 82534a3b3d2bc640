"""A report pack's two files: the XLSX workbook (XlsxWriter: one sheet per section, numbers as
numbers, a suppressed count as the text "<5") and the PDF (WeasyPrint, the chart as SVG drawn
by vl-convert). Both are written from one PackContent (homesafe.insight.packs), so they say
the same thing.

WeasyPrint fetches nothing but the chart's data: URI (no network, no file). It is loaded
only when a PDF is written."""

from __future__ import annotations

import io
import re

import xlsxwriter
from django.template.loader import render_to_string
from django.utils import timezone
from markupsafe import Markup

from homesafe.insight.dashboard import Table
from homesafe.insight.packs import PackContent
from homesafe.insight.suppression import SMALL_COUNT, SUPPRESSED

BASE_URL = "https://homesafe.invalid/"
PDF_VARIANT = "pdf/ua-1"
SUPPRESSION_NOTE = (
    f'Numbers under {SMALL_COUNT} are shown as "{SUPPRESSED}", and shares and changes built '
    "on them as a dash, so that no child can be recognised."
)
SOURCE_NOTE = (
    "What each figure counts, and its source: the HomeSafe documentation, docs/insight.md."
)
_NUMBER = re.compile(r"^-?[\d,]+$")
_PERCENT = re.compile(r"^(\d+)%$")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def cell_value(cell) -> int | float | str:
    """A table cell as the workbook holds it: a count as a number, a share as a fraction (shown
    as a percentage), anything else ("<5", a dash, a label) as text. The dashboard's tables
    hold text ("1,234", "45%"), the pack's own tables numbers."""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int | float):
        return cell
    text = cell.striptags() if isinstance(cell, Markup) else str(cell)
    if _NUMBER.match(text):
        return int(text.replace(",", ""))
    if match := _PERCENT.match(text):
        return int(match.group(1)) / 100
    return text


def _sheet_name(index: int, caption: str, used: set[str]) -> str:
    name = _SHEET_NAME_BAD.sub(" ", f"{index:02d} {caption}")[:31].strip()
    while name.lower() in used:
        name = name[:28] + f" {len(used)}"
    used.add(name.lower())
    return name


def pack_tables(content: PackContent) -> list[Table]:
    """The pack's sections, in order."""
    return [content.headline, content.trend, *content.tables]


def pack_xlsx(content: PackContent) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"title": content.title, "author": "HomeSafe"})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    percent = book.add_format({"num_format": "0%"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    about = book.add_worksheet("About")
    about.set_column(0, 0, 34)
    about.set_column(1, 1, 70)
    about.write(0, 0, content.title, title)
    lines = [
        ("From", content.period.start.isoformat()),
        ("To (included)", content.period.end.isoformat()),
        ("Compared with", f"{content.previous.start} to {content.previous.end}"),
    ]
    if content.year_before:
        lines.append(("And with", f"{content.year_before.start} to {content.year_before.end}"))
    lines += [
        ("Built", timezone.localtime(content.built_at).strftime("%Y-%m-%d %H:%M")),
        ("Episodes counted", "Missing and away episodes reported in the period (London days)."),
        (
            "Median hours from last seen to return",
            content.median_hours if content.median_hours is not None else "Not shown",
        ),
    ]
    if content.suppress:
        lines.append(("Small numbers", SUPPRESSION_NOTE))
    lines.append(("Definitions", SOURCE_NOTE))
    for row, (label, value) in enumerate(lines, start=2):
        about.write(row, 0, label, bold)
        about.write(row, 1, value, wrap)

    used = {"about"}
    for index, table in enumerate(pack_tables(content), start=1):
        sheet = book.add_worksheet(_sheet_name(index, table.caption, used))
        sheet.write(0, 0, table.caption, title)
        sheet.set_column(0, 0, 48)
        sheet.set_column(1, len(table.head), 16)
        for col, head in enumerate(table.head):
            sheet.write(2, col, head, bold)
        for r, row in enumerate(table.rows, start=3):
            for col, cell in enumerate(row):
                value = cell_value(cell) if col else str(cell)
                if isinstance(value, float):
                    sheet.write_number(r, col, value, percent)
                elif isinstance(value, int):
                    sheet.write_number(r, col, value)
                else:
                    sheet.write_string(r, col, value)
        if not table.rows:
            sheet.write(3, 0, "None in the period.")
        sheet.freeze_panes(3, 1)
    book.close()
    return out.getvalue()


def pack_html(content: PackContent) -> str:
    return render_to_string(
        "insight/packs_pdf.html",
        {
            "pack": content,
            "tables": content.tables,
            "suppression_note": SUPPRESSION_NOTE,
            "source_note": SOURCE_NOTE,
            "built_at": timezone.localtime(content.built_at),
        },
    )


def pack_pdf(content: PackContent) -> bytes:
    # Imported here: loading WeasyPrint (Pango) takes most of a second, which no page that
    # imports this module at start-up should pay.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=pack_html(content), base_url=BASE_URL, url_fetcher=fetcher)
    # PDF/UA: a tagged PDF (headings, tables, the chart's text) that a screen reader reads, as
    # papers published to elected members must be (the public sector accessibility rules).
    return document.write_pdf(pdf_variant=PDF_VARIANT)
