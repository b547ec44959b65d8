"""Script runs as the browser sees them, for the load benchmark and the browser tests."""

# In every frame: the time of each pointerdown and keydown (the user's input), on the
# top page's clock. In the top page only: the time each script run starts and ends, read
# from Streamlit's websocket (a ForwardMsg with new_session, field 4, starts a run;
# script_finished, field 6, ends it), each message the page sends (a widget change or a
# component value goes out as one BackMsg), and connection states other than CONNECTED.
STATE_LOG_JS = """(() => {
    const topNow = () => performance.timeOrigin + performance.now() - window.top.performance.timeOrigin;
    const noteInput = () => { try { window.top.__faInputs.push(topNow()); } catch (e) {} };
    for (const type of ['pointerdown', 'keydown']) window.addEventListener(type, noteInput, true);
    if (window.top !== window) return;
    window.__faInputs = [];
    window.__faSends = [];
    window.__faRuns = [];     // [time, 'start' | 'end']
    window.__faConn = [];
    const topFields = buf => {  // numbers of a protobuf message's top-level fields
        const b = new Uint8Array(buf), out = [];
        let i = 0;
        const varint = () => { let x = 0, s = 0, c; do { c = b[i++]; x += (c & 0x7f) * 2 ** s; s += 7; }
                               while (c & 0x80 && i < b.length); return x; };
        while (i < b.length) {
            const tag = varint(), wire = tag & 7;
            out.push(Math.floor(tag / 8));
            if (wire === 0) varint(); else if (wire === 2) { const n = varint(); i += n; }
            else if (wire === 1) i += 8; else if (wire === 5) i += 4; else break;
        }
        return out;
    };
    const Native = window.WebSocket;
    window.WebSocket = function (...args) {
        const ws = new Native(...args);
        const send = ws.send.bind(ws);
        ws.send = data => { window.__faSends.push(performance.now()); return send(data); };
        ws.addEventListener('message', e => {  // runs before Streamlit's own handler
            if (!(e.data instanceof ArrayBuffer)) return;
            const now = performance.now(), fields = topFields(e.data);
            if (fields.includes(4)) window.__faRuns.push([now, 'start']);
            if (fields.includes(6)) window.__faRuns.push([now, 'end']);
        });
        return ws;
    };
    window.WebSocket.prototype = Native.prototype;
    Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
    let connected = false;
    new MutationObserver(() => {
        const app = document.querySelector('[data-testid="stApp"]');
        const conn = app && app.getAttribute('data-test-connection-state');
        if (conn === 'CONNECTED') connected = true;
        else if (connected && conn) window.__faConn.push(conn);
    }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-connection-state']});
})();"""
