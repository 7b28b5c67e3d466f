"""A report pack as a PDF (A4 landscape, Thai), rendered by WeasyPrint from an HTML template.

WeasyPrint shapes Thai with Pango/HarfBuzz; the font is Debian's Laksaman (fonts-thai-tlwg, the free
counterpart of TH Sarabun), embedded by @font-face from its installed path so no fallback font is chosen.
"""
import re
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont
from jinja2 import Environment, FileSystemLoader, select_autoescape

from engine.reporting.packs import ReportPack, quarter_label, totals

TEMPLATES = Path(__file__).resolve().parent / "templates"
FONT_DIRS = (Path("/usr/share/fonts/truetype/tlwg"), Path("/usr/share/fonts/opentype/tlwg"))
THAI_VARIANT = re.compile(r"uni(0E[0-7][0-9A-F])\..+")
FONT_FILES = {"normal": ("Laksaman.ttf", "Laksaman.otf", "Loma.ttf", "Loma.otf"),
              "bold": ("Laksaman-Bold.ttf", "Laksaman-Bold.otf", "Loma-Bold.ttf", "Loma-Bold.otf")}


def thai_font_faces(dirs=FONT_DIRS) -> list[dict]:
    """The installed Thai font files, as @font-face sources (empty: fontconfig's Laksaman/Loma by name)."""
    faces = []
    for weight, names in FONT_FILES.items():
        found = next((d / n for n in names for d in dirs if (d / n).is_file()), None)
        if found is not None:
            faces.append({"weight": weight, "url": found.as_uri()})
    return faces


def baht(value) -> str:
    """1234567.5 as 1,234,567.50; nothing for no value."""
    return "" if value is None else f"{value:,.2f}"


def number(value) -> str:
    """A figure as typed: 85, 72.5, 1,200."""
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(baht=baht, number=number)
    env.globals.update(quarter_label=quarter_label, totals=totals)
    return env


def to_html(pack: ReportPack) -> str:
    """The pack as the HTML the PDF is made from."""
    return _environment().get_template("pack.html").render(pack=pack, fonts=thai_font_faces())


@lru_cache(maxsize=16)
def thai_glyph_text(font_file: bytes, index: int = 0) -> dict[int, str]:
    """The one Thai character each Thai glyph of a font stands for, its shifted variants included."""
    font = TTFont(BytesIO(font_file), fontNumber=index, lazy=True)
    text = {font.getGlyphID(name): chr(code) for code, name in font.getBestCmap().items() if 0x0E00 <= code <= 0x0E7F}
    for glyph_id, name in enumerate(font.getGlyphOrder()):
        variant = THAI_VARIANT.fullmatch(name)  # e.g. uni0E48.low_left, a tone mark moved down and left
        if variant:
            text.setdefault(glyph_id, chr(int(variant.group(1), 16)))
    return text


class _ThaiTextFonts(dict):
    """The document's fonts, each told the text of its Thai glyphs before the first one is drawn.

    WeasyPrint gives a glyph the text of the cluster it first appears in. HarfBuzz draws SARA AM as
    NIKHAHIT + SARA AA in one cluster, so after the first ำ every า would copy out of the PDF as ำ;
    with one character per glyph, ำ copies as ํา (its compatibility form) and า stays า.
    """

    def __setitem__(self, key, font):
        font.to_unicode.update(thai_glyph_text(font.file_content, font.index))
        super().__setitem__(key, font)


def to_pdf(pack: ReportPack) -> bytes:
    """The pack as the bytes of a PDF file."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment and only this needs it
    document = HTML(string=to_html(pack), base_url=str(TEMPLATES)).render()
    fonts = _ThaiTextFonts()
    for key, font in document.fonts.items():
        fonts[key] = font
    document.fonts = fonts
    return document.write_pdf()
