"""The signature scheme receivers implement: HMAC-SHA256 over "<t>.<raw body>"."""

import hashlib
import hmac
from pathlib import Path

from webhooks.signing import sign, verify

SECRET = "whsec_test"
BODY = b'{"id":"e1","event":"claim.published","data":{}}'


def test_signature_is_hmac_of_timestamp_and_body():
    header = sign(SECRET, BODY, timestamp=1_700_000_000)
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_verify_accepts_a_fresh_signature():
    assert verify(SECRET, sign(SECRET, BODY), BODY)
    assert verify(SECRET, sign(SECRET, BODY), BODY.decode())


def test_verify_refuses_tampering_and_replays():
    header = sign(SECRET, BODY, timestamp=1_700_000_000)
    assert verify(SECRET, header, BODY, now=1_700_000_000 + 299)
    assert not verify(SECRET, header, BODY + b" ", now=1_700_000_000)
    assert not verify("whsec_other", header, BODY, now=1_700_000_000)
    assert not verify(SECRET, header, BODY, now=1_700_000_000 + 301)  # outside the window
    moved = header.replace("t=1700000000", "t=1700000300")
    assert not verify(SECRET, moved, BODY, now=1_700_000_300)


def test_verify_refuses_malformed_headers():
    for header in ("", "t=abc,v1=00", "v1=00", "t=1700000000"):
        assert not verify(SECRET, header, BODY, now=1_700_000_000)


def test_the_readme_snippet_verifies_our_signatures():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("**Verifying**", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102  (our own README)
    header = sign(SECRET, BODY)
    assert namespace["verify"](SECRET, header, BODY)
    assert not namespace["verify"](SECRET, header, BODY + b" ")
    assert not namespace["verify"](SECRET, sign(SECRET, BODY, timestamp=1_700_000_000), BODY)
