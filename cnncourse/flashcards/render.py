"""How cards and due dates are shown: one rule for the terminal, the notebook widget and Anki."""
from __future__ import annotations

import html
from datetime import datetime, tzinfo

from cnncourse.flashcards.deck import Card


def _lead_and_items(card: Card) -> tuple[str, list[str]]:
    """A multi-part answer as (lead-in or "", bulleted parts); a one-part answer as (answer, [])."""
    parts = card.answer_parts
    if len(parts) == 1:
        return parts[0], []
    if parts[0].endswith(":"):
        return parts[0], parts[1:]
    return "", parts


def answer_text(card: Card) -> str:
    """The answer for a terminal: lead-in, then one ``•`` line per part."""
    lead, items = _lead_and_items(card)
    return "\n".join(([lead] if lead else []) + [f"  • {item}" for item in items])


def answer_html(card: Card) -> str:
    """The answer as escaped HTML with a bulleted list for its parts."""
    lead, items = _lead_and_items(card)
    listing = "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>" if items else ""
    return html.escape(lead) + listing


def format_due(due: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """``2026-11-24 14:05 CET (in 1 day)``-style text for a due date, in local time (``tz=None``: the computer's)."""
    minutes = round(max(0.0, (due - now).total_seconds()) / 60)
    if minutes >= 24 * 60:
        count, unit = round(minutes / (24 * 60)), "day"
    elif minutes >= 60:
        count, unit = round(minutes / 60), "hour"
    else:
        count, unit = minutes, "minute"
    when = "now" if count == 0 else f"in {count} {unit}{'s' if count != 1 else ''}"
    local = due.astimezone(tz)
    return f"{local.strftime('%Y-%m-%d %H:%M')} {local.tzname() or ''} ({when})".replace("  ", " ")
