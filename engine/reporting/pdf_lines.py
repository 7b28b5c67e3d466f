"""A plain PDF of wrapped lines, written directly (pydyf, fontTools): thousands of audit events in seconds, where
laying them out through WeasyPrint costs milliseconds per line.

Thai in the office's TLWG font (Laksaman): its vowel and tone marks have no advance and are drawn over the
consonant before them, so placing each character's glyph in turn reads correctly without a shaping engine
(a tone mark over an upper vowel sits a little high). A ToUnicode map gives the text back to copy and to
pdftotext. Lines break at spaces (Thai separates phrases with them), never inside a word unless a word alone is
wider than the line. Hashes are set in Courier (a PDF base font: nothing to embed).
"""
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pydyf
from fontTools.ttLib import TTFont

PAGE_W, PAGE_H, MARGIN = 842.0, 595.0, 34.0  # A4 landscape, points
COURIER_ADVANCE = 0.6  # every Courier glyph is 600/1000 em wide


@dataclass(frozen=True)
class Line:
    """One line to draw: its text, size, font ("thai", "bold" or "mono"), grey level and space after."""

    text: str
    size: float = 9.0
    font: str = "thai"
    grey: float = 0.0
    after: float = 0.0
    rule: bool = False  # a thin rule under the line (the end of an event)


class _ThaiFont:
    """A TrueType font's glyphs and widths, and what it takes to embed it."""

    def __init__(self, path: Path):
        self.path = path
        font = TTFont(str(path))
        self.cmap = font.getBestCmap()
        self.units = font["head"].unitsPerEm
        self.ascent, self.descent = font["hhea"].ascent, font["hhea"].descent
        self.bbox = [font["head"].xMin, font["head"].yMin, font["head"].xMax, font["head"].yMax]
        self.gid = {ch: font.getGlyphID(name) for ch, name in self.cmap.items()}
        self.advance = {font.getGlyphID(name): width for name, (width, _lsb) in font["hmtx"].metrics.items()}

    def glyphs(self, text: str) -> list[int]:
        return [self.gid.get(ord(ch), 0) for ch in text]

    def width(self, text: str, size: float) -> float:
        return sum(self.advance.get(g, 0) for g in self.glyphs(text)) * size / self.units


@cache
def _font(path: str) -> _ThaiFont:
    return _ThaiFont(Path(path))


def _width(fonts: dict, line_font: str, text: str, size: float) -> float:
    if line_font == "mono":
        return len(text) * size * COURIER_ADVANCE
    return fonts[line_font].width(text, size)


def wrap(fonts: dict, line: Line, width: float) -> list[Line]:
    """The line broken at spaces into lines no wider than `width` (a longer word is cut where it must be)."""
    words, out, current = line.text.split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if _width(fonts, line.font, candidate, line.size) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        while _width(fonts, line.font, current, line.size) > width and len(current) > 1:
            cut = len(current)
            while cut > 1 and _width(fonts, line.font, current[:cut], line.size) > width:
                cut -= 1
            out.append(current[:cut])
            current = current[cut:]
    out.append(current)
    last = len(out) - 1
    return [Line(text, line.size, line.font, line.grey, line.after if i == last else 0.0, line.rule and i == last)
            for i, text in enumerate(out)]


def _hex(font: _ThaiFont, text: str, used: set[int]) -> bytes:
    glyphs = font.glyphs(text)
    used.update(glyphs)
    return b"<" + b"".join(g.to_bytes(2, "big") for g in glyphs).hex().encode() + b">"


def _mono(text: str) -> bytes:
    return pydyf.String(text.encode("latin-1", "replace").decode("latin-1")).data


def _pages(fonts: dict, lines: list[Line]) -> list[list[tuple[Line, float]]]:
    """The wrapped lines placed on pages: (line, baseline y) per page."""
    pages: list[list[tuple[Line, float]]] = []
    placed: list[tuple[Line, float]] = []
    y = PAGE_H - MARGIN
    for line in (piece for original in lines for piece in wrap(fonts, original, PAGE_W - 2 * MARGIN)):
        height = line.size * 1.45
        if y - height < MARGIN + 14 and placed:
            pages.append(placed)
            placed, y = [], PAGE_H - MARGIN
        y -= height
        placed.append((line, y))
        y -= line.after
    pages.append(placed)
    return pages


