#include "app/status_page.h"

#include "adapters/http/router.h"

namespace lw::app {
namespace {

constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lockwarden</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
  body { margin: 0 auto; max-width: 1100px; padding: 1rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  p.summary { margin: 0 0 1rem; color: #444; }
  table { width: 100%; border-collapse: collapse; background: #fff; }
  th, td { text-align: left; padding: .5rem; border-bottom: 1px solid #e3e5e8; }
  th { font-size: .8rem; text-transform: uppercase; color: #555; }
  .state { display: inline-block; padding: .1rem .5rem; border-radius: 1rem; font-weight: 600; font-size: .85rem; }
  .online { background: #dff5e3; color: #14602a; }
  .offline { background: #fde2e1; color: #8a1c17; }
  .unknown, .suspect { background: #eee; color: #444; }
  .low { color: #8a1c17; font-weight: 600; }
  button { font: inherit; padding: .25rem .75rem; margin-right: .25rem; cursor: pointer; }
  #error { color: #8a1c17; font-weight: 600; }
  @media (max-width: 700px) { .wide { display: none; } }
</style>
</head>
<body>
<h1>lockwarden</h1>
<p class="summary" id="summary" aria-live="polite">Loading…</p>
<p id="error" role="alert"></p>
<form id="signin" hidden><input id="user" autocomplete="username" placeholder="User name" aria-label="User name">
<input id="password" type="password" autocomplete="current-password" placeholder="Password" aria-label="Password">
<button>Sign in</button></form>
<table aria-label="Locks">
  <thead><tr><th>Lock</th><th>Site</th><th>Connectivity</th><th>Bolt</th><th class="wide">Door</th>
  <th>Battery</th><th class="wide">Signal</th><th class="wide">Last seen</th><th>Actions</th></tr></thead>
  <tbody id="locks"></tbody>
</table>
<script>
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
const H = { 'X-Requested-By': 'lockwarden-status' };
document.getElementById('signin').onsubmit = async (e) => {
  e.preventDefault();
  const r = await fetch('/api/v1/auth/login', { method: 'POST', headers: { ...H, 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: document.getElementById('user').value, password: document.getElementById('password').value, session: 'cookie' }) });
  const body = await r.json();
  document.getElementById('error').textContent = r.ok ? '' : body.error.message;
  if (r.ok) { document.getElementById('signin').hidden = true; refresh(); }
};
const ago = ms => { if (!ms) return 'never'; const s = Math.max(0, Math.round((Date.now() - ms) / 1000)); return s < 120 ? s + ' s ago' : Math.round(s / 60) + ' min ago'; };
async function act(id, action, button) {
  button.disabled = true; button.textContent = action + '…';
  try {
    const r = await fetch('/api/v1/locks/' + encodeURIComponent(id) + '/' + action, { method: 'POST', headers: H });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error ? body.error.message : 'HTTP ' + r.status);
    let a = body.action;
    while (a.status === 'pending') { await new Promise(ok => setTimeout(ok, 100)); a = (await (await fetch('/api/v1/actions/' + a.id)).json()).action; }
    document.getElementById('error').textContent = a.status === 'succeeded' ? '' : id + ': ' + action + ' ' + a.status + ' (' + a.reason + ')';
  } catch (e) { document.getElementById('error').textContent = id + ': ' + action + ' failed: ' + e.message; }
  refresh();
}
async function refresh() {
  try {
    const r = await fetch('/api/v1/locks');
    if (r.status === 401) { document.getElementById('signin').hidden = false; document.getElementById('summary').textContent = 'Sign in to see the locks.'; return; }
    const { locks } = await r.json();
    const tbody = document.getElementById('locks'); tbody.replaceChildren();
    let online = 0;
    for (const l of locks) {
      if (l.connectivity === 'online') online++;
      const tr = el('tr');
      tr.append(el('td', l.name + ' (' + l.id + ')'), el('td', l.site));
      const c = el('td'); c.append(el('span', l.connectivity, 'state ' + l.connectivity)); tr.append(c);
      tr.append(el('td', l.lock_state), el('td', l.door_state, 'wide'));
      tr.append(el('td', l.battery_pct == null ? '–' : l.battery_pct + ' %', l.battery_pct != null && l.battery_pct < 15 ? 'low' : ''));
      tr.append(el('td', l.rssi_dbm == null ? '–' : l.rssi_dbm + ' dBm', 'wide'), el('td', ago(l.last_seen_ms), 'wide'));
      const actions = el('td');
      for (const a of ['lock', 'unlock']) { const b = el('button', a); b.setAttribute('aria-label', a + ' ' + l.name); b.onclick = () => act(l.id, a, b); actions.append(b); }
      tr.append(actions); tbody.append(tr);
    }
    document.getElementById('summary').textContent = locks.length + ' locks, ' + online + ' online, ' + (locks.length - online) + ' not online';
    if (document.getElementById('error').textContent.startsWith('The hub')) document.getElementById('error').textContent = '';
  } catch (e) { document.getElementById('error').textContent = 'The hub cannot be reached: ' + e.message; }
}
refresh(); setInterval(refresh, 2000);
</script>
</body>
</html>
)html";

}  // namespace

void add_status_page(adapters::http::Router& router) {
  router.get("/", [](const adapters::http::Request&) {
    adapters::http::Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::string(kPage);
    return r;
  });
}

}  // namespace lw::app
