"""``cnncourse lint``: the prose of a lesson cannot drift from its outputs.

Course tooling: not imported by the lessons.

Four rules, each finding reported as ``file:cell N: <what>`` with the sentence (docs/authoring.md
explains them to authors):

``number``
    A measured-looking number in a markdown cell — a decimal (0.81, 3.2e-07), a percentage, a ratio
    (1.35x), a time (115 s) or a count with thousands separators (61,706) — must be printed by some
    output of the same notebook, within the rounding the prose uses (0.8123 backs 0.81 and 81 %), or
    be a literal of a code cell (a setting such as ``Dropout(0.5)``), or be cited: a link or an
    author-year citation ``(Name et al., 2012)`` in the same paragraph, list item or table row (in the
    cell's heading: the whole cell), or a seed quote (``> Seed Q..`` / ``> Card:``). Plain integers,
    code spans, LaTeX, link targets and version numbers are not measurements.
``xref``
    ``lesson NN`` / ``lessons NN-MM`` must exist; a topic beside the reference, ``pooling (lesson 03)``
    or ``lesson 03 (pooling)``, must share a word with that lesson's title or objectives; relative links
    and repository paths in code spans (``data/flashcards/x.txt``) must resolve.
``note``
    No authoring notes in learner-facing text: TODO/FIXME, issue numbers, "an earlier version of this
    lesson", targets ("target: 0.9"), nbval.
``output``
    Stored outputs are clean: no stderr, no traceback unless the cell is tagged ``raises-exception``,
    no absolute path of the author's machine.

A baseline file (one ``finding.key`` per line) lists known findings: those are not failures, but a
new finding is, and a baseline line that no longer occurs is reported as stale.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import nbformat
import typer

from cnncourse.course import syllabus
from cnncourse.course.paths import REPO_DIR

# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    path: Path
    cell: int
    rule: str
    what: str
    sentence: str

    def __str__(self) -> str:
        return f"{_display(self.path)}:cell {self.cell}: {self.what}\n    | {self.sentence}"

    @property
    def key(self) -> str:
        """One line that identifies the finding without its cell number (cells move when lessons change)."""
        return f"{self.path.name} | {self.rule} | {self.what} | {self.sentence}"


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- markdown masking

# Spans that are not prose: their characters are blanked (same length, newlines kept) before numbers
# and references are read, so positions still map back to the original sentence.
_MASKS = [
    re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M),  # fenced code
    re.compile(r"<!--.*?-->", re.S),                        # HTML comments (solution markers, notes)
    re.compile(r"\$\$.*?\$\$", re.S),                       # display LaTeX
    re.compile(r"\\\[.*?\\\]|\\\(.*?\\\)", re.S),           # \[ \] and \( \) LaTeX
    re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$"),     # inline LaTeX $...$
    re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S),         # code spans
    re.compile(r"(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)"),    # link targets ](...)
    re.compile(r"<[a-zA-Z/][^>]*>"),                        # HTML tags and their attributes
]


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask(source: str) -> str:
    """The markdown with code, LaTeX, comments, link targets and HTML tags blanked out."""
    for pattern in _MASKS:
        source = pattern.sub(_blank, source)
    return source


@dataclass(frozen=True)
class Block:
    """A paragraph, list item, table row or heading: ``start``/``end`` are offsets into the cell source."""

    start: int
    end: int
    kind: str  # "heading", "quote", "text"


_BLOCK_START = re.compile(r"^\s{0,3}(#{1,6}\s|[-*+]\s|\d+[.)]\s|\||>)")


def blocks(source: str) -> list[Block]:
    """Split a markdown cell into blocks: headings and table rows are one line each; a paragraph,
    list item or quote (all its ``>`` lines) runs until a blank line or the next block's first line."""
    result, start, kind, offset = [], None, "text", 0
    for line in source.split("\n"):
        stripped, line_end = line.strip(), offset + len(line)
        continues_quote = kind == "quote" and stripped.startswith(">")
        if start is not None and (not stripped or _BLOCK_START.match(line) and not continues_quote):
            result.append(Block(start, offset - 1, kind))
            start = None
        if stripped and start is None:
            kind = "heading" if stripped.startswith("#") else "quote" if stripped.startswith(">") else "text"
            if kind == "heading" or stripped.startswith("|"):
                result.append(Block(offset, line_end, kind))
            else:
                start = offset
        offset = line_end + 1
    if start is not None:
        result.append(Block(start, len(source), kind))
    return result


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*_(\"“])")


