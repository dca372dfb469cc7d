// Signing in: a wrong password is refused with a reason, a member of one site
// never sees another site's locks (not in the list, not by typing its address),
// signing out returns to the sign-in page, and repeated failures are slowed
// down with the wait the hub asks for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, screenshot, withHome } from './harness.mjs';

const twoSites = `
[hub]
key_id = "hub"
[[site]]
id = "alpha"
[[site]]
id = "beta"
[[lock]]
id = "alpha-door"
site = "alpha"
name = "Alpha door"
heartbeat = "1s"
keepalive_s = 5
battery_pct = 80
[[lock]]
id = "beta-door"
site = "beta"
name = "Beta door"
heartbeat = "1s"
keepalive_s = 5
battery_pct = 70
`;

test('sign-in: wrong password, one site only, sign-out, back-off', async () => {
  await withHome('access', async (home, browser) => {
    await home.startBroker();
    await home.startHub('[auth]\nfree_failures = 2\nbackoff = "30s"\n[[site]]\nid = "alpha"\n[[site]]\nid = "beta"\n');
    home.startSim(twoSites);
    await eventually(async () => (await home.api('/api/v1/locks')).locks.length === 2, 20_000, 'both locks known');
    await home.addUser('ana', 'alpha member password', [{ site: 'alpha', role: 'member' }]);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${home.url}/#/`);
    await page.getByTestId('login-user').fill('ana');
    await page.getByTestId('login-password').fill('not her password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.filter({ hasText: /wrong user name or password/i }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('signed-in-user').count(), 0);
    await screenshot(page, 'access-1-wrong-password');

    await home.signIn(page, '#/', 'ana', 'alpha member password');
    const list = page.getByTestId('fleet-list');
    await list.waitFor({ timeout: 10_000 });
    await eventually(async () => Number(await list.getAttribute('data-lock-count')) === 1, 10_000, 'one lock listed');
    const ids = await page.getByTestId('lock-row').evaluateAll((rs) => rs.map((r) => r.dataset.lockId));
    assert.deepEqual(ids, ['alpha-door']);
    assert.equal(await page.getByText('Beta door').count(), 0);

    // Typing the other site's lock address shows what an unknown lock shows.
    await page.goto(`${home.url}/#/locks/beta-door`);
    await page.getByTestId('error-not_found').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByText('Beta door').count(), 0);
    await screenshot(page, 'access-2-other-site-not-found');

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-form').waitFor({ timeout: 10_000 });

    // Two free failures, a third that starts the back-off, then the hub asks to wait.
    for (let i = 0; i < 3; i++) {
      await page.getByTestId('login-user').fill('ana');
      await page.getByTestId('login-password').fill(`guess ${i}`);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
        page.getByTestId('login-submit').click(),
      ]);
      assert.equal(answer.status(), 401);
      await error.filter({ hasText: /wrong user name or password/i }).waitFor({ timeout: 10_000 });
    }
    await page.getByTestId('login-user').fill('ana');
    await page.getByTestId('login-password').fill('alpha member password');
    await page.getByTestId('login-submit').click();
    await error.filter({ hasText: /too many failed sign-ins\. try again in \d+ s/i }).waitFor({ timeout: 10_000 });
    assert.equal(await error.getAttribute('data-kind'), 'throttled');
    await screenshot(page, 'access-3-throttled');
  });
});
