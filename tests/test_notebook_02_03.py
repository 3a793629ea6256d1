"""What notebooks 02 and 03 claim about convolutions and sizes holds.

* Notebook 02 writes a convolution by hand, in the cell marked
  ``# Same as keras.layers.Conv2D``; this test runs that cell and checks that it
  gives Keras' ``Conv2D`` numbers and, with a flipped kernel, a stride-1
  ``Conv2DTranspose``'s (the reference's head), as the notebook says.
* Notebook 03 says a 1152×720 U-Net first fails at ``dec5_concat``, 44 columns
  against 45; the package's blocks must still behave so.
* Both notebooks keep their code cells short, with prose before each, and their
  cell ids unique.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest

from plate_unet.model import UNetConfig
from plate_unet.model.unet import decoder_block, encoder_block

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CONV_MARK = "# Same as keras.layers.Conv2D"
TAUGHT = ["02_unet_building_blocks.ipynb", "03_assemble_the_unet.ipynb"]


def notebook_cells(name: str) -> list[dict]:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]


@pytest.fixture(scope="module")
def conv2d_same():
    """The hand-written convolution of notebook 02, run from its cell."""
    marked = [
        "".join(c["source"])
        for c in notebook_cells(TAUGHT[0])
        if c["cell_type"] == "code" and "".join(c["source"]).startswith(CONV_MARK)
    ]
    assert len(marked) == 1, f"expected one cell starting with {CONV_MARK!r}"
    namespace = {"np": np}
    exec(compile(marked[0], f"{TAUGHT[0]}:conv2d_same", "exec"), namespace)
    return namespace["conv2d_same"]


@pytest.mark.parametrize(
    ("k", "c_in", "c_out", "h", "w"),
    [(3, 2, 4, 6, 7), (5, 1, 3, 9, 8), (2, 3, 2, 5, 5), (1, 2, 2, 4, 3)],
)
def test_hand_written_conv_matches_keras(conv2d_same, k, c_in, c_out, h, w):
    keras.utils.set_random_seed(k)
    x = np.random.default_rng(k).standard_normal((1, h, w, c_in)).astype("float32")
    conv = keras.layers.Conv2D(
        c_out, k, padding="same", bias_initializer="random_normal"
    )
    expected = conv(x).numpy()[0]
    got = conv2d_same(x[0], conv.kernel.numpy(), conv.bias.numpy())
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_stride_one_transposed_conv_is_a_flipped_conv(conv2d_same):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(1).standard_normal((1, 5, 6, 3)).astype("float32")
    tconv = keras.layers.Conv2DTranspose(
        2, 3, padding="same", bias_initializer="random_normal"
    )
    expected = tconv(x).numpy()[0]
    flipped = tconv.kernel.numpy()[::-1, ::-1].transpose(0, 1, 3, 2)
    got = conv2d_same(x[0], flipped, tconv.bias.numpy())
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_width_720_fails_first_at_dec5_concat():
    config = UNetConfig(height=None, width=None)
    x = keras.Input((1152, 720, 1))
    skips = []
    for level in range(1, config.depth + 1):  # the encoder builds
        skip, pooled = encoder_block(x, level, config)
        skips.append(skip)
        x = skip if pooled is None else pooled
    assert tuple(skips[4].shape[1:3]) == (72, 45)
    with pytest.raises(ValueError, match=r"\(None, 72, 44, 256\), \(None, 72, 45"):
        decoder_block(x, skips[4], 5, config)


@pytest.mark.parametrize("name", TAUGHT)
def test_cells_are_short_with_prose_before_and_unique_ids(name):
    cells = notebook_cells(name)
    ids = [c["id"] for c in cells]
    assert len(ids) == len(set(ids))
    for before, cell in zip(cells, cells[1:], strict=False):
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        assert before["cell_type"] == "markdown", (name, source[:60])
        if "import_tensorflow" not in source:  # the set-up cell holds every import
            assert len(source.splitlines()) <= 15, (name, source[:60])
