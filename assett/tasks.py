"""The background jobs, defined on the process's Huey (see `assett/jobs.py`).

Each job is a thin wrapper around a service, run in an app context by the worker. Jobs return
None unless someone reads their result: Huey keeps every other result in its storage.
"""

from __future__ import annotations

from huey import crontab

from .jobs import huey, in_app_context


@huey.task()
@in_app_context
def deliver_mail(message_id: int) -> None:
    """Deliver one outbox message (after the transaction that queued it committed)."""
    from .services.outbox import deliver

    deliver(message_id)


@huey.periodic_task(crontab(minute="*"))
@in_app_context
def deliver_due_mail() -> None:
    """Every minute: deliver the messages whose (next) attempt is due."""
    from .services.outbox import deliver_due

    deliver_due()


@huey.task()
@in_app_context
def deliver_campaign_mail() -> None:
    """Deliver what a campaign send queued, by batches over one SMTP connection."""
    from .services.outbox import deliver_due

    while deliver_due(limit=5000):
        pass


@huey.periodic_task(crontab(hour="6", minute="10"))
@in_app_context
def send_cycle_reminders() -> None:
    """Every day at 06:10 UTC: at the start of a territory's yearly cycle, remind those due."""
    from .services.cycles import remind_cycle_start

    remind_cycle_start()


@huey.periodic_task(crontab(hour="6", minute="0"))
@in_app_context
def send_notifications() -> None:
    """Every day at 06:00 UTC: reminders (actions, reassessment) and the animators' digest."""
    from .services.reminders import run_notifications

    run_notifications()


@huey.periodic_task(crontab(hour="5", minute="30"))
@in_app_context
def apply_account_retention() -> None:
    """Every day at 05:30 UTC: warn the accounts inactive for the retention period, delete
    those warned long enough ago that did not come back."""
    from .services.legal import apply_retention

    apply_retention()


@huey.periodic_task(crontab(hour="6", minute="10"))
@in_app_context
def send_event_reminders() -> None:
    """Every day at 06:10 UTC: remind those registered for tomorrow's events (once each)."""
    from .services.event_reminders import send_event_reminders as send

    send()


@huey.task()
@in_app_context
def check_worker() -> dict[str, object]:
    """What the worker sees: its database and queue (for `flask worker --check` and tests)."""
    from sqlalchemy import func, select

    from .extensions import db
    from .models import Territory

    return {
        "database": db.engine.dialect.name,
        "territories": db.session.scalar(select(func.count(Territory.id))) or 0,
    }
