import numpy as np
import pytest

from cnncourse.deploy import teacher


def test_shipped_teacher_loads_and_classifies_the_test_images():
    assert teacher.WEIGHTS_FILE.stat().st_size < 600_000          # weights only, no optimizer state
    (x_train, y_train), (x_test, y_test) = teacher.deployment_data()
    assert x_train.shape == (12000, 28, 28, 1) and x_test.shape == (2000, 28, 28, 1)
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    model = teacher.load_teacher()
    accuracy = (np.asarray(model.predict(x_test, verbose=0)).argmax(axis=1) == y_test).mean()
    assert accuracy > 0.85, accuracy


def test_missing_teacher_weights_name_the_script(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_deployment_teacher"):
        teacher.load_teacher(tmp_path / "absent.weights.h5")
