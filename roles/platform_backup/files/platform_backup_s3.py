"""S3 side of maestro.platform's backup and restore (run by the platform_backup role, needs boto3).

Connection: --connection names a JSON file (mode 0600, written by the role) with endpoint_url, region,
access_key_id and secret_access_key; empty keys mean boto3's own chain (instance role, environment).
No secret is ever on the command line or in the environment of the task. Every command prints one JSON
document on stdout.

  backup    one whole backup after the dump: upload the dump, mirror the buckets, write the manifest
            (0600) and upload it last (it marks the backup complete), then apply the retention
  fetch     restore side: resolve the backup id ('latest' too), download its manifest and dump (0600)
            and check the dump's sha256 and size against the manifest
  mirror    copy every object version (oldest first) and delete marker of buckets into
            BACKUP_BUCKET/PREFIX/ID/buckets/<bucket>/<n>, with sha256 and size of each version
  put       upload a local file to BACKUP_BUCKET/KEY
  get       download BACKUP_BUCKET/KEY to a local file created with mode 0600
  retention keep the newest N complete backups (those with a manifest.json) under PREFIX, delete the rest
  restore   replay a manifest's versions into the (empty) target buckets in their version order,
            checking every object's sha256 against the manifest
"""

import argparse
import datetime
import hashlib
import json
import os
import sys
import tempfile

import boto3
from botocore.exceptions import ClientError

CHUNK = 1024 * 1024


CONNECTION = {}


def client():
    kwargs = {'region_name': CONNECTION.get('region') or 'us-east-1'}
    if CONNECTION.get('endpoint_url'):
        kwargs['endpoint_url'] = CONNECTION['endpoint_url']
    if CONNECTION.get('access_key_id'):
        kwargs['aws_access_key_id'] = CONNECTION['access_key_id']
        kwargs['aws_secret_access_key'] = CONNECTION.get('secret_access_key')
    return boto3.client('s3', **kwargs)


