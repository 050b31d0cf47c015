"""Random faults of the Pardot emulator over loopback: rates, what each kind writes, control and CLI."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    TOKEN_PATH,
    UPSERT_PATH,
    PardotEmulator,
    main,
    parse_fault_mix,
)
from destinations.pardot.emulator.fault_mix import FaultMix

MIX = "500:0.10,503:0.05,429:0.05,66:0.05,reset:0.02,timeout:0.01,expire:0.01"
SEED = 7
REQUESTS = 400
# What a client sees for each kind the draw picks (None: no fault).
SEEN = {"500": 500, "503": 503, "429": 429, "66": 400, "reset": "reset", "timeout": 504, "expire": 401, None: 200}


def headers(token: str = DEFAULT_ACCESS_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Pardot-Business-Unit-Id": DEFAULT_BUSINESS_UNIT}


def upsert(
    emulator: PardotEmulator, email: str, token: str = DEFAULT_ACCESS_TOKEN, timeout: float = 10
) -> requests.Response:
    body: dict[str, Any] = {"matchEmail": email, "prospect": {"email": email}}
    return requests.post(emulator.base_url + UPSERT_PATH, json=body, headers=headers(token), timeout=timeout)


def refresh(emulator: PardotEmulator) -> str:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": DEFAULT_REFRESH_TOKEN,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
    }
    return str(requests.post(emulator.base_url + TOKEN_PATH, data=form, timeout=10).json()["access_token"])


def send_and_refresh_on_401(emulator: PardotEmulator, count: int) -> list[Any]:
    """What a simple client sees over ``count`` upserts; it refreshes its token after a 401."""
    token, seen = DEFAULT_ACCESS_TOKEN, []
    for i in range(count):
        try:
            status: int | str = upsert(emulator, f"p{i}@example.com", token).status_code
        except requests.ConnectionError:
            status = "reset"
        if status == 401:
            token = refresh(emulator)
        seen.append(status)
    return seen


def expected_draws(spec: str, seed: int, count: int) -> list[str | None]:
    mix = FaultMix(spec, seed)
    return [mix.draw() for _ in range(count)]


# -- rates and reproducibility ------------------------------------------------------------------------


def test_the_fault_mix_fires_at_its_rates_reproducibly_for_a_seed() -> None:
    draws = expected_draws(MIX, SEED, REQUESTS)
    with PardotEmulator(faults=MIX, seed=SEED, timeout_hold=0.01) as emulator:
        seen = send_and_refresh_on_401(emulator, REQUESTS)
        stats = emulator.stats()
    assert seen == [SEEN[kind] for kind in draws]
    fired = {kind: draws.count(kind) for kind in parse_fault_mix(MIX)}
    assert stats["faults_injected"] == {kind: n for kind, n in sorted(fired.items()) if n}
    for kind, probability in parse_fault_mix(MIX).items():
        expected = REQUESTS * probability
        assert abs(fired[kind] - expected) <= 4 * math.sqrt(expected) + 1, (kind, fired[kind], expected)
    assert stats["api_calls"] == REQUESTS
    assert stats["token_refreshes"] == fired["expire"]
    assert stats["by_status"]["401"] == fired["expire"]
    assert sum(stats["by_status"].values()) == REQUESTS - fired["reset"]  # a reset answers nothing
    assert stats["prospects"] == {DEFAULT_BUSINESS_UNIT: draws.count(None)}


def test_no_mix_means_no_faults(emulator: PardotEmulator) -> None:
    assert send_and_refresh_on_401(emulator, 20) == [200] * 20
    assert emulator.stats()["faults_injected"] == {}


# -- what each kind does to the store ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [("500", 500, 183), ("503", 503, 183), ("504", 504, 214), ("401", 401, 184), ("66", 400, 66),
     ("timeout", 504, 214)],
)  # fmt: skip
def test_a_fault_answering_an_error_never_writes_the_prospect(kind: str, status: int, code: int) -> None:
    with PardotEmulator(faults=f"{kind}:1", timeout_hold=0.01) as emulator:
        response = upsert(emulator, "never@example.com")
        assert (response.status_code, response.json()["code"]) == (status, code)
        assert emulator.prospects() == []


def test_a_429_fault_carries_retry_after() -> None:
    with PardotEmulator(faults="429:1") as emulator:
        response = upsert(emulator, "slow@example.com")
        assert (response.status_code, response.headers["Retry-After"]) == (429, "1")
        assert emulator.prospects() == []


def test_reset_drops_the_connection_before_the_write() -> None:
    with PardotEmulator(faults="reset:1") as emulator:
        with pytest.raises(requests.ConnectionError):
            upsert(emulator, "lost@example.com")
        assert emulator.prospects() == []


def test_reset_after_writes_the_prospect_then_drops_the_answer() -> None:
    with PardotEmulator(faults="reset_after:1") as emulator:
        with pytest.raises(requests.ConnectionError):
            upsert(emulator, "written@example.com")
        assert [p["email"] for p in emulator.prospects()] == ["written@example.com"]


def test_timeout_after_writes_the_prospect_then_holds_the_answer() -> None:
    with PardotEmulator(faults="timeout_after:1", timeout_hold=30) as emulator:
        with pytest.raises(requests.Timeout):
            upsert(emulator, "slow@example.com", timeout=0.5)
        assert [p["email"] for p in emulator.prospects()] == ["slow@example.com"]
        emulator.release_timeouts()


def test_stopping_releases_a_request_held_by_a_timeout_fault() -> None:
    emulator = PardotEmulator(faults="timeout:1", timeout_hold=300)
    emulator.start()
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(upsert, emulator, "held@example.com", DEFAULT_ACCESS_TOKEN, 60)
        assert emulator.wait_for_held_requests(1)
        emulator.stop()
        try:
            outcome: Any = held.result().status_code
        except requests.ConnectionError:
            outcome = "dropped"
    assert outcome in (504, "dropped")  # answered or cut, not left waiting for the 300 s hold


def test_requests_held_by_timeouts_do_not_starve_the_others() -> None:
    with PardotEmulator(faults="timeout:1", timeout_hold=300) as emulator:
        with ThreadPoolExecutor(20) as pool:
            abandoned = [
                pool.submit(upsert, emulator, f"t{i}@example.com", DEFAULT_ACCESS_TOKEN, 0.5) for i in range(20)
            ]  # more than the server's 16 worker threads
            for future in abandoned:
                with pytest.raises(requests.Timeout):
                    future.result()
        assert emulator.wait_for_held_requests(20)
        emulator.set_fault_mix(None)
        assert upsert(emulator, "served@example.com").status_code == 200


def test_expire_answers_184_until_the_client_refreshes() -> None:
    with PardotEmulator(faults="expire:1") as emulator:
        first = upsert(emulator, "e@example.com")
        emulator.set_fault_mix(None)
        still_expired = upsert(emulator, "e@example.com")
        fresh = upsert(emulator, "e@example.com", refresh(emulator))
        stats = emulator.stats()
    assert [(r.status_code, r.json().get("code")) for r in (first, still_expired)] == [(401, 184)] * 2
    assert fresh.status_code == 200
    assert (stats["faults_injected"], stats["token_refreshes"]) == ({"expire": 1}, 1)


# -- changing the mix at runtime -----------------------------------------------------------------------------


def test_the_mix_changes_at_runtime_from_python(emulator: PardotEmulator) -> None:
    assert emulator.set_fault_mix("503:1") == {"503": 1.0}
    assert upsert(emulator, "m@example.com").status_code == 503
    emulator.set_fault_mix("")
    assert upsert(emulator, "m@example.com").status_code == 200
    assert emulator.fault_mix() == {}


def test_the_mix_changes_at_runtime_over_http(emulator: PardotEmulator) -> None:
    control = emulator.base_url + "/_emulator/faults"
    accepted = requests.post(control, json={"mix": "502:1", "seed": 3}, timeout=10)
    faulted = upsert(emulator, "h@example.com")
    shown = requests.get(control, timeout=10).json()
    refused = requests.post(control, json={"mix": "500:2"}, timeout=10)
    bad_seed = requests.post(control, json={"mix": "500:0.1", "seed": "x"}, timeout=10)
    assert (accepted.status_code, accepted.json()) == (200, {"mix": {"502": 1.0}})
    assert faulted.status_code == 502
    assert shown == {"mix": {"502": 1.0}, "pending": []}
    assert refused.status_code == 400 and '"500:2"' in refused.json()["error"]
    assert bad_seed.status_code == 400 and "seed" in bad_seed.json()["error"]
    assert emulator.fault_mix() == {"502": 1.0}  # a refused change leaves the mix as it was


def test_reseeding_repeats_the_same_draws(emulator: PardotEmulator) -> None:
    runs = []
    for _ in range(2):
        emulator.set_fault_mix("500:0.5", seed=11)
        runs.append([upsert(emulator, "r@example.com").status_code for _ in range(30)])
    assert runs[0] == runs[1] and set(runs[0]) == {200, 500}


# -- the spec and the command line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [("500:1.5", 'fault item "500:1.5": probability must be between 0 and 1'),
     ("500:-0.1", 'fault item "500:-0.1": probability must be between 0 and 1'),
     ("500:often", 'fault item "500:often": probability must be a number'),
     ("gremlins:0.1", 'unknown kind "gremlins"'),
     ("700:0.1", 'unknown kind "700"'),
     ("500", 'fault item "500" has no probability'),
     ("500:0.6,503:0.6", "add up to 1.2, more than 1")],
)  # fmt: skip
def test_bad_specs_are_refused_naming_the_item(spec: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_fault_mix(spec)
    assert message in str(refused.value)


def test_a_spec_reads_statuses_and_named_kinds() -> None:
    assert parse_fault_mix(" 500:0.1, reset_after:0.02 ,66:0,") == {"500": 0.1, "reset_after": 0.02, "66": 0.0}
    assert parse_fault_mix({"503": 0.5}) == {"503": 0.5}


def test_the_command_line_refuses_a_bad_fault_spec(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--faults", "500:1.5"])
    error = capsys.readouterr().err
    assert exited.value.code == 2
    assert "--faults" in error and '"500:1.5": probability must be between 0 and 1' in error


def test_the_command_line_accepts_the_reliability_flags(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:  # --help last: every flag before it has been parsed
        main(
            ["--faults", MIX, "--seed", "7", "--latency", "0.01", "--daily-limit", "5", "--timeout-hold", "2", "--help"]
        )
    shown = capsys.readouterr().out
    assert exited.value.code == 0
    assert "reset_after" in shown and "/_emulator/faults" in shown and "/_emulator/stats" in shown


def test_the_command_line_refuses_a_seed_that_is_not_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--seed", "seven"])
    assert exited.value.code == 2 and "--seed" in capsys.readouterr().err
