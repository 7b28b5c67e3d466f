"""The typed models: organisation, process versions, instances, the task mirror, evidence, audit."""
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import JSONDoc, UTCDateTime


class Base(DeclarativeBase):
    """Declarative base of every khumue table."""

    # Every model is declared by __tablename__, so what it maps is a Table (SQLAlchemy types any FromClause).
    __table__: ClassVar[Table]


class Network(Base):
    """A quality-development network of schools (เครือข่ายพัฒนาคุณภาพการศึกษา)."""
    __tablename__ = "networks"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    supervisor: Mapped["User | None"] = relationship(foreign_keys=[supervisor_id])
    row_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by each admin edit (db/conditional.py)


class School(Base):
    """A school (สถานศึกษา) of the area, in one network."""
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    network: Mapped[Network] = relationship()
    row_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by each admin edit (db/conditional.py)
    # Where it is and how big (revision 0013: the office's own school list, imported from its file).
    subdistrict: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    students: Mapped[int | None] = mapped_column(Integer)


class User(Base):
    """A person (or a school's shared account) who signs in."""
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    group_code: Mapped[str | None] = mapped_column(String(32))
    mail_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    credential_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped: older sessions, tokens stop
    row_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by each admin edit (db/conditional.py)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    school: Mapped[School | None] = relationship(foreign_keys=[school_id])
    role_rows: Mapped[list["UserRole"]] = relationship(lazy="selectin", cascade="all, delete-orphan")

    @property
    def roles(self) -> set[str]:
        """The role ids this user holds: as the request's first statement read them (engine.access.accounts
        hold_roles, dropped when the roles change or the row expires), else from the role rows."""
        held = self.__dict__.get(ROLES_HELD)
        return set(held) if held is not None else {row.role for row in self.role_rows}


ROLES_HELD = "_roles_held"  # a plain attribute of the row, not a column


class UserRole(Base):
    """One role (a BPMN lane) held by a user."""
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class ApiToken(Base):
    """A bearer token (only its SHA-256 kept): valid until it expires, is revoked or the user's credentials change."""
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    credential_version: Mapped[int] = mapped_column(Integer, default=0)
    user: Mapped[User] = relationship()


class ProcessVersion(Base):
    """One deployed version of a process; running instances stay pinned to theirs."""
    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_id", "version"), UniqueConstraint("process_id", "content_hash"))
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)  # large; read only to parse or draw it
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # JSON {file name: DMN XML} of the decision tables its business-rule tasks call, pinned with the version
    decisions: Mapped[str | None] = mapped_column(Text, deferred=True)
    catalog: Mapped[str | None] = mapped_column(Text)  # JSON metadata with the version (engine.processes.catalog_store)
    catalog_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # last metadata change
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # set on the newest: no starts


class ProcessInstance(Base):
    """A running procedure for one cycle; its SpiffWorkflow state is one JSON document."""
    __tablename__ = "process_instances"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    cycle_year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    document: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    lock_version: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    parent_task_id: Mapped[str | None] = mapped_column(String(36))
    open_children: Mapped[int] = mapped_column(Integer, default=0)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    process_version: Mapped[ProcessVersion] = relationship()
    # Read-only: a self-referential relationship that is written makes every flush sort rows one by one.
    parent: Mapped["ProcessInstance | None"] = relationship(remote_side=[id], viewonly=True)
    school: Mapped[School | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    # A stale write (another completion got there first) raises StaleDataError: the API's 409.
    __mapper_args__ = {"version_id_col": lock_version}


# What the reminder sweep reads of a new due task besides its moment (engine.notify.sweep): carried by
# ix_task_reminder after (status, moment, id), so a catch-up morning's 80,000 due tasks need no visit to the table
# (key columns, not INCLUDE, which SQLite lacks: after the unique id they never decide an entry's place).
SWEPT_COLUMNS = ["role", "school_id", "assignee_id", "instance_id", "step_id", "process_id", "due_at"]


class HumanTask(Base):
    """A ready user task mirrored out of the workflow document, so an inbox is one query."""
    __tablename__ = "human_tasks"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_task_assignee_open", "status", "assignee_id", "due_at"),
        Index("ix_task_role_open", "status", "role", "due_at"),
        Index("ix_task_instance", "instance_id", "status"),
        # (0020) a school's tasks walked soonest due first, so its inbox page stops after the page
        Index("ix_task_school", "school_id", "status", "due_at", "id"),
        # (0023) the reminder sweep's new due tasks in (moment, id) order, read from the index alone
        Index("ix_task_reminder", "status", "next_reminder_at", "id", *SWEPT_COLUMNS),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    root_instance_id: Mapped[int] = mapped_column(Integer, index=True)
    process_id: Mapped[str] = mapped_column(String(64))
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    step_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(32))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id"), index=True)
    cycle_year: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict | None] = mapped_column(JSONDoc)
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The urgent speed class of the task's letter when the task was made (engine.model.urgency), else None.
    urgency: Mapped[str | None] = mapped_column(String(16))
    instance: Mapped[ProcessInstance] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    school: Mapped[School | None] = relationship()