def sentence_at(source: str, block: Block, position: int) -> str:
    """The sentence of ``block`` that contains ``position`` (whole table rows and headings)."""
    text = source[block.start:block.end]
    relative, start = position - block.start, 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() >= relative:
            return _short(text[start:match.start()])
        start = match.end()
    return _short(text[start:])


# ---------------------------------------------------------------- numbers

_NUMBER = re.compile(
    r"(?:(?<![\w.,/])[-−](?=\d)|(?<![\w.,/\-−]))"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?:[eE](?P<exp>[-+−]?\d+))?"
    r"(?![\d]|\.\d|,\d{3}\b)")
_PERCENT = re.compile(r"\s?%")
_RATIO = re.compile(r"\s?[x×](?![\w×]|\s*\d)")
_TIME = re.compile(r"(?P<space>\s?)(?P<unit>ms|µs|μs|us|s|sec|seconds?|min|minutes?|h|hours?)\b(?!-)")
_SCALE = re.compile(r"[\s-]?(?P<unit>k|K|M|G|B|thousand|million|billion)(?:FLOPs|MACs|B|bytes)?\b")
_SCALES = {"k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "million": 1e6, "G": 1e9, "B": 1e9, "billion": 1e9}
_TIME_SCALES = {"ms": [1e-3], "µs": [1e-6], "μs": [1e-6], "us": [1e-6], "min": [60], "minute": [60], "minutes": [60],
                "h": [3600], "hour": [3600], "hours": [3600]}
_NOT_A_MEASUREMENT_BEFORE = re.compile(
    r"(?:\bv|\bversions?|python|tensorflow|\btf|keras|numpy|pytorch|torch|jupyter(?:lab)?|scikit-learn|sklearn|"
    r"pandas|tslearn|cuda|\bsections?|§|\bsteps?|\bexercises?|\btables?|\bfigures?|\bfig\.|\beq\.|\bq)\s?$", re.I)
_LOWER_BOUND = re.compile(r"(?:over|more than|above|at least|exceeds?|beyond|>|≥|>=)\s*[~≈]?\s*$", re.I)
_UPPER_BOUND = re.compile(r"(?:under|below|less than|at most|within|<|≤|<=)\s*[~≈]?\s*$", re.I)


@dataclass(frozen=True)
class ProseNumber:
    text: str
    start: int
    value: float
    decimals: int
    kind: str  # decimal, percent, ratio, time, count
    scales: tuple[float, ...] = (1.0,)
    bound: str = ""  # "lower", "upper" or ""


def prose_numbers(masked: str) -> list[ProseNumber]:
    """The measured-looking numbers of a masked markdown text."""
    found = []
    for match in _NUMBER.finditer(masked):
        integer, frac, exp = match.group("int"), match.group("frac"), match.group("exp")
        before, after = masked[max(0, match.start() - 24):match.start()], masked[match.end():match.end() + 12]
        if _NOT_A_MEASUREMENT_BEFORE.search(before) or before.endswith(("×", "x")) and not frac:
            continue
        value = float(integer.replace(",", "") + ("." + frac if frac else "") + ("e" + exp.replace("−", "-") if exp else ""))
        decimals = (len(frac) if frac else 0) - (int(exp.replace("−", "-")) if exp else 0)
        end, scales, kind = match.end(), (1.0,), ""
        if (suffix := _PERCENT.match(after)):
            kind, end = "percent", end + suffix.end()
            scales = (1.0, 0.01)
        elif (suffix := _RATIO.match(after)):
            kind, end = "ratio", end + suffix.end()
        elif (suffix := _TIME.match(after)) and (frac or suffix.group("space")):
            kind, end = "time", end + suffix.end()
            unit = suffix.group("unit")
            scales = (1.0, *_TIME_SCALES.get(unit, [1e3] if unit in ("s", "sec", "seconds", "second") else []))
        elif (suffix := _SCALE.match(after)):
            kind = "decimal" if frac or exp else "count"
            end, scales = end + suffix.end(), (1.0, _SCALES[suffix.group("unit")])
        elif frac or exp:
            kind = "decimal"
        elif "," in integer:
            kind = "count"
        if not kind:
            continue
        bound = "lower" if _LOWER_BOUND.search(before) else "upper" if _UPPER_BOUND.search(before) else ""
        found.append(ProseNumber(masked[match.start():end].strip(), match.start(), value, max(decimals, 0),
                                 kind, scales, bound))
    return found


_OUTPUT_NUMBER = re.compile(r"(?<![\w.])[-−]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?P<pct>\s?%)?")
_CODE_NUMBER = re.compile(r"(?<![\w.])\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?")


def output_numbers(text: str, fractional_only: bool = False) -> set[float]:
    """Every number printed in ``text``, as absolute values (a percentage also as its fraction);
    with ``fractional_only`` just those printed with a decimal point or exponent."""
    values = set()
    for match in _OUTPUT_NUMBER.finditer(text):
        raw = match.group(0).rstrip("% ").replace(",", "").replace("−", "-")
        if fractional_only and not re.search(r"[.eE]", raw):
            continue
        try:
            value = abs(float(raw))
        except ValueError:
            continue
        values.add(value)
        if match.group("pct"):
            values.add(value / 100)
    return values


def code_numbers(source: str) -> set[float]:
    """Number literals of a code cell (``1_000`` -> 1000.0): settings, bounds of asserts."""
    values = set()
    for match in _CODE_NUMBER.finditer(source):
        try:
            values.add(float(match.group(0).replace("_", "")))
        except ValueError:
            pass
    return values


def backed(number: ProseNumber, printed: set[float], literals: set[float], fractional: set[float] | None = None) -> bool:
    """Whether a printed number (or a code literal, exactly) matches ``number`` at the prose's precision.

    A rounded count read in its own unit ("31 GFLOPs", "7 M") is matched only by a number printed with
    decimals (``fractional``: 30.94), not by any small integer that happens to be printed."""
    unit = 10.0 ** -number.decimals
    for scale in number.scales:
        if number.kind == "count" and scale == 1.0 and len(number.scales) > 1:
            if fractional is not None and any(abs(v - number.value) <= 0.5 for v in fractional):
                return True
            continue
        target, tol = number.value * scale, 0.5 * unit * scale * (1 + 1e-9) + 1e-12
        low, high = target - tol, target + tol
        if number.bound == "lower":
            high = target + 3 * unit * scale
        elif number.bound == "upper":
            low = target - 3 * unit * scale
        if any(low <= value <= high for value in printed):
            return True
        if number.kind in ("decimal", "count", "percent") and any(
                abs(value - target) <= 1e-9 * max(1.0, target) for value in literals):
            return True
    return False


_AUTHOR_YEAR = re.compile(r"\((?:[^()]*?;\s*)?[A-Z][\w'’\-]+[^()]{0,80}?[, ]\s?(?:19|20)\d\d[a-z]?\b[^()]*\)")
_WEB_LINK = re.compile(r"\]\((?:https?://|doi:)[^)]+\)|<https?://[^>]+>|https?://\S+")
_SEED_QUOTE = re.compile(r"^\s*>\s*\**\s*(?:Seed Q\d+|Card\b)", re.I)


def is_citation(text: str) -> bool:
    """A recognised source marker: a web link or an author-year citation ``(Name et al., 2012)``."""
    return bool(_AUTHOR_YEAR.search(text) or _WEB_LINK.search(text))


# ---------------------------------------------------------------- cross-references

_REF = re.compile(r"\b[Ll]esson(?P<plural>s?)\s+(?P<first>\d{1,2})(?:\s*[–—-]\s*(?P<last>\d{1,2}))?\b"
                  r"(?:\s*\((?P<topic>[^()]*)\))?")
_MORE = re.compile(r"\s*(?:,|;|&|\band\b|,\s*and\b)\s*(?P<first>\d{1,2})(?:\s*[–—-]\s*(?P<last>\d{1,2}))?\b"
                   r"(?:\s*\((?P<topic>[^()]*)\))?")
_BARE_PAREN_REF = re.compile(r"\(\s*(?:see\s+)?lessons?\s+\d{1,2}(?:\s*[–—-]\s*\d{1,2})?\s*\)", re.I)
_TOPIC_START = re.compile(r"[.;:!?,—–|(\[\n]|\s-\s")
_STOP = set("""a an and are as at be but by can do does each for from has have how in into is it its it's
of on or our see so that the their then there these this those to uses use used using was we what when where which
while who why with without you your lesson lessons here also more than very one two three same""".split())
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)|!\[[^\]]*\]\((?P<image>[^)\s]+)\)"
                   r"|<(?:img|a)\b[^>]*?(?:src|href)=\"(?P<html>[^\"]+)\"")
