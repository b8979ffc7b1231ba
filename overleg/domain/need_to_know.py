"""Need to know: who may see a casus (a topic with personal data) in full.

Rules (DESIGN.md "Who may see what", issue 4 item 7):
- secretaries and beheerders see everything;
- a casus is shown in full only to those entitled to an agenda item it was on: every participant
  of that item's meeting, except guests and except people not named on a besloten item;
- a guest (``Participant.part == "guest"``) is entitled only to the items they are named on
  (``gast`` access rows). A guest invited for particular items sees those (and the standard
  items) only; a guest invited without particular items sees the open (non-casus,
  non-besloten) items of the meeting, and casus items by reference;
- a besloten item is shown in full only to those named on it (a ``besloten`` access row) and to
  secretaries/beheerders. Seeing the same casus in full at another meeting does not open a
  besloten item: that travels to open (non-besloten) items only;
- everyone else sees the topic's reference only (e.g. ``TVO-2019-014``);
- an item entitles no participant while its agenda is still being prepared (not published and
  the meeting not yet held: ``agenda.agenda_released``).

A besloten item without a casus topic is hidden the same way (heading "Besloten agendapunt").
Non-casus topics (intern, vertrouwelijk) are not hidden here: who sees the meeting sees them.

Use ``entitled_items(person, meeting)`` for a whole agenda (constant number of queries) and
``item_heading`` / ``item_visible`` with its result, so templates need no queries per item.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import AgendaItem, AgendaItemAccess, Meeting, Participant, Topic

BESLOTEN_HEADING = "Besloten agendapunt"


def _is_staff(person) -> bool:
    return bool(
        person is not None
        and getattr(person, "is_authenticated", True)
        and getattr(person, "is_secretary", False)
    )


def _entitled_item_condition(person_id: int):
    """SQL condition on AgendaItem (joined with Participant p of that meeting for the person):
    the person is entitled to that item."""
    guest_row = aliased(AgendaItemAccess)
    closed_row = aliased(AgendaItemAccess)
    return and_(
        AgendaItem.proposal_status.is_(None) | (AgendaItem.proposal_status == "geaccepteerd"),
        # an item on an agenda still being prepared entitles no one yet
        _released_agenda(),
        or_(
            Participant.part != "guest",
            # default deny: a guest only for the items they are named on
            exists().where(
                guest_row.agenda_item_id == AgendaItem.id,
                guest_row.person_id == person_id,
                guest_row.kind == "gast",
            ),
        ),
        or_(
            AgendaItem.besloten.is_(False),
            exists().where(
                closed_row.agenda_item_id == AgendaItem.id,
                closed_row.person_id == person_id,
                closed_row.kind == "besloten",
            ),
        ),
    )


def _released_agenda():
    """Condition on AgendaItem: its meeting's agenda is out for the participants."""
    from .agenda import agenda_released_clause

    return exists().where(Meeting.id == AgendaItem.meeting_id, agenda_released_clause())


def entitled_topic_ids(person, topic_ids: Iterable[int]) -> set[int]:
    """Of these topics, the ones the person may see in full. One query at most."""
    ids = {t for t in topic_ids if t is not None}
    if not ids:
        return set()
    if _is_staff(person):
        return ids
    if person is None or not getattr(person, "is_authenticated", True):
        return set()
    # Non-casus topics are not restricted by need to know.
    rows = db.session.execute(
        select(Topic.id, Topic.confidentiality).where(Topic.id.in_(ids))
    ).all()
    open_ids = {tid for tid, conf in rows if conf != "casus"}
    casus_ids = {tid for tid, conf in rows if conf == "casus"}
    if not casus_ids:
        return open_ids
    stmt = (
        select(AgendaItem.topic_id)
        .distinct()
        .join(
            Participant,
            and_(
                Participant.meeting_id == AgendaItem.meeting_id, Participant.person_id == person.id
            ),
        )
        .where(AgendaItem.topic_id.in_(casus_ids), _entitled_item_condition(person.id))
    )
    return open_ids | set(db.session.scalars(stmt))


