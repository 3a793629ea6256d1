"""Fixtures for the browser tests: a JupyterLab server and headless Chromium.

Run them with ``make test-browser`` (installs Chromium from Debian's packages when
it is missing). They skip, with the reason, only when no Chromium binary exists.
Screenshots land in ``tests/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_page import LabPage
from lab_server import JupyterLabServer

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCREENSHOTS = ROOT / "tests" / "screenshots"

# Debian's Chromium; `playwright install` cannot download a browser here.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Quiet, offline Chromium: without the background-networking flags it keeps
# trying to reach Google's hosts. Playwright adds --headless and a fresh
# --user-data-dir (a new temporary profile) for every launch itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1400, "height": 1000}


def chromium_path() -> str | None:
    """Return the Chromium binary to drive, or ``None`` when there is none.

    ``$CHROMIUM``, when set, is the only candidate (so ``CHROMIUM=/nowhere``
    shows the skip); otherwise ``/usr/bin/chromium``, then ``chromium`` on PATH.
    """
    if "CHROMIUM" in os.environ:
        candidates = [os.environ["CHROMIUM"]]
    else:
        candidates = [DEFAULT_CHROMIUM, shutil.which("chromium") or ""]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures know a test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The Chromium binary; skips the browser tests with the reason when absent."""
    path = chromium_path()
    if path is None:
        pytest.skip(
            f"Chromium not found ($CHROMIUM={os.environ.get('CHROMIUM')!r}, "
            f"{DEFAULT_CHROMIUM}, PATH); install it with `make chromium` (as root: "
            "apt-get install chromium), or point $CHROMIUM at a Chromium binary"
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable: str):
    """Headless Chromium driven by Playwright, for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def lab_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_executable: str
) -> Iterator[JupyterLabServer]:
    """JupyterLab serving copies of ``notebooks/`` and the test fixtures.

    Served tree: ``notebooks/`` (copy), ``fixtures/`` (copy), ``data`` (link to
    the repo's data, read by the notebooks as ``../data``). Kernels get
    ``PLATE_UNET_SMOKE=1``. The server is always stopped, and no process it
    started may outlive the session.
    """
    notebooks = ROOT / "notebooks"
    copies = {"fixtures": FIXTURES}
    if notebooks.is_dir():
        copies["notebooks"] = notebooks
    server = JupyterLabServer(
        tmp_path_factory.mktemp("jupyterlab"),
        copies=copies,
        links={"data": ROOT / "data"},
        env={
            "PLATE_UNET_SMOKE": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONHASHSEED": "0",
        },
    )
    server.start()
    try:
        yield server
    finally:
        killed = server.stop()
        left = server.leftover_processes()
        assert server.process.poll() is not None, "JupyterLab server still running"
        assert not left, f"processes left after stopping JupyterLab: {left}"
        assert not killed, f"had to kill processes after JupyterLab stopped: {killed}"


@pytest.fixture
def lab(
    browser, lab_server: JupyterLabServer, request: pytest.FixtureRequest
) -> Iterator[LabPage]:
    """A fresh browser tab on the server; kernels are shut down afterwards.

    When the test fails, a screenshot ``FAILED_<test>.png`` is saved.
    """
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    lab_page = LabPage(page, lab_server, SCREENSHOTS)
    try:
        yield lab_page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            try:
                lab_page.screenshot(f"FAILED_{request.node.name}")
            except Exception as error:  # noqa: BLE001 - best effort, keep teardown going
                print(f"could not save the failure screenshot: {error}")
        context.close()
        lab_server.shutdown_kernels()
