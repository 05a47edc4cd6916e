"""`cnncourse release`: what students get has lessons, the package and decks, and no solutions or hidden cases."""
from typer.testing import CliRunner

from cnncourse.course import paths
from cnncourse.course.cli import app


def test_release_ships_lessons_package_and_decks_but_no_solutions(tmp_path):
    out = tmp_path / "student"
    result = CliRunner().invoke(app, ["release", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "lessons").glob("*.ipynb")) == sorted(p.name for p in paths.LESSONS_DIR.glob("*.ipynb"))
    assert (out / "cnncourse" / "checks" / "lesson02.py").exists() and (out / "data" / "flashcards").is_dir()
    assert not (out / "solutions").exists() and not (out / "tests").exists()
    assert not (out / "cnncourse" / "checks" / "hidden.py").exists()   # hidden cases stay where grading runs
    assert (paths.PACKAGE_DIR / "checks" / "hidden.py").exists()
    assert not any("### BEGIN SOLUTION" in p.read_text() for p in out.rglob("*.ipynb"))
    assert not list(out.rglob("__pycache__"))


def test_release_refuses_a_non_empty_folder_or_one_inside_the_course(tmp_path):
    (tmp_path / "x").write_text("keep me")
    result = CliRunner().invoke(app, ["release", str(tmp_path)])
    assert result.exit_code == 2 and "not an empty folder" in result.output and (tmp_path / "x").read_text() == "keep me"
    result = CliRunner().invoke(app, ["release", str(paths.REPO_DIR / "build" / "student")])
    assert result.exit_code == 2 and "inside the course folder" in result.output
