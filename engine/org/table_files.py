"""The office's lists as files: reading a CSV (UTF-8, with or without BOM, CRLF or LF) or an XLSX sheet into
rows keyed by our column names (English or Thai headers), and writing the same columns back out.

Only the shape of the file is judged here; what a row means is engine.org.imports' business.
"""
import csv
import io
import itertools
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from engine.errors import N_, Invalid

MAX_ROWS = 10_000  # a large area has some 600 schools and 300 staff: far more is not an office's list
MAX_BYTES = 5 * 1024 * 1024  # 10,000 lines of a few hundred bytes; a bigger upload is refused unread
MAX_COLUMNS = 50
MAX_UNPACKED = 64 * 1024 * 1024  # an XLSX of 10,000 rows of Thai text unzips to some 10 MB
# A cell a spreadsheet would run as a formula when it opens the CSV is written with a leading apostrophe
# (shown, not run) and read back without it, so an export still round-trips through the import.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"
_INVISIBLE = str.maketrans("", "", "\ufeff\u200b\u200c\u200d")


@dataclass
class Table:
    """The rows of a file: each a (line number in the file, {column: text}); the columns it had that we ignore."""

    rows: list[tuple[int, dict[str, str]]]
    columns: set[str]
    ignored: list[str] = field(default_factory=list)


def is_xlsx(data: bytes, filename: str = "") -> bool:
    """An XLSX file (a zip) by its first bytes, or by its name when it is empty or broken."""
    return data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx")


def _bad_file(why: str) -> Invalid:
    return Invalid("import_bad_file", N_("อ่านไฟล์ไม่ได้"), fields={"file": [why]})


def _cell(value) -> str:
    """A spreadsheet cell as the text a person sees (120.0 typed as 120 is "120")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _unguarded(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1:].startswith(FORMULA_START) else cell


def _guarded(value) -> object:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _filled(lines: Iterable[list[str]]) -> list[tuple[int, list[str]]]:
    """The lines holding something, each with its line number in the file, up to one more than the header and
    MAX_ROWS rows: blank lines (a sheet's empty formatted rows) never count, so none past them is left unread."""
    filled = ((number, line) for number, line in enumerate(lines, start=1) if any(cell.strip() for cell in line))
    return list(itertools.islice(filled, MAX_ROWS + 2))


def _csv_lines(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM; others do not
    except UnicodeDecodeError:
        raise _bad_file("CSV must be UTF-8 (save as “CSV UTF-8”)") from None
    try:
        # the reader takes CRLF, LF and quoted newlines
        return _filled([_unguarded(cell) for cell in line[:MAX_COLUMNS]]
                       for line in csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise _bad_file(f"CSV: {err}") from None


def _unpacked_size(data: bytes) -> int:
    """What the workbook's parts take once unzipped, as its directory declares (zipfile reads no further)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return 0  # not a readable zip: openpyxl says so below


def _xlsx_lines(data: bytes) -> list[tuple[int, list[str]]]:
    if _unpacked_size(data) > MAX_UNPACKED:  # a zip bomb: 400 kB that unzip to a 400 MB cell
        raise _bad_file(f"XLSX unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
            return _filled([_cell(value) for value in row] for row in rows)
        finally:
            book.close()
    except Exception as err:  # a broken workbook fails in many ways inside openpyxl (zip, XML, styles): to the
        # person each is the same answer, and nothing is written
        raise _bad_file(f"XLSX: {type(err).__name__}") from None


def _header(text: str) -> str:
    return " ".join(text.translate(_INVISIBLE).split()).lower()


def read_table(data: bytes, filename: str, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> Table:
    """The file's rows under our column names; `aliases` maps each column to the headers that mean it."""
    if len(data) > MAX_BYTES:
        raise _bad_file(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    lines = _xlsx_lines(data) if is_xlsx(data, filename) else _csv_lines(data)  # blank lines left out
    if not lines:
        raise _bad_file("the file is empty")
    heading = lines[0][1]
    known = {_header(name): column for column, names in aliases.items() for name in (column, *names)}
    header = [known.get(_header(cell)) for cell in heading]
    columns = {c for c in header if c}
    missing = [c for c in required if c not in columns]
    if missing:
        raise Invalid("import_missing_columns", N_("ไฟล์ขาดคอลัมน์ %(columns)s"), columns=", ".join(missing),
                      fields={"file": [f"missing column {c} ({' / '.join(aliases[c])})" for c in missing]})
    rows = []
    for number, line in lines[1:]:
        rows.append((number, {c: (line[i] if i < len(line) else "").strip() for i, c in enumerate(header) if c}))
    if len(rows) > MAX_ROWS:
        raise _bad_file(f"more than {MAX_ROWS} rows")
    ignored = [cell for cell, c in zip(heading, header, strict=True) if c is None and cell.strip()]
    return Table(rows, columns, ignored)


def write_csv(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    """The rows as CSV with our headers: UTF-8 with a BOM and CRLF, as Excel writes and opens Thai text."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _guarded(row[c]) for c in columns])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def write_xlsx(columns: tuple[str, ...], rows: list[dict], title: str) -> bytes:
    """The rows as one sheet with our headers; every cell text but numbers, so codes keep their leading zeros."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None, "a new workbook has a sheet"
    sheet.title = title
    sheet.append(list(columns))
    for row in rows:
        # a control character (from a name typed elsewhere) is one no sheet may hold: left out, not a crash
        sheet.append(["" if row.get(c) is None else ILLEGAL_CHARACTERS_RE.sub("", row[c]) if isinstance(row[c], str)
                      else row[c] for c in columns])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
