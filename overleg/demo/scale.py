"""Ten years of Midden-Groningen: a scale generator for benchmarks (``flask seed-scale``).

Fills an empty database (structure from ``overleg.seed``) with N years of realistic, fictional
work ending three months after today: the four bodies at their rhythm (OVO weekly, TVO every
other week, PO monthly, Driehoek every six weeks: about a hundred meetings a year), fifteen
agenda items a meeting, 300 topics a year moving up and down the escalation paths with their
terugkoppeling, decisions and actions (most closed), minutes approved at the next meeting,
small PDF documents, 200 people with role holders changing over the years, and about 100,000
audit events a year. Repeatable from a seed number: the same seed and ``today`` give the same
database.

Speed: rows are built as ORM objects without per-row domain queries (numbers are counted
here and written to the counters at the end) and the audit events are inserted in batches.
No domain rule lives here; the consistency test (tests/test_scale.py) checks the result
against the rules: foreign keys, numbers, lifecycle."""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, insert, select

from ..domain import dialect
from ..domain import meetings as domain_meetings
from ..domain.decisions import decision_code
from ..domain.minutes import build_snapshot
from ..extensions import db
from ..models import (
    ActionItem,
    AgendaItem,
    AgendaItemAccess,
    AuditEvent,
    Decision,
    Document,
    Escalation,
    EscalationPath,
    Meeting,
    MeetingType,
    Minutes,
    MinutesVersion,
    NumberCounter,
    Organisation,
    Participant,
    Person,
    Role,
    RoleHolding,
    Theme,
    Topic,
    TopicEvent,
)
from ..pdf import simple_pdf
from ..seed import seed_structure
from ..storage import get_storage
from ..timeutil import local_to_utc, nl_date, to_local, today_local, utcnow

# code, weekday (0 = Monday), every N weeks (0: monthly on the third weekday), start, minutes
RHYTHM = {
    "ovo": (1, 1, time(10, 0), 90),
    "tvo": (3, 2, time(13, 30), 120),
    "po": (2, 0, time(9, 0), 60),
    "driehoek": (0, 6, time(16, 0), 90),
}
ITEMS_PER_MEETING = 15
# Topics opened per year, by body (300 in all)
TOPICS_PER_YEAR = {"ovo": 150, "tvo": 90, "po": 35, "driehoek": 25}
PEOPLE = 200
AUDIT_PER_YEAR = 100_000
AUDIT_BATCH = 10_000
AUDIT_EVENTS = (
    ("login", "person"),
    ("agenda_exported", "meeting"),
    ("minutes_exported", "meeting"),
    ("casus_viewed", "topic"),
    ("logout", "person"),
    ("attendance_recorded", "meeting"),
    ("action_closed", "action_item"),
)

SUBJECTS = (
    "Overlast jongeren bij {place}",
    "Woonoverlast {street}",
    "Verward gedrag in de wijk {place}",
    "Huiselijk geweld, gezin {letter}.",
    "Hennepkwekerij {street}",
    "Burenruzie {street}",
    "Ondermijning horeca {place}",
    "Drugsoverlast rond station {place}",
    "Inbraken in {place}",
    "Cyberfraude bij ouderen in {place}",
    "Veiligheid bouwterrein windpark N33",
    "Vuurwerkoverlast jaarwisseling {place}",
)
TOPIC_DESCRIPTION = "Fictief onderwerp van de schaalproef."
TOPIC_WORD = "fictief"  # in every topic's description: the topic list's search in the bench
PLACES = (
    "Hoogezand",
    "Sappemeer",
    "Slochteren",
    "Siddeburen",
    "Muntendam",
    "Kolham",
    "Harkstede",
    "Zuidbroek",
    "Noordbroek",
    "Meeden",
)
CLOSING = ("rondvraag", "sluiting")
FREE_ITEMS = (
    "Signalen uit de wijken {place}",
    "Stand van zaken evenementen",
    "Terugblik inzet weekend",
    "Mededelingen ketenpartners",
    "Cijfers meldingen {place}",
)
STREETS = ("Kerkstraat", "Hoofdstraat", "Molenweg", "Stationsweg", "Julianalaan", "Dorpsweg")


