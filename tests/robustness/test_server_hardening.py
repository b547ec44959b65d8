"""The server as other people's browsers meet it (issue 15): where it listens, which
websockets it takes, what a visitor sees of an error, and how long a gone visitor's
upload stays in memory. Real servers, raw HTTP and websocket requests; the settings
under test are the project's own .streamlit/config.toml (README, "Running it for others")."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from support.appserver import StreamlitServer
from support.paths import ROOT, SEED

SECRET = "squirrel-7731"  # in the failing script's message: must not reach the visitor


def _run(coroutine):
    """asyncio.run on a thread of its own: Playwright's sync API, used by earlier tests in
    the same process, leaves an event loop running on the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def handshake(port: int, host: str, origin: str) -> str:
    """The status line the server answers a websocket upgrade with."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   f"Origin: {origin}\r\n\r\n").encode())
        return s.recv(4096).split(b"\r\n", 1)[0].decode()


class PlainServer(StreamlitServer):
    """``streamlit run`` with no address flag: what ``make run`` starts, config file and all."""

    def __init__(self, script: Path, tmp: Path) -> None:
        env = dict(os.environ, FRONTIER_ATLAS_DATA=str(SEED), FRONTIER_ATLAS_USER_DIR=str(tmp / "user"))
        env = {k: v for k, v in env.items() if not k.startswith("STREAMLIT_SERVER_ADDRESS")}
        log = tmp / f"streamlit-{uuid.uuid4().hex[:8]}.log"
        super().__init__(script, env, log, host="127.0.0.1")


@pytest.fixture
def plain_server(tmp_path):
    servers: list[PlainServer] = []

    def start(script: Path = ROOT / "app.py") -> PlainServer:
        servers.append(PlainServer(script, tmp_path))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (IPv4 and IPv6), from /proc."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                if len(addr) == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(addr)[::-1]))
                else:
                    words = b"".join(bytes.fromhex(addr[i:i + 8])[::-1] for i in range(0, 32, 8))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


async def _session(url: str, run: bool, upload: bytes | None = None) -> list:
    """One raw Streamlit client: optionally run the page, optionally upload a file; the
    ForwardMsgs it got."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    token = generate_xsrf_token_string()
    got = []
    async with websockets.connect(url.replace("http://", "ws://") + "/_stcore/stream",
                                  subprotocols=["streamlit", token], origin=url, max_size=None,
                                  additional_headers={"Cookie": f"_streamlit_xsrf={token}"}) as ws:

        async def until(kind: str) -> ForwardMsg:
            while True:
                msg = ForwardMsg()
                msg.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
                got.append(msg)
                if msg.WhichOneof("type") == kind:
                    return msg

        if run:
            back = BackMsg()
            back.rerun_script.query_string = ""
            await ws.send(back.SerializeToString())
            await until("script_finished")
        if upload is not None:
            back = BackMsg()
            back.file_urls_request.request_id = uuid.uuid4().hex
            back.file_urls_request.file_names.append("events.csv")
            await ws.send(back.SerializeToString())
            path = (await until("file_urls_response")).file_urls_response.file_urls[0].upload_url
            boundary = uuid.uuid4().hex
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"events.csv\"\r\n"
                    f"Content-Type: text/csv\r\n\r\n").encode() + upload + f"\r\n--{boundary}--\r\n".encode()
            req = urllib.request.Request(url + path, data=body, method="PUT", headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={token}"})
            status = await asyncio.to_thread(lambda: urllib.request.urlopen(req, timeout=60).status)
            assert status == 204
    return got


def upload_bytes_held(url: str) -> int:
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as r:
        text = r.read().decode()
    return sum(int(n) for n in re.findall(r'cache_type="UploadedFileManager"[^}]*\}\s+(\d+)', text))


# --- where it listens, which websockets it takes ---------------------------------------

def test_by_default_the_server_listens_on_this_machine_only(plain_server):
    server = plain_server()
    assert listening_addresses(server.port) == {"127.0.0.1"}  # not 0.0.0.0 or ::


def test_a_websocket_for_a_foreign_host_is_refused(start_app):
    # DNS rebinding: evil.example resolves to this machine; the browser sends its name as Host
    port = start_app().port
    assert handshake(port, "evil.example:8799", "http://evil.example:8799").startswith("HTTP/1.1 403")
    assert handshake(port, f"localhost:{port}", "http://evil.example:8799").startswith("HTTP/1.1 403")
    # the names a visitor on this machine types still connect
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        assert handshake(port, host, f"http://{host}").startswith("HTTP/1.1 101"), host


# --- what a visitor sees of an error ---------------------------------------------------

def test_a_failing_page_shows_a_plain_message_and_logs_the_detail(plain_server, tmp_path):
    script = tmp_path / "failing.py"
    script.write_text("import streamlit as st\n\nst.write('before')\n"
                      f"raise RuntimeError('cannot read {tmp_path}/{SECRET}')\n")
    server = plain_server(script)
    msgs = _run(_session(server.url, run=True))
    shown = [m.delta.new_element.exception for m in msgs
             if m.WhichOneof("type") == "delta" and m.delta.new_element.WhichOneof("type") == "exception"]
    assert len(shown) == 1
    exc = shown[0]
    assert "has encountered an error" in exc.message
    assert exc.type == "" and list(exc.stack_trace) == []
    for m in msgs:  # Streamlit tells every visitor the script's path (not configurable): not ours to test
        if m.WhichOneof("type") == "new_session":
            m.new_session.main_script_path = ""
    sent = b"".join(m.SerializeToString() for m in msgs)
    for leak in (SECRET.encode(), b"RuntimeError", str(tmp_path).encode(), b"Traceback", b"failing.py"):
        assert leak not in sent, leak
    time.sleep(0.5)
    log = server.log_path.read_text()
    assert SECRET in log and "Traceback" in log  # the detail is on the server, for whoever runs it


# --- a gone visitor's upload -----------------------------------------------------------

def test_a_gone_visitors_upload_leaves_memory(start_app, monkeypatch):
    monkeypatch.setenv("STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL", "4")
    server = start_app()
    _run(_session(server.url, run=True))  # a first visitor: the app runs once
    _run(_session(server.url, run=False, upload=b"x" * (8 << 20)))  # uploads, never imports, leaves
    assert upload_bytes_held(server.url) >= 8 << 20
    deadline = time.time() + 30
    while upload_bytes_held(server.url) and time.time() < deadline:
        time.sleep(0.5)
    # before: held until some later visitor's tab closed, however long that took
    assert upload_bytes_held(server.url) == 0


def test_the_releaser_spares_a_visitor_who_comes_back_in_time(monkeypatch):
    from frontier_atlas.app import uploads

    class Files:
        def __init__(self) -> None:
            self.file_storage = {"back": {"f": b"1"}, "gone": {"f": b"2"}}

        def remove_session_files(self, session_id: str) -> None:
            self.file_storage.pop(session_id, None)

    class Runtime:
        uploaded_file_mgr = Files()
        active: set[str] = set()
        closed: list[str] = []

        def is_active_session(self, session_id: str) -> bool:
            return session_id in self.active

        def clear_user_info_for_session(self, session_id: str) -> None:
            self.closed.append(session_id)

    rt = Runtime()
    monkeypatch.setattr(uploads.runtime, "exists", lambda: True)
    monkeypatch.setattr(uploads.runtime, "get_instance", lambda: rt)
    releaser = uploads.UploadReleaser(ttl_s=120)
    assert (releaser.check_every_s, releaser.grace_s) == (5, 110)
    assert releaser.check(now=0) == []  # both just left
    rt.active.add("back")  # reconnects within the reconnect time
    assert releaser.check(now=60) == []
    rt.active.discard("back")  # and leaves again: its time starts over
    assert releaser.check(now=115) == ["gone"]
    assert rt.closed == ["gone"] and set(rt.uploaded_file_mgr.file_storage) == {"back"}
    assert releaser.check(now=200) == []
    assert releaser.check(now=226) == ["back"]


def test_no_framing_page_may_drive_the_app(start_app):
    # Streamlit obeys postMessage commands (rerun, stop, set auth tokens) from the parent
    # frame's origin if it is listed here; its default lists Community Cloud's sites
    with urllib.request.urlopen(f"{start_app().url}/_stcore/host-config", timeout=10) as r:
        host_config = json.loads(r.read())
    assert host_config["allowedOrigins"] == []


# --- served by make run (serve.py): headers Streamlit cannot send itself --------------

def test_make_run_sends_the_frame_headers_on_every_answer(plain_server):
    server = plain_server(ROOT / "serve.py")
    for path in ("/", "/places", "/app/static/vendor/leaflet/dist/leaflet.js", "/_stcore/health", "/nothing-here"):
        try:
            r = urllib.request.urlopen(server.url + path, timeout=10)
        except urllib.error.HTTPError as err:  # the 404 too
            r = err
        assert r.headers["Content-Security-Policy"] == "frame-ancestors 'self'", path
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN", path
    assert handshake(server.port, f"127.0.0.1:{server.port}", server.url).startswith("HTTP/1.1 101")


def test_metrics_answer_this_machine_only():
    from frontier_atlas.app.serving import HardeningHeaders

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"session_events_total 1\n"})

    async def ask(client: tuple[str, int] | None, path: str = "/_stcore/metrics") -> tuple[int, dict]:
        sent = []

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "path": path, "client": client, "headers": []}
        await HardeningHeaders(app)(scope, None, send)
        return sent[0]["status"], dict(sent[0]["headers"])

    assert _run(ask(("192.0.2.7", 50000)))[0] == 403
    assert _run(ask(None))[0] == 403
    assert _run(ask(("127.0.0.1", 50000)))[0] == 200
    assert _run(ask(("::1", 50000)))[0] == 200
    status, headers = _run(ask(("192.0.2.7", 50000), "/places"))
    assert status == 200 and headers[b"x-frame-options"] == b"SAMEORIGIN"


