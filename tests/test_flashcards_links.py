"""Every shipped deck parses; every seed card is linked to the lesson that teaches it; lesson decks exist."""
import pytest

from cnncourse.flashcards.catalog import COURSE_DECKS_DIR, course_deck_paths
from cnncourse.flashcards.deck import normalize_question, parse_deck
from cnncourse.flashcards.links import (LESSON_SLUGS, SEED_DECKS, lesson_of, read_links, seed_cards,
                                        seed_cards_for_lesson)

MIN_LESSON_CARDS = 8


@pytest.mark.parametrize("path", course_deck_paths(), ids=lambda path: path.name)
def test_every_course_deck_parses_and_is_named_after_its_file(path):
    deck = parse_deck(path)
    assert deck.name == path.stem, f"{path}: line 1 should be {path.stem!r}"
    assert len(deck) >= 1


def test_there_are_18_lessons():
    assert len(LESSON_SLUGS) == 18 == len(set(LESSON_SLUGS))


def test_every_seed_card_is_linked_to_one_lesson():
    cards = seed_cards()
    assert len(cards) == 35
    unlinked = [f"{card.deck}: {card.question}" for card in cards if lesson_of(card) is None]
    assert not unlinked, "add these to data/flashcards/seed_links.tsv:\n" + "\n".join(unlinked)
    assert all(lesson_of(card) in LESSON_SLUGS for card in cards)


def test_link_file_has_no_stale_or_duplicate_rows():
    links = read_links()
    keys = [(link.deck, normalize_question(link.question)) for link in links]
    assert len(keys) == len(set(keys)) == 35
    known = {(card.deck, normalize_question(card.question)) for card in seed_cards()}
    assert set(keys) == known
    assert {link.deck for link in links} == set(SEED_DECKS)
    assert all(link.lesson in LESSON_SLUGS for link in links)


def test_seed_cards_for_lesson_returns_the_linked_cards():
    convolution = [card.question for card in seed_cards_for_lesson("02_convolution")]
    assert "What is a receptive field in CNNs?" in convolution
    assert "What is the difference between cross-correlation and convolution in forward passes?" in convolution
    semi = "What is semi-supervised learning in the context of CNNs?"
    assert semi in [card.question for card in seed_cards_for_lesson("18_limitations_and_trends")]
    assert sum(len(seed_cards_for_lesson(slug)) for slug in LESSON_SLUGS) == 35


def test_unknown_lesson_slug_is_an_error():
    with pytest.raises(KeyError, match="unknown lesson"):
        seed_cards_for_lesson("99_nope")


@pytest.mark.parametrize("slug", LESSON_SLUGS, ids=lambda slug: f"lesson-deck-needed:{slug}")
def test_each_lesson_has_its_own_deck(slug):
    """Integration check: fails until the lesson's engineer adds data/flashcards/<slug>.txt."""
    path = COURSE_DECKS_DIR / f"{slug}.txt"
    assert path.exists(), f"lesson {slug} has no deck yet: add {path} (>= {MIN_LESSON_CARDS} cards)"
    deck = parse_deck(path)
    assert deck.name == slug
    assert len(deck) >= MIN_LESSON_CARDS, f"{path} has {len(deck)} cards; a lesson deck needs >= 8"
