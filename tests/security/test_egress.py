"""Outbound fetches against real hostile servers on 127.0.0.1 (issue 10 findings 7, 8, 9, 15).

The services' fetcher is built the way a deployment builds it (``Network`` from
``NetworkSettings``); the wallet's client is its real ``HttpClient``. Nothing is mocked except,
in the DNS-rebinding test, the name lookup itself.
"""

from __future__ import annotations

import socket
import ssl
import time

import pytest

from passport_vc.errors import FetchError, FetchForbiddenError
from passport_vc.fetch import HttpFetcher
from passport_web.network import Network, NetworkSettings
from wallet.http import HttpClient

from .servers import counting_listener, make_ca_and_server_cert, serve


@pytest.fixture(scope="module")
def named():
    """The one host a local deployment names, and a second local server nobody named."""
    with serve() as listed, serve() as other:
        yield listed, other


def _network_fetcher(*hosts: str):
    return Network(NetworkSettings(http_hosts=frozenset(hosts))).fetcher


# --- finding 7: naming a host allows exactly that host:port ---------------------------------
def _targets(other_port: int) -> list[str]:
    return [f"http://127.0.0.1:{other_port}/doc", f"http://localhost:{other_port}/doc",
            f"http://[::1]:{other_port}/doc", f"http://0.0.0.0:{other_port}/doc",
            f"http://2130706433:{other_port}/doc", f"http://127.1:{other_port}/doc",
            f"https://127.0.0.1:{other_port}/doc", "http://10.0.0.1/doc",
            "http://169.254.169.254/latest/meta-data/", "http://192.168.0.1/",
            "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/", "file:///etc/passwd"]


@pytest.mark.parametrize("index", range(13))
def test_a_named_host_cannot_redirect_anywhere_private(named, index):
    listed, other = named
    target = _targets(other.port)[index]
    fetcher = _network_fetcher(f"localhost:{listed.port}")
    other.seen.clear()
    with pytest.raises(FetchError) as raised:
        fetcher.get(f"http://localhost:{listed.port}/redirect?to={target}")
    assert isinstance(raised.value, FetchForbiddenError) or "could not be found" in \
        raised.value.detail
    assert other.seen == []


@pytest.mark.parametrize("index", range(13))
def test_unnamed_private_destinations_are_refused_directly(named, index):
    listed, other = named
    target = _targets(other.port)[index]
    other.seen.clear()
    with pytest.raises(FetchError):
        _network_fetcher(f"localhost:{listed.port}").get(target)
    with pytest.raises(FetchError):
        HttpClient(NetworkSettings(http_hosts=frozenset({f"localhost:{listed.port}"}))
                   ).get_json(target)
    assert other.seen == []


def test_the_named_host_itself_works_and_the_same_name_on_another_port_does_not(named):
    listed, other = named
    fetcher = _network_fetcher(f"localhost:{listed.port}")
    assert fetcher.get(f"http://localhost:{listed.port}/doc").json() == {"ok": True}
    assert fetcher.get(f"http://localhost:{listed.port}/redirect?to=/doc").json() == \
        {"ok": True}
    with pytest.raises(FetchForbiddenError):
        fetcher.get(f"http://127.0.0.1:{listed.port}/doc")  # the name was listed, not the IP
    with pytest.raises(FetchForbiddenError):
        fetcher.get(f"http://localhost:{other.port}/doc")


def test_the_wallet_client_follows_no_redirect(named):
    listed, other = named
    client = HttpClient(NetworkSettings(http_hosts=frozenset({f"localhost:{listed.port}"})))
    other.seen.clear()
    with pytest.raises(FetchError, match="somewhere else"):
        client.get_json(f"http://localhost:{listed.port}/redirect?to="
                        f"http://127.0.0.1:{other.port}/doc")
    assert other.seen == []


# --- finding 8: one total deadline for every fetch -------------------------------------------
@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_slow_drip_is_cut_off_at_the_deadline(named, path):
    listed, _ = named
    fetcher = HttpFetcher(timeout=1.0, deadline=1.0,
                          policy=NetworkSettings(http_hosts=frozenset(
                              {f"localhost:{listed.port}"})).policy)
    started = time.monotonic()
    with pytest.raises(FetchError, match="took more than"):
        fetcher.get(f"http://localhost:{listed.port}{path}")
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_the_wallet_client_has_a_total_deadline_too(named, path):
    listed, _ = named
    client = HttpClient(NetworkSettings(http_hosts=frozenset({f"localhost:{listed.port}"})),
                        timeout=1.0)
    started = time.monotonic()
    with pytest.raises(FetchError, match="too long"):
        client.get_json(f"http://localhost:{listed.port}{path}")
    assert time.monotonic() - started < 2.5


