"""README's lesson table is generated from cnncourse/course/syllabus.py by `cnncourse build` and checked by `build --check`."""
import pytest

from cnncourse.course import notebooks as nbs
from cnncourse.course import syllabus
from cnncourse.checks import REGISTRY


def table_rows(text: str) -> list[list[str]]:
    block = text[text.index(syllabus.README_BEGIN):text.index(syllabus.README_END)]
    return [[cell.strip() for cell in line.strip().strip("|").split(" | ")]
            for line in block.splitlines()[3:]]


def test_the_repository_readme_table_is_up_to_date():
    assert nbs.build_readme_table(nbs.README_PATH, check=True) == []


def test_one_row_per_lesson_listing_its_exercises_in_order():
    rows = table_rows(syllabus.with_readme_table(f"x\n{syllabus.README_BEGIN}\n{syllabus.README_END}\ny"))
    assert [row[0] for row in rows] == [lesson.slug[:2] for lesson in syllabus.LESSONS]
    for row, lesson in zip(rows, syllabus.LESSONS):
        assert row[1] == lesson.short and row[2] == lesson.shows
        assert row[3].split("; ") == [syllabus.EXERCISE_SUMMARIES[e] for e in lesson.exercises]


def test_every_summary_belongs_to_an_exercise_of_the_syllabus():
    exercises = {e for lesson in syllabus.LESSONS for e in lesson.exercises}
    orphans = set(syllabus.EXERCISE_SUMMARIES) - exercises
    assert not orphans, f"EXERCISE_SUMMARIES has ids no lesson lists (renamed? rename the key): {sorted(orphans)}"


def test_an_exercise_without_a_summary_shows_its_checker_title(monkeypatch):
    summaries = dict(syllabus.EXERCISE_SUMMARIES)
    del summaries["14.nms"]
    monkeypatch.setattr(syllabus, "EXERCISE_SUMMARIES", summaries)
    row = [line for line in syllabus.readme_table().splitlines() if line.startswith("| 14 |")][0]
    assert REGISTRY["14.nms"].title in row and "; per-class IoU |" in row
    with pytest.raises(KeyError, match="'99.nothing'"):
        syllabus.exercise_summary("99.nothing")


def test_build_rewrites_only_the_table_block_and_check_names_the_fix(tmp_path):
    readme = tmp_path / "README.md"
    before, after = "# Course\n\nintro text\n", "\nmore text | with a pipe\n"
    readme.write_text(f"{before}{syllabus.README_BEGIN}\n| 01 | old row |\n{syllabus.README_END}{after}")
    [problem] = nbs.build_readme_table(readme, check=True)
    assert "lesson table is stale" in problem and "run `cnncourse build`" in problem
    assert "old row" in readme.read_text()                      # --check writes nothing
    assert nbs.build_readme_table(readme) == []
    text = readme.read_text()
    assert text.startswith(before + syllabus.README_BEGIN + "\n") and text.endswith(syllabus.README_END + after)
    assert "old row" not in text and len(table_rows(text)) == len(syllabus.LESSONS)
    assert nbs.build_readme_table(readme, check=True) == []


@pytest.mark.parametrize("text", ["no markers", f"{syllabus.README_END}\n{syllabus.README_BEGIN}",
                                  f"{syllabus.README_BEGIN}\n{syllabus.README_BEGIN}\n{syllabus.README_END}"])
def test_missing_or_misordered_markers_are_reported_and_nothing_is_written(tmp_path, text):
    readme = tmp_path / "README.md"
    readme.write_text(text)
    [problem] = nbs.build_readme_table(readme)
    assert str(readme) in problem and "syllabus:begin" in problem
    assert readme.read_text() == text
