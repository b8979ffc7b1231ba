"""Security-relevant changes as audit values: which change it was, and the values before and
after it, as ids, codes, flags, counts and dates only: never a title, a description, a
file name, a person's name or other free text.

Every value goes through ``FIELDS``: a key not listed there, or a value not of its kind, is
refused (``ValueError``), so free text cannot reach the log by accident. The functions take
and read domain objects; who made the change and from where is added by ``overleg.audit``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    ActionItem,
    AgendaItem,
    AgendaItemAccess,
    Decision,
    Document,
    LoginSession,
    Person,
    RoleHolding,
)


@dataclass(frozen=True)
class Field:
    kind: str  # person | people | flag | code | email | count | id | date | mime | hash
    label: str  # Dutch, for the Logboek


FIELDS: dict[str, Field] = {
    "guests": Field("people", "Gasten bij dit punt"),
    "participants": Field("people", "Deelnemers bij het besloten punt"),
    "besloten": Field("flag", "Besloten"),
    "confidentiality": Field("code", "Vertrouwelijkheid"),
    "app_role": Field("code", "Rol in de applicatie"),
    "active": Field("flag", "Actief"),
    "email": Field("email", "E-mailadres"),
    "has_account": Field("flag", "Account"),
    "sessions": Field("count", "Open sessies"),
    "feed": Field("flag", "Agenda-abonnement"),
    "agenda_item": Field("id", "Agendapunt"),
    "size": Field("count", "Grootte (bytes)"),
    "content_type": Field("mime", "Bestandstype"),
    "sha256": Field("hash", "Controlegetal (SHA-256)"),
    "person": Field("person", "Persoon"),
    "deputy": Field("person", "Plaatsvervanger"),
    "start": Field("date", "Vanaf"),
    "end": Field("date", "Tot en met"),
    "reason": Field("code", "Reden"),
    "limit": Field("code", "Grens"),
    "method": Field("code", "Inlogmethode"),
    "casus": Field("refs", "Casus getoond"),
    "owner": Field("person", "Uitvoerder"),
    "owner_organisation": Field("id", "Uitvoerende organisatie"),
    "due": Field("date", "Uiterlijk"),
    "version": Field("count", "Verslagversie"),
    "factor": Field("code", "Tweede factor gebruikt"),
    "second_factor": Field("flag", "Tweede factor ingesteld"),
    "recovery_codes": Field("count", "Herstelcodes over"),
    "files": Field("count", "Bestanden vernietigd"),
    "held_since": Field("date", "Bewaarplicht vanaf"),
}

_CODE = re.compile(r"^[a-z0-9_]{1,40}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}$")
_MIME = re.compile(r"^[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,80}$")
_HASH = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A topic's reference (TVO-2019-014): one word of at most 60 characters, no spaces or control
# characters, so no sentence or name fits.
_REF = re.compile(r"^[^\s\x00-\x1f\x7f]{1,60}$")


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _valid(kind: str, value: Any) -> bool:
    if value is None:
        return True
    if kind == "people":
        return isinstance(value, list) and all(_is_id(v) for v in value)
    if kind == "refs":
        return isinstance(value, list) and all(isinstance(v, str) and _REF.match(v) for v in value)
    if kind == "flag":
        return isinstance(value, bool)
    if kind in ("count", "id", "person"):
        return _is_id(value)
    pattern = {"code": _CODE, "email": _EMAIL, "mime": _MIME, "hash": _HASH, "date": _DATE}
    return isinstance(value, str) and bool(pattern[kind].match(value))


def checked(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """The values as they may be stored, or ValueError naming what may not."""
    if values is None:
        return None
    for key, value in values.items():
        field = FIELDS.get(key)
        if field is None or not _valid(field.kind, value):
            raise ValueError(f"audit value {key!r} is not an id, code, flag or date")
    return dict(values)


@dataclass(frozen=True)
class Change:
    """One audit event: its name, the object it is about and the values that changed."""

    event: str
    obj: Any
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ref: str | None = None


def diff(
    event: str, obj, before: dict[str, Any], after: dict[str, Any], ref: str | None = None
) -> Change | None:
    """The change of the keys whose value differs, or None when nothing did."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    if not keys:
        return None
    return Change(
        event,
        obj,
        checked({k: before.get(k) for k in keys}),
        checked({k: after.get(k) for k in keys}),
        ref,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


# --- agenda items: guests, besloten, named participants ----------------------------------

# field -> event, each written on its own so that the Logboek can filter on it
ITEM_ACCESS_EVENTS = {
    "guests": "item_guests_changed",
    "besloten": "item_besloten_changed",
    "participants": "item_participants_changed",
}


def item_access_state(item: AgendaItem) -> dict[str, Any]:
    """Who is named on the item (guests invited for it, people of the besloten item) and
    whether it is besloten; one query."""
    named: dict[str, list[int]] = {"gast": [], "besloten": []}
    rows = db.session.execute(
        select(AgendaItemAccess.kind, AgendaItemAccess.person_id).where(
            AgendaItemAccess.agenda_item_id == item.id
        )
    )
    for kind, person_id in rows:
        named.setdefault(kind, []).append(person_id)
    return {
        "guests": sorted(named["gast"]),
        "besloten": bool(item.besloten),
        "participants": sorted(named["besloten"]),
    }


def item_access_changes(
    item: AgendaItem, before: dict[str, Any], after: dict[str, Any]
) -> list[Change]:
    ref = item.topic.reference if item.topic is not None else None
    changes = []
    for key, event in ITEM_ACCESS_EVENTS.items():
        change = diff(event, item, {key: before[key]}, {key: after[key]}, ref)
        if change is not None:
            changes.append(change)
    return changes


def guest_values(participant) -> dict[str, Any]:
    """The guest invited to (or removed from) a meeting, by id."""
    return checked({"person": participant.person_id}) or {}


# --- topics -------------------------------------------------------------------------------


def confidentiality_change(topic, before: str) -> Change | None:
    return diff(
        "topic_confidentiality_changed",
        topic,
        {"confidentiality": before},
        {"confidentiality": topic.confidentiality},
    )


# --- people and accounts ------------------------------------------------------------------

PERSON_EVENTS = {"app_role": "app_role_changed", "email": "email_changed"}
ACTIVE_EVENTS = {True: "account_activated", False: "account_deactivated"}  # by the new value


def person_state(person: Person) -> dict[str, Any]:
    """The values of a person that decide what they may do: role, active, login e-mail."""
    if person.id is None:
        return {}
    return {"app_role": person.app_role, "active": bool(person.active), "email": person.email}


def person_changes(person: Person, before: dict[str, Any]) -> list[Change]:
    """Role change, (de)activation and e-mail change, each its own event; a new person is one
    event with its values after."""
    after = person_state(person)
    if not before:
        return [Change("person_created", person, None, checked(after))]
    events = {**PERSON_EVENTS, "active": ACTIVE_EVENTS[after["active"]]}
    found = (diff(event, person, {k: before[k]}, {k: after[k]}) for k, event in events.items())
    return [change for change in found if change is not None]


def account_state(person: Person) -> dict[str, Any]:
    """Whether the person can log in, their open sessions and whether their feed works."""
    sessions = (
        db.session.scalar(
            select(func.count(LoginSession.id)).where(LoginSession.person_id == person.id)
        )
        or 0
    )
    return {
        "has_account": person.has_account,
        "sessions": sessions,
        "feed": person.feed_token is not None,
    }


def account_change(event: str, person: Person, before: dict[str, Any]) -> Change:
    """An account event with both states in full (a password set by the beheerder changes no
    flag, but ends the person's sessions)."""
    return Change(event, person, checked(before), checked(account_state(person)))


def feed_change(person: Person, had_feed: bool) -> Change:
    event = "feed_renewed" if had_feed else "feed_created"
    return Change(event, person, checked({"feed": had_feed}), checked({"feed": True}))


# --- role holdings (who sits in a body through a role) -------------------------------------


def holding_state(holding: RoleHolding) -> dict[str, Any]:
    if holding.id is None:
        return {}
    return {
        "person": holding.person_id,
        "deputy": holding.deputy_id,
        "start": _iso(holding.start_date),
        "end": _iso(holding.end_date),
    }


def holding_change(event: str, holding: RoleHolding, before: dict[str, Any]) -> Change | None:
    """A holding added (values after), changed (what differs) or deleted (values before);
    the event is about the role, as the Logboek shows it."""
    if event == "role_holding_deleted":
        return Change(event, holding.role, checked(before), None)
    if not before:
        return Change(event, holding.role, None, checked(holding_state(holding)))
    return diff(event, holding.role, before, holding_state(holding))


# --- documents ----------------------------------------------------------------------------


def document_state(doc: Document) -> dict[str, Any]:
    """What identifies a stored file without its name (which may name a person)."""
    return {
        "agenda_item": doc.agenda_item_id,
        "size": doc.size,
        "content_type": doc.content_type.split(";")[0].strip().lower(),
        "sha256": doc.sha256,
    }


def document_change(event: str, doc: Document) -> Change:
    state = checked(document_state(doc))
    if event == "document_uploaded":
        return Change(event, doc, None, state)
    return Change(event, doc, state, None)


# --- decisions and actions: edited in concept minutes, corrected after approval ----------


def decision_state(decision: Decision) -> dict[str, Any]:
    """What may be logged of a decision: the agenda item it is under. Its text is free text
    and stays out of the log; each version of the minutes keeps it in its snapshot."""
    return {"agenda_item": decision.agenda_item_id}


def action_state(action: ActionItem) -> dict[str, Any]:
    """An action's owner and due date (its text stays out of the log)."""
    return {
        "owner": action.owner_person_id,
        "owner_organisation": action.owner_organisation_id
        if action.owner_person_id is None
        else None,
        "due": _iso(action.due_date),
    }


def edit_change(event: str, obj, before: dict[str, Any], version: int | None = None) -> Change:
    """A decision or action edited (``decision_changed``, ``action_changed``) or corrected in
    a new version of approved minutes (``decision_corrected``, ``action_corrected``, with the
    version's number). The event itself says the text may have changed; its values are
    those of the state above that differ (none for a change of the text alone)."""
    after = decision_state(obj) if isinstance(obj, Decision) else action_state(obj)
    keys = [k for k in after if before.get(k) != after.get(k)]
    old = {k: before.get(k) for k in keys}
    new: dict[str, Any] = {k: after[k] for k in keys}
    if version is not None:
        new["version"] = version
    return Change(
        event,
        obj,
        checked(old) if old else None,
        checked(new) if new else None,
        getattr(obj, "code", None),
    )


# --- logins -------------------------------------------------------------------------------


def login_failure(person: Person | None) -> dict[str, Any]:
    """Why a login failed, as far as it is known without the password: an unknown e-mail
    (the typed address is not kept), a person without an account, an inactive account, or a
    wrong password."""
    if person is None:
        reason = "unknown_email"
    elif not person.has_account:
        reason = "no_account"
    elif not person.active:
        reason = "inactive"
    else:
        reason = "wrong_password"
    return checked({"reason": reason}) or {}
