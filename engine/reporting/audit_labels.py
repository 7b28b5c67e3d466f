"""What each audit action code means, in Thai and in English: the one table the audit pages, the PDF and the CSV
read, so an auditor sees "บันทึกผลการปฏิบัติงาน" instead of `task.complete`.

tests/engine/reporting/test_audit_labels.py reads the code for every action it can write and fails when one has
no label here. The English is kept beside the Thai (not in the message catalog) because the CSV carries both.
"""
from typing import NamedTuple


class Label(NamedTuple):
    """One action's name for people."""

    th: str
    en: str


ACTION_LABELS: dict[str, Label] = {
    # a step's work
    "task.create": Label("งานพร้อมให้ทำ", "Task ready to do"),
    "task.claim": Label("รับงาน", "Task claimed"),
    "task.release": Label("คืนงานเข้ากลุ่ม", "Task released"),
    "task.assign": Label("มอบหมายงาน", "Task assigned"),
    "task.draft": Label("บันทึกร่าง", "Draft saved"),
    "task.complete": Label("บันทึกผลการปฏิบัติงาน", "Task completed"),
    "task.handover": Label("โอนงานให้ผู้อื่น", "Task handed over"),
    "evidence.add": Label("แนบหลักฐาน", "Evidence added"),
    # a running process
    "instance.start": Label("เริ่มกระบวนงาน", "Process started"),
    "instance.complete": Label("กระบวนงานเสร็จสิ้น", "Process completed"),
    "instance.cancel": Label("ยกเลิกกระบวนงาน", "Process cancelled"),
    "instance.suspend": Label("พักกระบวนงาน", "Process suspended"),
    "instance.resume": Label("ดำเนินกระบวนงานต่อ", "Process resumed"),
    "instance.owner_change": Label("เปลี่ยนผู้รับผิดชอบกระบวนงาน", "Process owner changed"),
    "instance.incident": Label("กระบวนงานขัดข้อง", "Process stopped by an error"),
    "incident.retry": Label("แก้ไขข้อขัดข้องและทำต่อ", "Error fixed and retried"),
    "incident.skip": Label("ข้ามขั้นตอนที่ขัดข้อง", "Failed step skipped"),
    "process.deploy": Label("ติดตั้งกระบวนงาน", "Process models installed"),
    "process.upload": Label("อัปโหลดไฟล์กระบวนงาน", "Process files uploaded"),
    "process.catalog": Label("แก้ไขข้อมูลกระบวนงาน", "Process details changed"),
    "process.retire": Label("เลิกใช้กระบวนงาน", "Process retired"),
    "instance.migrate": Label("ย้ายกระบวนงานไปรุ่นใหม่", "Process moved to a newer version"),
    "timer.fire": Label("ถึงเวลาที่กระบวนงานรอ", "Process timer reached"),
    "message.send": Label("ส่งข้อความถึงกระบวนงาน", "Message sent to processes"),
    "message.receive": Label("กระบวนงานได้รับข้อความ", "Message received by the process"),
    "signal.receive": Label("กระบวนงานได้รับสัญญาณ", "Signal received by the process"),
    "message.unclaimed": Label("ข้อความที่ไม่มีกระบวนงานใดรอรับ", "Message no process was waiting for"),
    "signal.send": Label("ส่งสัญญาณถึงกระบวนงาน", "Signal sent to processes"),
    "signal.unclaimed": Label("สัญญาณที่ไม่มีกระบวนงานใดรอรับ", "Signal no process was waiting for"),
    "connectors.http_allow": Label("ตั้งค่าที่อยู่เว็บที่กระบวนงานเรียกได้", "Web addresses processes may call set"),
    "import.schools": Label("นำเข้ารายชื่อโรงเรียน", "Schools imported"),
    "import.users": Label("นำเข้ารายชื่อบุคลากร", "Staff imported"),
    # registers of letters and their retention
    "register.settings": Label("ตั้งค่าทะเบียนหนังสือ", "Register settings changed"),
    "register.add": Label("ลงทะเบียนหนังสือ", "Letter registered"),
    "register.file": Label("จัดเก็บหนังสือ", "Letter filed"),
    "register.loan": Label("ยืมหนังสือ", "Letter lent"),
    "register.return": Label("คืนหนังสือ", "Letter returned"),
    "register.destroy_list": Label("จัดทำบัญชีหนังสือขอทำลาย", "Destruction list made"),
    "register.destroy_approve": Label("อนุมัติทำลายหนังสือ", "Destruction approved"),
    "register.destroy_reject": Label("ไม่อนุมัติทำลายหนังสือ", "Destruction rejected"),
    "archive.create": Label("เก็บถาวรรอบที่ปิดแล้ว", "Closed cycle archived"),
    "archive.purge": Label("ลบข้อมูลที่เก็บถาวรแล้ว", "Archived data removed"),
    "archive.refuse": Label("ไม่เก็บถาวร (ยังมีงานค้าง)", "Archive refused"),
    "backup.create": Label("สำรองข้อมูล", "Backup made"),
    # people, schools and the calendar
    "user.add": Label("เพิ่มผู้ใช้", "User added"),
    "user.edit": Label("แก้ไขผู้ใช้", "User changed"),
    "user.deactivate": Label("ระงับผู้ใช้", "User deactivated"),
    "user.password_reset": Label("ตั้งรหัสผ่านใหม่", "Password reset"),
    "user.login": Label("เข้าสู่ระบบ", "Signed in"),
    "user.logout": Label("ออกจากระบบ", "Signed out"),
    "user.login_failed": Label("เข้าสู่ระบบไม่สำเร็จ", "Sign-in failed"),
    "user.login_refused": Label("ปฏิเสธการเข้าสู่ระบบ", "Sign-in refused"),
    "user.login_throttled": Label("พักการเข้าสู่ระบบชั่วคราว", "Sign-in slowed down"),
    "user.locked": Label("ล็อกบัญชีผู้ใช้", "Account locked"),
    "user.unlocked": Label("ปลดล็อกบัญชีผู้ใช้", "Account unlocked"),
    "token.create": Label("ออกรหัสเข้าใช้ API", "API token issued"),
    "token.revoke": Label("ยกเลิกรหัสเข้าใช้ API", "API token revoked"),
    "delegation.add": Label("มอบหมายผู้ปฏิบัติแทน", "Substitute appointed"),
    "delegation.revoke": Label("ยกเลิกผู้ปฏิบัติแทน", "Substitute withdrawn"),
    "network.add": Label("เพิ่มเครือข่าย", "Network added"),
    "network.edit": Label("แก้ไขเครือข่าย", "Network changed"),
    "school.add": Label("เพิ่มโรงเรียน", "School added"),
    "school.edit": Label("แก้ไขโรงเรียน", "School changed"),
    "holiday.add": Label("เพิ่มวันหยุด", "Holiday added"),
    "holiday.remove": Label("ลบวันหยุด", "Holiday removed"),
    "demo.load": Label("โหลดข้อมูลสำนักงานตัวอย่าง", "Demo office loaded"),
}

