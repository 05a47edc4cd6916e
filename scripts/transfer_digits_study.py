#!/usr/bin/env python
"""Record lesson 12's digits study (section 5) over three label draws; the lesson re-runs the first one live.

Four ways to learn 500 labelled MNIST digits (cnncourse.vision.transfer.DigitsTransfer): a linear head on the whole
frozen EfficientNet-Lite0 (96x96), that head plus fine-tuning the top blocks, a linear head on block 13's map, a tiny
CNN from scratch. Writes data/transfer_digits_study.json (seeds 0, 1, 2). About 90 s on 2 CPU cores.

    python scripts/transfer_digits_study.py
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

SEEDS = (0, 1, 2)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--out", type=Path, default=None, help="record file (default: the one lesson 12 reads)")
    args = parser.parse_args(argv)

    from cnncourse.course.files import write_record
    from cnncourse.course.repro import start_script

    start_script(0)
    from cnncourse.data import load_mnist5k
    from cnncourse.models import efficientnet_lite as effnet
    from cnncourse.vision import transfer

    start = time.perf_counter()
    digits, labels = load_mnist5k()
    study = transfer.DigitsTransfer(effnet.pretrained_efficientnet_lite0((96, 96, 3), include_top=False), digits, labels)
    runs = {str(seed): study.run(seed) for seed in SEEDS}
    record = {"seeds": list(SEEDS), "labelled": 500, "test": len(study.l_test), "runs": runs,
              "seconds": round(time.perf_counter() - start, 1)}
    out = args.out or transfer.DIGITS_RECORD
    write_record(out, record)
    print(json.dumps(runs, indent=1))
    print(f"{record['seconds']:.0f} s; record -> {out}")


if __name__ == "__main__":
    main()