def can_see_casus(person, item_or_topic) -> bool:
    """May this person see the title and text of this topic or agenda item in full?"""
    if item_or_topic is None:
        return True
    if _is_staff(person):
        return True
    if person is None or not getattr(person, "is_authenticated", True):
        return False
    if isinstance(item_or_topic, AgendaItem):
        item = item_or_topic
        topic = item.topic
        casus = topic is not None and topic.is_casus
        for_items = item.kind != "standard" and item.meeting_id in named_guest_meetings(
            person, {item.meeting_id}
        )
        if not casus and not item.besloten and not for_items:
            return True
        if for_items and not casus:
            return _entitled_to_item(person, item)
        if _entitled_to_item(person, item):
            return True
        if item.besloten:
            # only a besloten access row on this item opens it, never another meeting
            return False
        return topic.id in entitled_topic_ids(person, [topic.id])
    topic = item_or_topic
    if not topic.is_casus:
        return True
    return topic.id in entitled_topic_ids(person, [topic.id])


def _entitled_to_item(person, item: AgendaItem) -> bool:
    stmt = (
        select(AgendaItem.id)
        .join(
            Participant,
            and_(
                Participant.meeting_id == AgendaItem.meeting_id, Participant.person_id == person.id
            ),
        )
        .where(AgendaItem.id == item.id, _entitled_item_condition(person.id))
    )
    return db.session.scalar(stmt) is not None


def entitled_items(person, meeting: Meeting, items: list[AgendaItem] | None = None) -> set[int]:
    """Ids of the meeting's agenda items the person may see in full (title, description,
    documents). A constant number of queries, whatever the number of items: the items with
    their topics (unless given, with topics loaded), one for the person's entitled items in
    this meeting, one for casus topics the person is entitled to through other meetings."""
    if items is None:
        from sqlalchemy.orm import selectinload

        items = list(
            db.session.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting.id)
                .options(selectinload(AgendaItem.topic))
                .order_by(AgendaItem.position)
            )
        )
    return entitled_among(person, items)


def entitled_among(person, items: list[AgendaItem]) -> set[int]:
    """Ids of these agenda items (of any meetings; topics loaded) the person may see in full,
    by the same rule as ``can_see_casus`` per item. At most two queries, whatever the number
    of items: the person's entitled items among them, and casus topics the person is entitled
    to through other meetings (for open, non-besloten casus items only)."""
    if _is_staff(person):
        return {i.id for i in items}
    if person is None or not getattr(person, "is_authenticated", True):
        return set()
    for_items = named_guest_meetings(person, {i.meeting_id for i in items})
    restricted = [
        i
        for i in items
        if i.besloten
        or (i.topic is not None and i.topic.is_casus)
        or (i.meeting_id in for_items and i.kind != "standard")
    ]
    result = {i.id for i in items} - {i.id for i in restricted}
    if not restricted:
        return result
    here = set(
        db.session.scalars(
            select(AgendaItem.id)
            .join(
                Participant,
                and_(
                    Participant.meeting_id == AgendaItem.meeting_id,
                    Participant.person_id == person.id,
                ),
            )
            .where(
                AgendaItem.id.in_({i.id for i in restricted}), _entitled_item_condition(person.id)
            )
        )
    )
    # Entitlement to a casus travels from other meetings to open items only, never to a
    # besloten item (there only the item's own besloten access row counts).
    elsewhere_needed = [
        i.topic.id
        for i in restricted
        if i.id not in here and not i.besloten and i.topic is not None and i.topic.is_casus
    ]
    elsewhere = _casus_entitled(person, elsewhere_needed)
    for i in restricted:
        if i.id in here or (
            not i.besloten and i.topic_id in elsewhere and i.topic is not None and i.topic.is_casus
        ):
            result.add(i.id)
    return result


