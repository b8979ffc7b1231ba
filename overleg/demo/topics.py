"""Demo topics and agendas (fictional cases, no real persons), relative to the day loaded:

- one topic per 2019 priority theme, on the agendas of the coming meetings; the jeugdgroep
  topic from the last OVO held is escalated to the next TVO and still open;
- one topic that runs OVO → TVO → Driehoek over the past months, with the Driehoek's
  decision returned to the TVO, an assignment (opdracht) down to the TVO and its
  terugkoppeling back up; the OVO gets the TVO's terugkoppeling;
- on the next TVO, a guest from Veilig Thuis invited for one casus item only.

Uses the meetings seeded by `overleg.demo.meetings.seed_meetings`; plans a meeting itself when a
body has none near the needed date. Idempotent: nothing happens when the chain topic exists.
No mail is queued."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..domain import agenda as da
from ..domain import escalation as de
from ..domain.topics import create_topic
from ..extensions import db
from ..models import (
    AgendaItem,
    Meeting,
    MeetingType,
    Organisation,
    Participant,
    Person,
    Theme,
    ThemeGroup,
    Topic,
)
from ..timeutil import local_to_utc, today_local, utcnow

CHAIN_TITLE = "Hennepteelt en drugsoverlast bedrijventerrein Foxhol"

# theme, title, description, confidentiality, owner body, aanbrenger (short name)
THEME_TOPICS = [
    (
        "Aanpak huiselijk geweld en kindermishandeling",
        "Gezin met zorgen om de kinderen, Martenshoek",
        "Fictieve casus: herhaalde meldingen van ruzie in een gezin met drie jonge kinderen; "
        "Veilig Thuis is betrokken.",
        "casus",
        "tvo",
        "Veilig Thuis",
    ),
    (
        "Sociale (woon)overlast/ burenruzies",
        "Aanhoudende burenruzie Kerkstraat, Slochteren",
        "Fictieve casus: geluidsoverlast en bedreigingen tussen twee huishoudens; bemiddeling "
        "door het sociaal team is vastgelopen.",
        "casus",
        "tvo",
        "Corporaties",
    ),
    (
        "Verwarde personen",
        "Verward gedrag rond station Kropswolde",
        "Fictieve casus: een man die meermaals verward en agressief rond het station is gezien; "
        "geen zorg in beeld.",
        "casus",
        "tvo",
        "Politie",
    ),
    (
        "Bestuurlijke aanpak georganiseerde criminaliteit algemeen",
        "Signalen van malafide vastgoedtransacties",
        "Opvallende aankopen van panden met contant geld; RIEC-signaal.",
        "vertrouwelijk",
        "tvo",
        "RIEC",
    ),
    (
        "Aanpak problematiek die de komst van het windmolenpark N33 met zich meebrengt",
        "Spanningen rond de bouw van windmolenpark N33",
        "Protesten en vernielingen bij de bouwplaats; afstemming met de netbeheerder.",
        "intern",
        "po",
        "Gemeente",
    ),
    (
        "In beeld brengen aard en omvang, inventariseren rol ketenpartners en opstellen plan van aanpak",
        "Inventarisatie cybercrime en rol van de ketenpartners",
        "Aard en omvang van gedigitaliseerde criminaliteit in beeld; plan van aanpak in opbouw.",
        "intern",
        "driehoek",
        "OM",
    ),
]
JEUGD_TOPIC = (
    "Problematische jeugd en jeugdgroepen",
    "Jeugdgroep bij winkelcentrum Hoogezand",
    "Overlast van een jeugdgroep in de avonduren; inzet jongerenwerk en HALT.",
    "vertrouwelijk",
    "ovo",
    "Jongerenwerk",
)


def _person(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email))


def _body(code: str) -> MeetingType:
    return db.session.scalars(select(MeetingType).where(MeetingType.code == code)).one()


def _org(short: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.short_name == short))


def _theme(name: str, year: int | None = None) -> Theme | None:
    """The priority of that name in the year's plan (today's year by default), else in the
    latest plan that has it."""
    year = year or today_local().year
    return db.session.scalar(
        select(Theme)
        .join(ThemeGroup)
        .where(Theme.name == name, ThemeGroup.year <= year)
        .order_by(ThemeGroup.year.desc())
        .limit(1)
    )


def _meeting_from(code: str, after: datetime) -> Meeting:
    """The body's first meeting (not cancelled) starting after `after`; planned when none
    comes within 60 days."""
    body = _body(code)
    meeting = db.session.scalar(
        select(Meeting)
        .where(
            Meeting.meeting_type_id == body.id,
            Meeting.status == "gepland",
            Meeting.starts_at > after,
            Meeting.starts_at <= after + timedelta(days=60),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if meeting is None:
        from ..domain.meetings import plan_meeting

        day = (after + timedelta(days=7)).date()
        meeting = plan_meeting(body, day, time(10, 0), send=False)
        db.session.flush()
    return meeting


def seed_topics(today: date | None = None) -> int:
    """Create the demo topics and their agenda items; returns the number of topics made."""
    if db.session.scalar(select(Topic.id).where(Topic.title == CHAIN_TITLE)) is not None:
        return 0
    if _body("ovo") is None:
        return 0
    today = today or today_local()
    sec = _person("oov@example.org")
    made = 0

    # --- the chain: OVO -> TVO -> Driehoek, back down to the TVO, terugkoppelingen -------
    start = local_to_utc(today - timedelta(days=150), time(0, 0))
    ovo1 = _meeting_from("ovo", start)
    topic = create_topic(
        title=CHAIN_TITLE,
        meeting_type=_body("ovo"),
        confidentiality="vertrouwelijk",
        description="Fictief: meldingen van hennepgeur, stroomdiefstal en komen en gaan van "
        "auto's in de avond op het bedrijventerrein.",
        theme=_theme("Aanpak drugscriminaliteit", ovo1.starts_at.year),
        aanbrenger=_org("Politie"),
        by=sec,
        year=ovo1.starts_at.year,
    )
    made += 1
    item = da.add_item(
        ovo1,
        title="",
        topic=topic,
        purpose="bespreking",
        duration_minutes=15,
        presenter="Wijkagent",
        by=sec,
    )
    db.session.flush()
    at = ovo1.starts_at + timedelta(hours=2)
    up1 = de.escalate(
        item,
        _body("tvo"),
        question="Kan het TVO een integrale aanpak (politie, gemeente, netbeheerder) opzetten?",
        reason="De signalen komen van meerdere partners; het OVO heeft geen "
        "mandaat voor bestuurlijke maatregelen.",
        by=sec,
        now=at,
    )
    tvo1 = up1.target_item.meeting
    at = tvo1.starts_at + timedelta(hours=2)
    up2 = de.escalate(
        up1.target_item,
        _body("driehoek"),
        question="Geeft de Driehoek prioriteit en mandaat voor een gezamenlijke "
        "controle en bestuurlijke sluiting (artikel 13b Opiumwet)?",
        reason="Vraagt politiecapaciteit en een besluit van de burgemeester.",
        by=sec,
        now=at,
    )
    de.conclude(
        up1.target_item,
        outcome="Integrale aanpak voorbereid; voorgelegd aan de "
        "Driehoek voor prioriteit en mandaat.",
        by=sec,
        now=at,
    )
    driehoek1 = up2.target_item.meeting
    at = driehoek1.starts_at + timedelta(hours=2)
    de.conclude(
        up2.target_item,
        outcome="Prioriteit toegekend; de burgemeester is bereid "
        "tot sluiting bij aantreffen van een kwekerij.",
        outcome_kind="besluit",
        by=sec,
        now=at,
    )
    down = de.escalate(
        up2.target_item,
        _body("tvo"),
        question="Stel een plan van aanpak op voor een gezamenlijke controle "
        "met netbeheerder en ODG.",
        reason="Besluit van de Driehoek.",
        by=sec,
        now=at,
    )
    tvo2 = down.target_item.meeting
    at = tvo2.starts_at + timedelta(hours=2)
    if tvo2.starts_at < utcnow():
        de.conclude(
            down.target_item,
            outcome="Plan van aanpak vastgesteld; controle gepland in de komende maand.",
            outcome_kind="opdracht",
            by=sec,
            now=at,
        )

    # An escalation still open: the jeugdgroep from the last OVO held, to the next TVO.
    now = utcnow()
    next_meeting = {code: _meeting_from(code, now) for code in ("ovo", "tvo", "po", "driehoek")}
    last_ovo = db.session.scalar(
        select(Meeting)
        .where(
            Meeting.meeting_type_id == _body("ovo").id,
            Meeting.status == "gepland",
            Meeting.starts_at < now,
            Meeting.starts_at > ovo1.starts_at,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    items: dict[str, AgendaItem] = {}
    theme_name, title, description, conf, code, org = JEUGD_TOPIC
    jeugd = create_topic(
        title=title,
        description=description,
        meeting_type=_body(code),
        confidentiality=conf,
        theme=_theme(theme_name),
        aanbrenger=_org(org),
        by=sec,
        year=today.year,
    )
    made += 1
    held = last_ovo or next_meeting["ovo"]
    items[title] = da.add_item(
        held, title="", topic=jeugd, purpose="bespreking", duration_minutes=15, by=sec
    )
    db.session.flush()
    if last_ovo is not None:
        de.escalate(
            items[title],
            _body("tvo"),
            question="Kan het TVO een gezamenlijke aanpak met jongerenwerk, HALT en "
            "politie afspreken?",
            reason="De overlast neemt toe ondanks inzet van het jongerenwerk.",
            by=sec,
            target_meeting=next_meeting["tvo"],
            now=last_ovo.starts_at + timedelta(hours=2),
        )

    # Past agendas were published before their meeting (no mail for demo data).
    past = db.session.scalars(
        select(Meeting).where(Meeting.starts_at < utcnow(), Meeting.agenda_status == "concept")
    )
    for meeting in past:
        meeting.agenda_status = "gepubliceerd"
        meeting.agenda_published_at = meeting.starts_at - timedelta(days=5)

    # --- one topic per priority theme on the coming agendas --------------------------------
    for theme_name, title, description, conf, code, org in THEME_TOPICS:
        t = create_topic(
            title=title,
            description=description,
            meeting_type=_body(code),
            confidentiality=conf,
            theme=_theme(theme_name),
            aanbrenger=_org(org),
            by=sec,
            year=today.year,
        )
        made += 1
        items[title] = da.add_item(
            next_meeting[code], title="", topic=t, purpose="bespreking", duration_minutes=15, by=sec
        )
    db.session.flush()

    # A guest from Veilig Thuis on the next TVO, for the huiselijk-geweld casus only.
    guest = _person("veiligthuis@example.org")
    tvo_next = next_meeting["tvo"]
    if guest is not None and not any(p.person_id == guest.id for p in tvo_next.participants):
        db.session.add(Participant(meeting=tvo_next, person=guest, part="guest", from_roster=False))
        db.session.flush()
    if guest is not None:
        da.set_item_access(items[THEME_TOPICS[0][1]], "gast", {guest.id})
    # The burenruzie casus is closed to the sociaal team and the police specialist only.
    named = [
        p
        for p in (_person("sociaalteam@example.org"), _person("specialist@example.org"))
        if p is not None and any(x.person_id == p.id for x in tvo_next.participants)
    ]
    if named:
        da.set_besloten(items[THEME_TOPICS[1][1]], True, {p.id for p in named})
    # The next TVO's agenda is final already, so its participants (and the guest) can read it;
    # the other coming agendas are still being prepared (no mail for demo data).
    tvo_next.agenda_status = "gepubliceerd"
    tvo_next.agenda_published_at = utcnow()
    db.session.flush()
    tvo_next.agenda_snapshot = da.snapshot(tvo_next, "published")  # what a change compares with
    # A proposal by the wijkagent waits for the secretary on the next OVO (the werkvoorraad).
    wijkagent = _person("wijkagent@example.org")
    ovo_next = next_meeting["ovo"]
    takes_part = wijkagent is not None and any(
        p.person_id == wijkagent.id for p in ovo_next.participants
    )
    if (
        wijkagent is not None
        and takes_part
        and not any(i.proposal_status for i in ovo_next.agenda_items)
    ):
        da.propose_item(
            ovo_next,
            wijkagent,
            title="Fietsendiefstal bij het station",
            purpose="bespreking",
            duration_minutes=10,
            description="Sinds oktober bijna dagelijks aangifte; graag afspraken over "
            "extra toezicht.",
        )
    db.session.commit()
    return made
