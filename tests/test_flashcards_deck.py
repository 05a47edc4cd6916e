"""Deck file parser: the course format, and every kind of bad input with file + line in the message."""
from pathlib import Path

import pytest

from cnncourse.flashcards.deck import PART_SEPARATOR, Card, parse_deck
from cnncourse.flashcards.files import DeckFormatError


def write(tmp_path: Path, content: bytes | str, name: str = "deck.txt") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def error_for(path: Path) -> DeckFormatError:
    with pytest.raises(DeckFormatError) as caught:
        parse_deck(path)
    return caught.value


def test_parses_name_and_alternating_question_answer_lines(tmp_path):
    deck = parse_deck(write(tmp_path, "my deck\nQ1?\nA1.\nQ2?\nA2.\n"))
    assert deck.name == "my deck"
    assert [(c.question, c.answer, c.line) for c in deck.cards] == [("Q1?", "A1.", 2), ("Q2?", "A2.", 4)]
    assert all(card.deck == "my deck" for card in deck.cards)


def test_bom_and_crlf_are_accepted(tmp_path):
    deck = parse_deck(write(tmp_path, b"\xef\xbb\xbfbom deck\r\nQ1?\r\nA1.\r\nQ2?\r\nA2."))
    assert deck.name == "bom deck"
    assert [c.answer for c in deck.cards] == ["A1.", "A2."]


def test_blank_lines_between_cards_and_at_the_end_are_tolerated(tmp_path):
    deck = parse_deck(write(tmp_path, "d\n\nQ1?\nA1.\n  \n\t\nQ2?\nA2.\n\n\n"))
    assert [(c.question, c.line) for c in deck.cards] == [("Q1?", 3), ("Q2?", 7)]


def test_to_text_round_trips(tmp_path):
    deck = parse_deck(write(tmp_path, "d\nQ1?\nA • B\n"))
    again = parse_deck(write(tmp_path, deck.to_text(), "again.txt"))
    assert again == deck


def test_card_id_is_stable_and_depends_on_deck_and_question_only():
    card = Card("deck", "What is a CNN?", "one answer")
    assert card.id == Card("deck", "What is a  CNN?", "another answer", line=9).id
    assert card.id != Card("other deck", "What is a CNN?", "one answer").id
    assert 0 < card.int_id < 2 ** 63


def test_answer_parts_split_on_separator():
    assert Card("d", "q?", f"lead:{PART_SEPARATOR}a{PART_SEPARATOR}b").answer_parts == ["lead:", "a", "b"]


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n"], ids=["zero-bytes", "whitespace-only"])
def test_empty_file(tmp_path, content):
    path = write(tmp_path, content)
    err = error_for(path)
    assert err.line == 1 and str(err).startswith(f"{path}:1:") and "empty" in str(err)


def test_non_utf8_bytes_name_line_and_offset(tmp_path):
    path = write(tmp_path, b"deck\nQ1?\nA caf\xe9 answer\n")
    err = error_for(path)
    assert err.line == 3
    assert str(err).startswith(f"{path}:3:")
    assert "0xe9" in str(err) and "column 6, byte offset 14" in str(err) and "UTF-8" in str(err)


def test_question_at_end_of_file_has_no_answer(tmp_path):
    path = write(tmp_path, "deck\nQ1?\nA1.\nQ2?\n")
    err = error_for(path)
    assert err.line == 4 and "question on line 4 has no answer" in str(err) and str(path) in str(err)


@pytest.mark.parametrize("gap", ["", "   ", "\t"], ids=["blank", "spaces", "tab"])
def test_blank_line_where_the_answer_belongs(tmp_path, gap):
    path = write(tmp_path, f"deck\nQ1?\nA1.\nQ2?\n{gap}\nA2.\n")
    err = error_for(path)
    assert err.line == 4
    assert f"{path}:4:" in str(err) and "no answer" in str(err) and "line 5 is blank" in str(err)


def test_blank_first_line(tmp_path):
    path = write(tmp_path, "\ndeck\nQ1?\nA1.\n")
    err = error_for(path)
    assert err.line == 1 and "deck name" in str(err)


def test_missing_deck_name_is_detected(tmp_path):
    path = write(tmp_path, "Q1?\nA1.\nQ2?\nA2.\n")
    err = error_for(path)
    assert err.line == 1 and "deck name" in str(err)


def test_question_where_an_answer_should_be(tmp_path):
    path = write(tmp_path, "deck\nQ1?\nQ2?\nA2.\n")
    err = error_for(path)
    assert err.line == 3 and "lose its answer" in str(err)


def test_duplicate_question_names_both_lines(tmp_path):
    path = write(tmp_path, "deck\nWhat is X?\nA.\nOther?\nB.\nwhat  is x?\nC.\n")
    err = error_for(path)
    assert err.line == 6
    assert f"{path}:6:" in str(err) and "line 6 repeats the question on line 2" in str(err)


def test_name_without_cards(tmp_path):
    path = write(tmp_path, "deck\n\n")
    err = error_for(path)
    assert err.line == 1 and "no cards" in str(err) and str(err).startswith(f"{path}:1:")
