"""The `khumue` command line (docs/architecture.md, "Stable interfaces")."""
import json
import sys
from datetime import datetime

import click
from sqlalchemy import select

from db.migrate import upgrade
from engine.demo.flight import load_flight
from engine.demo.office import load_demo
from engine.errors import EngineError
from engine.processes import deployment as processes
from engine.trail import audit, chain_checks
from khumue.accounts import token, users_group
from khumue.checking import echo_problems, echo_refused
from khumue.context import _app, _now, _services
from khumue.transfers import export_command, import_group
from web.config import remember_served_address


def prepare(app, demo: bool) -> set[str]:
    """Migrate the database, deploy processes/ (but the files with errors: returned), load the demo office if asked."""
    svc = _services(app)
    upgrade(app.config["DATABASE_URL"])
    with svc.db.session() as session:
        if demo:
            load_demo(session, _now())
        problems = processes.check_all(svc.engine)
        deployed = processes.deploy_all(svc.engine, session, "system", _now(), problems)
        session.commit()
        if demo and load_flight(svc.engine, session, _now()):  # work already in flight in every inbox
            session.commit()
    for version in deployed:
        click.echo(f"deployed {version.process_id} v{version.version}")
    echo_refused(problems)  # a bad file is said and left out: the server starts with the good ones
    return processes.refused_files(problems)


# The demo office's people by role (engine/demo/office.py); schools are school001…school127.
DEMO_ACCOUNTS = ("admin1", "head1", "supervisor1…supervisor8", "clerk1", "policyhead1", "monitoring1", "director1",
                 "secretary1", "auditor1", "school001…school127")


def listen_address(host: str, port: int) -> str:
    """The address people reach the server at: a wildcard host is this machine's name."""
    import socket
    shown = socket.getfqdn() if host in ("0.0.0.0", "::", "") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def base_url_from(host: str, port: int, demo: bool, env=None) -> list[str]:
    """Mail links start at KHUMUE_BASE_URL, or when it is unset at the address we listen on (set here, before the
    app reads it, and kept under var/ for the scheduler and tick processes); the lines to print at start: where
    to sign in, and a warning or the demo accounts."""
    import os
    env = os.environ if env is None else env
    lines = [f"khumue: {listen_address(host, port)}/"]
    if not env.get("KHUMUE_BASE_URL"):
        env["KHUMUE_BASE_URL"] = listen_address(host, port)
        remember_served_address(env["KHUMUE_BASE_URL"], env)  # for a `khumue tick` or scheduler run apart
        if not demo:
            lines.append(f"warning: KHUMUE_BASE_URL is not set; links in mail use {env['KHUMUE_BASE_URL']} "
                         "(set it to the address people open, e.g. https://khumue.example.go.th)")
    if demo:
        from engine.access.accounts import DEMO_PASSWORD
        lines.append(f"demo accounts: {', '.join(DEMO_ACCOUNTS)}; password: {DEMO_PASSWORD}")
    return lines


@click.group()
def main():
    """khumue: the operation manuals as running processes."""


main.add_command(users_group)
main.add_command(token)
main.add_command(import_group)
main.add_command(export_command)


@main.command()
@click.option("--demo", is_flag=True, help="Load the invented demo office.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def up(demo, host, port):
    """Create or migrate the database, deploy processes, and serve (one process)."""
    from waitress import serve

    from engine.jobs.scheduler import build_scheduler
    lines = base_url_from(host, port, demo)
    app = _app()
    prepare(app, demo)
    scheduler = build_scheduler(_services(app).tick, background=True)
    scheduler.start()
    click.echo(f"{lines[0]}  (database {app.config['DATABASE_URL']}; scheduler running)")
    for line in lines[1:]:
        click.echo(line, err=line.startswith("warning"))
    try:
        serve(app, host=host, port=port, threads=8)
    finally:
        scheduler.shutdown(wait=False)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=0, type=int, help="gunicorn workers (default: one per core)")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="threads per worker")
def serve_cmd(host, port, workers, threads):
    """Serve the web app with gunicorn (several stateless workers)."""
    import os

    from gunicorn.app.base import BaseApplication
    for line in base_url_from(host, port, demo=False):
        click.echo(line, err=line.startswith("warning"))

    class _Gunicorn(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers or os.cpu_count() or 2)
            # Threaded workers keep connections alive: a client's next request skips a new TCP handshake
            # and a worker wake-up (the sync worker closes every connection), twice the lifecycles per second.
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)

        def load(self):
            return _app()

    _Gunicorn().run()


