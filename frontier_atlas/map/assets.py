"""Front-end assets served by the app itself, so the map works on a closed network.

Folium points every script and stylesheet at public CDNs. Our users often have no
internet, so the set-up step fetches pinned packages from the npm registry into
``static/vendor/`` (Streamlit serves that folder at ``/app/static/vendor``) and
``use_local_assets`` rewrites folium's class-level link lists to those copies.
Nothing here is committed: ``python -m frontier_atlas assets`` installs it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import folium
import folium.plugins

from frontier_atlas.settings import STATIC_URL, VENDOR_DIR


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    # npm's sha512 integrity string: a changed tarball is refused, not installed.
    integrity: str
    files: tuple[str, ...]  # paths inside the package that the app uses

    @property
    def folder(self) -> Path:
        return VENDOR_DIR / self.name

    def url(self, file: str) -> str:
        return f"{STATIC_URL}/vendor/{self.name}/{file}"


PACKAGES: tuple[Package, ...] = (
    Package(
        "leaflet",
        "1.9.4",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
        ("dist/leaflet.js", "dist/leaflet.css", "dist/images/marker-icon.png"),
    ),
    Package(
        "leaflet.markercluster",
        "1.5.3",
        "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==",
        (
            "dist/leaflet.markercluster.js",
            "dist/MarkerCluster.css",
            "dist/MarkerCluster.Default.css",
        ),
    ),
    Package(
        "topojson-client",
        "3.1.0",
        "sha512-605uxS6bcYxGXw9qi62XyrV6Q3xwbndjachmNxu8HWTtVPxZfEJN9fd/SZS1Q54Sn2y0TMyMxFj/cJINqGHrKw==",
        ("dist/topojson-client.min.js",),
    ),
    Package(
        "pmtiles",
        "4.5.0",
        "sha512-CBeD4SoUluFziGdy/8k7FOjQxQy486n+929W/tWophauvMICpkZ26vGBWhDt/6b1FZQWNaf4jFdT/5+q0Wii5w==",
        ("dist/pmtiles.js",),
    ),
    Package(
        "protomaps-leaflet",
        "5.1.0",
        "sha512-N0YY1Gbw5nZ9n8VUOvwHKm/w3zhTTuaZEeMZl8doHemeM4ujGPp2otI6t4Sgqrz8iM4svx2rpG1Q17rHkOWSaA==",
        ("dist/protomaps-leaflet.js",),
    ),
    Package(
        "world-atlas",
        "2.0.2",
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
        ("countries-50m.json",),
    ),
)

_BY_NAME = {p.name: p for p in PACKAGES}

# The map's scripts and stylesheets, joined into one file each at install: the map's
# frame loads its scripts one after another, and five of them cost a new visit 0.3 s.
# In the order they need each other (Leaflet first). The stylesheet sits beside
# Leaflet's, whose image links are relative to it.
BUNDLED_JS = (("leaflet", "dist/leaflet.js"), ("leaflet.markercluster", "dist/leaflet.markercluster.js"),
              ("topojson-client", "dist/topojson-client.min.js"), ("pmtiles", "dist/pmtiles.js"),
              ("protomaps-leaflet", "dist/protomaps-leaflet.js"))
BUNDLED_CSS = (("leaflet", "dist/leaflet.css"), ("leaflet.markercluster", "dist/MarkerCluster.css"),
               ("leaflet.markercluster", "dist/MarkerCluster.Default.css"))
BUNDLE_JS = VENDOR_DIR / "frontier-atlas-map.js"
BUNDLE_CSS = VENDOR_DIR / "leaflet" / "dist" / "frontier-atlas-map.css"
# one name for every element that needs them: folium's header keeps one link per name
MAP_JS = [("frontier_atlas_map_js", f"{STATIC_URL}/vendor/{BUNDLE_JS.relative_to(VENDOR_DIR)}")]
MAP_CSS = [("frontier_atlas_map_css", f"{STATIC_URL}/vendor/{BUNDLE_CSS.relative_to(VENDOR_DIR)}")]
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.M)  # a map of the file it came from, not of the join


def _joined(parts: tuple[tuple[str, str], ...], separator: str) -> str:
    texts = []
    for package, file in parts:
        text = _SOURCE_MAP.sub("", (_BY_NAME[package].folder / file).read_text(encoding="utf-8"))
        texts.append(f"/* {package}@{_BY_NAME[package].version} {file} */\n{text}")
    return separator.join(texts)


def write_bundles() -> None:
    """Join the installed (checked) files into the map's bundles, each written atomically."""
    for target, parts, separator in ((BUNDLE_JS, BUNDLED_JS, "\n;\n"), (BUNDLE_CSS, BUNDLED_CSS, "\n")):
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(_joined(parts, separator), encoding="utf-8")
        tmp.replace(target)


