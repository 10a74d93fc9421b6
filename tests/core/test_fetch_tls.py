"""HTTPS fetches trust a configured CA bundle (PASSPORT_CA_BUNDLE) instead of the public CAs.

A loopback https server with a certificate made here: nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from passport_vc.errors import FetchError
from passport_vc.fetch import HttpFetcher
from passport_web.network import NetworkSettings


def _self_signed(folder) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    cert, key = _self_signed(tmp_path_factory.mktemp("tls"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}/list", cert
    httpd.shutdown()
    httpd.server_close()


def test_an_unknown_certificate_is_refused_by_default(tls_server):
    url, _cert = tls_server
    with pytest.raises(FetchError, match="valid secure"):
        HttpFetcher(allow_private=True).get(url)


def test_a_configured_ca_bundle_is_trusted(tls_server):
    url, cert = tls_server
    assert HttpFetcher(allow_private=True, ca_bundle=cert).get(url).json() == {"ok": True}


def test_the_ca_bundle_comes_from_the_environment(tmp_path):
    settings = NetworkSettings.from_env({"PASSPORT_CA_BUNDLE": str(tmp_path / "ca.pem")})
    assert settings.ca_bundle == str(tmp_path / "ca.pem")
    assert NetworkSettings.from_env({}).ca_bundle is None
