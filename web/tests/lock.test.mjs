// Lock and unlock from the lock's page, with the action's progress on screen;
// then the lock loses power and an unlock fails with a reason a person can read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, screenshot, withHome } from './harness.mjs';

const twoLocks = `
[hub]
key_id = "hub"
[[site]]
id = "web"
name = "Web test site"
[[lock]]
id = "door-a"
site = "web"
name = "Door A"
heartbeat = "1s"
keepalive_s = 5
battery_pct = 80
rssi_dbm = -55
lock_state = "unlocked"
[[lock]]
id = "door-b"
site = "web"
name = "Door B"
heartbeat = "1s"
keepalive_s = 5
battery_pct = 60
rssi_dbm = -70
[[fault]]
at = "25s"
lock = "door-a"
kind = "power_loss"
`;

test('lock and unlock round trip, and a failure that says why', async () => {
  await withHome('lock', async (home, browser) => {
    await home.startBroker();
    await home.startHub('[commands]\nttl = "4s"\n');
    home.startSim(twoLocks);
    await eventually(async () => (await home.api('/api/v1/locks/door-a')).connectivity === 'online', 20_000,
      'door-a online');

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await home.signIn(page, '#/locks/door-a');
    const state = page.getByTestId('lock-state');
    await state.filter({ hasText: /unlocked/i }).waitFor({ timeout: 10_000 });

    const status = page.getByTestId('action-status');
    await page.getByTestId('btn-lock').click();
    await state.filter({ hasText: /^\s*locked/i }).waitFor({ timeout: 10_000 });
    await eventually(async () => (await status.getAttribute('data-status')) === 'done', 10_000, 'lock done');
    assert.match(await status.innerText(), /lock/i);
    assert.equal((await home.api('/api/v1/locks/door-a')).lock_state, 'locked');
    await screenshot(page, 'lock-1-locked-phone');
    // The keypad's own settings, which the hub keeps to write back after a reset.
    await eventually(async () => {
      const text = await page.getByTestId('lock-settings').innerText();
      if (/Keypad off for 60 s after 5 wrong PINs\. The lock’s own; the lock holds them\./.test(text)) return true;
      await page.reload();
      return false;
    }, 15_000, 'the lock settings shown');

    await page.getByTestId('btn-unlock').click();
    await state.filter({ hasText: /unlocked/i }).waitFor({ timeout: 10_000 });
    assert.equal((await home.api('/api/v1/locks/door-a')).lock_state, 'unlocked');

    // At 25 s door-a loses power. The page says it is offline; an unlock sent now fails and says why.
    await page.getByTestId('lock-connectivity').filter({ hasText: /offline/i }).waitFor({ timeout: 40_000 });
    await page.getByTestId('btn-lock').click();
    await eventually(async () => (await status.getAttribute('data-status')) === 'failed', 20_000,
      'the failed action on screen');
    assert.match(await status.innerText(), /fail|expire|offline|no answer/i);
    assert.equal((await home.api('/api/v1/locks/door-a')).lock_state, 'unlocked');
    await screenshot(page, 'lock-2-failed-phone');
  });
});
