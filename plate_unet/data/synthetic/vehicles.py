"""Vehicles around a plate, drawn in the plate's plane.

:func:`pick_vehicle` picks a car (front or rear), a van, a lorry or a motorbike
and :func:`draw_vehicle` draws it through a
:class:`~plate_unet.data.synthetic.paint.Painter`, so its bumper, lights and the
words painted on it share the plate's 3-D tilt. Plane
units are plate widths, with the plate's centre at the origin. Vans carry a
company's name and telephone number painted beside the plate: text that is not
a plate, where a detector is most tempted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from plate_unet.data.synthetic.paint import Painter, rounded_rect
from plate_unet.data.synthetic.text import FIRMS, WORDS, phone_number

CAR_COLOURS = (  # (weight, RGB): white and silver dominate Chinese car parks
    (0.32, (228, 230, 232)),
    (0.22, (165, 168, 172)),
    (0.14, (28, 29, 32)),
    (0.08, (150, 20, 25)),
    (0.06, (40, 60, 120)),
    (0.06, (120, 95, 70)),
    (0.05, (90, 95, 100)),
    (0.04, (200, 185, 150)),
    (0.03, (80, 120, 70)),
)
#: Words on cars that are not plates: model badges, dealers' stickers.
CAR_WORDS = (
    "GOLF",
    "1.6 TDI",
    "4MATIC",
    "HYBRID",
    "GTI",
    "XDRIVE",
    "AUTO-HAUS",
    "COROLLA",
    "TURBO",
    "320d",
    "SPORT",
    "AUTOHAUS MEIER",
    "ECO",
    "V6",
)


def pick_colour(rng: np.random.Generator) -> np.ndarray:
    """Draws a car colour, mostly white, silver and black."""
    p = np.array([c[0] for c in CAR_COLOURS])
    c = CAR_COLOURS[int(rng.choice(len(p), p=p / p.sum()))][1]
    return np.clip(np.asarray(c, np.float32) + rng.normal(0, 10, 3), 0, 255)


@dataclass
class _Car:
    """What the steps of :func:`draw_car` share (plane units; the plate is 1 wide)."""

    colour: np.ndarray
    half_width: float  # half the car's width
    ground: float  # ground contact below the plate
    top: float  # top of the hood or boot lid
    half_plate: float  # half the plate's height
    # black plastic: valance, grille, lamp housings (set by the body step)
    dark: np.ndarray = field(default_factory=lambda: np.zeros(3))
    lamp_top: float = 0.0  # lamp row between lamp_top and lamp_bottom
    lamp_bottom: float = 0.0
    grille_half_width: float = 0.0


#: Vehicle kinds :func:`draw_vehicle` draws, and how often, for plates wider
#: than tall (h/w below 0.55); squarer plates go on a motorbike half the time.
VEHICLES = {"car": 0.8, "van": 0.12, "lorry": 0.08}


#: The plane box ``(u0, v0, u1, v1)`` each kind of vehicle may cover, in plate
#: widths around the plate: the scene keeps a new vehicle off plates drawn before.
EXTENTS = {
    "car": (-2.5, -7.0, 2.5, 1.9),
    "van": (-2.6, -7.2, 2.6, 1.9),
    "lorry": (-3.5, -9.2, 3.5, 2.2),
    "motorbike": (-1.1, -4.0, 1.1, 2.5),
}


def pick_vehicle(rng: np.random.Generator, aspect: float) -> str:
    """Draws the kind of vehicle for a plate of ``aspect`` (height / width):
    squarer plates (h/w >= 0.55) go on a motorbike half the time, the others on
    a car, van or lorry by :data:`VEHICLES`."""
    if aspect >= 0.55 and rng.random() < 0.5:
        return "motorbike"
    return str(rng.choice(list(VEHICLES), p=list(VEHICLES.values())))


def draw_vehicle(
    p: Painter, rng: np.random.Generator, kind: str, aspect: float, rear: bool
) -> None:
    """Draws a vehicle of ``kind`` around the plate at the plane origin.

    Args:
        p: The painter (image, gain map, plane → image homography).
        rng: Random generator.
        kind: A key of :data:`EXTENTS` (from :func:`pick_vehicle`).
        aspect: Plate height / width (plane units: the plate is 1 wide).
        rear: For cars, seen from behind; vans, lorries and motorbikes are
            always drawn from behind.
    """
    if kind == "motorbike":
        draw_motorbike(p, rng, aspect)
    elif kind == "van":
        draw_van(p, rng, aspect)
    elif kind == "lorry":
        draw_lorry(p, rng, aspect)
    elif kind == "car":
        draw_car(p, rng, aspect, rear)
    else:
        raise ValueError(f"unknown vehicle {kind!r}; valid: {sorted(EXTENTS)}")


def draw_car(p: Painter, rng: np.random.Generator, aspect: float, rear: bool) -> dict:
    """Draws a car's front or rear around a plate at the plane origin.

    The steps, in drawing order: cabin and tyres, the body and its shading, the
    bumper, the grille (front only), the lamps, words that are not plates (a
    model badge, a dealer's or bumper sticker), maybe a wheel seen from the side,
    the plate holder (maybe with a dealer's name under the plate), the shadow.

    Args:
        p: The painter (image, gain map, plane → image homography).
        rng: Random generator.
        aspect: Plate height / width (plane units: the plate is 1 wide).
        rear: Draw tail lights and a rear window instead of headlights and a grille.

    Returns:
        ``{"body": (N, 2) image polygon of the body}`` for overlap checks.
    """
    col = pick_colour(rng)
    car = _Car(
        colour=col,
        half_width=rng.uniform(1.8, 2.4),
        ground=rng.uniform(0.75, 1.3),
        top=-rng.uniform(1.6, 2.8),
        half_plate=aspect / 2,
    )
    _draw_cabin(p, rng, car)
    body = _draw_body(p, rng, car)
    _draw_bumper(p, rng, car)
    if not rear:
        _draw_grille(p, rng, car)
    _draw_lamps(p, rng, car, rear)
    _draw_car_words(p, rng, car, rear)
    if rng.random() < 0.5:
        _draw_wheel(p, rng, car)
    _draw_holder_and_shadow(p, rng, car)
    return {"body": body}


def _draw_cabin(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """Windscreen or rear window, the roof above it, and the tyres."""
    hw, vt, vg = car.half_width, car.top, car.ground
    glass = rounded_rect(
        -hw * 0.82, vt - rng.uniform(1.4, 2.6), hw * 0.82, vt + 0.15, 0.3, 0.18
    )
    p.fill(
        rounded_rect(-hw * 0.9, vt - 4.5, hw * 0.9, vt + 0.3, 0.4, 0.15),
        car.colour * 0.92,
    )
    p.fill(glass, np.full(3, rng.uniform(15, 80)) + rng.normal(0, 6, 3))
    p.shade(
        rounded_rect(-hw * 0.6, vt - 1.8, hw * 0.2, vt - 0.2, 0.2, 0.3),
        rng.uniform(1.1, 1.6),
    )
    for s in (-1, 1):  # tyres peeking out under the body
        tu = s * (hw - rng.uniform(0.3, 0.5))
        p.fill(
            rounded_rect(tu - 0.28, vg - 0.45, tu + 0.28, vg + 0.02, 0.08),
            np.full(3, 18),
        )


def _draw_body(p: Painter, rng: np.random.Generator, car: _Car) -> np.ndarray:
    """The body panel, then shading: lit hood, darker lower bumper and sides."""
    hw, vt, vg = car.half_width, car.top, car.ground
    body = p.fill(
        rounded_rect(-hw, vt, hw, vg - 0.08, 0.45, rng.uniform(0.06, 0.2)), car.colour
    )
    p.shade(rounded_rect(-hw, vt, hw, vt + 0.6, 0.3), rng.uniform(1.05, 1.3))
    p.shade(rounded_rect(-hw, 0.2, hw, vg, 0.3), rng.uniform(0.7, 0.95))
    for s in (-1, 1):
        p.shade(
            rounded_rect(
                min(s * hw, s * (hw - 0.35)), vt, max(s * hw, s * (hw - 0.35)), vg, 0.1
            ),
            rng.uniform(0.6, 0.9),
        )
    return body


def _draw_bumper(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """A black valance under the bumper and a crease line across it."""
    hw, ha = car.half_width, car.half_plate
    car.dark = np.full(3, rng.uniform(12, 45))
    if rng.random() < 0.7:  # black plastic valance under the bumper
        p.fill(
            rounded_rect(
                -hw * 0.88, ha + rng.uniform(0.12, 0.4), hw * 0.88, car.ground, 0.1
            ),
            car.dark,
        )
    if rng.random() < 0.6:  # crease line across the bumper
        v = -ha - rng.uniform(0.08, 0.25)
        p.fill(
            [(-hw * 0.95, v), (hw * 0.95, v + rng.uniform(-0.05, 0.05))],
            car.colour * (0.6 if car.colour.mean() > 80 else 1.8),
            lines=True,
            thick=2,
        )
    car.lamp_top = -ha - rng.uniform(0.4, 0.9)
    car.lamp_bottom = -ha - rng.uniform(0.05, 0.3)
    car.grille_half_width = rng.uniform(0.55, 1.1)  # drawn for rears too


def _draw_grille(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """A grille with chrome bars and a badge between the headlights."""
    lv0, lv1, gw = car.lamp_top, car.lamp_bottom, car.grille_half_width
    g = rounded_rect(-gw, lv0 - 0.1, gw, lv1, 0.12, rng.uniform(-0.1, 0.15))
    p.fill(g, car.dark)
    chrome = np.full(3, rng.uniform(120, 230))
    for v in np.linspace(lv0, lv1, int(rng.integers(2, 7)))[1:-1]:
        p.fill([(-gw * 0.95, v), (gw * 0.95, v)], chrome, lines=True, thick=2)
    p.fill(
        rounded_rect(-0.12, (lv0 + lv1) / 2 - 0.07, 0.12, (lv0 + lv1) / 2 + 0.07, 0.07),
        np.full(3, rng.uniform(150, 240)),
    )


def _draw_lamps(p: Painter, rng: np.random.Generator, car: _Car, rear: bool) -> None:
    """Head or tail lights: swept shapes at the corners, maybe fog lamps."""
    hw, lv0 = car.half_width, car.lamp_top
    lamp = (
        np.array([170, 35, 35]) if rear else np.full(3, rng.uniform(170, 250))
    ) + rng.normal(0, 10, 3)
    lw, lh = rng.uniform(0.5, 0.9), rng.uniform(0.15, 0.35)
    for s in (-1, 1):
        uo = s * (hw - rng.uniform(0.02, 0.2))
        ui = uo - s * lw
        v0 = lv0 + rng.uniform(-0.25, 0.15)
        light = np.array(
            [(ui, v0 + lh * 0.5), (uo, v0), (uo, v0 + lh), (ui, v0 + lh * 1.1)]
        )
        p.fill(light, car.dark * 1.3)
        inner = (light - light.mean(0)) * 0.7 + light.mean(0)
        p.fill(inner, lamp)
        if rng.random() < 0.5:  # a bright strip / projector inside
            p.fill((light - light.mean(0)) * 0.25 + light.mean(0), np.full(3, 250))
        p.shade(inner, rng.uniform(1.0, 1.3))
        if rng.random() < 0.5:  # fog lamp
            fu = s * (hw - 0.45)
            p.fill(rounded_rect(fu - 0.1, 0.3, fu + 0.1, 0.4, 0.05), lamp * 0.8)


def _draw_car_words(p: Painter, rng: np.random.Generator, car: _Car, rear: bool):
    """Hard negatives on the car: text and badges near the plate that are not it."""
    hw, ha, vt = car.half_width, car.half_plate, car.top
    side = 1 if rng.random() < 0.5 else -1
    if rng.random() < 0.55:  # a model badge in chrome or black beside the plate
        word = str(rng.choice(CAR_WORDS[:11]))
        u0 = side * rng.uniform(0.65, hw - 0.9)
        th = rng.uniform(0.08, 0.16)
        tw = min(th * len(word) * rng.uniform(0.5, 0.8), 1.0)
        v0 = -ha - rng.uniform(0.1, 0.6)
        ink = np.full(3, rng.uniform(170, 245)) if rng.random() < 0.7 else car.dark
        p.text(word, u0 - tw / 2, v0 - th, u0 + tw / 2, v0, ink, "sans-bold")
    if rear and rng.random() < 0.5:  # the maker's round or oval badge on the boot
        bv = -ha - rng.uniform(0.5, 1.0)
        bw = rng.uniform(0.1, 0.25)
        p.fill(rounded_rect(-bw, bv - 0.08, bw, bv + 0.08, 0.08), np.full(3, 225))
        p.fill(rounded_rect(-bw * 0.7, bv - 0.05, bw * 0.7, bv + 0.05, 0.05), car.dark)
    if rng.random() < 0.3:  # a dealer's sticker: dark text on a light strip
        u0, v0 = side * rng.uniform(0.6, hw - 0.8), vt - rng.uniform(0.3, 0.9)
        bw, bh = rng.uniform(0.5, 1.1), rng.uniform(0.12, 0.25)
        paper = np.full(3, rng.uniform(200, 250)) + rng.normal(0, 8, 3)
        p.fill(rounded_rect(u0 - bw / 2, v0, u0 + bw / 2, v0 + bh, 0.02), paper)
        word = str(rng.choice(CAR_WORDS[11:] + WORDS))
        p.text(
            word,
            u0 - bw * 0.45,
            v0 + bh * 0.2,
            u0 + bw * 0.45,
            v0 + bh * 0.8,
            pick_colour(rng) * 0.5,
        )
    if rng.random() < 0.2:  # a bumper sticker: a coloured box with a word
        u0, v0 = side * rng.uniform(0.8, hw - 0.5), ha + rng.uniform(0.0, 0.15)
        bw, bh = rng.uniform(0.4, 0.9), rng.uniform(0.12, 0.22)
        bg = rng.uniform(0, 255, 3)
        p.fill(rounded_rect(u0 - bw / 2, v0, u0 + bw / 2, v0 + bh, 0.03), bg)
        word = str(rng.choice(WORDS))
        p.text(
            word, u0 - bw * 0.4, v0 + bh * 0.2, u0 + bw * 0.4, v0 + bh * 0.8, 255 - bg
        )


def _draw_wheel(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """A wheel seen from the side at one corner: tyre, alloy rim and spokes."""
    side = 1 if rng.random() < 0.5 else -1
    cu, cv = side * (car.half_width + rng.uniform(-0.2, 0.15)), car.ground - 0.4
    rx, ry = rng.uniform(0.12, 0.35), rng.uniform(0.38, 0.5)
    t = np.radians(np.arange(0, 360, 15))
    ring = np.stack([np.cos(t), np.sin(t)], 1)
    p.fill(ring * (rx, ry) + (cu, cv), np.full(3, rng.uniform(10, 30)))
    rim = np.full(3, rng.uniform(140, 230)) + rng.normal(0, 8, 3)
    p.fill(ring * (rx * 0.68, ry * 0.68) + (cu, cv), rim)
    dark = np.full(3, rng.uniform(20, 60))
    for a in np.radians(
        rng.uniform(0, 72) + np.arange(0, 360, 360 / int(rng.integers(5, 11)))
    ):
        hole = np.array([[0.2, -0.08], [0.6, -0.2], [0.6, 0.2], [0.2, 0.08]])
        c, s_ = np.cos(a), np.sin(a)
        hole = hole @ np.array([[c, s_], [-s_, c]])
        p.fill(hole * (rx, ry) + (cu, cv), dark)
    p.fill(ring * (rx * 0.12, ry * 0.12) + (cu, cv), rim * 0.8)


def _draw_holder_and_shadow(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """A dark frame around the plate (not part of the label), a ground shadow."""
    hw, ha, vg = car.half_width, car.half_plate, car.ground
    m = rng.uniform(0.015, 0.06)
    holder = np.array(
        [
            (-0.5 - m, -ha - m),
            (0.5 + m, -ha - m),
            (0.5 + m, ha + m * 2.5),
            (-0.5 - m, ha + m * 2.5),
        ]
    )
    if rng.random() < 0.75:
        frame = np.full(3, rng.uniform(10, 70))
        p.fill(holder, frame)
        if rng.random() < 0.35:  # a dealer's name on a strip under the plate
            v0 = ha + m * 2.5
            strip = np.array(
                [
                    (-0.5 - m, v0),
                    (0.5 + m, v0),
                    (0.5 + m, v0 + 0.1),
                    (-0.5 - m, v0 + 0.1),
                ]
            )
            p.fill(strip, frame)
            word = str(rng.choice(CAR_WORDS[6:] + WORDS))
            ink = (
                np.full(3, rng.uniform(170, 250))
                if rng.random() < 0.7
                else pick_colour(rng)
            )
            p.text(word, -0.3, v0 + 0.015, 0.3, v0 + 0.085, ink, "sans-bold")
    p.shade(
        rounded_rect(
            -hw * 1.05, vg - 0.15, hw * 1.05, vg + rng.uniform(0.15, 0.5), 0.1
        ),
        rng.uniform(0.35, 0.7),
    )


def _painted_words(p: Painter, rng: np.random.Generator, box, ink) -> None:
    """A company name over a telephone number, painted in the plane box
    ``(u0, v0, u1, v1)``; sometimes the number alone, in big digits."""
    u0, v0, u1, v1 = box
    number = phone_number(rng)
    if rng.random() < 0.3:
        p.text(number, u0, v0 + (v1 - v0) * 0.3, u1, v1, ink, "sans-bold")
        return
    name = str(rng.choice(FIRMS))
    mid = v0 + (v1 - v0) * rng.uniform(0.45, 0.6)
    p.text(
        name, u0, v0, u1, mid - 0.03, ink, str(rng.choice(["sans-bold", "serif-bold"]))
    )
    inset = (u1 - u0) * rng.uniform(0.0, 0.2)
    p.text(number, u0 + inset, mid + 0.03, u1 - inset, v1, ink, "sans-bold")


def draw_van(p: Painter, rng: np.random.Generator, aspect: float) -> None:
    """A van from behind: two tall doors, small windows, the firm's name and
    number painted on the doors above the plate, tall tail lights."""
    col = pick_colour(rng) if rng.random() < 0.6 else rng.uniform(20, 240, 3)
    hw, ha = rng.uniform(2.0, 2.5), aspect / 2
    ground, top = rng.uniform(1.0, 1.5), -rng.uniform(5.0, 7.0)
    p.fill(rounded_rect(-hw, top, hw, ground - 0.1, 0.3), col)
    p.shade(rounded_rect(-hw, top, hw, ground, 0.3), rng.uniform(0.75, 1.1))
    p.fill([(0, top + 0.2), (0, -ha - 0.2)], col * 0.55, lines=True, thick=2)
    if rng.random() < 0.7:  # rear windows high up
        for s in (-1, 1):
            p.fill(
                rounded_rect(
                    min(s * 0.2, s * hw * 0.8),
                    top + 0.4,
                    max(s * 0.2, s * hw * 0.8),
                    top + 1.6,
                    0.1,
                ),
                np.full(3, rng.uniform(15, 70)),
            )
    # firms paint in colour far more often than in plain black on white
    ink = rng.uniform(0, 255, 3) if rng.random() < 0.7 else 255 - col
    v1 = -ha - rng.uniform(0.5, 1.0)
    v0 = v1 - rng.uniform(1.0, 2.2)
    if v0 > top + 1.7:
        _painted_words(p, rng, (-hw * 0.85, v0, hw * 0.85, v1), ink)
    dark = np.full(3, rng.uniform(15, 45))
    p.fill(rounded_rect(-hw, ha + 0.15, hw, ground, 0.05), dark)  # bumper
    for s in (-1, 1):
        u = s * (hw - 0.2)
        p.fill(
            rounded_rect(u - 0.15, -ha - 1.6, u + 0.15, -ha - 0.2, 0.05), (190, 30, 30)
        )
    for s in (-1, 1):  # tyres under the bumper
        tu = s * (hw - 0.5)
        p.fill(
            rounded_rect(tu - 0.3, ground - 0.3, tu + 0.3, ground + 0.05, 0.08),
            np.full(3, 18),
        )
    p.shade(rounded_rect(-hw * 1.05, ground - 0.1, hw * 1.05, ground + 0.4, 0.1), 0.5)


def draw_lorry(p: Painter, rng: np.random.Generator, aspect: float) -> None:
    """A lorry from behind: a tall box or tailgate, a bumper bar with hazard
    stripes under it, the plate low on the bar, lights at the corners."""
    hw, ha = rng.uniform(2.6, 3.4), aspect / 2
    box = (
        rng.uniform(20, 240, 3)
        if rng.random() < 0.5
        else np.full(3, rng.uniform(150, 235))
    )
    top = -rng.uniform(6.0, 9.0)
    p.fill(rounded_rect(-hw, top, hw, -ha - 0.5, 0.05), box)
    for u in np.linspace(-hw, hw, int(rng.integers(3, 8)))[1:-1]:  # panel ribs
        p.fill([(u, top), (u, -ha - 0.5)], box * 0.7, lines=True, thick=1)
    if rng.random() < 0.5:
        ink = 255 - box
        _painted_words(p, rng, (-hw * 0.8, top + 1.0, hw * 0.8, top + 3.0), ink)
    chassis = np.full(3, rng.uniform(10, 40))
    p.fill(rounded_rect(-hw * 0.9, -ha - 0.5, hw * 0.9, ha + 0.6, 0.02), chassis)
    bar_v0, bar_v1 = ha + 0.2, ha + 0.5
    p.fill(rounded_rect(-hw, bar_v0, hw, bar_v1, 0.02), (235, 235, 235))
    for k, u in enumerate(np.arange(-hw, hw, 0.35)):  # red-white hazard stripes
        if k % 2:
            p.fill(
                [
                    (u, bar_v0),
                    (u + 0.35, bar_v0),
                    (u + 0.2, bar_v1),
                    (u - 0.15, bar_v1),
                ],
                (200, 30, 30),
            )
    for s in (-1, 1):
        u = s * (hw - 0.35)
        p.fill(
            rounded_rect(u - 0.3, -ha - 0.3, u + 0.3, -ha + 0.1, 0.05), (200, 40, 30)
        )
        p.fill(
            rounded_rect(u - 0.45, bar_v1, u + 0.45, bar_v1 + 0.9, 0.1), np.full(3, 15)
        )
    p.shade(rounded_rect(-hw * 1.05, bar_v1 + 0.6, hw * 1.05, bar_v1 + 1.2, 0.1), 0.5)


def draw_motorbike(p: Painter, rng: np.random.Generator, aspect: float) -> None:
    """A motorbike from behind: rider or seat above, the tail light and mudguard
    over the plate, the rear tyre below it."""
    ha = aspect / 2
    tyre = np.full(3, rng.uniform(10, 30))
    p.fill(rounded_rect(-0.22, ha + 0.05, 0.22, ha + 1.6, 0.2), tyre)
    guard = pick_colour(rng) if rng.random() < 0.6 else np.full(3, rng.uniform(15, 50))
    p.fill(rounded_rect(-0.45, -ha - 0.45, 0.45, ha + 0.25, 0.2, taper=0.2), guard)
    p.fill(rounded_rect(-0.3, -ha - 0.4, 0.3, -ha - 0.15, 0.08), (200, 35, 30))
    if rng.random() < 0.7:  # the rider's back and arms, or a top box
        rider = rng.uniform(10, 200, 3) * rng.uniform(0.3, 1.0)
        p.fill(rounded_rect(-1.0, -ha - 3.2, 1.0, -ha - 0.4, 0.5, taper=0.3), rider)
    for s in (-1, 1):  # indicators on stalks
        p.fill(
            [(s * 0.45, -ha - 0.3), (s * 0.9, -ha - 0.35)],
            np.full(3, 30),
            lines=True,
            thick=2,
        )
        p.fill(
            rounded_rect(s * 0.9 - 0.08, -ha - 0.42, s * 0.9 + 0.08, -ha - 0.28, 0.04),
            (235, 150, 30),
        )
    p.shade(rounded_rect(-0.8, ha + 1.5, 0.8, ha + 1.9, 0.1), 0.5)