_CODE_SPAN = re.compile(r"(`+)(?!`)(?P<code>.+?)(?<!`)\1(?!`)")
_REPO_PATH = re.compile(r"^(?P<path>(?:cnncourse|data|docs|lessons|scripts|solutions|tests|benchmarks)/[\w./-]*[\w-])$")


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower().replace("×", "x")) if w not in _STOP and len(w) > 1]


def _same_word(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 4 and long.startswith(short)) or (len(short) >= 6 and a[:6] == b[:6])


@lru_cache(maxsize=None)
def lesson_words(number: int, solutions_dir: str) -> frozenset[str]:
    """Words of a lesson's title, slug, syllabus objectives and the objectives bullets of its first cell."""
    lesson = syllabus.by_number(number)
    text = " ".join([lesson.title, lesson.slug.replace("_", " "), lesson.objectives])
    path = Path(solutions_dir) / lesson.notebook
    if path.is_file():
        first = nbformat.read(str(path), as_version=4).cells[0].source
        text += " " + first.split("**Prerequisites", 1)[0].split("This lesson answers", 1)[0]
    return frozenset(words(text))


def topic_matches(topic: str, numbers: list[int], solutions_dir: Path) -> bool:
    wanted = words(topic)
    if not wanted:
        return True
    known = set().union(*(lesson_words(n, str(solutions_dir)) for n in numbers))
    return any(_same_word(w, k) for w in wanted for k in known)


