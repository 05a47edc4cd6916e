"""What a learner sees in JupyterLab, checked in a real browser (Debian's chromium driven by Playwright).

Every lesson opens and its setup cell runs without a red stderr box; lesson 02 is worked through
as a learner would: Run All stops at the first exercise, a wrong answer gets the checker's hint,
the solution gets the ✔ line, figures render, and the flashcard widget records a review.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.name for p in (REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
# JupyterLab draws stderr streams and tracebacks alike as red boxes of this mime type.
RED_BOX = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
TRACEBACK = "Traceback (most recent call last)"
RUN_TIMEOUT_MS = 180_000


def solution_source(slug: str, first_line: str) -> str:
    """The solution of an exercise, from solutions/, without its BEGIN/END SOLUTION markers."""
    nb = nbformat.read(REPO / "solutions" / slug, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith(first_line):
            return "\n".join(line for line in cell.source.splitlines() if "### " not in line)
    raise AssertionError(f"no cell starting with {first_line!r} in solutions/{slug}")


def open_notebook(page, lab, name: str):
    """Open a notebook in a fresh workspace and wait until its kernel is idle."""
    page.goto(lab.url(f"lab/tree/{name}?reset"))
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
    expect(panel.locator(".jp-CodeCell .cm-content").first).not_to_have_text("", timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    return panel


def wait_idle(page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the status bar says the kernel is idle."""
    expect(page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle"))).to_be_visible(timeout=timeout_ms)


def code_cell(panel, lesson: str, startswith: str):
    """The cell of lessons/<lesson> whose source starts with `startswith` (found in the file, not the DOM)."""
    nb = nbformat.read(REPO / "lessons" / lesson, as_version=4)
    index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.startswith(startswith)), None)
    assert index is not None, f"no code cell of {lesson} starts with {startswith!r}"
    cell = panel.locator(".jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    expect(cell.locator(".cm-content")).to_contain_text(startswith.splitlines()[0])
    return cell


def run_cell(page, cell, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Select a cell, press Shift+Enter, and wait until it has run (its prompt went through [*])."""
    prompt_area = cell.locator(".jp-InputArea-prompt")
    prompt_area.click()
    before = prompt_area.text_content()
    page.keyboard.press("Shift+Enter")
    seen_running = False
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        prompt = prompt_area.text_content() or ""
        seen_running = seen_running or "*" in prompt
        if re.search(r"\[\d+\]", prompt) and (seen_running or prompt != before):
            return
        time.sleep(0.05)
    raise AssertionError(f"cell did not finish within {timeout_ms / 1000:.0f} s (prompt {prompt!r})")


def replace_source(page, cell, source: str) -> None:
    """Replace a cell's code the way a learner pastes it."""
    cell.locator(".jp-InputArea-editor .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(source)
    typed = cell.locator(".jp-InputArea-editor .cm-content").inner_text()  # on screen: it was just clicked
    assert typed.split() == source.split(), f"the editor holds {typed!r}"
    page.keyboard.press("Escape")


def insert_cell_below(page, panel, index: int):
    """Select cell `index`, press Escape then B (a new code cell below), and return the new cell.

    Locators are lazy, so the cell is pinned by position: `.last` would move when Shift+Enter on the
    last cell appends another empty one.
    """
    panel.locator(".jp-Cell").nth(index).locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    cell = panel.locator(".jp-Cell").nth(index + 1)
    expect(cell.locator(".cm-content")).to_have_text("")
    return cell


def errors(scope):
    """Red boxes holding a Python traceback."""
    return scope.locator(RED_BOX, has_text=TRACEBACK)


def stderr_texts(panel) -> list[str]:
    """Texts of the red boxes that are stderr output, not a traceback (textContent: off-screen cells too)."""
    boxes = panel.locator(RED_BOX)
    texts = [boxes.nth(i).text_content() or "" for i in range(boxes.count())]
    return [t for t in texts if TRACEBACK not in t]


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_opens_and_setup_cell_is_quiet(page, lab, lesson):
    panel = open_notebook(page, lab, lesson)
    assert not page.locator(".jp-Dialog").count(), f"a dialog greets the learner: {page.locator('.jp-Dialog').inner_text()}"
    setup = panel.locator(".jp-CodeCell").first
    assert "start_lesson()" in setup.locator(".cm-content").text_content()
    run_cell(page, setup)
    wait_idle(page)
    page.wait_for_timeout(1000)  # stderr captured from C code reaches the notebook a moment later
    assert not errors(panel).count(), errors(panel).first.text_content()
    assert stderr_texts(panel) == [], f"red stderr boxes in {lesson}"


def test_no_news_prompt(page, lab):
    """JupyterLab does not ask the learner about Jupyter news (the course presets it off)."""
    open_notebook(page, lab, LESSONS[0])
    page.wait_for_timeout(3000)  # the question is a toast shown shortly after start-up
    toasts = page.locator(".Toastify__toast")
    texts = [toasts.nth(i).inner_text() for i in range(toasts.count())]
    assert not any("news" in t.lower() for t in texts), texts


def test_lesson02_as_a_learner(page, lab):
    lesson = "02_convolution.ipynb"
    panel = open_notebook(page, lab, lesson)

    # Run All stops at the first exercise: its check cell calls the stub, which raises NotImplementedError.
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    stub = code_cell(panel, lesson, "def conv2d_forward")
    check = code_cell(panel, lesson, "checks.conv2d_forward(")
    errors(check).wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    message = errors(check).text_content()
    assert "02.conv2d_forward: not done yet" in message and "NotImplementedError" in message, message
    # one error only: Run All stopped there (the next exercise's check would fail the same way)
    assert errors(panel).count() == 1, [errors(panel).nth(i).text_content()[-200:] for i in range(errors(panel).count())]

    # A figure cell above the stub, re-run by Run All, renders an image.
    figure = code_cell(panel, lesson, "fig, axes = plt.subplots(1, 3")
    image = figure.locator(".jp-RenderedImage img").first
    image.wait_for()
    assert image.evaluate("img => img.naturalWidth") > 100
    assert stderr_texts(panel) == [], f"red stderr boxes in {lesson} after Run All"

    # A wrong answer gets the checker's hint.
    replace_source(page, stub, "def conv2d_forward(x, w, b, stride=1, pad=0):\n"
                               "    return np.zeros((x.shape[0], 1, 1, w.shape[-1]))")
    run_cell(page, stub)
    run_cell(page, check)
    hint = errors(check).text_content()
    assert "✘ 02.conv2d_forward" in hint and "expected" in hint, hint

    # The solution gets the ✔ line.
    replace_source(page, stub, solution_source(lesson, "def conv2d_forward"))
    run_cell(page, stub)
    run_cell(page, check)
    output = check.locator(".jp-OutputArea-output").text_content()
    assert re.search(r"✔ 02\.conv2d_forward passed.*\[2/2 points\]", output), output
    assert stderr_texts(panel) == [], f"red stderr boxes in {lesson}"

    # The flashcard widget records a review in the course home.
    new_cell = insert_cell_below(page, panel, panel.locator(".jp-Cell").count() - 1)
    replace_source(page, new_cell, 'from cnncourse.flashcards import ReviewWidget\nReviewWidget("02_convolution")')
    run_cell(page, new_cell)
    show = new_cell.get_by_role("button", name="Show answer")
    show.click()
    new_cell.locator(".widget-html", has_text="Answer:").wait_for()
    new_cell.get_by_role("button", name=re.compile(r"^Good\b")).click()
    new_cell.locator(".widget-html", has_text="Good: next due").wait_for()
    history = lab.home / "flashcards" / "history.json"
    reviews = json.loads(history.read_text())["reviews"]
    assert len(reviews) == 1 and reviews[0]["deck"] == "02_convolution", reviews

    # Training shows a progress bar while it runs, gone when it ends (the stored output stays the same).
    fit_cell = insert_cell_below(page, panel, panel.locator(".jp-Cell").count() - 1)
    replace_source(page, fit_cell, "model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])\n"
                                   'model.compile("sgd", "mse")\n'
                                   "model.fit(np.zeros((20000, 8)), np.zeros(20000), batch_size=8, epochs=2, verbose=0)\n"
                                   'print("trained")')
    fit_cell.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Shift+Enter")
    expect(fit_cell.locator(".cnncourse-progress")).to_contain_text("training:", timeout=RUN_TIMEOUT_MS)
    expect(fit_cell.locator(".jp-OutputArea-output", has_text="trained")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(fit_cell.locator(".cnncourse-progress")).to_have_count(0)
    assert stderr_texts(panel) == [], f"red stderr boxes in {lesson}"
