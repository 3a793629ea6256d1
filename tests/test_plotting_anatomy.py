"""The anatomy drawings of notebooks 02–04 draw what they claim."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from plate_unet.model import UNetConfig
from plate_unet.viz.plotting import (
    plot_curves,
    plot_image_row,
    plot_transposed_conv,
    plot_unet_architecture,
)


def test_transposed_conv_panels_and_sum():
    fig = plot_transposed_conv(np.array([[1, 2], [3, 4]]), np.ones((3, 3)))
    assert len(fig.axes) == 2 + 4 + 1
    total = fig.axes[-1].images[0].get_array()
    assert total.shape == (5, 5) and total.sum() == 9 * 10
    plt.close(fig)


def test_transposed_conv_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        plot_transposed_conv(np.ones(3), np.ones((3, 3)))


def test_architecture_has_a_box_per_level():
    fig = plot_unet_architecture(UNetConfig(height=64, width=64, depth=3))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "enc3\n64 × 16×16" in texts and "dec1\n16 × 64×64" in texts
    assert sum(t.startswith(("enc", "dec")) for t in texts) == 3 + 2
    plt.close(fig)


def test_image_row_and_curves():
    fig = plot_image_row({"a": np.zeros((4, 4, 1)), "b": np.ones((4, 4))})
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    fig2 = plot_curves([0, 1], {"x": [0, 1], "y": [1, 0]}, "p")
    assert len(fig2.axes[0].lines) == 2 + 1  # two curves and the zero line
    plt.close("all")
    with pytest.raises(ValueError, match="empty"):
        plot_image_row({})
