"""Demo minutes: the demo's past meetings carry minutes, so that the registers and "Mijn
actiepunten" are filled from the first start.

Per body, in date order: every past meeting gets notes, usually a decision and one or two
actions; actions of two meetings back are partly closed, so some stay open and overdue. Each
minutes is approved at the next past meeting of its body (under "verslag vorige vergadering");
the most recent past meeting of each body stays a concept. Idempotent and tolerant: meetings
that already have minutes are left alone, whatever demo meetings exist. No mail is queued; the
archival PDFs of these versions are made at their first download.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import cycle

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain import actions as da
from ..domain import decisions as dd
from ..domain import minutes as dm
from ..extensions import db
from ..models import ActionItem, AgendaItem, Meeting, MeetingType, Minutes, Organisation, Person
from ..timeutil import to_local, utcnow

STANDARD_NOTES = {
    "opening": "De voorzitter opent de vergadering en heet iedereen welkom. De agenda wordt "
    "ongewijzigd vastgesteld.",
    "verslag": "Het verslag van de vorige vergadering wordt zonder wijzigingen vastgesteld.",
    "actielijst": "De actielijst is doorgenomen. Afgeronde actiepunten zijn afgevoerd; de "
    "overige blijven staan.",
    "rondvraag": "Geen vragen voor de rondvraag.",
    "sluiting": "De voorzitter dankt de aanwezigen en sluit de vergadering.",
}

MEDEDELINGEN = {
    "ovo": [
        "De wijkagenten melden een toename van overlastmeldingen rond het winkelcentrum in "
        "Hoogezand.",
        "Politie meldt twee aangetroffen hennepkwekerijen in Sappemeer.",
        "Er zijn meldingen van jongeren die 's avonds samenscholen bij het station.",
    ],
    "tvo": [
        "Het sociaal team meldt meer aanmeldingen in verband met huiselijk geweld.",
        "Het Veiligheidshuis heeft de casusregie voor twee nieuwe casussen overgenomen.",
        "De gemeente start met de voorbereiding van het ondermijningsbeeld 2019.",
    ],
    "po": [
        "De basisteamchef licht de capaciteit van het basisteam toe.",
        "De gemeente informeert over de bouw van het windpark N33.",
    ],
    "driehoek": [
        "De officier van justitie licht de prestatieafspraken cybercrime toe.",
        "De burgemeester meldt het interprovinciaal overleg over het windpark N33.",
    ],
}

# Decisions taken under "mededelingen" when a meeting has no topic on its agenda: about the
# body's own business, never about a topic (those are below, filed under their own item).
DECISIONS = {
    "ovo": [
        "Het OVO besluit tot extra surveillance in de avonduren bij het station.",
        "Het OVO vraagt de wijkagenten de overlastmeldingen per wijk bij te houden.",
    ],
    "tvo": [
        "Het TVO stelt met de ketenpartners het ondermijningsbeeld 2019 op.",
        "Het TVO stemt in met de werkwijze voor de casusoverleggen van het Veiligheidshuis.",
    ],
    "po": ["Het PO stemt in met de verdeling van de capaciteit van het basisteam."],
    "driehoek": ["De driehoek prioriteert de aanpak van drugscriminaliteit voor 2019."],
}
GENERAL_ACTIONS = [
    "Overzicht van de meldingen van de afgelopen maand aanleveren",
    "Voorstel voor een gezamenlijke communicatie aan bewoners opstellen",
]

# Decisions and actions about a demo topic, by the topic's title: each is filed under the
# agenda item (and so the topic) it is about. A topic not listed gets the generic texts below.
TOPIC_DECISIONS = {
    "Hennepteelt en drugsoverlast bedrijventerrein Foxhol": (
        [
            "De aangetroffen hennepkwekerijen worden gemeld voor toepassing van het Damoclesbeleid.",
            "Het overleg stemt in met de inzet van het districtelijk hennepteam op het "
            "bedrijventerrein Foxhol.",
        ],
        [
            "Bestuurlijke rapportage aanleveren voor het Damoclesbeleid",
            "Controle van de bedrijfspanden met de netbeheerder plannen",
        ],
    ),
    "Jeugdgroep bij winkelcentrum Hoogezand": (
        [
            "Het overleg stelt een integrale aanpak problematische jeugdgroepen op.",
            "De overlast van de jeugdgroep bij het winkelcentrum wordt integraal aangepakt.",
        ],
        [
            "Groepsscan laten uitvoeren en resultaten terugkoppelen",
            "Afspraken met het jongerenwerk vastleggen",
        ],
    ),
    "Gezin met zorgen om de kinderen, Martenshoek": (
        ["Veilig Thuis en het sociaal team stellen samen een veiligheidsplan voor het gezin op."],
        ["Veiligheidsplan met Veilig Thuis afstemmen"],
    ),
    "Aanhoudende burenruzie Kerkstraat, Slochteren": (
        ["Het overleg stemt in met het plan van aanpak sociale woonoverlast."],
        ["Contact opnemen met de woningcorporatie over de overlastadressen"],
    ),
    "Verward gedrag rond station Kropswolde": (
        ["Het overleg vraagt het Veiligheidshuis om casusregie bij de besproken casus."],
        ["Zorgmelding bij de GGZ doen en de uitkomst terugkoppelen"],
    ),
    "Signalen van malafide vastgoedtransacties": (
        ["De signalen worden aan het RIEC voorgelegd voor een integraal onderzoek."],
        ["Overzicht van de opvallende vastgoedtransacties aanleveren aan het RIEC"],
    ),
    "Spanningen rond de bouw van windmolenpark N33": (
        ["Het overleg geeft opdracht de aanpak rond het windpark N33 uit te werken."],
        ["Voorstel voor een gezamenlijke communicatie aan bewoners opstellen"],
    ),
    "Inventarisatie cybercrime en rol van de ketenpartners": (
        ["Het overleg stemt in met het in beeld brengen van cybercrime in de gemeente."],
        ["Overzicht van de aangiften van cybercrime aanleveren"],
    ),
}
TOPIC_FALLBACK = (
    ["Het overleg stemt in met de voorgestelde aanpak van dit onderwerp."],
    ["Stand van zaken van dit onderwerp terugkoppelen"],
)


class _TopicTexts:
    """Per topic, its own decision and action texts in turn (varied over the meetings)."""

    def __init__(self) -> None:
        self._turn: dict[tuple[str, str], int] = {}

    def next(self, topic_title: str, kind: str) -> str:
        decisions, actions = TOPIC_DECISIONS.get(topic_title, TOPIC_FALLBACK)
        texts = decisions if kind == "decision" else actions
        n = self._turn.get((topic_title, kind), 0)
        self._turn[(topic_title, kind)] = n + 1
        return texts[n % len(texts)]


def _secretary() -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == "oov@example.org"))


def _organisations() -> list[Organisation]:
    names = ("Veiligheidshuis", "Sociale Teams Midden-Groningen", "Woningbouwcorporaties")
    return list(db.session.scalars(select(Organisation).where(Organisation.name.in_(names))))


def seed_minutes() -> int:
    """Give the demo's past meetings minutes; returns the number of minutes created."""
    now = utcnow()
    by = _secretary()
    orgs = _organisations()
    created = 0
    for body in db.session.scalars(select(MeetingType).order_by(MeetingType.id)).all():
        meetings = list(
            db.session.scalars(
                select(Meeting)
                .where(
                    Meeting.meeting_type_id == body.id,
                    Meeting.starts_at < now,
                    Meeting.status == "gepland",
                )
                .options(
                    selectinload(Meeting.participants),
                    selectinload(Meeting.agenda_items).selectinload(AgendaItem.topic),
                )
                .order_by(Meeting.starts_at)
            )
        )
        if not meetings:
            continue
        have = set(
            db.session.scalars(
                select(Minutes.meeting_id).where(Minutes.meeting_id.in_([m.id for m in meetings]))
            )
        )
        texts = cycle(MEDEDELINGEN.get(body.code, MEDEDELINGEN["tvo"]))
        decisions = cycle(DECISIONS.get(body.code, DECISIONS["tvo"]))
        actions = cycle(GENERAL_ACTIONS)
        topic_texts = _TopicTexts()
        previous: Minutes | None = None
        for n, meeting in enumerate(meetings):
            if meeting.id in have:
                previous = dm.get_minutes(meeting)
                continue
            minutes = dm.ensure_minutes(meeting, by)
            created += 1
            # Approve the previous meeting's minutes here, under "verslag vorige vergadering"
            if previous is not None and previous.status in ("concept", "ter_vaststelling"):
                try:
                    if previous.status == "concept":
                        previous.status = "ter_vaststelling"
                        previous.sent_at = meeting.starts_at - timedelta(days=7)
                    dm.approve(previous, meeting, by, render_pdf=False)
                    previous.approved_at = meeting.starts_at
                except dm.MinutesError:
                    pass
            _fill(meeting, n, texts, decisions, actions, topic_texts, orgs, by)
            db.session.flush()
            previous = minutes
    db.session.commit()
    return created


