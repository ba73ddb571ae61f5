"""Logging in through the organisation's OpenID Connect provider (issue 20): the stand-in provider of
Tests/web/oidc_provider.py (Scripts/test-web starts it at http://localhost:PORT, another site than the
server's 127.0.0.1, and links kari's subject there to her). The log-in page offers the provider; its
authorization request carries a PKCE S256 challenge, a state and a nonce; the linked subject lands on
My work as kari and logs out; a forged state is refused with nothing set and the code never
exchanged; an unlinked subject is refused with the sentence saying what to ask an administrator.
The provider itself refuses a wrong code_verifier (so the server's PKCE is checked for real)."""

import base64
import hashlib
import json
import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By


def settings():
    path = os.environ.get("TILSKOT_WEB_OIDC")
    if not path:
        raise AssertionError("TILSKOT_WEB_OIDC is not set: run the flows through Scripts/test-web, which starts the stand-in provider")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def provider_log(oidc):
    with urllib.request.urlopen(oidc["issuer"] + "/_log", timeout=5) as response:
        return json.load(response)


def wait_for_path(web, path, timeout=15):
    """The callback's page moves on to My work by itself (Refresh): waits until it has."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if web.path() == path and web.driver.execute_script("return document.readyState") == "complete":
            return
        time.sleep(0.05)
    raise AssertionError(f"did not reach {path} within {timeout} s (at {web.driver.current_url})")


def to_provider(web, oidc):
    """From the log-in page through the provider's button to the provider's page; its query."""
    web.go("/web/login")
    button = web.find("#oidc-login")
    web.check(oidc["name"] in button.text, f"the log-in page's provider button does not name {oidc['name']}: {button.text!r}")
    web.check(web.has("form.login"), "the password form is gone beside the provider's button")
    web.follow(button)
    here = urllib.parse.urlsplit(web.driver.current_url)
    web.check(f"{here.scheme}://{here.netloc}" == oidc["issuer"] and here.path == "/authorize",
              "the button did not lead to the provider's authorization endpoint")
    web.check(web.cookie("tilskot_session") is None, "a session cookie before the provider answered")
    return dict(urllib.parse.parse_qsl(here.query))


def test_linked_subject_logs_in_through_the_provider_and_out(web):
    oidc = settings()
    query = to_provider(web, oidc)
    web.check(query.get("response_type") == "code" and "openid" in query.get("scope", "").split(),
              f"not an authorization code request for openid: {query}")
    web.check(query.get("code_challenge_method") == "S256" and len(query.get("code_challenge", "")) == 43,
              f"no PKCE S256 challenge: {query}")
    web.check(len(query.get("state", "")) >= 22 and len(query.get("nonce", "")) >= 22 and query["state"] != query["nonce"],
              "the state or nonce is missing, short or the same")
    web.check(query.get("redirect_uri") == web.base + "/web/oidc/callback", f"redirect_uri is {query.get('redirect_uri')!r}")
    web.check(query.get("client_id") == oidc["client_id"], "another client id")
    granted_before = sum(1 for entry in provider_log(oidc) if entry["outcome"] == "granted")
    form = web.find("form.idp-login")
    form.find_element(By.NAME, "user").send_keys(oidc["linked"]["subject"])
    form.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
    wait_for_path(web, "/web/work")
    web.reached()
    web.check(sum(1 for entry in provider_log(oidc) if entry["outcome"] == "granted") == granted_before + 1,
              "the provider did not exchange exactly one code")
    session = web.cookie("tilskot_session")
    web.check(session is not None and session["httpOnly"] and session.get("sameSite") == "Strict",
              f"no HttpOnly, SameSite=Strict session cookie after the provider's log-in: {session}")
    web.check(web.cookie("tilskot_oidc") is None, "the log-in's state cookie is left behind")
    web.check(oidc["linked"]["user"] in web.find("form.logout").text, "the header does not name the linked user")
    web.check(web.find_all("#my-cases tbody tr"), "My work lists none of kari's cases")
    web.logout()
    web.check(web.path() == "/web/login", "logging out did not lead to the log-in page")
    web.go("/web/work")
    web.check(web.path() == "/web/login", "My work opened after logging out")


def test_a_forged_state_is_refused(web):
    oidc = settings()
    to_provider(web, oidc)
    log_before = len(provider_log(oidc))
    # The provider sends back a code with a state this log-in never began.
    web.driver.execute_script("document.querySelector('form.idp-login input[name=state]').value = arguments[0]",
                              secrets.token_urlsafe(24))
    form = web.find("form.idp-login")
    form.find_element(By.NAME, "user").send_keys(oidc["linked"]["subject"])
    before = web.find("html")
    form.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
    web.wait_for_new_page(before)
    web.reached()
    web.check(web.path() == "/web/oidc/callback", "a forged state did not stay on the callback's refusal")
    error = web.find("#oidc-error")
    web.check("Start" in error.text or "start" in error.text, f"the refusal does not say to start again: {error.text!r}")
    web.check(web.cookie("tilskot_session") is None, "a forged state set a session cookie")
    web.check(len(provider_log(oidc)) == log_before, "the code of a forged state was exchanged at the provider")
    web.go("/web/work")
    web.check(web.path() == "/web/login", "a page opened after a forged state")


def test_an_unlinked_subject_is_refused_with_the_sentence(web):
    oidc = settings()
    to_provider(web, oidc)
    form = web.find("form.idp-login")
    form.find_element(By.NAME, "user").send_keys(oidc["unlinked_subject"])
    before = web.find("html")
    form.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
    web.wait_for_new_page(before)
    web.reached()
    error = web.find("#oidc-error").text
    for part in ("tilskot user link", oidc["unlinked_subject"], oidc["issuer"]):
        web.check(part in error, f"the refusal of an unlinked subject does not say {part!r}: {error!r}")
    web.check(web.cookie("tilskot_session") is None, "an unlinked subject got a session cookie")
    web.screenshot("login-oidc-unlinked")
    web.go("/web/work")
    web.check(web.path() == "/web/login", "a page opened for an unlinked subject")


def test_the_provider_refuses_a_wrong_code_verifier(web):
    """The stand-in's own check, so that the log-in above proves the server sent the right verifier."""
    oidc = settings()
    redirect = web.base + "/web/oidc/callback"
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)

    def code():
        query = urllib.parse.urlencode({"response_type": "code", "client_id": oidc["client_id"], "redirect_uri": redirect,
                                        "scope": "openid", "state": "s", "nonce": "n", "code_challenge": challenge,
                                        "code_challenge_method": "S256", "login_hint": oidc["linked"]["subject"]})
        try:
            opener.open(oidc["issuer"] + "/authorize?" + query, timeout=5)
        except urllib.error.HTTPError as answer:
            location = answer.headers["Location"]
            return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]
        raise AssertionError("the provider did not redirect with a code")

    def exchange(the_code, the_verifier):
        body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": the_code, "redirect_uri": redirect,
                                       "client_id": oidc["client_id"], "code_verifier": the_verifier}).encode()
        basic = base64.b64encode(f"{oidc['client_id']}:{oidc['client_secret']}".encode()).decode()
        request = urllib.request.Request(oidc["issuer"] + "/token", data=body, headers={"Authorization": "Basic " + basic})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as answer:
            return answer.code, json.load(answer)

    wrong = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    status, body = exchange(code(), wrong)
    web.check(status == 400 and body.get("error") == "invalid_grant", f"the provider took a wrong code_verifier: {status} {body}")
    status, body = exchange(code(), verifier)
    web.check(status == 200 and body.get("id_token"), f"the provider refused the right code_verifier: {status} {body}")
