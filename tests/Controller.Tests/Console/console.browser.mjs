// The web console in a real browser (issue 16): Debian's Chromium driven by playwright-core, against a real
// all-in-one controller process with a named token. Started by ConsoleBrowserTests.cs, which passes:
//   CONTROLLER_DLL   the controller's entry assembly         PLAYWRIGHT_CORE  playwright-core's index.mjs
//   CHROMIUM         the browser's executable                ARTIFACTS        where screenshots go
//   DATA             a fresh folder for the controller       HTTP_PORT, AKKA_PORT
// It kills the controller with SIGKILL mid-way and starts it again on the same data, to see the page's event
// stream drop, reconnect and resume. Exit code 0: every check held; otherwise the first failure is printed.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const { chromium } = await import(pathToFileURL(env('PLAYWRIGHT_CORE')).href);
const base = `http://127.0.0.1:${env('HTTP_PORT')}`;
const artifacts = env('ARTIFACTS');
mkdirSync(artifacts, { recursive: true });
const TOKEN = 'console-test-token';
const log = (...a) => console.log(new Date().toISOString(), ...a);

let controller;
function startController() {
  controller = spawn('dotnet', [env('CONTROLLER_DLL'), '--data', env('DATA'), '--port', env('AKKA_PORT'), '--urls', base], {
    env: { ...process.env, Orchestrator__AllInOne__RegisterEvery: '00:00:02', Orchestrator__Api__Clients__console__Token: TOKEN, Orchestrator__Api__Clients__console__Scope: 'place' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const keep = (d) => { tail.push(...d.toString().split('\n')); tail.splice(0, Math.max(0, tail.length - 60)); };
  controller.stdout.on('data', keep); controller.stderr.on('data', keep);
  controller.tail = tail;
}

async function rest(pathAndQuery, { method = 'GET', body, auth = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body) headers['Content-Type'] = 'application/json';
  if (auth) headers.Authorization = `Bearer ${TOKEN}`;
  const r = await fetch(base + pathAndQuery, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${pathAndQuery}: ${r.status} ${text}`);
  return JSON.parse(text);
}

async function untilUp(hosts) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const view = await rest('/api/v1/hosts');
      if (hosts.every((h) => view.some((v) => v.host === h && v.status === 'up'))) return;
    } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the controller did not bring ${hosts.join(', ')} up in 90 s:\n${controller.tail.join('\n')}`);
}

const HOSTS = ['storage-01', 'storage-02', 'storage-03', 'storage-04'];
const shot = async (page, name, what) => {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log(`screenshot ${file}: ${what}`);
};

startController();
let browser;
try {
  await untilUp(HOSTS);
  browser = await chromium.launch({
    executablePath: env('CHROMIUM'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource|EventSource/.test(m.text())) problems.push(`console error: ${m.text()}`); });
  // Requests to anything but the controller would mean a CDN or a tracker: there must be none.
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) foreign.push(r.url()); });

  // 1. The cluster: every sample host with its status and pool bars.
  await page.goto(`${base}/ui`);
  await page.waitForSelector('#hosts tr[data-host="storage-04"]');
  for (const host of HOSTS) {
    const row = page.locator(`#hosts tr[data-host="${host}"]`);
    assert.match(await row.innerText(), /up/, `${host} shows up`);
  }
  assert.ok(await page.locator('#hosts .bar').count() >= 4, 'pool usage bars');
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');
  await shot(page, 'cluster', 'the cluster page: four sample hosts, status, CPU, drains, pool usage bars, latest events');

  // 2. A host: its tree shows every PCI function REST lists, providers and link rates marked.
  const topology = await rest('/api/v1/hosts/storage-01/topology');
  await page.click('a[href="/ui/hosts/storage-01"]');
  await page.waitForSelector('#tree svg');
  for (const f of topology.functions) {
    assert.equal(await page.locator(`#tree [data-address="${f.address}"]`).count(), 1, `function ${f.address} drawn once`);
  }
  for (const f of topology.functions.filter((x) => x.p2pmem)) {
    assert.ok(await page.locator(`#tree .fn.provider[data-address="${f.address}"]`).count() === 1, `${f.address} marked as provider`);
  }
  assert.ok(await page.locator('#tree .fn.nic').count() >= 1 && await page.locator('#tree .fn.nvme').count() >= 1, 'NICs and NVMe marked');
  assert.match(await page.locator('#tree').innerHTML(), /16 GT\/s x4/, 'link rate × width on the edges');
  assert.equal(await page.locator('.matrix tr').count(), (await rest('/api/v1/hosts/storage-01/matrix')).devices.length + 1, 'the level matrix');
  await shot(page, 'host-storage-01', 'host storage-01: the PCI tree (host bridge, root ports, switch, NIC, three NVMe CMB providers), pools, level matrix');

  // 3. Explain chosen on the page equals the REST answer for the same request.
  await page.click('#tree [data-address="0000:03:00.0"]');
  await page.fill('#size', '1MiB');
  await page.click('#explain');
  await page.waitForSelector('#candidates tr[data-provider]');
  const shown = await page.$$eval('#candidates tr[data-provider]', (rows) => rows.map((r) => ({
    provider: r.dataset.provider, eligible: r.dataset.eligible === 'true', rank: Number(r.dataset.rank), reason: r.lastElementChild.textContent })));
  const answer = await rest('/api/v1/placements/explain', { method: 'POST', body: { host: 'storage-01', clients: ['0000:03:00.0'], sizeBytes: 1048576, policy: { mode: 'orchestrator' } } });
  assert.deepEqual(shown, answer.candidates.map((c) => ({ provider: c.provider, eligible: c.eligible, rank: c.rank, reason: c.reason })), 'the page shows the REST explanation');
  assert.equal(await page.locator('#chosen').innerText(), answer.provider);
  assert.equal(await page.locator(`#tree .fn.cand-chosen[data-address="${answer.provider}"]`).count(), 1, 'the chosen provider is drawn on the tree');
  await shot(page, 'explain', `explain for NIC 0000:03:00.0, 1 MiB: ranked candidates, ${answer.provider} chosen, drawn on the tree`);

  // 4. A controller with a token: the read worked without one; the action asks for it, then works with it.
  await page.click('#place');
  await page.waitForSelector('#action-error');
  assert.match(await page.locator('#action-error').innerText(), /token/, 'place without a token asks for one');
  await page.fill('#token', TOKEN);
  await page.dispatchEvent('#token', 'change');
  await page.click('#place');
  await page.waitForSelector('#placed');
  const placedId = await page.locator('#placed a').innerText();
  await page.waitForSelector(`#pools [data-extent="${placedId}"]`);
  await shot(page, 'place-with-token', `placed ${placedId} from the page once the token was entered; its extent in the pool bar`);

  // 5. A placement made through REST appears live, without a reload.
  await page.click('header a[href="/ui/placements"]');
  await page.waitForSelector('#placements');
  await page.evaluate(() => { window.noReload = true; });
  await rest('/api/v1/placements', { method: 'POST', auth: true, body: { host: 'storage-02', clients: ['0000:43:00.0'], sizeBytes: 65536, requestId: 'live-1' } });
  await page.waitForSelector('#placements tr[data-placement="live-1"]', { timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.noReload), true, 'the page was not reloaded');
  await shot(page, 'placements', 'the placements table; live-1 appeared from the event stream without a reload');

  // 6. A placement's history: who, when, what.
  await page.click('a[href="/ui/placements/live-1"]');
  await page.waitForSelector('#history tr[data-sequence]');
  const history = await page.locator('#history').innerText();
  assert.match(history, /requested[\s\S]*console/, 'who asked: the token\'s name');
  assert.match(history, /committed/);
  await shot(page, 'placement-history', 'placement live-1 with its history: requested and committed by client "console"');
  // Release from the page (the token is still entered), on a placement of its own: its history grows live.
  await rest('/api/v1/placements', { method: 'POST', auth: true, body: { host: 'storage-02', clients: ['0000:43:00.0'], sizeBytes: 65536, requestId: 'released-1' } });
  await page.goto(`${base}/ui/placements/released-1`);
  await page.click('#release');
  await page.waitForFunction(() => /released/.test(document.getElementById('history')?.innerText ?? ''), null, { timeout: 15_000 });
  assert.match(await page.locator('#placement').innerText(), /State\s+released/);

  // 7. Unknown host and placement in the URL: a page that says so.
  await page.goto(`${base}/ui/hosts/no-such-host`);
  await page.waitForSelector('[data-notfound]');
  assert.match(await page.locator('[data-notfound]').innerText(), /no host 'no-such-host'/);
  await shot(page, 'unknown-host', 'an unknown host in the URL: a page that says so');
  await page.goto(`${base}/ui/placements/no-such-placement`);
  await page.waitForSelector('[data-notfound]');
  assert.match(await page.locator('[data-notfound]').innerText(), /no placement 'no-such-placement'/);

  // 8. The event stream drops (the controller is killed) and resumes once it is back, without a reload.
  await page.goto(`${base}/ui/placements`);
  await page.waitForSelector('#placements');
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');
  await page.evaluate(() => { window.noReload = true; });
  controller.kill('SIGKILL');
  await new Promise((r) => controller.once('exit', r));
  await page.waitForFunction(() => document.getElementById('live').textContent !== 'live', null, { timeout: 15_000 });
  await shot(page, 'stream-dropped', 'the controller was killed: the page says the stream is reconnecting');
  startController();
  await untilUp(HOSTS);
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live', null, { timeout: 30_000 });
  // The history is the journal's: after SIGKILL and a restart it still says who placed live-1.
  const kept = await rest('/api/v1/placements/live-1/history');
  assert.deepEqual(kept.events.map((e) => [e.kind, e.who]), [['requested', 'console'], ['committed', 'console']], 'the history after the restart');
  await rest('/api/v1/placements', { method: 'POST', auth: true, body: { host: 'storage-03', clients: ['0000:81:00.0'], sizeBytes: 65536, requestId: 'after-restart' } });
  await page.waitForSelector('#placements tr[data-placement="after-restart"]', { timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.noReload), true, 'the page was not reloaded');
  await shot(page, 'stream-resumed', 'after the restart the stream resumed: after-restart appeared live');

  assert.deepEqual(foreign, [], 'no request leaves the controller');
  assert.deepEqual(problems, [], 'no script errors');
  log('all console checks passed');
} catch (e) {
  console.error(`FAILED: ${e.stack ?? e}`);
  if (browser) {
    for (const ctx of browser.contexts()) for (const p of ctx.pages()) await p.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true }).catch(() => {});
  }
  console.error(`controller output (last lines):\n${controller.tail.join('\n')}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  controller.kill('SIGKILL');
}
