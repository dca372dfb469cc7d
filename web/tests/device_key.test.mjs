// This browser's own key: the owner pairs it with a lock that trusts no one
// yet (not even the hub) by the code on the lock's label, and then unlocks
// from the page — signed in the browser, relayed by the hub, checked by the
// lock, whose history names the browser's key. The key is non-extractable:
// no script can read its private half.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, screenshot, withHome } from './harness.mjs';

const kLabelCode = 'K7QF-3MZP-9TXD-2HWA';

const untrustingLock = `
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
lock_state = "locked"
pairing_code = "${kLabelCode}"
hub_key_enrolled = false
[[fault]]
at = "0s"
lock = "door-a"
kind = "pairing_button"
`;

test("a browser's own Ed25519 key pairs with a lock and signs its unlock", async () => {
  await withHome('device-key', async (home, browser) => {
    await home.startBroker();
    await home.startHub();
    home.startSim(untrustingLock);
    await eventually(async () => (await home.api('/api/v1/locks/door-a')).connectivity === 'online', 20_000,
      'door-a online');

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await home.signIn(page, '#/locks/door-a');
    const signedBy = page.getByTestId('signed-by');
    await signedBy.filter({ hasText: /signed by the hub/i }).waitFor({ timeout: 10_000 });

    // The hub's key is not trusted by this lock: its own command fails.
    const status = page.getByTestId('action-status');
    await page.getByTestId('btn-unlock').click();
    await eventually(async () => (await status.getAttribute('data-status')) === 'failed', 15_000, 'hub unlock refused');

    // A wrong label code is refused by the lock, in words.
    await page.getByTestId('device-key').locator('summary').click();
    const pairStatus = page.getByTestId('pair-status');
    await page.getByTestId('pair-code-input').fill('K7QF-3MZP-9TXD-2HWB');
    await page.getByTestId('pair-submit').click();
    await eventually(async () => (await pairStatus.getAttribute('data-state')) === 'failed', 30_000, 'wrong code refused');
    assert.match(await pairStatus.innerText(), /refused the code/i);

    await page.getByTestId('pair-code-input').fill(kLabelCode);
    await page.getByTestId('pair-submit').click();
    await eventually(async () => (await pairStatus.getAttribute('data-state')) === 'paired', 30_000, 'paired');
    const keyId = await signedBy.getAttribute('data-signer');
    assert.match(keyId ?? '', /^web-[0-9a-f]{8}$/);
    const keys = (await home.api('/api/v1/locks/door-a/keys')).keys;
    assert.ok(keys.some((k) => k.key_id === keyId && k.role === 'user'), JSON.stringify(keys));

    // The private key cannot be read out, not even by the page's own scripts.
    const exported = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const req = indexedDB.open('lockwarden', 1);
          req.onsuccess = () => {
            const get = req.result.transaction('device-key').objectStore('device-key').get('key');
            get.onsuccess = () => {
              const key = get.result.privateKey;
              crypto.subtle.exportKey('pkcs8', key).then(
                () => resolve({ extractable: key.extractable, exported: true }),
                (e) => resolve({ extractable: key.extractable, exported: false, error: e.name }),
              );
            };
          };
        }),
    );
    assert.deepEqual(exported, { extractable: false, exported: false, error: 'InvalidAccessError' });

    // Unlock from the page: signed here, relayed by the hub, accepted by the lock.
    await page.getByTestId('btn-unlock').click();
    await eventually(async () => (await status.getAttribute('data-status')) === 'done', 15_000, 'signed unlock done');
    assert.equal((await home.api('/api/v1/locks/door-a')).lock_state, 'unlocked');
    const events = (await home.api('/api/v1/locks/door-a/events?limit=50')).events;
    assert.ok(
      events.some((e) => e.kind === 'lock_operation' && e.operation === 'unlock' && e.user === keyId),
      `the lock's history names the browser's key: ${JSON.stringify(events)}`,
    );
    await screenshot(page, 'device-key-1-paired-unlocked');

    // After a reload the browser still holds the key and still signs.
    await page.reload();
    await signedBy.filter({ hasText: keyId }).waitFor({ timeout: 10_000 });
    await page.getByTestId('btn-lock').click();
    await eventually(async () => (await status.getAttribute('data-status')) === 'done', 15_000, 'signed lock done');
    assert.equal((await home.api('/api/v1/locks/door-a')).lock_state, 'locked');
  });
});
