"""Evidence files stored by SHA-256, with size and type limits; links and notes beside them."""
import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype

from engine.errors import N_, Invalid, TooLarge

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
# Extension → the content types its bytes may sniff as; None: plain text (must decode as UTF-8).
ALLOWED = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/zip"},
    "odt": {"application/vnd.oasis.opendocument.text", "application/zip"},
    "ods": {"application/vnd.oasis.opendocument.spreadsheet", "application/zip"},
    "txt": None,
    "csv": None,
}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
MAX_NAME = 150  # characters; Thai is 3 bytes each in UTF-8, well within the column and any file system's 255
# What a stored file may be served as; anything else goes out as a plain download of bytes.
SERVED_TYPES = frozenset(t for types in ALLOWED.values() if types for t in types) | {"text/plain", "text/csv"}


@dataclass(frozen=True)
class StoredFile:
    """A file kept in the store."""

    sha256: str
    size: int
    filename: str
    content_type: str


def clean_filename(name: str) -> str:
    """The last path part of a name, without control, format (e.g. RTL override) or path characters; Thai kept.

    The extension survives a long name, so the type rule still sees what the sender named the file.
    """
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    # Cc, Cf (bidi overrides like U+202E that make `evil\u202efdp.exe` look like `evilexe.pdf`), Zl, Zp, Co, Cn.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _INVISIBLE)
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if dot and len(extension) <= 10:
        return (stem[:MAX_NAME - len(extension) - 1].rstrip(" .") or "file") + "." + extension
    return name[:MAX_NAME] or "file"


def _sniff(head: bytes, extension: str) -> str:
    allowed = ALLOWED.get(extension, set())
    if extension not in ALLOWED:
        raise Invalid("file_type_not_allowed", N_("ไม่รับไฟล์ชนิดนี้"),
                      fields={"file": [N_("อนุญาต: %(types)s", types=", ".join(sorted(ALLOWED)))]})
    if allowed is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as err:
            if err.start < len(head) - 4:  # a multibyte letter cut at the end of the sample is fine
                raise Invalid("not_utf8", N_("ไฟล์ข้อความต้องเป็น UTF-8"),
                              fields={"file": [N_("บันทึกไฟล์เป็น UTF-8 แล้วแนบอีกครั้ง")]}) from None
        return "text/csv" if extension == "csv" else "text/plain"
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed:
        raise Invalid("content_mismatch", N_("เนื้อไฟล์ไม่ตรงกับนามสกุล"),
                      fields={"file": [N_("นามสกุล .%(extension)s แต่เนื้อไฟล์เป็น %(found)s", extension=extension,
                                          found=kind.mime if kind else "?")]})
    return next(iter(sorted(allowed - {"application/zip"})), kind.mime)


class EvidenceStore:
    """A folder of files named by their SHA-256."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES):
        # Absolute from the start: the default folder (var/evidence) is relative to the working directory, and
        # Flask's send_file would resolve a relative path against the web package instead.
        self.root = Path(root).absolute()
        self.max_bytes = max_bytes

    def path_for(self, sha256: str) -> Path:
        """Where the file with this hash lives."""
        return self.root / sha256[:2] / sha256

    def save(self, stream: BinaryIO, filename: str) -> StoredFile:
        """Store a stream: refused when too large or of a disallowed type; nothing is left behind."""
        name = clean_filename(filename)
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        self.root.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(1024 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise TooLarge("file_too_large", N_("ไฟล์ใหญ่เกิน %(mb)s MB"),
                                       fields={"file": [N_("ไม่เกิน %(bytes)s ไบต์", bytes=self.max_bytes)]},
                                       mb=self.max_bytes // (1024 * 1024))
                    head = head if len(head) >= 8192 else (head + chunk)[:8192]
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise Invalid("file_empty", N_("ไฟล์ว่างเปล่า"), fields={"file": [N_("เลือกไฟล์ที่มีเนื้อหา")]})
            content_type = _sniff(head, extension)
            target = self.path_for(digest.hexdigest())
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return StoredFile(digest.hexdigest(), size, name, content_type)
