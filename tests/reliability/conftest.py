"""Fixtures only the reliability and security suite (tests/reliability) uses, and the summary table it writes.
The fixtures the whole suite shares (real servers, emulators, minio_server) are in tests/shared_fixtures.py.

- mlflow_proxy / minio_proxy: tests/reliability/fault_proxy.py in front of the session's real MLflow server
  and in front of the MinIO endpoint (the MinIO admin emulator forwarding S3 calls to moto), reset per test.
- test_ca: a throw-away certificate authority and a server certificate for 127.0.0.1 (for the TLS tests).
- At the end of the session the figures collected in tests/reliability/summary.py are written to
  build/reliability-summary.md and printed.
"""

import datetime
import ipaddress
import secrets
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.reliability import summary
from tests.reliability.fault_proxy import FaultProxy

SUMMARY_PATH = ROOT / 'build' / 'reliability-summary.md'


@pytest.fixture(scope='session')
def mlflow_proxy_server(mlflow_server):
    proxy = FaultProxy(mlflow_server.url).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def mlflow_proxy(mlflow_proxy_server):
    mlflow_proxy_server.reset()
    yield mlflow_proxy_server
    mlflow_proxy_server.reset()


@pytest.fixture(scope='session')
def mlflow_auth_proxy_server(s3_server):
    """A real MLflow with its basic-auth app (mlflow_user, mlflow_permission) behind the fault proxy."""
    from tests.servers import Mlflow
    server = Mlflow(s3_server, admin_password='Adm1n-' + secrets.token_hex(8)).start()
    proxy = FaultProxy(server.url).start()
    proxy.admin_password = server.admin_password
    yield proxy
    proxy.stop()
    server.stop()


@pytest.fixture
def mlflow_auth_proxy(mlflow_auth_proxy_server):
    mlflow_auth_proxy_server.reset()
    yield mlflow_auth_proxy_server
    mlflow_auth_proxy_server.reset()


@pytest.fixture(scope='session')
def minio_proxy_server(minio_server):
    proxy = FaultProxy(minio_server.url, flavor='s3').start()
    yield proxy
    proxy.stop()


@pytest.fixture
def minio_proxy(minio_proxy_server):
    minio_proxy_server.reset()
    yield minio_proxy_server
    minio_proxy_server.reset()


def _certificate(subject_name, issuer_name, public_key, signing_key, ca, san=None):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_name)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture(scope='session')
def test_ca(tmp_path_factory):
    """{'ca': CA bundle path, 'cert': server certificate, 'key': its key} for 127.0.0.1 and localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    directory = tmp_path_factory.mktemp('test-ca')
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate('maestro reliability test CA', 'maestro reliability test CA', ca_key.public_key(),
                           ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate('127.0.0.1', 'maestro reliability test CA', key.public_key(), ca_key, ca=False,
                        san=[x509.IPAddress(ipaddress.ip_address('127.0.0.1')), x509.DNSName('localhost')])
    paths = {'ca': directory / 'ca.pem', 'cert': directory / 'server.pem', 'key': directory / 'server.key'}
    paths['ca'].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths['cert'].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths['key'].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    paths['key'].chmod(0o600)
    return dict((k, str(v)) for k, v in paths.items())


def pytest_terminal_summary(terminalreporter):
    if summary.anything():
        terminalreporter.write_sep('=', 'reliability summary (%s)' % SUMMARY_PATH.relative_to(ROOT))
        terminalreporter.write_line(summary.render())


def pytest_sessionfinish(session):
    if summary.anything():
        Path(SUMMARY_PATH).parent.mkdir(parents=True, exist_ok=True)
        Path(SUMMARY_PATH).write_text(summary.render(), encoding='utf-8')
