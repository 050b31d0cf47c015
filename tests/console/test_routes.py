"""Every console route through Starlette's test client, over a real queue after a replay to the Pardot
emulator: the login gate (no session, wrong token), CSRF, read-only, the numbers, and no secret shown."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from framework.cli import main
from framework.console import ConsoleOptions, create_console_app
from framework.delivery import DeadLetterSelection
from tests.console.conftest import SEEDED_SECRETS, TOKEN, csrf_of, log_in, make_options

PAGES = ["/", "/dead-letters", "/instances", "/tester"]
POSTS = ["/dead-letters/retry", "/dead-letters/purge", "/tester", "/logout"]


def _dead_ids(options: ConsoleOptions) -> list[int]:
    return [job.id for job in options.queue.dead_letters(DeadLetterSelection(reason="gave up"))]


def test_without_a_session_every_route_answers_401_with_the_login_form_only(
    anonymous: TestClient, options: ConsoleOptions
) -> None:
    job_id = _dead_ids(options)[0]
    for path in [*PAGES, f"/dead-letters/{job_id}", f"/dead-letters/{job_id}/mapping"]:
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert (
            'name="token"' in response.text and "console-test" not in response.text and "gave up" not in response.text
        )
    for path in [*POSTS, f"/dead-letters/{job_id}/mapping"]:
        assert anonymous.post(path, data={"id": str(job_id), "confirm": "yes"}).status_code == 401, path
    assert len(_dead_ids(options)) == 3  # nothing was retried or purged


def test_a_wrong_token_gets_401_and_nothing_else(anonymous: TestClient) -> None:
    response = anonymous.post("/login", data={"token": TOKEN + "x"}, follow_redirects=False)
    assert (response.status_code, response.text) == (401, "401 Unauthorized")
    assert "set-cookie" not in response.headers
    assert anonymous.get("/").status_code == 401


def test_login_sets_an_httponly_samesite_strict_session_cookie_and_logout_ends_it(anonymous: TestClient) -> None:
    response = anonymous.post("/login", data={"token": TOKEN}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert TOKEN not in cookie and TOKEN not in response.headers.get("location", "")
    assert anonymous.get("/").status_code == 200
    assert anonymous.post("/logout", data={"csrf_token": csrf_of(anonymous)}, follow_redirects=False).status_code == 303
    assert anonymous.get("/").status_code == 401


def test_state_changing_requests_without_or_with_a_wrong_csrf_token_are_refused(
    client: TestClient, options: ConsoleOptions
) -> None:
    job_id = _dead_ids(options)[0]
    for csrf in (None, "forged"):
        data = {"id": str(job_id), "confirm": "yes", "event": "{}", "mapping": "{}", "send": "1"}
        if csrf:
            data["csrf_token"] = csrf
        for path in [*POSTS, f"/dead-letters/{job_id}/mapping"]:
            response = client.post(path, data=data)
            assert response.status_code == 403 and "CSRF" in response.text, path
    assert len(_dead_ids(options)) == 3
    assert client.get("/").status_code == 200  # still logged in: the forged logout did nothing


def test_the_overview_shows_the_funnel_with_the_numbers_of_queue_stats(
    client: TestClient, replayed: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["queue", "stats", "--json", "--queue", replayed[0]]) == 0
    (row,) = json.loads(capsys.readouterr().out)["rows"]
    page = client.get("/").text
    for step in ("invalid", "delivered", "dead", "parked", "filtered"):
        shown = re.search(rf'data-step="{step}">(\d+)<', page)
        assert shown and int(shown.group(1)) == row["counts"].get(step, 0), step
    assert re.search(r'data-step="received">9<', page)
    assert (row["counts"]["delivered"], row["counts"]["dead"], row["counts"]["invalid"]) == (4, 3, 2)
    assert "<svg" in page and "3 dead or invalid" not in page and "5 dead or invalid" in page
    for window in ("last hour", "last day"):  # the replay just settled: in both windows
        for step, count in (("delivered", 4), ("dead", 3), ("invalid", 2)):
            assert re.search(rf'data-window="{window}" data-step="{step}">{count}<', page), (window, step)
    per_minute = page.split('id="per-minute"')[1].split("</svg>")[0]
    delivered = sum(int(n) for n in re.findall(r": (\d+) delivered</title>", per_minute))
    failed = sum(int(n) for n in re.findall(r": (\d+) failed</title>", per_minute))
    assert (delivered, failed) == (4, 5)


def test_dead_letters_filter_page_and_show_every_redacted_attempt(
    client: TestClient, options: ConsoleOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = client.get("/dead-letters", params={"reason": "gave up"}).text
    assert listing.count("gave up after 1 attempts") == 3
    assert client.get("/dead-letters", params={"subscription": "1"}).text.count('class="job-link"') == 0
    bad = client.get("/dead-letters", params={"since": "yesterday"})
    assert bad.status_code == 400 and "since yesterday: write a date (2026-12-01) or a duration (24h, 7d)" in bad.text

    import framework.console.app as console_app

    monkeypatch.setattr(console_app, "PAGE_SIZE", 2)
    first = client.get("/dead-letters")
    assert first.text.count('class="job-link"') == 2
    next_link = re.search(r'href="(/dead-letters\?[^"]+)" id="next"', first.text)
    assert next_link
    second = client.get(next_link.group(1).replace("&amp;", "&")).text
    first_ids = set(re.findall(r'class="job-link">(\d+)<', first.text))
    second_ids = set(re.findall(r'class="job-link">(\d+)<', second))
    assert first_ids and second_ids and not first_ids & second_ids and len(first_ids | second_ids) == 4

    job_id = _dead_ids(options)[0]
    shown = client.get(f"/dead-letters/{job_id}").text
    assert "Attempt 1 at " in shown and "HTTP 500" in shown and "upsertLatestByEmail" in shown
    assert "Bearer [REDACTED]" in shown
    assert client.get("/dead-letters/999999").status_code == 404


def test_retry_one_selected_or_all_matching_queues_them_again(client: TestClient, options: ConsoleOptions) -> None:
    ids = _dead_ids(options)
    csrf = csrf_of(client)
    response = client.post("/dead-letters/retry", data={"csrf_token": csrf, "id": str(ids[0])})
    assert "Queued again: 1 job, due now" in response.text
    assert options.queue.job(ids[0]).state.value == "queued"
    response = client.post("/dead-letters/retry", data={"csrf_token": csrf, "all": "1", "reason": "gave up"})
    assert "Queued again: 2 jobs" in response.text
    assert _dead_ids(options) == []
    assert client.post("/dead-letters/retry", data={"csrf_token": csrf, "id": "x1"}).status_code == 400


def test_purge_asks_for_confirmation_first(client: TestClient, options: ConsoleOptions) -> None:
    ids = _dead_ids(options)
    csrf = csrf_of(client)
    asked = client.post("/dead-letters/purge", data={"csrf_token": csrf, "id": [str(i) for i in ids[:2]]})
    assert "Purge 2 dead letters?" in asked.text and 'name="confirm" value="yes"' in asked.text
    assert len(_dead_ids(options)) == 3
    done = client.post(
        "/dead-letters/purge", data={"csrf_token": csrf, "id": [str(i) for i in ids[:2]], "confirm": "yes"}
    )
    assert "Purged 2 jobs for good." in done.text
    assert _dead_ids(options) == ids[2:] and options.queue.job(ids[0]) is None


FIXED_MAPPING = {
    "email": {"@path": "$.traits.email"},
    "lastName": {"@template": "{{traits.lastName}} (re-driven)"},
    "secondaryDeletedSearch": True,
}


def test_retry_with_an_edited_mapping_previews_then_sends_after_confirmation(
    client: TestClient, options: ConsoleOptions, emulator: Any
) -> None:
    job_id = _dead_ids(options)[0]
    form = client.get(f"/dead-letters/{job_id}/mapping").text
    assert "$.traits.firstName" in form  # the subscription's current mapping, to edit
    csrf = csrf_of(client)
    broken = client.post(f"/dead-letters/{job_id}/mapping", data={"csrf_token": csrf, "mapping": '{"email": '})
    assert broken.status_code == 400 and "mapping: line 1 column 11: not JSON" in broken.text
    calls = emulator.stats()["api_calls"]
    text = json.dumps(FIXED_MAPPING)
    preview = client.post(f"/dead-letters/{job_id}/mapping", data={"csrf_token": csrf, "mapping": text, "send": "0"})
    assert 'id="old-payload"' in preview.text and "(re-driven)" in preview.text.split('id="new-payload"')[1]
    unconfirmed = client.post(
        f"/dead-letters/{job_id}/mapping", data={"csrf_token": csrf, "mapping": text, "send": "1"}
    )
    assert "Tick the confirmation" in unconfirmed.text and emulator.stats()["api_calls"] == calls
    sent = client.post(
        f"/dead-letters/{job_id}/mapping", data={"csrf_token": csrf, "mapping": text, "send": "1", "confirm": "yes"}
    )
    assert f"Delivered job {job_id} with the edited mapping" in sent.text
    assert options.queue.job(job_id) is None
    assert any("(re-driven)" in str(prospect.get("lastName")) for prospect in emulator.prospects())


def test_the_event_tester_explains_shows_the_request_and_sends_only_when_confirmed(
    client: TestClient, options: ConsoleOptions
) -> None:
    csrf = csrf_of(client, "/tester")
    event = {"type": "identify", "userId": "u-77", "messageId": "tester-1", "traits": {"email": "t@example.com"}}
    page = client.post("/tester", data={"csrf_token": csrf, "event": json.dumps(event)}).text
    assert "matches (type = &#34;identify&#34;)" in page or 'matches (type = "identify")' in page
    assert "filtered: " in page  # the "Email Changed" subscription does not take an identify
    assert "t@example.com" in page and "$.traits.email" in page
    assert "upsertLatestByEmail" in page and "Bearer [REDACTED]" in page
    broken = client.post("/tester", data={"csrf_token": csrf, "event": '{"type": identify}'})
    assert broken.status_code == 400 and "event: line 1 column 10: not JSON" in broken.text
    picked = client.post("/tester", data={"csrf_token": csrf, "job": str(_dead_ids(options)[0])}).text
    assert "upsertLatestByEmail" in picked
    unsent = client.post("/tester", data={"csrf_token": csrf, "event": json.dumps(event), "send": "1"}).text
    assert "Tick the confirmation" in unsent
    before = options.queue.stats().total("queued")
    sent = client.post("/tester", data={"csrf_token": csrf, "event": json.dumps(event), "send": "1", "confirm": "yes"})
    assert "Enqueued 1 job" in sent.text and options.queue.stats().total("queued") == before + 1


def test_instances_show_settings_with_secrets_masked_and_no_page_holds_a_secret(
    client: TestClient, options: ConsoleOptions
) -> None:
    page = client.get("/instances").text
    assert "businessUnitID" in page and "0Uv000000000001AAA" in page and "Upsert prospects on identify" in page
    assert "emulator-client-id" in page and "<td>client_secret</td><td><code>[REDACTED]</code>" in page
    job_id = _dead_ids(options)[0]
    csrf = csrf_of(client)
    event = json.dumps({"type": "identify", "userId": "u", "traits": {"email": "s@example.com"}})
    rendered = [
        client.get(path).text for path in [*PAGES, f"/dead-letters/{job_id}", f"/dead-letters/{job_id}/mapping"]
    ]
    rendered.append(client.post("/tester", data={"csrf_token": csrf, "event": event}).text)
    rendered.append(client.post(f"/dead-letters/{job_id}/mapping", data={"csrf_token": csrf, "mapping": "{}"}).text)
    for html in rendered:
        for secret in SEEDED_SECRETS:
            assert secret not in html


@pytest.fixture
def read_only(replayed: tuple[str, str]) -> Iterator[TestClient]:
    options = make_options(replayed, read_only=True)
    with TestClient(create_console_app(options)) as client:
        yield log_in(client)
    options.queue.close()


def test_read_only_hides_every_action_and_refuses_its_routes(read_only: TestClient, options: ConsoleOptions) -> None:
    job_id = _dead_ids(options)[0]
    listing = read_only.get("/dead-letters").text
    assert "Retry selected" not in listing and 'type="checkbox"' not in listing
    assert 'id="retry"' not in read_only.get(f"/dead-letters/{job_id}").text
    assert 'value="1">Send' not in read_only.get("/tester").text
    csrf = csrf_of(read_only)
    for path in ["/dead-letters/retry", "/dead-letters/purge", f"/dead-letters/{job_id}/mapping"]:
        response = read_only.post(path, data={"csrf_token": csrf, "id": str(job_id), "confirm": "yes"})
        assert response.status_code == 403 and "read-only" in response.text, path
    assert read_only.get(f"/dead-letters/{job_id}/mapping").status_code == 403
    sent = read_only.post("/tester", data={"csrf_token": csrf, "event": "{}", "send": "1", "confirm": "yes"})
    assert sent.status_code == 403
    assert len(_dead_ids(options)) == 3


def test_mounted_under_a_prefix_links_and_cookie_follow_the_prefix(options: ConsoleOptions) -> None:
    outer, console = Starlette(), create_console_app(options)
    outer.mount("/console", console)  # a mounted app's lifespan does not run: stop its snapshots below
    with TestClient(outer) as client:
        assert client.get("/console/").status_code == 401
        response = client.post("/console/login", data={"token": TOKEN}, follow_redirects=False)
        assert response.headers["location"] == "/console/" and "Path=/console/" in response.headers["set-cookie"]
        page = client.get("/console/").text
        assert 'href="/console/dead-letters"' in page and 'href="/console/static/console.css"' in page
        assert client.get("/console/static/console.css").status_code == 200
    console.state.console.snapshots.close()
