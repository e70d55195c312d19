"""The ``skoptim compare`` command."""

import subprocess
import sys
from pathlib import Path

import pytest

from skoptim.cli import compare_solvers, format_table, main
from skoptim.optimizers import SOLVERS


@pytest.fixture(scope="module")
def compare_output():
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(["compare"])
    return status, buffer.getvalue()


def test_compare_prints_one_row_per_solver(compare_output):
    status, out = compare_output
    assert status == 0
    lines = out.strip().splitlines()
    assert "digits" in lines[0]
    assert lines[1].split() == [
        "solver",
        "epochs",
        "train",
        "loss",
        "test",
        "acc",
        "fit",
        "s",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:]}
    assert set(rows) == set(SOLVERS)
    for name, (epochs, loss, accuracy, seconds) in rows.items():
        assert 1 <= int(epochs) <= 200
        assert float(loss) > 0 and float(seconds) > 0
        # plain SGD at torch's default rate (1e-3) is the slow learner here
        assert float(accuracy) > (0.6 if name == "sgd" else 0.9), name


def test_compare_solvers_rows_are_measured():
    rows = compare_solvers(["nesterov"])
    assert [row["solver"] for row in rows] == ["nesterov"]
    row = rows[0]
    assert row["test_accuracy"] > 0.9 and row["fit_seconds"] > 0
    table = format_table(rows)
    assert table.splitlines()[2].startswith("nesterov")


def test_unknown_command_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["frobnicate"])
    assert excinfo.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_is_installed():
    """The ``skoptim`` entry point sits beside the interpreter running tests."""
    script = Path(sys.executable).parent / "skoptim"
    result = subprocess.run(
        [str(script), "compare", "--help"], capture_output=True, text=True, check=True
    )
    assert "digits" in result.stdout
