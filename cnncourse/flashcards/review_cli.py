"""``cnncourse flashcards``: list, review, stats, import and export decks from the terminal."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cnncourse.course import paths
from cnncourse.flashcards import anki, catalog, render
from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.clock import Clock
from cnncourse.flashcards.deck import Card, Deck
from cnncourse.flashcards.files import DeckFormatError
from cnncourse.flashcards.history import HistoryError, HistoryStore
from cnncourse.flashcards.session import Counts, ReviewSession, build_queues
from cnncourse.flashcards.settings import Settings, SettingsError, load_settings, settings_path
from cnncourse.flashcards.stats import DAYS, compute_stats, save_stats_plot

app = typer.Typer(help="Flashcards with spaced repetition (FSRS): list, review, stats, import, export.",
                  no_args_is_help=True, add_completion=False)

CLOCK: Clock = Clock()  # the time source of every command (tests replace it with a ManualClock)


@app.callback()
def _check_course_home() -> None:
    """Before any command: the course home (decks, history, settings) must exist or be creatable."""
    try:
        paths.course_home()
    except OSError as err:
        _fail(_console(), f"the course home {err.filename or ''} cannot be created ({err.strerror or err}); "
                          f"set {paths.HOME_ENV} to a folder you can write to")


def _console() -> Console:
    return Console(highlight=False)


def _fail(console: Console, message: str) -> None:
    console.print(Text("error: ", style="red") + Text(message), soft_wrap=True)
    raise typer.Exit(1)


def _warn(console: Console, message: str) -> None:
    console.print(Text("warning: ", style="yellow") + Text(message), soft_wrap=True)


def _decks_or_fail(console: Console, names: list[str] | None = None) -> list[Deck]:
    """The named decks (default: all); unreadable deck files are reported and skipped."""
    problems: list[DeckFormatError] = []
    try:
        decks = catalog.load_decks(problems)
    except OSError as err:
        _fail(console, f"cannot read the decks: {err}")
    for problem in problems:
        _warn(console, f"{problem}\nThat deck is skipped; fix or remove the file.")
    if not names:
        return list(decks.values())
    unknown = [name for name in names if name not in decks]
    if unknown:
        _fail(console, f"no deck named {', '.join(map(repr, unknown))}; "
                       f"available: {', '.join(decks)} (see `cnncourse flashcards list`)")
    return [decks[name] for name in names]


def _print_notices(console: Console, store: HistoryStore) -> None:
    for notice in store.notices:
        _warn(console, notice)
    store.notices.clear()


def _settings_or_fail(console: Console, **overrides: int | None) -> Settings:
    try:
        return load_settings().with_overrides(**overrides)
    except SettingsError as err:
        _fail(console, str(err))
    except OSError as err:
        _fail(console, f"cannot read the settings ({err.strerror or err}): {settings_path()}")


def _load_history_or_fail(console: Console, store: HistoryStore):
    try:
        history = store.load()
    except HistoryError as err:
        _fail(console, str(err))
    _print_notices(console, store)
    return history


NEW_OPTION = typer.Option(None, "--new-per-day", min=0, help="New cards per deck and day (default 20, "
                                                             "or settings.toml).")
REVIEWS_OPTION = typer.Option(None, "--reviews-per-day", min=0, help="Reviews per deck and day (default 200).")
AHEAD_OPTION = typer.Option(None, "--learn-ahead", min=0, help="Show cards in learning due within this many "
                                                               "minutes (default 20).")
DAY_OPTION = typer.Option(None, "--day-starts-at", min=0, max=23, help="Local hour at which a new study day "
                                                                       "starts (default 4).")


@app.command("list")
def list_command(
    new_per_day: Optional[int] = NEW_OPTION,
    reviews_per_day: Optional[int] = REVIEWS_OPTION,
    learn_ahead: Optional[int] = AHEAD_OPTION,
    day_starts_at: Optional[int] = DAY_OPTION,
) -> None:
    """Decks with their card counts and what can be studied now: New (within today's limit), Learning, Due."""
    console = _console()
    settings = _settings_or_fail(console, new_per_day=new_per_day, reviews_per_day=reviews_per_day,
                                 learn_ahead_minutes=learn_ahead, day_starts_at=day_starts_at)
    decks = _decks_or_fail(console)
    history = _load_history_or_fail(console, HistoryStore())
    now = CLOCK.now()
    table = Table(title="Flashcard decks")
    for column in ("Deck", "Cards", "New", "Learning", "Due"):
        table.add_column(column, justify="left" if column == "Deck" else "right")
    table.add_column("Source")
    for deck in decks:
        queues = build_queues([deck], history, CLOCK, settings, now)
        table.add_row(deck.name, str(len(deck)), str(len(queues.new)),
                      str(len(queues.learning_now) + len(queues.learning_ahead)), str(len(queues.reviews)),
                      "course" if catalog.is_course_deck(deck) else "imported")
    if len(decks) > 1:  # reviewing every deck at once: the daily limits also cap the whole session
        queues = build_queues(decks, history, CLOCK, settings, now)
        table.add_section()
        table.add_row("all decks together", str(sum(map(len, decks))), str(len(queues.new)),
                      str(len(queues.learning_now) + len(queues.learning_ahead)), str(len(queues.reviews)), "")
    console.print(table)
    console.print(f"Limits per deck and study day: {settings.new_per_day} new, {settings.reviews_per_day} "
                  f"reviews; the study day starts at {settings.day_starts_at}:00 local time.")


def _show_answer(console: Console, card: Card) -> None:
    console.print(Panel(Text(render.answer_text(card)), title="Answer", border_style="green"))


class KeyReader:
    """Single keys from a terminal (no Enter needed); whole lines when stdin is not a terminal (pipes, tests).

    Use as a context manager: the terminal is put in cbreak mode for the session and always restored.
    :meth:`read` returns ``"enter"``, ``"space"`` or the lower-cased key; Ctrl-C gives ``"q"``, end of
    input raises ``EOFError``.
    """

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdin
        self._saved = None
        try:
            import termios  # noqa: F401  (POSIX only)
            self.single_keys = self.stream.isatty()
        except (ImportError, AttributeError, ValueError):
            self.single_keys = False

    def __enter__(self) -> "KeyReader":
        if self.single_keys:
            import termios
            import tty
            fd = self.stream.fileno()
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._saved is not None:
            import termios
            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self) -> str:
        return self._read_key() if self.single_keys else self._read_line()

    def _read_line(self) -> str:
        line = self.stream.readline()
        if not line:
            raise EOFError
        text = line.strip("\r\n")
        if text.strip() == "":
            return "space" if text.startswith(" ") else "enter"
        return text.strip().lower()

    def _read_key(self) -> str:
        data = os.read(self.stream.fileno(), 8)  # one key press (an arrow key sends several bytes)
        char = data.decode("utf-8", "replace")[:1]
        if char in ("", "\x04"):
            raise EOFError
        if char == "\x03":
            return "q"
        return {"\r": "enter", "\n": "enter", " ": "space"}.get(char, char.lower())


