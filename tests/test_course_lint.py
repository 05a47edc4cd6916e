"""`cnncourse lint` on small hand-made notebooks (each rule catches its case, a clean notebook passes),
and on the real solution notebooks against the findings baseline."""
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from typer.testing import CliRunner

from cnncourse.course import lint
from cnncourse.course.cli import app
from cnncourse.course.notebooks import solution_paths
from cnncourse.course.paths import REPO_DIR

BASELINE = REPO_DIR / "tests" / "lint_baseline.txt"


def printed(text, **kwargs):
    return new_code_cell("print(...)", outputs=[new_output("stream", name="stdout", text=text)], **kwargs)


def write(tmp_path, *cells, name="05_demo.ipynb"):
    path = tmp_path / name
    nbformat.write(new_notebook(cells=list(cells)), str(path))
    return path


def findings(tmp_path, *cells):
    return lint.lint_notebook(write(tmp_path, *cells))


def whats(tmp_path, *cells):
    return [f.what for f in findings(tmp_path, *cells)]


CLEAN = [
    new_markdown_cell("# 05 · Demo\n\n**Prerequisites:** lessons 02 (convolution) and 03 (pooling); "
                      "see [the pooling lesson](03_pooling.ipynb) and `data/flashcards/03_pooling.txt`."),
    printed("test accuracy 0.8123 after 115.4 s; 61,706 parameters; conv is 1.347x faster\n"),
    new_markdown_cell("The CNN reaches 0.81 (81 %) in about 115 s with 61,706 parameters, and the conv path is "
                      "1.35x faster. Global pooling (lesson 03) keeps it small; TensorFlow 2.21 and Keras 3, "
                      "3×3 filters, 1998."),
]


def test_a_clean_notebook_has_no_findings(tmp_path):
    (tmp_path / "03_pooling.ipynb").write_text("{}")
    assert findings(tmp_path, *CLEAN) == []


@pytest.mark.parametrize("prose, backed", [
    ("0.81", True), ("0.8", True), ("81%", True), ("81.2 %", True), ("0.812", True),
    ("0.82", False), ("0.810", False), ("82%", False), ("0.7", False),
])
def test_a_printed_number_backs_the_prose_at_the_prose_rounding(tmp_path, prose, backed):
    found = whats(tmp_path, printed("acc 0.8123\n"), new_markdown_cell(f"Accuracy is {prose} here."))
    assert (found == []) == backed, found


@pytest.mark.parametrize("prose", ["a ratio of 1.35x", "in 115 s", "with 61,706 weights", "3.2e-07 error",
                                   "18.5 % better", "took 0.4 ms"])
def test_each_kind_of_measured_number_needs_an_output(tmp_path, prose):
    found = whats(tmp_path, printed("nothing relevant: 7\n"), new_markdown_cell(f"It has {prose}."))
    assert len(found) == 1 and "is not printed by any output" in found[0]


def test_scaled_and_converted_numbers_are_backed(tmp_path):
    cells = [printed("AlexNet: 62,378,344 parameters, fit 121.0 s, step 2.5e-03 s, 3.2e-07 error\n"),
             new_markdown_cell("62.4 M parameters, 2 min of training, 2.5 ms per step, an error of 3.2e-7.")]
    assert findings(tmp_path, *cells) == []


@pytest.mark.parametrize("prose, backed", [
    ("62 k parameters", True), ("61 k parameters", False), ("~31 GFLOPs", True), ("7 M images", False),
    ("a 0.06-million-parameter net", True),
])
def test_rounded_counts_in_a_unit_need_the_right_rounding(tmp_path, prose, backed):
    cells = [printed("LeNet: 61,706 parameters; VGG: 30.94 GFLOPs; 7 layers\n"), new_markdown_cell(f"It has {prose}.")]
    assert (whats(tmp_path, *cells) == []) == backed


def test_code_spans_latex_and_plain_integers_are_not_measurements(tmp_path):
    cells = [printed("nothing\n"),
             new_markdown_cell("Set `lr=0.37` and $\\alpha = 0.37$; $$x = 12.5\\%$$ and\n```python\nx = 0.99\n```\n"
                               "Python 3.12, 5×5 kernels, 2012, 10 classes, [doc](https://example.org/v1.5).")]
    assert findings(tmp_path, *cells) == []


