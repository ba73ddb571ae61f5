"""Logging in and out (issue 20): a wrong password is refused on the page and sets no session; the
right one leads to My work; logging out ends the session."""


def test_wrong_password_is_refused(web):
    # A page without a session leads to the log-in page, remembering where it was going.
    web.go("/web/work")
    web.check(web.path() == "/web/login", "a page without a session did not lead to the log-in page")
    web.check("next=" in web.driver.current_url, "the log-in page does not remember the page asked for")
    web.screenshot("login")
    person = web.user("caseworker")
    web.submit("form.login", {"user": person["user"], "password": person["password"] + "-wrong"})
    web.check(web.path() == "/web/login", "a wrong password left the log-in page")
    error = web.find("form.login [role=alert]")
    web.check(error.text.strip() != "", "the refusal says nothing")
    web.check(web.find("#login-user").get_attribute("value") == person["user"], "the user name typed is not kept")
    web.check(web.find("#login-password").get_attribute("value") == "", "the wrong password is shown again")
    web.check(web.cookie("tilskot_session") is None, "a wrong password set a session cookie")
    web.screenshot("login-refused")
    # Still no way in.
    web.go("/web/work")
    web.check(web.path() == "/web/login", "after a refused log-in a page opened without a session")


def test_caseworker_logs_in_sees_my_work_and_logs_out(web):
    user = web.login_as("caseworker")
    web.check(web.path() == "/web/work", "logging in did not lead to My work")
    session = web.cookie("tilskot_session")
    web.check(session["httpOnly"], "the session cookie is not HttpOnly")
    web.check(session.get("sameSite") == "Strict", f"the session cookie's SameSite is {session.get('sameSite')}")
    web.check(user in web.find("form.logout").text, "the header does not name the user logged in")
    web.check(web.find("html").get_attribute("lang") == "nn", "the page is not in nynorsk by default")
    web.check(web.has("a.skip[href='#main']") and web.has("main#main"), "no skip link to the main content")
    rows = web.find_all("#my-cases tbody tr")
    web.check(rows, f"My work lists no cases for {user}, who has cases in the sample")
    web.csp_holds()
    web.screenshot("work")
    web.logout()
    web.check(web.path() == "/web/login", "logging out did not lead to the log-in page")
    web.go("/web/work")
    web.check(web.path() == "/web/login", "My work opened after logging out")


def test_manager_sees_cases_ready_for_decision(web):
    web.login_as("manager")
    web.check(web.path() == "/web/work", "logging in did not lead to My work")
    web.check(web.has("#h-decide"), "the manager's My work has no 'ready for decision' section")
    web.screenshot("work-manager")


def test_language_choice(web):
    web.login_as("caseworker")
    for language in ("en", "nb", "nn"):
        web.submit("form.language", {"lang": language})
        web.check(web.find("html").get_attribute("lang") == language, f"choosing {language} did not change <html lang>")
        web.check(web.path() == "/web/work", "choosing a language left the page")


def test_keyboard_reaches_the_skip_link_first(web):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    web.login_as("caseworker")
    web.driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    ActionChains(web.driver).send_keys(Keys.TAB).perform()
    active = web.driver.switch_to.active_element
    web.check(active.get_attribute("class") == "skip", "the first Tab does not reach the skip link "
              f"(it reached <{active.tag_name} class={active.get_attribute('class')!r}>)")
    web.check(active.rect["x"] >= 0 and active.is_displayed(), "the skip link is not visible when focused")
    outline = web.driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", active)
    web.check(outline not in ("none", ""), "the focused skip link shows no focus ring")
    ActionChains(web.driver).send_keys(Keys.ENTER).perform()
    active = web.driver.switch_to.active_element
    web.check(active.get_attribute("id") == "main", "the skip link does not move the focus to the main content")
