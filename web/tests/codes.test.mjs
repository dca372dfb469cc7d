// Keypad codes in the web app: an owner adds a weekly PIN for one door, sees
// it go from "being sent" to "on the lock" (the lock's own answer), the PIN is
// nowhere on the page afterwards, and removing it empties the slot. A member
// sees no Codes link and is told plainly if they open the page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, screenshot, withHome } from './harness.mjs';

const home = `
[hub]
key_id = "hub"
[[site]]
id = "home"
[[lock]]
id = "front-door"
site = "home"
name = "Front door"
heartbeat = "1s"
keepalive_s = 5
[[lock]]
id = "back-door"
site = "home"
name = "Back door"
heartbeat = "1s"
keepalive_s = 5
`;

test('codes: add a weekly PIN, see the lock confirm it, remove it; members cannot', async () => {
  await withHome('codes', async (h, browser) => {
    await h.startBroker();
    await h.startHub('[[site]]\nid = "home"\n');
    h.startSim(home);
    await eventually(async () => (await h.api('/api/v1/locks')).locks.length === 2, 20_000, 'both locks known');
    await h.addUser('mia', 'home member password', [{ site: 'home', role: 'member' }]);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (d) => void d.accept());
    await h.signIn(page, '#/');
    await page.getByTestId('nav-codes').click();
    await page.getByTestId('codes-empty').waitFor({ timeout: 10_000 });

    await page.getByTestId('code-site').selectOption('home');
    await page.getByTestId('code-lock').selectOption('front-door');
    await page.getByTestId('code-name-input').fill('Cleaner');
    await page.getByTestId('code-pin').fill('482157');
    await page.getByTestId('code-schedule').selectOption('weekly');
    await page.locator('input[name="day"][value="mon"]').check();
    await page.locator('input[name="day"][value="thu"]').check();
    await page.getByTestId('code-add').click();

    const item = page.getByTestId('code-item');
    await item.waitFor({ timeout: 10_000 });
    await eventually(async () => (await item.getAttribute('data-state')) === 'set', 20_000, 'the lock holds the code');
    assert.equal(await item.getByTestId('code-name').textContent(), 'Cleaner');
    assert.match(await item.textContent(), /Front door · slot 1 · mon,thu 08:00-18:00/);
    assert.equal(await item.getByTestId('code-on-lock').getAttribute('data-lock-id'), 'front-door');
    assert.equal(await item.getByTestId('code-on-lock').getAttribute('data-state'), 'set');
    assert.equal((await page.content()).includes('482157'), false, 'the PIN is nowhere on the page');
    await screenshot(page, 'codes-1-on-the-lock');

    // A wrong PIN is refused with the hub's words, naming the field.
    await page.getByTestId('code-name-input').fill('Plumber');
    await page.getByTestId('code-pin').evaluate((el) => el.removeAttribute('pattern'));
    await page.getByTestId('code-pin').fill('12ab');
    await page.getByTestId('code-schedule').selectOption('always');
    await page.getByTestId('code-add').click();
    await page.getByTestId('code-form-message').filter({ hasText: 'pin: must be 4..10 digits' }).waitFor({ timeout: 10_000 });

    await item.getByTestId('code-remove').click();
    await page.getByTestId('codes-empty').waitFor({ timeout: 20_000 });
    await screenshot(page, 'codes-2-removed');

    const member = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await h.signIn(member, '#/', 'mia', 'home member password');
    assert.equal(await member.getByTestId('nav-codes').count(), 0, 'no Codes link for a member');
    await member.goto(`${h.url}/#/codes`);
    await member.getByTestId('codes-forbidden').waitFor({ timeout: 10_000 });
    assert.equal(await member.getByTestId('code-form').isVisible(), false);
  });
});
