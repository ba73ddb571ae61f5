"""Forms in the browser carry their CSRF token (issue 20): the same form without it is refused with a
page that says so, and nothing happens."""


def test_a_form_without_its_csrf_token_is_refused(web):
    web.login_as("caseworker")
    # The log-out form, its token taken out as a forged form would lack it.
    web.driver.execute_script("document.querySelector('form.logout input[name=csrf]').remove();")
    web.submit("form.logout")
    web.check(web.has("main [role=alert]"), "a form without its CSRF token was not refused with a sentence")
    web.check(web.cookie("tilskot_session") is not None, "a log-out without its CSRF token ended the session")
    web.screenshot("refused")
    web.go("/web/work")
    web.check(web.path() == "/web/work", "the session does not hold after the refused form")


def test_a_form_with_a_wrong_csrf_token_is_refused(web):
    web.login_as("caseworker")
    web.driver.execute_script("document.querySelector('form.language input[name=csrf]').value = 'x' + "
                              "document.querySelector('form.language input[name=csrf]').value;")
    web.submit("form.language", {"lang": "en"})
    web.check(web.has("main [role=alert]"), "a form with a wrong CSRF token was not refused with a sentence")
    web.go("/web/work")
    web.check(web.find("html").get_attribute("lang") == "nn", "a refused language form changed the language")