@main.command("scheduler")
@click.option("--interval", default=60, show_default=True, type=int, help="seconds between ticks")
def scheduler_cmd(interval):
    """Run the scheduler: yearly starts, timers, reminders, e-mail (never inside web workers)."""
    from engine.jobs.scheduler import build_scheduler
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
    """Check every process file; print every problem as file:line: element: message (errors, then warnings)."""
    problems = processes.check_all(_services(_app()).engine)
    echo_problems(problems)
    errors = len(processes.refused_files(problems))
    if errors:
        click.echo(f"{errors} file(s) refused / ไฟล์ที่ใช้ไม่ได้ {errors} ไฟล์")
        sys.exit(1)
    click.echo("all process files are valid" if not problems else f"no errors; {len(problems)} warning(s)")


@processes_group.command("deploy")
def processes_deploy():
    """Deploy every changed process file."""
    app = _app()
    upgrade(app.config["DATABASE_URL"])
    try:
        refused = prepare(app, demo=False)
    except EngineError as err:
        from web.i18n import both
        click.echo(both(err.message), err=True)
        sys.exit(1)
    if refused:  # the good files are deployed; say that some were not
        sys.exit(1)


@processes_group.command("list")
def processes_list():
    """The deployed processes and their versions."""
    svc = _services(_app())
    with svc.db.session() as session:
        for item in processes.list_deployed(svc.engine, session):
            click.echo(f"{item['id']}\tv{item['version']}\t{item['name']}")


@main.command("backup")
@click.argument("path", type=click.Path(file_okay=False))
def backup_cmd(path):
    """Copy the database (online) and the evidence files into the folder PATH, with a manifest restore checks."""
    from pathlib import Path

    from db.backup import BackupError, backup_all
    app = _app()
    try:
        manifest = backup_all(app.config["DATABASE_URL"], Path(app.config["EVIDENCE_DIR"]), Path(path), _now(),
                              audit.chain_facts)
    except BackupError as err:
        raise click.ClickException(str(err)) from None
    chain, evidence = manifest["audit"], manifest["evidence"]
    with _services(app).db.session() as session:
        audit.record(session, _now(), "cli", "backup.create", detail={
            "path": str(Path(path).resolve()), "database_sha256": manifest["database_sha256"],
            "audit_events": chain["events"], "audit_hash": chain["hash"], "evidence_files": evidence["count"]})
        session.commit()
    click.echo(f"backup: {Path(path) / manifest['database_file']} and {evidence['count']} evidence files; "
               f"audit chain {'OK' if chain['verified'] else 'BROKEN'}, {chain['events']} events, "
               f"last hash {chain['hash']}")
    for label, shas in (("missing", evidence["missing"]), ("corrupt", evidence["corrupt"])):
        if shas:
            click.echo(f"warning: {len(shas)} evidence files {label} in the live store: {', '.join(shas[:5])}",
                       err=True)


@main.command("restore")
@click.argument("path", type=click.Path(file_okay=False, exists=True))
@click.option("--force", is_flag=True, help="Overwrite a database that is not empty.")
def restore_cmd(path, force):
    """Restore a backup folder into the (empty) database of KHUMUE_DATABASE_URL and KHUMUE_EVIDENCE_DIR."""
    from pathlib import Path

    from db.backup import BackupError
    from db.restore import restore_all
    from web.config import from_env
    config = from_env()
    try:
        manifest = restore_all(Path(path), config["DATABASE_URL"], Path(config["EVIDENCE_DIR"]), audit.chain_facts,
                               force)
    except BackupError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"restored the backup of {manifest['created_at']}: {manifest['evidence']['count']} evidence files; "
               f"audit chain OK, {manifest['audit']['events']} events, last hash {manifest['audit']['hash']}")


