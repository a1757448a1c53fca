"""ASSETT: ecological-transition self-assessment for the actors of a territory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, commands."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure(app, test_config)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security(app)
    register_template_helpers(app)
    register_commands(app)
    register_warm_up(app)
    return app


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Defaults, then instance/config.py, then ASSETT_* variables, then the test config."""
    app.config.from_mapping(config_module.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.from_environment(os.environ))
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.instance_secret_key(app.instance_path)
    configure_hosts(app)


def configure_hosts(app: Flask) -> None:
    """Links from BASE_URL, only trusted Host headers, X-Forwarded-* from known proxies only."""
    required = not (app.debug or app.testing)
    base_url = config_module.check_base_url(app.config.get("BASE_URL"), required)
    app.config["BASE_URL"] = base_url
    app.config["TRUSTED_HOSTS"] = config_module.trusted_hosts(
        base_url, list(app.config.get("TRUSTED_HOSTS") or [])
    )
    proxies = int(app.config.get("PROXIES") or 0)
    if proxies < 0:
        raise config_module.ConfigurationError("ASSETT_PROXIES doit être un entier positif ou nul.")
    if proxies:
        # Each proxy appends one address: trust exactly that many, so a client cannot forge
        # X-Forwarded-For to escape the rate limits.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )


def register_converters(app: Flask) -> None:
    """URL converters, before any rule: ids beyond the database's range are a 404."""
    from .converters import register

    register(app)


def register_extensions(app: Flask) -> None:
    """Bind the extensions to this app."""
    from .database import configure_engine

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    configure_engine(app)
    from . import uploads

    uploads.register(app)  # before CSRF, which reads the body
    csrf.init_app(app)
    limiter.init_app(app)
    from .i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # server-side sessions do the job
    from .services.sessions import load_user_from_session

    login_manager.user_loader(load_user_from_session)
    from . import jobs

    jobs.check(app)


def register_blueprints(app: Flask) -> None:
    """Attach one blueprint per feature."""
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .assessment import bp as assessment_bp
    from .auth import bp as auth_bp
    from .campaigns import bp as campaigns_bp
    from .dashboard import bp as dashboard_bp
    from .events import bp as events_bp
    from .legal import bp as legal_bp
    from .main import bp as main_bp
    from .orgs import bp as orgs_bp
    from .plans import bp as plans_bp
    from .platform import bp as platform_bp
    from .programme import bp as programme_bp
    from .resources import bp as resources_bp
    from .results import bp as results_bp
    from .synergies import bp as synergies_bp
    from .valorisation import bp as valorisation_bp

    for bp in (
        main_bp,
        auth_bp,
        orgs_bp,
        assessment_bp,
        results_bp,
        plans_bp,
        synergies_bp,
        events_bp,
        resources_bp,
        admin_bp,
        dashboard_bp,
        campaigns_bp,
        platform_bp,
        legal_bp,
        api_bp,
        programme_bp,
        valorisation_bp,
    ):
        app.register_blueprint(bp)


def register_errorhandlers(app: Flask) -> None:
    """Render HTTP errors as French pages, never a bare 500."""
    from .errors import register

    register(app)


def register_security(app: Flask) -> None:
    """Security headers on every response."""
    from .security import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates share."""
    from .templating import register

    register(app)


def register_commands(app: Flask) -> None:
    """Attach the CLI commands."""
    from .cli import register

    register(app)


def register_warm_up(app: Flask) -> None:
    """Compile templates and load shipped files now, in a serving worker (assett.warmup)."""
    from .warmup import register

    register(app)
