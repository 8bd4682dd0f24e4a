"""S3 and file side of maestro.platform's backup and restore (run by the platform_backup role, needs boto3).

Connection: --connection names a JSON file (mode 0600, written by the role) with endpoint_url, region,
access_key_id and secret_access_key; empty keys mean boto3's own chain (instance role, environment).
No secret is ever on the command line or in the environment of the task. Every command prints one JSON
document on stdout; every file it writes is created with mode 0600.

A backup is made in phases, one per service (mlflow, harbor, nexus), each in the order its service needs
(database first, then storage); the role runs the dumps and the encryption between these commands:

  archive   tar.gz (0600) of directories (registry storage, file blob stores, an H2 export directory)
  collect   one phase: upload its dumps and archives (sha256 and size computed while reading them) and
            mirror its buckets (every object version, oldest first, and every delete marker) into
            BACKUP_BUCKET/PREFIX/ID/{database,archives,buckets/<bucket>/<n>}; writes the phase's part file
  finish    merge the part files into the manifest (0600), upload it last (it marks the backup complete),
            then apply the retention
  fetch     restore side: resolve the backup id ('latest' too), download its manifest and every dump and
            archive (0600), each checked against the manifest's sha256 and size
  check     restore side: every target (bucket, directory) of the manifest is empty or missing
  restore   restore one service's storage (archives extracted, bucket versions replayed in their order,
            every sha256 checked) or its database archives
  list      complete backups (those with a manifest.json) under PREFIX, oldest first
  retention keep the newest N complete backups under PREFIX, delete the rest
  mirror    (by hand) mirror buckets without a manifest
  put/get   (by hand) upload a local file to BACKUP_BUCKET/KEY, download one (0600)
"""

import argparse
import datetime
import hashlib
import json
import os
import sys
import tarfile
import tempfile

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

CHUNK = 1024 * 1024


CONNECTION = {}


def client():
    # AWS's 'standard' retry mode (3 attempts, jittered backoff, throttling and transient errors) rather than the
    # SDK's 'legacy' default: an unreachable endpoint fails in seconds, not after ~10 s of blind retries.
    kwargs = {'region_name': CONNECTION.get('region') or 'us-east-1',
              'config': Config(retries={'mode': 'standard'})}
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


def backup_root(prefix, backup_id):
    return ('%s/%s' % (prefix.strip('/'), backup_id)) if prefix.strip('/') else backup_id


def open_private(path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, 'wb')


def make_archive(source, path):
    """tar.gz of a directory (owners as numeric ids, modes kept, the directory itself as '.'); files counted."""
    files = []

    def counted(info):
        if info.isfile():
            files.append(info.name)
        return info

    with open_private(path) as out:
        with tarfile.open(fileobj=out, mode='w:gz', compresslevel=6) as tar:
            tar.add(source, arcname='.', recursive=True, filter=counted)
    return len(files)


def archive(args):
    """One archive per directory, named <service>-<role>-<directory name>.tar.gz."""
    made = []
    for role, sources in (('database', args.database_dir), ('storage', args.storage_dir)):
        for source in sources:
            if not os.path.isdir(source):
                raise SystemExit('%s is not a directory: the %s %s archive cannot be made (check the variable that '
                                 'names it).' % (source, args.service, role))
            name = '%s-%s-%s' % (args.service, role, os.path.basename(os.path.normpath(source)))
            path = os.path.join(args.output_dir, '%s.tar.gz' % name)
            files = make_archive(source, path)
            made.append({'type': 'archive', 'role': role, 'name': name, 'source': os.path.abspath(source),
                         'file': path, 'files': files, 'format': 'tar.gz', 'size': os.path.getsize(path)})
    return {'changed': bool(made), 'archives': made}


