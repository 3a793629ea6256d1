"""The command line checks every flag and path itself, at once, before TensorFlow.

Each bad value is one line on stderr naming the flag, the value and what would be
valid, with exit status 2; anything that is not a project error is a bug and
keeps its traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from plate_unet import cli
from plate_unet.errors import ModelFileError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_IMAGES = ROOT / "data" / "sample" / "images"
PRETRAINED = ROOT / "plate_unet" / "inference" / "pretrained" / "teaching.keras"
IMG, MODEL = str(SAMPLE_IMAGES), str(PRETRAINED)


def _one_line(capsys, argv) -> str:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["generate", "--n", "0", "--out", "x"], ["--n", "'0'", ">= 1"]),
        (["generate", "--n", "many", "--out", "x"], ["--n", "'many'", ">= 1"]),
        (["generate", "--n", "2", "--out", "x", "--workers", "0"], ["--workers"]),
        (["generate", "--n", "2", "--out", "x", "--seed", "-1"], ["'-1'", ">= 0"]),
        (["generate", "--n", "2", "--out", "x", "--size", "720"], ["'720'", "H×W"]),
        (["generate", "--n", "2", "--out", "x", "--size", "8x8"], ["'8x8'", "32"]),
        (["train", "--preset", "huge"], ["--preset", "'huge'", "teaching"]),
        (["train", "--epochs", "0"], ["--epochs", "'0'", ">= 1"]),
        (["train", "--data", "/nope/labels.csv"], ["--data", "/nope", "annotation"]),
        (["train", "--val", str(SAMPLE_IMAGES)], ["--val needs --data"]),
        (["evaluate", "--data", "/nope"], ["--data", "/nope", "not found"]),
        (
            ["evaluate", "--data", str(SAMPLE_IMAGES), "--iou", "1.5"],
            ["--iou", "'1.5'", "0 to 1"],
        ),
        (
            ["evaluate", "--data", str(SAMPLE_IMAGES), "--match-on", "disc"],
            ["--match-on", "'disc'", "box"],
        ),
        (["predict", "--images", "/nope", "--out", "x"], ["--images", "/nope"]),
        (
            [
                "predict",
                "--images",
                str(SAMPLE_IMAGES),
                "--out",
                "x",
                "--threshold",
                "-1",
            ],
            ["--threshold", "'-1'", "0 to 1"],
        ),
        (
            ["predict", "--images", str(ROOT / "plate_unet"), "--out", "x"],
            ["no images in", "plate_unet", ".jpg"],
        ),
        (
            [
                "predict",
                "--images",
                str(SAMPLE_IMAGES),
                "--out",
                "x",
                "--model",
                "/no.keras",
            ],
            ["--model", "/no.keras", "not found"],
        ),
        (
            ["export", "--model", str(PRETRAINED), "--out", "m.h5"],
            ["--out m.h5", ".keras"],
        ),
        (
            ["export", "--model", str(PRETRAINED), "--out", "m", "--format", "pb"],
            ["--format", "'pb'", "tflite"],
        ),
        (
            [
                "export",
                "--model",
                str(PRETRAINED),
                "--out",
                "m.keras",
                "--size",
                "64x64",
            ],
            ["--size", "tflite"],
        ),
        (["demo", "--epochs", "-2"], ["--epochs", "'-2'"]),
        (["demo", "--images", "/nope"], ["--images", "/nope", "not found"]),
        (["demo", "--pretrained", "--images", str(SAMPLE_IMAGES)], ["--pretrained"]),
    ],
)
def test_a_bad_flag_is_one_line_naming_the_value_and_what_is_valid(capsys, argv, named):
    line = _one_line(capsys, argv)
    assert line.startswith(f"plate-unet {argv[0]}: error: "), line
    for text in named:
        assert text in line, (text, line)


def test_no_sub_command_exits_2_with_the_usage():
    done = subprocess.run(
        [sys.executable, "-m", "plate_unet.cli"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("usage: plate-unet") and "COMMAND" in done.stderr


CHECK_LIGHT = """
import sys
from plate_unet import cli
codes = [
    cli.main(["predict", "--images", "/nope", "--out", "x"]),
    cli.main(["predict", "--images", {images!r}, "--out", "x", "--model", {bad!r}]),
    cli.main(["evaluate", "--data", {images!r}, "--threshold", "7"]),
    cli.main(["export", "--model", {model!r}, "--out", "x.onnx", "--format", "keras"]),
    cli.main(["demo", "--images", {empty!r}]),
    cli.main(["train", "--data", "/nope"]),
]
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
print(codes, "HEAVY", heavy[:3])
"""


def test_bad_flags_and_paths_are_answered_without_loading_tensorflow(tmp_path):
    bad = tmp_path / "bad.keras"
    bad.write_text("not a model")
    empty = tmp_path / "empty"
    empty.mkdir()
    code = CHECK_LIGHT.format(
        images=str(SAMPLE_IMAGES), bad=str(bad), model=str(PRETRAINED), empty=str(empty)
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "[2, 2, 2, 2, 2, 2] HEAVY []" in done.stdout, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 6, done.stderr


def test_a_bug_shows_its_traceback(monkeypatch, tmp_path):
    def broken(args):
        raise ValueError("an internal mistake")

    monkeypatch.setattr(cli, "_run_generate", broken)
    with pytest.raises(ValueError, match="an internal mistake"):
        cli.main(["generate", "--n", "1", "--out", str(tmp_path / "g")])


def test_a_project_error_shows_its_traceback_under_v(monkeypatch, tmp_path, capsys):
    def refuses(args):
        raise ModelFileError("m.keras is of another architecture")

    monkeypatch.setattr(cli, "_run_generate", refuses)
    argv = ["generate", "--n", "1", "--out", str(tmp_path / "g")]
    assert cli.main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert cli.main(["-v", *argv]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "ModelFileError" in err
    assert err.strip().splitlines()[-1].endswith("m.keras is of another architecture")


def test_a_keras_file_that_is_no_zip_is_called_so(tmp_path, capsys):
    notes = tmp_path / "notes.keras"
    notes.write_text("some text, not a model")
    argv = ["predict", "--images", str(SAMPLE_IMAGES), "--out", str(tmp_path / "o")]
    line = _one_line(capsys, [*argv, "--model", str(notes)])
    assert "notes.keras is not a Keras .keras archive (a zip file)" in line
    assert "not found" not in line


def test_a_zip_keras_cannot_load_gets_its_own_message(tmp_path):
    from plate_unet.inference.model_file import load_model

    other = tmp_path / "other.keras"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("readme.txt", "not a Keras archive")
    with pytest.raises(ModelFileError) as info:
        load_model(other)
    text = str(info.value)
    assert "other.keras is a zip archive that Keras cannot load" in text
    assert "not a Keras .keras archive" not in text and "not found" not in text


def test_required_inputs_read_the_same_on_every_sub_command():
    parser = cli.build_parser()
    seen: dict[str, set] = {}
    for sub in _sub_commands(parser).values():
        for action in sub._actions:
            flag = action.option_strings[0] if action.option_strings else None
            if flag in ("--data", "--images", "--model"):
                help_text = action.help.split(" (default")[0].split("; default")[0]
                seen.setdefault(flag, set()).add((action.metavar, help_text[:30]))
    assert set(seen) == {"--data", "--images", "--model"}
    for flag, ways in seen.items():
        assert len(ways) == 1, (flag, ways)


def _sub_commands(parser) -> dict:
    for action in parser._actions:
        if action.choices and isinstance(action.choices, dict):
            return dict(action.choices)
    raise AssertionError("no sub-commands")


def test_presets_and_the_cli_help_import_no_tensorflow():
    code = (
        "import sys\n"
        "import plate_unet.training.presets\n"
        "from plate_unet import cli\n"
        "cli.build_parser()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tensorflow', 'keras'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr


def test_auto_verbosity_is_a_bar_on_a_terminal_and_lines_in_a_log(monkeypatch):
    from plate_unet.training.fit import fit_verbosity

    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.setattr(sys, "stdout", Stream(True))
    assert fit_verbosity("auto") == 1
    monkeypatch.setattr(sys, "stdout", Stream(False))
    assert fit_verbosity("auto") == 2
    assert fit_verbosity(0) == 0


def test_demo_help_says_ccpd_style_and_has_no_default_photos(capsys):
    with pytest.raises(SystemExit):
        cli.main(["demo", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "CCPD-style" in text and "protocol" not in text
    assert "shared" not in text and "runs/pretrained" in text


def test_a_many_line_project_error_is_one_line_that_keeps_the_detail(
    monkeypatch, tmp_path, capsys
):
    from plate_unet.errors import AnnotationError

    def refuses(args):
        rows = "\n".join(f"  labels.csv line {k}: corner outside" for k in range(9))
        raise AnnotationError(f"9 problem(s) in labels.csv:\n{rows}")

    monkeypatch.setattr(cli, "_run_generate", refuses)
    line = _one_line(capsys, ["generate", "--n", "1", "--out", str(tmp_path / "g")])
    assert "9 problem(s) in labels.csv: labels.csv line 0: corner outside" in line
    assert "line 2: corner outside ... and 6 more line(s) (-v shows them all)" in line


def test_a_bad_out_or_data_answers_before_tensorflow(tmp_path):
    """--out that cannot be a folder, and annotations that cannot be read, are
    one line naming the flag, before TensorFlow loads."""
    a_file = tmp_path / "taken.csv"
    a_file.write_text("x")
    empty = tmp_path / "empty"
    empty.mkdir()
    code = (
        "import sys\n"
        "from plate_unet import cli\n"
        "status = cli.main(sys.argv[1:])\n"
        "assert 'tensorflow' not in sys.modules\n"
        "sys.exit(status)\n"
    )
    for argv, named in [
        (["predict", "--images", IMG, "--out", str(a_file)], "is not a folder"),
        (["generate", "--n", "2", "--out", str(a_file)], "is not a folder"),
        (["evaluate", "--data", str(empty)], "argument --data:"),
        (["train", "--data", str(empty)], "argument --data:"),
    ]:
        done = subprocess.run(
            [sys.executable, "-c", code, *argv], capture_output=True, text=True
        )
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1, (argv, done.stderr)
        assert named in lines[0] and done.stdout == "", (argv, lines, done.stdout)
