"""Feedback students can read, and a summary for the instructor.

One HTML page per submission: the learner's notebook as they handed it in (rendered by
nbconvert's HTML exporter, HTML in it sanitized), with each exercise's score and the checker's
message inserted right after its check cell, like nbgrader's ``generate_feedback``. The
instructor summary counts, per exercise, how many submissions passed, names the exercises
most students fail, and draws the score distribution. Depends only on the grading result row.
"""
from __future__ import annotations

import csv
import html
from collections import Counter
from pathlib import Path

import nbformat

from cnncourse.course import notebooks as nbs
from cnncourse.grading.gradebook import as_row, flag_text, student_of

STYLE = ("border-left:4px solid {color};background:{bg};padding:6px 10px;margin:4px 0 12px 0;"
         "font-family:sans-serif;font-size:14px")
PASS, FAIL = ("#2e7d32", "#e8f5e9"), ("#c62828", "#ffebee")


def _box(text_html: str, passed: bool) -> nbformat.NotebookNode:
    color, bg = PASS if passed else FAIL
    cell = nbformat.v4.new_raw_cell(f'<div class="cnncourse-feedback" style="{STYLE.format(color=color, bg=bg)}">{text_html}</div>')
    cell.metadata["format"] = "text/html"
    return cell


def _exercise_html(e: dict) -> str:
    earned = e["points"] if e["passed"] else 0
    verdict = "passed" if e["passed"] else "not passed"
    return (f"<b>Exercise {html.escape(e['id'])}: {earned}/{e['points']} point{'s' if e['points'] != 1 else ''}</b> "
            f"({verdict})<br><code>{html.escape(e['message'])}</code>")


def _header_html(r: dict) -> str:
    parts = [f"<b>{html.escape(Path(r['notebook']).name)}</b> &mdash; lesson {html.escape(r.get('lesson') or '?')} &mdash; "
             f"score <b>{r.get('score', 0)}/{r.get('max_score', 0)}</b>"]
    if r.get("error"):
        parts.append(f"Note: {html.escape(r['error'])}")
    parts += [f"Flag: {html.escape(flag_text(f))}" for f in r["flags"]]
    return "<br>".join(parts)


