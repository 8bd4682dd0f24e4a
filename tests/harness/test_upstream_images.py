"""The images a platform team gets are published upstream images pinned by version (issue 15).

Reads every role's defaults and the dev inventory (inventories/dev): every ``*_image`` variable must name an image
a public registry serves (no ``maestro-*`` name, no local registry) with a version tag (``latest`` and bare major
tags float) or a digest. The images our machines build (``maestro-platform/*``, ``maestro-standin-*``) appear in the
deployable tree nowhere but the override file the tests and scripts/dev-up.sh pass
(tests/fixtures/dev_platform/standins.yml).
"""

import re

import pytest
import yaml

from tests.helpers import ROOT

OVERRIDES = ROOT / 'tests' / 'fixtures' / 'dev_platform' / 'standins.yml'
SOURCES = sorted(ROOT.glob('roles/*/defaults/main.yml')) + sorted((ROOT / 'inventories' / 'dev').rglob('*.yml'))
OUR_IMAGES = re.compile(r'(?<![/\w.-])(?:maestro-platform/|maestro-standin-)')  # an image name, not a path such as /etc/maestro-platform/
REFERENCE = re.compile(
    r'^(?:(?P<registry>(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?|[a-z0-9-]+:\d+)/)?'
    r'(?P<repository>[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)'
    r'(?::(?P<tag>\w[\w.-]{0,127}))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$')
# A version in the tag: 15.20, v3.17.2-full, 3.94.0, RELEASE.2025-09-07T16-13-09Z.
VERSION = re.compile(r'\d+\.\d+|\d{4}-\d{2}-\d{2}')


def _image_variables():
    found = []
    for path in SOURCES:
        data = yaml.safe_load(path.read_text()) or {}
        for key, value in data.items() if isinstance(data, dict) else ():
            if key.endswith('_image'):
                found.append((str(path.relative_to(ROOT)), key, value))
    return found


def upstream_problem(image):
    """Why ``image`` is not a published upstream image pinned by version (None when it is)."""
    if not isinstance(image, str) or '{{' in image:
        return 'not a literal image reference'
    match = REFERENCE.match(image)
    if not match:
        return 'not an image reference'
    if OUR_IMAGES.search(image) or match['repository'].split('/')[0].startswith('maestro'):
        return 'an image our own scripts build, which no registry serves'
    registry = match['registry'] or 'docker.io'
    if registry.split(':')[0] in ('localhost', '127.0.0.1') or re.match(r'^\d+\.\d+\.\d+\.\d+', registry):
        return 'a local registry'
    if match['digest']:
        return None
    tag = match['tag']
    if not tag:
        return 'no tag (Docker pulls latest)'
    if tag == 'latest' or tag.endswith('-latest') or not VERSION.search(tag):
        return 'tag %r floats (pin a version such as 15.20 or v3.17.2)' % tag
    return None


def test_every_default_and_dev_inventory_image_is_upstream_and_pinned():
    images = _image_variables()
    keys = {image[1] for image in images}
    # The container roles' images are all read (a renamed variable would silently drop out of the check).
    assert {'postgres_image', 'mlflow_image', 'nexus_image', 'monitoring_image'} <= keys, keys
    problems = ['%s: %s = %r is %s' % (path, key, value, upstream_problem(value))
                for path, key, value in images if upstream_problem(value)]
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('image, problem', [
    ('maestro-platform/mlflow:3.17.2', 'build'),
    ('maestro-standin-s3:moto-5.2.5', 'build'),
    ('docker.io/library/postgres:15', 'floats'),
    ('postgres', 'no tag'),
    ('prom/prometheus:latest', 'floats'),
    ('localhost:5000/postgres:15.20', 'local registry'),
    ('{{ my_image }}', 'literal'),
])
def test_the_check_rejects(image, problem):
    assert problem in (upstream_problem(image) or ''), image


@pytest.mark.parametrize('image', ['docker.io/library/postgres:15.20', 'ghcr.io/mlflow/mlflow:v3.17.2-full',
                                   'prom/prometheus:v3.5.1', 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z',
                                   'postgres@sha256:' + '0' * 64])
def test_the_check_accepts(image):
    assert upstream_problem(image) is None


def test_our_built_images_appear_only_in_the_override_file():
    deployable = [p for pattern in ('roles/**/*', 'inventories/**/*', 'playbooks/**/*', 'site.yml', 'meta/**/*')
                  for p in ROOT.glob(pattern) if p.is_file() and p.suffix in ('.yml', '.yaml', '.j2', '.json', '')]
    hits = ['%s: %s' % (p.relative_to(ROOT), line.strip()) for p in deployable
            for line in p.read_text(errors='replace').splitlines() if OUR_IMAGES.search(line)]
    where = OVERRIDES.relative_to(ROOT)
    assert not hits, 'images built on our machines named outside %s:\n%s' % (where, '\n'.join(hits))
    overrides = yaml.safe_load(OVERRIDES.read_text())
    for key in ('postgres_image', 'mlflow_image', 'monitoring_image', 'nexus_image'):
        assert OUR_IMAGES.search(overrides[key]), key