def spool(body):
    """Read a streaming body into a temporary file; return (file, sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    tmp = tempfile.TemporaryFile()
    for chunk in iter(lambda: body.read(CHUNK), b''):
        digest.update(chunk)
        size += len(chunk)
        tmp.write(chunk)
    tmp.seek(0)
    return tmp, digest.hexdigest(), size


def versions_oldest_first(s3, bucket):
    """Every version and delete marker of a bucket, per key in the order they were written."""
    entries = []
    for page in s3.get_paginator('list_object_versions').paginate(Bucket=bucket):
        for kind, items in (('version', page.get('Versions', [])), ('delete_marker', page.get('DeleteMarkers', []))):
            for item in items:
                entries.append({'kind': kind, 'key': item['Key'], 'version_id': item.get('VersionId'),
                                'last_modified': item['LastModified'], 'is_latest': item['IsLatest']})
    # S3 lists each key's versions newest first; timestamps can tie, so the listing position breaks ties.
    for position, entry in enumerate(entries):
        entry['position'] = position
    by_key = {}
    for entry in entries:
        by_key.setdefault(entry['key'], []).append(entry)
    ordered = []
    for key in sorted(by_key):
        history = sorted(by_key[key], key=lambda e: (e['last_modified'], -e['position']))
        # the latest one must come last whatever the clock said
        history.sort(key=lambda e: e['is_latest'])
        ordered.extend(history)
    return ordered


def bucket_versioning(s3, bucket):
    return s3.get_bucket_versioning(Bucket=bucket).get('Status', 'Disabled')


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


def write_private(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, 'wb') as out:
        out.write(data)


def backup(args):
    s3 = client()
    started = args.started
    root = args.prefix.strip('/') + '/' if args.prefix.strip('/') else ''
    base = root + args.backup_id
    dump_key = '%s/database/%s' % (base, os.path.basename(args.dump))
    dump_sha = sha256_file(args.dump)
    s3.upload_file(args.dump, args.backup_bucket, dump_key)
    buckets = mirror(args)['buckets'] if args.bucket else []
    dump_size = os.path.getsize(args.dump)
    manifest = {
        'format': 1, 'backup_id': args.backup_id, 'started': started,
        'finished': datetime.datetime.now(datetime.timezone.utc).isoformat(),
        'items': [{'type': 'postgresql_dump', 'name': args.db_name, 'key': dump_key, 'format': 'pg_dump custom',
                   'encryption': args.encryption, 'size': dump_size, 'sha256': dump_sha}],
        'buckets': buckets,
        'total_size': dump_size + sum(b['size'] for b in buckets)}
    local = os.path.join(os.path.dirname(args.dump), 'manifest.json')
    write_private(local, (json.dumps(manifest, indent=2, sort_keys=True) + '\n').encode())
    s3.upload_file(local, args.backup_bucket, base + '/manifest.json')
    args.keep = args.retention
    kept = retention(args)
    return {'changed': True, 'backup_id': args.backup_id, 'manifest_key': base + '/manifest.json',
            'total_size': manifest['total_size'], 'versions': sum(b['versions'] for b in buckets),
            'kept': kept['kept'], 'deleted': kept['deleted']}


def fetch(args):
    s3 = client()
    root, ids = complete_backups(s3, args.backup_bucket, args.prefix)
    backup_id = (ids[-1] if ids else None) if args.backup_id == 'latest' else args.backup_id
    if backup_id not in ids:
        raise SystemExit('platform_backup_restore_id %s is not a complete backup in s3://%s/%s (complete backups: '
                         '%s).' % (args.backup_id, args.backup_bucket, root, ', '.join(ids) or 'none'))
    manifest_path = os.path.join(args.dir, 'manifest.json')
    got = s3.get_object(Bucket=args.backup_bucket, Key='%s%s/manifest.json' % (root, backup_id))['Body'].read()
    write_private(manifest_path, got)
    manifest = json.loads(got)
    item = [i for i in manifest['items'] if i['type'] == 'postgresql_dump'][0]
    dump = os.path.join(args.dir, os.path.basename(item['key']))
    fd = os.open(dump, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, 'wb') as out:
        s3.download_fileobj(args.backup_bucket, item['key'], out)
    if sha256_file(dump) != item['sha256'] or os.path.getsize(dump) != item['size']:
        raise SystemExit('Dump %s does not match the manifest (sha256/size): the backup is damaged.' % item['key'])
    return {'changed': True, 'backup_id': backup_id, 'manifest': manifest_path, 'dump': dump,
            'encryption': item['encryption']}


def mirror(args):
    s3 = client()
    base = '%s/%s/buckets' % (args.prefix.strip('/'), args.backup_id) if args.prefix.strip('/') else \
        '%s/buckets' % args.backup_id
    buckets = []
    for bucket in args.bucket:
        items = []
        for index, entry in enumerate(versions_oldest_first(s3, bucket)):
            item = {'key': entry['key'], 'kind': entry['kind'], 'source_version_id': entry['version_id'],
                    'last_modified': entry['last_modified'].isoformat()}
            if entry['kind'] == 'version':
                kwargs = {'Bucket': bucket, 'Key': entry['key']}
                if entry['version_id'] and entry['version_id'] != 'null':
                    kwargs['VersionId'] = entry['version_id']
                got = s3.get_object(**kwargs)
                tmp, sha256, size = spool(got['Body'])
                stored = '%s/%s/%08d' % (base, bucket, index)
                with tmp:
                    s3.upload_fileobj(tmp, args.backup_bucket, stored, ExtraArgs={
                        'ContentType': got.get('ContentType', 'binary/octet-stream'),
                        'Metadata': dict(got.get('Metadata', {}), **{'maestro-sha256': sha256})})
                item.update({'stored_key': stored, 'sha256': sha256, 'size': size,
                             'content_type': got.get('ContentType'), 'metadata': got.get('Metadata', {})})
            items.append(item)
        buckets.append({'bucket': bucket, 'versioning': bucket_versioning(s3, bucket), 'objects': items,
                        'size': sum(i.get('size', 0) for i in items),
                        'versions': sum(1 for i in items if i['kind'] == 'version'),
                        'delete_markers': sum(1 for i in items if i['kind'] == 'delete_marker')})
    return {'changed': True, 'buckets': buckets}


def put(args):
    s3 = client()
    s3.upload_file(args.file, args.backup_bucket, args.key)
    return {'changed': True, 'key': args.key}


def get(args):
    s3 = client()
    fd = os.open(args.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, 'wb') as out:
        s3.download_fileobj(args.backup_bucket, args.key, out)
    return {'changed': True, 'file': args.file}


def delete_prefix(s3, bucket, prefix):
    deleted = 0
    batch = []
    for page in s3.get_paginator('list_object_versions').paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get('Versions', []) + page.get('DeleteMarkers', []):
            batch.append({'Key': item['Key'], 'VersionId': item['VersionId']})
    for start in range(0, len(batch), 1000):
        s3.delete_objects(Bucket=bucket, Delete={'Objects': batch[start:start + 1000], 'Quiet': True})
        deleted += len(batch[start:start + 1000])
    return deleted


def complete_backups(s3, bucket, prefix):
    """Backup ids under the prefix that have a manifest (a backup uploads its manifest last), oldest first."""
    root = prefix.strip('/') + '/' if prefix.strip('/') else ''
    ids = []
    for page in s3.get_paginator('list_objects_v2').paginate(Bucket=bucket, Prefix=root, Delimiter='/'):
        for common in page.get('CommonPrefixes', []):
            backup_id = common['Prefix'][len(root):].rstrip('/')
            try:
                s3.head_object(Bucket=bucket, Key='%s%s/manifest.json' % (root, backup_id))
            except ClientError:
                continue  # incomplete (or still running) backup
            ids.append(backup_id)
    return root, sorted(ids)


def list_backups(args):
    return {'changed': False, 'backups': complete_backups(client(), args.backup_bucket, args.prefix)[1]}


def retention(args):
    s3 = client()
    root, ids = complete_backups(s3, args.backup_bucket, args.prefix)
    expired = ids[:-args.keep] if args.keep > 0 else []
    for backup_id in expired:
        delete_prefix(s3, args.backup_bucket, '%s%s/' % (root, backup_id))
    return {'changed': bool(expired), 'kept': ids[len(expired):], 'deleted': expired}


def restore(args):
    s3 = client()
    with open(args.manifest, encoding='utf-8') as handle:
        manifest = json.load(handle)
    mapping = dict(item.split('=', 1) for item in args.map) if args.map else {}
    restored = []
    for entry in manifest['buckets']:
        target = mapping.get(entry['bucket'], entry['bucket'])
        try:
            s3.create_bucket(Bucket=target)
        except ClientError as exc:
            if exc.response['Error']['Code'] not in ('BucketAlreadyOwnedByYou', 'BucketAlreadyExists'):
                raise
        listed = s3.list_object_versions(Bucket=target, MaxKeys=1)
        if listed.get('Versions') or listed.get('DeleteMarkers'):
            raise SystemExit('Bucket %s is not empty: restore needs an empty bucket (wipe it or map the backup '
                             'to another bucket).' % target)
        if entry['versioning'] == 'Enabled':
            s3.put_bucket_versioning(Bucket=target, VersioningConfiguration={'Status': 'Enabled'})
        count = 0
        for item in entry['objects']:
            if item['kind'] == 'delete_marker':
                s3.delete_object(Bucket=target, Key=item['key'])
                continue
            got = s3.get_object(Bucket=args.backup_bucket, Key=item['stored_key'])
            tmp, sha256, size = spool(got['Body'])
            with tmp:
                if sha256 != item['sha256'] or size != item['size']:
                    raise SystemExit('Backup object %s does not match the manifest (sha256 %s, expected %s): '
                                     'the backup is damaged.' % (item['stored_key'], sha256, item['sha256']))
                extra = {'Metadata': item.get('metadata') or {}}
                if item.get('content_type'):
                    extra['ContentType'] = item['content_type']
                s3.upload_fileobj(tmp, target, item['key'], ExtraArgs=extra)
            count += 1
        restored.append({'bucket': target, 'versions': count})
    return {'changed': True, 'buckets': restored}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    for name in ('backup', 'fetch', 'mirror', 'put', 'get', 'list', 'retention', 'restore'):
        cmd = sub.add_parser(name)
        cmd.add_argument('--connection', required=True, help='JSON file with the S3 connection')
        cmd.add_argument('--backup-bucket', required=True)
    for name in ('backup', 'fetch', 'list'):
        sub.choices[name].add_argument('--prefix', default='')
    for name in ('backup', 'fetch'):
        sub.choices[name].add_argument('--backup-id', required=True)
    for option in ('--dump', '--db-name', '--encryption', '--started'):
        sub.choices['backup'].add_argument(option, required=True)
    sub.choices['backup'].add_argument('--bucket', action='append', default=[])
    sub.choices['backup'].add_argument('--retention', type=int, required=True)
    sub.choices['fetch'].add_argument('--dir', required=True)
    sub.choices['mirror'].add_argument('--prefix', default='')
    sub.choices['mirror'].add_argument('--backup-id', required=True)
    sub.choices['mirror'].add_argument('--bucket', action='append', required=True)
    for name in ('put', 'get'):
        sub.choices[name].add_argument('--key', required=True)
        sub.choices[name].add_argument('--file', required=True)
    sub.choices['retention'].add_argument('--prefix', default='')
    sub.choices['retention'].add_argument('--keep', type=int, required=True)
    sub.choices['restore'].add_argument('--manifest', required=True)
    sub.choices['restore'].add_argument('--map', action='append', help='SOURCE=TARGET bucket name')
    args = parser.parse_args()
    with open(args.connection, encoding='utf-8') as handle:
        CONNECTION.update(json.load(handle))
    commands = {'backup': backup, 'fetch': fetch, 'mirror': mirror, 'put': put, 'get': get, 'list': list_backups, 'retention': retention,
                'restore': restore}
    result = commands[args.command](args)
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
