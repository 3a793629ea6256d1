"""Drive a notebook in JupyterLab through Playwright: what a learner clicks.

The server exposes the app as ``window.jupyterapp`` (``expose_app_in_browser``),
so commands such as ``notebook:run-all-cells`` run through JupyterLab's own
command registry instead of menus whose layout changes between versions. Widgets
are found as ipywidgets 8 renders them: a ``.widget-inline-hbox`` whose
``label.widget-label`` holds the widget's ``description``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Locator, Page

T = TypeVar("T")

# Waits until an <img> has decoded its current source, then returns its pixels
# (drawn at natural size on a canvas) as a PNG data URL.
_DECODED_PIXELS = """async img => {
    try { await img.decode(); } catch (e) { }
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    if (canvas.width && canvas.height) canvas.getContext("2d").drawImage(img, 0, 0);
    return canvas.width + "x" + canvas.height + ":" + canvas.toDataURL("image/png");
}"""

# Text a kernel prints for a widget when the front end cannot render it.
WIDGET_FALLBACK = re.compile(
    r"\b(IntSlider|FloatSlider|SelectionSlider|Dropdown|Select|ToggleButtons|"
    r"VBox|HBox|Image|HTML|Output|Label|Checkbox|interactive)\((value|children|"
    r"layout|description|outputs)=|Error displaying widget|Loading widget\.\.\."
)

# JavaScript run in the page: the notebook panel open at `path`.
_FIND_PANEL = """
(path) => {
  const app = window.jupyterapp;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content) { return w; }
  }
  return null;
}
"""

_RUN_STATE = f"""
(path) => {{
  const panel = ({_FIND_PANEL})(path);
  if (!panel) {{ return {{ready: false, reason: 'notebook not open'}}; }}
  const kernel = panel.sessionContext.session?.kernel;
  const status = kernel ? kernel.status : 'no kernel';
  const cells = [];
  for (const cell of panel.content.widgets) {{
    const model = cell.model;
    if (model.type !== 'code') {{ continue; }}
    const source = model.sharedModel.getSource();
    const outputs = model.outputs.toJSON();
    const error = outputs.find((o) => o.output_type === 'error');
    cells.push({{
      index: panel.content.widgets.indexOf(cell),
      blank: source.trim() === '',
      count: model.executionCount,
      error: error ? (error.ename + ': ' + error.evalue + '\\n' +
                      (error.traceback || []).join('\\n')) : null,
    }});
  }}
  return {{
    ready: true,
    status,
    done: window.__plateRunAll,
    failed: window.__plateRunAllError || null,
    pending: cells.filter((c) => !c.blank && c.count === null).map((c) => c.index),
    errors: cells.filter((c) => c.error).map((c) => [c.index, c.error]),
  }};
}}
"""


def wait_for(
    probe: Callable[[], T],
    accept: Callable[[T], bool],
    timeout: float,
    what: str,
    interval: float = 0.25,
) -> T:
    """Call ``probe`` until ``accept`` likes its answer, or fail after ``timeout`` s.

    Args:
        probe: Reads the current state.
        accept: True when the state is the one waited for.
        timeout: Seconds to wait.
        what: Words for the error message ("the IoU text to change").
        interval: Seconds between probes.

    Returns:
        The accepted answer.

    Raises:
        TimeoutError: Naming ``what`` and the last answer seen.

    Example:
        >>> wait_for(lambda: 3, lambda v: v > 2, timeout=1, what="three")
        3
    """
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}; last: {value!r}")
        time.sleep(interval)


class LabPage:
    """One browser tab on the test server, with notebook and widget helpers.

    Args:
        page: A Playwright page in a fresh browser context.
        server: The running :class:`lab_server.JupyterLabServer`.
        screenshot_dir: Where :meth:`screenshot` writes PNG files.

    Example:
        >>> lab.open_notebook("notebooks/06_explore_predictions.ipynb")
        >>> lab.run_all()
        >>> lab.move_slider("Threshold", steps=3)
    """

    def __init__(self, page: Page, server, screenshot_dir: Path) -> None:
        self.page = page
        self.server = server
        self.screenshot_dir = screenshot_dir
        self.path: str | None = None

    # -- notebooks -----------------------------------------------------------------

    def open_notebook(self, path: str, timeout: float = 90.0) -> None:
        """Open the notebook at ``path`` (relative to the served root) and wait
        until its kernel is ready.

        Args:
            path: Served path, e.g. ``"notebooks/01_data_and_annotations.ipynb"``.
            timeout: Seconds for JupyterLab to load and the kernel to start.

        Raises:
            TimeoutError: If the page, the notebook or its kernel does not appear.

        Example:
            >>> lab.open_notebook("fixtures/widget_smoke.ipynb")
        """
        self.path = path
        ms = timeout * 1000
        self.page.goto(self.server.url(f"lab/tree/{path}"), timeout=ms)
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell", timeout=ms
        )
        self.page.wait_for_function(
            f"(p) => !!({_FIND_PANEL})(p)", arg=path, timeout=ms
        )
        self.page.evaluate(
            f"""async (p) => {{
                const panel = ({_FIND_PANEL})(p);
                window.jupyterapp.shell.activateById(panel.id);
                await panel.context.ready;
                await panel.sessionContext.ready;
            }}""",
            path,
        )
        self.page.locator(".jp-NotebookPanel:visible .jp-Notebook").wait_for(timeout=ms)

    def command(self, name: str, args: dict | None = None) -> None:
        """Run a JupyterLab command by id (e.g. ``"notebook:run-all-cells"``)."""
        self.page.evaluate(
            "([n, a]) => window.jupyterapp.commands.execute(n, a)", [name, args or {}]
        )

    def run_all(self, timeout: float = 150.0) -> None:
        """Clear the outputs, run every cell, and wait until all have run.

        Clearing first resets the execution counts, so a stored notebook's old
        counts cannot pass for a fresh run. Waits for the kernel to be idle and
        every non-blank code cell to have an execution count.

        Args:
            timeout: Seconds for the whole run.

        Raises:
            AssertionError: If a cell raises; the message holds its traceback.
            TimeoutError: If the run does not finish in ``timeout`` seconds.

        Example:
            >>> lab.run_all()
        """
        self.page.evaluate(
            f"""(p) => {{
                const panel = ({_FIND_PANEL})(p);
                window.jupyterapp.shell.activateById(panel.id);
                window.__plateRunAll = undefined;
                window.__plateRunAllError = undefined;
                const cmds = window.jupyterapp.commands;
                cmds.execute('notebook:clear-all-cell-outputs')
                  .then(() => cmds.execute('notebook:run-all-cells'))
                  .then((ok) => {{ window.__plateRunAll = ok; }},
                        (e) => {{ window.__plateRunAllError = String(e); }});
            }}""",
            self.path,
        )

        def finished(state: dict) -> bool:
            if state.get("errors") or state.get("failed"):
                return True
            return (
                state.get("done") is not None
                and state.get("status") == "idle"
                and not state.get("pending")
            )

        state = wait_for(self.run_state, finished, timeout, "Run All Cells to finish")
        if state.get("errors"):
            index, text = state["errors"][0]
            raise AssertionError(f"cell {index} of {self.path} raised:\n{text}")
        assert not state.get("failed"), f"run-all-cells failed: {state['failed']}"

    def run_state(self) -> dict:
        """Return the kernel status and which code cells are pending or failed."""
        return self.page.evaluate(_RUN_STATE, self.path)

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Wait until the notebook's kernel is idle (after a widget callback)."""
        wait_for(
            lambda: self.run_state().get("status"),
            lambda status: status == "idle",
            timeout,
            "the kernel to be idle",
        )

    # -- widgets -------------------------------------------------------------------

    @property
    def notebook(self) -> Locator:
        """The visible notebook's cell area."""
        return self.page.locator(".jp-NotebookPanel:visible .jp-Notebook")

    def widget(self, description: str, timeout: float = 30.0) -> Locator:
        """Return the rendered widget whose description label reads ``description``.

        Args:
            description: The widget's ``description`` exactly (spaces trimmed).
            timeout: Seconds to wait for it to render.

        Returns:
            The widget's row (label plus control), scrolled into view.

        Raises:
            TimeoutError: If no such widget is visible in time.

        Example:
            >>> lab.widget("Threshold").locator(".widget-readout").inner_text()
            '0.50'
        """
        exact = re.compile(rf"^\s*{re.escape(description)}\s*$")
        label = self.notebook.locator("label.widget-label").filter(has_text=exact)
        row = label.locator("xpath=..").first
        row.wait_for(state="visible", timeout=timeout * 1000)
        row.scroll_into_view_if_needed()
        return row

    def descriptions(self) -> list[str]:
        """Return the description labels of every rendered widget, in page order."""
        labels = self.notebook.locator("label.widget-label").all_inner_texts()
        return [label.strip() for label in labels]

    def move_slider(self, description: str, steps: int = 1) -> str:
        """Move a slider by ``steps`` keyboard steps (negative: to the left).

        The slider handle is focused and sent arrow keys, as a keyboard user
        would; each key is one ``step`` of the widget.

        Args:
            description: The slider's description.
            steps: Arrow-key presses; positive moves right.

        Returns:
            The slider's readout after the move.

        Example:
            >>> lab.move_slider("Threshold", steps=5)
            '0.75'
        """
        row = self.widget(description)
        handle = row.locator(".noUi-handle").first
        before = self.readout(description)
        handle.focus()
        key = "ArrowRight" if steps > 0 else "ArrowLeft"
        for _ in range(abs(steps)):
            handle.press(key)
        after = wait_for(
            lambda: self.readout(description),
            lambda text: text != before,
            10,
            f"the readout of slider {description!r} to move from {before!r}",
        )
        self.wait_idle()
        return after

    def readout(self, description: str) -> str:
        """Return a slider's shown value (its readout text)."""
        readout = self.widget(description).locator(".widget-readout").first
        return readout.inner_text().strip()

    def select(self, description: str, option: str) -> None:
        """Choose ``option`` in a Dropdown/Select, ToggleButtons or RadioButtons.

        Args:
            description: The selector's description.
            option: The label of the option to choose.

        Raises:
            ValueError: If the widget has no control this helper knows.

        Example:
            >>> lab.select("Image", "00003.jpg")
        """
        row = self.widget(description)
        if row.locator("select").count():
            row.locator("select").first.select_option(label=option)
        elif row.locator("button").count():
            row.locator("button").filter(has_text=option).first.click()
        elif row.locator("input[type=radio]").count():
            row.get_by_label(option, exact=True).check()
        else:
            raise ValueError(
                f"widget {description!r} has no <select>, buttons or radio buttons"
            )
        self.wait_idle()

    def selected(self, description: str) -> str:
        """Return the label of the chosen option of a Dropdown/Select widget."""
        select = self.widget(description).locator("select").first
        return select.evaluate("(s) => s.options[s.selectedIndex].text").strip()

    def options(self, description: str) -> list[str]:
        """Return the option labels of a Dropdown/Select or ToggleButtons widget."""
        row = self.widget(description)
        if row.locator("select").count():
            return [o.strip() for o in row.locator("option").all_inner_texts()]
        return [b.strip() for b in row.locator("button").all_inner_texts()]

    def text(self, selector: str = ".widget-html-content", contains: str = "") -> str:
        """Return the text of the first visible element matching ``selector``.

        Args:
            selector: CSS selector inside the notebook (default: HTML widgets).
            contains: Only elements whose text contains this string.

        Returns:
            The element's visible text, stripped.

        Example:
            >>> lab.text(contains="IoU")
            'IoU: 0.81'
        """
        found = self.notebook.locator(selector)
        if contains:
            found = found.filter(has_text=contains)
        found = found.first
        found.wait_for(state="visible", timeout=30_000)
        return found.inner_text().strip()

    def image_digest(self, locator: Locator) -> str:
        """Return a hash of the pixels shown by ``locator`` (an image or output).

        Comparing digests proves what the learner sees changed, whatever the
        widget kind (an ``Image`` widget, a matplotlib figure in an ``Output``).
        An ``<img>`` is hashed by its decoded pixels, once it has loaded, so the
        digest does not depend on where the page is scrolled or whether the
        browser has painted it yet; anything else by a screenshot.
        """
        locator.scroll_into_view_if_needed()
        if locator.evaluate("el => el.tagName") == "IMG":
            pixels = locator.evaluate(_DECODED_PIXELS)
            return hashlib.sha1(pixels.encode()).hexdigest()
        return hashlib.sha1(locator.screenshot(animations="disabled")).hexdigest()

    def wait_changed(
        self, probe: Callable[[], T], before: T, what: str, timeout: float = 30.0
    ) -> T:
        """Wait until ``probe()`` differs from ``before`` and return the new value."""
        return wait_for(probe, lambda value: value != before, timeout, what)

    def wait_settled(
        self,
        probe: Callable[[], T],
        before: T,
        what: str,
        quiet: float = 1.5,
        timeout: float = 30.0,
    ) -> T:
        """Wait until ``probe()`` differs from ``before`` and then holds still.

        A slider moved by several arrow keys sends one update per key, so the
        first change seen may be an intermediate value. This waits for a value
        that stays the same for ``quiet`` seconds and returns it.

        Raises:
            TimeoutError: If no change comes, or the value never settles.
        """
        value = self.wait_changed(probe, before, what, timeout)
        deadline = time.monotonic() + timeout
        stable_since = time.monotonic()
        while time.monotonic() - stable_since < quiet:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} kept changing for {timeout:.0f} s")
            time.sleep(0.25)
            now = probe()
            if now != value:
                value, stable_since = now, time.monotonic()
        return value

    def wait_equal(
        self, probe: Callable[[], T], expected: T, what: str, timeout: float = 30.0
    ) -> T:
        """Wait until ``probe()`` equals ``expected``; errors show the last value."""
        return wait_for(probe, lambda value: value == expected, timeout, what)

    def assert_widgets_rendered(self, fallbacks: tuple[str, ...] = ()) -> int:
        """Assert widgets render as controls, not as their text fallback.

        Args:
            fallbacks: Extra texts that only a widget's text form shows, such as a
                widget class's own ``__repr__`` (``"AugmentationPlayground("``).

        Returns:
            How many visible ``.jupyter-widgets`` elements the notebook shows.

        Raises:
            AssertionError: If no widget is visible, or an output shows the text a
                kernel prints when the front end cannot draw the widget.

        Example:
            >>> lab.assert_widgets_rendered(fallbacks=("AugmentationPlayground(",))
            7
        """
        widgets = self.notebook.locator(".jupyter-widgets:visible")
        count = widgets.count()
        assert count > 0, "no rendered .jupyter-widgets element is visible"
        outputs = self.notebook.locator(".jp-OutputArea-output").all_inner_texts()
        for text in outputs:
            match = WIDGET_FALLBACK.search(text)
            assert match is None, f"widget shown as text, not rendered: {text[:300]!r}"
            for fallback in fallbacks:
                assert fallback not in text, (
                    f"widget shown as text, not rendered: {text[:300]!r}"
                )
        return count

    def container(self, description: str) -> Locator:
        """Return the innermost ``VBox`` holding the widget ``description``.

        An app built as ``VBox([HBox(controls), text, image])`` is found from one
        of its controls, so its text and image can be read without confusing them
        with another app's.

        Example:
            >>> lab.container("Strength").locator(".widget-image")
        """
        row = self.widget(description)
        vbox = "contains(concat(' ', @class, ' '), ' widget-vbox ')"
        return row.locator(f"xpath=ancestor::div[{vbox}][1]")

    def screenshot(self, name: str) -> Path:
        """Save a screenshot of the page as ``<screenshot_dir>/<name>.png``."""
        self.screenshot_dir.mkdir(parents=True, exist_ok=True)
        path = self.screenshot_dir / f"{name}.png"
        self.page.screenshot(path=str(path), animations="disabled")
        return path
