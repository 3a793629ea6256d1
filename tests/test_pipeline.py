"""tf.data pipeline: shapes, dtypes, masks where the plates are, cache, seeds."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import tensorflow as tf

from plate_unet.data import pipeline
from plate_unet.data.images import read_image, to_channels
from plate_unet.data.letterbox import Letterbox, letterbox_plates
from plate_unet.data.masks import rasterize
from plate_unet.data.pipeline import make_dataset
from plate_unet.data.readers import load_annotations
from plate_unet.data.records import Sample
from plate_unet.errors import AnnotationError

H, W = 64, 48


def _scene(folder: Path, i: int, size=(80, 60), ext=".png") -> Sample:
    """An image whose bright rectangle is exactly the annotated plate."""
    w, h = size
    img = np.full((h, w, 3), 40, np.uint8)
    x0, y0 = 5 + 3 * i, 10 + 2 * i
    img[y0 : y0 + 12, x0 : x0 + 30] = 250
    path = folder / f"{i}{ext}"
    cv2.imwrite(str(path), img)
    plate = [[x0, y0], [x0 + 29, y0], [x0 + 29, y0 + 11], [x0, y0 + 11]]
    return Sample(path, (np.array(plate, np.float32),))


@pytest.fixture
def samples(tmp_path):
    return [_scene(tmp_path, i) for i in range(5)]


def test_batches_have_the_contract_shapes_and_ranges(samples):
    ds = make_dataset(samples, H, W, batch_size=2)
    batches = list(ds)
    assert [b[0].shape[0] for b in batches] == [2, 2, 1]
    image, mask = batches[0]
    assert image.shape == (2, H, W, 1) and image.dtype == tf.float32
    assert mask.shape == (2, H, W, 1) and mask.dtype == tf.float32
    assert 0.0 <= float(tf.reduce_min(image)) and float(tf.reduce_max(image)) <= 1.0
    assert set(np.unique(mask.numpy())) == {0.0, 1.0}
    rgb, _ = next(iter(make_dataset(samples, H, W, channels=3, batch_size=2)))
    assert rgb.shape == (2, H, W, 3)


def test_mask_lies_on_the_bright_plate(samples):
    for image, mask in make_dataset(samples, H, W, batch_size=5):
        image, mask = image.numpy(), mask.numpy()
        for k in range(len(samples)):
            on = image[k][mask[k] > 0.5]
            off = image[k][mask[k] < 0.5]
            assert on.size > 50
            assert on.mean() > 0.9 and off.mean() < 0.3  # mask = the bright box


def test_pipeline_matches_letterbox_of_the_numpy_path(samples):
    s = samples[0]
    image, mask = next(iter(make_dataset([s], H, W, batch_size=1)))
    box = Letterbox(60, 80, H, W)
    grey = cv2.cvtColor(cv2.imread(str(s.image_path)), cv2.COLOR_BGR2GRAY)
    expected = box.apply(grey).astype(np.float32) / 255
    assert np.abs(image.numpy()[0, ..., 0] - expected).max() < 1e-6
    sized = Sample(s.image_path, s.plates, height=60, width=80)
    np.testing.assert_array_equal(
        mask.numpy()[0, ..., 0], rasterize(letterbox_plates(sized, H, W), H, W)
    )


def test_real_photos_give_non_empty_masks(shared_data):
    samples = load_annotations(shared_data / "seed_sample" / "train.csv", "skip")
    samples += load_annotations(shared_data / "ccpd")[:3]
    for _, mask in make_dataset(samples, 288, 176, batch_size=6):
        assert (mask.numpy().sum(axis=(1, 2, 3)) > 20).all()


def test_cache_and_seeded_shuffle(samples, tmp_path):
    def order(**kwargs):
        ds = make_dataset(samples, H, W, batch_size=5, training=True, **kwargs)
        # the plate's position (mask centroid) identifies the sample
        xs = np.arange(W)[None, None, :, None]
        return [
            tuple(np.round((m * xs).sum(axis=(1, 2, 3)) / m.sum(axis=(1, 2, 3)), 1))
            for m in (m.numpy() for _, m in ds)
        ]

    first = order(shuffle_seed=1)
    assert first == order(shuffle_seed=1)
    assert first != order(shuffle_seed=2)
    assert sorted(first[0]) == sorted(order(shuffle_seed=2)[0])
    for cache in (True, str(tmp_path / "cache")):
        ds = make_dataset(samples, H, W, batch_size=5, cache=cache)
        a = [x.numpy() for x, _ in ds]
        b = [x.numpy() for x, _ in ds]  # second epoch comes from the cache
        np.testing.assert_array_equal(a[0], b[0])
    ds = make_dataset(samples, H, W, batch_size=5, training=True, cache=True)
    epoch1 = [m.numpy() for _, m in ds]
    epoch2 = [m.numpy() for _, m in ds]
    assert not np.array_equal(epoch1[0], epoch2[0])  # reshuffled after the cache


def test_repeat_and_augment_run(samples):
    ds = make_dataset(
        samples, H, W, batch_size=4, training=True, augment="default", repeat=True
    )
    for image, mask in ds.take(3):
        assert image.shape == (4, H, W, 1) and mask.shape == (4, H, W, 1)


def test_image_formats_are_converted(tmp_path):
    from PIL import Image

    rgb = np.random.default_rng(0).integers(0, 255, (30, 40, 3), np.uint8)
    Image.fromarray(rgb).convert("RGBA").save(tmp_path / "a.png")
    Image.fromarray(rgb).convert("P").save(tmp_path / "p.png")
    cv2.imwrite(str(tmp_path / "d.png"), rgb.astype(np.uint16) * 257)
    cv2.imwrite(str(tmp_path / "b.bmp"), rgb)
    cv2.imwrite(str(tmp_path / "t.tif"), rgb)
    cv2.imwrite(str(tmp_path / "w.webp"), rgb, [cv2.IMWRITE_WEBP_QUALITY, 101])
    names = ("a.png", "p.png", "d.png", "b.bmp", "t.tif", "w.webp")
    for name in names:
        assert read_image(tmp_path / name).shape == (30, 40, 3)
        assert to_channels(read_image(tmp_path / name), 1).shape == (30, 40, 1)
    np.testing.assert_array_equal(read_image(tmp_path / "d.png"), rgb[..., ::-1])
    np.testing.assert_array_equal(read_image(tmp_path / "w.webp"), rgb[..., ::-1])
    # Every suffix prediction reads, training reads too.
    samples = [Sample(tmp_path / n, [], height=30, width=40) for n in names]
    images, _ = next(iter(make_dataset(samples, 32, 32, channels=3, batch_size=6)))
    assert images.shape == (6, 32, 32, 3)


def test_bad_arguments_and_empty_mask_guards(samples, monkeypatch):
    with pytest.raises(ValueError, match="channels"):
        make_dataset(samples, H, W, channels=2)
    with pytest.raises(ValueError, match="at least one sample"):
        make_dataset([], H, W)
    with pytest.raises(ValueError, match="height"):
        make_dataset(samples, 0, W)
    with pytest.raises(ValueError, match="augment"):
        make_dataset(samples, H, W, training=True, augment="lots")
    tiny = Sample(samples[0].image_path, (np.array([[1, 1], [1.2, 1], [1.2, 1.2],
                                                    [1, 1.2]]),))  # fmt: skip
    with pytest.raises(AnnotationError, match=r"0\.png plate 1"):
        make_dataset([tiny], H, W)
    # a regression in the pipeline's own fill is caught while reading
    monkeypatch.setattr(
        pipeline, "rasterize", lambda plates, h, w: np.zeros((h, w), np.uint8)
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match="all-zero mask"):
        list(make_dataset(samples, H, W))


def test_uint8_masks_hold_the_same_values_as_float_masks(samples):
    as_float = list(make_dataset(samples, H, W, batch_size=2, cache=True))
    as_uint8 = list(make_dataset(samples, H, W, batch_size=2, mask_dtype="uint8"))
    assert len(as_float) == len(as_uint8)
    for (image_f, mask_f), (image_u, mask_u) in zip(as_float, as_uint8, strict=True):
        assert mask_u.dtype == tf.uint8 and mask_f.dtype == tf.float32
        assert image_u.dtype == tf.float32
        np.testing.assert_array_equal(image_u.numpy(), image_f.numpy())
        np.testing.assert_array_equal(mask_u.numpy(), mask_f.numpy().astype(np.uint8))
        assert mask_u.numpy().any()
    with pytest.raises(ValueError, match="mask_dtype must be 'float32' or 'uint8'"):
        make_dataset(samples, H, W, mask_dtype="bool")
