"""Open every page of the built book in headless Chromium and check it (``make book-check``).

For each HTML page of ``build/book/_build/html`` (served on a loopback port), the
check fails if

* the browser console reports an error (level SEVERE), e.g. a missing script;
* a page with formulas has none typeset by MathJax, or MathJax reports an error;
* an image has not loaded (``naturalWidth == 0``).

It needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them)
and selenium from ``requirements-book.txt``. Screenshots of three pages (the
introduction, a lecture with formulas and figures, the API reference) are saved
in ``build/book-screenshots/`` (the top of each page and, where it has one, its first
figure) for a person to look at; they are not committed.
The last line reads ``N passed, M failed``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "build" / "book" / "_build" / "html"
SCREENSHOTS = ("intro.html", "notebooks/02_gaussian_attack.html", "api.html")

# MathJax 3 resolves MathJax.startup.promise once the page is typeset.
WAIT_MATHJAX = """
const done = arguments[arguments.length - 1];
const start = Date.now();
(function poll() {
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    window.MathJax.startup.promise.then(() => done(true), () => done(false));
  } else if (Date.now() - start > 20000) {
    done(false);
  } else {
    setTimeout(poll, 100);
  }
})();
"""

PAGE_STATE = """
const imgs = Array.from(document.images);
const mathSource = document.querySelectorAll('.math').length;
return {
  mathSource: mathSource,
  typeset: document.querySelectorAll('mjx-container').length,
  mathErrors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
  images: imgs.length,
  brokenImages: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src')),
};
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the report readable
        pass

    def do_GET(self):  # browsers ask for a favicon the book does not have
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()


def _driver(chromium: str, chromedriver: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--window-size=1280,1600"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(chromedriver), options=opts)


def check_page(driver, url: str, timeout: float = 30.0) -> tuple[list[str], dict]:
    driver.get(url)
    driver.set_script_timeout(timeout)
    state = driver.execute_script(PAGE_STATE)
    problems = []
    if state["mathSource"] and not driver.execute_async_script(WAIT_MATHJAX):
        problems.append("MathJax did not finish")
    state = driver.execute_script(PAGE_STATE)
    if state["mathSource"] and state["typeset"] == 0:
        problems.append(f"{state['mathSource']} formulas, none typeset")
    if state["mathErrors"]:
        problems.append(f"{state['mathErrors']} MathJax errors")
    if state["brokenImages"]:
        problems.append(f"images not loaded: {state['brokenImages'][:5]}")
    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE":
            problems.append(f"console: {entry.get('message', '')[:200]}")
    return problems, state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=HTML)
    parser.add_argument("--screenshots", type=Path, default=ROOT / "build" / "book-screenshots")
    args = parser.parse_args(argv)
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        print("chromium and chromedriver are needed: apt-get install chromium chromium-driver", file=sys.stderr)
        return 2
    if not (args.html / "intro.html").exists():
        print(f"no built book in {args.html}: run make book first", file=sys.stderr)
        return 2
    pages = [p.relative_to(args.html).as_posix() for p in sorted(args.html.rglob("*.html"))
             if "_static" not in p.relative_to(args.html).parts]
    handler = functools.partial(_Quiet, directory=str(args.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    args.screenshots.mkdir(parents=True, exist_ok=True)
    driver = _driver(chromium, chromedriver)
    passed = failed = 0
    try:
        for page in pages:
            problems, state = check_page(driver, base + page)
            if page in SCREENSHOTS:
                name = page.replace("/", "_")
                driver.save_screenshot(str(args.screenshots / (name + ".png")))
                if state["images"]:  # and one with the first figure in view
                    driver.execute_script("const i = document.querySelector('.cell_output img, main img'); if (i) i.scrollIntoView();")
                    driver.save_screenshot(str(args.screenshots / (name + "-figure.png")))
            status = "ok" if not problems else "FAIL"
            shown = problems[:6] + ([f"... {len(problems) - 6} more"] if len(problems) > 6 else [])
            print(f"{status:4} {page}: {state['typeset']} formulas typeset, {state['images']} images"
                  + ("" if not problems else " -- " + "; ".join(shown)), flush=True)
            passed, failed = passed + (not problems), failed + bool(problems)
    finally:
        driver.quit()
        server.shutdown()
    print(f"screenshots of {len(SCREENSHOTS)} pages in {args.screenshots}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