@pytest.fixture
def foreign_site():
    """Another origin on this machine (another port: what a browser treats as another site's
    page) serving one page that frames the URL in its query: ``/frame?url=...``."""
    import http.server
    import threading
    from urllib.parse import parse_qs, urlparse

    class Framer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            target = parse_qs(urlparse(self.path).query)["url"][0]
            body = f'<html><body><iframe src="{target}" width="1000" height="700"></iframe></body></html>'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Framer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()


def _framed_app_renders(page, foreign: str, url: str) -> bool:
    """Whether a page of another site that frames ``url`` gets the app in its frame."""
    page.goto(f"{foreign}/frame?url={url}/places")
    deadline = time.time() + 12
    while time.time() < deadline:
        for frame in page.frames[1:]:
            try:
                if frame.locator("[data-testid=stApp]").count():
                    return True
            except Exception:  # a blocked frame is an error page, or gone
                pass
        time.sleep(0.5)
    return False


def test_a_foreign_page_cannot_frame_the_app_served_by_make_run(plain_server, page, foreign_site):
    hardened = plain_server(ROOT / "serve.py")
    page.goto(f"{hardened.url}/places")  # served through serve.py, the app works as usual
    page.get_by_role("heading", name="Places").wait_for()
    page.frame_locator("iframe[title*=streamlit_folium]").first.locator(".leaflet-container").wait_for()
    assert not _framed_app_renders(page, foreign_site, hardened.url)
    assert _framed_app_renders(page, foreign_site, plain_server().url)  # app.py alone: framed, it shows
