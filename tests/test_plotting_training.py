"""plot_learning_curves draws what notebook 05 says it draws."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from plate_unet.viz.plotting import plot_learning_curves

HISTORY = {
    "epoch": [0.0, 1.0, 2.0],
    "loss": [0.9, 0.6, 0.5],
    "val_loss": [1.0, 0.7, 0.8],
    "iou": [0.1, 0.4, 0.5],
    "val_iou": [0.2, 0.6, 0.55],
}


def test_one_panel_per_metric_with_training_and_validation():
    fig = plot_learning_curves(HISTORY, ("loss", "iou"))
    assert [ax.get_title() for ax in fig.axes] == ["loss", "iou"]
    loss_lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in loss_lines] == ["training", "validation"]
    assert loss_lines[0].get_xdata().tolist() == [1, 2, 3]  # epochs count from 1
    assert loss_lines[1].get_ydata().tolist() == [1.0, 0.7, 0.8]
    plt.close(fig)


def test_best_validation_epoch_is_marked_for_scores_not_losses():
    fig = plot_learning_curves(HISTORY, ("loss", "iou"))
    assert len(fig.axes[0].get_lines()) == 2
    marker = fig.axes[1].get_lines()[-1]
    assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (2, 0.6)
    plt.close(fig)


def test_history_without_validation_or_epoch_column():
    fig = plot_learning_curves({"loss": [3.0, 2.0]}, ("loss",))
    (line,) = fig.axes[0].get_lines()
    assert np.array_equal(line.get_xdata(), [1, 2])
    plt.close(fig)


def test_missing_metric_names_what_is_there():
    with pytest.raises(ValueError, match=r"dice.*'iou', 'loss'"):
        plot_learning_curves({"loss": [1.0], "iou": [0.5]}, ("dice",))


def test_epoch_ticks_are_whole_numbers_and_axes_are_labelled():
    fig = plot_learning_curves({"loss": [3.0, 2.0], "val_loss": [3.1, 2.5]}, ("loss",))
    ax = fig.axes[0]
    fig.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)  # no epoch 1.5
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "loss")
    plt.close(fig)
