"""Reading a police download (CSV or XLSX) into rows of standard columns, with line numbers.

CSV comes as UTF-8 with or without a byte-order mark, or Windows-1252; the first non-empty
line is the header. A force's own column names are mapped through its ForceMapping. Cells
are read as text and never evaluated: a cell like `=HYPERLINK(...)` is just those characters.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from homesafe.intake.notifications import STANDARD_COLUMNS

FILE_EMPTY = "The file is empty: it needs a header line and at least one row."
FILE_UNREADABLE_XLSX = "The spreadsheet cannot be opened. Save it again as .xlsx or .csv."
LINE_UNREADABLE = "This line cannot be read as CSV: {error}."
# A spreadsheet is read as a stream, within these limits (issue 12: a 1.5 KB file declaring
# A1:XFD1048576 once held the service for minutes). A police download has one row per report
# and a few dozen columns; the limits are far above that and far below what hurts.
XLSX_MAX_ROWS = 500_000
XLSX_MAX_COLUMNS = 200  # column GR
XLSX_MAX_CELLS = 10_000_000  # filled cells
XLSX_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
XLSX_TOO_MANY_ROWS = (
    f"The spreadsheet has rows beyond row {XLSX_MAX_ROWS:,}, the most a download can have. "
    "Split it into smaller files, or save it as CSV."
)
XLSX_TOO_MANY_COLUMNS = (
    f"The spreadsheet has cells beyond column {XLSX_MAX_COLUMNS} (GR), the most a download "
    "can have. Delete the cells to the right of the data, or save it as CSV."
)
XLSX_TOO_MANY_CELLS = (
    f"The spreadsheet has more than {XLSX_MAX_CELLS:,} filled cells, the most a download "
    "can have. Split it into smaller files."
)
XLSX_TOO_BIG_UNPACKED = "The spreadsheet unpacks to more than 1 GB. Save it as CSV."
REQUIRED_COLUMNS = ("police_reference",)

csv.field_size_limit(1_000_000)


class PoliceFileError(Exception):
    """The file as a whole cannot be read (no rows can be checked)."""


@dataclass(frozen=True)
class SourceRow:
    """One row of the file: its line (the header is line 1), its values by standard column,
    or the reason the line could not be read at all."""

    line: int
    values: dict
    unreadable: str = ""


def decode(content: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped) or else Windows-1252; never fails."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def normalise_header(name) -> str:
    return re.sub(r"[\s\-]+", "_", str(name or "").replace("\ufeff", "").strip().lower())


def column_map(header: list, columns: dict) -> dict[int, str]:
    """Column position -> standard column, through the force's own names (first one wins)."""
    own = {normalise_header(k): v for k, v in (columns or {}).items()}
    positions: dict[int, str] = {}
    taken: set[str] = set()
    for position, name in enumerate(header):
        key = normalise_header(name)
        standard = own.get(key, key)
        if standard in STANDARD_COLUMNS and standard not in taken:
            positions[position] = standard
            taken.add(standard)
    return positions


def is_xlsx(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def _rows_from_cells(
    rows: Iterator[tuple[int, list]], columns: dict
) -> tuple[list[str], Iterator[SourceRow]]:
    positions: dict[int, str] | None = None
    for _line, cells in rows:
        if isinstance(cells, _Unreadable):
            raise PoliceFileError(LINE_UNREADABLE.format(error=cells.error))
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        positions = column_map(cells, columns)
        break
    if positions is None:
        raise PoliceFileError(FILE_EMPTY)
    missing = [c for c in REQUIRED_COLUMNS if c not in positions.values()]

    def body() -> Iterator[SourceRow]:
        for line, cells in rows:
            if isinstance(cells, _Unreadable):
                yield SourceRow(
                    line=line, values={}, unreadable=LINE_UNREADABLE.format(error=cells.error)
                )
                return
            if not any(str(c).strip() for c in cells if c is not None):
                continue
            values = {
                standard: cells[position] if position < len(cells) else None
                for position, standard in positions.items()
            }
            yield SourceRow(line=line, values=values)

    return missing, body()


def _csv_lines(text: str) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, _Unreadable(str(error))
            return
        yield start, cells
        start = reader.line_num + 1


class _Unreadable(list):
    """A line the CSV reader gave up on: reported, and the rest of the file is not read."""

    def __init__(self, error: str):
        super().__init__(["?"])
        self.error = error


def _xlsx_lines(content: bytes) -> Iterator[tuple[int, list]]:
    """The first sheet's rows as (row number, values), read as a stream (issue 12).

    A sheet's declared size (`<dimension ref="A1:XFD1048576">`) is ignored: rows and cells
    that are not in the file are not made up, so a row is as long as its last cell and a
    missing row is skipped (its number is still the line). Past XLSX_MAX_ROWS, past
    XLSX_MAX_COLUMNS or past XLSX_MAX_CELLS filled cells the file is refused, naming the
    limit, as soon as the first cell beyond it is read; the unpacked size is checked before
    anything is read."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    cells_read = 0
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            raise PoliceFileError(XLSX_TOO_BIG_UNPACKED)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # openpyxl's own row iterator pads every row to the declared width and fills the
        # gaps between rows; its parser gives only the cells that are there.
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for line, cells in parser.parse():
                if line > XLSX_MAX_ROWS:
                    raise PoliceFileError(XLSX_TOO_MANY_ROWS)
                values: list = []
                for cell in cells:
                    column = cell["column"]
                    if column > XLSX_MAX_COLUMNS:
                        raise PoliceFileError(XLSX_TOO_MANY_COLUMNS)
                    if cell["value"] is None:
                        continue
                    cells_read += 1
                    if cells_read > XLSX_MAX_CELLS:
                        raise PoliceFileError(XLSX_TOO_MANY_CELLS)
                    values.extend([None] * (column - 1 - len(values)))
                    values.append(cell["value"])
                yield line, values
        workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as error:
        raise PoliceFileError(FILE_UNREADABLE_XLSX) from error


def read_police_file(content: bytes, *, columns: dict | None = None) -> tuple[list[str], Iterator]:
    """The missing required columns and an iterator over the file's rows (SourceRow)."""
    lines = _xlsx_lines(content) if is_xlsx(content) else _csv_lines(decode(content))
    return _rows_from_cells(lines, columns or {})


def count_rows(content: bytes) -> int:
    """About how many rows the file has (for the progress bar): its non-empty lines less one."""
    if is_xlsx(content):
        return max(0, sum(1 for _ in _xlsx_lines(content)) - 1)
    return max(0, sum(1 for line in decode(content).splitlines() if line.strip()) - 1)
