"""Invented office lists for the import tests: a 300-school file (no real school), and the same rows as CSV
(with or without BOM, CRLF or LF, English or Thai headers) or XLSX."""
import io

from openpyxl import Workbook

SCHOOL_COLUMNS = ("code", "name", "network", "subdistrict", "district", "province", "students")
THAI_SCHOOL_HEADERS = ("รหัสโรงเรียน", "ชื่อโรงเรียน", "เครือข่าย", "ตำบล", "อำเภอ", "จังหวัด", "จำนวนนักเรียน")
_A = ["ลำ", "นา", "บึง", "เขา", "คลอง", "บ่อ", "ท่า", "วัง", "โคก", "ดง"]
_B = ["ใหญ่", "เหนือ", "ใต้", "กลาง", "ทอง", "เงิน", "ขาม", "ยาง", "ตาล", "แดง", "ส้ม", "จันทร์", "หิน", "หอม", "พลู"]


def school_rows(count: int = 300) -> list[list[str]]:
    """`count` invented schools in 10 invented networks (none of the demo office's), codes T0001…"""
    rows = []
    for n in range(1, count + 1):
        place = f"{_A[n % len(_A)]}{_B[(n // len(_A)) % len(_B)]}"
        rows.append([f"T{n:04d}", f"โรงเรียนทดสอบ{place} {n}", f"เครือข่ายทดลองที่ {n % 10 + 1}", f"ตำบล{place}",
                     f"อำเภอ{_A[n % 7]}", "จังหวัดสมมุติ", str(40 + n % 600) if n % 5 else ""])
    return rows


def as_csv(rows: list[list[str]], header=SCHOOL_COLUMNS, bom: bool = False, crlf: bool = False) -> bytes:
    """The rows as a CSV file (quoted where a cell needs it)."""
    import csv
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def as_xlsx(rows: list[list], header=SCHOOL_COLUMNS) -> bytes:
    """The rows as the first sheet of an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
