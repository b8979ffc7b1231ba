"""Overleg: plans and records the public-safety consultations of a municipality."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, flash, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import BASE_DIR, INSTANCE_DIR, Config, engine_options

from .extensions import csrf, db, limiter, login_manager, migrate, ping_idle_connections
from .forms import MAX_ID


class BoundedIntConverter(IntegerConverter):
    """<int:…> limited to the range of a database integer."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)  # the largest database integer
        super().__init__(map, *args, **kwargs)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    from .templating import Environment

    app.jinja_environment = Environment  # before anything makes app.jinja_env
    app.config.from_object(Config())
    if config:
        app.config.update(config)
        if "SQLALCHEMY_ENGINE_OPTIONS" not in config:  # for the database given here
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
                app.config["SQLALCHEMY_DATABASE_URI"], app.config["PG_PREPARE"]
            )
    # Ids in URLs fit the database's integer: a larger number is simply not found (404).
    app.url_map.converters["int"] = BoundedIntConverter
    if app.config.get("TRUSTED_PROXIES"):
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore

    db.init_app(app)
    with app.app_context():  # Flask-SQLAlchemy made the engines in init_app
        for engine in db.engines.values():
            ping_idle_connections(engine)
    from .models.search import include_object

    migrate.init_app(
        app,
        db,
        directory=str(BASE_DIR / "migrations"),
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,  # the search indexes are not in the models
    )
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)

    from . import models  # noqa: F401  (register the tables)
    from .aanpak import bp as aanpak_bp
    from .access import enforce_access
    from .admin import bp as admin_bp
    from .agenda import bp as agenda_bp
    from .auth import bp as auth_bp
    from .calendar import bp as calendar_bp
    from .documents import bp as documents_bp
    from .mail import bp as mail_bp
    from .main import bp as main_bp
    from .meetings import bp as meetings_bp
    from .minutes import bp as minutes_bp
    from .plan import bp as plan_bp
    from .search import bp as search_bp
    from .signals import bp as signals_bp
    from .topics import bp as topics_bp

    app.before_request(enforce_access)
    for bp in (auth_bp, main_bp, meetings_bp, admin_bp):
        app.register_blueprint(bp)
    for bp in (calendar_bp, mail_bp, documents_bp):
        app.register_blueprint(bp)
    for bp in (agenda_bp, topics_bp):
        app.register_blueprint(bp)
    app.register_blueprint(minutes_bp)
    app.register_blueprint(plan_bp)
    app.register_blueprint(signals_bp)
    app.register_blueprint(aanpak_bp)
    app.register_blueprint(search_bp)

    from .templating import init_templating

    init_templating(app)
    _init_errors(app)

    from .security import init_security

    init_security(app)

    from .cli import init_cli

    init_cli(app)
    return app


def _init_login(app: Flask) -> None:
    from .auth.services import load_session

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(token: str):
        # current_app, not app: the login manager is shared by every app created here
        config = current_app.config
        return load_session(
            token,
            config["SESSION_IDLE_MINUTES"],
            config["SESSION_MAX_HOURS"],
            on_expired=lambda: flash("Uw sessie is verlopen. Log opnieuw in.", "info"),
            # the check before every request (auth/mfa_views.py) reads it from the same query
            with_second_factor=bool(config["MFA_REQUIRED_ROLES"]),
        )


def _init_errors(app: Flask) -> None:
    messages = {
        400: ("Ongeldig verzoek", "Het verzoek kon niet worden verwerkt."),
        401: ("Niet ingelogd", "Log in om verder te gaan."),
        403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
        404: ("Niet gevonden", "Deze pagina bestaat niet of u heeft er geen toegang toe."),
        405: ("Niet toegestaan", "Deze handeling is hier niet toegestaan."),
        413: ("Bestand te groot", "Het bestand is groter dan toegestaan."),
        429: (
            "Te veel pogingen",
            "Te veel pogingen. Wacht een paar minuten en probeer het opnieuw.",
        ),
        500: ("Er ging iets mis", "Er ging iets mis aan onze kant. Probeer het later opnieuw."),
    }

    def render_error(code: int, detail: str | None = None):
        title, text = messages[code]
        return render_template(
            "errors/error.html", code=code, title=title, text=detail or text
        ), code

    for code in messages:
        if code in (429,):
            continue
        app.register_error_handler(code, lambda e, c=code: render_error(c))

    @app.errorhandler(429)
    def _too_many(e):
        return render_error(429, getattr(e, "description", None))

    @app.errorhandler(CSRFError)
    def _csrf(e):
        return render_error(
            400,
            "Het formulier is verlopen of ongeldig (beveiligingscode ontbreekt). "
            "Laad de pagina opnieuw en probeer het nog eens.",
        )

    @app.before_request
    def _refuse_nul_in_url():
        """A NUL byte in the address never reaches the database (PostgreSQL refuses it in
        any text it compares); forms refuse it beside the field (overleg/forms.py)."""
        args = request.args.lists()
        if "\x00" in request.path or any("\x00" in k + "".join(v) for k, v in args):
            return render_error(400, "Het adres bevat een ongeldig teken. Controleer de link.")
        return None

    @app.errorhandler(500)
    def _server_error(e):
        db.session.rollback()
        return render_error(500)