def test_every_service_fetcher_has_a_deadline_and_a_size_cap():
    fetcher = _network_fetcher().inner.inner  # CachingFetcher → host policy → HttpFetcher
    assert isinstance(fetcher, HttpFetcher)
    assert 0 < fetcher.deadline <= 15 and 0 < fetcher.max_bytes <= 16 * 1024 * 1024


# --- finding 9: the wallet client and a broken body; DNS rebinding ---------------------------
def test_broken_chunked_body_is_not_a_credential(named):
    listed, _ = named
    client = HttpClient(NetworkSettings(http_hosts=frozenset({f"localhost:{listed.port}"})))
    with pytest.raises(FetchError, match="answered with something that is not a credential"):
        client.get_json(f"http://localhost:{listed.port}/broken-chunked")
    with pytest.raises(FetchError, match="failed while reading"):
        _network_fetcher(f"localhost:{listed.port}").get(
            f"http://localhost:{listed.port}/broken-chunked")


def test_an_unreadable_answer_is_a_plain_error(named):
    listed, _ = named
    client = HttpClient(NetworkSettings(http_hosts=frozenset({f"localhost:{listed.port}"})))
    with pytest.raises(FetchError, match="readable"):
        client.post_json(f"http://localhost:{listed.port}/bad-json", {})


@pytest.fixture
def rebinding_dns(monkeypatch):
    """``rebind.test`` looks public the first time it is looked up, then points at loopback."""
    real = socket.getaddrinfo
    calls = {"n": 0, "port": None}

    def lookup(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        calls["n"] += 1
        address = "93.184.215.14" if calls["n"] == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, calls["port"]))]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return calls


def test_the_wallet_client_connects_only_to_the_address_it_checked(rebinding_dns):
    with counting_listener() as listener:
        rebinding_dns["port"] = listener["port"]
        client = HttpClient(NetworkSettings(), timeout=1.0)
        with pytest.raises(FetchError):
            client.get_json(f"https://rebind.test:{listener['port']}/.well-known/x")
        assert listener["connections"] == 0


def test_the_service_fetcher_connects_only_to_the_address_it_checked(rebinding_dns):
    with counting_listener() as listener:
        rebinding_dns["port"] = listener["port"]
        with pytest.raises(FetchError):
            HttpFetcher(timeout=1.0).get(f"https://rebind.test:{listener['port']}/did.json")
        assert listener["connections"] == 0


# --- finding 15: a deployment's own CA ---------------------------------------------------------
@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    ca, cert, key = make_ca_and_server_cert(tmp_path_factory.mktemp("ca"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with serve(tls=context) as server:
        yield server, ca


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"])
def test_a_private_ca_named_in_the_environment_is_trusted(tls_server, variable):
    server, ca = tls_server
    environ = {"PASSPORT_HTTP_HOSTS": f"localhost:{server.port}", variable: str(ca)}
    url = f"https://localhost:{server.port}/doc"
    settings = NetworkSettings.from_env(environ)
    assert Network(settings).fetcher.get(url).json() == {"ok": True}
    assert HttpClient(settings).get_json(url) == {"ok": True}


def test_without_the_ca_the_certificate_is_refused(tls_server):
    server, _ = tls_server
    settings = NetworkSettings.from_env({"PASSPORT_HTTP_HOSTS": f"localhost:{server.port}"})
    with pytest.raises(FetchError, match="certificate"):
        Network(settings).fetcher.get(f"https://localhost:{server.port}/doc")
    with pytest.raises(FetchError):
        HttpClient(settings).get_json(f"https://localhost:{server.port}/doc")


def test_no_connection_is_kept_for_the_next_request(named):
    """A kept connection was checked and timed for an earlier request; each request opens its
    own, so the deadline and the address checks hold for the second request too."""
    listed, _ = named
    policy = NetworkSettings(http_hosts=frozenset({f"localhost:{listed.port}"})).policy
    fetcher = HttpFetcher(timeout=1.0, deadline=1.0, policy=policy)
    listed.peers.clear()
    for _ in range(3):
        assert fetcher.get(f"http://localhost:{listed.port}/keep-alive").json() == {"ok": True}
    assert len(set(listed.peers)) == 3
    started = time.monotonic()
    with pytest.raises(FetchError, match="took more than"):
        fetcher.get(f"http://localhost:{listed.port}/drip")
    assert time.monotonic() - started < 2.5
