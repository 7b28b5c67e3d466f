"""Tables for people who work in Excel: CSV (UTF-8 with a BOM, so Excel shows Thai) and XLSX."""
import csv
import io
from datetime import datetime
from typing import cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from engine.calendar.thai import format_thai_date
from engine.reporting.dashboard import STATE_COLOURS, STATE_LABELS

BOM = "\ufeff"
MAX_SHEET_TITLE = 31  # Excel refuses longer sheet names


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    """The table as CSV text in UTF-8 with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, headers: list[str], rows: list[list], fills: list[list[str | None]] | None = None) -> bytes:
    """The table as one XLSX sheet: bold frozen header, optional background colour per cell."""
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new Workbook opens on one worksheet, active
    sheet.title = title[:MAX_SHEET_TITLE]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, row in enumerate(rows):
        sheet.append(row)
        for column, colour in enumerate(fills[index] if fills else [], start=1):
            if colour:
                sheet.cell(row=index + 2, column=column).fill = PatternFill("solid", start_color=colour,
                                                                            end_color=colour)
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def matrix_table(matrix: dict) -> tuple[list[str], list[list], list[list[str | None]]]:
    """The schools × steps matrix as headers, rows of Thai state labels, and each cell's colour."""
    headers = ["รหัสโรงเรียน / School code", "โรงเรียน / School", "เครือข่าย / Network",
               *[column["name"] for column in matrix["columns"]]]
    rows, fills = [], []
    for row in matrix["rows"]:
        rows.append([row["school"], row["school_name"], row["network_name"],
                     *[STATE_LABELS[state][0] for state in row["cells"]]])
        fills.append([None, None, None, *[STATE_COLOURS[state] for state in row["cells"]]])
    return headers, rows, fills


def late_table(late: list[dict], tz) -> tuple[list[str], list[list]]:
    """The late steps as headers and rows, due dates in พ.ศ."""
    headers = ["กระบวนงาน / Process", "ขั้นตอน / Step", "รหัสโรงเรียน / School code", "โรงเรียน / School",
               "ผู้รับผิดชอบ / Assignee", "บทบาท / Role", "กำหนดเสร็จ / Due", "เลยกำหนด (วัน) / Days late",
               "งาน / Task", "กระบวนงานหลัก / Instance"]
    rows = [[t["process_name"], t["name"], t["school"] or "", t["school_name"] or "",
             t["assignee_name"] or "", t["role"], format_thai_date(t["due_at"].astimezone(tz)), t["days_late"],
             t["id"], t["root_instance_id"]] for t in late]
    return headers, rows


def export_name(kind: str, process_id: str | None, cycle: int | None, now: datetime, ext: str) -> str:
    """A download's file name, e.g. matrix_qa_annual_cycle_2570_20270401.xlsx (ASCII: any browser keeps it)."""
    parts = [kind, process_id or "all", str(cycle or "all"), now.strftime("%Y%m%d")]
    return "_".join(parts) + f".{ext}"
