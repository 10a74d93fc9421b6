"""Outbound HTTP for the wallet (OpenID4VCI calls), under the same address policy as
passport_web.network: https only, except the hosts a local demo or test names in
``PASSPORT_HTTP_HOSTS``; no private or loopback addresses unless such hosts are named
(STANDARDS trap 11); no redirects; time and size limits; JSON bounded by passport_vc.inputs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from passport_vc.errors import FetchError, FetchForbiddenError, PassportError, TooLargeError
from passport_vc.fetch import check_url, resolve_public
from passport_vc.inputs import parse_json
from passport_web.network import NetworkSettings

MAX_RESPONSE_BYTES = 1024 * 1024


class IssuerHttpError(FetchError):
    """The other side answered with an error; ``error`` holds its OAuth error code if any."""


class HttpClient:
    def __init__(self, settings: NetworkSettings, *, timeout: float = 10.0,
                 session: requests.Session | None = None) -> None:
        self.settings = settings
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.trust_env = False  # never route through a proxy from the environment

    def check(self, url: str) -> None:
        netloc = urlsplit(url).netloc if isinstance(url, str) else ""
        named = netloc in self.settings.http_hosts
        _scheme, host, port = check_url(url, allow_http=named)
        if self.settings.offline:
            raise FetchForbiddenError("This wallet is set up to work offline, so it cannot "
                                      "contact the training provider")
        if not self.settings.allow_private:
            resolve_public(host, port)

    def get_json(self, url: str) -> object:
        return self._send("GET", url, headers={"Accept": "application/json"})

    def post_form(self, url: str, form: dict) -> object:
        return self._send("POST", url, data=form, headers={"Accept": "application/json"})

    def post_json(self, url: str, body: dict | None, *, token: str | None = None) -> object:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self._send("POST", url, json=body if body is not None else None,
                          headers=headers)

    def _send(self, method: str, url: str, **kwargs) -> object:
        self.check(url)
        host = urlsplit(url).netloc
        try:
            response = self.session.request(method, url, timeout=self.timeout, stream=True,
                                            allow_redirects=False, **kwargs)
        except requests.Timeout:
            raise FetchError(f"{host} did not answer in time. Try again later.") from None
        except requests.RequestException:
            raise FetchError(f"Could not connect to {host}. Check the link and your internet "
                             "connection.") from None
        try:
            body = self._read(response)
        finally:
            response.close()
        if 300 <= response.status_code < 400:
            raise FetchError(f"{host} sent us somewhere else; this wallet does not follow that")
        data = None
        if body:
            try:
                data = parse_json(body, max_bytes=MAX_RESPONSE_BYTES)
            except PassportError:
                data = None
        if response.status_code >= 400:
            error = data.get("error") if isinstance(data, dict) else None
            description = data.get("error_description") if isinstance(data, dict) else None
            raise IssuerHttpError(f"{host} refused the request ({response.status_code})",
                                  status_code=response.status_code,
                                  error=error if isinstance(error, str) else None,
                                  error_description=description
                                  if isinstance(description, str) else None)
        if data is None:
            raise FetchError(f"{host} did not send a readable answer")
        return data

    @staticmethod
    def _read(response: requests.Response) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise TooLargeError("The training provider sent more data than a credential "
                                    "needs")
            chunks.append(chunk)
        return b"".join(chunks)