@dataclass
class ScaleResult:
    years: int
    seed: int
    counts: dict[str, int]


class ScaleError(RuntimeError):
    """The database is not empty: the generator fills a fresh one only."""


def _meeting_days(code: str, first: date, last: date) -> list[date]:
    weekday, weeks, _, _ = RHYTHM[code]
    days: list[date] = []
    if weeks == 0:  # monthly on the third weekday
        month = first.replace(day=1)
        while month <= last:
            day = month + timedelta(days=(weekday - month.weekday()) % 7) + timedelta(weeks=2)
            if first <= day <= last:
                days.append(day)
            month += relativedelta(months=1)
        return days
    # Counted back from the last day: the meetings of the last years fall on the same days
    # whatever the number of years before them (bench/pages.py compares the same meetings).
    day = last - timedelta(days=(last.weekday() - weekday) % 7)
    while day >= first:
        days.append(day)
        day -= timedelta(weeks=weeks)
    return days[::-1]


class _Generator:
    def __init__(
        self, years: int, seed: int, today: date, audit_per_year: int, months: int | None
    ) -> None:
        self.years = years if months is None else months / 12
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.first = today - (
            relativedelta(years=years) if months is None else relativedelta(months=months)
        )
        self.last = today + relativedelta(months=3)
        self.now = local_to_utc(today, time(12, 0))
        self.audit_per_year = audit_per_year
        self.counts: dict[str, int] = defaultdict(int)
        self.numbers: dict[tuple[str, int, int], int] = defaultdict(int)
        self.storage = get_storage()

    # --- people -----------------------------------------------------------------------------

    def people(self) -> None:
        """200 people in the partner organisations; each role changes holder every few years
        (the holder of today stays as the structure made them, so the demo accounts work)."""
        orgs = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
        existing = db.session.scalar(select(func.count(Person.id))) or 0
        made: list[Person] = []
        for n in range(existing, PEOPLE):
            org = orgs[n % len(orgs)]
            person = Person(
                name=f"{self.rng.choice('ABCDEFGHJKLMNPRSTVW')}. Medewerker {n:03d}",
                email=f"medewerker{n:03d}@example.org",
                organisation=org,
                app_role="deelnemer",
                active=True,
            )
            made.append(person)
        db.session.add_all(made)
        db.session.flush()
        self.counts["people"] = len(made)
        pool = made or list(db.session.scalars(select(Person)))
        for role in db.session.scalars(select(Role).order_by(Role.id)):
            holdings = sorted(
                (
                    h
                    for h in db.session.scalars(
                        select(RoleHolding).where(RoleHolding.role_id == role.id)
                    )
                ),
                key=lambda h: h.start_date,
            )
            if not holdings:
                continue
            current = holdings[0]
            # Earlier holders back to the first year, a term of two to four years each
            start_current = max(self.first, self.today - relativedelta(years=2))
            if current.start_date > start_current:
                current.start_date = start_current
            end = current.start_date - timedelta(days=1)
            while end >= self.first:
                start = max(self.first, end - relativedelta(years=self.rng.randint(2, 4)))
                candidates = [p for p in pool if p.organisation_id == role.organisation_id] or pool
                holder = self.rng.choice(candidates)
                db.session.add(
                    RoleHolding(role=role, person=holder, start_date=start, end_date=end)
                )
                self.counts["role_holdings"] += 1
                end = start - timedelta(days=1)
        db.session.flush()

    # --- meetings ---------------------------------------------------------------------------

    def meetings(self) -> dict[str, list[Meeting]]:
        organizer = db.session.scalar(select(Person).where(Person.email == "oov@example.org"))
        result: dict[str, list[Meeting]] = {}
        for body in db.session.scalars(select(MeetingType).order_by(MeetingType.id)):
            if body.code not in RHYTHM:
                continue
            _, _, at, minutes = RHYTHM[body.code]
            meetings = []
            for day in _meeting_days(body.code, self.first, self.last):
                starts, ends = domain_meetings.local_span(
                    day, at, (datetime.combine(day, at) + timedelta(minutes=minutes)).time()
                )
                past = starts < self.now
                # chances of this meeting alone (see _meeting_rng)
                rng = random.Random(f"{self.seed}:{body.code}:{starts.isoformat()}:planning")
                cancelled = rng.random() < 0.03
                meeting = Meeting(
                    meeting_type=body,
                    starts_at=starts,
                    ends_at=ends,
                    location=body.default_location,
                    status="geannuleerd" if cancelled else "gepland",
                    cancel_reason="Vervalt wegens gebrek aan agendapunten." if cancelled else None,
                    organizer=organizer,
                    agenda_status="gepubliceerd" if past and not cancelled else "concept",
                    agenda_published_at=starts - timedelta(days=5) if past else None,
                    created_at=starts - timedelta(days=60),
                    updated_at=starts - timedelta(days=5),
                )
                db.session.add(meeting)
                domain_meetings.add_roster_participants(meeting)
                if past and not cancelled:
                    for i, p in enumerate(meeting.participants):
                        absent = rng.random() < 0.1 and i > 1
                        p.rsvp = "komt_niet" if absent else "komt"
                        p.attendance = "afwezig_met_bericht" if absent else "aanwezig"
                meetings.append(meeting)
            db.session.flush()
            result[body.code] = meetings
            self.counts["meetings"] += len(meetings)
        return result

    # --- agenda, topics, escalation ---------------------------------------------------------

    def _topic(self, body: MeetingType, year: int, themes: list[Theme], at: datetime) -> Topic:
        self.numbers[("topic", body.id, year)] += 1
        number = self.numbers[("topic", body.id, year)]
        subject = self.rng.choice(SUBJECTS).format(
            place=self.rng.choice(PLACES),
            street=self.rng.choice(STREETS),
            letter=self.rng.choice("BDHKMRSTV"),
        )
        casus = "gezin" in subject or self.rng.random() < 0.12
        topic = Topic(
            reference=f"{body.code.upper()}-{year}-{number:03d}",
            title=subject,
            description=TOPIC_DESCRIPTION,
            theme=self.rng.choice(themes) if themes else None,
            confidentiality="casus" if casus else self.rng.choice(("intern", "vertrouwelijk")),
            status="nieuw",
            meeting_type=body,
            created_at=at,
            updated_at=at,
        )
        db.session.add(topic)
        db.session.add(TopicEvent(topic=topic, at=at, kind="aangemaakt", to_status="nieuw"))
        self.counts["topics"] += 1
        return topic

    def _item(self, meeting: Meeting, topic: Topic, position: int, **extra) -> AgendaItem:
        item = AgendaItem(
            meeting=meeting,
            position=position,
            kind="topic",
            title=topic.title,
            topic=topic,
            purpose=extra.pop("purpose", "bespreking"),
            duration_minutes=extra.pop("duration_minutes", 10),
            created_at=meeting.starts_at - timedelta(days=10),
            updated_at=meeting.starts_at - timedelta(days=10),
            **extra,
        )
        db.session.add(item)
        if topic.status == "nieuw":
            topic.status = "in_behandeling"
            db.session.add(
                TopicEvent(
                    topic=topic,
                    at=item.created_at,
                    kind="status",
                    from_status="nieuw",
                    to_status="in_behandeling",
                )
            )
        db.session.add(
            TopicEvent(topic=topic, at=item.created_at, kind="geagendeerd", meeting_id=meeting.id)
        )
        self.counts["agenda_items"] += 1
        return item

    def agendas(self, meetings: dict[str, list[Meeting]]) -> None:
        """Walk time forward over all meetings; each topic item may escalate along a path, the
        target body answers at its next meeting and the outcome returns as terugkoppeling."""
        types = {b.code: b for b in db.session.scalars(select(MeetingType))}
        paths: dict[int, list[EscalationPath]] = defaultdict(list)
        for path in db.session.scalars(select(EscalationPath)):
            paths[path.from_type_id].append(path)
        themes = list(db.session.scalars(select(Theme).order_by(Theme.id)))
        timeline = sorted(
            (m for ms in meetings.values() for m in ms), key=lambda m: (m.starts_at, m.id)
        )
        open_topics: dict[int, list[Topic]] = defaultdict(list)
        waiting: dict[int, list[Escalation]] = defaultdict(list)  # to place, per target body
        feedback: dict[int, list[Escalation]] = defaultdict(list)  # to report, per origin body
        # Each body's last held meeting sends one of its topics on, up or down its paths: a
        # municipality always has escalations in flight, and so the database has them
        # whatever the seed and the size (the /escalaties overview read an empty list at one
        # year and five rows at ten, by chance alone).
        last_held = {
            m.meeting_type_id: m.id
            for m in timeline
            if not m.is_cancelled and m.starts_at < self.now
        }
        per_meeting_new = {
            code: TOPICS_PER_YEAR[code] / max(1, len(meetings[code]) / (self.years + 0.25))
            for code in meetings
        }
        for meeting in timeline:
            body = meeting.meeting_type
            cancelled = meeting.is_cancelled
            past = meeting.starts_at < self.now
            standard = domain_meetings_agenda(meeting)
            position = len(standard)
            if cancelled:
                continue
            year = to_local(meeting.starts_at).year
            slots = ITEMS_PER_MEETING - position
            # Terugkoppelingen first, then escalations to this body, then own topics. Those
            # beyond the first three wait for the body's next meeting, as the secretary would
            # place them (dropped, they stayed in "Te agenderen" for ever: 28 after ten years).
            returning = feedback.pop(body.id, [])
            feedback[body.id] = returning[3:]
            for n, esc in enumerate(returning[:3]):
                if slots <= 0:
                    feedback[body.id][:0] = returning[n:3]
                    break
                target = esc.target_item.meeting if esc.target_item is not None else None
                item = self._item(
                    meeting,
                    esc.topic,
                    position,
                    purpose="informatie",
                    is_feedback=True,
                    origin_label=f"Terugkoppeling {esc.to_type.name}"
                    + (f" van {nl_date(target.starts_at)}" if target is not None else ""),
                    question=esc.question,
                    description=esc.outcome,
                )
                esc.feedback_item = item
                db.session.add(
                    TopicEvent(
                        topic=esc.topic,
                        at=item.created_at,
                        kind="terugkoppeling",
                        meeting_id=meeting.id,
                        escalation_id=esc.id,
                    )
                )
                position, slots = position + 1, slots - 1
            for esc in list(waiting.get(body.id, []))[:4]:
                if slots <= 0:
                    break
                if (
                    esc.origin_meeting is not None
                    and esc.origin_meeting.starts_at >= meeting.starts_at
                ):
                    continue
                waiting[body.id].remove(esc)
                item = self._item(
                    meeting,
                    esc.topic,
                    position,
                    purpose="besluitvorming" if esc.direction == "up" else "bespreking",
                    duration_minutes=20,
                    origin_label=(
                        f"{'Opgeschaald door' if esc.direction == 'up' else 'Opdracht van'} "
                        f"{esc.from_type.name} van {nl_date(esc.origin_meeting.starts_at)}"
                    ),
                    question=esc.question,
                )
                esc.target_item = item
                esc.status = "geagendeerd"
                position, slots = position + 1, slots - 1
                if past:
                    self._conclude(esc, item, feedback)
            # New topics of this body, then returning ones, to fill the agenda
            new = int(per_meeting_new.get(body.code, 1) + self.rng.random())
            for _ in range(min(new, slots)):
                topic = self._topic(body, year, themes, meeting.starts_at - timedelta(days=14))
                open_topics[body.id].append(topic)
            candidates = [t for t in open_topics[body.id] if t.meeting_type_id in (None, body.id)]
            self.rng.shuffle(candidates)
            send_up = last_held.get(body.id) == meeting.id
            for topic in candidates[:slots]:
                item = self._item(meeting, topic, position)
                position += 1
                if topic.is_casus and self.rng.random() < 0.2:
                    item.besloten = True
                    db.session.flush()
                    for p in meeting.participants[:3]:
                        db.session.add(
                            AgendaItemAccess(
                                agenda_item_id=item.id, person_id=p.person_id, kind="besloten"
                            )
                        )
                if not past:
                    continue
                item.notes = "Besproken aan de hand van de inbreng van de partners."
                roll = self.rng.random()
                ups = paths.get(body.id, [])
                if (roll < 0.15 or send_up) and ups:
                    send_up = False
                    self._escalate(topic, meeting, item, self.rng.choice(ups), waiting)
                elif roll < 0.3:
                    topic.status = "afgerond"
                    open_topics[body.id].remove(topic)
                    db.session.add(
                        TopicEvent(
                            topic=topic,
                            at=meeting.starts_at,
                            kind="status",
                            from_status="in_behandeling",
                            to_status="afgerond",
                            meeting_id=meeting.id,
                        )
                    )
            # The rest of the fifteen: short free items, then the closing items last
            for _ in range(ITEMS_PER_MEETING - position):
                db.session.add(
                    AgendaItem(
                        meeting=meeting,
                        position=position,
                        kind="free",
                        title=self.rng.choice(FREE_ITEMS).format(place=self.rng.choice(PLACES)),
                        purpose="informatie",
                        duration_minutes=5,
                        notes="Kennisgenomen." if past else None,
                        created_at=meeting.starts_at - timedelta(days=10),
                        updated_at=meeting.starts_at - timedelta(days=10),
                    )
                )
                position += 1
                self.counts["agenda_items"] += 1
            closing = [i for i in meeting.agenda_items if i.standard_kind in CLOSING]
            rest = [i for i in meeting.agenda_items if i.standard_kind not in CLOSING]
            for pos, item in enumerate(rest + closing):
                item.position = pos
            db.session.flush()
        self._types = types

    def _escalate(self, topic, meeting, item, path, waiting) -> None:
        esc = Escalation(
            topic=topic,
            from_type_id=path.from_type_id,
            to_type_id=path.to_type_id,
            direction=path.direction,
            origin_meeting=meeting,
            origin_item=item,
            question="Kan het overleg mandaat en prioriteit geven aan de aanpak?",
            reason="De aanpak vraagt om inzet die het eigen overleg niet kan toezeggen.",
            status="te_agenderen",
            created_at=meeting.starts_at,
            updated_at=meeting.starts_at,
        )
        db.session.add(esc)
        db.session.flush()
        if path.direction == "up":
            db.session.add(
                TopicEvent(
                    topic=topic,
                    at=meeting.starts_at,
                    kind="status",
                    from_status=topic.status,
                    to_status="opgeschaald",
                    meeting_id=meeting.id,
                )
            )
            topic.status = "opgeschaald"
        db.session.add(
            TopicEvent(
                topic=topic,
                at=meeting.starts_at,
                kind="opgeschaald" if path.direction == "up" else "opdracht",
                meeting_id=meeting.id,
                escalation_id=esc.id,
            )
        )
        topic.meeting_type_id = path.to_type_id
        waiting[path.to_type_id].append(esc)
        self.counts["escalations"] += 1

    def _conclude(self, esc: Escalation, item: AgendaItem, feedback) -> None:
        esc.status = "afgehandeld"
        esc.outcome = "Het overleg steunt de aanpak; de partners leveren de gevraagde inzet."
        esc.outcome_kind = "geen"
        esc.concluded_at = item.meeting.starts_at
        item.outcome = esc.outcome
        topic = esc.topic
        topic.meeting_type_id = esc.from_type_id
        if topic.status == "opgeschaald":
            db.session.add(
                TopicEvent(
                    topic=topic,
                    at=item.meeting.starts_at,
                    kind="status",
                    from_status="opgeschaald",
                    to_status="in_behandeling",
                    meeting_id=item.meeting.id,
                )
            )
            topic.status = "in_behandeling"
        db.session.add(
            TopicEvent(
                topic=topic,
                at=item.meeting.starts_at,
                kind="afgehandeld",
                meeting_id=item.meeting.id,
                escalation_id=esc.id,
                note=esc.outcome,
            )
        )
        feedback[esc.from_type_id].append(esc)

    # --- minutes, decisions, actions, documents ---------------------------------------------

    def minutes(self, meetings: dict[str, list[Meeting]]) -> None:
        orgs = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
        for body_meetings in meetings.values():
            held = [m for m in body_meetings if not m.is_cancelled and m.starts_at < self.now]
            open_actions: list[ActionItem] = []
            previous: Minutes | None = None
            for n, meeting in enumerate(held):
                rng = self._meeting_rng(meeting)
                secretary = next(
                    (p.person for p in meeting.participants if p.part == "secretary"), None
                )
                minutes = Minutes(
                    meeting=meeting,
                    status="concept",
                    version=1,
                    minute_taker_id=secretary.id if secretary is not None else None,
                    created_at=meeting.starts_at,
                    updated_at=meeting.ends_at,
                )
                db.session.add(minutes)
                self.counts["minutes"] += 1
                items = meeting.agenda_items
                verslag = next((i for i in items if i.standard_kind == "verslag"), None)
                if previous is not None and verslag is not None:
                    self._approve(previous, meeting, verslag, secretary)
                topic_items = [i for i in items if i.topic is not None]
                year = to_local(meeting.starts_at).year
                for item in topic_items:
                    if rng.random() < 0.4:
                        self.numbers[("decision", meeting.meeting_type_id, year)] += 1
                        number = self.numbers[("decision", meeting.meeting_type_id, year)]
                        db.session.add(
                            Decision(
                                meeting_type_id=meeting.meeting_type_id,
                                year=year,
                                number=number,
                                code=decision_code(meeting.meeting_type, year, number),
                                text=f"Het overleg stemt in met de aanpak van {item.topic.reference}.",
                                meeting=meeting,
                                agenda_item=item,
                                topic_id=item.topic_id,
                                theme_id=item.topic.theme_id,
                                created_by_id=secretary.id if secretary else None,
                                created_at=meeting.starts_at,
                                updated_at=meeting.starts_at,
                            )
                        )
                        self.counts["decisions"] += 1
                    if rng.random() < 0.4:
                        owner = rng.choice(meeting.participants).person
                        action = ActionItem(
                            meeting_type_id=meeting.meeting_type_id,
                            meeting=meeting,
                            agenda_item=item,
                            what=f"Uitwerken vervolgstappen {item.topic.reference}.",
                            owner_person=owner if rng.random() < 0.7 else None,
                            owner_organisation=None,
                            due_date=meeting.starts_at.date() + timedelta(days=28),
                            status="open",
                            created_at=meeting.starts_at,
                            updated_at=meeting.starts_at,
                        )
                        if action.owner_person is None:
                            action.owner_organisation = rng.choice(orgs)
                        db.session.add(action)
                        open_actions.append(action)
                        self.counts["actions"] += 1
                    if rng.random() < 0.15:
                        self._document(item)
                # Close most of what was open, at this meeting (only actions made earlier)
                if n + 3 < len(held):
                    for action in [a for a in open_actions if a.meeting is not meeting]:
                        if rng.random() < 0.85:
                            action.status = "afgerond"
                            action.closed_in_meeting = meeting
                            action.closed_at = meeting.ends_at
                            action.closing_note = "Afgerond."
                            open_actions.remove(action)
                previous = minutes
            db.session.flush()

    def _meeting_rng(self, meeting: Meeting) -> random.Random:
        """The chances of one held meeting (its decisions, actions, documents, what it
        closes), from the seed, the body and the meeting's start alone: the meetings of the
        last year then hold the same whatever the number of years before them, so that
        bench/pages.py compares the same pages with more history behind them, not one
        meeting's draw with another's (a body's latest agenda carried 10 open actions at one
        year and 17 at ten with one stream of chances for everything)."""
        key = f"{self.seed}:{meeting.meeting_type.code}:{meeting.starts_at.isoformat()}"
        return random.Random(key)

    def _approve(self, minutes: Minutes, at: Meeting, item: AgendaItem, by) -> None:
        """Approved at the next held meeting under its verslag item: version 1 frozen from
        the domain's own snapshot (the PDF is made at the first download, as in the demo)."""
        db.session.flush()
        minutes.status = "vastgesteld"
        minutes.sent_at = at.starts_at - timedelta(days=7)
        minutes.approved_at = at.starts_at
        minutes.approved_in_meeting = at
        minutes.approved_item_id = item.id
        minutes.version = 3
        reason = (
            f"Vastgesteld in de vergadering van {nl_date(at.starts_at)} "
            f"(agendapunt ‘{item.title}’)."
        )
        snap = build_snapshot(
            minutes, version_number=1, version_reason=reason, version_at=at.starts_at
        )
        db.session.add(
            MinutesVersion(
                minutes=minutes,
                number=1,
                created_at=at.starts_at,
                created_by_id=by.id if by is not None else None,
                reason=reason,
                snapshot_json=json.dumps(snap, ensure_ascii=False, sort_keys=True),
            )
        )

    _pdf: bytes | None = None

    def _document(self, item: AgendaItem) -> None:
        if self._pdf is None:
            self._pdf = simple_pdf(
                [["Notitie", "Fictieve schaalproef: aanleiding, stand van zaken en voorstel."]]
            )
        data = self._pdf
        key = self.storage.save(data)
        db.session.add(
            Document(
                agenda_item=item,
                filename=f"notitie-{item.topic.reference}.pdf",
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                storage_key=key,
                uploaded_at=item.meeting.starts_at - timedelta(days=7),
            )
        )
        self.counts["documents"] += 1

    # --- counters and audit -----------------------------------------------------------------

    def counters(self) -> None:
        for (kind, type_id, year), last in self.numbers.items():
            db.session.add(
                NumberCounter(kind=kind, meeting_type_id=type_id, year=year, last_number=last)
            )

    def audit(self) -> None:
        people = list(db.session.scalars(select(Person.id)))
        meeting_ids = list(db.session.scalars(select(Meeting.id)))
        topic_ids = list(db.session.scalars(select(Topic.id)))
        span = (self.now - local_to_utc(self.first, time(8, 0))).total_seconds()
        total = int(self.audit_per_year * self.years)
        start = local_to_utc(self.first, time(8, 0))
        batch: list[dict] = []
        rng = self.rng
        for n in range(total):
            event, kind = AUDIT_EVENTS[n % len(AUDIT_EVENTS)]
            object_id = (
                rng.choice(meeting_ids)
                if kind == "meeting"
                else rng.choice(topic_ids)
                if kind == "topic"
                else None
            )
            batch.append(
                {
                    "at": start + timedelta(seconds=span * n / total),
                    "person_id": rng.choice(people),
                    "event": event,
                    "object_type": kind,
                    "object_id": object_id,
                    "ip_address": f"10.0.{n % 250}.{n % 200 + 1}",
                }
            )
            if len(batch) == AUDIT_BATCH:
                db.session.execute(insert(AuditEvent), batch)
                batch = []
        if batch:
            db.session.execute(insert(AuditEvent), batch)
        self.counts["audit_events"] = total


