"""The sizes each figure is measured at: the full benchmark and the reduced ``--quick`` run."""
from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class BenchConfig:
    """Everything that decides how big a benchmark run is.

    Attributes:
        name: "full" or "quick" (shown in the table and the JSON).
        threads: TensorFlow intra/inter-op threads and NumPy BLAS threads for figures 1-2.
        recipe: keyword arguments for :func:`cnncourse.training.loop.train_fast_recipe`
            (``epochs``, ``train_size``, ...); empty = the recipe's own defaults.
        test_size: evaluate on only the first ``test_size`` test images (None = all 10,000).
        recipe_reduced: True when ``recipe``/``test_size`` differ from the course's recipe.
        conv_shape: ``(N, H, W, C_in, C_out, K)`` of the im2col comparison.
        naive_shape: the same for the naive-loops comparison (small: loops are slow).
        conv_repeats: timed repeats (the median is reported).
        notebooks: lesson slugs to execute; None = all; "smallest" = the smallest file only.
        grade_lesson: lesson slug graded for figure 4; "smallest" = the smallest solution.
        notebook_timeout: per-cell timeout in seconds for executing and grading.
    """

    name: str = "full"
    threads: int | None = 2
    recipe: dict = field(default_factory=dict)
    test_size: int | None = None
    recipe_reduced: bool = False
    conv_shape: tuple = (32, 28, 28, 16, 32, 3)
    naive_shape: tuple = (1, 28, 28, 16, 32, 3)
    conv_repeats: int = 7
    notebooks: tuple | str | None = None
    grade_lesson: str = "smallest"
    notebook_timeout: int = 600

    def with_(self, **changes) -> "BenchConfig":
        return replace(self, **changes)


FULL = BenchConfig()

#: Under two minutes on 2 cores: 1 epoch on 10,000 images, one (the smallest) notebook.
QUICK = BenchConfig(
    name="quick",
    recipe={"epochs": 1, "train_size": 10_000},
    recipe_reduced=True,
    naive_shape=(1, 14, 14, 16, 32, 3),
    conv_repeats=3,
    notebooks="smallest",
)
