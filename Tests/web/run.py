#!/usr/bin/env python3
"""Runs the browser flows of Tests/web against a running `tilskot serve` (Scripts/test-web starts one
on a throw-away cluster with the sample data and demo users, then runs this).

A flow is one file Tests/web/flow_NN_name.py with functions `test_*(web)` (web: webtest.Web). Each
test gets a fresh browser session (no cookies) and runs in file and definition order; every page it
reaches is checked by axe (serious or critical violations fail it) and for console errors. Adding a
flow is adding one file.

Usage: run.py --base http://127.0.0.1:PORT --users users.json [--screenshots docs/screenshots]
              [--artefacts DIR] [--only SUBSTRING]
users.json: {"caseworker": {"user": "kari", "password": "..."}, "manager": {...}, "finance": {...}, "auditor": {...}}
"""

import argparse
import importlib.util
import inspect
import os
import sys
import time
import traceback
import urllib.request

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import webtest  # noqa: E402


def flows(only):
    for name in sorted(os.listdir(HERE)):
        if not (name.startswith("flow_") and name.endswith(".py")):
            continue
        spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(HERE, name))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        tests = [(n, f) for n, f in vars(module).items() if n.startswith("test_") and inspect.isfunction(f)]
        tests.sort(key=lambda item: item[1].__code__.co_firstlineno)
        for test_name, function in tests:
            full = f"{name[:-3]}.{test_name}"
            if only and only not in full:
                continue
            yield full, function


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True)
    parser.add_argument("--users", required=True)
    parser.add_argument("--screenshots")
    parser.add_argument("--artefacts")
    parser.add_argument("--only")
    args = parser.parse_args()

    # The server's headers, as the pages rely on them: the CSP without inline script.
    with urllib.request.urlopen(args.base.rstrip("/") + "/web/login", timeout=10) as response:
        csp = response.headers.get("Content-Security-Policy", "")
    if "script-src 'self'" not in csp or "unsafe-inline" in csp:
        sys.exit(f"test-web: /web/login's Content-Security-Policy is {csp!r}; want script-src 'self' without unsafe-inline")

    users = webtest.load_users(args.users)
    with open(webtest.axe_script_path(), encoding="utf-8") as f:
        axe_source = f.read()
    if webtest.axe_version(axe_source) < webtest.AXE_MINIMUM:
        sys.exit(f"test-web: {webtest.axe_script_path()} is axe-core {webtest.axe_version(axe_source) or '?'}; "
                 f"want {'.'.join(map(str, webtest.AXE_MINIMUM))} or newer (python3 -m pip install --no-deps axe-playwright-python)")

    started = time.monotonic()
    driver = webtest.make_driver()
    print(f"chromium {driver.capabilities.get('browserVersion')}, chromedriver "
          f"{driver.capabilities.get('chrome', {}).get('chromedriverVersion', '?').split(' ')[0]} "
          f"(started in {time.monotonic() - started:.1f} s)", file=sys.stderr)
    # axe itself, once: a page with an image without text and an input without a label must fail it,
    # or a run that checks nothing would pass.
    driver.get("data:text/html;charset=utf-8,<!DOCTYPE html><html lang=en><title>t</title><main>"
               "<img src='data:,'><input type=text></main></html>")
    driver.execute_script(axe_source)
    seen = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(function (r) { done(r.violations.map(function (v) { return v.id + ':' + v.impact; })); });",
        webtest.AXE_OPTIONS)
    if not {"image-alt:critical", "label:critical"} <= set(seen):
        sys.exit(f"test-web: axe's self-check did not find the faults it should (found {seen})")
    failures, knowns, findings, pages, axe_seconds, count = [], [], [], 0, 0.0, 0
    axe_version = None
    try:
        for name, function in flows(args.only):
            count += 1
            driver.delete_all_cookies()
            driver.get("about:blank")
            driver.get_log("browser")
            web = webtest.Web(driver, args.base, users, args.screenshots, args.artefacts, axe_source)
            began = time.monotonic()
            status, note = "ok", None
            try:
                function(web)
            except Exception as error:  # a failed check or a driver error: the flow fails, the run goes on
                stem = web.save_artefacts(name)
                detail = str(error) if isinstance(error, webtest.Failure) else traceback.format_exc()
                known = getattr(function, "known_failure", None)
                if known:
                    status = "KNOWN"
                    knowns.append(name)
                    note = f"         known: {known}\n         {detail}"
                else:
                    failures.append((name, detail, stem))
                    status = "FAILED"
            else:
                if getattr(function, "known_failure", None):
                    status, note = "FIXED", "         a known failure no longer fails: remove its @known_failure"
            findings += web.findings
            pages += len(web.pages)
            axe_seconds += web.axe_seconds
            if axe_version is None and web.pages:
                axe_version = driver.execute_script("return window.axe ? axe.version : null")
            print(f"  {status:6} {name} ({time.monotonic() - began:.1f} s, {len(web.pages)} pages checked by axe)",
                  file=sys.stderr)
            if note:
                print(note, file=sys.stderr)
    finally:
        driver.quit()

    for finding in sorted(set(findings)):
        print(f"  axe (moderate or minor, reported only): {finding}", file=sys.stderr)
    for name, detail, stem in failures:
        print(f"\nFAILED {name}:\n  {detail}" + (f"\n  (screenshot and page: {stem}.png, {stem}.html)" if stem else ""),
              file=sys.stderr)
    print(f"web: {count - len(failures) - len(knowns)} of {count} flows passed"
          f"{f', {len(knowns)} known failures' if knowns else ''}; axe-core {axe_version} checked {pages} pages "
          f"in {axe_seconds:.1f} s; {time.monotonic() - started:.1f} s in all", file=sys.stderr)
    if count == 0:
        sys.exit("test-web: no flow matched")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
