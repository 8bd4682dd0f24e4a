# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the S3 / MinIO helpers of maestro.platform. Not a public API; it may change at any time.
"""The encrypted payload format of MinIO's admin API (madmin-go's EncryptData, the same as minio-py's
minio/crypto.py): ``salt(32) | AEAD id(1) | nonce(8) | packages``, the key derived with argon2id (time 1,
memory 64 MiB, 4 lanes, 32 bytes) from the caller's secret key, each package at most 16 KiB of plain text
sealed with AES-256-GCM (id 0) or ChaCha20-Poly1305 (id 1), sio-go's channel construction (additional
data = 0x00|0x80 + tag of an empty seal under the 12-byte nonce with counter 0, counter 1, 2, ... little
endian in the nonce's last 4 bytes, 0x80 on the last package).

argon2-cffi is required; the cipher comes from ``cryptography`` or, failing that, ``pycryptodome``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

try:
    from argon2.low_level import Type as _Argon2Type, hash_secret_raw as _argon2_raw
    HAS_ARGON2 = True
except ImportError:
    HAS_ARGON2 = False

_AEAD_BACKEND = None
_AESGCM = _ChaCha = _AES = _ChaChaPyc = None
try:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM as _AESGCM
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as _ChaCha
    _AEAD_BACKEND = 'cryptography'
except ImportError:
    try:
        from Crypto.Cipher import AES as _AES, ChaCha20_Poly1305 as _ChaChaPyc
        _AEAD_BACKEND = 'pycryptodome'
    except ImportError:
        pass

SALT_LEN, NONCE_LEN, TAG_LEN, PACKAGE_LEN = 32, 8, 16, 1 << 14
AEAD_AES_GCM, AEAD_CHACHA20 = 0, 1
_KEYS = {}  # (secret, salt) -> key: argon2id with 64 MiB costs ~0.1 s, so derive each key once


def require_crypto():
    if not HAS_ARGON2:
        raise ModuleFailure(missing_required_lib('argon2-cffi') + ' (MinIO admin payloads are encrypted with '
                            'an argon2id-derived key)')
    if _AEAD_BACKEND is None:
        raise ModuleFailure(missing_required_lib('cryptography or pycryptodome') + ' (AES-256-GCM for MinIO '
                            'admin payloads)')


def derive_key(secret, salt):
    cached = _KEYS.get((secret, salt))
    if cached is None:
        require_crypto()
        cached = _argon2_raw(secret=secret.encode('utf-8'), salt=salt, time_cost=1, memory_cost=65536,
                             parallelism=4, hash_len=32, type=_Argon2Type.ID, version=19)
        if len(_KEYS) > 64:
            _KEYS.clear()
        _KEYS[(secret, salt)] = cached
    return cached


class _Aead:
    def __init__(self, aead_id, key):
        self.aead_id = aead_id
        self.key = key
        if _AEAD_BACKEND == 'cryptography':
            self._impl = _AESGCM(key) if aead_id == AEAD_AES_GCM else _ChaCha(key)

    def seal(self, nonce, data, aad):
        if _AEAD_BACKEND == 'cryptography':
            return self._impl.encrypt(nonce, data, aad)
        cipher = self._new(nonce)
        cipher.update(aad)
        sealed, tag = cipher.encrypt_and_digest(data)
        return sealed + tag

    def open(self, nonce, data, aad):
        if _AEAD_BACKEND == 'cryptography':
            return self._impl.decrypt(nonce, data, aad)
        cipher = self._new(nonce)
        cipher.update(aad)
        return cipher.decrypt_and_verify(data[:-TAG_LEN], data[-TAG_LEN:])

    def _new(self, nonce):
        if self.aead_id == AEAD_AES_GCM:
            return _AES.new(self.key, _AES.MODE_GCM, nonce=nonce)
        return _ChaChaPyc.new(key=self.key, nonce=nonce)


def _channel(aead, nonce):
    """sio-go's per-stream additional data: 0x00 + the tag of an empty seal under nonce|counter 0."""
    return b'\x00' + aead.seal(nonce + b'\x00' * 4, b'', None)[-TAG_LEN:]


def encrypt_payload(data, secret, salt=None, nonce=None, aead_id=AEAD_AES_GCM):
    """Encrypt an admin request body the way madmin-go's EncryptData does."""
    require_crypto()
    salt = salt if salt is not None else _session_salt(secret)
    nonce = nonce if nonce is not None else os.urandom(NONCE_LEN)
    aead = _Aead(aead_id, derive_key(secret, salt))
    header = _channel(aead, nonce)
    chunks = [data[i:i + PACKAGE_LEN] for i in range(0, len(data), PACKAGE_LEN)] or [b'']
    out = [salt, bytes(bytearray([aead_id])), nonce]
    for seq, chunk in enumerate(chunks, 1):
        aad = (b'\x80' + header[1:]) if seq == len(chunks) else header
        out.append(aead.seal(nonce + seq.to_bytes(4, 'little'), chunk, aad))
    return b''.join(out)


_SALTS = {}


def _session_salt(secret):
    # One random salt per secret and process: the argon2id key is derived once, every message still gets
    # its own random nonce (what makes AES-GCM safe to reuse a key with).
    salt = _SALTS.get(secret)
    if salt is None:
        salt = _SALTS[secret] = os.urandom(SALT_LEN)
    return salt


class PayloadError(Exception):
    pass


def decrypt_payload(blob, secret):
    """Decrypt an admin response body encrypted with madmin-go's EncryptData."""
    require_crypto()
    head = SALT_LEN + 1 + NONCE_LEN
    if len(blob) < head + TAG_LEN:
        raise PayloadError('encrypted payload too short (%d bytes)' % len(blob))
    salt, aead_id, nonce = blob[:SALT_LEN], bytearray(blob[SALT_LEN:SALT_LEN + 1])[0], blob[SALT_LEN + 1:head]
    if aead_id not in (AEAD_AES_GCM, AEAD_CHACHA20):
        raise PayloadError('unsupported AEAD id %d in encrypted payload' % aead_id)
    aead = _Aead(aead_id, derive_key(secret, salt))
    header = _channel(aead, nonce)
    body = blob[head:]
    size = PACKAGE_LEN + TAG_LEN
    packages = [body[i:i + size] for i in range(0, len(body), size)]
    out = []
    for seq, package in enumerate(packages, 1):
        aad = (b'\x80' + header[1:]) if seq == len(packages) else header
        try:
            out.append(aead.open(nonce + seq.to_bytes(4, 'little'), package, aad))
        except Exception:  # noqa: BLE001 - InvalidTag / ValueError depending on the backend
            raise PayloadError('cannot decrypt the payload (wrong secret key or corrupted data)')
    return b''.join(out)
