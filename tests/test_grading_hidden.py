"""Hidden cases: the course's answers pass them under any grading seed; an answer tuned to the public cases does not.

For each exercise with hidden cases, a "public-shapes" answer is built: it runs the course's
reference when the call's shapes and settings are ones the learner's own check cell uses,
and returns a slightly wrong value otherwise (what a learner gets by special-casing the
shapes they saw). It passes the learner's own check and fails under grading; for exercises
whose public shapes and settings do not depend on the seed, it passes grading with the hidden
cases removed, so it is the hidden cases that catch it.
"""
import numpy as np
import pytest

from cnncourse.analysis import classical
from cnncourse.checks import REGISTRY, CheckFailed
from cnncourse.checks.expect import use_case_seed
from cnncourse.checks.hidden import HIDDEN_CASES
from cnncourse.data.imagenet import top_k
from cnncourse.deploy.compression import distillation_loss_np, low_rank_factors, magnitude_mask, quant_params
from cnncourse.ops.attention import scaled_dot_product_attention
from cnncourse.training.augmentation import random_translate
from cnncourse.training.initialization import glorot_uniform, he_normal
from cnncourse.training.schedules import warmup_cosine_lr
from cnncourse.training.semi_supervised import select_pseudo_labels
from cnncourse.vision import boxes, interpret, masks, robustness
from cnncourse.vision.transfer import freeze_all_but_top

REFERENCES = {
    "07.he_init": (he_normal, glorot_uniform),
    "07.cosine_schedule": (warmup_cosine_lr,),
    "09.random_translate": (random_translate,),
    "12.top_k": (top_k,),
    "12.freeze_base": (freeze_all_but_top,),
    "13.grad_cam": (interpret.grad_cam,),
    "13.saliency": (interpret.saliency,),
    "14.iou": (boxes.iou,),
    "14.nms": (lambda b, s, t: boxes.nms(b, s, t),),
    "14.per_class_iou": (masks.per_class_iou,),
    "14.average_precision": (boxes.average_precision,),
    "16.hog_features": (classical.hog_features,),
    "16.evaluate_classifier": (classical.evaluate_classifier,),
    "17.magnitude_prune": (lambda w, s: w * magnitude_mask(w, s),),
    "17.low_rank_dense": (low_rank_factors,),
    "17.distillation_loss": (distillation_loss_np,),
    "17.quant_params": (quant_params,),
    "18.pseudo_label_select": (select_pseudo_labels,),
    "18.self_attention": (scaled_dot_product_attention,),
    "18.fgsm": (robustness.fgsm,),
}
# Their public cases draw settings (not only values) from the seed, so the secret seed alone already
# changes what the public-shapes answer sees; the hidden cases add to that.
SEED_DRAWN_SETTINGS = {"07.cosine_schedule", "14.average_precision", "17.quant_params", "18.fgsm"}
SLOW = {"12.freeze_base", "13.grad_cam", "13.saliency", "18.fgsm"}


def signature(value):
    """What a learner special-casing the public cases keys on: shapes, dtypes and settings, not random values."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str)
    if isinstance(value, (list, tuple)):
        return tuple(signature(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, signature(v)) for k, v in value.items()))
    if value is None or isinstance(value, (bool, int, float, str, np.integer, np.floating)):
        return repr(value)
    return type(value).__name__   # a model, a generator, an estimator


def spoil(value):
    """A slightly wrong value of the same kind."""
    if isinstance(value, np.ndarray):
        if value.dtype == bool:
            return ~value
        return value + (1 if np.issubdtype(value.dtype, np.integer) else 0.5) if value.size else np.ones(1)
    if isinstance(value, tuple):
        return tuple(spoil(v) for v in value)
    if isinstance(value, list):
        return [spoil(v) for v in value]
    if isinstance(value, dict):
        return {k: spoil(v) for k, v in value.items()}
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value + 0.5
    return value + 0.5   # a tensor


def public_shapes_answer(exercise_id):
    """Learner functions that are right on the public cases' shapes and settings, wrong elsewhere."""
    references, seen = REFERENCES[exercise_id], set()

    def recording(index, fn):
        def record(*args, **kwargs):
            seen.add((index, signature(args), signature(kwargs)))
            return fn(*args, **kwargs)
        return record

    REGISTRY[exercise_id].checker(*[recording(i, fn) for i, fn in enumerate(references)])   # the learner's own check

    def tuned(index, fn):
        def answer(*args, **kwargs):
            if (index, signature(args), signature(kwargs)) in seen:
                return fn(*args, **kwargs)
            return None if exercise_id == "12.freeze_base" else spoil(fn(*args, **kwargs))   # in place: do nothing
        return answer

    return [tuned(i, fn) for i, fn in enumerate(references)]


def seeds(exercise_id):
    return (101, 202) if exercise_id in SLOW else (101, 202, 303)


def test_every_exercise_with_shapes_or_settings_has_hidden_cases():
    by_lesson = {}
    for ex in REGISTRY:
        by_lesson.setdefault(ex.split(".")[0], []).append(ex)
    for lesson in ("07", "09", "12", "13", "14", "16", "17", "18"):
        judged_in_kernel = {"09.build_augmenter"}   # a Keras model's settings: no shapes to vary
        missing = [ex for ex in by_lesson[lesson] if ex not in HIDDEN_CASES and ex not in judged_in_kernel]
        assert not missing, f"exercises without hidden cases: {missing}"


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_reference_answers_pass_the_hidden_cases_under_several_seeds(exercise_id, capsys):
    assert HIDDEN_CASES[exercise_id]
    for seed in seeds(exercise_id):
        with use_case_seed(seed):
            REGISTRY[exercise_id].checker(*REFERENCES[exercise_id])
        assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
def test_an_answer_tuned_to_the_public_cases_passes_its_own_check_but_fails_grading(exercise_id, capsys, monkeypatch):
    answer = public_shapes_answer(exercise_id)
    REGISTRY[exercise_id].checker(*answer)                       # the learner's own check cell passes
    assert "passed" in capsys.readouterr().out
    for seed in seeds(exercise_id):
        with use_case_seed(seed), pytest.raises(CheckFailed):
            REGISTRY[exercise_id].checker(*answer)
    if exercise_id not in SEED_DRAWN_SETTINGS:                  # it is the hidden cases that catch it
        monkeypatch.delitem(HIDDEN_CASES, exercise_id)
        with use_case_seed(seeds(exercise_id)[0]):
            REGISTRY[exercise_id].checker(*answer)
        assert "passed" in capsys.readouterr().out
