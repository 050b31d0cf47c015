"""framework.hashing: normalise-then-SHA-256 of user data, table-driven against independently computed digests."""

from __future__ import annotations

import hashlib

import pytest

from framework.hashing import NORMALISERS, hash_user_value, is_sha256_hex, normalise


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("value", "kind", "normalised"),
    [
        ("  John.Doe@Example.COM ", "email", "john.doe@example.com"),
        ("+1 (650) 555-1212", "phone", "16505551212"),
        ("00 44 20-7946-0018", "phone", "00442079460018"),
        (16505551212, "phone", "16505551212"),
        (" Zoë ", "name", "zoë"),
        ("Mary Ann", "name", "maryann"),
        ("San Francisco", "city", "sanfrancisco"),
        ("C A", "state", "ca"),
        ("US", "country", "us"),
        (" SW1A 1AA ", "zip", "sw1a1aa"),
        ("Female", "gender", "f"),
        (" MALE ", "gender", "m"),
        ("X", "gender", "x"),
        ("19900214", "plain", "19900214"),
        (" ABC-123 ", "external_id", "abc-123"),
    ],
)
def test_normalises_then_hashes(value: object, kind: str, normalised: str) -> None:
    assert normalise(value, kind) == normalised
    assert hash_user_value(value, kind) == _sha(normalised)


@pytest.mark.parametrize("kind", sorted(NORMALISERS))
def test_an_already_hashed_value_is_passed_on_not_hashed_twice(kind: str) -> None:
    digest = _sha("ada@example.com").upper()
    # normalised first (lowercased by most kinds), then recognised; a phone or plain digest is kept as given
    expected = digest if kind in ("phone", "plain") else digest.lower()
    assert hash_user_value(f" {digest} " if kind not in ("phone", "plain") else digest, kind) == expected


@pytest.mark.parametrize(
    ("value", "kind"), [(None, "email"), ("   ", "email"), ("()-", "phone"), ("", "city"), (" ", "plain")]
)
def test_nothing_to_match_on_gives_none(value: object, kind: str) -> None:
    assert hash_user_value(value, kind) is None


def test_is_sha256_hex() -> None:
    assert is_sha256_hex(_sha("x")) and not is_sha256_hex(_sha("x")[:63]) and not is_sha256_hex(123)


def test_an_unknown_kind_names_the_kinds() -> None:
    with pytest.raises(ValueError, match="no normalisation for 'mail'; the kinds are: email, phone"):
        hash_user_value("a@b.c", "mail")
