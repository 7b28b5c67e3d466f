"""The `khumue` command line (DESIGN §4)."""
import json
import sys
from datetime import datetime, timezone

import click
from sqlalchemy import select

from db.migrate import upgrade
from db.models import User, UserRole
from engine import audit, processes
from engine.accounts import hash_password, issue_token
from engine.demo import load_demo
from engine.demo_flight import load_flight
from engine.errors import EngineError
from engine.roles import ROLES


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _app():
    from web import create_app
    return create_app()


def _services(app):
    return app.extensions["khumue"]


def prepare(app, demo: bool) -> None:
    """Migrate the database, deploy processes/, and load the demo office if asked."""
    svc = _services(app)
    upgrade(app.config["DATABASE_URL"])
    with svc.db.session() as session:
        if demo:
            load_demo(session, _now())
        deployed = processes.deploy_all(svc.engine, session, "system", _now())
        session.commit()
        if demo and load_flight(svc.engine, session, _now()):  # work already in flight in every inbox
            session.commit()
    for version in deployed:
        click.echo(f"deployed {version.process_id} v{version.version}")


@click.group()
def main():
    """khumue: the operation manuals as running processes."""


@main.command()
@click.option("--demo", is_flag=True, help="Load the invented demo office.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def up(demo, host, port):
    """Create or migrate the database, deploy processes, and serve (one process)."""
    from waitress import serve
    from engine.scheduler import build_scheduler
    app = _app()
    prepare(app, demo)
    scheduler = build_scheduler(_services(app).tick, background=True)
    scheduler.start()
    click.echo(f"khumue: http://{host}:{port}/  (database {app.config['DATABASE_URL']}; scheduler running)")
    try:
        serve(app, host=host, port=port, threads=8)
    finally:
        scheduler.shutdown(wait=False)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=0, type=int, help="gunicorn workers (default: one per core)")
def serve_cmd(host, port, workers):
    """Serve the web app with gunicorn (several stateless workers)."""
    import os
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers or os.cpu_count() or 2)

        def load(self):
            return _app()

    _Gunicorn().run()


@main.command("scheduler")
@click.option("--interval", default=60, show_default=True, type=int, help="seconds between ticks")
def scheduler_cmd(interval):
    """Run the scheduler: yearly starts, timers, reminders, e-mail (never inside web workers)."""
    from engine.scheduler import build_scheduler
    app = _app()
    upgrade(app.config["DATABASE_URL"])
    click.echo(f"khumue scheduler: every {interval}s on {app.config['DATABASE_URL']}")
    build_scheduler(_services(app).tick, background=False, interval_seconds=interval).start()


@main.command("tick")
@click.option("--now", "at", default=None, help="ISO-8601 moment with offset (default: now)")
def tick_cmd(at):
    """Run every scheduler job due at that moment once, then exit."""
    moment = datetime.fromisoformat(at) if at else _now()
    if moment.tzinfo is None:
        raise click.BadParameter("give an offset, e.g. 2027-05-24T08:30:00+07:00", param_hint="--now")
    app = _app()
    upgrade(app.config["DATABASE_URL"])
    report = _services(app).tick(moment)
    click.echo(json.dumps({"now": moment.isoformat(), **report}, ensure_ascii=False))


@main.group("processes")
def processes_group():
    """List, check and deploy the process files."""


@processes_group.command("check")
def processes_check():
    """Check every process file; print each problem as file: element: reason."""
    problems = processes.check_all(_services(_app()).engine)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        sys.exit(1)
    click.echo("all process files are valid")


@processes_group.command("deploy")
def processes_deploy():
    """Deploy every changed process file."""
    app = _app()
    upgrade(app.config["DATABASE_URL"])
    try:
        prepare(app, demo=False)
    except EngineError as err:
        for line in err.fields.get("processes", [err.message]):
            click.echo(line, err=True)
        sys.exit(1)


@processes_group.command("list")
def processes_list():
    """The deployed processes and their versions."""
    svc = _services(_app())
    with svc.db.session() as session:
        for item in processes.list_deployed(svc.engine, session):
            click.echo(f"{item['id']}\tv{item['version']}\t{item['name']}")


@main.group("users")
def users_group():
    """Add and list users."""


