"""marshmallow's own field messages in the reader's language.

marshmallow writes its messages in English whatever the reader reads, so a Thai page or the Thai API said
"Missing data for required field." beside a Thai error. `known` gives the `Text` of each of its messages the
schemas can raise (Thai source; the English translation is marshmallow's own wording, so an English reader
sees what they saw before); a message the schemas wrote themselves is a `Text` already and never reaches here.
"""
import re

from engine.text import N_, Text

_FIXED = {
    "Missing data for required field.": N_("ต้องกรอกข้อมูลนี้"),
    "Field may not be null.": N_("ต้องมีค่า เว้นว่าง (null) ไม่ได้"),
    "Unknown field.": N_("ไม่รู้จักข้อมูลนี้"),
    "Invalid input type.": N_("ชนิดข้อมูลไม่ถูกต้อง"),
    "Invalid type.": N_("ชนิดข้อมูลไม่ถูกต้อง"),
    "Invalid value.": N_("ค่าไม่ถูกต้อง"),
    "Invalid input.": N_("ค่าไม่ถูกต้อง"),
    "Not a valid string.": N_("ต้องเป็นข้อความ"),
    "Not a valid utf-8 string.": N_("ข้อความต้องเป็น UTF-8"),
    "Not a valid integer.": N_("ต้องเป็นจำนวนเต็ม"),
    "Not a valid number.": N_("ต้องเป็นตัวเลข"),
    "Number too large.": N_("ตัวเลขใหญ่เกินไป"),
    "Special numeric values (nan or infinity) are not permitted.": N_("ไม่รับค่า nan หรือ infinity"),
    "Not a valid boolean.": N_("ต้องเป็น true หรือ false"),
    "Not a valid date.": N_("ไม่ใช่วันที่ที่อ่านได้"),
    "Not a valid datetime.": N_("วันเวลาไม่ถูกต้อง"),
    "Not a valid aware datetime.": N_("วันเวลาต้องมีเขตเวลา เช่น +07:00"),
    "Not a valid list.": N_("ต้องเป็นรายการ"),
    "Not a valid mapping type.": N_("ต้องเป็นออบเจกต์ JSON"),
    "Not a valid email address.": N_("รูปแบบอีเมลไม่ถูกต้อง"),
    "Not a valid URL.": N_("รูปแบบลิงก์ไม่ถูกต้อง"),
    "String does not match expected pattern.": N_("รูปแบบไม่ถูกต้อง"),
}
# Messages with numbers or choices in them: marshmallow's format, read back.
_PATTERNS = [(re.compile(pattern), text) for pattern, text in [
    (r"Length must be between (?P<min>\S+) and (?P<max>\S+)\.", N_("ความยาวต้องอยู่ระหว่าง %(min)s ถึง %(max)s")),
    (r"Length must be (?P<equal>\S+)\.", N_("ความยาวต้องเท่ากับ %(equal)s")),
    (r"Longer than maximum length (?P<max>\S+)\.", N_("ยาวเกิน %(max)s")),
    (r"Shorter than minimum length (?P<min>\S+)\.", N_("สั้นกว่า %(min)s")),
    (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.",
     N_("ต้องอยู่ระหว่าง %(min)s ถึง %(max)s")),
    (r"Must be greater than or equal to (?P<min>\S+)\.", N_("ต้องไม่น้อยกว่า %(min)s")),
    (r"Must be less than or equal to (?P<max>\S+)\.", N_("ต้องไม่เกิน %(max)s")),
    (r"Must be greater than (?P<min>\S+)\.", N_("ต้องมากกว่า %(min)s")),
    (r"Must be less than (?P<max>\S+)\.", N_("ต้องน้อยกว่า %(max)s")),
    (r"Must be one of: (?P<choices>.*)\.", N_("ต้องเป็นค่าใดค่าหนึ่งใน: %(choices)s")),
]]
_FIRST_WORDS = ("Length", "Longer", "Shorter", "Must")


def known(message: str) -> Text | str:
    """The `Text` of one of marshmallow's messages, else the message as it is."""
    fixed = _FIXED.get(message)
    if fixed is not None:
        return fixed
    if message.startswith(_FIRST_WORDS):
        for pattern, text in _PATTERNS:
            found = pattern.fullmatch(message)
            if found:
                return text.bind(**found.groupdict())
    return message