def domain_meetings_agenda(meeting: Meeting) -> list[AgendaItem]:
    from ..domain.agenda import create_standard_items

    items = create_standard_items(meeting)
    for item in items:
        item.created_at = item.updated_at = meeting.starts_at - timedelta(days=20)
    return items


def seed_scale(
    years: int,
    seed: int = 2019,
    *,
    today: date | None = None,
    audit_per_year: int = AUDIT_PER_YEAR,
    months: int | None = None,
) -> ScaleResult:
    """Fill an empty database with ``years`` years of work ending three months after today
    (``months``: that many months instead, for tests)."""
    if years < 1:
        raise ScaleError("Geef minstens één jaar op.")
    if db.session.scalar(select(func.count(Meeting.id))):
        raise ScaleError(
            "De database bevat al vergaderingen; de schaalproef vult alleen een lege database."
        )
    seed_structure()
    gen = _Generator(years, seed, today or today_local(), audit_per_year, months)
    gen.people()
    meetings = gen.meetings()
    gen.agendas(meetings)
    gen.minutes(meetings)
    gen.counters()
    db.session.flush()
    gen.audit()
    db.session.commit()
    if dialect.name() == "postgresql":
        settle_postgresql()
    return ScaleResult(years=years, seed=seed, counts=dict(gen.counts))


