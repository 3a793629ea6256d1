"""The anatomy drawings of notebooks 02–04 draw what they claim."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from plate_unet.viz.plotting import (
    ROW_WIDTH,
    plot_curves,
    plot_feature_maps,
    plot_image_row,
    plot_transposed_conv,
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


def test_feature_maps_show_the_input_in_grey_and_each_map_with_a_colour_bar():
    x = np.linspace(0, 1, 64 * 40).reshape(64, 40, 1)
    maps = {
        "enc1 ch 0": np.ones((64, 40)),
        "enc3 ch 2": np.arange(160.0).reshape(16, 10),
    }
    fig = plot_feature_maps(x, maps)
    images, bars = fig.axes[:3], fig.axes[3:]
    assert images[0].get_title() == "input"
    assert images[0].images[0].get_cmap().name == "gray"
    assert images[2].get_title() == "enc3 ch 2\n16×10 (H×W)"
    assert images[2].images[0].get_cmap().name == "viridis"
    assert len(bars) == 2  # one colour bar per map, none for the input
    assert bars[1].get_xlim() == pytest.approx((0, 159))  # the map's own range
    plt.close(fig)
    with pytest.raises(ValueError, match="shape"):
        plot_feature_maps(x, {"bad": np.ones((4, 4, 2))})


def test_rows_stay_within_a_notebook_width():
    fig = plot_image_row({str(i): np.zeros((8, 8)) for i in range(6)})
    assert fig.get_size_inches()[0] == ROW_WIDTH
    plt.close(fig)


def test_image_row_and_curves():
    fig = plot_image_row({"a": np.zeros((4, 4, 1)), "b": np.ones((4, 4))})
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    fig2 = plot_curves([0, 1], {"x": [0, 1], "y": [1, 0]}, "p")
    assert len(fig2.axes[0].lines) == 2 + 1  # two curves and the zero line
    plt.close("all")
    with pytest.raises(ValueError, match="empty"):
        plot_image_row({})
