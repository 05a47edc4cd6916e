"""A tiny two-exercise lesson (98_demo, plain asserts, no TensorFlow) for the grading tests of issue 19."""
import nbformat

from cnncourse.course import notebooks as nbs

v4 = nbformat.v4
LESSON = "98_demo"


def meta(ex, role):
    return {"cnncourse": {"exercise": ex, "role": role}}


def solution():
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        v4.new_markdown_cell("# 98 Demo\n\n## Objectives\n- grade"),
        v4.new_code_cell("base = 10"),
        v4.new_code_cell("def double(v):\n    ### BEGIN SOLUTION\n    return 2 * v\n    ### END SOLUTION", metadata=meta("98.double", "solution")),
        v4.new_code_cell('assert double(3) == 6, "double(3) should be 6"\nprint("98.double passed")', metadata=meta("98.double", "check")),
        v4.new_code_cell("def add_base(v):\n    ### BEGIN SOLUTION\n    return v + base\n    ### END SOLUTION", metadata=meta("98.add_base", "solution")),
        v4.new_code_cell('assert add_base(1) == 11, "add_base(1) should be 11"\nprint("98.add_base passed")', metadata=meta("98.add_base", "check")),
        v4.new_markdown_cell("## Summary\ndata/flashcards/98_demo.txt"),
    ]
    return nb


def write_solutions(folder):
    """``folder/solutions/98_demo.ipynb``; returns the solutions folder."""
    solutions = folder / "solutions"
    solutions.mkdir(parents=True, exist_ok=True)
    nbformat.write(solution(), str(solutions / f"{LESSON}.ipynb"))
    return solutions


def submission(path, double="return 2 * v", add_base=None):
    """A learner notebook at ``path`` with these answers (None: left as handed out)."""
    nb = nbs.make_lesson(solution(), f"{LESSON}.ipynb")
    for index, body in ((2, double), (4, add_base)):
        if body is not None:
            nb.cells[index].source = nb.cells[index].source.replace("# YOUR CODE HERE\n    raise NotImplementedError()", body)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbs.dumps(nb))
    return path
