"""The correspondence registers: each letter's entry, its number counter, loans and destruction lists.

Beside db/models.py (which imports it at its end, so the metadata always holds the tables)."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models import Base, User
from db.types import JSONDoc, UTCDateTime


class RegisterCounter(Base):
    """The last number given in one register (incoming or outgoing) for one calendar year (พ.ศ.)."""
    __tablename__ = "register_counters"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class DestructionList(Base):
    """A list of register entries proposed for destruction (บัญชีหนังสือขอทำลาย), approved or rejected."""
    __tablename__ = "destruction_lists"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    items: Mapped[list["DestructionListItem"]] = relationship(lazy="selectin", order_by="DestructionListItem.entry_id")

    @property
    def entries(self) -> list["RegisterEntry"]:
        """The register entries on this list."""
        return [item.entry for item in self.items]


class RegisterEntry(Base):
    """One line of the incoming or outgoing register (ทะเบียนหนังสือรับ / ส่ง); never deleted."""
    __tablename__ = "register_entries"
    __table_args__ = (UniqueConstraint("kind", "year", "number"), Index("ix_register_due", "status", "destroy_after"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    formatted_number: Mapped[str] = mapped_column(String(100))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(2000))
    counterpart: Mapped[str] = mapped_column(String(2000))
    their_number: Mapped[str | None] = mapped_column(String(2000))
    letter_date: Mapped[date | None] = mapped_column(Date)
    urgency: Mapped[str] = mapped_column(String(16), index=True)
    secrecy: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    copies: Mapped[dict | None] = mapped_column(JSONDoc)
    file_location: Mapped[str | None] = mapped_column(String(2000))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"), unique=True)
    retention_years: Mapped[int] = mapped_column(Integer)
    destroy_after: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    destruction_list_id: Mapped[int | None] = mapped_column(ForeignKey("destruction_lists.id"))
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    row_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by a loan, a listing, a filing
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])
    destruction_list: Mapped[DestructionList | None] = relationship()
    loans: Mapped[list["RegisterLoan"]] = relationship(lazy="selectin", order_by="RegisterLoan.id",
                                                       back_populates="entry")


class DestructionListItem(Base):
    """An entry on a destruction list; kept after the decision, so a rejected list still says what it held."""
    __tablename__ = "destruction_list_items"
    list_id: Mapped[int] = mapped_column(ForeignKey("destruction_lists.id"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"), primary_key=True, index=True)
    entry: Mapped[RegisterEntry] = relationship(lazy="joined")


class RegisterLoan(Base):
    """A loan of a registered letter's file (ทะเบียนคุมการยืมหนังสือ): who borrowed it, when, when returned."""
    __tablename__ = "register_loans"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"), index=True)
    borrower: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(String(2000))
    borrowed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_back: Mapped[date | None] = mapped_column(Date)
    lent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entry: Mapped[RegisterEntry] = relationship(back_populates="loans")
    lent_by: Mapped[User] = relationship(foreign_keys=[lent_by_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
