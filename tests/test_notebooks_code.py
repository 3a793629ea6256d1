"""Code taught in the notebooks is the package's code: both build the same layers.

Notebook 02 writes ``conv_block``, ``encoder_block`` and ``decoder_block`` by hand
in cells marked ``# Same as plate_unet.model.unet.<name>``. This test runs those
cells and compares what they build with :mod:`plate_unet.model.unet`, layer by
layer: names, types, output shapes and parameter counts.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import pytest

from plate_unet import model as package
from plate_unet.model import UNetConfig

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MARK = "# Same as plate_unet.model.unet."
CONFIG = UNetConfig(height=64, width=64, base_filters=4, depth=3)


def taught_functions(notebook: str) -> dict:
    """Runs the marked cells of ``notebook``; returns the functions they define."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    namespace = {"keras": keras, "layers": keras.layers}
    names = []
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and source.startswith(MARK):
            names.append(source.splitlines()[0].removeprefix(MARK).strip())
            exec(compile(source, f"{notebook}:{names[-1]}", "exec"), namespace)
    return {name: namespace[name] for name in names}


def facts(model: keras.Model) -> list[tuple]:
    return [
        (la.name, type(la).__name__, tuple(la.output.shape), la.count_params())
        for la in model.layers
    ]


@pytest.fixture(scope="module")
def taught():
    return taught_functions("02_unet_building_blocks.ipynb")


def test_notebook_02_teaches_the_three_blocks(taught):
    assert set(taught) == {"conv_block", "encoder_block", "decoder_block"}


@pytest.mark.parametrize("name", ["conv_block", "encoder_block"])
def test_taught_block_builds_the_package_layers(taught, name):
    built = []
    for fn in (taught[name], getattr(package, name)):
        inputs = keras.Input((64, 64, 2), name="x")
        if name == "conv_block":
            out = fn(inputs, 8, 0.2, "enc2", CONFIG)
        else:
            out = [t for t in fn(inputs, 2, CONFIG) if t is not None]
        built.append(facts(keras.Model(inputs, out)))
    assert built[0] == built[1]
    assert len(built[0]) > 3


def test_taught_decoder_block_builds_the_package_layers(taught):
    built = []
    for fn in (taught["decoder_block"], package.decoder_block):
        x = keras.Input((16, 16, 16), name="x")
        skip = keras.Input((32, 32, 8), name="skip")
        out = fn(x, skip, 2, CONFIG)
        built.append(facts(keras.Model([x, skip], out)))
    assert built[0] == built[1]


def test_taught_blocks_assemble_the_package_unet(taught):
    inputs = keras.Input((64, 64, 1), name="image")
    x, skips = inputs, []
    for level in range(1, CONFIG.depth + 1):
        skip, pooled = taught["encoder_block"](x, level, CONFIG)
        skips.append(skip)
        x = skip if pooled is None else pooled
    for level in range(CONFIG.depth - 1, 0, -1):
        x = taught["decoder_block"](x, skips[level - 1], level, CONFIG)
    head = keras.layers.Conv2DTranspose(
        1, 3, padding="same", activation="sigmoid", dtype="float32", name="output"
    )
    ours = keras.Model(inputs, head(x))
    assert facts(ours) == facts(package.build_unet(CONFIG))