class TaskReminder(Base):
    """The next reminder moment of a task the sweep has looked at (engine.notify.sweep), kept out of human_tasks:
    moving it on writes this narrow row and its one index, not human_tasks' row and its eleven."""
    __tablename__ = "task_reminders"
    # Not a foreign key (migration 0023): on PostgreSQL its check locked each due task's human_tasks row, a write
    # the sweep would pay 80,000 times on a catch-up morning. No task row is ever deleted, and a row counts only
    # while planned_from equals its task's own next_reminder_at.
    task_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # The task's next_reminder_at when this row was written: planning the task again (a claim given back, a new
    # due date) changes that and so makes this row void.
    planned_from: Mapped[datetime] = mapped_column(UTCDateTime())
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # None: no reminder comes again
    # The stages the sweep mailed for the task and to whom, "due1@12,late0," (engine.notify.sweep._told; migration
    # 0026): planning the task again does not mail a stage twice to the same people (the outbox's per-task key
    # refused it when the sweep wrote a row per task and person).
    mailed: Mapped[str | None] = mapped_column(Text)


class ReminderSweep(Base):
    """How far the reminder sweep has looked at the tasks' own first moments (one row): only later ones are new."""
    __tablename__ = "reminder_sweeps"
    id: Mapped[int] = mapped_column(primary_key=True)
    swept_to: Mapped[datetime] = mapped_column(UTCDateTime())


