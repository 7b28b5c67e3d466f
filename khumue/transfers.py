"""`khumue import schools|users FILE` and `khumue export schools|users FILE`: the office's lists in and out.

The same engine functions as the admin page (engine.org.import_schools, engine.org.import_users): a file with
any bad row writes nothing and the command exits 1 listing the rows; `--dry-run` prints the preview only.
"""
from pathlib import Path

import click

from engine.access.policy import shell
from engine.errors import EngineError
from engine.org import import_schools, import_users, table_files
from engine.org.imports import Preview
from khumue.context import _app, _now, _services

LISTS = {"schools": import_schools, "users": import_users}


def _run(kind: str, session, data: bytes, name: str, dry_run: bool) -> Preview:
    actor = shell("cli")
    if kind == "schools":
        return import_schools.import_schools(session, actor, data, name, _now(), dry_run)
    return import_users.import_users(session, actor, data, name, _now(), dry_run)


def _echo_preview(result: Preview, verbose: bool) -> None:
    for row in result.rows if verbose else []:
        click.echo(f"line {row.row}\t{row.action}\t{row.key}")
    for problem in result.problems:
        click.echo(f"line {problem.row}\t{problem.column}\t{problem.text}", err=True)
    if result.ignored_columns:
        click.echo(f"columns ignored: {', '.join(result.ignored_columns)}")
    summary = result.summary()
    networks = f", new networks: {', '.join(summary['networks_added'])}" if summary["networks_added"] else ""
    click.echo(f"{result.kind}: {summary['add']} to add, {summary['update']} to update, {summary['same']} the same, "
               f"{summary['bad_rows']} bad row(s){networks}")


@click.group("import")
def import_group():
    """Import the office's schools or staff from CSV (UTF-8) or XLSX; see README for the columns."""


@import_group.command("schools")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the preview (each row's action, each bad cell); write nothing.")
def import_schools_command(file: Path, dry_run: bool):
    """Import schools: code,name,network,subdistrict,district,province,students (updated by code)."""
    _import("schools", file, dry_run)


@import_group.command("users")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the preview (each row's action, each bad cell); write nothing.")
def import_users_command(file: Path, dry_run: bool):
    """Import staff: username,name,email,roles,group,network[,school] (updated by username)."""
    _import("users", file, dry_run)


def _import(kind: str, file: Path, dry_run: bool) -> None:
    svc = _services(_app())
    with svc.db.session() as session:
        try:
            result = _run(kind, session, file.read_bytes(), file.name, dry_run)
        except EngineError as err:
            details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in (err.fields or {}).items())
            raise click.ClickException(f"{err.message}" + (f" ({details})" if details else "")) from None
        session.commit()
    _echo_preview(result, verbose=dry_run)
    if not result.ok:
        click.echo("nothing was written: correct the rows above and import again", err=True)
        raise SystemExit(1)
    if result.written:
        click.echo("written (one audit event)")


@click.command("export")
@click.argument("kind", type=click.Choice(sorted(LISTS)))
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(kind: str, file: Path):
    """Write the schools or users to FILE (.xlsx, else CSV): the columns `khumue import` reads."""
    svc = _services(_app())
    module = LISTS[kind]
    with svc.db.session() as session:
        rows = module.export_rows(session, shell("cli"))
    if file.suffix.lower() == ".xlsx":
        file.write_bytes(table_files.write_xlsx(module.COLUMNS, rows, kind))
    else:
        file.write_bytes(table_files.write_csv(module.COLUMNS, rows))
    click.echo(f"{len(rows)} {kind} written to {file}")
