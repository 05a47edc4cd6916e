#!/usr/bin/env python
"""Record lesson 17's two distillation studies (too long to run inside the lesson); the lesson re-runs a seed of each.

1. Transfer set: a tiny student (4/8 filters, 16 dense units) trained on its 1,000 true labels, or on the first
   6,000 training images labelled by the teacher's top class, or (for reference) on all 12,000 true labels;
   batches of 64, test accuracy after 200, 400 and 700 steps; seeds 17, 18, 19.
2. Soft vs hard targets: for the tiny student and a teacher-sized one (16/32, 64), per seed one student on the
   teacher's hard labels and one on its soft targets (T = 4, alpha = 0) of the first 300 training images,
   30 epochs of batches of 32; test accuracies and the soft-target loss each soft student leaves on its images.

Writes data/distillation_studies.json. About 5 min on 2 CPU cores.

    python scripts/distillation_study.py
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

SEEDS = (17, 18, 19)
TINY, TEACHER_SIZED = dict(filters=[4, 8], dense=16), dict(filters=[16, 32], dense=64)
TRANSFER = dict(labelled_images=1000, transfer_images=6000, batch_size=64, stages=[200, 400, 700], learning_rate=2e-3)
SOFT_VS_HARD = dict(transfer_images=300, epochs=30, batch_size=32, temperature=4.0, learning_rate=2e-3)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--out", type=Path, default=None, help="record file (default: the one lesson 17 reads)")
    args = parser.parse_args(argv)

    from cnncourse.course.files import write_record
    from cnncourse.course.repro import start_script

    start_script(0)
    import keras
    import numpy as np

    from cnncourse.deploy import compression
    from cnncourse.deploy.teacher import deployment_data, load_teacher

    (x_train, y_train), (x_test, y_test) = deployment_data()
    teacher = load_teacher()
    test_accuracy = lambda model: float((np.asarray(model.predict(x_test, batch_size=1000, verbose=0)).argmax(axis=1)
                                         == y_test).mean())
    record = {"teacher_test_accuracy": test_accuracy(teacher), "seeds": list(SEEDS)}
    start = time.perf_counter()

    n_lab, n_transfer = TRANSFER["labelled_images"], TRANSFER["transfer_images"]
    teacher_top = np.asarray(teacher.predict(x_train[:n_transfer], verbose=0)).argmax(axis=1)
    datasets = {"labels only": (x_train[:n_lab], y_train[:n_lab]), "teacher's labels": (x_train[:n_transfer], teacher_top),
                "all true labels": (x_train, y_train)}   # what the student reaches with 12,000 true labels: its capacity
    transfer = {"settings": dict(TRANSFER, student=TINY), "accuracy": {}}
    for name, (x, y) in datasets.items():
        per_stage = {str(s): [] for s in TRANSFER["stages"]}
        for seed in SEEDS:
            model = compression.student(TINY, seed)
            for done in compression.train_in_stages(model, x, y, keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                                                    TRANSFER["stages"], batch_size=TRANSFER["batch_size"], seed=seed,
                                                    learning_rate=TRANSFER["learning_rate"]):
                per_stage[str(done)].append(test_accuracy(model))
        transfer["accuracy"][name] = per_stage
        print("transfer", name, json.dumps(per_stage), flush=True)
    record["transfer_set"] = transfer

    x_small = x_train[:SOFT_VS_HARD["transfer_images"]]
    small_logits = np.asarray(teacher.predict(x_small, verbose=0))
    soft_loss = compression.soft_target_loss(SOFT_VS_HARD["temperature"])
    soft_vs_hard = {"settings": dict(SOFT_VS_HARD, sizes={"tiny": TINY, "teacher-sized": TEACHER_SIZED}), "students": {}}
    for size, shape in soft_vs_hard["settings"]["sizes"].items():
        students = compression.hard_and_soft_students(
            small_logits, x_small, shape, SEEDS, epochs=SOFT_VS_HARD["epochs"], batch_size=SOFT_VS_HARD["batch_size"],
            temperature=SOFT_VS_HARD["temperature"], learning_rate=SOFT_VS_HARD["learning_rate"])
        soft_vs_hard["students"][size] = {
            "params": students["hard"][0].count_params(),
            "hard": [test_accuracy(m) for m in students["hard"]],
            "soft": [test_accuracy(m) for m in students["soft"]],
            "soft_loss_left": [float(np.mean(soft_loss(small_logits, m(x_small)))) for m in students["soft"]]}
        print("soft vs hard", size, json.dumps(soft_vs_hard["students"][size]), flush=True)
    record["soft_vs_hard"] = soft_vs_hard
    record["seconds"] = round(time.perf_counter() - start, 1)
    out = args.out or compression.DISTILLATION_RECORD
    write_record(out, record)
    print(f"{record['seconds']:.0f} s; record -> {out}")


if __name__ == "__main__":
    main()
