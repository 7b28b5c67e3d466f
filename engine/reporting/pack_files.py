"""A report pack as a file: its format, media type and names (Thai, with an ASCII fallback)."""
from collections.abc import Callable
from dataclasses import dataclass

from engine.reporting.pack_pdf import to_pdf
from engine.reporting.pack_xlsx import to_xlsx
from engine.reporting.packs import ReportPack

SHORT_NAMES = {"emenscr": "eMENSCR", "emes": "e-MES"}


@dataclass(frozen=True)
class FileFormat:
    """How to write one kind of file."""

    render: Callable[[ReportPack], bytes]
    media_type: str


FORMATS = {
    "xlsx": FileFormat(to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": FileFormat(to_pdf, "application/pdf"),
}


def file_names(pack: ReportPack, extension: str) -> tuple[str, str]:
    """(Thai name, ASCII name) of the pack's file, e.g. รายงาน eMENSCR ปีงบประมาณ 2571 ไตรมาส 1.xlsx."""
    quarter = pack.quarters[0] if pack.kind == "emenscr" and len(pack.quarters) == 1 else None
    thai = f"รายงาน {SHORT_NAMES[pack.kind]} ปีงบประมาณ {pack.fiscal_year}"
    ascii_name = f"{pack.kind}-{pack.fiscal_year}"
    if quarter:
        thai, ascii_name = f"{thai} ไตรมาส {quarter}", f"{ascii_name}-q{quarter}"
    return f"{thai}.{extension}", f"{ascii_name}.{extension}"


def render(pack: ReportPack, extension: str) -> bytes:
    """The pack's file in a format of FORMATS."""
    return FORMATS[extension].render(pack)
