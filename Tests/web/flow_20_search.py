"""Search (issue 20): by an organisation's name and by a reference, with a filter; the results link to
the case once the case page is served."""

import sys
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By


def first_case(web):
    """A case of the caseworker's own, from My work: (reference, organisation name)."""
    row = web.find("#my-cases tbody tr")
    return row.get_attribute("data-reference"), row.find_elements(By.CSS_SELECTOR, "td")[0].text.strip()


def result_references(web):
    return [row.get_attribute("data-reference") for row in web.find_all("#search-results tbody tr")]


def case_page_served(web, reference):
    """Whether the server has a case page yet (another helper's round): GET answers other than 404."""
    request = urllib.request.Request(web.url("/web/cases/" + urllib.parse.quote(reference, safe="")))
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error.code != 404
    return True


def check_links_to_case(web, reference):
    row = web.find(f"#search-results tbody tr[data-reference='{reference}']")
    links = [link for link in row.find_elements(By.CSS_SELECTOR, "a[href]")
             if reference in urllib.parse.unquote(link.get_attribute("href"))]
    if not links and not case_page_served(web, reference):
        print(f"         note: no case page yet (/web/cases/{reference} is 404): the result's link is not checked",
              file=sys.stderr)
        return
    web.check(links, f"the result {reference} does not link to its case")
    web.follow(links[0])
    web.check(reference in web.find("main").text, f"the page the result {reference} links to does not show it")
    web.driver.back()


def test_search_by_organisation_name(web):
    web.login_as("caseworker")
    reference, organisation = first_case(web)
    web.follow(web.find("header nav a[href='/web/search']"))
    web.check(web.path() == "/web/search", "the menu's Search link did not lead to Search")
    web.submit("form.search", {"q": organisation})
    web.check(web.find("#search-q").get_attribute("value") == organisation,
              f"the search text is not kept as typed: {web.find('#search-q').get_attribute('value')!r}")
    found = result_references(web)
    web.check(reference in found, f"searching for {organisation!r} did not find {reference} (found {found[:10]})")
    check_links_to_case(web, reference)


def test_search_by_reference(web):
    web.login_as("caseworker")
    reference, organisation = first_case(web)
    web.go("/web/search")
    web.submit("form.search", {"q": reference})
    found = result_references(web)
    web.check(found == [reference], f"searching for the reference {reference} found {found[:10]}")
    check_links_to_case(web, reference)


def test_search_by_a_word_of_the_organisation_name(web):
    web.login_as("caseworker")
    reference, organisation = first_case(web)
    word = max(organisation.split(), key=len)
    web.go("/web/search")
    web.submit("form.search", {"q": word})
    found = result_references(web)
    web.check(reference in found, f"searching for {word!r} (of {organisation!r}) did not find {reference} (found {found[:10]})")
    web.screenshot("search")


def test_search_with_a_status_filter(web):
    web.login_as("caseworker")
    web.go("/web/search")
    web.submit("form.search", {"status": "granted"})
    rows = web.find_all("#search-results tbody tr")
    web.check(rows, "the status filter 'granted' found nothing, though the sample has granted cases")
    for row in rows:
        web.check(row.find_elements(By.CSS_SELECTOR, ".status-granted"),
                  f"the status filter 'granted' found {row.get_attribute('data-reference')}, which is not granted")


def test_search_text_too_short_is_explained(web):
    web.login_as("caseworker")
    web.go("/web/search?q=ab")
    web.check(web.has("form.search [role=alert]"), "a two-character search says nothing")
    web.check(web.find("#search-q").get_attribute("value") == "ab", "the search text typed is not kept")
