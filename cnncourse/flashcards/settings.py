"""Review settings (daily limits, look-ahead, day boundary) from ``<course home>/flashcards/settings.toml``.

Every key is optional; the defaults are Anki's::

    new_per_day = 20            # new cards introduced per deck and study day
    reviews_per_day = 200       # reviews of learned cards per deck and study day
    learn_ahead_minutes = 20    # cards in learning due within this many minutes are shown now
    day_starts_at = 4           # local hour at which a new study day begins (0-23)
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cnncourse.course import paths
from cnncourse.flashcards.files import UnreadableFile, read_regular_file

MAX_SETTINGS_BYTES = 64 * 1024
RANGES = {"new_per_day": (0, 9999), "reviews_per_day": (0, 99999),
          "learn_ahead_minutes": (0, 24 * 60), "day_starts_at": (0, 23)}


class SettingsError(ValueError):
    """The settings file cannot be used; names the file (and line) and what to do."""


@dataclass(frozen=True)
class Settings:
    new_per_day: int = 20
    reviews_per_day: int = 200
    learn_ahead_minutes: int = 20
    day_starts_at: int = 4

    def with_overrides(self, **values: int | None) -> "Settings":
        """These settings with the given values (``None`` = keep), each checked against its range."""
        chosen = {key: value for key, value in values.items() if value is not None}
        for key, value in chosen.items():
            check_value(key, value, "option --" + key.replace("_", "-"))
        return dataclasses.replace(self, **chosen)


def settings_path() -> Path:
    return paths.course_home() / "flashcards" / "settings.toml"


def check_value(key: str, value: object, where: str) -> None:
    low, high = RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsError(f"{where}: {key} must be a whole number from {low} to {high}, not {value!r}")


def load_settings(path: Path | str | None = None) -> Settings:
    """The settings file's values over the defaults; no file means the defaults."""
    path = Path(path) if path else settings_path()
    try:
        data = read_regular_file(path, MAX_SETTINGS_BYTES)
    except FileNotFoundError:
        return Settings()
    except (UnreadableFile, OSError) as err:
        raise SettingsError(f"cannot read the settings file: {getattr(err, 'strerror', None) or err}"
                            f" ({path})") from None
    try:
        text = data.decode("utf-8")
        values = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(f"{path}: not valid TOML ({err}); see the Flashcards section of README.md") from None
    for key, value in values.items():
        where = f"{path}:{_line_of(text, key)}"
        if key not in RANGES:
            raise SettingsError(f"{where}: unknown setting {key!r}; known: {', '.join(RANGES)}")
        check_value(key, value, where)
    return Settings(**values)


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().split("=")[0].strip().strip('"') == key:
            return number
    return 1
