"""A real OpenID Connect provider on 127.0.0.1 for team-mode tests, and the app signed in to it.

The provider is ``oidc-provider-mock`` (PyPI): Authlib's server components behind a Flask app,
with discovery, the authorization-code flow, a JWKS and signed ID tokens. Each user is given
with their claims (the roles claim among them); its login form takes the user's subject.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from support.appserver import AppServer, free_port, stop_process
from support.paths import SEED

CLIENT_ID, CLIENT_SECRET = "frontier-atlas-tests", "a-client-secret-for-tests-only"
COOKIE_SECRET = "a-cookie-secret-for-tests-only-0123456789"
USER_COOKIE = "_streamlit_user"  # Streamlit's sign-in cookie: the ID token's claims, signed


class OidcProvider:
    """``python -m oidc_provider_mock`` on a free port with these users (claims with ``sub``)."""

    def __init__(self, users: list[dict], log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [arg for user in users for arg in ("--user-claims", json.dumps(user))]
        self.log = log_path.open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "-p", str(self.port), *args],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.discovery, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the OpenID provider did not start: {log_path.read_text()[-2000:]}")

    @property
    def discovery(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def stop(self) -> None:
        stop_process(self.proc, self.log)


def team_app(provider: OidcProvider, tmp_path: Path, data_dir: Path = SEED) -> tuple[AppServer, Path]:
    """The app in team mode, signing in through ``provider``; (server, its user folder)."""
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        f'client_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.discovery}"\n', encoding="utf-8")
    user = tmp_path / "team-user"
    user.mkdir()
    server = AppServer(data_dir, user, {"FRONTIER_ATLAS_MODE": "team"},
                       more_args=("--secrets.files", str(secrets)), port=port)
    return server, user


def sign_in(page, url: str, subject: str) -> None:
    """Sign in as a user does: the sidebar's Sign in, the provider's form, back to the app."""
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text("Signed in as").wait_for(timeout=30_000)


def read_user_cookie(value: str, secret: str = COOKIE_SECRET) -> dict:
    """What a sign-in cookie holds (the claims, and Streamlit's origin and flags)."""
    from itsdangerous import URLSafeTimedSerializer

    return json.loads(URLSafeTimedSerializer(secret, salt=USER_COOKIE).loads(value))


def forged_user_cookie(payload: dict, secret: str = COOKIE_SECRET, signed_at: float | None = None) -> str:
    """A sign-in cookie signed as Streamlit signs one (itsdangerous, the cookie's name as
    salt), with ``secret`` and, if given, a signing time in the past."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class Backdated(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(signed_at if signed_at is not None else time.time())

    return URLSafeTimedSerializer(secret, salt=USER_COOKIE, signer=Backdated).dumps(json.dumps(payload))
