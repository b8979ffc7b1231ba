"""Turning an outbox row into a MIME message and handing it to a mail backend.

Backends (config ``MAIL_BACKEND``): ``smtp`` (MAIL_SERVER/PORT/USERNAME/PASSWORD/USE_TLS),
``console`` (prints the message; development) and ``memory`` (keeps a list; tests).
"""

from __future__ import annotations

import smtplib
import sys
from abc import ABC, abstractmethod
from datetime import UTC
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from io import BytesIO

from flask import Flask, current_app

from ..domain.input import one_line
from ..timeutil import utcnow

SMTP_TIMEOUT = 20
# Parts are encoded 7-bit safe (quoted-printable/base64, lines of at most 78 characters).
BUILD_POLICY = policy.default.clone(cte_type="7bit")
# When written out, headers stay on one line up to the RFC 5322 limit of 998 characters:
# Python would fold a long Subject right after "Subject:", which some clients show with a
# leading space.
WIRE_POLICY = policy.default.clone(cte_type="7bit", max_line_length=998, linesep="\r\n")


def to_bytes(mail: EmailMessage) -> bytes:
    buffer = BytesIO()
    BytesGenerator(buffer, policy=WIRE_POLICY).flatten(mail)
    return buffer.getvalue()


def build_email(message, mail_from: str) -> EmailMessage:
    """Text part and, for invitations, a text/calendar part (method=REQUEST|CANCEL) in a
    multipart/alternative, plus the same calendar as an .ics attachment."""
    mail = EmailMessage(policy=BUILD_POLICY)
    mail["From"] = mail_from
    # Header values on one line whatever is stored: a name or subject with CR/LF (refused by
    # the forms, but perhaps saved before that rule) must not make every mail fail.
    mail["To"] = formataddr((one_line(message.recipient_name), one_line(message.recipient)))
    mail["Subject"] = one_line(message.subject)
    mail["Date"] = format_datetime(utcnow().replace(tzinfo=UTC))
    domain = mail_from.rpartition("@")[2].strip(">") or None
    mail["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain=domain)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body_text, subtype="plain", charset="utf-8")
    if message.ics_text:
        method = message.method or "PUBLISH"
        mail.add_alternative(
            message.ics_text, subtype="calendar", charset="utf-8", params={"method": method}
        )
        filename = "annulering.ics" if method == "CANCEL" else "uitnodiging.ics"
        mail.add_attachment(
            message.ics_text.encode("utf-8"),
            maintype="application",
            subtype="ics",
            filename=filename,
        )
    return mail


class Backend(ABC):
    """Opened once per delivery run; ``send`` raises on failure."""

    def __init__(self, app: Flask):
        self.app = app

    @abstractmethod
    def send(self, mail: EmailMessage) -> None:
        """Deliver one message or raise."""

    def close(self) -> None:  # noqa: B027 (optional hook: a backend without a connection keeps it)
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SMTPBackend(Backend):
    def __init__(self, app: Flask):
        super().__init__(app)
        self._conn: smtplib.SMTP | None = None
        self._unreachable: Exception | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._unreachable is not None:
            # the server could not be reached in this run: fail the rest fast (they are retried)
            raise self._unreachable
        if self._conn is None:
            cfg = self.app.config
            try:
                conn = smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=SMTP_TIMEOUT)
            except OSError as exc:
                self._unreachable = exc
                raise
            try:
                if cfg.get("MAIL_USE_TLS"):
                    conn.starttls()
                if cfg.get("MAIL_USERNAME"):
                    conn.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
            except Exception:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def send(self, mail: EmailMessage) -> None:
        try:
            sender = mail["From"].addresses[0].addr_spec
            recipients = [a.addr_spec for a in mail["To"].addresses]
            self._connection().sendmail(sender, recipients, to_bytes(mail))
        except (smtplib.SMTPServerDisconnected, OSError):
            # a dropped connection poisons the rest of the run: reconnect next time
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except Exception:
                self._conn.close()
            self._conn = None


class ConsoleBackend(Backend):
    def send(self, mail: EmailMessage) -> None:
        out = sys.stdout
        body = mail.get_body(preferencelist=("plain",))
        readable = body.get_content() if body is not None else ""
        raw = to_bytes(mail).decode("ascii", "replace").replace("\r\n", "\n")
        out.write(
            f"----- e-mail (console) -----\nAan: {mail['To']}\nOnderwerp: {mail['Subject']}\n\n"
            f"{readable}\n----- als verzonden (MIME) -----\n{raw}\n----- einde -----\n"
        )
        out.flush()


class MemoryBackend(Backend):
    def send(self, mail: EmailMessage) -> None:
        sent_mail(self.app).append(mail)


BACKENDS: dict[str, type[Backend]] = {
    "smtp": SMTPBackend,
    "console": ConsoleBackend,
    "memory": MemoryBackend,
}


def sent_mail(app: Flask | None = None) -> list[EmailMessage]:
    """The memory backend's list (tests)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault("overleg_memory_mail", [])


def open_backend(app: Flask | None = None) -> Backend:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    name = app.config.get("MAIL_BACKEND", "smtp")
    try:
        return BACKENDS[name](app)
    except KeyError:
        raise RuntimeError(
            f"Onbekende MAIL_BACKEND {name!r}: kies smtp, console of memory."
        ) from None