def _ask(console: Console, keys: KeyReader, prompt: str, allowed: set[str]) -> str:
    """Show ``prompt`` and read keys until one of ``allowed`` comes."""
    console.print(Text(prompt, style="bold"))
    while (key := keys.read()) not in allowed:
        console.print(f"{key!r} is not one of the keys above; {prompt}", soft_wrap=True)
    return key


def _header(session: ReviewSession, card: Card) -> Text:
    counts: Counts = session.counts()
    return Text(f"{card.deck} · New {counts.new} · Learning {counts.learning} · Due {counts.due}")


def _review_loop(console: Console, session: ReviewSession, keys: KeyReader) -> bool:
    """Question, Space/Enter reveals, 1-4 rates (saved at once), u undoes, q quits; ``True`` if quit."""
    while (card := session.current) is not None:
        console.print(Panel(Text(card.question), title=_header(session, card), border_style="cyan"))
        key = _ask(console, keys, "Space/Enter: show answer · u: undo · q: quit", {"enter", "space", "u", "q"})
        if key == "q":
            return True
        if key == "u":
            _undo(console, session)
            continue
        _show_answer(console, card)
        labels = session.button_labels()
        prompt = " · ".join(f"{key} {rating.name} ({labels[rating]})" for key, rating in sched.RATING_KEYS.items())
        key = _ask(console, keys, f"{prompt} · u: undo · q: quit", {*sched.RATING_KEYS, "u", "q"})
        if key == "q":
            return True
        if key == "u":
            _undo(console, session)
            continue
        rating = sched.RATING_KEYS[key]
        state = session.rate(rating)
        console.print(f"{rating.name}: next due {render.format_due(state.due, CLOCK.now(), CLOCK.tz)}\n")
        _print_notices(console, session.store)
    return False


