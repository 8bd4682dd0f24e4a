# Read-only probe of a developer host for maestro.platform.platform_client (run with python3 -c).
#
# One call reads everything the role merges into, so each later task writes only what differs and a
# converge that has nothing to do costs one remote call per host. argv[1] is JSON:
#   {"users": [names], "maven_id": "...", "files": {"/path": kind},
#    "user_files": {"key": ["path relative to the home", kind or null (path only)]}}
# kinds: ini (configparser sections), npmrc (key=value lines), json, maven (settings.xml mirror and
# server of maven_id), text (raw text), sha256 (digest of the content).
# Prints JSON: os_family, dockerd, lxml, users {name: {name, system: false, uid, gid, home, <key>: path}},
# files {path: {exists, uid, gid, mode, data | error}}. The output holds secrets (tokens, passwords): the task that
# runs this is no_log.
import configparser
import hashlib
import importlib.util
import json
import os
import pwd
import shutil
import sys
import xml.etree.ElementTree as ET

req = json.loads(sys.argv[1])


def os_family():
    ids = []
    try:
        with open("/etc/os-release") as f:
            for line in f:
                key, _sep, value = line.strip().partition("=")
                if key in ("ID", "ID_LIKE"):
                    ids += value.strip('"').split()
    except OSError:
        pass
    if "debian" in ids or "ubuntu" in ids:
        return "Debian"
    if set(ids) & {"rhel", "fedora", "centos", "rocky", "almalinux"}:
        return "RedHat"
    return " ".join(ids) or "unknown"


def parse_ini(text):
    p = configparser.RawConfigParser(strict=False, interpolation=None)
    p.optionxform = str
    p.read_string(text)
    return {s: dict(p.items(s)) for s in p.sections()}


def parse_npmrc(text):
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;" or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        out[key.strip()] = value.strip()
    return out


def parse_maven(text, mirror_id):
    root = ET.fromstring(text)
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    q = (lambda t: "{%s}%s" % (ns, t)) if ns else (lambda t: t)

    def entry(group, item, fields):
        for el in root.findall("%s/%s" % (q(group), q(item))):
            if (el.findtext(q("id")) or "").strip() == mirror_id:
                return {f: el.findtext(q(f)) for f in fields}
        return None

    return {"ns": ns,
            "mirror": entry("mirrors", "mirror", ["url", "mirrorOf"]),
            "server": entry("servers", "server", ["username", "password"])}


def read(path, kind):
    info = {"exists": False}
    try:
        st = os.stat(path)
    except OSError:
        return info
    info.update(exists=True, uid=st.st_uid, gid=st.st_gid, mode="%04o" % (st.st_mode & 0o7777))
    try:
        with open(path, "rb") as f:
            raw = f.read()
        if kind == "sha256":
            info["data"] = hashlib.sha256(raw).hexdigest()
            return info
        text = raw.decode("utf-8")
        if kind == "ini":
            info["data"] = parse_ini(text)
        elif kind == "npmrc":
            info["data"] = parse_npmrc(text)
        elif kind == "json":
            info["data"] = json.loads(text) if text.strip() else {}
            if not isinstance(info["data"], dict):
                raise ValueError("not a JSON object")
        elif kind == "maven":
            info["data"] = parse_maven(text, req.get("maven_id", ""))
        else:
            info["data"] = text
    except Exception as exc:  # reported per file; the role turns it into a clear failure
        info["error"] = "%s: %s" % (type(exc).__name__, exc)
    return info


users = {}
files = {}
for name in req.get("users", []):
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        continue
    user = users[name] = {"name": name, "system": False, "uid": pw.pw_uid, "gid": pw.pw_gid, "home": pw.pw_dir}
    for key, (rel, kind) in req.get("user_files", {}).items():
        user[key] = os.path.join(pw.pw_dir, rel)
        if kind:
            files[user[key]] = read(user[key], kind)

for path, kind in req.get("files", {}).items():
    files[path] = read(path, kind)

search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
print(json.dumps({
    "os_family": os_family(),
    "dockerd": shutil.which("dockerd", path=search) is not None,
    "lxml": importlib.util.find_spec("lxml") is not None,
    "users": users,
    "files": files,
}))
