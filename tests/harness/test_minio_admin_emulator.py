"""The MinIO admin API emulator (tests/emulators/minio_admin.py) against minio-py's MinioAdmin, a client the
emulator's code does not share: if MinIO's own Python SDK can sign, encrypt and decrypt against it, the
emulator checks and answers the way MinIO does. Plus the refusals MinIO makes."""

import json

import pytest

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._minio_admin import MinioAdmin as OurAdmin
from ansible_collections.maestro.platform.plugins.module_utils import _minio_crypto
from tests.emulators.minio_admin import MinioAdminEmulator, madmin_decrypt, madmin_encrypt

ROOT = ('root-admin', 'root-secret-123')
POLICY = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject',
                                                  'Resource': 'arn:aws:s3:::b/*'}]}


@pytest.fixture(scope='module')
def emulator():
    emu = MinioAdminEmulator('http://127.0.0.1:9', *ROOT)  # no S3 backend needed for users and policies
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def admin(emulator):
    emulator.reset()
    return OurAdmin(emulator.url, *ROOT)


def test_minio_py_client_is_accepted(emulator):
    minio = pytest.importorskip('minio')
    from minio.credentials import StaticProvider
    emulator.reset()
    client = minio.MinioAdmin(endpoint=emulator.url.split('//')[1], credentials=StaticProvider(*ROOT),
                              secure=False, region='us-east-1')
    client.user_add('alice', 'alice-secret-1')
    client.policy_add('reader', policy=POLICY)
    assert json.loads(client.attach_policy(['reader'], user='alice'))['policiesAttached'] == ['reader']
    assert json.loads(client.user_list()) == {'alice': {'status': 'enabled', 'policyName': 'reader'}}
    info = json.loads(client.policy_info('reader'))
    assert info['Statement'][0]['Action'] == ['s3:GetObject']  # re-serialised as MinIO does
    client.user_disable('alice')
    assert json.loads(client.user_info('alice'))['status'] == 'disabled'
    assert emulator.signature_failures == []


def test_a_wrong_signature_is_refused(emulator, admin):
    wrong = OurAdmin(emulator.url, ROOT[0], 'not-the-secret')
    with pytest.raises(ApiError) as err:
        wrong.json('GET', 'list-canned-policies')
    assert err.value.error_code == 'SignatureDoesNotMatch' and err.value.status == 403
    unknown = OurAdmin(emulator.url, 'nobody', 'whatever-secret')
    with pytest.raises(ApiError) as err:
        unknown.json('GET', 'list-canned-policies')
    assert err.value.error_code == 'InvalidAccessKeyId'


def test_a_payload_encrypted_with_another_key_is_refused(admin):
    other = OurAdmin(admin.endpoint, ROOT[0], ROOT[1])
    from ansible_collections.maestro.platform.plugins.module_utils import _minio_crypto
    body = _minio_crypto.encrypt_payload(b'{"secretKey": "abcdefghij", "status": "enabled"}', 'some-other-key')
    with pytest.raises(ApiError) as err:
        other.request('PUT', 'add-user', {'accessKey': 'bob'}, body=body)
    assert err.value.error_code == 'XMinioAdminConfigBadJSON'


def test_users_policies_and_their_refusals(admin, emulator):
    with pytest.raises(ApiError) as err:
        admin.json('GET', 'user-info', {'accessKey': 'bob'})
    assert (err.value.status, err.value.error_code) == (404, 'XMinioAdminNoSuchUser')
    admin.request('PUT', 'add-user', {'accessKey': 'bob'}, body={'secretKey': 'bob-secret-1', 'status': 'enabled'},
                  encrypt=True)
    with pytest.raises(ApiError) as err:
        admin.request('PUT', 'add-user', {'accessKey': 'bo'}, body={'secretKey': 'bob-secret-1'}, encrypt=True)
    assert err.value.error_code == 'XMinioAdminInvalidArgument'
    with pytest.raises(ApiError) as err:
        admin.request('POST', 'idp/builtin/policy/attach', body={'policies': ['missing'], 'user': 'bob'},
                      encrypt=True, decrypt=True)
    assert err.value.error_code == 'XMinioAdminNoSuchPolicy'
    admin.request('PUT', 'add-canned-policy', {'name': 'reader'}, body=POLICY)
    answer = admin.json('POST', 'idp/builtin/policy/attach', body={'policies': ['reader'], 'user': 'bob'},
                        encrypt=True, decrypt=True)
    assert answer['policiesAttached'] == ['reader']
    with pytest.raises(ApiError) as err:
        admin.request('POST', 'idp/builtin/policy/attach', body={'policies': ['reader'], 'user': 'bob'},
                      encrypt=True, decrypt=True)
    assert err.value.error_code == 'XMinioAdminPolicyChangeAlreadyApplied'
    with pytest.raises(ApiError) as err:
        admin.request('DELETE', 'remove-canned-policy', {'name': 'reader'})
    assert err.value.error_code == 'XMinioAdminPolicyInUse'
    # the user's own signature: accepted with its secret, refused with another
    assert json.loads(admin.request('GET', 'accountinfo', access_key='bob', secret_key='bob-secret-1'))[
        'AccountName'] == 'bob'
    with pytest.raises(ApiError) as err:
        admin.request('GET', 'accountinfo', access_key='bob', secret_key='not-bobs-secret')
    assert err.value.error_code == 'SignatureDoesNotMatch'
    # a non-root user cannot administer
    with pytest.raises(ApiError) as err:
        admin.request('GET', 'list-users', access_key='bob', secret_key='bob-secret-1')
    assert err.value.error_code == 'AccessDenied'
    secrets = [w.body.get('secretKey') for w in emulator.writes if isinstance(w.body, dict)]
    assert 'bob-secret-1' not in secrets  # the write log never holds a secret


