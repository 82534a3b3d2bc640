"""Uploads that cannot sink the service (issue 12, point 3).

The bomb files are made here: a spreadsheet of a few cells declaring the whole sheet
(`A1:XFD1048576`, which openpyxl's own iterator pads every row to), a variant of a few
kilobytes with thousands of sparse cells far to the right and far down, and a CSV bigger
than the upload limit sent through the page. The tests count the rows and cells that were
read, never the time it took.
"""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from homesafe.intake.files import (
    XLSX_MAX_COLUMNS,
    XLSX_MAX_ROWS,
    XLSX_TOO_MANY_COLUMNS,
    XLSX_TOO_MANY_ROWS,
    PoliceFileError,
    _xlsx_lines,
    read_police_file,
)
from homesafe.intake.models import PoliceImport
from homesafe.intake.services_imports import police_import_upload
from homesafe.uploads import FILE_TOO_BIG, OversizeUpload
from tests.intake.helpers import csv_bytes, xlsx_bytes

ROWS = [
    {"police_reference": "B-1", "reported_at": "01/03/2026 10:30", "risk": "medium"},
    {"police_reference": "B-2", "reported_at": "01/03/2026 11:30", "risk": "high"},
]
COLUMNS = ("police_reference", "reported_at", "risk")


def _declaring_the_whole_sheet(content: bytes) -> bytes:
    """The same workbook, its first sheet declaring A1:XFD1048576 (16,384 x 1,048,576)."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            target.writestr(member.filename, data)
    return out.getvalue()


def _sparse_far_cells(*, column: int, rows: range) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in ROWS:
        sheet.append([row[c] for c in COLUMNS])
    for r in rows:
        sheet.cell(row=r, column=column, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_spreadsheet_declaring_the_whole_sheet_is_read_as_the_cells_it_has():
    bomb = _declaring_the_whole_sheet(xlsx_bytes(ROWS, columns=COLUMNS))
    assert len(bomb) < 6000
    declared = load_workbook(io.BytesIO(bomb), read_only=True).worksheets[0]
    assert (declared.max_row, declared.max_column) == (1_048_576, 16_384)  # a real bomb

    lines = list(_xlsx_lines(bomb))
    assert [line for line, _ in lines] == [1, 2, 3]
    assert sum(len(cells) for _, cells in lines) == 9  # 3 rows of 3 cells, no padding
    missing, rows = read_police_file(bomb)
    assert missing == [] and [r.values["police_reference"] for r in rows] == ["B-1", "B-2"]


def test_sparse_cells_far_to_the_right_are_refused_at_the_first_one():
    bomb = _sparse_far_cells(column=16_384, rows=range(10, 1_000_000, 500))
    assert len(bomb) < 40_000  # about 2,000 cells in column XFD
    read = []
    with pytest.raises(PoliceFileError) as refused:
        for line, cells in _xlsx_lines(bomb):
            read.append((line, len(cells)))
    assert str(refused.value) == XLSX_TOO_MANY_COLUMNS
    assert str(XLSX_MAX_COLUMNS) in XLSX_TOO_MANY_COLUMNS
    assert read == [(1, 3), (2, 3), (3, 3)]  # nothing past the first far cell


def test_sparse_rows_far_down_are_refused_past_the_row_limit():
    bomb = _sparse_far_cells(column=2, rows=range(100, 1_048_576, 5_000))
    read = []
    with pytest.raises(PoliceFileError) as refused:
        for line, _cells in _xlsx_lines(bomb):
            read.append(line)
    assert str(refused.value) == XLSX_TOO_MANY_ROWS
    assert f"{XLSX_MAX_ROWS:,}" in XLSX_TOO_MANY_ROWS
    # Only the rows in the file are read (about a hundred), never the gaps between them.
    assert len(read) == 3 + len(range(100, XLSX_MAX_ROWS + 1, 5_000))


def test_a_refused_spreadsheet_is_read_before_any_transaction_and_nothing_is_written(world):
    bomb = _sparse_far_cells(column=16_384, rows=range(10, 1_000_000, 500))
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as error:
        police_import_upload(
            force=world.orgs["force_a"],
            file_name="bomb.xlsx",
            content=bomb,
            actor=world.users["cmo_a"],
        )
    assert error.value.message_dict == {"file": [XLSX_TOO_MANY_COLUMNS]}
    assert len(queries) == 0  # no transaction (on SQLite, the write lock) while parsing
    assert not PoliceImport.objects.exists()


def test_the_import_page_names_the_limit_of_a_refused_spreadsheet(world, client):
    bomb = _sparse_far_cells(column=16_384, rows=range(10, 1_000_000, 500))
    client.force_login(world.users["cmo_a"])
    response = client.post(
        reverse("intake:imports"),
        {"force": world.orgs["force_a"].pk, "file": SimpleUploadedFile("bomb.xlsx", bomb)},
    )
    assert response.status_code == 400
    assert "beyond column 200 (GR)" in response.content.decode()
    assert not PoliceImport.objects.exists()


def test_a_csv_over_the_limit_is_refused_while_it_streams_in(world, client, settings):
    settings.HOMESAFE_MAX_UPLOAD_MB = 1
    big = csv_bytes([{**ROWS[0], "police_reference": f"B-{i}"} for i in range(60_000)])
    assert len(big) > 2 * 1024 * 1024
    client.force_login(world.users["cmo_a"])
    response = client.post(
        reverse("intake:imports"),
        {"force": world.orgs["force_a"].pk, "file": SimpleUploadedFile("big.csv", big)},
    )
    assert response.status_code == 400
    assert FILE_TOO_BIG.format(limit=1) in response.content.decode()
    assert not PoliceImport.objects.exists()


def test_past_the_limit_no_byte_of_the_file_is_kept(settings):
    """Django's parser with HomeSafe's handlers: the file arrives empty, with the size sent."""
    settings.HOMESAFE_MAX_UPLOAD_MB = 1
    big = b"police_reference\r\n" + b"B-123456789\r\n" * 300_000
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("big.csv", big)})
    request = RequestFactory().get("/")  # for its upload handlers, the settings' ones
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    _fields, files = MultiPartParser(meta, io.BytesIO(body), request.upload_handlers).parse()
    upload = files["file"]
    assert isinstance(upload, OversizeUpload)
    assert upload.size == len(big) and upload.read() == b""
