"""The case on one page (issue 20): a caseworker registers an application, takes it and assesses it
through the page's forms; a manager opens it, decides a grant over the round's frame and sees the
database's refusal beside the decision form with what was typed kept. axe runs on every page reached
(the register page, the case page in each state, the refusal)."""

# Jobbsjansen 2022 in the sample has 5 300 000 kr of its frame left; 6 000 000 kr does not fit.
ROUND = "JS/2022"
ORGNR = "944588132"         # Alta kommune (a municipality: the scheme's kind of applicant)
AMOUNT = "6 000 000"
TITLE = "Jobbsjansen Alta, nytt kull (nettlesartest)"


def register_and_assess(web):
    """As the caseworker: register, take and assess a case; its reference."""
    web.login_as("caseworker")
    web.go("/web/applications/new")
    web.submit("#form-register", {"round": ROUND, "orgnr": ORGNR, "title": TITLE, "amount": AMOUNT,
                                  "received": "2022-02-01"})
    path = web.path()
    web.check(path.startswith("/web/cases/JS-2022-"), f"registering did not lead to the new case's page (at {path})")
    reference = path.rsplit("/", 1)[1]
    web.check(TITLE in web.find("h1").text, "the case page does not show the title registered")
    web.check(web.has(".status-received"), "a new case is not shown as received")
    web.submit("#form-assign")
    web.check(web.has(".status-in_review"), "taking the case did not put it in review")
    web.submit("#form-assess", {"score": "4", "recommendation": "grant", "notes": "Godt grunnlag (nettlesartest)"})
    web.check(web.path() == path, f"assessing did not lead back to the case page (at {web.path()})")
    web.check(web.has(".status-assessed"), "assessing did not make the case assessed")
    web.check("Godt grunnlag (nettlesartest)" in web.find("#case-assessments").text, "the assessment is not on the page")
    web.check(not web.has("#decide-error"), "a refusal is shown where none was")
    web.screenshot("case")
    web.logout()
    return reference


def test_caseworker_registers_assesses_manager_meets_the_frame(web):
    reference = register_and_assess(web)
    web.login_as("manager")
    web.go(f"/web/cases/{reference}")
    web.check(web.has("#form-decide"), "an assessed case offers the manager no decision form")
    reasons = "Innvilga i sin heilskap (nettlesartest)"
    web.submit("#form-decide", {"outcome": "grant", "amount": AMOUNT, "reasons": reasons})
    web.check(web.has("#decide-error"), "a grant over the frame shows no refusal beside the decision form")
    sentence = web.find("#decide-error").text
    web.check("decision refused:" in sentence and "over its frame" in sentence,
              f"the refusal is not the database's sentence: {sentence!r}")
    web.check(web.find("#decide-amount").get_attribute("value") == AMOUNT, "the amount typed is not kept")
    web.check(web.find("#decide-reasons").get_attribute("value") == reasons, "the reasons typed are not kept")
    web.check(web.has(".status-assessed"), "the refused decision changed the case's status")
    web.check(not web.has("#case-decisions"), "a refused decision is listed on the case")
