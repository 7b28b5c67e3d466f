"""An export job: a large audit export made in the background, its progress and, once done, its file.

The state lives in the database, so whichever web worker the reader's next request reaches can report the
progress and hand over the file. Beside db/models.py (which imports it at its end, so the metadata holds it)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base
from db.types import JSONDoc, UTCDateTime


class ExportJob(Base):
    """One export: what was asked (kind and filters), by whom, how far it got, and the file it made."""

    __tablename__ = "export_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # pdf or csv
    filters: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    status: Mapped[str] = mapped_column(String(16))  # queued, running, done, failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(16), default="")  # reading, rendering
    file_name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the worker's heartbeat while it runs
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