def collect(args):
    """Upload a phase's dumps and archives and mirror its buckets; write the phase's part file."""
    s3 = client()
    base = backup_root(args.prefix, args.backup_id)
    encrypted = args.encryption == 'ansible-vault'
    files = []
    for name in args.dump:
        files.append({'type': 'postgresql_dump', 'role': 'database', 'name': name, 'format': 'pg_dump custom',
                      'encryption': args.encryption, 'file': os.path.join(args.dir, name + '.dump')})
    for made in json.loads(args.archives):
        secret = made['role'] == 'database' and encrypted  # database exports can hold secrets, storage does not
        entry = dict((k, v) for k, v in made.items() if k != 'size')
        entry['encryption'] = args.encryption if secret else 'none'
        files.append(entry)
    for item in files:
        if item['encryption'] == 'ansible-vault':
            # the role encrypted it in place (ansible-vault shreds the plaintext): name it for what it is
            with open(item['file'], 'rb') as handle:
                sealed = handle.read(14) == b'$ANSIBLE_VAULT'
            if not sealed:
                raise SystemExit('%s is not vault-encrypted: refusing to upload it.' % item['file'])
            os.rename(item['file'], item['file'] + '.vault')
            item['file'] += '.vault'
    items = []
    for item in files:
        folder = 'database' if item['type'] == 'postgresql_dump' else 'archives'
        key = '%s/%s/%s' % (base, folder, os.path.basename(item['file']))
        sha256 = sha256_file(item['file'])
        size = os.path.getsize(item['file'])
        s3.upload_file(item['file'], args.backup_bucket, key)
        entry = dict((k, v) for k, v in item.items() if k != 'file')
        entry.update({'service': args.service, 'key': key, 'size': size, 'sha256': sha256})
        items.append(entry)
    buckets = mirror(args)['buckets'] if args.bucket else []
    for bucket in buckets:
        bucket['service'] = args.service
    part = {'service': args.service, 'items': items, 'buckets': buckets}
    write_private(os.path.join(args.run_dir, 'part-%s.json' % args.service),
                  (json.dumps(part, indent=2, sort_keys=True) + '\n').encode())
    return {'changed': True, 'service': args.service, 'items': len(items), 'buckets': len(buckets),
            'size': sum(i['size'] for i in items) + sum(b['size'] for b in buckets)}


def finish(args):
    """The manifest from the phases' part files, uploaded last (a backup without it is incomplete)."""
    s3 = client()
    base = backup_root(args.prefix, args.backup_id)
    items, buckets = [], []
    for service in args.service:
        with open(os.path.join(args.run_dir, 'part-%s.json' % service), encoding='utf-8') as handle:
            part = json.load(handle)
        items += part['items']
        buckets += part['buckets']
    manifest = {
        'format': 2, 'backup_id': args.backup_id, 'started': args.started,
        'finished': datetime.datetime.now(datetime.timezone.utc).isoformat(),
        'services': json.loads(args.services), 'items': items, 'buckets': buckets,
        'total_size': sum(i['size'] for i in items) + sum(b['size'] for b in buckets)}
    local = os.path.join(args.dir, 'manifest.json')
    write_private(local, (json.dumps(manifest, indent=2, sort_keys=True) + '\n').encode())
    s3.upload_file(local, args.backup_bucket, base + '/manifest.json')
    args.keep = args.retention
    kept = retention(args)
    return {'changed': True, 'backup_id': args.backup_id, 'manifest_key': base + '/manifest.json',
            'total_size': manifest['total_size'], 'items': len(items),
            'versions': sum(b['versions'] for b in buckets), 'kept': kept['kept'], 'deleted': kept['deleted']}


def normalised(manifest):
    """Format 1 manifests (MLflow only) read as format 2: every item and bucket belongs to mlflow."""
    for entry in manifest.get('items', []) + manifest.get('buckets', []):
        entry.setdefault('service', 'mlflow')
    for item in manifest.get('items', []):
        item.setdefault('role', 'database')
    manifest.setdefault('services', {})
    return manifest


def fetch(args):
    s3 = client()
    root, ids = complete_backups(s3, args.backup_bucket, args.prefix)
    backup_id = (ids[-1] if ids else None) if args.backup_id == 'latest' else args.backup_id
    if backup_id not in ids:
        raise SystemExit('platform_backup_restore_id %s is not a complete backup in s3://%s/%s (complete backups: '
                         '%s).' % (args.backup_id, args.backup_bucket, root, ', '.join(ids) or 'none'))
    manifest_path = os.path.join(args.dir, 'manifest.json')
    got = s3.get_object(Bucket=args.backup_bucket, Key='%s%s/manifest.json' % (root, backup_id))['Body'].read()
    manifest = normalised(json.loads(got))
    write_private(manifest_path, (json.dumps(manifest, indent=2, sort_keys=True) + '\n').encode())
    items = []
    for item in manifest['items']:
        encrypted = item.get('encryption') == 'ansible-vault'
        name = os.path.basename(item['key'])
        # an encrypted file lands under its plain name: the role decrypts it in place (one ansible-vault call)
        local = os.path.join(args.dir, name[:-len('.vault')] if encrypted and name.endswith('.vault') else name)
        with open_private(local) as out:
            s3.download_fileobj(args.backup_bucket, item['key'], out)
        if sha256_file(local) != item['sha256'] or os.path.getsize(local) != item['size']:
            raise SystemExit('%s does not match the manifest (sha256/size): the backup is damaged.' % item['key'])
        items.append({'service': item['service'], 'type': item['type'], 'role': item['role'], 'name': item['name'],
                      'local': local, 'encrypted': encrypted, 'sha256': item['sha256'], 'size': item['size']})
    return {'changed': True, 'backup_id': backup_id, 'manifest': manifest_path, 'items': items,
            'services': sorted(set(i['service'] for i in manifest['items'] + manifest['buckets'])),
            'service_info': manifest['services']}


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