def _undo(console: Console, session: ReviewSession) -> None:
    if not session.can_undo:
        console.print("Nothing to undo yet in this session.")
        return
    card = session.undo()
    console.print(f"Undone: your last rating of {card.question!r} was taken back; the card is shown again.\n",
                  soft_wrap=True)


@app.command("review")
def review_command(
    deck: Optional[str] = typer.Argument(None, help="Deck to review (default: every deck)."),
    new_per_day: Optional[int] = NEW_OPTION,
    reviews_per_day: Optional[int] = REVIEWS_OPTION,
    learn_ahead: Optional[int] = AHEAD_OPTION,
    day_starts_at: Optional[int] = DAY_OPTION,
) -> None:
    """Review: Space/Enter shows the answer, 1-4 rates it (Again, Hard, Good, Easy), u undoes, q quits.

    Cards rated Again come back in the same session; new cards and reviews are limited per day.
    """
    console = _console()
    settings = _settings_or_fail(console, new_per_day=new_per_day, reviews_per_day=reviews_per_day,
                                 learn_ahead_minutes=learn_ahead, day_starts_at=day_starts_at)
    decks = _decks_or_fail(console, [deck] if deck else None)
    store = HistoryStore()
    try:
        session = ReviewSession(decks, store=store, clock=CLOCK, settings=settings)
    except HistoryError as err:
        _fail(console, f"{err}\nNo card was shown, so nothing is lost.")
    _print_notices(console, store)
    if session.current is None:
        console.print(session.summary())
        return
    try:
        with KeyReader() as keys:
            _review_loop(console, session, keys)
    except (EOFError, KeyboardInterrupt):  # Ctrl-D / Ctrl-C: every rating so far is already saved
        console.print()
    except HistoryError as err:
        _fail(console, f"{err}\nEvery earlier rating is saved.")
    console.print(f"Reviewed {session.reviewed} card(s). {session.summary()}", soft_wrap=True)


