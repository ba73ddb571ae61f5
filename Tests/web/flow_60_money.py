"""Rounds, reports and finance (issue 20): a manager reads the rounds, a round's frame and bar, and the
reports with their downloads and the equality section; a finance officer attests a payment; an auditor
sees every one of these pages and every form he posts is refused by the database, the sentence beside
the form and nothing changed. axe runs on each page (webtest.Web.go/submit/follow).

The payments to attest are planned by Scripts/test-web (sample grants of Jobbsjansen 2021)."""

import urllib.parse

from selenium.webdriver.common.by import By


def planned_ids(web):
    return [box.get_attribute("value") for box in web.find_all("#planned-payments input[name=payment]")]


def test_manager_reads_rounds_and_reports(web):
    web.login_as("manager")
    web.go("/web/rounds")
    rows = web.find_all("#rounds tbody tr")
    web.check(rows, "the rounds page lists no round")
    web.check(web.has("#rounds svg.frame-bar rect.bar-granted[width]"), "the rounds have no bar with a width attribute")
    web.screenshot("rounds")
    link = web.find("#rounds tbody tr[data-round='JS/2021'] th a")
    web.follow(link)
    web.check(web.path() == "/web/rounds/JS/2021", "the round's link led elsewhere")
    web.check(web.has("#round-figures tr[data-figure='fig_frame']"), "the round page shows no frame")
    web.check(web.has("#round-counts tr[data-status='granted']"), "the round page has no count of granted applications")
    web.check(" kr" in web.find("#round-figures").text, "the round's amounts are not in kroner")
    web.screenshot("round")

    web.go("/web/reports?year=2021")
    for name in ("summary", "geography", "applicants", "trend", "caseload", "followup"):
        web.check(web.has(f"#report-{name}"), f"the reports page has no {name} report")
        for kind in ("csv", "xlsx"):
            href = web.find(f"#download-{name}-{kind}").get_attribute("href")
            web.check(urllib.parse.urlsplit(href).path == f"/web/reports/{name}.{kind}", f"the {name} {kind} link is {href}")
    web.check(web.has("#report-summary table caption"), "the summary has no table with a caption")
    web.screenshot("reports")
    # The equality section as it will be printed, in each language: its own page, its charts, its CSP.
    for lang in ("nn", "nb", "en"):
        web.follow(web.find(f"#equality-{lang}"))
        web.check(web.find("html").get_attribute("lang") == lang, f"the equality section in {lang} is not lang={lang}")
        web.check(web.has("figure.chart svg"), f"the equality section in {lang} has no chart")
        web.go("/web/reports?year=2021")


def test_finance_officer_attests_a_payment(web):
    web.login_as("finance")
    web.go("/web/finance")
    ids = planned_ids(web)
    web.check(ids, "no payment waits for attestation (Scripts/test-web plans some)")
    chosen = ids[0]
    web.screenshot("finance")
    web.find(f"#pay-{chosen}").click()
    web.submit("form.attest")
    web.check(web.path() == "/web/finance", f"attesting led to {web.path()}")
    notice = web.find("p.notice[role=status]").text
    web.check("JS-" in notice, f"no notice of what was attested: {notice!r}")
    web.check(chosen not in planned_ids(web), f"payment {chosen} still waits for attestation")
    web.check(web.has(f"#attested-payments tr[data-payment='{chosen}']"), f"payment {chosen} is not in the payment run")


def test_auditor_sees_everything_and_is_refused(web):
    web.login_as("auditor")
    for path in ("/web/rounds", "/web/rounds/JS/2021", "/web/reports?year=2021", "/web/finance"):
        web.go(path)
        web.check(web.find("h1").text.strip(), f"{path} has no heading for the auditor")
    ids = planned_ids(web)
    web.check(ids, "the auditor sees no payment waiting for attestation")
    chosen = ids[-1]
    # Every form on these pages that changes something is the attest form: he may post it, the
    # database refuses it, and the page says so beside the form with his choice kept.
    forms = [f.get_attribute("action") for f in web.find_all("main form[method=post]")]
    web.check(all(urllib.parse.urlsplit(a).path == "/web/finance/attest" for a in forms), f"unexpected forms: {forms}")
    web.find(f"#pay-{chosen}").click()
    web.submit("form.attest")
    web.check(web.has("#attest-error"), "the refusal is not shown beside the form")
    sentence = web.find("#attest-error").text
    web.check("refused" in sentence or "avvist" in sentence, f"the sentence is not the database's refusal: {sentence!r}")
    web.check(web.find(f"#pay-{chosen}").is_selected(), "the auditor's choice was not kept")
    web.go("/web/finance")
    web.check(chosen in planned_ids(web), f"payment {chosen} was attested by the auditor")