def _lessons_in(first: str, last: str | None) -> list[int]:
    return list(range(int(first), int(last) + 1)) if last else [int(first)]


# ---------------------------------------------------------------- notes and outputs

_NOTES = [
    (re.compile(r"\b(?:TODO|FIXME|XXX|TBD)\b"), "authoring note"),
    (re.compile(r"\b(?:issue|PR|pull request)\s*#?\d+|(?<![\w&#])#\d+\b", re.I), "issue number"),
    (re.compile(r"\b(?:an?|the)\s+(?:earlier|previous|older|old|first|last|prior)\s+(?:version|draft|revision|run)s?\s+of\s+"
                r"(?:this|the)\s+(?:lesson|notebook|course|section|cell)"
                r"|\b(?:while|when)\s+(?:writing|preparing|developing|drafting)\s+this\s+(?:lesson|notebook)", re.I),
     "reference to an earlier version"),
    (re.compile(r"\b(?:target|goal)\s*(?::|=|was|is|of)\s*[<>≤≥~≈]?\s*\d[\d.,]*(?:\s?%)?", re.I), "authoring target"),
    (re.compile(r"\bnbval\b", re.I), "test-harness detail (nbval)"),
]
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)")
_SHOW_TRACEBACK_TAG = "raises-exception"


def _absolute_paths() -> re.Pattern:
    homes = {str(Path.home()), str(REPO_DIR)}
    literal = "|".join(re.escape(h) for h in sorted(homes, key=len, reverse=True) if len(h) > 1)
    generic = r"/home/[\w.-]+|/Users/[\w.-]+|/root/|/work/|/tmp/|/private/var/|/var/folders/|[A-Za-z]:\\+Users\\+"
    return re.compile(rf"(?<![\w.~])(?:{literal}|{generic})")


def output_text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "\n".join(output.get("traceback", [])) + f"\n{output.get('ename')}: {output.get('evalue')}"
    data = output.get("data", {})
    return "\n".join(str(data[kind]) for kind in ("text/plain", "text/markdown", "text/html", "text/latex") if kind in data)