@app.command("stats")
def stats_command(
    deck: Optional[str] = typer.Argument(None, help="Deck (default: every deck)."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw the review history and the due "
                                                             "forecast into this PNG file."),
    day_starts_at: Optional[int] = DAY_OPTION,
) -> None:
    """Reviews per day, true retention, cards by state and the due forecast for the next 30 days."""
    console = _console()
    if plot is not None and plot.suffix.lower() != ".png":
        _fail(console, f"{plot}: the plot file name must end in .png")
    settings = _settings_or_fail(console, day_starts_at=day_starts_at)
    decks = _decks_or_fail(console, [deck] if deck else None)
    history = _load_history_or_fail(console, HistoryStore())
    stats = compute_stats(decks, history, CLOCK, settings)
    names = deck or f"all {len(decks)} decks"
    console.print(Text(f"Flashcard statistics: {names} (study day {stats.today:%Y-%m-%d})", style="bold"))
    console.print(f"Reviews: {sum(stats.reviews_per_day[-1].values())} today, {stats.reviews_30d} in the last "
                  f"{DAYS} days", soft_wrap=True)
    console.print(f"True retention (learned cards not answered Again): {stats.retention_30d} in the last "
                  f"{DAYS} days; {stats.retention_all} overall", soft_wrap=True)
    console.print("Cards: " + " · ".join(f"{name} {count}" for name, count in stats.by_state.items()))
    table = Table(title=f"Reviews per day (last {DAYS} days, days with reviews)")
    for column in ("Day", "Reviews", "Again", "Hard", "Good", "Easy"):
        table.add_column(column, justify="left" if column == "Day" else "right")
    for day, ratings in zip(stats.history_days, stats.reviews_per_day):
        if ratings:
            table.add_row(f"{day:%a %d %b}", str(sum(ratings.values())),
                          *(str(ratings.get(name, 0)) for name in ("Again", "Hard", "Good", "Easy")))
    if table.row_count:
        console.print(table)
    forecast = Table(title=f"Due forecast (next {DAYS} days, days with cards due)")
    forecast.add_column("Day")
    forecast.add_column("Cards due", justify="right")
    for offset, count in enumerate(stats.forecast):
        if count:
            label = {0: "today (with overdue)", 1: "tomorrow"}.get(offset, f"{stats.today + _days(offset):%a %d %b}")
            forecast.add_row(label, str(count))
    if forecast.row_count:
        console.print(forecast)
    else:
        console.print(f"No card you have studied falls due in the next {DAYS} days.")
    if plot is not None:
        try:
            save_stats_plot(stats, plot)
        except OSError as err:
            _fail(console, f"cannot write the plot {plot}: {err.strerror or err}")
        console.print(f"Chart written to {plot}.", soft_wrap=True)


def _days(count: int):
    from datetime import timedelta
    return timedelta(days=count)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Deck file to import."),
    name: Optional[str] = typer.Option(None, help="Deck name (default: line 1, or the file name "
                                                   "for a '- ' question/answer list)."),
    replace: bool = typer.Option(False, "--replace", help="Overwrite an imported deck of the same name."),
) -> None:
    """Check a deck file and add it to your decks (under the course home; the file itself is not changed)."""
    console = _console()
    try:
        result = catalog.import_deck(file, name=name, replace=replace)
    except DeckFormatError as err:
        _fail(console, f"{err}\nNothing was imported; fix the file and run the import again.")
    except catalog.ImportRefused as err:
        _fail(console, f"{err}. Nothing was imported.")
    except OSError as err:
        _fail(console, f"the deck could not be stored ({err.strerror or err}: {err.filename or ''}); "
                       "nothing was imported")
    if result.status == "unchanged":
        console.print(f"Deck {result.deck.name!r} ({len(result.deck)} cards) is already there: nothing to do.",
                      soft_wrap=True)
    else:
        console.print(f"Deck {result.deck.name!r} {result.status}: {len(result.deck)} cards, "
                      f"stored in {result.stored_at}.", soft_wrap=True)


@app.command("export")
def export_command(
    anki_file: Path = typer.Option(..., "--anki", help="Anki package to write (.apkg)."),
    decks: Optional[List[str]] = typer.Argument(None, help="Decks to export (default: all)."),
) -> None:
    """Write decks to an Anki .apkg; re-importing a newer export updates notes, never duplicates them."""
    console = _console()
    if anki_file.suffix != ".apkg":
        _fail(console, f"{anki_file}: the output file name must end in .apkg")
    chosen = _decks_or_fail(console, decks)
    try:
        anki.export_apkg(chosen, anki_file)
    except OSError as err:
        _fail(console, f"cannot write {anki_file}: {err.strerror or err}")
    console.print(f"Wrote {sum(map(len, chosen))} notes from {len(chosen)} deck(s) to {anki_file}.")
