"""The two seed decks: the "- " list importer yields all 20 questions with whole answers; both ship unchanged."""
from pathlib import Path

import pytest

from cnncourse.flashcards.catalog import COURSE_DECKS_DIR, read_any_deck
from cnncourse.flashcards.deck import PART_SEPARATOR, parse_deck
from cnncourse.flashcards.files import DeckFormatError
from cnncourse.flashcards.seeds import parse_qa_list

FIXTURES = Path(__file__).parent / "fixtures" / "flashcards"
SEED_000 = FIXTURES / "seed_000_interview_questions.txt"
SEED_001 = FIXTURES / "seed_001_lesson_6_flashcards.txt"
# parts per answer, counted by hand from the seed (lead-in included, its repetition not)
EXPECTED_PARTS = [1, 6, 1, 1, 1, 5, 1, 5, 1, 5, 6, 4, 3, 5, 1, 3, 5, 5, 1, 6]


@pytest.fixture(scope="module")
def seed_deck():
    return parse_qa_list(SEED_000, "cnn_interview_questions")


def raw_items() -> list[str]:
    return [line[2:].strip() for line in SEED_000.read_text(encoding="utf-8").splitlines()]


def test_seed_list_has_exactly_20_cards(seed_deck):
    assert len(seed_deck) == 20
    assert all(card.question.endswith("?") for card in seed_deck.cards)
    assert seed_deck.cards[0].question.startswith("What is a Convolutional Neural Network (CNN)")
    assert seed_deck.cards[-1].question.startswith("What are some recent advancements or trends")


def test_each_answer_is_whole_and_the_repeated_lead_in_is_dropped(seed_deck):
    items = raw_items()
    starts = [card.line for card in seed_deck.cards] + [len(items) + 1]
    for card, expected, nxt in zip(seed_deck.cards, EXPECTED_PARTS, starts[1:]):
        parts = card.answer_parts
        assert len(parts) == expected, card.question
        source = items[card.line: nxt - 1]  # every answer line of the raw file
        assert set(parts) == set(source), card.question
        assert len(parts) == len(set(parts)), f"lead-in duplicated in: {card.question}"


def test_multi_part_answers_keep_lead_in_and_parts(seed_deck):
    components = seed_deck.cards[1]
    assert components.answer_parts[0] == "The main components of a CNN include:"
    assert components.answer_parts[-1].startswith("Loss Function: The loss function measures")
    architectures = seed_deck.cards[9]  # no lead-in: the answer is the list itself
    assert architectures.answer_parts[0].startswith("LeNet:")
    assert architectures.answer_parts[-1].startswith("There are many other architectures")


def test_repeated_lead_in_never_becomes_a_card(seed_deck):
    questions = {card.question for card in seed_deck.cards}
    assert not any(q.endswith(":") for q in questions)


def test_shipped_interview_deck_is_the_seed_unchanged(seed_deck):
    shipped = parse_deck(COURSE_DECKS_DIR / "cnn_interview_questions.txt")
    assert shipped == seed_deck


def test_shipped_lesson_6_deck_is_the_seed_byte_for_byte():
    shipped = COURSE_DECKS_DIR / "lesson_6_flashcards.txt"
    assert shipped.read_bytes() == SEED_001.read_bytes()
    deck = parse_deck(shipped)
    assert deck.name == "lesson_6_flashcards" and len(deck) == 15


def test_format_is_detected_automatically():
    assert len(read_any_deck(SEED_000)) == 20
    assert read_any_deck(SEED_001).name == "lesson_6_flashcards"


@pytest.mark.parametrize("content, line, words", [
    ("- Q1?\n- A1.\nnot an item\n", 3, "does not start with '- '"),
    ("- An answer first.\n- Q1?\n- A1.\n", 1, "no question before it"),
    ("- Q1?\n- Q2?\n- A2.\n", 1, "question on line 1 has no answer"),
    ("- Q1?\n- A1.\n- Q2?\n", 3, "question on line 3 has no answer"),
    ("- Q1?\n- A1.\n- q1?\n- A2.\n", 3, "line 3 repeats the question on line 1"),
    ("- Q1?\n-\n- A1.\n", 2, "no text"),
])
def test_bad_lists_name_file_and_line(tmp_path, content, line, words):
    path = tmp_path / "list.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DeckFormatError) as caught:
        parse_qa_list(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}:") and words in str(caught.value)


def test_list_tolerates_blank_lines_crlf_and_bom(tmp_path):
    path = tmp_path / "list.txt"
    path.write_bytes("\ufeff- Q1?\r\n\r\n- Lead:\r\n- a: x\r\n- Lead:\r\n- Q2?\r\n- A2.".encode())
    deck = parse_qa_list(path)
    assert deck.name == "list"
    assert [c.answer for c in deck.cards] == [f"Lead:{PART_SEPARATOR}a: x", "A2."]
