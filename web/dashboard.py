"""The dashboard at /: one Jinja page, one script, one stylesheet; no front-end build."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from leaderboard.rules import GAME_MODES, MAX_SCORE

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    settings = current_app.config["SETTINGS"]
    return render_template(
        "index.html",
        development=settings.development,
        admin_token=bool(settings.admin_tokens),
        submit_needs_key=settings.submit_needs_key,
        refresh_ms=settings.refresh_interval_ms,
        game_modes=GAME_MODES,
        max_score=MAX_SCORE,
    )


@bp.get("/moderation")
def moderation():
    """The held queue, a player's sessions and the audit log, over /api/admin: open in
    development (from localhost), the admin token otherwise."""
    settings = current_app.config["SETTINGS"]
    return render_template("moderation.html", needs_token=not settings.development)
