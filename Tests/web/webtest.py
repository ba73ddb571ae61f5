"""The browser tests' helpers (Tests/web/run.py runs the flows): a headless chromium driven by
Selenium, offline; logging in through the page as a demo user; axe-core run on every page a flow
reaches; screenshots at a desk's and a phone's size.

Offline: the driver is Debian's /usr/bin/chromedriver given through Service, so selenium-manager
never runs (it would download a driver), and SE_OFFLINE is set for good measure. axe-core is the 4.x
copy the PyPI package axe-playwright-python carries (axe_playwright_python/axe.min.js; installed with
--no-deps: only the script is used, never Playwright), or the file TILSKOT_AXE_JS names. It is
injected with execute_script: the pages' Content-Security-Policy (script-src 'self', no inline
script) does not apply to scripts the driver evaluates through the DevTools protocol, which
`csp_holds` checks on each run. axe runs the rules of WCAG 2.1 A and AA (AXE_OPTIONS).
"""

import json
import os
import time
import urllib.parse

os.environ.setdefault("SE_OFFLINE", "true")
# Should Selenium ever reach for selenium-manager (it does not when given the driver's path), it finds
# a program that fails at once rather than one that downloads a driver.
os.environ["SE_MANAGER_PATH"] = "/bin/false"

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

CHROMIUM = os.environ.get("TILSKOT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TILSKOT_CHROMEDRIVER", "/usr/bin/chromedriver")
DESK = (1280, 800)
PHONE = (390, 844)
# Violations of these impacts fail the run (the issue: no serious or critical violation).
FAILING_IMPACTS = ("serious", "critical")


# The rules axe runs: those of WCAG 2.0 and 2.1, levels A and AA (the level the Norwegian regulation
# on universal design of ICT solutions asks of public bodies' web pages).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
# The oldest axe-core accepted: 3.x (axe-selenium-python's 2018 copy) lacks many WCAG 2.1 rules.
AXE_MINIMUM = (4, 0)


def axe_script_path():
    """axe.min.js: TILSKOT_AXE_JS, else the copy axe-playwright-python carries."""
    given = os.environ.get("TILSKOT_AXE_JS")
    if given:
        return given
    import importlib.util
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("test-web: axe-core is missing; python3 -m pip install --no-deps axe-playwright-python "
                         "(or set TILSKOT_AXE_JS to an axe.min.js 4.x)")
    return os.path.join(list(spec.submodule_search_locations)[0], "axe.min.js")


def axe_version(source):
    """The version in axe.min.js's banner ("/*! axe v4.12.1"), as a tuple; () when there is none."""
    import re
    found = re.search(r"axe v(\d+)\.(\d+)\.(\d+)", source[:200])
    return tuple(int(part) for part in found.groups()) if found else ()


class Failure(AssertionError):
    """A flow's check that did not hold."""


def make_driver():
    """A headless chromium at the desk size, its console log readable (CSP reports land there)."""
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={DESK[0]},{DESK[1]}", "--hide-scrollbars", "--force-device-scale-factor=1",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--lang=nn"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    driver.implicitly_wait(0)
    # The viewport itself is the desk size (the window may be larger than its viewport).
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": DESK[0], "height": DESK[1], "deviceScaleFactor": 1, "mobile": False})
    return driver


