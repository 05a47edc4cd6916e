"""A real terminal (pseudo-terminal): single keys rate without Enter, and the terminal is restored after."""
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cnncourse.flashcards.history import HistoryStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
REPO = Path(__file__).resolve().parents[1]
PROGRAM = "from cnncourse.flashcards.review_cli import app; app()"


class Terminal:
    """A child process on a pseudo-terminal; ``expect`` waits for text in its output after the last match."""

    def __init__(self, *args: str) -> None:
        self.master, slave = os.openpty()
        env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100", "TERM": "xterm"}
        self.process = subprocess.Popen([sys.executable, "-c", PROGRAM, *args], stdin=slave, stdout=slave,
                                        stderr=slave, env=env, close_fds=True)
        os.close(slave)
        self.output = ""
        self.seen = 0  # output before this was matched by an earlier expect

    def expect(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output[self.seen:]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} not seen; output so far:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} not seen before the end; output:\n{self.output}")
                self.output += chunk.decode("utf-8", "replace")
        self.seen = self.output.index(text, self.seen) + len(text)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def in_line_mode(self) -> bool:
        """True if the terminal echoes and reads whole lines again (the review restored it)."""
        import termios
        lflag = termios.tcgetattr(self.master)[3]
        return bool(lflag & termios.ICANON) and bool(lflag & termios.ECHO)

    def close(self) -> int:
        try:
            self.expect("\x00never", timeout=10)
        except AssertionError:
            pass
        code = self.process.wait(timeout=10)
        self.restored = self.in_line_mode()
        os.close(self.master)
        return code


def test_single_keys_reveal_rate_undo_and_quit_without_enter(course_home, tmp_path):
    deck = tmp_path / "t.txt"
    deck.write_text("tty_deck\nQ1?\nA1.\nQ2?\nA2.\n", encoding="utf-8")
    from cnncourse.flashcards.catalog import import_deck
    import_deck(deck)
    terminal = Terminal("review", "tty_deck")
    terminal.expect("Space/Enter: show answer")
    assert not terminal.in_line_mode()  # single keys: no echo, no waiting for Enter
    terminal.send(" ")  # one key, no Enter
    terminal.expect("1 Again (1m)")
    terminal.send("1")
    terminal.expect("Again: next due")
    terminal.expect("Q2?")
    terminal.send("u")  # undo the Again: Q1 comes back
    terminal.expect("Undone")
    terminal.send("\r")
    terminal.expect("4 Easy")
    terminal.send("3")
    terminal.expect("Good: next due")
    terminal.send("q")
    terminal.expect("Reviewed 1 card(s).")
    assert terminal.close() == 0 and terminal.restored
    assert [r["rating"] for r in HistoryStore().load().reviews] == [3]