def feedback_notebook(row: dict, submission: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The submission with a score box at the top and one after each exercise's check cell."""
    nb = nbformat.from_dict(submission)  # a copy; the submission itself is never touched
    by_id = {e["id"]: e for e in row["exercises"]}
    anchor = {}
    for i, cell in enumerate(nb.cells):
        info = nbs.cell_info(cell)
        if info.get("exercise") in by_id and info.get("role") in ("solution", "check"):
            if info["role"] == "check" or info["exercise"] not in anchor:
                anchor[info["exercise"]] = i  # after the check cell; after the solution if the check was deleted
    cells = [_box(_header_html(row), row.get("score", 0) == row.get("max_score", 0) and not row["flags"])]
    after = {}
    for ex, i in anchor.items():
        after.setdefault(i, []).append(ex)
    for i, cell in enumerate(nb.cells):
        cells.append(cell)
        cells += [_box(_exercise_html(by_id[ex]), by_id[ex]["passed"]) for ex in after.get(i, [])]
    missing = [by_id[ex] for ex in by_id if ex not in anchor]
    if missing:
        cells.append(_box("<b>Exercises not found in your notebook</b><br>" + "<br>".join(_exercise_html(e) for e in missing), False))
    nb.cells = cells
    return nb


SAFE_TAGS = ["a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "h1", "h2", "h3", "h4", "h5",
             "h6", "hr", "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "summary", "sup", "table", "tbody",
             "td", "th", "thead", "tr", "ul"]
SAFE_ATTRIBUTES = {"*": ["class", "id", "title"], "a": ["href", "title"], "img": ["src", "alt", "width", "height"]}


def sanitized(submission: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy whose markdown, raw cells and HTML outputs keep formatting tags but lose scripts and
    event handlers (escaped, so the learner still sees them); JavaScript outputs are dropped."""
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    nb, _ = SanitizeHTML(tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES).preprocess(nbformat.from_dict(submission), {})
    return nb


def render_html(row: dict, submission_bytes: bytes | None) -> str:
    """The feedback page; a plain page with the reason when the notebook itself could not be read."""
    from nbconvert import HTMLExporter

    from cnncourse.grading.assemble import SubmissionError, read_submission

    try:
        submission = read_submission(submission_bytes, row["notebook"]) if submission_bytes is not None else None
    except SubmissionError:
        submission = None
    if submission is None:
        title = html.escape(Path(row["notebook"]).name)
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
                f"{_box(_header_html(row), False).source}</body></html>")
    body, _ = HTMLExporter().from_notebook_node(feedback_notebook(row, sanitized(submission)),
                                          resources={"metadata": {"name": f"Feedback: {Path(row['notebook']).name}"}})
    return body


def feedback_name(row: dict, student_from=None, taken: set | None = None) -> str:
    """``student.html`` (``student_lesson.html`` with --student-from), unique within ``taken``."""
    student = student_of(row["notebook"], student_from)
    stem = f"{student}_{row['lesson']}" if student_from and row.get("lesson") else student
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem) or "submission"
    name, n = f"{stem}.html", 2
    while taken is not None and name in taken:
        name, n = f"{stem}-{n}.html", n + 1
    if taken is not None:
        taken.add(name)
    return name


def write_feedback(results, outdir: Path, student_from=None) -> list[Path]:
    """One HTML page per result in ``outdir``; returns their paths (in the order of the results)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written, taken = [], set()
    for result in results:
        row = as_row(result)
        try:
            data = Path(row["notebook"]).read_bytes()
        except OSError:
            data = None
        path = outdir / feedback_name(row, student_from, taken)
        path.write_text(render_html(row, data), encoding="utf-8")
        written.append(path)
    return written


def exercise_summary(results) -> list[dict]:
    """Per (lesson, exercise): submissions, passed, failed, pass rate and the most common failure message;
    sorted with the exercises most students fail first."""
    stats: dict[tuple, dict] = {}
    for result in results:
        row = as_row(result)
        for e in row["exercises"]:
            s = stats.setdefault((row.get("lesson") or "", e["id"]), {"lesson": row.get("lesson") or "", "exercise": e["id"],
                                                                      "points": e["points"], "submissions": 0, "passed": 0,
                                                                      "messages": Counter()})
            s["submissions"] += 1
            s["passed"] += bool(e["passed"])
            if not e["passed"]:
                s["messages"][e["message"]] += 1
    out = []
    for s in stats.values():
        common = s.pop("messages").most_common(1)
        s["failed"] = s["submissions"] - s["passed"]
        s["pass_rate"] = round(s["passed"] / s["submissions"], 3)
        s["most_common_failure"] = f"{common[0][0]} ({common[0][1]}x)" if common else ""
        out.append(s)
    return sorted(out, key=lambda s: (s["pass_rate"], s["lesson"], s["exercise"]))


SUMMARY_COLUMNS = ["lesson", "exercise", "points", "submissions", "passed", "failed", "pass_rate", "most_common_failure"]


def most_failed(summary: list[dict], threshold: float = 0.5) -> list[dict]:
    """The exercises fewer than ``threshold`` of the submissions passed, worst first."""
    return [s for s in summary if s["pass_rate"] < threshold]


def write_summary(results, outdir: Path) -> dict[str, Path]:
    """summary.csv, scores.png (score histogram + pass rate per exercise) and summary.html in ``outdir``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rows = [as_row(r) for r in results]
    summary = exercise_summary(rows)
    csv_path, png_path, html_path = outdir / "summary.csv", outdir / "scores.png", outdir / "summary.html"
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        writer.writerows(summary)

    graded = [r for r in rows if r.get("max_score")]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    percents = [100 * r["score"] / r["max_score"] for r in graded]
    left.hist(percents, bins=range(0, 110, 10), color="#4c72b0", edgecolor="white")
    left.set(title=f"Total score ({len(graded)} graded submissions)", xlabel="score, % of the maximum", ylabel="submissions")
    labels = [s["exercise"] for s in summary][::-1]
    right.barh(labels, [100 * s["pass_rate"] for s in summary][::-1], color="#dd8452")
    right.set(title="Submissions passing each exercise", xlabel="% passed", xlim=(0, 100))
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)
    plt.close(fig)

    head = "".join(f"<th>{html.escape(c)}</th>" for c in SUMMARY_COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(s[c]))}</td>" for c in SUMMARY_COLUMNS) + "</tr>" for s in summary)
    hard = most_failed(summary)
    hard_html = ("<p>Most students fail: " + ", ".join(f"<b>{html.escape(s['exercise'])}</b> ({s['passed']}/{s['submissions']} passed)"
                                                      for s in hard) + "</p>") if hard else "<p>Every exercise was passed by at least half of the submissions.</p>"
    errors = [r for r in rows if r.get("error")]
    html_path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Grading summary</title>"
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px}</style>"
        f"</head><body><h1>Grading summary</h1><p>{len(rows)} submissions, {len(graded)} graded, {len(errors)} with a note or error.</p>"
        f"{hard_html}<img src='{png_path.name}' alt='score histogram and pass rate per exercise'>"
        f"<table><tr>{head}</tr>{body}</table></body></html>", encoding="utf-8")
    return {"csv": csv_path, "png": png_path, "html": html_path}


def print_summary(results, console) -> None:
    """The per-exercise table, worst first, and the exercises most students fail."""
    from rich.table import Table

    summary = exercise_summary(results)
    table = Table(title="Exercises, the most failed first", title_justify="left")
    for c in ("lesson", "exercise", "passed", "pass rate", "most common failure"):
        table.add_column(c, overflow="fold")
    for s in summary:
        table.add_row(s["lesson"], s["exercise"], f"{s['passed']}/{s['submissions']}", f"{100 * s['pass_rate']:.0f}%",
                      s["most_common_failure"])
    console.print(table)
    hard = most_failed(summary)
    if hard:
        console.print("Most students fail: " + ", ".join(s["exercise"] for s in hard))
