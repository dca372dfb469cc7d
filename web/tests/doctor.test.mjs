// A lock's batteries run flat: the fleet view shows it go offline without a
// reload, its case names the cause and the next step, the person follows the
// step (the simulator puts fresh batteries in), says so, and the case closes
// with the step that fixed it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, screenshot, withHome } from './harness.mjs';

const flat = `
seed = 7
[broker]
host = "127.0.0.1"
port = 1883
[hub]
key_id = "hub"
[[site]]
id = "flat"
name = "Our flat"
[[network]]
id = "flat-wifi"
site = "flat"
ssid = "Flat"
clients = 4
[[lock]]
id = "front-door"
site = "flat"
name = "Front door"
network = "flat-wifi"
heartbeat = "2s"
keepalive_s = 5
distance_m = 4
battery_pct = 80
[[lock]]
id = "back-door"
site = "flat"
name = "Back door"
network = "flat-wifi"
heartbeat = "2s"
keepalive_s = 5
distance_m = 5
battery_pct = 9
[[fault]]
at = "8s"
kind = "battery_depleted"
target = "back-door"
fix_at = "45s"
`;

test('a flat battery: offline on screen, its cause, the guided fix, and back', async () => {
  await withHome('doctor', async (home, browser) => {
    await home.startBroker();
    await home.startHub('[doctor]\nsettle = "3s"\n');
    home.startSim(flat);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await home.signIn(page, '#/');
    const row = page.locator('[data-testid="lock-row"][data-lock-id="back-door"]');
    await row.waitFor({ timeout: 20_000 });
    await eventually(async () => (await row.getAttribute('data-connectivity')) === 'online', 20_000, 'online');
    await screenshot(page, 'doctor-1-fleet-online');

    // No reload: the stream brings the change.
    await eventually(async () => (await row.getAttribute('data-connectivity')) === 'offline', 40_000,
      'back door offline on the page');
    const lock = await eventually(async () => {
      const l = await home.api('/api/v1/locks/back-door');
      return l.case ? l : null;
    }, 20_000, 'a case for the back door');
    await screenshot(page, 'doctor-2-fleet-offline');

    await row.click();
    await page.getByTestId('lock-connectivity').filter({ hasText: /offline/i }).waitFor({ timeout: 10_000 });
    await page.locator(`a[href$="#/cases/${lock.case.id}"]`).first().click();

    // The page ranks what the API ranks. Half a minute in, a flat battery and a
    // low one that drops out look alike (both are fixed by fresh batteries); the
    // simulator's truth, battery_depleted, is one of the first two.
    const api = (await home.api(`/api/v1/cases/${lock.case.id}`)).case;
    const ranked = api.hypotheses.map((h) => h.cause);
    const rows = page.getByTestId('cause-row');
    await eventually(async () => (await rows.first().getAttribute('data-cause')) === ranked[0], 20_000,
      `${ranked[0]} ranked first on the page`);
    assert.equal(await rows.nth(1).getAttribute('data-cause'), ranked[1]);
    assert.ok(ranked.slice(0, 2).includes('battery_depleted'), JSON.stringify(api.hypotheses.slice(0, 3)));
    assert.match(await rows.first().innerText(), /%/);

    const next = page.getByTestId('next-step');
    await next.waitFor();
    assert.equal(await next.getAttribute('data-step'), 'replace_batteries');
    assert.ok((await next.innerText()).length > 40, 'the step comes with instructions');
    await screenshot(page, 'doctor-3-case');

    // The person replaces the batteries (the simulator does it at 45 s) and the lock is back.
    await eventually(async () => (await home.api('/api/v1/locks/back-door')).connectivity === 'online', 60_000,
      'back door online again');
    await page.getByTestId('btn-fixed').click();
    await page.getByTestId('case-status').filter({ hasText: /resolved/i }).waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('case-status').innerText(), /batter/i);
    const closed = await eventually(async () => {
      const c = (await home.api(`/api/v1/cases/${lock.case.id}`)).case;
      return c.closed_ms ? c : null;
    }, 20_000, 'the case closed');
    assert.equal(closed.fixed_by, 'replace_batteries');
    await screenshot(page, 'doctor-4-resolved');
  });
});