# ---------------------------------------------------------------- the linter


class Linter:
    """Lint one notebook; ``solutions_dir`` is where cross-referenced lessons are read from."""

    def __init__(self, path: Path, solutions_dir: Path | None = None, repo_dir: Path = REPO_DIR):
        self.path = Path(path)
        self.nb = nbformat.read(str(self.path), as_version=4)
        self.solutions_dir = Path(solutions_dir) if solutions_dir else _default_solutions_dir(self.path)
        self.repo_dir = Path(repo_dir)
        self.findings: list[Finding] = []
        self.printed: set[float] = set()
        self.fractional: set[float] = set()
        self.literals: set[float] = set()
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                self.literals |= code_numbers(cell.source)
                for output in cell.get("outputs", []):
                    if not (output.get("output_type") == "stream" and output.get("name") == "stderr"):
                        self.printed |= output_numbers(output_text(output))
                        self.fractional |= output_numbers(output_text(output), fractional_only=True)

    def add(self, cell: int, rule: str, what: str, sentence: str) -> None:
        self.findings.append(Finding(self.path, cell, rule, what, _short(sentence)))

    def run(self) -> list[Finding]:
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type == "markdown":
                self.markdown(index, cell.source)
            elif cell.cell_type == "code":
                self.code_notes(index, cell.source)
                self.outputs(index, cell)
        return self.findings

    # -- markdown
    def markdown(self, index: int, source: str) -> None:
        masked = mask(source)
        cell_blocks = blocks(source)
        heading_cited = any(b.kind == "heading" and is_citation(source[b.start:b.end]) for b in cell_blocks)

        def block_of(position: int) -> Block:
            for block in cell_blocks:
                if block.start <= position <= block.end:
                    return block
            return Block(0, len(source), "text")

        for number in prose_numbers(masked):
            if backed(number, self.printed, self.literals, self.fractional):
                continue
            block = block_of(number.start)
            text = source[block.start:block.end]
            if heading_cited or is_citation(text) or _SEED_QUOTE.match(text):
                continue
            self.add(index, "number", f"{number.kind} \"{number.text}\" is not printed by any output and has no source",
                     sentence_at(source, block, number.start))
        self.references(index, source, masked, block_of)
        self.links(index, source, block_of)
        for pattern, what in _NOTES:
            for match in pattern.finditer(source):
                self.add(index, "note", f"{what} \"{match.group(0).strip()}\" in learner-facing text",
                         sentence_at(source, block_of(match.start()), match.start()))

    def references(self, index, source, masked, block_of) -> None:
        for match in _REF.finditer(masked):
            groups = [(match.group("first"), match.group("last"), match.group("topic"))]
            end = match.end()
            if match.group("plural"):
                while (more := _MORE.match(masked, end)):
                    groups.append((more.group("first"), more.group("last"), more.group("topic")))
                    end = more.end()
            sentence = sentence_at(source, block_of(match.start()), match.start())
            for first, last, topic in groups:
                numbers = _lessons_in(first, last)
                missing = [n for n in numbers if n < 1 or n > len(syllabus.LESSONS)]
                if missing or (last and int(last) <= int(first)):
                    self.add(index, "xref", f"lesson {first}{'-' + last if last else ''} does not exist "
                             f"(lessons are 01-{len(syllabus.LESSONS):02d})", sentence)
                elif topic is not None and not topic_matches(topic, numbers, self.solutions_dir):
                    self.add(index, "xref", f"\"{topic.strip()}\" is not a topic of lesson {first}"
                             f"{'-' + last if last else ''} ({_titles(numbers)})", sentence)
        for match in _BARE_PAREN_REF.finditer(masked):
            numbers = [int(n) for n in re.findall(r"\d+", match.group(0))]
            numbers = list(range(numbers[0], numbers[-1] + 1))
            if any(n < 1 or n > len(syllabus.LESSONS) for n in numbers):
                continue  # reported above
            line_start = masked.rfind("\n", 0, match.start()) + 1
            segment = masked[line_start:match.start()]
            cut = [m.end() for m in _TOPIC_START.finditer(segment)]
            # the segment is cut on the masked text (no cut inside code), its words read from the source,
            # so a topic written as code (`keras.regularizers.L2(...)` (lesson 08)) still counts
            topic = source[line_start + (cut[-1] if cut else 0):match.start()]
            if not topic_matches(topic, numbers, self.solutions_dir):
                self.add(index, "xref", f"\"{' '.join(topic.split())}\" is not a topic of lesson "
                         f"{'-'.join(f'{n:02d}' for n in sorted({numbers[0], numbers[-1]}))} ({_titles(numbers)})",
                         sentence_at(source, block_of(match.start()), match.start()))

    def links(self, index, source, block_of) -> None:
        for match in _LINK.finditer(source):
            target = match.group("target") or match.group("image") or match.group("html")
            if re.match(r"^(?:[a-z][\w+.-]*:|#|//)", target):
                continue
            resolved = self.path.parent / target.split("#", 1)[0].split("?", 1)[0]
            if not resolved.exists():
                self.add(index, "xref", f"link target \"{target}\" does not exist (relative to {_display(self.path.parent)}/)",
                         sentence_at(source, block_of(match.start()), match.start()))
        for match in _CODE_SPAN.finditer(source):
            code = match.group("code").strip()
            found = _REPO_PATH.match(code)
            if found and not (self.repo_dir / found.group("path")).exists():
                self.add(index, "xref", f"path `{code}` does not exist in the course",
                         sentence_at(source, block_of(match.start()), match.start()))

    # -- code cells
    def code_notes(self, index: int, source: str) -> None:
        comments = "\n".join(line.split("#", 1)[1] for line in source.split("\n") if "#" in line)
        for pattern, what in _NOTES[:3]:
            for match in pattern.finditer(comments):
                self.add(index, "note", f"{what} \"{match.group(0).strip()}\" in a code comment",
                         next(line for line in source.split("\n") if match.group(0) in line))

    def outputs(self, index: int, cell) -> None:
        tags = cell.get("metadata", {}).get("tags", [])
        paths = _absolute_paths()
        for output in cell.get("outputs", []):
            text = output_text(output)
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                self.add(index, "output", "stderr output is stored (re-run with `cnncourse execute`)", text.strip().split("\n")[0])
            elif (output.get("output_type") == "error" or _TRACEBACK.search(text)) and _SHOW_TRACEBACK_TAG not in tags:
                self.add(index, "output", f"traceback is stored but the cell is not tagged `{_SHOW_TRACEBACK_TAG}`",
                         f"{output.get('ename', '')}: {output.get('evalue', '')}" if output.get("output_type") == "error"
                         else text.strip().split("\n")[-1])
            for match in paths.finditer(_strip_ansi(text)):
                line = next(line for line in _strip_ansi(text).split("\n") if match.group(0) in line)
                self.add(index, "output", f"absolute path \"{match.group(0)}\" of the author's machine in an output", line)


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _titles(numbers: list[int]) -> str:
    return "; ".join(f"{n:02d} {syllabus.by_number(n).title}" for n in sorted(set(numbers)))


