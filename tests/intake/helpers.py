import csv
import io

from homesafe.intake.notifications import STANDARD_COLUMNS


def csv_bytes(rows: list[dict], *, columns=STANDARD_COLUMNS, encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def row_for(child, ref: str, **extra) -> dict:
    return {
        "police_reference": ref,
        "forename": child.first_name,
        "surname": child.last_name,
        "date_of_birth": child.date_of_birth.strftime("%d/%m/%Y"),
        "reported_at": "01/03/2026 10:30",
        "last_seen_at": "01/03/2026 09:00",
        "last_seen_location": "Town centre",
        "risk": "medium",
        "pre_planned": "N",
        **extra,
    }


def parse_report(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_bytes(rows: list[dict], *, columns=STANDARD_COLUMNS) -> bytes:
    """The rows as a spreadsheet (text cells, as a force's export has them)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
