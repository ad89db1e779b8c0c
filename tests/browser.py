"""Open a page in headless Chromium with the network off, for the interactive-map tests.

The network is off three ways: a proxy on a closed port, every host name resolving to
nothing, and background services disabled. What the page asked for is read from Chromium's
NetLog (every http/https/ws request it tried, failed or not, minus Chromium's own update
and account services), its script errors from the console log (``Uncaught ...``), and its
state from the DOM after the scripts ran (``--dump-dom``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Hosts Chromium itself calls (updates, accounts, time); never the page's requests.
_BROWSER_HOSTS = re.compile(r"^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|"
                            r"gvt1\.com|gstatic\.com|chromium\.org)(/|:|$)")


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no Chromium on this machine (Debian: apt-get install chromium)")
    raise AssertionError  # unreachable


@dataclass
class Page:
    dom: str
    requests: list[str]
    console_errors: list[str]

    def attr(self, name: str) -> str | None:
        m = re.search(r'<div class="peernet-imap"[^>]*\s' + re.escape(name) + r'="([^"]*)"',
                      self.dom)
        return m.group(1) if m else None


def open_page(path: Path, fragment: str = "", *, screenshot: Path | None = None,
              budget_ms: int = 8000) -> Page:
    """Load ``file://path#fragment`` offline; return the DOM, requests and script errors."""
    with tempfile.TemporaryDirectory() as tmp:
        netlog = Path(tmp) / "net.json"
        args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-extensions",
                f"--user-data-dir={tmp}/profile", "--proxy-server=127.0.0.1:9",
                "--host-resolver-rules=MAP * ~NOTFOUND", f"--log-net-log={netlog}",
                "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
                "--window-size=1100,900", f"--virtual-time-budget={budget_ms}"]
        args += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
        url = Path(path).resolve().as_uri() + (f"#{fragment}" if fragment else "")
        run = subprocess.run(args + [url], capture_output=True, text=True, timeout=180,
                             check=False)
        log = netlog.read_text(encoding="utf-8", errors="replace") if netlog.exists() else ""
    urls = set()
    if log:
        try:
            events = json.loads(log if log.rstrip().endswith("}") else log.rstrip(",\n") + "]}")
            for e in events.get("events", []):
                url = (e.get("params") or {}).get("url")
                if url:
                    urls.add(url)
        except json.JSONDecodeError:
            urls = set(re.findall(r'"url":"([^"]+)"', log))
    requests = sorted(u for u in urls if not u.startswith(("file:", "data:", "blob:",
                                                           "about:", "chrome"))
                      and not _BROWSER_HOSTS.match(u))
    errors = [line for line in run.stderr.splitlines()
              if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]
    return Page(run.stdout, requests, errors)