def _default_solutions_dir(path: Path) -> Path:
    from cnncourse.course.paths import SOLUTIONS_DIR

    return path.parent if path.parent.name in ("solutions", "lessons") else SOLUTIONS_DIR


def lint_notebook(path: Path, solutions_dir: Path | None = None) -> list[Finding]:
    """Every finding of one notebook, in cell order."""
    return Linter(path, solutions_dir).run()


# ---------------------------------------------------------------- baseline


def read_baseline(path: Path) -> list[str]:
    """Finding keys of a baseline file (blank lines and ``#`` comments ignored)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def compare(findings: list[Finding], baseline: list[str], linted: set[str]) -> tuple[list[Finding], list[str]]:
    """``(new findings, stale baseline lines)``; only baseline lines of the linted notebooks can be stale."""
    keys = {f.key for f in findings}
    known = set(baseline)
    new = [f for f in findings if f.key not in known]
    stale = [line for line in baseline if line.split(" | ", 1)[0] in linted and line not in keys]
    return new, stale


def prune_baseline(path: Path, findings: list[Finding], linted: set[str]) -> int:
    """Rewrite the baseline file without its stale lines (comments kept); returns how many went."""
    text = Path(path).read_text(encoding="utf-8").splitlines()
    _, stale = compare(findings, read_baseline(path), linted)
    kept = [line for line in text if line.strip() not in set(stale)]
    Path(path).write_text("\n".join(kept) + "\n", encoding="utf-8")
    return len(text) - len(kept)


# ---------------------------------------------------------------- commands

DEFAULT_BASELINE = REPO_DIR / "tests" / "lint_baseline.txt"
FIX_HINT = ("Fix the prose (a number no output prints, a wrong lesson, a stale note), or change the experiment "
            "so that it prints what the prose says; rules: docs/authoring.md.")


def run(paths: list[Path], baseline: Path | None = None) -> tuple[list[str], str]:
    """Lint ``paths``: ``(problem lines, summary)``; no problem lines means success."""
    import time

    started = time.perf_counter()
    findings = [f for path in paths for f in lint_notebook(path)]
    known = read_baseline(baseline) if baseline else []
    new, stale = compare(findings, known, {p.name for p in paths})
    lines = [str(finding) for finding in new]
    lines += [f"{baseline}: stale entry, the finding no longer occurs; delete the line (or run `cnncourse lint --baseline FILE --prune`):\n    | {line}" for line in stale]
    summary = (f"lint: {len(paths)} notebooks, {len(findings)} findings ({len(findings) - len(new)} in the baseline), "
               f"{len(new)} new, {len(stale)} stale baseline lines, {time.perf_counter() - started:.1f} s")
    return lines, summary


def lint_command(
    notebooks: Optional[list[Path]] = typer.Argument(None, help="Notebooks to lint (default: every one in solutions/)."),
    baseline: Optional[Path] = typer.Option(None, help="Known findings, one key per line: only new ones fail."),
    prune: bool = typer.Option(False, "--prune", help="Delete the baseline's stale lines (never adds one)."),
) -> None:
    """Check the prose of lessons against their outputs (default: every notebook in solutions/).

    Reports ``file:cell N: <what>`` and the sentence; exits 1 on any finding not in ``--baseline``
    or on a baseline line that no longer occurs. Rules: docs/authoring.md.
    """
    from cnncourse.course.notebooks import solution_paths

    paths = [Path(p) for p in notebooks] if notebooks else solution_paths()
    for path in paths:
        if not path.is_file():
            typer.echo(f"{path}: no such notebook", err=True)
            raise typer.Exit(2)
    if prune:
        if baseline is None:
            typer.echo("--prune needs --baseline FILE", err=True)
            raise typer.Exit(2)
        removed = prune_baseline(baseline, [f for path in paths for f in lint_notebook(path)], {p.name for p in paths})
        typer.echo(f"{baseline}: removed {removed} stale lines")
    lines, summary = run(paths, baseline)
    for line in lines:
        typer.echo(line)
    if lines:
        typer.echo(f"{summary}\n{FIX_HINT}", err=True)
        raise typer.Exit(1)
    typer.echo(summary)


def check_lessons_command() -> None:
    """CI's lesson check: lessons/ is built from solutions/ (`build --check`) and the prose passes `lint`
    (with tests/lint_baseline.txt). Says which command fixes which failure."""
    from cnncourse.course.notebooks import build, solution_paths

    failed = False
    problems = build(check=True)
    for line in problems:
        typer.echo(line, err=True)
    if problems:
        failed = True
        typer.echo("FAILED cnncourse build --check: lessons/ or README's lesson table is out of date, or a solution breaks a convention.\n"
                   "  -> run `cnncourse build` (never edit lessons/ by hand); fix any solution cell named above.", err=True)
    else:
        typer.echo("ok: lessons/ is up to date with solutions/, README's lesson table with the syllabus")
    lines, summary = run(solution_paths(), DEFAULT_BASELINE)
    for line in lines:
        typer.echo(line, err=True)
    if lines:
        failed = True
        typer.echo(f"FAILED cnncourse lint --baseline tests/lint_baseline.txt ({summary}).\n  -> {FIX_HINT}\n"
                   "  -> then `cnncourse build`; a fixed baseline finding: delete its line from tests/lint_baseline.txt.",
                   err=True)
    else:
        typer.echo(f"ok: {summary}")
    if failed:
        raise typer.Exit(1)