class Web:
    """One flow's browser: navigation that runs axe on every page reached, log in and out, checks."""

    def __init__(self, driver, base, users, screenshots, artefacts, axe_source):
        self.driver = driver
        self.base = base.rstrip("/")
        self.users = users                  # role -> {"user": ..., "password": ...}
        self.screenshots = screenshots      # folder for the documented screenshots, or None
        self.artefacts = artefacts          # folder for a failing flow's screenshot and page source
        self.axe_source = axe_source
        self.pages = []                     # (url, title, seconds) of every page axe checked
        self.findings = []                  # axe violations below the failing impacts, reported only
        self.axe_seconds = 0.0

    # ---- checks ------------------------------------------------------------------------------------
    def check(self, condition, message):
        if not condition:
            raise Failure(f"{message} (at {self.driver.current_url})")

    def find(self, css):
        try:
            return self.driver.find_element(By.CSS_SELECTOR, css)
        except NoSuchElementException:
            raise Failure(f"no element {css!r} on {self.driver.current_url} ({self.driver.title!r})") from None

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def has(self, css):
        return bool(self.driver.find_elements(By.CSS_SELECTOR, css))

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def cookie(self, name):
        return self.driver.get_cookie(name)

    # ---- navigation --------------------------------------------------------------------------------
    def url(self, path):
        return self.base + path

    def go(self, path):
        """Opens a page of the server and checks it (axe, the console)."""
        self.driver.get(self.url(path))
        self.reached()

    def submit(self, form_css, fields=None, button_css="button[type=submit]"):
        """Fills a form's fields (name -> value; a <select> by option value) and submits it with its
        button, as a person would, then checks the page it leads to."""
        form = self.find(form_css)
        for name, value in (fields or {}).items():
            field = form.find_element(By.NAME, name)
            if field.tag_name == "select":
                Select(field).select_by_value(value)
            else:
                field.clear()
                field.send_keys(value)
        before = self.driver.find_element(By.TAG_NAME, "html")
        form.find_element(By.CSS_SELECTOR, button_css).click()
        self.wait_for_new_page(before)
        self.reached()

    def follow(self, link):
        """Clicks a link element and checks the page it leads to."""
        before = self.driver.find_element(By.TAG_NAME, "html")
        link.click()
        self.wait_for_new_page(before)
        self.reached()

    def wait_for_new_page(self, old_html, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                old_html.is_enabled()       # raises once the old document is gone
            except Exception:
                if self.driver.execute_script("return document.readyState") == "complete":
                    return
            time.sleep(0.02)
        raise Failure("the form or link led to no new page within 15 s")

    def reached(self):
        """Every page reached: no console error (a CSP refusal, a missing asset), and axe."""
        self.console_clean()
        self.axe()

    def console_clean(self):
        here = self.driver.current_url
        severe = [entry["message"] for entry in self.driver.get_log("browser")
                  if entry.get("level") == "SEVERE" and not self._expected_console(entry["message"], here)]
        self.check(not severe, "the browser's console has errors: " + " | ".join(severe))

    @staticmethod
    def _expected_console(message, here):
        # A page answered 401, 403, 404 or 422 on purpose (a refusal shown beside its form) logs
        # "Failed to load resource" for the page itself; any other resource failing is an error.
        # The browser's own request for /favicon.ico is not the page's (the pages name no icon).
        return (message.startswith(here + " - Failed to load resource: the server responded with a status of 4")
                or "/favicon.ico - Failed to load resource" in message)

    # ---- users ---------------------------------------------------------------------------------------
    def user(self, role):
        if role not in self.users:
            raise Failure(f"no demo user for the role {role!r} (Scripts/test-web makes them)")
        return self.users[role]

    def login(self, user, password, expect_ok=True):
        """Logs in through the log-in page (from any page: a session-less page redirects there)."""
        self.go("/web/login")
        self.submit("form.login", {"user": user, "password": password})
        if expect_ok:
            self.check(self.cookie("tilskot_session") is not None, f"no session cookie after logging in as {user}")
            self.check(self.path() != "/web/login", f"still on the log-in page after logging in as {user}")

    def login_as(self, role):
        person = self.user(role)
        self.login(person["user"], person["password"])
        return person["user"]

    def logout(self):
        self.submit("form.logout")
        self.check(self.cookie("tilskot_session") is None, "the session cookie is still there after logging out")

    # ---- axe -------------------------------------------------------------------------------------------
    def axe(self):
        started = time.monotonic()
        driver = self.driver
        if not driver.execute_script("return typeof window.axe === 'object'"):
            driver.execute_script(self.axe_source)
        results = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, arguments[0])"
            ".then(function (r) { done({violations: r.violations, version: axe.version}); },"
            "      function (e) { done({error: String(e)}); });", AXE_OPTIONS)
        seconds = time.monotonic() - started
        self.axe_seconds += seconds
        self.pages.append((driver.current_url, driver.title, seconds))
        if "error" in results:
            raise Failure(f"axe could not run: {results['error']}")
        failing = []
        for violation in results["violations"]:
            targets = [", ".join(t if isinstance(t, str) else " ".join(t) for t in node.get("target", []))
                       for node in violation.get("nodes", [])]
            line = (f"{violation['id']} ({violation.get('impact')}): {violation.get('help')} — "
                    f"{'; '.join(targets[:5])}{' …' if len(targets) > 5 else ''}")
            if violation.get("impact") in FAILING_IMPACTS:
                failing.append(line)
            else:
                self.findings.append(f"{self.path()}: {line}")
        self.check(not failing, "axe found serious or critical violations:\n    " + "\n    ".join(failing))

    def csp_holds(self):
        """The page's CSP is in force in this browser (an inline script added to the page does not
        run) while axe, evaluated by the driver, does."""
        ran = self.driver.execute_script(
            "window.__inlineRan = false;"
            "var s = document.createElement('script'); s.textContent = 'window.__inlineRan = true;';"
            "document.head.appendChild(s); return window.__inlineRan;")
        self.check(ran is False, "an inline script ran: the Content-Security-Policy is not in force")
        self.check(self.driver.execute_script("return typeof window.axe === 'object'"), "axe was not injected")
        # The refused inline script is logged as a console error; it is ours, not the page's.
        self.driver.get_log("browser")

    # ---- screenshots ------------------------------------------------------------------------------------
    def screenshot(self, name):
        """docs/screenshots/NAME-desk.png at 1280×800 and NAME-phone.png at 390×844 of the current page,
        and axe on the phone layout too."""
        if not self.screenshots:
            return
        os.makedirs(self.screenshots, exist_ok=True)
        for label, (width, height), mobile in (("desk", DESK, False), ("phone", PHONE, True)):
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
            # axe scrolls the page and the tables that scroll on a phone while it checks contrast:
            # back to the top and left of everything before each picture.
            self.driver.execute_script(
                "document.querySelectorAll('*').forEach(function (e) { e.scrollLeft = 0; e.scrollTop = 0; });"
                "window.scrollTo(0, 0);")
            self.driver.save_screenshot(os.path.join(self.screenshots, f"{name}-{label}.png"))
            if mobile:
                self.axe()
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": DESK[0], "height": DESK[1], "deviceScaleFactor": 1, "mobile": False})

    def save_artefacts(self, name):
        if not self.artefacts:
            return None
        os.makedirs(self.artefacts, exist_ok=True)
        stem = os.path.join(self.artefacts, name)
        try:
            self.driver.save_screenshot(stem + ".png")
            with open(stem + ".html", "w", encoding="utf-8") as f:
                f.write(self.driver.page_source)
        except Exception:
            return None
        return stem


def known_failure(reason):
    """Marks a test that fails because of a known fault in a page (named in `reason`, with whose it
    is): the run reports it as KNOWN with its failure and does not fail; once it passes, the run says
    so, and the mark is to be removed."""
    def mark(function):
        function.known_failure = reason
        return function
    return mark


def load_users(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
