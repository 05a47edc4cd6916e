"""`cnncourse doctor` reports what is there and fails, with a fix, when something is missing."""
from typer.testing import CliRunner

from cnncourse.course import doctor
from cnncourse.course.cli import app
from cnncourse.data import fashion_mnist


def test_doctor_passes_on_a_ready_machine():
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "tensorflow" in result.output and "Fashion-MNIST" in result.output and "CPU threads" in result.output


def test_doctor_fails_with_a_fix_when_fashion_mnist_is_missing(tmp_path, monkeypatch):
    monkeypatch.delenv(fashion_mnist.DIR_ENV, raising=False)
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", tmp_path)
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "apt-get install -y dataset-fashion-mnist" in result.output


def test_doctor_names_a_missing_package(monkeypatch):
    monkeypatch.setattr(doctor, "PACKAGES", doctor.PACKAGES + [("surely-not-installed-pkg", "a test")])
    rows = {name: (found, fix) for name, found, fix in doctor.check_packages()}
    assert rows["surely-not-installed-pkg"][0] == "MISSING"
    assert "requirements.txt" in rows["surely-not-installed-pkg"][1]
    assert rows["keras"][1] is None
