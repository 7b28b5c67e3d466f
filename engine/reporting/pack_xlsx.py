"""A report pack as an Excel workbook: one sheet per quarter of eMENSCR, one for e-MES, one for the evaluations."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from io import BytesIO
from typing import cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.reporting.packs import EmenscrRow, EmesRow, EvaluationSummary, ReportPack, quarter_label, totals

BAHT = "#,##0.00"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
FIRST_TABLE_ROW = 6
NO_DATA = "ยังไม่มีข้อมูลที่บันทึกไว้ / Nothing recorded yet"


@dataclass(frozen=True)
class Column:
    """A column of a table: its Thai header, width in characters, value and number format."""

    header: str
    width: int
    value: Callable
    number_format: str | None = None


EMENSCR_COLUMNS = (
    Column("ลำดับ", 6, lambda r, n: n),
    Column("รหัสโครงการ (eMENSCR)", 20, lambda r, n: r.project_code),
    Column("ชื่อโครงการ/กิจกรรม", 40, lambda r, n: r.project_name),
    Column("สถานะการดำเนินงาน ณ สิ้นไตรมาส", 22, lambda r, n: r.status_label),
    Column("งบประมาณที่ได้รับจัดสรร (บาท)", 18, lambda r, n: r.budget_allocated, BAHT),
    Column("ผลการเบิกจ่ายสะสม (บาท)", 18, lambda r, n: r.budget_spent, BAHT),
    Column("ความก้าวหน้า (ร้อยละ)", 12, lambda r, n: r.progress_percent),
    Column("ผลการดำเนินงานตามตัวชี้วัด", 40, lambda r, n: r.indicator_results),
    Column("ปัญหา อุปสรรค และแนวทางแก้ไข", 40, lambda r, n: r.problems),
)
EMES_COLUMNS = (
    Column("ลำดับ", 6, lambda r, n: n),
    Column("รหัสตัวชี้วัด", 14, lambda r, n: r.indicator_code),
    Column("ชื่อตัวชี้วัด", 45, lambda r, n: r.indicator_name),
    Column("หน่วยนับ", 12, lambda r, n: r.unit),
    Column("ค่าเป้าหมาย", 12, lambda r, n: r.target),
    Column("ผลการดำเนินงาน", 14, lambda r, n: r.result),
    Column("สถานะ", 20, lambda r, n: r.status_label),
    Column("ผลการดำเนินงาน/ข้อมูลประกอบ", 50, lambda r, n: r.note),
)
SUMMARY_WIDTHS = (60, 70)


def _header_block(sheet: Worksheet, pack: ReportPack, subtitle: str) -> None:
    """Office, title, period and the day it was made, above the table."""
    lines = (pack.office, f"{pack.title}: {subtitle}", pack.period, f"จัดทำเมื่อ {pack.made_on}")
    for row, text in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = Font(bold=row <= 2, size=14 if row == 1 else 12)


def _table_header(sheet: Worksheet, columns) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=FIRST_TABLE_ROW, column=index, value=column.header)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, GRID
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = sheet.cell(row=FIRST_TABLE_ROW + 1, column=1).coordinate


def _put(sheet: Worksheet, row: int, column: int, value, number_format: str | None = None):
    cell = sheet.cell(row=row, column=column, value=value)
    cell.alignment, cell.border = WRAP, GRID
    if number_format and isinstance(value, (int, float)):
        cell.number_format = number_format
    return cell


def _table(sheet: Worksheet, columns, rows) -> int:
    """Write the rows under the header; return the next free row."""
    _table_header(sheet, columns)
    row = FIRST_TABLE_ROW + 1
    for n, item in enumerate(rows, start=1):
        for index, column in enumerate(columns, start=1):
            _put(sheet, row, index, column.value(item, n), column.number_format)
        row += 1
    if not rows:
        sheet.cell(row=row, column=2, value=NO_DATA)
        row += 1
    return row


def _emenscr_sheet(book: Workbook, pack: ReportPack, quarter: int) -> None:
    rows: list[EmenscrRow] = pack.rows_of(quarter)
    sheet = book.create_sheet(f"eMENSCR ไตรมาส {quarter}")
    _header_block(sheet, pack, quarter_label(pack.fiscal_year, quarter))
    row = _table(sheet, EMENSCR_COLUMNS, rows)
    if rows:
        allocated, spent = totals(rows)
        sheet.cell(row=row, column=3, value=f"รวม {len(rows)} โครงการ").font = Font(bold=True)
        for column, value in ((5, allocated), (6, spent)):
            _put(sheet, row, column, value, BAHT).font = Font(bold=True)


def _emes_sheet(book: Workbook, pack: ReportPack) -> None:
    rows: list[EmesRow] = list(pack.emes)
    sheet = book.create_sheet("e-MES")
    _header_block(sheet, pack, f"ตัวชี้วัด {len(rows)} ตัว")
    _table(sheet, EMES_COLUMNS, rows)


def _summary_section(sheet: Worksheet, row: int, summary: EvaluationSummary) -> int:
    """A procedure's name and state, then one row per figure; return the next free row."""
    for column, text in ((1, summary.process_name), (2, summary.status_label)):
        cell = _put(sheet, row, column, text)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    row += 1
    for item in summary.items:
        _put(sheet, row, 1, item.label)
        _put(sheet, row, 2, item.value, BAHT if "บาท" in item.label else None)
        row += 1
    return row + 1


def _summary_sheet(book: Workbook, pack: ReportPack) -> None:
    sheet = book.create_sheet("สรุปผลการประเมิน")
    _header_block(sheet, pack, "สรุปผลการประเมินและรายงานประจำปี")
    for index, width in enumerate(SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for column, text in ((1, "รายการ"), (2, "ผล")):
        cell = _put(sheet, FIRST_TABLE_ROW, column, text)
        cell.font = Font(bold=True)
    row = FIRST_TABLE_ROW + 1
    for summary in pack.summaries:
        row = _summary_section(sheet, row, summary)


def to_xlsx(pack: ReportPack) -> bytes:
    """The pack as the bytes of an .xlsx file."""
    book = Workbook()
    book.remove(cast(Worksheet, book.active))  # a new Workbook opens on one worksheet, active
    for quarter in pack.quarters if pack.kind == "emenscr" else ():
        _emenscr_sheet(book, pack, quarter)
    if pack.kind == "emes":
        _emes_sheet(book, pack)
        _summary_sheet(book, pack)
    book.properties.creator = "khumue"
    book.properties.title = f"{pack.title} {pack.period}"
    # A fixed creation time (the pack's own) keeps the file the same for the same data and moment.
    book.properties.created = book.properties.modified = pack.made_at.astimezone(UTC).replace(tzinfo=None)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
