"""What the read policy's SQL costs a participant: building its clauses, reusing the kept
ones (overleg/domain/policy.py, `_clauses`), running them, and the memory they keep.

    .venv/bin/python bench/policy_clauses.py [--db /tmp/overleg-bench/scale-1.db] [--people 20]
        [--repeat 50]

On a database made by bench/pages.py (`seed_scale`), for participants (not staff) who take
part in meetings:
- bouwen: all clauses and statements of one person built anew (what every call cost before
  they were kept);
- hergebruik: a public clause function (`decision_text_clause`) answering from the kept ones;
- item_levels: one call for the agenda items of the person's latest meeting, with the kept
  statement, and with one built anew each time (its SQL the same; SQLAlchemy then also walks
  the new statement for its cache key);
- geheugen: what the kept clauses of one person hold (tracemalloc, after their statements ran
  once, so their remembered cache keys count), and for CLAUSE_CACHE_SIZE people.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from functools import cached_property
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _kept_names(cls) -> list[str]:
    return [name for name, value in vars(cls).items() if isinstance(value, cached_property)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/overleg-bench/scale-1.db")
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from overleg import create_app
    from overleg.domain import policy
    from overleg.extensions import db
    from overleg.models import AgendaItem, Meeting, Participant, Person

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.db}",
            "TESTING": True,
            "STORAGE_DIR": "/tmp",
            "MAIL_BACKEND": "memory",
        }
    )
    names = _kept_names(policy._Clauses)
    statements = {
        "meeting_ids_stmt": "meeting",
        "levels_stmt": "item",
        "named_guest_stmt": "meeting",
        "topic_ids_stmt": "topic",
    }
    with app.app_context():
        people = list(
            db.session.scalars(
                select(Person)
                .join(Participant, Participant.person_id == Person.id)
                .where(Person.app_role != "secretaris", Person.app_role != "beheerder")
                .group_by(Person.id)
                .order_by(func.count(Participant.id).desc(), Person.id)
                .limit(args.people)
            )
        )
        people = [p for p in people if not policy.is_staff(p)]
        if not people:
            print("geen deelnemers in deze database")
            return 1

        def latest_items(person) -> list[AgendaItem]:
            meeting_id = db.session.scalar(
                select(Meeting.id)
                .join(Participant, Participant.meeting_id == Meeting.id)
                .where(Participant.person_id == person.id)
                .order_by(Meeting.starts_at.desc())
                .limit(1)
            )
            return list(
                db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
            )

        def ids_for(person, kind: str, items) -> list[int]:
            if kind == "item":
                return [i.id for i in items]
            if kind == "topic":
                return [i.topic_id for i in items if i.topic_id is not None] or [0]
            return [items[0].meeting_id] if items else [0]

        person = people[0]
        items = latest_items(person)

        def build_all(pid: int) -> policy._Clauses:
            kept = policy._Clauses(pid)
            for name in names:
                getattr(kept, name)
            return kept

        build = _median_ms(lambda: build_all(person.id), max(5, args.repeat // 5))
        policy.decision_text_clause(person)  # kept from here on
        reuse = _median_ms(lambda: policy.decision_text_clause(person), args.repeat) * 1000
        policy.item_levels(person, items)
        kept_call = _median_ms(lambda: policy.item_levels(person, items), args.repeat)
        ids = [i.id for i in items]

        def fresh_call():
            stmt = policy._Clauses(person.id).levels_stmt
            db.session.execute(stmt, {"policy_ids": ids}).all()

        fresh = _median_ms(fresh_call, max(5, args.repeat // 5))

        print(f"database: {args.db}")
        print(f"deelnemer {person.email}: {len(items)} agendapunten in het laatste overleg")
        print(f"  bouwen, alle {len(names)} clausules en statements: {build:8.2f} ms")
        print(f"  hergebruik (decision_text_clause, bewaard):  {reuse:8.2f} µs")
        print(f"  item_levels met het bewaarde statement:       {kept_call:8.2f} ms")
        print(f"  item_levels met een nieuw gebouwd statement:  {fresh:8.2f} ms")

        # Memory: build and run each person's kept clauses once, under tracemalloc.
        per_items = [(p, latest_items(p)) for p in people]
        policy._clauses.cache_clear()
        tracemalloc.start()
        baseline = tracemalloc.take_snapshot()
        sizes = []
        for p, p_items in per_items:
            before, _ = tracemalloc.get_traced_memory()
            kept = policy._clauses(p.id)
            for name in names:
                getattr(kept, name)
            for attr, kind in statements.items():
                db.session.execute(getattr(kept, attr), {"policy_ids": ids_for(p, kind, p_items)})
            after, _ = tracemalloc.get_traced_memory()
            sizes.append(after - before)
        total = sum(
            s.size_diff for s in tracemalloc.take_snapshot().compare_to(baseline, "filename")
        )
        tracemalloc.stop()
        first, rest = sizes[0], sizes[1:] or sizes
        per_person = statistics.median(rest)
        print(f"geheugen (tracemalloc), {len(people)} deelnemers:")
        print(f"  de eerste (ook SQLAlchemy's gedeelde compilaties): {first / 1024:8.1f} KiB")
        print(f"  per volgende deelnemer (mediaan):                  {per_person / 1024:8.1f} KiB")
        print(f"  samen na afloop:                                   {total / 1024:8.1f} KiB")
        print(
            f"  CLAUSE_CACHE_SIZE = {policy.CLAUSE_CACHE_SIZE}: ten hoogste ongeveer "
            f"{(first + per_person * (policy.CLAUSE_CACHE_SIZE - 1)) / 1024 / 1024:.1f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