def test_a_code_literal_backs_a_setting_but_not_a_ratio(tmp_path):
    code = new_code_cell("layer = Dropout(0.37)\nsubset = x[:1_000]\nspeed = 4")
    assert whats(tmp_path, code, new_markdown_cell("Dropout 0.37 on 1,000 images.")) == []
    assert len(whats(tmp_path, code, new_markdown_cell("It is 4.0x faster."))) == 1


def test_a_citation_beside_the_number_allows_it(tmp_path):
    assert whats(tmp_path, new_markdown_cell("ImageNet has 1.28 million images (Deng et al., 2009).")) == []
    assert whats(tmp_path, new_markdown_cell("- 1.28 million images, [ImageNet](https://image-net.org/)")) == []
    assert whats(tmp_path, new_markdown_cell("## AlexNet (Krizhevsky, Sutskever & Hinton, 2012)\n\n- 60.9 M weights\n")) == []
    assert whats(tmp_path, new_markdown_cell("> Seed Q4: pooling cuts compute\n> by 75.5%")) == []
    # a citation in another paragraph does not count, nor a bare year
    assert len(whats(tmp_path, new_markdown_cell("See (Deng et al., 2009).\n\nIt has 1.28 million images."))) == 1
    assert len(whats(tmp_path, new_markdown_cell("**AlexNet** (2012) reached 84.7 % top-5."))) == 1


def test_the_finding_names_file_cell_and_sentence(tmp_path):
    path = write(tmp_path, new_markdown_cell("# Title"), new_markdown_cell("First sentence. It scores 0.93 today. Last."))
    [finding] = lint.lint_notebook(path)
    assert finding.cell == 1 and finding.rule == "number"
    assert finding.sentence == "It scores 0.93 today."
    assert str(finding).startswith(f"{path}:cell 1: decimal \"0.93\"") or ":cell 1: decimal \"0.93\"" in str(finding)
    assert finding.key == "05_demo.ipynb | number | decimal \"0.93\" is not printed by any output and has no source | It scores 0.93 today."


@pytest.mark.parametrize("prose, problem", [
    ("Pooling (lesson 19) helps.", "lesson 19 does not exist"),
    ("See lessons 03–01.", "lesson 03-01 does not exist"),
    ("We use transfer learning (lesson 10).", "is not a topic of lesson 10"),
    ("**Prerequisites:** lessons 02 (convolution) and 07 (architectures / pooling).", "\"architectures / pooling\" is not a topic of lesson 07"),
    ("Read [lesson 12](12_missing.ipynb).", "link target \"12_missing.ipynb\" does not exist"),
    ("Deck: `data/flashcards/99_nope.txt`.", "path `data/flashcards/99_nope.txt` does not exist"),
])
def test_bad_cross_references_are_found(tmp_path, prose, problem):
    found = whats(tmp_path, new_markdown_cell(prose))
    assert len(found) == 1 and problem in found[0], found


@pytest.mark.parametrize("prose", [
    "We use transfer learning (lesson 12).", "Pooling (see lesson 03) shrinks maps.",
    "**Prerequisites:** lessons 01–03 (tensors, convolution, pooling).", "lesson 13 (explainability)",
    "Batch normalisation (lesson 08) helps.", "A layer with `keras.regularizers.L2(1e-4)` (lesson 08) adds a loss.",
    "Remedies: compression (lesson 17).", "Deck: `data/flashcards/03_pooling.txt`.", "Go on with lesson 18.",
])
def test_good_cross_references_pass(tmp_path, prose):
    assert whats(tmp_path, new_markdown_cell(prose)) == []


@pytest.mark.parametrize("prose, kind", [
    ("TODO: add a figure.", "authoring note"), ("This fixes issue 15.", "issue number"), ("See #12.", "issue number"),
    ("An earlier version of this lesson used rotations.", "reference to an earlier version"),
    ("While writing this lesson, a strict setting failed.", "reference to an earlier version"),
    ("Our target: 3 epochs per lesson.", "authoring target"), ("It runs under nbval.", "nbval"),
])
def test_stale_authoring_notes_are_found(tmp_path, prose, kind):
    found = whats(tmp_path, new_markdown_cell(prose))
    assert len(found) == 1 and kind in found[0], found


def test_ml_words_that_look_like_notes_are_not_notes(tmp_path):
    prose = "Label smoothing makes the targets 0.9 and 0.1 (`targets`); the target domain differs. ## heading"
    assert [f for f in findings(tmp_path, new_code_cell("t = 0.9; u = 0.1"), new_markdown_cell(prose))] == []