def asset_url(package: str, file: str) -> str:
    """URL, on the app's own origin, of one file of a vendored package."""
    return _BY_NAME[package].url(file)


def missing_assets() -> list[str]:
    """Vendored files the app needs that are not on disk (empty when installed)."""
    return [
        str(p.folder / f)
        for p in PACKAGES
        for f in p.files
        if not (p.folder / f).is_file()
    ] + [str(b) for b in (BUNDLE_JS, BUNDLE_CSS) if not b.is_file()]


def _installed_version(pkg: Package) -> str | None:
    manifest = pkg.folder / "package.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def _verify(tarball: Path, integrity: str) -> None:
    algo, _, expected = integrity.partition("-")
    digest = hashlib.new(algo, tarball.read_bytes()).digest()
    actual = base64.b64encode(digest).decode()
    if actual != expected:
        raise RuntimeError(
            f"{tarball.name}: integrity mismatch (expected {integrity}, got {algo}-{actual})"
        )


def install_assets(force: bool = False, log=print) -> list[str]:
    """Fetch each pinned package with ``npm pack`` and unpack it; skip what is there.

    Returns the names of the packages it installed. Each package is unpacked into a
    temporary folder and moved into place in one rename, so an interrupted install
    never leaves a half-written package that a later run would take as installed.
    """
    npm = shutil.which("npm")
    todo = [p for p in PACKAGES if force or _installed_version(p) != p.version or any(
        not (p.folder / f).is_file() for f in p.files)]
    if not todo:
        write_bundles()  # cheap: always from the files as installed
        return []
    if npm is None:
        raise RuntimeError(
            "npm is needed once to fetch the map's front-end assets "
            "(on Debian: apt-get install -y npm)"
        )
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    installed = []
    with tempfile.TemporaryDirectory(dir=VENDOR_DIR) as tmp:
        tmpdir = Path(tmp)
        for pkg in todo:
            spec = f"{pkg.name}@{pkg.version}"
            log(f"fetching {spec}")
            out = subprocess.run(
                [npm, "pack", spec, "--json", "--pack-destination", str(tmpdir)],
                check=True,
                capture_output=True,
                text=True,
                cwd=tmpdir,
            )
            info = json.loads(out.stdout)[0]
            tarball = tmpdir / info["filename"]
            _verify(tarball, pkg.integrity)
            unpack = tmpdir / f"unpack-{pkg.name}"
            with tarfile.open(tarball) as tar:
                tar.extractall(unpack, filter="data")
            src = unpack / "package"
            missing = [f for f in pkg.files if not (src / f).is_file()]
            if missing:
                raise RuntimeError(f"{spec} lacks {missing}")
            if pkg.folder.exists():
                shutil.rmtree(pkg.folder)
            src.rename(pkg.folder)
            installed.append(spec)
    write_bundles()
    return installed


def use_local_assets() -> None:
    """Point folium's link lists at the vendored copies instead of public CDNs.

    Only the libraries our map uses are listed, as one bundle (``MAP_JS``): jQuery,
    Bootstrap and the awesome-markers font are dropped, since our markers are inline SVG.
    """
    folium.Map.default_js = MAP_JS
    folium.Map.default_css = MAP_CSS
    folium.plugins.MarkerCluster.default_js = MAP_JS
    folium.plugins.MarkerCluster.default_css = MAP_CSS
