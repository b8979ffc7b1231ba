"""Command-line tasks: ``flask --app wsgi <command>``."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from .extensions import db


class DutchError(click.ClickException):
    """A failed command: its Dutch message on standard error, exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Fout: {self.format_message()}", err=True)


def init_cli(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", prompt="E-mailadres")
    @click.option("--name", prompt="Naam")
    @click.option(
        "--role",
        "app_role",
        type=click.Choice(["beheerder", "secretaris", "deelnemer"]),
        default="beheerder",
        show_default=True,
    )
    @click.password_option(
        "--password", prompt="Wachtwoord", confirmation_prompt="Herhaal wachtwoord"
    )
    def create_user(email: str, name: str, app_role: str, password: str) -> None:
        """Maak een account aan (bijvoorbeeld de eerste beheerder)."""
        from .auth.services import password_problem, set_password
        from .models import Person

        email = email.strip().lower()
        problem = password_problem(password, (name, email))
        if problem:
            raise click.ClickException(problem)
        if db.session.scalar(select(Person).where(Person.email == email)):
            raise click.ClickException(f"Er bestaat al een persoon met e-mailadres {email}.")
        person = Person(name=name.strip(), email=email, app_role=app_role)
        set_password(person, password)
        db.session.add(person)
        db.session.commit()
        click.echo(f"Account aangemaakt voor {person.name} <{email}> als {app_role}.")

    @app.cli.command("seed-demo")
    @click.option(
        "--if-empty", is_flag=True, help="Alleen laden als er nog niemand in de database staat."
    )
    def seed_demo(if_empty: bool) -> None:
        """Laad de demogegevens van Midden-Groningen (tweemaal laden verandert niets)."""
        from .demo import seed_all
        from .models.people import count_people

        if if_empty and count_people() > 0:
            click.echo("Database bevat al gegevens; demogegevens niet opnieuw geladen.")
            return
        counts = seed_all()
        click.echo("Demogegevens geladen: " + ", ".join(f"{v} {k}" for k, v in counts.items()))

    @app.cli.command("seed-scale")
    @click.option("--years", type=click.IntRange(1, 30), default=10, show_default=True)
    @click.option("--seed", type=int, default=2019, show_default=True, help="Startgetal.")
    @click.option(
        "--audit-per-year",
        type=click.IntRange(0, 10_000_000),
        default=100_000,
        show_default=True,
        help="Logboekregels per jaar.",
    )
    def seed_scale_command(years: int, seed: int, audit_per_year: int) -> None:
        """Vul een lege database met N jaar fictief werk (voor de benchmarks in bench/)."""
        import time as _time

        from .demo.scale import ScaleError, seed_scale

        started = _time.perf_counter()
        try:
            result = seed_scale(years, seed, audit_per_year=audit_per_year)
        except ScaleError as exc:
            raise click.ClickException(str(exc)) from exc
        took = _time.perf_counter() - started
        click.echo(
            f"{years} jaar geladen in {took:.0f} s: "
            + ", ".join(f"{v} {k}" for k, v in result.counts.items())
        )

    @app.cli.command("retention")
    @click.option(
        "--destroy",
        is_flag=True,
        help="Vernietig ook de stukken van vergaderingen waarvan de bewaartermijn is "
        "verstreken (niet de bevroren).",
    )
    @click.option(
        "--batch-size",
        type=click.IntRange(1, 100_000),
        default=None,
        help="Zoveel rijen per transactie (standaard RETENTION_BATCH_SIZE).",
    )
    def retention(destroy: bool, batch_size: int | None) -> None:
        """Voer de bewaartermijnen uit (cron: dagelijks): verwijder contactgegevens van
        inwoners bij signalen die langer dan SIGNAL_CONTACT_RETENTION_MONTHS geleden zijn
        afgehandeld en inloggegevens in het logboek ouder dan LOGIN_DATA_RETENTION_MONTHS;
        met --destroy ook de stukken van vergaderingen waarvan de bewaartermijn is verstreken."""
        from .audit import record
        from .domain import retention as dret
        from .domain.signals import erase_contact_details
        from .storage import get_storage

        size = batch_size or app.config["RETENTION_BATCH_SIZE"]
        months = app.config["SIGNAL_CONTACT_RETENTION_MONTHS"]
        count = erase_contact_details(months)
        if count:
            record("signal_contacts_erased", object_type="signal", ref=f"{count} signalen")
        db.session.commit()
        click.echo(
            f"Contactgegevens van inwoners verwijderd bij {count} signalen "
            f"(afgehandeld meer dan {months} maanden geleden)."
        )
        login_months = app.config["LOGIN_DATA_RETENTION_MONTHS"]
        try:
            removed, batches = dret.purge_login_events(login_months, batch_size=size)
        except dret.RetentionError as exc:
            raise click.ClickException(str(exc)) from exc
        if removed:
            record("login_data_purged", object_type="audit_event", ref=f"{removed} regels")
            db.session.commit()
        click.echo(
            f"Inloggegevens verwijderd: {removed} logboekregels ouder dan {login_months} "
            f"maanden (in {batches} {'batch' if batches == 1 else 'batches'})."
        )
        due = dret.count_due()
        if not destroy:
            click.echo(
                f"{due.total} vergaderingen voorbij hun bewaartermijn, waarvan "
                f"{due.held} bevroren; vernietigen met --destroy."
            )
            return
        report = dret.destroy(get_storage(), by=None, via="opdracht", batch_size=size)
        click.echo(
            f"Stukken vernietigd van {report.count} vergaderingen "
            f"({report.files} bestanden, in {report.batches} "
            f"{'batch' if report.batches == 1 else 'batches'}); {due.held} bevroren "
            "vergaderingen overgeslagen. Zie het vernietigingsregister op de pagina "
            "Bewaartermijnen."
        )

    @app.cli.command("send-mail")
    @click.option(
        "--limit", default=500, show_default=True, help="Hoogstens zoveel berichten per keer."
    )
    def send_mail(limit: int) -> None:
        """Verstuur de berichten in de uitgaande post die aan de beurt zijn (cron: elke minuut)."""
        from .mail.outbox import deliver_due

        report = deliver_due(app, limit=limit)
        click.echo(f"Uitgaande post: {report}.")

    @app.cli.command("backup")
    @click.argument("directory", type=click.Path(file_okay=False))
    def backup_command(directory: str) -> None:
        """Maak een reservekopie (database en opgeslagen bestanden) in een nieuwe map."""
        from .backup import BackupError, create_backup

        try:
            manifest = create_backup(directory)
        except BackupError as exc:
            raise DutchError(str(exc)) from exc
        for warning in manifest["warnings"]:
            click.echo(f"Waarschuwing: {warning}", err=True)
        kind = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[manifest["database"]["kind"]]
        size = manifest["database"]["size"] + sum(f["size"] for f in manifest["files"])
        click.echo(
            f"Reservekopie gemaakt in {directory}: {kind}-database "
            f"(schemaversie {manifest['alembic_revision']}, "
            f"{sum(manifest['tables'].values())} rijen) en {len(manifest['files'])} "
            f"bestanden, samen {size / 1e6:.1f} MB."
        )

    @app.cli.command("restore")
    @click.argument("directory", type=click.Path(file_okay=False, exists=True))
    @click.option(
        "--force", is_flag=True, help="Ook herstellen als de database of opslag al gegevens bevat."
    )
    def restore_command(directory: str, force: bool) -> None:
        """Zet een reservekopie terug (controleert eerst elke SHA-256); stop eerst de webdienst."""
        from .backup import BackupError, restore_backup

        try:
            manifest = restore_backup(directory, force=force)
        except BackupError as exc:
            raise DutchError(str(exc)) from exc
        click.echo(
            f"Reservekopie van {manifest['created_at']} hersteld: "
            f"{sum(manifest['tables'].values())} rijen en {len(manifest['files'])} bestanden "
            "(elke SHA-256 gecontroleerd)."
        )