def _content(fonts: dict, names: dict, placed: list, footer: str, used: dict) -> pydyf.Stream:
    stream = pydyf.Stream()
    for line, y in placed:
        stream.begin_text()
        stream.set_color_rgb(line.grey, line.grey, line.grey)
        stream.set_font_size(names[line.font], line.size)
        stream.set_text_matrix(1, 0, 0, 1, MARGIN, y)
        if line.font == "mono":
            stream.stream.append(_mono(line.text) + b" Tj")
        else:
            stream.stream.append(_hex(fonts[line.font], line.text, used[line.font]) + b" Tj")
        stream.end_text()
        if line.rule:
            stream.set_line_width(0.4)
            stream.set_color_rgb(0.6, 0.6, 0.6, stroke=True)
            stream.move_to(MARGIN, y - line.size * 0.45)
            stream.line_to(PAGE_W - MARGIN, y - line.size * 0.45)
            stream.stroke()
    stream.begin_text()
    stream.set_color_rgb(0.33, 0.33, 0.33)
    stream.set_font_size(names["thai"], 9)
    stream.set_text_matrix(1, 0, 0, 1, PAGE_W - MARGIN - fonts["thai"].width(footer, 9), MARGIN - 4)
    stream.stream.append(_hex(fonts["thai"], footer, used["thai"]) + b" Tj")
    stream.end_text()
    return stream


def _to_unicode(font: _ThaiFont, used: set[int]) -> pydyf.Stream:
    chars: dict[int, str] = {}
    for ch, gid in font.gid.items():
        if gid in used:
            chars.setdefault(gid, chr(ch))
    pairs = [f"<{gid:04x}> <{ch.encode('utf-16-be').hex()}>" for gid, ch in sorted(chars.items())]
    body = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
            "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange"]
    for start in range(0, len(pairs), 100):
        chunk = pairs[start:start + 100]
        body += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    body += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return pydyf.Stream(["\n".join(body).encode()])


def _embed(pdf: pydyf.PDF, font: _ThaiFont, name: str, used: set[int]) -> pydyf.Dictionary:
    data = font.path.read_bytes()
    file = pydyf.Stream([data], pydyf.Dictionary({"Length1": len(data)}), compress=True)
    pdf.add_object(file)
    scale = 1000 / font.units
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor", "FontName": f"/{name}", "Flags": 32,
        "FontBBox": pydyf.Array([round(v * scale) for v in font.bbox]), "ItalicAngle": 0,
        "Ascent": round(font.ascent * scale), "Descent": round(font.descent * scale), "CapHeight": 700,
        "StemV": 80, "FontFile2": file.reference})
    pdf.add_object(descriptor)
    widths = pydyf.Array()
    for gid in sorted(used):
        widths.extend([gid, pydyf.Array([round(font.advance.get(gid, 0) * scale)])])
    cid = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/CIDFontType2", "BaseFont": f"/{name}",
        "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"),
                                           "Supplement": 0}),
        "FontDescriptor": descriptor.reference, "CIDToGIDMap": "/Identity", "W": widths})
    pdf.add_object(cid)
    unicode_map = _to_unicode(font, used)
    pdf.add_object(unicode_map)
    type0 = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type0", "BaseFont": f"/{name}",
                              "Encoding": "/Identity-H", "DescendantFonts": pydyf.Array([cid.reference]),
                              "ToUnicode": unicode_map.reference})
    pdf.add_object(type0)
    return type0


def write(lines: list[Line], font_files: dict[str, str], title: str, footer: str) -> bytes:
    """The lines as a PDF; `font_files` names the TrueType files of "thai" and "bold"; `footer` may hold
    {page} and {pages}."""
    fonts = {kind: _font(path) for kind, path in font_files.items()}
    names = {"thai": "F1", "bold": "F2", "mono": "F3"}
    pdf = pydyf.PDF()
    pdf.info["Title"] = pydyf.String(title)
    pages = _pages(fonts, lines)
    used: dict[str, set[int]] = {"thai": set(), "bold": set()}
    streams = [_content(fonts, names, placed, footer.format(page=n, pages=len(pages)), used)
               for n, placed in enumerate(pages, start=1)]
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary({
        "F1": _embed(pdf, fonts["thai"], "Laksaman", used["thai"]).reference,
        "F2": _embed(pdf, fonts["bold"], "Laksaman-Bold", used["bold"]).reference,
        "F3": pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/Courier",
                                "Encoding": "/WinAnsiEncoding"})})})
    pdf.add_object(resources)
    for stream in streams:
        pdf.add_object(stream)
        pdf.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference,
                                       "MediaBox": pydyf.Array([0, 0, PAGE_W, PAGE_H]),
                                       "Resources": resources.reference, "Contents": stream.reference}))
    out = io.BytesIO()
    pdf.write(out, compress=True)
    return out.getvalue()
