"""Thai digits (เลขไทย), which the correspondence regulation allows in letter numbers and dates."""

_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def to_thai_digits(text: str) -> str:
    """`ศธ 04123/15` → `ศธ ๐๔๑๒๓/๑๕`; other characters are left as they are."""
    return text.translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    """`๑๕` → `15`, so a search typed either way finds the same number."""
    return text.translate(_TO_ARABIC)