def named_guest_meetings(person, meeting_ids) -> set[int]:
    """Of these meetings, those where the person is a guest invited for particular items
    (named on at least one): there they see only those items (and the standard ones). A guest
    invited without particular items takes part in the whole meeting. One query."""
    ids = set(meeting_ids)
    if not ids or _is_staff(person) or person is None or getattr(person, "id", None) is None:
        return set()
    named = (
        select(AgendaItemAccess.id)
        .join(AgendaItem, AgendaItem.id == AgendaItemAccess.agenda_item_id)
        .where(
            AgendaItem.meeting_id == Participant.meeting_id,
            AgendaItemAccess.person_id == person.id,
            AgendaItemAccess.kind == "gast",
        )
        .exists()
    )
    return set(
        db.session.scalars(
            select(Participant.meeting_id).where(
                Participant.person_id == person.id,
                Participant.part == "guest",
                Participant.meeting_id.in_(ids),
                named,
            )
        )
    )


def _casus_entitled(person, casus_topic_ids: list[int]) -> set[int]:
    ids = set(casus_topic_ids)
    if not ids:
        return set()
    stmt = (
        select(AgendaItem.topic_id)
        .distinct()
        .join(
            Participant,
            and_(
                Participant.meeting_id == AgendaItem.meeting_id, Participant.person_id == person.id
            ),
        )
        .where(AgendaItem.topic_id.in_(ids), _entitled_item_condition(person.id))
    )
    return set(db.session.scalars(stmt))


def item_heading(item: AgendaItem, person, entitled: set[int] | None = None) -> str:
    """What this person reads as the item's title: the title itself, or only the topic's
    reference for a casus they are not entitled to ("Besloten agendapunt" for a closed item
    without topic). Pass `entitled` (from `entitled_items`) to avoid a query per item."""
    visible = (item.id in entitled) if entitled is not None else can_see_casus(person, item)
    if visible:
        return item.title
    if item.topic is not None:
        return item.topic.reference
    return BESLOTEN_HEADING


def topic_heading(topic: Topic, person, entitled: set[int] | None = None) -> str:
    """The topic's title, or its reference for a casus the person is not entitled to.
    `entitled`: topic ids from `entitled_topic_ids`."""
    visible = (topic.id in entitled) if entitled is not None else can_see_casus(person, topic)
    return topic.title if visible else topic.reference


def visible_topics_stmt(person):
    """Topics a person may find in lists and search (by heading; casus may still show only
    the reference): all for secretaries; otherwise those with at least one agenda item the
    person may see: on the agenda of a meeting the person takes part in, and not besloten
    unless the person is named on it. Deny by default."""
    stmt = select(Topic)
    if _is_staff(person):
        return stmt
    if person is None or not getattr(person, "is_authenticated", True):
        return stmt.where(false())
    closed_row = aliased(AgendaItemAccess)
    on_my_meeting = (
        select(AgendaItem.id)
        .join(Participant, Participant.meeting_id == AgendaItem.meeting_id)
        .where(
            AgendaItem.topic_id == Topic.id,
            Participant.person_id == person.id,
            AgendaItem.proposal_status.is_(None) | (AgendaItem.proposal_status == "geaccepteerd"),
            _released_agenda(),
            # a besloten item counts only for those named on it
            or_(
                AgendaItem.besloten.is_(False),
                exists().where(
                    closed_row.agenda_item_id == AgendaItem.id,
                    closed_row.person_id == person.id,
                    closed_row.kind == "besloten",
                ),
            ),
        )
        .exists()
    )
    return stmt.where(on_my_meeting)


def can_view_topic(person, topic: Topic) -> bool:
    """May the person open the topic's page at all (with the reference only, for a casus
    they are not entitled to)?"""
    if _is_staff(person):
        return True
    stmt = visible_topics_stmt(person).where(Topic.id == topic.id).with_only_columns(Topic.id)
    return db.session.scalar(stmt) is not None


__all__ = [
    "BESLOTEN_HEADING",
    "can_see_casus",
    "can_view_topic",
    "entitled_among",
    "entitled_items",
    "named_guest_meetings",
    "entitled_topic_ids",
    "item_heading",
    "topic_heading",
    "visible_topics_stmt",
]
