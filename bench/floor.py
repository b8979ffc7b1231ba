"""The floor: the cheapest page a Flask + SQLAlchemy application can serve, measured in the
same run as Overleg's pages so that their figures are ratios, not machine-dependent times.

One query, a 50-row table from SQLite, rendered by Jinja in a minimal HTML page, through the
Flask test client. `floor_ms()` returns its median time in milliseconds.

The page is a template file rendered by ``render_template``, as in any Flask application:
Jinja compiles it once and keeps it. An earlier floor rendered it with
``render_template_string``, which compiles the template again on every request (some 1.5 ms,
more than the rest of the page): it measured 2.3-4.5 ms instead of about 1.1-1.6 ms, and made
every page's ratio look about twice as good as it is.

    .venv/bin/python bench/floor.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Vloer</title></head>
<body><table><thead><tr><th>Nr</th><th>Naam</th><th>Plaats</th></tr></thead><tbody>
{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r.name }}</td><td>{{ r.place }}</td></tr>
{% endfor %}</tbody></table></body></html>"""


def make_app(directory: str) -> Flask:
    class Base(DeclarativeBase):
        pass

    db = SQLAlchemy(model_class=Base)

    class Row(db.Model):  # type: ignore[name-defined]
        __tablename__ = "floor_row"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100))
        place: Mapped[str] = mapped_column(String(100))

    (Path(directory) / "floor.html").write_text(PAGE, encoding="utf-8")
    app = Flask(__name__, template_folder=directory)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{directory}/floor.db"
    db.init_app(app)

    @app.route("/")
    def page():
        rows = db.session.scalars(select(Row).order_by(Row.id).limit(50)).all()
        return render_template("floor.html", rows=rows)

    with app.app_context():
        db.create_all()
        db.session.add_all(Row(name=f"Rij {n}", place="Hoogezand") for n in range(200))
        db.session.commit()
    return app


def measure(client, url: str, repeat: int = 25, warm: int = 3) -> list[float]:
    """Milliseconds per request (after a warm-up)."""
    for _ in range(warm):
        client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert resp.status_code == 200, (url, resp.status_code)
    return times


def floor_ms(repeat: int = 50) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(tmp)
        return statistics.median(measure(app.test_client(), "/", repeat=repeat))


if __name__ == "__main__":
    print(f"vloer (50 rijen uit SQLite, één query): {floor_ms():.2f} ms (mediaan)")