def test_code_comments_with_notes_are_found(tmp_path):
    found = whats(tmp_path, new_code_cell("x = 1  # TODO: remove after issue 12"))
    assert sorted(w.split(" \"")[0] for w in found) == ["authoring note", "issue number"]


def test_stored_outputs_must_be_clean(tmp_path):
    error = new_output("error", ename="ValueError", evalue="bad shape", traceback=["Traceback ...", "ValueError: bad shape"])
    cells = [new_code_cell("x", outputs=[new_output("stream", name="stderr", text="W0000 tensorflow warning\n")]),
             new_code_cell("y", outputs=[error]),
             new_code_cell("z", outputs=[error], metadata={"tags": ["raises-exception"]}),
             printed("saved to /home/alice/cnncourse/model.keras\n"),
             printed("Traceback (most recent call last):\n  File \"x.py\"\nKeyError: 1\n")]
    found = findings(tmp_path, *cells)
    assert [(f.cell, f.what.split(" ")[0]) for f in found] == [(0, "stderr"), (1, "traceback"), (3, "absolute"), (4, "traceback")]


def test_baseline_separates_new_findings_from_known_and_reports_stale_lines(tmp_path):
    path = write(tmp_path, new_markdown_cell("It scores 0.93. TODO later."))
    found = lint.lint_notebook(path)
    known = [found[0].key, "05_demo.ipynb | number | gone | gone", "07_other.ipynb | number | x | y"]
    new, stale = lint.compare(found, known, {path.name})
    assert new == found[1:]
    assert stale == ["05_demo.ipynb | number | gone | gone"]  # other notebooks' lines are not judged


def test_command_exits_1_on_a_new_finding_and_0_with_it_in_the_baseline(tmp_path):
    path = write(tmp_path, new_markdown_cell("It scores 0.93."))
    runner = CliRunner()
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 1 and ":cell 0: decimal \"0.93\"" in result.output and "It scores 0.93." in result.output
    baseline = tmp_path / "baseline.txt"
    baseline.write_text("# known\n" + lint.lint_notebook(path)[0].key + "\n")
    assert runner.invoke(app, ["lint", str(path), "--baseline", str(baseline)]).exit_code == 0
    baseline.write_text(baseline.read_text() + "05_demo.ipynb | note | fixed | long ago\n")
    result = runner.invoke(app, ["lint", str(path), "--baseline", str(baseline)])
    assert result.exit_code == 1 and "stale entry" in result.output
    assert runner.invoke(app, ["lint", str(tmp_path / "nope.ipynb")]).exit_code == 2
    result = runner.invoke(app, ["lint", str(path), "--baseline", str(baseline), "--prune"])
    assert result.exit_code == 0 and "removed 1 stale lines" in result.output
    assert baseline.read_text() == "# known\n" + lint.lint_notebook(path)[0].key + "\n"
    path.write_text(nbformat.writes(new_notebook(cells=[new_markdown_cell("It scores 0.94.")])))
    result = runner.invoke(app, ["lint", str(path), "--baseline", str(baseline), "--prune"])
    assert result.exit_code == 1 and "0.94" in result.output  # pruning never accepts a new finding
    assert baseline.read_text() == "# known\n"


def test_solutions_have_no_findings_beyond_the_baseline():
    found = [f for path in solution_paths() for f in lint.lint_notebook(path)]
    new, stale = lint.compare(found, lint.read_baseline(BASELINE), {p.name for p in solution_paths()})
    assert not new, "new lint findings (fix the prose or the experiment):\n" + "\n".join(map(str, new))
    assert not stale, "baseline lines that no longer occur (delete them):\n" + "\n".join(stale)


def test_check_lessons_passes_on_the_course_and_names_the_fix_for_each_failure(monkeypatch):
    runner = CliRunner()
    result = runner.invoke(app, ["check-lessons"])
    assert result.exit_code == 0, result.output
    assert "ok: lessons/ is up to date" in result.output and "ok: lint: 18 notebooks" in result.output
    from cnncourse.course import notebooks
    monkeypatch.setattr(notebooks, "build", lambda check: ["lessons/03_pooling.ipynb: stale; run `cnncourse build`"])
    monkeypatch.setattr(lint, "run", lambda paths, baseline: (["x.ipynb:cell 2: decimal \"0.9\" ..."], "lint: summary"))
    result = runner.invoke(app, ["check-lessons"])
    assert result.exit_code == 1
    assert "FAILED cnncourse build --check" in result.output and "-> run `cnncourse build`" in result.output
    assert "FAILED cnncourse lint" in result.output and "Fix the prose" in result.output
