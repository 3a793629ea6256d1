"""Start and stop a throw-away JupyterLab server for the browser tests.

The server runs on 127.0.0.1 with a free port and a random token, with its config,
settings, workspace and runtime folders in a temporary directory, so a test run
never reads or writes the user's Jupyter set-up. It serves COPIES of the notebook
folders (beside read-only links such as ``data``, so relative paths like
``../data/sample`` still resolve), so a run never modifies a committed notebook.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

# Marker put into the server's environment; every kernel inherits it, so after a
# run the processes that carry it are exactly the ones this harness started.
MARKER_VAR = "PLATE_UNET_BROWSER_RUN"

# The announcements plugin asks "Would you like to receive official Jupyter news?"
# in a toast that covers the page; disable it and the news/update checks.
DISABLED_PLUGINS = ("@jupyterlab/apputils-extension:announcements",)
NOTIFICATION_SETTINGS = {
    "fetchNews": "false",
    "checkForUpdates": False,
}


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now.

    Returns:
        A port number the operating system chose.

    Example:
        >>> 1024 < free_port() < 65536
        True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class JupyterLabServer:
    """A JupyterLab server started by :meth:`start` and ended by :meth:`stop`.

    Args:
        work_dir: Empty temporary folder for the served tree and Jupyter's folders.
        copies: Served name -> folder copied there (e.g. ``{"notebooks": ...}``).
        links: Served name -> path linked there, for inputs the notebooks read.
        env: Extra environment variables for the server and its kernels.
        startup_timeout: Seconds to wait for ``/api/status`` to answer.

    Example:
        >>> server = JupyterLabServer(tmp_path, {"notebooks": Path("notebooks")})
        >>> server.start().stop()
        []
    """

    work_dir: Path
    copies: dict[str, Path] = field(default_factory=dict)
    links: dict[str, Path] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 90.0
    port: int = 0
    token: str = ""
    marker: str = ""
    process: subprocess.Popen | None = None

    @property
    def root_dir(self) -> Path:
        """The folder the server serves (holds the copies and links)."""
        return self.work_dir / "served"

    @property
    def log_path(self) -> Path:
        """The server's combined stdout and stderr."""
        return self.work_dir / "jupyter.log"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """Return the address of ``path`` with the token as a query parameter.

        Args:
            path: Path under the server, e.g. ``"lab/tree/a.ipynb"``.

        Returns:
            The full URL, token included.

        Example:
            >>> server.url("lab/tree/01_data_and_annotations.ipynb")
            'http://127.0.0.1:…/lab/tree/01_data_and_annotations.ipynb?token=…'
        """
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def _write_config(self) -> dict[str, str]:
        """Write the temporary Jupyter folders and return their variables."""
        config = self.work_dir / "config"
        settings = self.work_dir / "settings"
        dirs = {
            "JUPYTER_CONFIG_DIR": config,
            "JUPYTERLAB_SETTINGS_DIR": settings,
            "JUPYTERLAB_WORKSPACES_DIR": self.work_dir / "workspaces",
            "JUPYTER_RUNTIME_DIR": self.work_dir / "runtime",
            "IPYTHONDIR": self.work_dir / "ipython",
        }
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        (config / "labconfig").mkdir(exist_ok=True)
        page_config = {"disabledExtensions": {name: True for name in DISABLED_PLUGINS}}
        (config / "labconfig" / "page_config.json").write_text(json.dumps(page_config))
        server_config = {"LabApp": {"news_url": None}}
        (config / "jupyter_server_config.json").write_text(json.dumps(server_config))
        plugin_dir = settings / "@jupyterlab" / "apputils-extension"
        plugin_dir.mkdir(parents=True, exist_ok=True)
        (plugin_dir / "notification.jupyterlab-settings").write_text(
            json.dumps(NOTIFICATION_SETTINGS)
        )
        return {name: str(path) for name, path in dirs.items()}

    def command(self) -> list[str]:
        """Return the command line that starts the server."""
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--LabApp.workspaces_dir={self.work_dir / 'workspaces'}",
            f"--LabApp.user_settings_dir={self.work_dir / 'settings'}",
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.terminals_enabled=False",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def start(self) -> JupyterLabServer:
        """Copy the notebooks, start the server and wait until it answers.

        Returns:
            ``self``, running.

        Raises:
            RuntimeError: If the server exits or does not answer ``/api/status``
                within ``startup_timeout`` seconds; the message holds its log.

        Example:
            >>> server = JupyterLabServer(tmp_path, {"notebooks": Path("notebooks")})
        >>> server.start().url("lab")
        'http://127.0.0.1:…/lab?token=…'
        """
        self.root_dir.mkdir(parents=True)
        for name, source in self.copies.items():
            shutil.copytree(
                source,
                self.root_dir / name,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )
        for name, target in self.links.items():
            if target.exists():
                (self.root_dir / name).symlink_to(target.resolve())
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.marker = secrets.token_hex(8)
        env = {**os.environ, **self._write_config(), **self.env}
        env[MARKER_VAR] = self.marker
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _status(self) -> bool:
        request = urllib.request.Request(
            f"{self.base_url}/api/status",
            headers={"Authorization": f"token {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with code {self.process.returncode}:\n"
                    f"{self.log_tail()}"
                )
            if self._status():
                return
            time.sleep(0.3)
        raise RuntimeError(
            f"JupyterLab did not answer /api/status within {self.startup_timeout:.0f}"
            f" s:\n{self.log_tail()}"
        )

    def log_tail(self, chars: int = 4000) -> str:
        """Return the end of the server's log (for error messages)."""
        if not self.log_path.exists():
            return "(no log)"
        return self.log_path.read_text(errors="replace")[-chars:]

    def leftover_processes(self) -> list[psutil.Process]:
        """Return the live processes that carry this server's marker.

        Returns:
            The server and kernel processes still running (empty once stopped).
        """
        found = []
        for proc in psutil.process_iter():
            try:
                if proc.environ().get(MARKER_VAR) == self.marker:
                    if proc.status() != psutil.STATUS_ZOMBIE:
                        found.append(proc)
            except (psutil.Error, OSError):
                continue
        return found

    def stop(self, timeout: float = 15.0) -> list[str]:
        """Stop the server and its kernels: terminate, then kill.

        Asks the server to shut down (which stops its kernels), then sends SIGTERM
        and at last SIGKILL to the server's process group, and finally kills any
        process that still carries this server's marker (kernels run in sessions
        of their own).

        Args:
            timeout: Seconds to wait after each polite step.

        Returns:
            Descriptions of the processes that had to be killed by force after
            the server had gone (empty when everything ended on its own).

        Example:
            >>> server.stop()
            []
        """
        proc = self.process
        if proc is None:
            return []
        if proc.poll() is None:
            self._request_shutdown()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGTERM)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self._signal_group(signal.SIGKILL)
                    proc.wait(timeout=timeout)
        self._signal_group(signal.SIGKILL)  # helpers left in the group, if any
        deadline = time.monotonic() + timeout
        leftovers = self.leftover_processes()
        while leftovers and time.monotonic() < deadline:
            time.sleep(0.2)
            leftovers = self.leftover_processes()
        killed = []
        for left in leftovers:
            try:
                killed.append(f"{left.pid} {' '.join(left.cmdline())}")
                left.kill()
            except psutil.Error:
                continue
        psutil.wait_procs(leftovers, timeout=5)
        return killed

    def api(self, path: str, method: str = "GET") -> object:
        """Call the server's REST API and return the decoded JSON answer.

        Args:
            path: Path under ``/api/``, e.g. ``"kernels"``.
            method: HTTP method.

        Returns:
            The JSON body, or ``None`` when the answer has none.

        Example:
            >>> [k["execution_state"] for k in server.api("kernels")]
            ['idle']
        """
        request = urllib.request.Request(
            f"{self.base_url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every kernel (between tests, to free the CPU)."""
        for kernel in self.api("kernels"):
            try:
                self.api(f"kernels/{kernel['id']}", method="DELETE")
            except (urllib.error.URLError, OSError):
                continue

    def _request_shutdown(self) -> None:
        request = urllib.request.Request(
            f"{self.base_url}/api/shutdown",
            method="POST",
            headers={"Authorization": f"token {self.token}"},
        )
        try:
            urllib.request.urlopen(request, timeout=5).close()
        except (urllib.error.URLError, OSError):
            self._signal_group(signal.SIGTERM)

    def _signal_group(self, sig: signal.Signals) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