def settle_postgresql() -> None:
    """Bring a just-filled PostgreSQL database where ten years of use would have it, now
    rather than whenever autovacuum gets to it: ``VACUUM (ANALYZE)``. The planner's
    statistics for the new rows (unanalysed, the participant's topic search at ten years took
    885 ms instead of 14); the full-text indexes' pending lists merged into the index (GIN
    takes new rows into an unsorted list that every search reads through until a vacuum: the
    topic search at ten years, just filled, took 1.6x its one-year time instead of 1.1x);
    and the visibility map set, that index-only scans rely on. VACUUM runs outside a
    transaction: on a connection of its own, in autocommit."""
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM (ANALYZE)")


def persona_pages(email: str) -> dict[str, str]:
    """The main pages of one demo persona, by name, on objects they may see: the latest held
    meeting they sat in and its body, and the topic of that body with the longest timeline.
    What bench/pages.py times and the two-sizes query tests count (in an app context)."""
    if email.startswith("beheerder@"):
        return {
            "logboek": "/beheer/logboek",
            "logboek casus": "/beheer/logboek?gebeurtenis=casus_viewed",
        }
    person = db.session.scalar(select(Person).where(Person.email == email))
    if person is None:
        raise ScaleError(f"Geen persoon met e-mailadres {email}.")
    meeting = db.session.scalar(
        select(Meeting)
        .join(Participant)
        .where(
            Participant.person_id == person.id,
            Meeting.starts_at < utcnow(),
            Meeting.status == "gepland",
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    if meeting is None:
        raise ScaleError(f"{email} zat nog in geen enkele vergadering.")
    code = meeting.meeting_type.code
    topic_id = db.session.scalar(
        select(Topic.id)
        .join(TopicEvent)
        .where(Topic.meeting_type_id == meeting.meeting_type_id, Topic.confidentiality != "casus")
        .group_by(Topic.id)
        .order_by(func.count(TopicEvent.id).desc(), Topic.id)
        .limit(1)
    )
    pages = {
        "home": "/",
        "mijn overleggen": "/mijn-overleggen",
        "overleg": f"/overleggen/{meeting.id}",
        "agenda": f"/overleggen/{meeting.id}/agenda",
        "stukken": f"/overleggen/{meeting.id}/stukken",
        "verslag": f"/overleggen/{meeting.id}/verslag",
        "onderwerp": f"/onderwerpen/{topic_id}",
        "onderwerpen": "/onderwerpen",
        # A word of every topic's description: a full page at one year as at ten (a word of
        # the titles is in one topic of twelve, and a participant finds 125 topics in the
        # first year: a page of 12 rows would be compared with a full page of 50).
        "zoeken": f"/onderwerpen?q={TOPIC_WORD}",
        "zoeken alles": "/zoeken?q=overlast",
        "zoeken besluiten p2": "/zoeken?q=overlast&soort=besluiten&pagina=2",
        "besluiten": f"/besluiten/{code}",
        "actiepunten": f"/actiepunten/{code}",
        "mijn actiepunten": "/mijn-actiepunten",
    }
    if person.app_role == "secretaris":
        pages |= {
            "planning lijst": "/planning",
            "planning maand": "/planning?weergave=maand",
            "te agenderen": f"/te-agenderen/{code}",
            "escalaties": "/escalaties",
        }
    return pages