# the search's families ("task.*"): what the action filter offers beside single actions
FAMILY_LABELS: dict[str, Label] = {
    "task.*": Label("ทุกการกระทำกับงาน", "Every task action"),
    "instance.*": Label("ทุกการกระทำกับกระบวนงาน", "Every process action"),
    "register.*": Label("ทุกการกระทำกับทะเบียนหนังสือ", "Every register action"),
    "user.*": Label("ทุกการกระทำกับผู้ใช้", "Every user action"),
}
UNKNOWN = Label("การกระทำอื่น", "Other action")


def label(code: str) -> Label:
    """The code's label; an unknown code (an event written by an older version) reads "other action"."""
    return ACTION_LABELS.get(code) or FAMILY_LABELS.get(code) or UNKNOWN


def in_language(code: str, lang: str) -> str:
    """The label in the reader's language (Thai unless English)."""
    found = label(code)
    return found.en if lang == "en" else found.th


def choices(lang: str) -> list[tuple[str, str]]:
    """(code, label) for the action filter: the families first, then each action by its label."""
    pick = 1 if lang == "en" else 0
    families = [(code, names[pick]) for code, names in FAMILY_LABELS.items()]
    return families + sorted(((code, names[pick]) for code, names in ACTION_LABELS.items()), key=lambda c: c[1])
