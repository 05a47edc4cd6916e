"""Export decks to an Anki package (.apkg) with genanki, with ids stable across exports.

Model, deck and note ids are derived from hashes (deck name, question), so
importing a newer export into Anki updates the existing notes instead of
adding duplicates.
"""
from __future__ import annotations

import hashlib
import html
from pathlib import Path

import genanki

from cnncourse.flashcards.deck import Card, Deck, normalize_question
from cnncourse.flashcards.render import answer_html

MODEL_NAME = "cnncourse basic (question/answer)"
DECK_PREFIX = "cnncourse::"


def stable_id(*parts: str) -> int:
    """A positive id below 2**31 (what Anki accepts for models and decks) from the given strings."""
    digest = hashlib.sha256("\n".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1 or 1


def note_guid(card: Card) -> str:
    """Anki's note identity: same deck name and question -> same guid, whatever the answer says."""
    return genanki.guid_for(card.deck, normalize_question(card.question))


MODEL = genanki.Model(
    stable_id(MODEL_NAME), MODEL_NAME,
    fields=[{"name": "Question"}, {"name": "Answer"}],
    templates=[{
        "name": "Card 1",
        "qfmt": "{{Question}}",
        "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}',
    }],
)


def to_genanki(deck: Deck) -> genanki.Deck:
    anki_deck = genanki.Deck(stable_id("deck", deck.name), DECK_PREFIX + deck.name)
    for card in deck.cards:
        anki_deck.add_note(genanki.Note(
            model=MODEL, fields=[html.escape(card.question), answer_html(card)],
            guid=note_guid(card), tags=["cnncourse"]))
    return anki_deck


def export_apkg(decks: list[Deck], out: Path | str) -> Path:
    """Write ``decks`` to one .apkg file and return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package([to_genanki(deck) for deck in decks]).write_to_file(str(out))
    return out