def _fill(
    meeting: Meeting, n: int, texts, decisions, actions, topic_texts: _TopicTexts, orgs, by
) -> None:
    items = [i for i in meeting.agenda_items if getattr(i, "on_agenda", True)]
    for item in items:
        if item.notes:
            continue
        if item.standard_kind in STANDARD_NOTES:
            item.notes = STANDARD_NOTES[item.standard_kind]
        elif item.standard_kind == "mededelingen":
            item.notes = next(texts)
        elif item.topic is not None:
            item.notes = (
                "Het onderwerp is besproken aan de hand van de inbreng van de "
                "partners. Zie de besluiten en actiepunten."
            )
    # The decision and actions belong to the item whose subject they are about: a topic item
    # (in turn over the meetings) with its topic's own texts, else "mededelingen" with the
    # body's general texts.
    topic_items = [i for i in items if i.topic is not None]
    target: AgendaItem | None
    if topic_items:
        target = topic_items[n % len(topic_items)]
        title = target.topic.title

        def decision_text():
            return topic_texts.next(title, "decision")

        def action_text():
            return topic_texts.next(title, "action")
    else:
        target = next((i for i in items if i.standard_kind == "mededelingen"), None)

        def decision_text():
            return next(decisions)

        def action_text():
            return next(actions)

    if target is not None and n % 3 != 1:
        dd.add_decision(meeting, target, decision_text(), by=by)
    # Actions: owners from the participants (not the secretary) or a partner organisation
    owners = [
        p.person
        for p in sorted(meeting.participants, key=lambda p: p.person_id)
        if p.part != "secretary" and p.person is not None
    ]
    day = to_local(meeting.starts_at).date()
    if target is not None:
        owner = owners[n % len(owners)] if owners else None
        if owner or orgs:
            da.add_action(
                meeting,
                target,
                action_text(),
                owner_person=owner,
                owner_organisation=None if owner else orgs[0],
                due_date=day + timedelta(days=14),
                by=by,
            )
        if orgs and n % 2 == 0:
            da.add_action(
                meeting,
                target,
                action_text(),
                owner_organisation=orgs[n % len(orgs)],
                due_date=day + timedelta(days=45),
                by=by,
            )
    # Close part of what is open from earlier meetings: the oldest open action, every other time
    if n % 2 == 1:
        carried = [a for a in da.carried_actions(meeting) if a.status == "open"]
        if carried:
            oldest = db.session.get_one(ActionItem, carried[0].id)
            da.close_action(oldest, meeting, "Afgerond, toegelicht in de vergadering.")
