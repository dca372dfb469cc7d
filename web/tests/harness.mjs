// Browser-test harness: a real Mosquitto, the real `lockwarden serve` (serving
// web/dist) and `lockwarden sim` processes, and Debian's Chromium driven by
// playwright-core. Every process and directory belongs to one test and is gone
// after it; the directory (logs, configs) is kept and its path printed when
// the test failed. Screenshots go to LW_ARTIFACTS.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const binary = process.env.LW_BINARY ?? path.resolve(here, '../../build/debug/lockwarden');
export const webDist = process.env.LW_WEB_DIST ?? path.resolve(here, '../dist');
export const artifacts = process.env.LW_ARTIFACTS ?? path.resolve(here, '../../build/web-artifacts');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port on the loopback that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `condition` every `every` ms until it returns a truthy value or `ms` pass. */
export async function eventually(condition, ms, what, every = 50) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await condition();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what} (last: ${last})`);
    await sleep(every);
  }
}

/** One test's broker, hub and simulator. */
export class Home {
  constructor(name) {
    this.name = name;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `lw-web-${name}-`));
    this.children = [];
  }

  run(name, command, args) {
    const log = fs.openSync(path.join(this.dir, `${name}.log`), 'w');
    const child = spawn(command, args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.label = name;
    this.children.push(child);
    return child;
  }

  async startBroker() {
    this.brokerPort = await freePort();
    const conf = path.join(this.dir, 'mosquitto.conf');
    fs.writeFileSync(
      conf,
      `listener ${this.brokerPort} 127.0.0.1\nallow_anonymous true\npersistence false\n` +
        'max_queued_messages 100000\n' +
        `user ${os.userInfo().username}\n`,
    );
    this.broker = this.run('mosquitto', '/usr/sbin/mosquitto', ['-c', conf]);
    await eventually(() => canConnect(this.brokerPort), 10_000, 'mosquitto listening');
  }

  /** Starts `lockwarden serve` with the web app and waits until its API answers. */
  async startHub(extraConfig = '') {
    if (!fs.existsSync(path.join(webDist, 'index.html'))) {
      throw new Error(`${webDist}/index.html is missing: build the web app first (make web)`);
    }
    this.httpPort = await freePort();
    this.dataDir = path.join(this.dir, 'data');
    const config =
      `[hub]\nid = "web-hub"\ndata_dir = "${this.dataDir}"\n` +
      `[mqtt]\nport = ${this.brokerPort}\nkeepalive_s = 5\n` +
      `[http]\nport = ${this.httpPort}\nweb_root = "${webDist}"\n` +
      `[liveness]\ntick = "100ms"\n${extraConfig}`;
    fs.writeFileSync(path.join(this.dir, 'hub.toml'), config);
    this.hub = this.run('hub', binary, ['serve', '--config', path.join(this.dir, 'hub.toml')]);
    await eventually(async () => (await fetch(`${this.url}/api/v1/health`)).ok, 20_000, 'the hub answering');
    // What the hub made on its first start: the owner's password and the CLI's token.
    this.ownerPassword = fs.readFileSync(path.join(this.dataDir, 'owner-password'), 'utf8').trim();
    this.token = fs.readFileSync(path.join(this.dataDir, 'cli-token'), 'utf8').trim();
  }

  /** Opens `hash` in `page` and signs in through the form (the owner unless told otherwise). */
  async signIn(page, hash = '#/', user = 'admin', password = this.ownerPassword) {
    await page.goto(`${this.url}/${hash}`);
    await page.getByTestId('login-user').fill(user);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('signed-in-user').waitFor({ timeout: 10_000 });
  }

  /** Creates an account as the owner: POST /api/v1/users. */
  async addUser(user, password, grants) {
    const response = await fetch(`${this.url}/api/v1/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user, password, grants }),
    });
    if (response.status !== 201) throw new Error(`POST /api/v1/users: ${response.status} ${await response.text()}`);
  }

  /** Starts `lockwarden sim` with the scenario text, trusting the hub's key. */
  startSim(scenario) {
    const file = path.join(this.dir, 'scenario.toml');
    fs.writeFileSync(file, scenario);
    this.sim = this.run('sim', binary, [
      'sim',
      '--scenario',
      file,
      '--hub-public-key-file',
      path.join(this.dataDir, 'hub.pub'),
      '--broker-port',
      String(this.brokerPort),
    ]);
  }

  get url() {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  async api(route) {
    const response = await fetch(this.url + route, { headers: { Authorization: `Bearer ${this.token}` } });
    if (!response.ok) throw new Error(`GET ${route}: ${response.status}`);
    return response.json();
  }

  logs() {
    return this.children
      .map((c) => `--- ${c.label}.log ---\n${fs.readFileSync(path.join(this.dir, `${c.label}.log`), 'utf8')}`)
      .join('\n');
  }

  async stop(failed) {
    const alive = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    const exits = alive.map((c) => new Promise((resolve) => c.once('exit', resolve)));
    for (const c of alive.reverse()) c.kill('SIGTERM');
    const timer = setTimeout(() => alive.forEach((c) => c.kill('SIGKILL')), 5_000);
    await Promise.all(exits);
    clearTimeout(timer);
    if (failed) {
      console.error(`kept ${this.dir} for inspection`);
    } else {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** Debian's Chromium, headless, with no traffic of its own to the outside. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.LW_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs `body(home, browser)` with a fresh home and browser, and tears both
 * down; on failure prints the logs and keeps the directory.
 */
export async function withHome(name, body) {
  const home = new Home(name);
  let browser;
  let failed = true;
  try {
    browser = await launchBrowser();
    await body(home, browser);
    failed = false;
  } catch (error) {
    console.error(home.logs());
    throw error;
  } finally {
    if (browser) await browser.close();
    await home.stop(failed);
  }
}