def load_manifest(args):
    with open(args.manifest, encoding='utf-8') as handle:
        manifest = normalised(json.load(handle))
    bucket_map = dict(item.split('=', 1) for item in args.map) if args.map else {}
    dir_map = dict(item.split('=', 1) for item in args.dir_map) if args.dir_map else {}
    return manifest, bucket_map, dir_map


def archive_target(item, dir_map):
    return dir_map.get(item['source'], item['source'])


def dir_is_empty(path):
    return not os.path.exists(path) or (os.path.isdir(path) and not os.listdir(path))


def bucket_is_empty(s3, bucket):
    try:
        listed = s3.list_object_versions(Bucket=bucket, MaxKeys=1)
    except ClientError as exc:
        if exc.response['Error']['Code'] in ('NoSuchBucket', '404'):
            return True
        raise
    return not (listed.get('Versions') or listed.get('DeleteMarkers'))


def check(args):
    """Every bucket and directory the manifest restores into is empty or missing (nothing is written)."""
    s3 = client()
    manifest, bucket_map, dir_map = load_manifest(args)
    full = []
    for entry in manifest['buckets']:
        target = bucket_map.get(entry['bucket'], entry['bucket'])
        if not bucket_is_empty(s3, target):
            full.append('bucket %s' % target)
    for item in manifest['items']:
        if item['type'] == 'archive' and not dir_is_empty(archive_target(item, dir_map)):
            full.append('directory %s' % archive_target(item, dir_map))
    if full:
        raise SystemExit('Restore needs empty targets, and these are not empty: %s (wipe them, or map the backup '
                         'elsewhere with platform_backup_restore_bucket_map / platform_backup_restore_dir_map).'
                         % ', '.join(full))
    return {'changed': False, 'buckets': [bucket_map.get(b['bucket'], b['bucket']) for b in manifest['buckets']],
            'directories': [archive_target(i, dir_map) for i in manifest['items'] if i['type'] == 'archive']}


def safe_members(tar, target):
    """Regular files, directories and links that stay inside the target; anything else refuses the archive."""
    root = os.path.realpath(target)
    for member in tar.getmembers():
        path = os.path.realpath(os.path.join(root, member.name))
        if os.path.isabs(member.name) or (path != root and not path.startswith(root + os.sep)):
            raise SystemExit('Archive member %r leaves the target directory: the archive is refused.' % member.name)
        if member.issym() or member.islnk():
            base = os.path.dirname(path) if member.issym() else root
            link = os.path.realpath(os.path.join(base, member.linkname))
            if link != root and not link.startswith(root + os.sep):
                raise SystemExit('Archive link %r points outside the target directory: the archive is refused.'
                                 % member.name)
        elif not (member.isfile() or member.isdir()):
            raise SystemExit('Archive member %r is not a file, directory or link: the archive is refused.'
                             % member.name)
        yield member


def extract(item, local, target):
    if sha256_file(local) != item['sha256'] or os.path.getsize(local) != item['size']:
        raise SystemExit('%s does not match the manifest (sha256/size): the backup is damaged.' % local)
    if not dir_is_empty(target):
        raise SystemExit('Directory %s is not empty: restore needs an empty directory (wipe it or map the backup '
                         'elsewhere with platform_backup_restore_dir_map).' % target)
    with tarfile.open(local, mode='r:gz') as tar:
        members = list(safe_members(tar, target))  # every member checked before anything is written
        os.makedirs(target, mode=0o700, exist_ok=True)
        # numeric owners as archived (the registry and Nexus run as their own uid); modes as archived. The members
        # were checked above; Python 3.12+ would otherwise apply its own filter (3.14's default drops owners).
        extra = {'filter': 'fully_trusted'} if hasattr(tarfile, 'fully_trusted_filter') else {}
        tar.extractall(target, members=members, numeric_owner=True, **extra)
    return sum(1 for m in members if m.isfile())