class Evidence(Base):
    """What shows a step was done: a file stored by SHA-256, a link or a note."""
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("human_tasks.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str | None] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str | None] = mapped_column(Text)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[User] = relationship()


class AuditEvent(Base):
    """An append-only, hash-chained record of one change."""
    __tablename__ = "audit_events"
    __table_args__ = (
        # (0020) a search by time walks (at, id) in its order; on whose behalf a substitute acted, only
        # events that name someone (a partial index, so the others cost nothing to write)
        Index("ix_audit_at_id", "at", "id"),
        Index("ix_audit_on_behalf_id", text("(detail ->> 'on_behalf_of')"), "id",
              postgresql_where=text("(detail ->> 'on_behalf_of') IS NOT NULL"),
              sqlite_where=text("(detail ->> 'on_behalf_of') IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    process_id: Mapped[str | None] = mapped_column(String(64))
    instance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    task_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    # Unique: two writers that read the same chain tail cannot both append after it.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's newest hash; updating this one row is what orders appends on every database."""
    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    events: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Holiday(Base):
    """A day off the cabinet adds on top of the public holidays."""
    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Setting(Base):
    """A key/value setting of this installation (e.g. whether it holds the demo office)."""
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


class OutboxMail(Base):
    """An e-mail queued in the same transaction as its cause; the scheduler sends it."""
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "send_after"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # At most one mail per task, kind and day (or per digest, user and day): the database refuses a second.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_addr: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(Integer)
    # The reminder sweep's mails: one row per person, kind and batch, naming its tasks ("12,15,40"; migration
    # 0026); engine.notify.gathered expands them when they are sent or shown.
    task_ids: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    send_after: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a sender's claim, on the real clock
    message_id: Mapped[str | None] = mapped_column(String(200))


class CycleStart(Base):
    """The one instance the scheduler started for a process's cycle."""
    __tablename__ = "cycle_starts"
    process_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cycle_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())



class Delegation(Base):
    """An out-of-office window: while it is open, the substitute sees and does the user's tasks."""
    __tablename__ = "delegations"
    __table_args__ = (Index("ix_delegation_substitute", "substitute_id", "starts_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    substitute: Mapped[User] = relationship(foreign_keys=[substitute_id])


class TaskDraft(Base):
    """A person's unfinished answers to a task's form, kept until they finish it (one per task and user)."""
    __tablename__ = "task_drafts"
    __table_args__ = (UniqueConstraint("task_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("human_tasks.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    values: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Inbox indexes (revision 0006): a user's done tasks, and every open task soonest due first; (0009) the
# claimable pool by role, and the audit trail by person.
Index("ix_task_completed_by", HumanTask.completed_by_id, HumanTask.status)
Index("ix_task_status_due", HumanTask.status, HumanTask.due_at, HumanTask.id)
Index("ix_task_pool", HumanTask.status, HumanTask.role, HumanTask.assignee_id, HumanTask.due_at, HumanTask.id)
# (0024 PostgreSQL, 0027 SQLite) the inbox's cards of every open task and of a role's pool, a group at a time
# (engine.reporting.card_groups). SQLite has no INCLUDE: the two columns the rules read close its key instead.
Index("ix_task_cards", HumanTask.status, HumanTask.role, HumanTask.process_id, HumanTask.step_id, HumanTask.cycle_year,
      HumanTask.due_at, HumanTask.id, postgresql_include=["assignee_id", "school_id"]).ddl_if(dialect="postgresql")
Index("ix_task_cards", HumanTask.status, HumanTask.role, HumanTask.process_id, HumanTask.step_id, HumanTask.cycle_year,
      HumanTask.due_at, HumanTask.id, HumanTask.assignee_id, HumanTask.school_id).ddl_if(dialect="sqlite")
# (0027, SQLite) a role's pool of tasks without a school, soonest due first: the single cards of a claimable tab
# beside its groups (ix_task_pool walks every school's unclaimed tasks of the role to find none there)
Index("ix_task_office_pool", HumanTask.status, HumanTask.role, HumanTask.assignee_id, HumanTask.due_at, HumanTask.id,
      sqlite_where=HumanTask.school_id.is_(None)).ddl_if(dialect="sqlite")
Index("ix_audit_actor_id", AuditEvent.actor, AuditEvent.id)
# (0025) the people a typed "who" names: by username in any case; on PostgreSQL with pg_trgm also by part of the
# name (the migration leaves that index out where the extension cannot be created)
Index("ix_users_lower_username", func.lower(User.username))


# On whose behalf a substitute acted, as the partial index ix_audit_on_behalf_id reads it (the same text on
# PostgreSQL and SQLite ≥ 3.38, with the key written out, so the planner matches the index).
ON_BEHALF_OF = AuditEvent.detail.op("->>", return_type=String())(literal_column("'on_behalf_of'"))

class LoginAttempt(Base):
    """One sign-in outcome for a username and an address; kept in the database so every worker counts the same."""
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempt_username", "username", "at"), Index("ix_login_attempt_ip", "ip", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    # failed | locked | refused | unlocked | cleared (a success after failures: the count starts again)
    outcome: Mapped[str] = mapped_column(String(16))


class LoginLock(Base):
    """A username's tries begun in the window opened `since`, and its lock: reserved and decided in one UPDATE."""
    __tablename__ = "login_locks"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


from db.exports import ExportJob  # noqa: E402,F401 — its own file; imported here so the metadata holds it
from db.incidents import Incident  # noqa: E402,F401 — its own file; imported here so the metadata holds it
from db.registers import (  # noqa: E402,F401 — their own file; imported here so the metadata holds them
    DestructionList,
    DestructionListItem,
    RegisterCounter,
    RegisterEntry,
    RegisterLoan,
)
