"""The case page's step forms (issue 20; CaseStepActions): on a granted sample case, the caseworker
declares herself disqualified (fvl. §§ 6–10), is refused sending an advance notice (managers only,
the database's sentence beside the form with what she typed kept); the manager sends it (fvl. § 16)
and the caseworker records the party's answer; the manager records the decision's notice and
registers an appeal, and the appeal's steps are offered: forwarding by the manager who registered it
is refused by the database (another manager decides an appeal), and when the run has a second
manager (users.json's "registrar"), that one registers the appeal and the manager forwards it to
the appeal body. axe runs on every page reached."""

import datetime

# Kulturbrua Hamar's 2021 grant in the sample (caseworker ola): no notice, no advance notice, no appeal.
REFERENCE = "FO-2021-0013"


def open_case(web):
    web.go(f"/web/cases/{REFERENCE}")
    web.check(web.has(".status-granted"), f"{REFERENCE} is not shown as granted")


def test_disqualification_advance_notice_and_answer(web):
    kari = web.login_as("caseworker")
    open_case(web)
    reason = "Eg sit i styret i Kulturbrua (nettlesartest)"
    web.submit("#form-disqualify", {"reason": reason})
    web.check(web.path() == f"/web/cases/{REFERENCE}", f"declaring did not lead back to the case (at {web.path()})")
    listed = web.find("#case-disqualifications").text
    web.check(reason in listed and kari in listed, "the disqualification is not listed on the case")

    # An advance notice is the managers' (16_notice.sql): the database refuses the caseworker.
    sent = web.find("#forewarn-sent").get_attribute("value")
    answer_by = (datetime.date.fromisoformat(sent) + datetime.timedelta(days=21)).isoformat()
    proposal = "Tilskotet blir sett ned til 100 000 kr fordi tiltaket vart mindre (nettlesartest)"
    web.submit("#form-forewarn", {"proposal": proposal, "amount": "100 000", "answer_by": answer_by})
    web.check(web.has("#forewarn-error"), "the caseworker's advance notice shows no refusal beside the form")
    sentence = web.find("#forewarn-error").text
    web.check("advance notice refused:" in sentence and "is not a manager" in sentence,
              f"the refusal is not the database's sentence: {sentence!r}")
    web.check(web.find("#forewarn-proposal").get_attribute("value") == proposal, "the proposal typed is not kept")
    web.check(web.find("#forewarn-answer-by").get_attribute("value") == answer_by, "the answer-by date typed is not kept")
    web.check(not web.has("#case-advance-notices"), "a refused advance notice is listed on the case")
    web.logout()

    web.login_as("manager")
    open_case(web)
    web.submit("#form-forewarn", {"proposal": proposal, "amount": "100 000", "answer_by": answer_by})
    web.check(not web.has("#forewarn-error"), f"the manager's advance notice was refused: {web.find('#forewarn-error').text if web.has('#forewarn-error') else ''}")
    notices = web.find("#case-advance-notices").text
    web.check(answer_by in notices and proposal in notices, "the advance notice is not listed on the case")
    web.logout()

    web.login_as("caseworker")
    open_case(web)
    web.check(web.has("#form-forewarn-answer"), "an unanswered advance notice offers no answer form")
    summary = "Kulturbrua er usamd og viser til aktivitetsrapporten (nettlesartest)"
    web.submit("#form-forewarn-answer", {"received": sent, "summary": summary})
    web.check(not web.has("#forewarn-answer-error"), "recording the answer was refused")
    row = web.find("#case-advance-notices tbody tr").text
    web.check(row.count(sent) >= 2, f"the answer's date is not shown with the advance notice: {row!r}")
    web.check(not web.has("#form-forewarn-answer"), "the answered notice still offers the answer form")
    web.screenshot("case-steps")
    web.logout()


def test_appeal_steps(web):
    registrar = web.users.get("registrar")
    web.login_as("registrar" if registrar else "manager")
    open_case(web)
    # The decision's notice (the appeal deadline runs from it), then the appeal, both dated today.
    web.submit("#form-notice", {"channel": "digital"})
    web.check(web.has("#case-notices"), "the notice is not listed on the case")
    grounds = "Kulturbrua meiner vilkåra er for strenge (nettlesartest)"
    web.submit("#form-appeal", {"grounds": grounds})
    web.check(web.has(".status-appealed"), "registering the appeal did not make the case appealed")
    web.check(web.has("#form-appeal-forward") and web.has("#form-appeal-dismiss") and web.has("#form-appeal-decide"),
              "a pending appeal offers no steps")
    comments = "Direktoratet held fast på vedtaket (nettlesartest)"
    if not registrar:
        # The manager who registered the appeal does not decide it (08_appeals_withdrawals_moves.sql).
        web.submit("#form-appeal-forward", {"reasons": comments})
        web.check(web.has("#appeal-forward-error"), "forwarding by the registrar shows no refusal beside the form")
        sentence = web.find("#appeal-forward-error").text
        web.check("cannot also decide it" in sentence, f"the refusal is not the database's sentence: {sentence!r}")
        web.check(web.find("#appeal-forward-reasons").get_attribute("value") == comments, "the comments typed are not kept")
        web.check(web.has(".status-appealed"), "the refused forwarding changed the case")
        return
    web.logout()
    web.login_as("manager")
    open_case_appealed = f"/web/cases/{REFERENCE}"
    web.go(open_case_appealed)
    web.submit("#form-appeal-forward", {"reasons": comments})
    web.check(not web.has("#appeal-forward-error"), "the manager's forwarding was refused")
    web.check("forward" in web.find("#case-appeals").text, "the forwarding is not shown on the appeal")
    web.check(web.has("#form-appeal-body") and not web.has("#form-appeal-forward"),
              "a forwarded appeal does not offer the appeal body's decision (or still offers forwarding)")
