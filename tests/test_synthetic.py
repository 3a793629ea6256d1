"""Tests of the synthetic plate-scene generator and `plate-unet generate`."""

from __future__ import annotations

import csv
import hashlib

import numpy as np
import pytest

from plate_unet.cli import main
from plate_unet.data.formats.reference_csv import REFERENCE_HEADER
from plate_unet.data.synthetic.generate import (
    KINDS,
    generate_dataset,
    generate_scene,
    scene_seed,
)
from plate_unet.data.synthetic.plate_styles import (
    PLATE_STYLES,
    register_plate_style,
    render_plate,
)

H, W = 290, 180


def _digest(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _signed_area(q: np.ndarray) -> float:
    x, y = q[:, 0], q[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


@pytest.fixture(scope="module")
def scenes():
    return [generate_scene(s, H, W) for s in range(40)]


def test_scene_shape_and_dtype(scenes):
    image, plates = scenes[0]
    assert image.shape == (H, W, 3) and image.dtype == np.uint8
    assert all(p.shape == (4, 2) and p.dtype == np.float32 for p in plates)


def test_same_seed_same_scene_other_seed_other_scene():
    a, pa = generate_scene(7, H, W)
    b, pb = generate_scene(7, H, W)
    c, _ = generate_scene(8, H, W)
    assert np.array_equal(a, b) and all(
        np.array_equal(x, y) for x, y in zip(pa, pb, strict=True)
    )
    assert not np.array_equal(a, c)


def test_corners_in_bounds_clockwise_and_plate_sized(scenes):
    for _image, plates in scenes:
        for q in plates:
            assert (q >= 0).all() and (q[:, 0] < W).all() and (q[:, 1] < H).all()
            assert _signed_area(q) > 0, "corners must run TL, TR, BR, BL (clockwise)"
            tl, tr, br, bl = q
            assert tl[0] < tr[0] and bl[0] < br[0] and tl[1] < bl[1] and tr[1] < br[1]
            width = np.ptp(q[:, 0]) / W
            assert 0.025 - 1e-3 <= width <= 0.8 + 1e-3


def test_set_has_empty_single_and_multi_plate_scenes(scenes):
    counts = [len(p) for _, p in scenes]
    assert 0 in counts and 1 in counts and max(counts) >= 2
    assert sum(c == 1 for c in counts) > len(counts) / 3


def test_landscape_scenes_hold_plates_sized_by_the_shorter_side():
    sizes, n_plates = [], 0
    for seed in range(30):
        image, plates = generate_scene(seed, W, H)  # 180 high, 290 wide
        assert image.shape == (W, H, 3)
        for q in plates:
            assert (q[:, 0] < H).all() and (q[:, 1] < W).all()
            sizes.append(np.ptp(q[:, 0]) / W)  # relative to the shorter side
        n_plates += len(plates)
    assert n_plates >= 20
    assert 0.025 - 1e-3 <= min(sizes) and max(sizes) <= 0.8 + 1e-3


@pytest.mark.parametrize("style", sorted(PLATE_STYLES))
def test_every_plate_style_draws_a_textured_plate(style):
    rgb, alpha, name, _, _ = render_plate(np.random.default_rng(1), 200, style)
    assert name == style and rgb.shape[:2] == alpha.shape
    assert 1 <= rgb.shape[1] / rgb.shape[0] <= 5.5  # square (two rows) to wide
    assert alpha[0, 0] < 128 and alpha.max() == 255  # a rounded corner
    assert rgb[alpha > 0].std() > 20  # characters that contrast with the plate


def test_style_weights_cover_every_style_and_sum_to_one():
    assert all(s.weight > 0 and s.name == n for n, s in PLATE_STYLES.items())
    assert sum(s.weight for s in PLATE_STYLES.values()) == pytest.approx(1.0)
    for style in PLATE_STYLES.values():  # (height, width): square to wide
        height, width = style.size_mm
        assert 1 <= width / height <= 5, style.name
    assert sum(KINDS.values()) == pytest.approx(1.0)


def test_plate_region_differs_from_surroundings(scenes):
    # a plate is drawn where its label says: the inside is not just background
    from plate_unet.data.masks import rasterize

    image, plates = next(s for s in scenes if s[1] and np.ptp(s[1][0][:, 0]) > 30)
    mask = rasterize(plates, H, W).astype(bool)
    assert mask.sum() > 50
    assert image[mask].std() > 10  # characters on a plate: high contrast


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"at least 32 .* got 10×20 \(H×W\)"):
        generate_scene(0, 10, 20)
    with pytest.raises(ValueError, match="seed"):
        generate_scene(-1)
    with pytest.raises(ValueError, match="n must be"):
        generate_dataset(tmp_path, 0)


def test_dataset_is_byte_identical_for_a_seed(tmp_path):
    a = generate_dataset(tmp_path / "a", 6, seed=5, size=(160, 96), progress=False)
    b = generate_dataset(tmp_path / "b", 6, seed=5, size=(160, 96), progress=False)
    c = generate_dataset(tmp_path / "c", 6, seed=6, size=(160, 96), progress=False)
    assert _digest(a.parent) == _digest(b.parent)
    assert _digest(a.parent) != _digest(c.parent)


@pytest.mark.slow
def test_parallel_workers_give_the_same_files(tmp_path):
    a = generate_dataset(tmp_path / "a", 6, seed=1, size=(160, 96), progress=False)
    b = generate_dataset(
        tmp_path / "b", 6, seed=1, size=(160, 96), progress=False, workers=2
    )
    assert _digest(a.parent) == _digest(b.parent)


def test_csv_round_trip(tmp_path):
    path = generate_dataset(tmp_path / "s", 12, seed=2, size=(H, W), progress=False)
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == REFERENCE_HEADER
    names = sorted({r[0] for r in rows[1:]})
    assert names == [f"images/{i:05d}.jpg" for i in range(12)]
    for i, name in enumerate(names):
        _, plates = generate_scene(scene_seed(2, i), H, W)
        mine = [r for r in rows[1:] if r[0] == name]
        if not plates:
            assert mine == [[name] + [""] * 8]
            continue
        for r, q in zip(mine, plates, strict=True):
            br, bl, tl, tr = np.array(r[1:], float).reshape(4, 2)
            np.testing.assert_allclose(np.stack([tl, tr, br, bl]), q, atol=0.06)
    try:
        from plate_unet.data.readers import load_annotations
    except ImportError:
        return
    samples = load_annotations(path)
    assert len(samples) == 12
    assert sum(len(s.plates) for s in samples) == sum(bool(r[1]) for r in rows[1:])
    assert samples[0].image_path.exists()


def test_cli_writes_files_and_rejects_bad_size(tmp_path, capsys):
    out = tmp_path / "cli"
    args = [
        "generate",
        "--n",
        "3",
        "--out",
        str(out),
        "--seed",
        "4",
        "--size",
        "160x96",
    ]
    assert main([*args, "--quiet"]) == 0
    assert (out / "labels.csv").exists()
    assert len(list((out / "images").glob("*.jpg"))) == 3
    assert main(["generate", "--n", "3", "--out", str(out), "--size", "96-160"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--size" in err[0] and "96-160" in err[0]


def test_a_set_painted_by_an_older_generator_is_painted_again(tmp_path):
    import json

    from plate_unet.data.synthetic.generate import STAMP, is_current
    from plate_unet.demo.heldout import heldout_set
    from plate_unet.training.presets import get_preset

    preset = get_preset("smoke")
    folder, samples = heldout_set(preset, tmp_path, 2)
    stamp_path = folder / STAMP
    stamp = json.loads(stamp_path.read_text())
    assert is_current(folder, 2, stamp["seed"], preset.scene_size)
    assert not is_current(folder, 3, stamp["seed"], preset.scene_size)
    stamp["version"] -= 1  # as if an older generator had painted it
    stamp_path.write_text(json.dumps(stamp))
    (folder / "images" / samples[0].image_path.name).write_bytes(b"stale")
    assert not is_current(folder, 2, stamp["seed"], preset.scene_size)
    again, _ = heldout_set(preset, tmp_path, 2)
    assert again == folder and is_current(folder, 2, stamp["seed"], preset.scene_size)
    assert (folder / "images" / samples[0].image_path.name).read_bytes() != b"stale"


def test_the_committed_sample_is_from_this_generator():
    # data/sample is the first 32 scenes of the teaching preset's training set
    # (see the Makefile); after a change to the generator, paint it again.
    from pathlib import Path

    from plate_unet.data.synthetic.generate import is_current

    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    assert is_current(sample, 32, 0, (580, 360)), "re-make data/sample (Makefile)"


def test_a_new_plate_style_is_one_registered_function():
    def square(rng, s):  # a two-row square plate, drawn plainly
        h, w = int(200 * s), int(200 * s)
        rgb = np.full((h, w, 3), 230, np.float32)
        rgb[h // 8 : h // 3, w // 8 : -w // 8] = 20  # the top row
        rgb[h // 2 : -h // 8, w // 8 : -w // 8] = 20  # the bottom row
        return rgb, np.full((h, w), 255, np.uint8)

    register_plate_style("test_square", size_mm=(200, 200), rows=2, weight=0.01)(square)
    try:
        rgb, alpha, name, text, rows = render_plate(
            np.random.default_rng(0), 100, "test_square"
        )
        assert name == "test_square" and rgb.shape[:2] == alpha.shape == (100, 100)
        assert text == "" and rows == ()  # (rgb, alpha) tells no text, no rows
        assert PLATE_STYLES["test_square"].rows == 2
        with pytest.raises(ValueError, match="'test_square' is already registered"):
            register_plate_style("test_square", (200, 200), 2, 0.01)
    finally:
        del PLATE_STYLES["test_square"]
    with pytest.raises(ValueError, match="unknown plate style 'nope'; valid: .*'eu'"):
        render_plate(np.random.default_rng(0), 100, "nope")


def test_a_new_distractor_is_one_registered_function():
    from plate_unet.data.synthetic.distractors import (
        DISTRACTORS,
        pick_distractor,
        register_distractor,
    )

    counts = {name: 0 for name in DISTRACTORS}
    rng = np.random.default_rng(0)
    for _ in range(2000):
        counts[pick_distractor(rng).name] += 1
    total = sum(d.weight for d in DISTRACTORS.values())
    share = DISTRACTORS["sign"].weight / total
    assert counts["sign"] / 2000 == pytest.approx(share, abs=0.04)  # by weight

    drawn = []
    register_distractor("test_mark", 1.0)(lambda img, rng, *box: drawn.append(box))
    try:
        picks = {pick_distractor(np.random.default_rng(i)).name for i in range(40)}
        assert "test_mark" in picks  # half of all picks now
        image, _ = generate_scene(3, 290, 180)  # scenes still draw
        with pytest.raises(ValueError, match="'test_mark' is already registered"):
            register_distractor("test_mark", 1.0)
    finally:
        del DISTRACTORS["test_mark"]
    assert image.shape == (290, 180, 3)


def test_a_new_distractor_repaints_only_the_distractors(monkeypatch):
    """Each stage draws from its own random stream: with a new distractor the
    plates, vehicles, background and camera of every scene stay as they were."""
    import dataclasses

    from plate_unet.data.synthetic import generate
    from plate_unet.data.synthetic.distractors import DISTRACTORS, register_distractor

    monkeypatch.setattr(generate, "DISTRACTOR_SHARE", 1.0)  # every scene draws some
    boxes: list[list[tuple]] = []

    def recorded(draw):  # every distractor notes its box
        def wrapped(img, rng, x, y, bw, bh):
            boxes[-1].append((int(x), int(y), int(x + bw), int(y + bh)))
            draw(img, rng, x, y, bw, bh)

        return wrapped

    for name, entry in list(DISTRACTORS.items()):
        monkeypatch.setitem(
            DISTRACTORS, name, dataclasses.replace(entry, draw=recorded(entry.draw))
        )

    def blot(img, rng, x, y, bw, bh):  # takes numbers from its stream, as all do
        img[int(y) : int(y + bh), int(x) : int(x + bw)] = rng.integers(0, 255)

    def scenes():
        out = []
        for i in range(12):
            boxes.append([])
            out.append(generate_scene(i, 290, 180))
        return out

    before = scenes()
    register_distractor("test_blot", 5.0)(recorded(blot))
    try:
        after = scenes()
    finally:
        del DISTRACTORS["test_blot"]
    changed = 0
    for i, ((im0, p0), (im1, p1)) in enumerate(zip(before, after, strict=True)):
        assert len(p0) == len(p1)
        for a, b in zip(p0, p1, strict=True):
            np.testing.assert_array_equal(a, b)
        far = np.ones(im0.shape[:2], bool)  # away from any distractor (blur, JPEG)
        for x0, y0, x1, y1 in boxes[i] + boxes[i + 12]:
            far[max(y0 - 32, 0) : y1 + 32, max(x0 - 32, 0) : x1 + 32] = False
        if far.mean() > 0.1:
            assert (im0[far] == im1[far]).mean() > 0.9  # the same camera and light
        changed += int((im0 != im1).any())
    assert changed >= 6  # the distractors did change


def test_distractors_are_drawn_in_their_share_of_the_scenes(monkeypatch):
    """DISTRACTOR_SHARE decides how many scenes hold text that is not a plate."""
    from plate_unet.data.synthetic import generate

    drew: list[int] = []
    picked = generate.pick_distractor

    def counted(rng):
        drew.append(scene)
        return picked(rng)

    monkeypatch.setattr(generate, "pick_distractor", counted)
    shares = {}
    for share in (0.0, 0.5, 1.0):
        monkeypatch.setattr(generate, "DISTRACTOR_SHARE", share)
        drew.clear()
        for scene in range(40):
            generate_scene(scene, 96, 64)
        shares[share] = len(set(drew)) / 40
    assert shares[0.0] == 0
    assert 0.25 <= shares[0.5] <= 0.6  # half of them, less those that draw none
    assert shares[1.0] > shares[0.5] + 0.2


def test_a_new_plate_style_keeps_the_vehicles_in_place():
    """A new style changes which plate a vehicle carries, not where it stands or
    how it is tilted: those come from the vehicle stream."""

    def plain(rng, s):
        h, w = int(110 * s), int(520 * s)
        return np.full((h, w, 3), 200, np.float32), np.full((h, w), 255, np.uint8)

    def tilts(plates):  # centre -> direction of the line joining the side midpoints
        out = {}
        for q in plates:
            d = (q[1] + q[2]) / 2 - (q[0] + q[3]) / 2
            out[tuple(np.round(q.mean(0) / 4))] = np.degrees(np.arctan2(d[1], d[0]))
        return out

    before = [tilts(generate_scene(i, 290, 180)[1]) for i in range(30)]
    register_plate_style("test_plain", size_mm=(110, 520), rows=1, weight=0.5)(plain)
    try:
        after = [tilts(generate_scene(i, 290, 180)[1]) for i in range(30)]
    finally:
        del PLATE_STYLES["test_plain"]
    pairs = zip(before, after, strict=True)
    same = [abs(b[k] - a[k]) < 0.5 for a, b in pairs for k in a.keys() & b]
    assert len(same) >= 20 and np.mean(same) > 0.9


def test_a_style_registered_here_is_drawn_by_every_worker(tmp_path):
    """Worker processes started after TensorFlow know only the package's entries,
    so generation with a registered style stays in one process: the files are
    the same whatever the number of workers."""
    import tensorflow  # noqa: F401  (workers would be spawned, not forked)

    def grey(rng, s):
        h, w = int(110 * s), int(520 * s)
        rgb = np.full((h, w, 3), 128, np.float32)
        rgb[h // 4 : -h // 4, w // 8 : -w // 8] = 10
        return rgb, np.full((h, w), 255, np.uint8)

    register_plate_style("test_grey", size_mm=(110, 520), rows=1, weight=1e6)(grey)
    try:
        one = generate_dataset(tmp_path / "one", 4, seed=5, size=(290, 180),
                               progress=False, workers=1)  # fmt: skip
        two = generate_dataset(tmp_path / "two", 4, seed=5, size=(290, 180),
                               progress=False, workers=2)  # fmt: skip
    finally:
        del PLATE_STYLES["test_grey"]
    assert one.read_text() == two.read_text()
    for a in sorted((one.parent / "images").iterdir()):
        assert a.read_bytes() == (two.parent / "images" / a.name).read_bytes()
