"""The other roles reach the pages of this round (issue 20): the auditor reads every case (and has
nothing to decide), the finance officer logs in to My work. Their own pages (attesting payments, the
audit view) get flows of their own when they land."""


def test_auditor_reads_every_case(web):
    web.login_as("auditor")
    web.check(web.path() == "/web/work", "logging in did not lead to My work")
    web.check(not web.has("#h-decide"), "the auditor's My work offers cases to decide")
    caseworker = web.user("caseworker")["user"]
    web.go("/web/search")
    web.submit("form.search", {"caseworker": caseworker})
    rows = web.find_all("#search-results tbody tr")
    web.check(rows, f"the auditor's search for {caseworker}'s cases found none")
    web.check(not web.find_all("main form[method=post]"), "the auditor's search page offers a form that changes something")


def test_finance_officer_logs_in(web):
    web.login_as("finance")
    web.check(web.path() == "/web/work", "logging in did not lead to My work")
    web.check(web.find("h1").text.strip() != "", "My work has no heading")
    web.logout()