class _ArchiveGroup(click.Group):
    """`khumue archive --cycle …  PATH` writes an archive; `khumue archive verify PATH` checks one."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["create", *args]
        return super().parse_args(ctx, args)


@main.group("archive", cls=_ArchiveGroup)
def archive_group():
    """Archive a closed cycle (instances, history, evidence, audit segment) and verify archives."""


@archive_group.command("create")
@click.option("--cycle", "cycle_year", required=True, type=click.IntRange(2500, 2700), help="รอบปี พ.ศ., e.g. 2570")
@click.option("--process", "process_id", default=None, help="only this process and its per-school children")
@click.option("--purge", is_flag=True, help="then remove their documents and evidence files from the live system")
@click.argument("path", type=click.Path(file_okay=False))
def archive_create(cycle_year, process_id, purge, path):
    """Write the cycle's closed instances to the folder PATH (refused while one is still open)."""
    from pathlib import Path

    from engine.records.archive import archive_cycle, delete_purged_files
    svc = _services(_app())
    with svc.db.session() as session:
        try:
            result = archive_cycle(svc.engine, session, "cli", cycle_year, process_id, Path(path), _now(), purge)
        except EngineError as err:
            from web.i18n import both
            session.rollback()  # a refused run is on the record too
            audit.record(session, _now(), "cli", "archive.refuse", process_id=process_id,
                         detail={"cycle_year": cycle_year, "path": path, "reason": both(err.message)})
            session.commit()
            raise click.ClickException(both(err.message)) from None
        session.commit()
        removed = delete_purged_files(svc.engine, session)
    seg = result.manifest["segment"]
    click.echo(f"archived {len(result.manifest['instances'])} instances of cycle {cycle_year} to {path}: "
               f"{len(result.manifest['evidence'])} evidence files, audit events {seg['first_id']}–{seg['last_id']}; "
               f"manifest sha256 {result.manifest_sha256}")
    if purge:
        click.echo(f"purged {len(result.purged)} instances and {removed} evidence files from the live system")


@archive_group.command("verify")
@click.argument("path", type=click.Path(file_okay=False, exists=True))
def archive_verify(path):
    """Check an archive's files and its audit segment on their own; exit 1 naming each problem."""
    from engine.records.archive import verify_archive
    problems = verify_archive(path)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo("archive OK")


@main.group("audit")
def audit_group():
    """Verify and export the audit trail."""


def _expected_head(value: str | None) -> dict | None:
    """--expect: a hash, or a file holding `khumue audit head`'s JSON or a backup's audit-head.txt."""
    from pathlib import Path
    if value is None:
        return None
    text = Path(value).read_text(encoding="utf-8") if Path(value).is_file() else value
    try:
        return audit.parse_head(text)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--expect") from None


@audit_group.command("verify")
@click.option("--expect", "expect", default=None, metavar="HASH_OR_FILE",
              help="A head exported earlier (`khumue audit head`): the chain must still hold it.")
def audit_verify(expect):
    """Prove the hash chain; exit 1 naming the first bad event."""
    expected = _expected_head(expect)
    svc = _services(_app())
    with svc.db.session() as session:
        report = audit.verify(session, expected)
        if chain_checks.record(session, report, _now()):  # the audit page shows a break from its next view
            session.commit()
    if not report.ok:
        where = f"event {report.first_bad_id}" if report.first_bad_id else "the chain's end"
        click.echo(f"audit chain BROKEN at {where}: {report.reason}", err=True)
        sys.exit(1)
    click.echo(f"audit chain OK: {report.events} events, last hash {report.last_hash}")
    if expected is not None:
        click.echo(f"the chain holds the exported head {expected['hash']}")


@audit_group.command("head")
def audit_head():
    """Print the newest event's place in the chain and its hash as JSON; keep it elsewhere for verify --expect."""
    svc = _services(_app())
    with svc.db.session() as session:
        click.echo(json.dumps(audit.head(session)))


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

    from engine.reporting import pack_files, packs
    if kind == "emes" and quarter:
        raise click.BadParameter("e-MES is reported once a year; leave out --quarter", param_hint="--quarter")
    svc = _services(_app())
    with svc.db.session() as session:
        pack = packs.build_pack(svc.engine, session, kind, fiscal_year, quarter, _now())
    Path(output).write_bytes(pack_files.render(pack, file_format))
    click.echo(f"wrote {output}: {len(pack.emenscr)} eMENSCR rows, {len(pack.emes)} e-MES rows")
