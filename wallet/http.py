"""Outbound HTTP for the wallet (OpenID4VCI / OpenID4VP calls), under the engine's egress rules
(passport_vc.egress, STANDARDS trap 11): https only, except exactly the ``host:port`` pairs a
local demo or test names in ``PASSPORT_HTTP_HOSTS``; public addresses only, resolved once and
connected to as checked (no DNS rebinding); no redirects; one total deadline for the whole
exchange; a size limit; JSON read by passport_vc.inputs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from passport_vc.egress import Deadline, guarded_session
from passport_vc.errors import FetchError, FetchForbiddenError, PassportError, TooLargeError
from passport_vc.fetch import READ_FAILURES, check_url
from passport_vc.inputs import parse_json
from passport_web.network import NetworkSettings

MAX_RESPONSE_BYTES = 1024 * 1024
REQUEST_JWT = "application/oauth-authz-req+jwt"


class IssuerHttpError(FetchError):
    """The other side answered with an error; ``error`` holds its OAuth error code if any."""


class HttpClient:
    """``timeout`` is the total time one request may take: connect, headers and body."""

    def __init__(self, settings: NetworkSettings, *, timeout: float = 10.0,
                 session: requests.Session | None = None) -> None:
        self.settings = settings
        self.timeout = timeout
        self.policy = settings.policy
        guarded = guarded_session(self.policy, ca_bundle=settings.ca_bundle)
        if session is not None:  # a caller's session still gets every rule
            session.trust_env = False
            session.verify = guarded.verify
            for prefix, adapter in guarded.adapters.items():
                session.mount(prefix, adapter)
        self.session = session or guarded

    def check(self, url: str) -> None:
        check_url(url, allow_http=True)  # a plain message for a malformed address first
        if self.settings.offline:
            raise FetchForbiddenError("This wallet is set up to work offline, so it cannot "
                                      "contact the training provider")
        self.policy.check(url)

    def get_json(self, url: str) -> object:
        return self._send("GET", url, headers={"Accept": "application/json"})

    def get_request_object(self, url: str) -> object:
        """OpenID4VP §5.10.1: a signed request object (``application/oauth-authz-req+jwt``)
        comes back as its text, an unsigned one as JSON."""
        return self._send("GET", url, signed_ok=True, headers={
            "Accept": f"{REQUEST_JWT}, application/json;q=0.5"})

    def post_form(self, url: str, form: dict) -> object:
        return self._send("POST", url, data=form, headers={"Accept": "application/json"})

    def post_json(self, url: str, body: dict | None, *, token: str | None = None) -> object:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self._send("POST", url, json=body if body is not None else None,
                          headers=headers)

    def _send(self, method: str, url: str, *, signed_ok: bool = False, **kwargs) -> object:
        self.check(url)
        host = urlsplit(url).netloc
        with Deadline(self.timeout) as deadline:
            try:
                status, body, media_type = self._exchange(method, url, host, deadline,
                                                          **kwargs)
            except FetchError:
                if deadline.expired:
                    raise FetchError(f"{host} took too long to answer. Try again later.") \
                        from None
                raise
        if 300 <= status < 400:
            raise FetchError(f"{host} sent us somewhere else; this wallet does not follow that")
        if signed_ok and status < 300 and media_type == REQUEST_JWT:
            try:
                return body.decode("ascii").strip()
            except UnicodeDecodeError:
                raise FetchError(f"{host} did not send a readable request") from None
        data = None
        if body:
            try:
                data = parse_json(body, max_bytes=MAX_RESPONSE_BYTES)
            except PassportError:
                data = None
        if status >= 400:
            error = data.get("error") if isinstance(data, dict) else None
            description = data.get("error_description") if isinstance(data, dict) else None
            raise IssuerHttpError(f"{host} refused the request ({status})",
                                  status_code=status,
                                  error=error if isinstance(error, str) else None,
                                  error_description=description
                                  if isinstance(description, str) else None)
        if data is None:
            raise FetchError(f"{host} did not send a readable answer")
        return data

    def _exchange(self, method: str, url: str, host: str, deadline: Deadline,
                  **kwargs) -> tuple[int, bytes, str]:
        headers = {**kwargs.pop("headers", {}), "Connection": "close"}
        try:
            response = self.session.request(method, url, timeout=self.timeout, stream=True,
                                            allow_redirects=False, headers=headers, **kwargs)
        except requests.Timeout:
            raise FetchError(f"{host} did not answer in time. Try again later.") from None
        except (requests.RequestException, *READ_FAILURES):
            raise FetchError(f"Could not connect to {host}. Check the link and your internet "
                             "connection.") from None
        try:
            media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            return response.status_code, self._read(response, host), media_type
        finally:
            response.close()

    @staticmethod
    def _read(response: requests.Response, host: str) -> bytes:
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise TooLargeError("The training provider sent more data than a "
                                        "credential needs")
                chunks.append(chunk)
        except (requests.RequestException, *READ_FAILURES):
            # A broken chunked body, a connection cut half way: not a credential.
            raise FetchError(_NOT_A_CREDENTIAL.format(host=host)) from None
        return b"".join(chunks)


_NOT_A_CREDENTIAL = ("The provider's service ({host}) answered with something that is not a "
                     "credential. Try again later, or ask the provider.")
