"""Annotation readers: every format, several plates per image, and bad input."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import pytest

from plate_unet.data import (
    detect_format,
    load_annotations,
    parse_ccpd_name,
    read_reference_csv,
    write_reference_csv,
)
from plate_unet.data.masks import rasterize
from plate_unet.data.records import Sample, order_corners
from plate_unet.errors import AnnotationError

HEADER = "name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y\n"
TLTRBRBL = np.array([[10, 20], [50, 22], [52, 40], [11, 38]], np.float32)


def _jpeg(path: Path, w: int = 64, h: int = 48) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = np.random.default_rng(0).integers(0, 255, (h, w, 3), np.uint8)
    cv2.imwrite(str(path), img)
    return path


def _row(name: str, p: np.ndarray) -> str:
    br, bl, tl, tr = p[2], p[3], p[0], p[1]
    return name + "," + ",".join(f"{v:g}" for q in (br, bl, tl, tr) for v in q) + "\n"


def _csv(tmp_path: Path, body: str, images=("a.jpg",)) -> Path:
    for name in images:
        _jpeg(tmp_path / name)
    path = tmp_path / "labels.csv"
    path.write_text(HEADER + body)
    return path


# --- real photos ---------------------------------------------------------------------
def test_reference_csv_raises_naming_all_eight_missing_images(shared_data):
    csv_path = shared_data / "seed_sample" / "train.csv"
    with pytest.raises(AnnotationError) as err:
        load_annotations(csv_path)
    message = str(err.value)
    assert "8 problem(s)" in message
    for i in range(3, 11):
        assert f"{i:04d}.jpg" in message
    assert "0000.jpg" not in message


def test_reference_csv_skip_warns_per_image_and_keeps_three(shared_data, caplog):
    csv_path = shared_data / "seed_sample" / "train.csv"
    with caplog.at_level(logging.WARNING, logger="plate_unet"):
        samples = load_annotations(csv_path, on_error="skip")
    assert [s.name for s in samples] == ["0000.jpg", "0001.jpg", "0002.jpg"]
    assert sum("not found" in r.message for r in caplog.records) == 8
    assert any("skipped 8 of 11" in r.message for r in caplog.records)
    # corners converted from BR, BL, TL, TR (row 1: 373,565,132,519,126,448,367,494)
    np.testing.assert_array_equal(
        samples[0].plates[0], [[126, 448], [367, 494], [373, 565], [132, 519]]
    )
    assert (samples[0].width, samples[0].height) == (720, 1160)


def test_ccpd_folder_reads_sixteen_plates_in_order(shared_data):
    samples = load_annotations(shared_data / "ccpd")
    assert len(samples) == 16 and all(len(s.plates) == 1 for s in samples)
    for s in samples:
        tl, tr, br, bl = s.plates[0]
        assert tl[0] < tr[0] and bl[0] < br[0]  # left corners left of right ones
        assert tl[1] < bl[1] and tr[1] < br[1]  # top corners above bottom ones
        bbox = [
            [float(c) for c in v.split("&")] for v in s.name.split("-")[2].split("_")
        ]
        (x0, y0), (x1, y1) = bbox
        assert x0 - 30 <= s.plates[0][:, 0].min() and s.plates[0][:, 0].max() <= x1 + 30
        assert y0 - 30 <= s.plates[0][:, 1].min() and s.plates[0][:, 1].max() <= y1 + 30


# --- generated files: each format ---------------------------------------------
def test_csv_several_plates_and_no_plate_rows(tmp_path):
    other = TLTRBRBL + [0, 5]
    body = _row("a.jpg", TLTRBRBL) + _row("a.jpg", other) + "b.jpg,,,,,,,,\n"
    samples = read_reference_csv(_csv(tmp_path, body, ("a.jpg", "b.jpg")))
    assert [len(s.plates) for s in samples] == [2, 0]
    np.testing.assert_array_equal(samples[0].plates[1], other)


def test_csv_images_found_in_sibling_folder_and_image_dir(tmp_path):
    _jpeg(tmp_path / "train_images" / "a.jpg")
    (tmp_path / "train.csv").write_text(HEADER + _row("a.jpg", TLTRBRBL))
    assert load_annotations(tmp_path / "train.csv")[0].image_path.parent.name == (
        "train_images"
    )
    _jpeg(tmp_path / "elsewhere" / "a.jpg")
    s = load_annotations(tmp_path / "train.csv", image_dir=tmp_path / "elsewhere")
    assert s[0].image_path.parent.name == "elsewhere"


def test_write_then_read_round_trip(tmp_path):
    _jpeg(tmp_path / "images" / "a.jpg")
    _jpeg(tmp_path / "images" / "b.jpg")
    samples = [
        Sample(
            tmp_path / "images" / "a.jpg",
            (TLTRBRBL, TLTRBRBL + 0.5),
            height=48,
            width=64,
        ),
        Sample(tmp_path / "images" / "b.jpg", (), height=48, width=64),
    ]
    path = write_reference_csv(samples, tmp_path / "labels.csv")
    assert path.read_text().splitlines()[0] == HEADER.strip()
    assert load_annotations(tmp_path) == samples  # folder with one CSV


def test_voc_folder_with_several_objects(tmp_path):
    _jpeg(tmp_path / "JPEGImages" / "car.jpg")
    ann = tmp_path / "Annotations"
    ann.mkdir()
    objects = "".join(
        f"<object><name>plate</name><bndbox><xmin>{x}</xmin><ymin>5</ymin>"
        f"<xmax>{x + 20}</xmax><ymax>15</ymax></bndbox></object>"
        for x in (2, 30)
    )
    (ann / "car.xml").write_text(
        f"<annotation><filename>car.jpg</filename><size><width>64</width>"
        f"<height>48</height><depth>3</depth></size>{objects}</annotation>"
    )
    assert detect_format(tmp_path) == "voc"
    (s,) = load_annotations(tmp_path)
    assert len(s.plates) == 2
    np.testing.assert_array_equal(s.plates[1], [[30, 5], [50, 5], [50, 15], [30, 15]])


def test_mask_pairs_give_one_quad_per_blob(tmp_path):
    _jpeg(tmp_path / "images" / "x.jpg", 80, 60)
    mask = np.zeros((60, 80), np.uint8)
    mask[10:20, 5:40] = 255  # pixel centres 5…39 × 10…19: edges half a pixel out
    quad = np.array([[50, 30], [75, 35], [73, 50], [48, 45]], np.float32)
    mask |= rasterize([quad], 60, 80) * np.uint8(255)  # pixel-centre fill
    (tmp_path / "masks").mkdir()
    cv2.imwrite(str(tmp_path / "masks" / "x.png"), mask)
    (s,) = load_annotations(tmp_path)
    assert len(s.plates) == 2
    box, tilted = sorted(s.plates, key=lambda p: p[0, 0])
    edges = [[4.5, 9.5], [39.5, 9.5], [39.5, 19.5], [4.5, 19.5]]
    np.testing.assert_allclose(box, edges, atol=0.25)
    np.testing.assert_allclose(tilted, quad, atol=0.25)


def test_corner_helpers():
    assert parse_ccpd_name("1-2_3-0&0_9&9-9&8_1&9_0&0_9&1-0_0-1-2.jpg")[0].tolist() == [
        0,
        0,
    ]
    shuffled = TLTRBRBL[[2, 0, 3, 1]]
    np.testing.assert_array_equal(order_corners(shuffled), TLTRBRBL)


# --- bad input -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a.jpg,1,2,3\n", "expected 9 columns"),
        ("a.jpg,50,40,10,40,10,x,50,20\n", "TL_y='x' is not a number"),
        ("a.jpg,50,40,10,40,10,nan,50,20\n", "not a finite number"),
        ("a.jpg,50,40,10,40,10,20,50,\n", "is not a number"),
        ("a.jpg,90,40,10,40,10,20,50,20\n", "outside the 48×64"),
        ("a.jpg,10,20,10,20,10,20,10,20\n", "zero-area polygon"),
        ("../a.jpg,50,40,10,40,10,20,50,20\n", "escapes the data folder"),
        ("/etc/a.jpg,50,40,10,40,10,20,50,20\n", "absolute path"),
        ("missing.jpg,50,40,10,40,10,20,50,20\n", "image not found"),
    ],
)
def test_bad_csv_rows_name_file_and_line(tmp_path, caplog, body, expected):
    path = _csv(tmp_path, _row("a.jpg", TLTRBRBL) + body, ("a.jpg",))
    with pytest.raises(AnnotationError, match=expected) as err:
        read_reference_csv(path)
    assert "labels.csv line" in str(err.value)
    with caplog.at_level(logging.WARNING, logger="plate_unet"):
        samples = read_reference_csv(path, on_error="skip")
    assert any(expected in r.message for r in caplog.records)
    assert any("skipped" in r.message for r in caplog.records)
    # a bad row of a.jpg drops a.jpg entirely (a half-annotated image would teach
    # the model that its other plate is background)
    assert len(samples) == (1 if body.startswith(("missing", "../", "/etc")) else 0)


def test_corners_within_tolerance_are_clipped(tmp_path):
    p = TLTRBRBL.copy()
    p[1] = [64.5, 22]  # 1.5 px right of the last column (63)
    (s,) = read_reference_csv(_csv(tmp_path, _row("a.jpg", p)))
    assert s.plates[0][1].tolist() == [63, 22]


def test_truncated_and_non_image_files(tmp_path):
    good = _jpeg(tmp_path / "a.jpg").read_bytes()
    (tmp_path / "t.jpg").write_bytes(good[: len(good) // 2])
    (tmp_path / "n.jpg").write_bytes(b"not an image at all")
    body = _row("t.jpg", TLTRBRBL) + _row("n.jpg", TLTRBRBL) + _row("a.jpg", TLTRBRBL)
    path = tmp_path / "labels.csv"
    path.write_text(HEADER + body)
    with pytest.raises(AnnotationError) as err:
        read_reference_csv(path)
    assert "truncated" in str(err.value) and "t.jpg" in str(err.value)
    assert "not a readable image" in str(err.value) and "n.jpg" in str(err.value)
    assert [s.name for s in read_reference_csv(path, on_error="skip")] == ["a.jpg"]


def test_rgba_16bit_and_palette_images_are_accepted(tmp_path):
    from PIL import Image

    rgb = np.random.default_rng(1).integers(0, 255, (48, 64, 3), np.uint8)
    Image.fromarray(rgb).convert("RGBA").save(tmp_path / "rgba.png")
    Image.fromarray(rgb).convert("P").save(tmp_path / "pal.png")
    cv2.imwrite(str(tmp_path / "deep.png"), rgb.astype(np.uint16) * 257)
    body = "".join(_row(n, TLTRBRBL) for n in ("rgba.png", "pal.png", "deep.png"))
    samples = read_reference_csv(_csv(tmp_path, body, ()))
    assert [(s.width, s.height) for s in samples] == [(64, 48)] * 3


def test_empty_folder_unknown_format_and_bad_header(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(AnnotationError, match="empty folder"):
        load_annotations(tmp_path / "empty")
    _jpeg(tmp_path / "plain" / "holiday.jpg")
    with pytest.raises(AnnotationError, match="unknown annotation format"):
        load_annotations(tmp_path / "plain")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(AnnotationError, match="unknown annotation format"):
        load_annotations(tmp_path / "notes.txt")
    with pytest.raises(FileNotFoundError):
        load_annotations(tmp_path / "nope")
    (tmp_path / "h.csv").write_text("file,x1,y1\n")
    with pytest.raises(AnnotationError, match="not the reference format"):
        load_annotations(tmp_path / "h.csv")
    with pytest.raises(ValueError, match="on_error"):
        load_annotations(tmp_path / "h.csv", on_error="ignore")


def test_bad_voc_and_missing_mask(tmp_path):
    _jpeg(tmp_path / "voc" / "a.jpg")
    (tmp_path / "voc" / "a.xml").write_text("<annotation><filename>a.jpg</filen")
    (tmp_path / "voc" / "b.xml").write_text(
        "<annotation><filename>a.jpg</filename><object><bndbox><xmin>1</xmin>"
        "<ymin>oops</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>"
    )
    with pytest.raises(AnnotationError) as err:
        load_annotations(tmp_path / "voc")
    assert "a.xml: malformed XML" in str(err.value)
    assert "b.xml: <object> 1: <ymin> is 'oops'" in str(err.value)
    _jpeg(tmp_path / "pairs" / "images" / "a.jpg")
    (tmp_path / "pairs" / "masks").mkdir()
    with pytest.raises(AnnotationError, match="mask not found"):
        load_annotations(tmp_path / "pairs")


def test_write_reference_csv_leaves_an_existing_file_alone_on_bad_input(tmp_path):
    out = tmp_path / "labels.csv"
    out.write_text("kept\n")
    outside = Sample(tmp_path.parent / "elsewhere.jpg", (TLTRBRBL,))
    with pytest.raises(ValueError, match="is not inside"):
        write_reference_csv([outside], out)
    assert out.read_text() == "kept\n"


# --- plate texts ---------------------------------------------------------------------


def test_texts_csv_beside_gives_one_text_per_plate_in_row_order(tmp_path):
    q2 = TLTRBRBL + 5
    _csv(tmp_path, _row("a.jpg", TLTRBRBL) + _row("a.jpg", q2), ("a.jpg", "b.jpg"))
    with open(tmp_path / "labels.csv", "a") as f:
        f.write("b.jpg" + "," * 8 + "\n")
    (tmp_path / "texts.csv").write_text(
        'name,text\na.jpg,AB 123\na.jpg,"X1\nY2"\nb.jpg,\n'
    )
    a, b = load_annotations(tmp_path)
    assert a.texts == ("AB 123", "X1\nY2") and b.texts == ()


def test_text_column_and_unknown_characters_logged_with_row(tmp_path, caplog):
    _csv(tmp_path, "")
    header = HEADER.strip() + ",text\n"
    (tmp_path / "labels.csv").write_text(
        header + _row("a.jpg", TLTRBRBL).strip() + ",京A·12345\n"
    )
    with caplog.at_level(logging.WARNING):
        (sample,) = load_annotations(tmp_path / "labels.csv")
    assert sample.texts == ("京A·12345",)
    assert "labels.csv line 2 (a.jpg)" in caplog.text and "'京' at 1" in caplog.text


def test_texts_csv_with_too_few_rows_names_its_lines(tmp_path):
    _csv(tmp_path, _row("a.jpg", TLTRBRBL) + _row("a.jpg", TLTRBRBL + 5))
    (tmp_path / "texts.csv").write_text("name,text\na.jpg,AB 123\n")
    with pytest.raises(
        AnnotationError, match=r"1 text\(s\) for 2 plate\(s\) \(its lines: 2\)"
    ):
        load_annotations(tmp_path)
    (tmp_path / "texts.csv").write_text("name,plate\na.jpg,AB 123\n")
    with pytest.raises(AnnotationError, match="starts with 'name,text'"):
        load_annotations(tmp_path)


def test_ccpd_names_give_the_registration(shared_data):
    samples = load_annotations(shared_data / "ccpd")
    assert samples[0].texts == ("皖AYL375",)  # 0_0_22_10_27_31_29
    assert all(len(s.texts[0]) == 7 for s in samples)


def test_ccpd_text_rejects_out_of_range_index():
    from plate_unet.data.formats.ccpd import ccpd_text

    with pytest.raises(AnnotationError, match="character 3 has index 40, valid 0..34"):
        ccpd_text("0-0_0-0&0_9&9-9&9_0&9_0&0_9&0-0_0_40_1_1_1_1-1-2.jpg")
    assert (
        ccpd_text("0-0_0-0&0_9&9-9&9_0&9_0&0_9&0-0_0_1_1_1_1_1_34-1-2.jpg")
        == "皖ABBBBB"
    )


def test_voc_texts_from_text_attribute_or_name(tmp_path):
    _jpeg(tmp_path / "a.jpg")
    box = "<bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>12</ymax></bndbox>"
    obj = "<object><name>{}</name>{}" + box + "</object>"
    attr = (
        "<attributes><attribute><name>plate_number</name>"
        "<value>KA 01 X 9</value></attribute></attributes>"
    )
    xml = "<annotation><filename>a.jpg</filename>{}</annotation>".format(
        obj.format("plate", "<text>AB123</text>")
        + obj.format("plate", attr)
        + obj.format("MH12 DE 1433", "")
    )
    (tmp_path / "a.xml").write_text(xml)
    (sample,) = load_annotations(tmp_path)
    assert sample.texts == ("AB123", "KA 01 X 9", "MH12 DE 1433")
