"""``cnncourse flashcards``: list, review, import and export decks from the terminal."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.panel import Panel
from rich.prompt import Prompt
from rich.table import Table
from rich.text import Text

from cnncourse.flashcards import anki, catalog, render
from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.deck import Card, Deck
from cnncourse.flashcards.files import DeckFormatError
from cnncourse.flashcards.history import HistoryStore
from cnncourse.flashcards.session import ReviewSession

app = typer.Typer(help="Flashcards with spaced repetition (FSRS): list, review, import, export.",
                  no_args_is_help=True, add_completion=False)

RATING_LABELS = "1 Again · 2 Hard · 3 Good · 4 Easy · q quit"


def _console() -> Console:
    return Console(highlight=False)


def _fail(console: Console, message: str) -> None:
    console.print(Text("error: ", style="red") + Text(message), soft_wrap=True)
    raise typer.Exit(1)


def _decks_or_fail(console: Console, names: list[str] | None = None) -> list[Deck]:
    try:
        decks = catalog.load_decks()
    except DeckFormatError as err:
        _fail(console, f"{err}\nFix or remove that deck file.")
    if not names:
        return list(decks.values())
    unknown = [name for name in names if name not in decks]
    if unknown:
        _fail(console, f"no deck named {', '.join(map(repr, unknown))}; "
                       f"available: {', '.join(decks)} (see `cnncourse flashcards list`)")
    return [decks[name] for name in names]


def _print_notices(console: Console, store: HistoryStore) -> None:
    for notice in store.notices:
        console.print(Text("warning: ", style="yellow") + Text(notice), soft_wrap=True)
    store.notices.clear()


@app.command("list")
def list_command() -> None:
    """Decks with their card counts and how many cards are due now."""
    console = _console()
    decks = _decks_or_fail(console)
    store = HistoryStore()
    history = store.load()
    _print_notices(console, store)
    now = sched.utc_now()
    table = Table(title="Flashcard decks")
    table.add_column("Deck")
    table.add_column("Cards", justify="right")
    table.add_column("Due", justify="right")
    table.add_column("Source")
    for deck in decks:
        due = sum(sched.is_due(card, history, now) for card in deck.cards)
        table.add_row(deck.name, str(len(deck)), str(due),
                      "course" if catalog.is_course_deck(deck) else "imported")
    console.print(table)


def _show_answer(console: Console, card: Card) -> None:
    console.print(Panel(Text(render.answer_text(card)), title="Answer", border_style="green"))


def _review_loop(console: Console, session: ReviewSession, store: HistoryStore) -> None:
    """Question, Enter to reveal, key 1-4 to rate (saved at once), until the queue ends or q."""
    while (card := session.current) is not None:
        title = Text(f"{card.deck} · card {session.position + 1}/{len(session.queue)}")
        console.print(Panel(Text(card.question), title=title, border_style="cyan"))
        if Prompt.ask("Press Enter to show the answer (q to quit)", console=console,
                      default="", show_default=False).strip().lower() == "q":
            return
        _show_answer(console, card)
        key = Prompt.ask(RATING_LABELS, console=console, choices=[*sched.RATING_KEYS, "q"],
                         show_choices=False)
        if key == "q":
            return
        rating = sched.RATING_KEYS[key]
        state = session.rate(rating)
        console.print(f"{rating.name}: next due {render.format_due(state.due, sched.utc_now())}\n")
        _print_notices(console, store)


@app.command("review")
def review_command(
    deck: Optional[str] = typer.Argument(None, help="Deck to review (default: every deck)."),
    limit: int = typer.Option(20, min=1, help="At most this many cards in this session."),
) -> None:
    """Review due cards: see the question, reveal the answer, rate it 1-4; shows when it is due next."""
    console = _console()
    decks = _decks_or_fail(console, [deck] if deck else None)
    store = HistoryStore()
    session = ReviewSession(decks, store=store, limit=limit)
    _print_notices(console, store)
    if session.current is None:
        console.print("Nothing is due. Come back later (see `cnncourse flashcards list`).")
        return
    try:
        _review_loop(console, session, store)
    except (EOFError, KeyboardInterrupt):  # Ctrl-D / Ctrl-C: every rating so far is already saved
        console.print()
    console.print(f"Reviewed {session.reviewed} card(s); {session.remaining} left in this session.")


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
    anki.export_apkg(chosen, anki_file)
    console.print(f"Wrote {sum(map(len, chosen))} notes from {len(chosen)} deck(s) to {anki_file}.")