@users_group.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True)
@click.option("--email", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(sorted(ROLES)))
@click.password_option()
def users_add(username, full_name, email, roles, password):
    """Add a user with one or more roles."""
    svc = _services(_app())
    with svc.db.session() as session:
        if session.scalar(select(User).where(User.username == username)):
            raise click.ClickException(f"user {username} exists")
        user = User(username=username, full_name=full_name, email=email,
                    password_hash=hash_password(password), active=True)
        user.role_rows = [UserRole(role=r) for r in roles]
        session.add(user)
        audit.record(session, _now(), "cli", "user.add", detail={"username": username, "roles": list(roles)})
        session.commit()
    click.echo(f"added {username}")


@users_group.command("list")
def users_list():
    """Every user with their roles."""
    svc = _services(_app())
    with svc.db.session() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            click.echo(f"{user.username}\t{','.join(sorted(user.roles))}\t{user.full_name}")


@main.command()
@click.argument("username")
def token(username):
    """Print a new API bearer token for USER."""
    svc = _services(_app())
    with svc.db.session() as session:
        user = session.scalar(select(User).where(User.username == username, User.active))
        if user is None:
            raise click.ClickException(f"no active user {username}")
        value = issue_token(session, user, _now())
        audit.record(session, _now(), "cli", "token.create", detail={"username": username})
        session.commit()
    click.echo(value)


@main.command("backup")
@click.argument("path", type=click.Path(file_okay=False))
def backup_cmd(path):
    """Copy the database (online) and the evidence files into the folder PATH, with the audit chain's head."""
    from pathlib import Path
    from db.backup import backup_database, backup_evidence
    app = _app()
    target = Path(path)
    written = backup_database(app.config["DATABASE_URL"], target)
    files = backup_evidence(Path(app.config["EVIDENCE_DIR"]), target)
    with _services(app).db.session() as session:
        report = audit.verify(session)
    (target / "audit-head.txt").write_text(f"{report.events} {report.last_hash}\n")
    click.echo(f"backup: {written} and {files} evidence files; audit chain {'OK' if report.ok else 'BROKEN'}, "
               f"{report.events} events, last hash {report.last_hash}")


@main.group("audit")
def audit_group():
    """Verify and export the audit trail."""


@audit_group.command("verify")
def audit_verify():
    """Prove the hash chain; exit 1 naming the first bad event."""
    svc = _services(_app())
    with svc.db.session() as session:
        report = audit.verify(session)
    if not report.ok:
        where = f"event {report.first_bad_id}" if report.first_bad_id else "the chain's end"
        click.echo(f"audit chain BROKEN at {where}: {report.reason}", err=True)
        sys.exit(1)
    click.echo(f"audit chain OK: {report.events} events, last hash {report.last_hash}")


@audit_group.command("export")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
def audit_export(output):
    """Write every event as JSON lines, oldest first."""
    from db.models import AuditEvent
    svc = _services(_app())
    with svc.db.session() as session:
        for row in session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000)):
            output.write(json.dumps({"id": row.id, "at": row.at.isoformat(), "actor": row.actor,
                                     "action": row.action, "process_id": row.process_id,
                                     "instance_id": row.instance_id, "task_id": row.task_id,
                                     "detail": row.detail, "prev_hash": row.prev_hash, "hash": row.hash},
                                    ensure_ascii=False) + "\n")


@main.command("report")
@click.argument("kind", type=click.Choice(["emenscr", "emes"]))
@click.option("--fiscal-year", required=True, type=click.IntRange(2500, 2700), help="ปีงบประมาณ พ.ศ., e.g. 2571")
@click.option("--quarter", type=click.IntRange(1, 4), help="eMENSCR: fiscal quarter, 1 = Oct–Dec … 4 = Jul–Sep")
@click.option("--format", "file_format", required=True, type=click.Choice(["xlsx", "pdf"]))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, writable=True))
def report_cmd(kind, fiscal_year, quarter, file_format, output):
    """Write the eMENSCR (per quarter, or the year's four) or e-MES (per year) report pack to a file."""
    from pathlib import Path
    from engine import report_files, reports
    if kind == "emes" and quarter:
        raise click.BadParameter("e-MES is reported once a year; leave out --quarter", param_hint="--quarter")
    svc = _services(_app())
    with svc.db.session() as session:
        pack = reports.build_pack(svc.engine, session, kind, fiscal_year, quarter, _now())
    Path(output).write_bytes(report_files.render(pack, file_format))
    click.echo(f"wrote {output}: {len(pack.emenscr)} eMENSCR rows, {len(pack.emes)} e-MES rows")
