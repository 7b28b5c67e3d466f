"""An incident: a step of one instance that failed, kept for the administrators to fix, retry, skip or cancel.

Beside db/models.py (which imports it at its end, so the metadata always holds the table)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base
from db.types import UTCDateTime


class Incident(Base):
    """One failure of an automatic step; open until an administrator retries, skips or cancels."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incident_open", "closed_at", "instance_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    step_id: Mapped[str] = mapped_column(String(64))
    step_name: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    traceback: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str | None] = mapped_column(String(16))  # retry, skip or cancel
