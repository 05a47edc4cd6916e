#!/usr/bin/env python
"""Train lesson 17's model to deploy (cnncourse.deploy.teacher.train_teacher) and store its weights.

Writes data/deployment_teacher.weights.h5, which lesson 17 loads. Seed 0, TensorFlow op determinism,
2 threads (as the lessons run); about 20 s on 2 CPU cores. Prints the test accuracy on the lesson's
2,000 test images.

    python scripts/train_deployment_teacher.py
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="weights file (default: the one lesson 17 loads)")
    args = parser.parse_args(argv)

    from cnncourse.course.repro import start_script

    start_script(args.seed)
    import numpy as np

    from cnncourse.deploy import teacher as deployment

    (x_train, y_train), (x_test, y_test) = deployment.deployment_data()
    start = time.perf_counter()
    model = deployment.train_teacher(x_train, y_train, seed=args.seed)
    seconds = time.perf_counter() - start
    accuracy = float((np.asarray(model.predict(x_test, verbose=0)).argmax(axis=1) == y_test).mean())
    out = args.out or deployment.WEIGHTS_FILE
    weights_only = deployment.edge_cnn(**deployment.SHAPE, name="teacher")   # no optimizer state in the file
    weights_only.set_weights(model.get_weights())
    weights_only.save_weights(str(out))
    print(f"trained in {seconds:.0f} s; test accuracy {accuracy:.3f}; weights -> {out}")


if __name__ == "__main__":
    main()
