"""A signing call prepared without requests' per-call URL parsing and cookie jar goes out exactly as requests
would prepare it, whatever the service's address holds."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from desktop_uploader.core.signers.calls import prepare_call

HEADERS = {"User-Agent": "desktop-uploader", "Accept": "application/json", "X-Upload-Token": "t0ken"}


@pytest.mark.parametrize(("method", "url", "params", "body"), [
    ("GET", "https://sign.example.org/sign",
     {"filekey": "site 4/naïve+café [1].jpg", "contentType": "image/jpeg", "meta-by": "Ana & Bo=1"}, None),
    ("GET", "https://abc.execute-api.eu-west-1.amazonaws.com/prod/sign?code=a%2Fb", {"filekey": "k~x"}, None),
    ("GET", "https://Sign.Example.org:443/s3/params", {"filename": "p/ä%.bin", "metadata[taken by]": "x"}, None),
    ("GET", "https://user:pass@sign.example.org/sign", {"filekey": "k"}, None),  # user and password: a header
    ("GET", "https://sign.example.org/sign#top", {"filekey": "k"}, None),  # the query goes before the fragment
    ("GET", "https://bücher.example/sign", {"filekey": "k"}, None),  # an international name, as IDNA
    ("POST", "https://sign.example.org/sign", None, {"filekey": "k", "contentType": "text/plain"}),
    ("POST", "https://sign.example.org/sign/batch", None, {"files": [{"filekey": "ü"}]}),
    ("DELETE", "https://sign.example.org/s3/multipart/id%2F1", {"key": "a b"}, None),
], ids=["plain", "own-query", "companion", "userinfo", "fragment", "idna", "post", "batch", "delete"])
def test_a_call_is_prepared_as_requests_prepares_it(method: str, url: str, params: dict[str, str] | None,
                                                    body: Any) -> None:
    expected = requests.Request(method, url, headers=dict(HEADERS), params=params, json=body).prepare()
    for _ in range(2):  # the second time from the address prepared before
        prepared = prepare_call(method, url, HEADERS, params=params, json_body=body)
        assert (prepared.method, prepared.url, prepared.body) == (expected.method, expected.url, expected.body)
        assert dict(prepared.headers) == dict(expected.headers)