def test_attach_needs_an_opaque_content_type(emulator, admin):
    admin.request('PUT', 'add-user', {'accessKey': 'carol'}, body={'secretKey': 'carol-secret', 'status': 'enabled'},
                  encrypt=True)
    from ansible_collections.maestro.platform.plugins.module_utils import _minio_admin
    from ansible_collections.maestro.platform.plugins.module_utils import _minio_crypto
    body = _minio_crypto.encrypt_payload(json.dumps({'policies': ['readonly'], 'user': 'carol'}).encode(), ROOT[1])
    path = '/minio/admin/v3/idp/builtin/policy/attach'
    headers = _minio_admin.sigv4_headers('POST', admin.host, path, '', body, ROOT[0], ROOT[1], 'us-east-1')
    headers['Content-Type'] = 'application/x-www-form-urlencoded'
    response = admin.http.request('POST', path, data=body, headers=headers, expected=(200, 400))
    assert response.status == 400 and response.json['Code'] == 'BadRequest'


@pytest.mark.parametrize('first_byte', [b'{', b'['])
def test_an_encrypted_answer_that_starts_like_json_is_decrypted(admin, emulator, monkeypatch, first_byte):
    """MinIO sends its encrypted answers as application/json; the random salt that starts them begins with
    '{' or '[' once in 128 answers. The client must decrypt such a body, not judge it malformed JSON (a CI
    run failed on exactly this)."""
    from tests.emulators import minio_admin
    encrypt = minio_admin.madmin_encrypt
    monkeypatch.setattr(minio_admin, 'madmin_encrypt',
                        lambda plain, secret: encrypt(plain, secret, salt=first_byte + b'\x01' * 31))
    admin.request('PUT', 'add-user', {'accessKey': 'dave'}, body={'secretKey': 'dave-secret-1', 'status': 'enabled'},
                  encrypt=True)
    raw = admin.request('GET', 'list-users', decrypt=True)
    assert json.loads(raw)['dave']['status'] == 'enabled'
    answer = admin.json('POST', 'idp/builtin/policy/attach', body={'policies': ['readonly'], 'user': 'dave'},
                        encrypt=True, decrypt=True)
    assert answer['policiesAttached'] == ['readonly']
    # the emulator labels the encrypted answer the way MinIO does
    from ansible_collections.maestro.platform.plugins.module_utils import _minio_admin
    path = '/minio/admin/v3/list-users'
    headers = _minio_admin.sigv4_headers('GET', admin.host, path, '', None, ROOT[0], ROOT[1], 'us-east-1')
    response = admin.http.request('GET', path, headers=headers, binary=True)
    assert response.header('Content-Type') == 'application/json' and response.body[:1] == first_byte


def test_a_sealed_answer_that_does_not_open_is_asked_again_only_when_safe(admin, emulator, monkeypatch):
    from tests.emulators import minio_admin
    encrypt = minio_admin.madmin_encrypt
    garbled = []

    def garble_once(plain, secret):
        sealed = encrypt(plain, secret)
        if garbled:
            return sealed
        garbled.append(True)
        return sealed[:-1] + bytes(bytearray([sealed[-1] ^ 1]))  # the tag no longer matches

    admin.request('PUT', 'add-user', {'accessKey': 'erin'}, body={'secretKey': 'erin-secret-1', 'status': 'enabled'},
                  encrypt=True)
    monkeypatch.setattr(minio_admin, 'madmin_encrypt', garble_once)
    before = admin.http.request_count
    assert 'erin' in json.loads(admin.request('GET', 'list-users', decrypt=True))  # a read: asked again
    assert admin.http.request_count - before == 2
    garbled.clear()
    with pytest.raises(ApiError) as err:  # a POST not declared safe to repeat: reported, not re-sent
        admin.request('POST', 'idp/builtin/policy/attach', body={'policies': ['readonly'], 'user': 'erin'},
                      encrypt=True, decrypt=True)
    assert 'cannot decrypt the payload' in str(err.value) and admin.http.request_count - before == 3


# -- the module's admin payload encryption against the emulator's independent pycryptodome implementation --
@pytest.mark.parametrize('size', [1, 100, 16384, 16385, 50000])
def test_payloads_decrypt_with_the_emulator_and_back(size):
    data = bytes(bytearray(i % 251 for i in range(size)))
    assert madmin_decrypt(_minio_crypto.encrypt_payload(data, 'admin-secret'), 'admin-secret') == data
    assert _minio_crypto.decrypt_payload(madmin_encrypt(data, 'admin-secret'), 'admin-secret') == data


def test_chacha20_payloads_decrypt():
    data = b'{"policies": ["readwrite"]}'
    blob = _minio_crypto.encrypt_payload(data, 's3cret-key', aead_id=_minio_crypto.AEAD_CHACHA20)
    assert blob[32] == 1
    assert madmin_decrypt(blob, 's3cret-key') == data
    assert _minio_crypto.decrypt_payload(blob, 's3cret-key') == data
