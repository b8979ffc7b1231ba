"""Demo plans van aanpak (fictional), on two demo topics, relative to the day loaded:

- the hennepteelt topic that ran OVO → TVO → Driehoek (a priority of the jaarplan, "Aanpak
  drugscriminaliteit"): a plan of four measures by the police, the gemeente, the ODG and the
  Belastingdienst, adopted by the body that owns the topic at its latest meeting (a decision
  in its register), with dated progress notes; changed after adoption (a measure added), so
  a concept version 2 waits; the topic returns on the TVO's next agenda in preparation
  ("voortgang"), where the agenda shows the measures, and one of the last TVO's actions belongs to a measure;
- the jeugdgroep topic escalated from the OVO to the next TVO: a concept plan of two
  measures (jongerenwerk, HALT), on that TVO's agenda for adoption.

Runs after the minutes (the adoption needs a meeting whose minutes are still a concept).
Idempotent: nothing happens when the hennepteelt topic has measures already."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..domain import aanpak as da
from ..domain import agenda as dag
from ..domain.documents import add_document
from ..extensions import db
from ..models import ActionItem, Meeting, MeetingType, Organisation, Person, Topic
from ..models.aanpak import Measure
from ..pdf import simple_pdf
from ..timeutil import today_local, utcnow
from .topics import CHAIN_TITLE, JEUGD_TOPIC


def _org(short: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.short_name == short))


def _person(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email))


def _next_open_agenda(code: str) -> Meeting | None:
    """The body's first coming meeting whose agenda is still being prepared."""
    return db.session.scalar(
        select(Meeting)
        .join(MeetingType)
        .where(
            MeetingType.code == code,
            Meeting.status == "gepland",
            Meeting.agenda_status == "concept",
            Meeting.starts_at > utcnow(),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def _add(topic: Topic, title: str, org: str, contact: str | None, start: date, due: date, by):
    organisation = _org(org)
    if organisation is None:
        return None
    return da.add_measure(
        topic,
        da.MeasureData(
            title=title,
            organisation=organisation,
            contact=_person(contact) if contact else None,
            starts_on=start,
            due_on=due,
        ),
        by=by,
    )


def _note(measure, on: date, text: str, status: str | None, today: date, by) -> None:
    if measure is not None:
        da.add_note(measure, noted_on=on, text=text, status=status, by=by, today=today)


def seed_aanpak(today: date | None = None) -> int:
    """Plans van aanpak on the demo topics; returns the number of measures made."""
    today = today or today_local()
    chain = db.session.scalar(select(Topic).where(Topic.title == CHAIN_TITLE))
    if chain is None:
        return 0
    if db.session.scalar(select(Measure.id).where(Measure.topic_id == chain.id).limit(1)):
        return 0
    sec = _person("oov@example.org")
    made = 0

    # --- hennepteelt Foxhol: adopted, under way, changed since -------------------------------
    start = today - timedelta(days=60)
    controle = _add(
        chain,
        "Gezamenlijke controle bedrijventerrein met netbeheerder",
        "Politie",
        "btchef@example.org",
        start,
        today - timedelta(days=10),
        sec,
    )
    sluiting = _add(
        chain,
        "Bestuurlijke sluiting bij aantreffen van een kwekerij (artikel 13b Opiumwet)",
        "Gemeente",
        "coordinator.oov@example.org",
        start,
        today + timedelta(days=60),
        sec,
    )
    milieu = _add(
        chain,
        "Controle milieuvergunningen bedrijfspanden",
        "ODG",
        None,
        start + timedelta(days=14),
        today + timedelta(days=30),
        sec,
    )
    fiscaal = _add(
        chain,
        "Fiscale aanpak van de huurders (Bibob-toets bij nieuwe huur)",
        "Belastingdienst",
        None,
        start + timedelta(days=30),
        today + timedelta(days=120),
        sec,
    )
    made += sum(m is not None for m in (controle, sluiting, milieu, fiscaal))
    versions = da.versions_of(chain)
    meetings = da.adoption_meetings(chain)
    if versions and meetings and made:
        da.adopt(versions[0], meetings[0], by=sec, now=meetings[0].starts_at + timedelta(hours=1))
    _note(
        controle,
        today - timedelta(days=40),
        "Controle voorbereid met netbeheerder en ODG; datum vastgelegd.",
        "lopend",
        today,
        sec,
    )
    _note(
        controle,
        today - timedelta(days=12),
        "Controle uitgevoerd: twee panden met illegale stroomaansluiting, één kwekerij geruimd.",
        "gereed",
        today,
        sec,
    )
    _note(
        sluiting,
        today - timedelta(days=10),
        "Voornemen tot sluiting verzonden; zienswijze van de eigenaar wordt afgewacht.",
        "lopend",
        today,
        sec,
    )
    _note(
        milieu,
        today - timedelta(days=5),
        "Eerste drie panden bezocht; geen overtredingen.",
        "lopend",
        today,
        sec,
    )
    # after adoption: a measure added, so a concept version 2 waits for the next meeting
    extra = _add(
        chain,
        "Voorlichting aan ondernemers op het bedrijventerrein over signalen van hennepteelt",
        "Gemeente",
        "oov@example.org",
        today,
        today + timedelta(days=45),
        sec,
    )
    made += extra is not None
    # one of the actions of the body that owns the topic belongs to a measure
    action = db.session.scalar(
        select(ActionItem)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .where(
            ActionItem.agenda_item.has(topic_id=chain.id),
            ActionItem.measure_id.is_(None),
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    if action is not None and sluiting is not None:
        action.measure_id = sluiting.id
    # the topic returns on the TVO's next agenda in preparation: the voortgang of the plan
    tvo = _next_open_agenda("tvo")
    if tvo is not None:
        item = dag.add_item(
            tvo,
            title="Voortgang aanpak hennepteelt Foxhol",
            topic=chain,
            purpose="informatie",
            duration_minutes=10,
            by=sec,
        )
        db.session.flush()
        # its note, as the demo's other topic items have one (seed_documents ran before)
        lines = [f"Voortgang plan van aanpak {chain.reference}", ""]
        lines += [f"- {m.title}: {m.status_label.lower()}" for m in da.measures_of(chain)]
        add_document(
            item,
            f"voortgang-{chain.reference}.pdf",
            simple_pdf([lines]),
            None,
            mark_changed=False,
        )

    # --- jeugdgroep Hoogezand: a concept plan for the next TVO --------------------------------
    jeugd = db.session.scalar(select(Topic).where(Topic.title == JEUGD_TOPIC[1]))
    if jeugd is not None:
        for measure in (
            _add(
                jeugd,
                "Jongerenwerk in de avonduren bij het winkelcentrum",
                "Jongerenwerk",
                None,
                today,
                today + timedelta(days=90),
                sec,
            ),
            _add(
                jeugd,
                "HALT-gesprekken met de jongeren die al bekend zijn",
                "HALT",
                None,
                today + timedelta(days=7),
                today + timedelta(days=60),
                sec,
            ),
            _add(
                jeugd,
                "Extra surveillance door de wijkagent op vrijdag en zaterdag",
                "Politie",
                "wijkagent@example.org",
                today,
                today + timedelta(days=90),
                sec,
            ),
        ):
            made += measure is not None
    db.session.flush()
    return made
