"""Single-source notebooks: stubbing solutions, linting structure, building and staleness."""
import nbformat
import pytest

from cnncourse.course import notebooks as nbs


def solution_notebook(extra_cells=()):
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    meta = lambda ex, role: {"cnncourse": {"exercise": ex, "role": role}}  # noqa: E731
    nb.cells = [
        v4.new_markdown_cell("# 07 Demo\n\n## Objectives\n- learn"),
        v4.new_code_cell("x = 1", outputs=[v4.new_output("stream", name="stdout", text="kept\n")]),
        v4.new_code_cell("def double(v):\n    '''Twice v.'''\n    ### BEGIN SOLUTION\n    secret = 2 * v\n    return secret\n    ### END SOLUTION",
                         metadata=meta("07.double", "solution"),
                         outputs=[v4.new_output("stream", name="stdout", text="answer output\n")]),
        v4.new_code_cell("checks.double(double)", metadata=meta("07.double", "check"),
                         outputs=[v4.new_output("stream", name="stdout", text="passed\n")]),
        v4.new_markdown_cell("Why?\n<!-- BEGIN SOLUTION -->\nBecause of weight sharing.\n<!-- END SOLUTION -->"),
        v4.new_code_cell("### BEGIN SOLUTION\ny = 3\n### END SOLUTION", metadata=meta("07.three", "solution")),
        v4.new_code_cell("checks.three(y)", metadata=meta("07.three", "check")),
        *extra_cells,
        v4.new_markdown_cell("## Summary\nDone. Flashcards: data/flashcards/07_demo.txt"),
    ]
    return nb


def test_strip_solution_keeps_indentation_and_removes_the_answer():
    src = "def f(a):\n    ### BEGIN SOLUTION\n    return a + 1\n    ### END SOLUTION\nprint(f)"
    assert nbs.strip_solution(src) == "def f(a):\n    # YOUR CODE HERE\n    raise NotImplementedError()\nprint(f)"


@pytest.mark.parametrize("src,problem", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "without"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
])
def test_unbalanced_markers_are_reported(src, problem):
    with pytest.raises(nbs.NotebookError, match=problem):
        nbs.strip_solution(src, "demo cell 3")


def test_make_lesson_hides_answers_and_clears_exercise_outputs_only():
    lesson = nbs.make_lesson(solution_notebook())
    text = nbformat.writes(lesson)
    assert "secret" not in text and "Because of weight sharing" not in text and "y = 3" not in text
    assert "raise NotImplementedError()" in lesson.cells[2].source
    assert "'''Twice v.'''" in lesson.cells[2].source
    assert lesson.cells[1].outputs[0].text == "kept\n"
    assert lesson.cells[2].outputs == [] and lesson.cells[3].outputs == []
    assert nbs.MD_STUB in lesson.cells[4].source


def test_lint_accepts_a_well_formed_lesson():
    assert nbs.lint_solution(solution_notebook(), "07_demo.ipynb") == []
    assert nbs.exercises(solution_notebook()) == ["07.double", "07.three"]


def test_lint_names_each_broken_convention():
    nb = solution_notebook()
    nb.cells[0].source = "# Demo"                      # no objectives
    nb.cells[3].metadata = {}                           # check cell lost its tag
    nb.cells[5].metadata["cnncourse"]["exercise"] = "08.three"  # wrong lesson prefix
    nb.cells[-1].source = "## Summary\nno deck"         # no flashcard pointer
    problems = "\n".join(nbs.lint_solution(nb, "07_demo.ipynb"))
    assert "objectives" in problems
    assert "'07.double' must be followed by its check cell" in problems
    assert "'08.three' must start with '07.'" in problems
    assert "data/flashcards/07_demo.txt" in problems
    assert "file name" in nbs.lint_solution(nb, "demo.ipynb")[0]


def test_lint_requires_two_exercises_and_metadata_on_solution_blocks():
    nb = solution_notebook()
    nb.cells[5].metadata = {}
    problems = "\n".join(nbs.lint_solution(nb, "07_demo.ipynb"))
    assert "no metadata cnncourse.role='solution'" in problems
    assert "at least 2 graded exercises, found 1" in problems


def test_build_writes_lessons_and_check_detects_staleness(tmp_path):
    solutions, lessons = tmp_path / "solutions", tmp_path / "lessons"
    solutions.mkdir()
    nbformat.write(solution_notebook(), str(solutions / "07_demo.ipynb"))
    assert nbs.build(check=True, solutions_dir=solutions, lessons_dir=lessons, readme=None) == [
        f"{lessons / '07_demo.ipynb'}: missing; run `cnncourse build`"]
    assert nbs.build(solutions_dir=solutions, lessons_dir=lessons, readme=None) == []
    assert nbs.build(check=True, solutions_dir=solutions, lessons_dir=lessons, readme=None) == []
    nb = solution_notebook()
    nb.cells[1].source = "x = 2"
    nbformat.write(nb, str(solutions / "07_demo.ipynb"))
    assert "stale" in nbs.build(check=True, solutions_dir=solutions, lessons_dir=lessons, readme=None)[0]
    (lessons / "99_orphan.ipynb").write_text("{}")
    assert any("no source in solutions/" in p for p in nbs.build(solutions_dir=solutions, lessons_dir=lessons, readme=None))


def test_strip_stderr_removes_only_stderr():
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[v4.new_code_cell("print(1)", outputs=[
        v4.new_output("stream", name="stderr", text="I0000 tensorflow noise\n"),
        v4.new_output("stream", name="stdout", text="1\n")])])
    assert nbs.strip_stderr(nb) == 1
    assert [o.name for o in nb.cells[0].outputs] == ["stdout"]


def test_cell_seconds_ranks_cells_by_nbclient_timing_and_drop_timing_removes_it():
    v4 = nbformat.v4
    stamp = lambda a, b: {"execution": {"iopub.execute_input": a, "shell.execute_reply": b}}  # noqa: E731
    nb = v4.new_notebook(cells=[
        v4.new_code_cell("fast()", metadata=stamp("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.500Z")),
        v4.new_markdown_cell("text"),
        v4.new_code_cell("slow()\nmore()", metadata=stamp("2026-01-01T00:00:02Z", "2026-01-01T00:01:02Z")),
        v4.new_code_cell("never_ran()"),
    ])
    assert nbs.cell_seconds(nb) == [(60.0, 2, "slow()"), (1.5, 0, "fast()")]
    nbs.drop_timing(nb)
    assert nbs.cell_seconds(nb) == [] and all("execution" not in c.metadata for c in nb.cells)