def restore_buckets(s3, args, entries, bucket_map):
    restored = []
    for entry in entries:
        target = bucket_map.get(entry['bucket'], entry['bucket'])
        try:
            s3.create_bucket(Bucket=target)
        except ClientError as exc:
            if exc.response['Error']['Code'] not in ('BucketAlreadyOwnedByYou', 'BucketAlreadyExists'):
                raise
        if not bucket_is_empty(s3, target):
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
    return restored


def restore(args):
    """One service's storage (archives, then buckets) or its database archives, from a fetched backup."""
    s3 = client()
    manifest, bucket_map, dir_map = load_manifest(args)
    folder = os.path.dirname(os.path.abspath(args.manifest))
    directories = []
    for item in manifest['items']:
        if item['service'] != args.service or item['type'] != 'archive' or item['role'] != args.role:
            continue
        name = os.path.basename(item['key'])
        if item.get('encryption') == 'ansible-vault':
            # fetch checked the encrypted file's sha256, the role decrypted it in place under its plain name
            local = os.path.join(folder, name[:-len('.vault')] if name.endswith('.vault') else name)
            item = dict(item, sha256=sha256_file(local), size=os.path.getsize(local))
        else:
            local = os.path.join(folder, name)
        target = archive_target(item, dir_map)
        directories.append({'name': item['name'], 'directory': target, 'files': extract(item, local, target)})
    buckets = []
    if args.role == 'storage':
        buckets = restore_buckets(s3, args, [b for b in manifest['buckets'] if b['service'] == args.service],
                                  bucket_map)
    return {'changed': bool(directories or buckets), 'service': args.service, 'role': args.role,
            'directories': directories, 'buckets': buckets}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    commands = {'archive': archive, 'collect': collect, 'finish': finish, 'fetch': fetch, 'check': check,
                'restore': restore, 'list': list_backups, 'retention': retention, 'mirror': mirror, 'put': put,
                'get': get}
    for name in commands:
        cmd = sub.add_parser(name)
        if name != 'archive':
            cmd.add_argument('--connection', required=True, help='JSON file with the S3 connection')
            cmd.add_argument('--backup-bucket', required=True)
    sub.choices['archive'].add_argument('--output-dir', required=True)
    sub.choices['archive'].add_argument('--service', required=True)
    sub.choices['archive'].add_argument('--database-dir', action='append', default=[])
    sub.choices['archive'].add_argument('--storage-dir', action='append', default=[])
    for name in ('collect', 'finish', 'fetch', 'list', 'retention', 'mirror'):
        sub.choices[name].add_argument('--prefix', default='')
    for name in ('collect', 'finish', 'fetch', 'mirror'):
        sub.choices[name].add_argument('--backup-id', required=True)
    sub.choices['collect'].add_argument('--service', required=True)
    for name in ('collect', 'finish'):
        sub.choices[name].add_argument('--run-dir', required=True, help='where the part files are')
    sub.choices['collect'].add_argument('--dir', required=True, help="the backup's directory (dumps, archives)")
    sub.choices['collect'].add_argument('--dump', action='append', default=[], help='database name (NAME.dump)')
    sub.choices['collect'].add_argument('--archives', default='[]', help="JSON list: the archive command's output")
    sub.choices['collect'].add_argument('--encryption', choices=['ansible-vault', 'none'], required=True)
    sub.choices['collect'].add_argument('--bucket', action='append', default=[])
    sub.choices['mirror'].add_argument('--bucket', action='append', required=True)
    sub.choices['finish'].add_argument('--service', action='append', default=[], help='merged in this order')
    sub.choices['finish'].add_argument('--services', default='{}', help='JSON facts per service')
    sub.choices['finish'].add_argument('--started', required=True)
    sub.choices['finish'].add_argument('--retention', type=int, required=True)
    sub.choices['finish'].add_argument('--dir', required=True)
    sub.choices['fetch'].add_argument('--dir', required=True)
    for name in ('check', 'restore'):
        sub.choices[name].add_argument('--manifest', required=True)
        sub.choices[name].add_argument('--map', action='append', help='SOURCE=TARGET bucket name')
        sub.choices[name].add_argument('--dir-map', action='append', help='SOURCE=TARGET directory')
    sub.choices['restore'].add_argument('--service', required=True)
    sub.choices['restore'].add_argument('--role', choices=['storage', 'database'], required=True)
    for name in ('put', 'get'):
        sub.choices[name].add_argument('--key', required=True)
        sub.choices[name].add_argument('--file', required=True)
    sub.choices['retention'].add_argument('--keep', type=int, required=True)
    args = parser.parse_args()
    if getattr(args, 'connection', None):
        with open(args.connection, encoding='utf-8') as handle:
            CONNECTION.update(json.load(handle))
    result = commands[args.command](args)
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
