"""The console in a real browser: Debian's headless chromium, driven by Selenium through its
chromium-driver, against the console served over loopback HTTP after a replay to the Pardot emulator.

The operator logs in, reads the funnel, opens a dead letter, fixes the mapping, previews old and new
payloads, confirms, and the emulator holds the fixed prospect. A screenshot of each page goes to
``test-output/console/`` (docs/console.md shows them). Without chromium the test is skipped with the
reason, except when ``ACTIONS_REQUIRE_BROWSER=1`` (``.ci/run`` sets it): then it fails.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from framework.console import ConsoleOptions, create_console_app
from framework.delivery import DeadLetterSelection
from framework.intake import IntakeServer
from tests.console.conftest import TOKEN
from tests.console.test_routes import FIXED_MAPPING

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path("test-output/console")


def _skip_or_fail(reason: str) -> NoReturn:
    if os.environ.get("ACTIONS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"ACTIONS_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (.ci/run installs chromium and chromium-driver)")


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        _skip_or_fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing: apt-get install chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _skip_or_fail("selenium is not installed: pip install -e '.[test]'")
    settings = webdriver.ChromeOptions()
    settings.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        settings.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=settings)
    driver.implicitly_wait(10)  # a click returns before the next page has loaded
    yield driver
    driver.quit()


@pytest.fixture
def served(options: ConsoleOptions) -> Iterator[str]:
    with IntakeServer(create_console_app(options), "127.0.0.1", 0) as server:
        yield server.url


def _shot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def test_an_operator_fixes_a_dead_letter_with_an_edited_mapping_in_the_browser(
    browser: Any, served: str, options: ConsoleOptions, emulator: Any
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{served}/")
    assert "Log in" in browser.page_source
    _shot(browser, "login")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    browser.find_element(By.ID, "login").click()

    funnel = browser.find_element(By.ID, "funnel")
    cells = {
        cell.get_attribute("data-step"): cell.text for cell in funnel.find_elements(By.CSS_SELECTOR, "td[data-step]")
    }
    assert (cells["received"], cells["delivered"], cells["dead"], cells["invalid"]) == ("9", "4", "3", "2")
    _shot(browser, "overview")
    slowest = browser.find_element(By.ID, "slowest")
    assert "last hour" in slowest.text and "console-test" in slowest.text
    failing = browser.find_element(By.ID, "most-failing").find_element(By.CSS_SELECTOR, "[data-field=failed]")
    assert failing.text == "5"  # 3 HTTP 500s, 2 invalid (no email), in the last hour
    used = browser.find_element(By.ID, "quota").find_element(By.CSS_SELECTOR, "[data-field=used]")
    assert used.text == "unknown"  # this instance does not ask Pardot for its usage
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "slowest-title"))
    _shot(browser, "overview-health")

    browser.find_element(By.LINK_TEXT, "Dead letters").click()
    browser.find_element(By.ID, "letters")  # waits for the page (a click returns before it loads)
    assert browser.page_source.count("gave up after 1 attempts") == 3
    _shot(browser, "dead-letters")
    dead = next(iter(options.queue.dead_letters(DeadLetterSelection(reason="gave up"))))
    browser.find_element(By.LINK_TEXT, str(dead.id)).click()
    browser.find_element(By.ID, "edit-mapping")
    assert "HTTP 500" in browser.page_source and "Bearer [REDACTED]" in browser.page_source
    _shot(browser, "dead-letter")

    browser.find_element(By.ID, "edit-mapping").click()
    editor = browser.find_element(By.ID, "mapping")
    editor.clear()
    editor.send_keys(json.dumps(FIXED_MAPPING))
    browser.find_element(By.ID, "preview").click()
    assert "(re-driven)" in browser.find_element(By.ID, "new-payload").text
    assert "(re-driven)" not in browser.find_element(By.ID, "old-payload").text
    _shot(browser, "mapping-preview")
    browser.find_element(By.ID, "confirm").click()
    browser.find_element(By.ID, "send").click()
    browser.find_element(By.CLASS_NAME, "message")
    assert f"Delivered job {dead.id} with the edited mapping" in browser.page_source

    fixed = [p for p in emulator.prospects() if "(re-driven)" in str(p.get("lastName"))]
    assert len(fixed) == 1 and fixed[0]["email"] == dead.event["traits"]["email"]

    browser.find_element(By.LINK_TEXT, "Event tester").click()
    browser.find_element(By.ID, "event").send_keys(json.dumps(dead.event))
    browser.find_element(By.ID, "explain").click()
    assert "upsertLatestByEmail" in browser.find_element(By.CSS_SELECTOR, "pre.request").text
    _shot(browser, "event-tester")
    browser.find_element(By.LINK_TEXT, "Instances").click()
    browser.find_element(By.CSS_SELECTOR, "section.instance")
    assert "[REDACTED]" in browser.page_source and "emulator-client-secret" not in browser.page_source
    _shot(browser, "instances")
