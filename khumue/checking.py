"""How the command line shows a check: errors, then warnings, each `file:line: element: message` in Thai and
English (the command line has no reader's language), and what was not deployed because of them."""
import click

from engine.model.check import ERROR, WARNING, Problem


def problem_line(problem: Problem) -> str:
    """One problem on one line, its message in both languages."""
    from web.i18n import both
    return f"{problem.file}:{problem.line or '-'}: {problem.element}: {both(problem.message)}"


def echo_problems(problems: list[Problem], err: bool = False) -> None:
    """Errors and warnings apart, with how many of each."""
    for severity, title in ((ERROR, "errors / ข้อผิดพลาด"), (WARNING, "warnings / คำเตือน")):
        chosen = [p for p in problems if p.severity == severity]
        if chosen:
            click.echo(f"{title} ({len(chosen)}):", err=err)
            for problem in chosen:
                click.echo(f"  {problem_line(problem)}", err=err)


def echo_refused(problems: list[Problem]) -> None:
    """At start and deploy: the files left out (the others are deployed), on standard error."""
    refused = sorted({p.file for p in problems if p.severity == ERROR})
    if problems:
        echo_problems(problems, err=True)
    if refused:
        click.echo(f"not deployed / ไม่ได้ติดตั้ง: {', '.join(refused)}", err=True)
