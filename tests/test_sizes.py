"""One size rule: every size the package prints or parses is height × width, and
says so (``580×360 (H×W)``, ``--size HxW``)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

from plate_unet import cli
from plate_unet.data.letterbox import Letterbox
from plate_unet.data.masks import check_masks
from plate_unet.data.records import Sample
from plate_unet.errors import AnnotationError, UsageError
from plate_unet.training.presets import PRESETS

#: A size written as two numbers, ``256x160`` or ``256×160``.
SIZE = re.compile(r"(?<![\d.])(\d+) ?[x×] ?(\d+)(?![\d.])")
#: How the order is named next to a size.
ORDER = ("H×W", "HxW")


def sizes_and_order(text: str) -> list[tuple[int, int]]:
    """Every size in ``text`` as ``(first, second)``; fails where one does not
    name its order within the next 16 characters."""
    found = []
    for m in SIZE.finditer(text):
        after = text[m.end() : m.end() + 16]
        assert any(o in after for o in ORDER), f"{m.group(0)!r} without H×W: {text!r}"
        found.append((int(m.group(1)), int(m.group(2))))
    return found


def _help_texts() -> dict[str, str]:
    parser = cli.build_parser()
    texts = {"plate-unet": parser.format_help()}
    for action in parser._actions:
        if isinstance(action.choices, dict):
            for name, sub in action.choices.items():
                texts[name] = sub.format_help()
    return texts


def test_every_help_text_names_the_order_of_its_sizes():
    texts = _help_texts()
    assert {"generate", "train", "evaluate", "predict", "export", "demo"} <= set(texts)
    for name, text in texts.items():
        flat = " ".join(text.split())
        sizes_and_order(flat)
        assert "WxH" not in flat and "WIDTHx" not in flat, name
    for name in ("generate", "export"):
        flat = " ".join(texts[name].split())
        assert "--size HxW" in flat, name  # the metavar says the order too
    assert (1160, 720) in sizes_and_order(" ".join(texts["generate"].split()))


def test_the_cli_parses_sizes_height_first(tmp_path, capsys):
    assert cli.size_hw("580x360") == (580, 360) == cli.size_hw("580×360")
    assert cli.main(["generate", "--n", "1", "--out", "x", "--size", "580"]) == 2
    err = capsys.readouterr().err
    assert "'580'" in err and sizes_and_order(err) == [(1160, 720)]
    out = tmp_path / "g"
    argv = ["generate", "--n", "1", "--out", str(out), "--size", "96x64", "--quiet"]
    assert cli.main(argv) == 0
    from plate_unet.data.validate import image_size

    assert image_size(out / "images" / "00000.jpg") == (96, 64)


def test_empty_mask_error_prints_height_by_width():
    sample = Sample(
        "a.jpg", (np.array([[0, 0], [9, 0], [9, 3], [0, 3]]),), height=580, width=360
    )
    with pytest.raises(AnnotationError) as info:
        check_masks([sample], 8, 5)
    assert "EMPTY mask at 8×5 (H×W)" in str(info.value)
    assert sizes_and_order(str(info.value).splitlines()[0]) == [(8, 5)]


def test_make_dataset_names_its_size_height_first():
    from plate_unet.data.pipeline import make_dataset

    sample = Sample(
        "a.jpg", (np.array([[0, 0], [9, 0], [9, 3], [0, 3]]),), height=580, width=360
    )
    with pytest.raises(AnnotationError, match=r"at 16×10 \(H×W\)"):
        make_dataset([sample], 16, 10)


def test_sample_repr_is_height_by_width():
    text = repr(Sample("a.jpg", height=580, width=360))
    assert text.endswith("580×360 (H×W))")
    assert sizes_and_order(text) == [(580, 360)]


def test_preset_descriptions_give_the_model_size_height_first():
    for name, preset in PRESETS.items():
        sizes = sizes_and_order(preset.description)
        assert sizes == [(preset.unet.height, preset.unet.width)], name


def test_generate_letterbox_and_overlay_errors_are_height_by_width(tmp_path):
    from plate_unet.data.drawing import overlay_mask
    from plate_unet.data.synthetic.generate import generate_dataset

    with pytest.raises(ValueError) as info:
        generate_dataset(tmp_path / "g", 1, size=(20, 40), progress=False)
    assert sizes_and_order(str(info.value)) == [(20, 40)]
    with pytest.raises(ValueError) as info:
        Letterbox(4, 8, 8, 8).apply(np.ones((5, 8), np.uint8))
    assert sizes_and_order(str(info.value)) == [(5, 8), (4, 8)]
    with pytest.raises(ValueError) as info:
        overlay_mask(np.zeros((4, 6)), np.ones((6, 4)))
    assert sizes_and_order(str(info.value))[0] == (6, 4)


def test_a_corner_outside_the_image_names_its_size_height_first():
    from plate_unet.data.validate import check_plate

    with pytest.raises(AnnotationError) as info:
        check_plate([[-9, 0], [9, 0], [9, 4], [0, 4]], 10, 20)
    assert sizes_and_order(str(info.value)) == [(10, 20)]


def test_export_size_error_says_how_to_give_a_size():
    from plate_unet.inference.export import _fixed_input_shape

    any_size = SimpleNamespace(name="m", input_shape=(None, None, None, 1))
    with pytest.raises(UsageError) as info:
        _fixed_input_shape(any_size, None)
    assert "input_size=(height, width)" in str(info.value)
    assert "--size HxW" in str(info.value)
    assert _fixed_input_shape(any_size, (96, 64)) == (96, 64, 1)
