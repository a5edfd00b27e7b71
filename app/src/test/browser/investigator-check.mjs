// Headless-Chromium check of the investigator's console, written as a function of a base URL so the same check runs
// against a local console and a deployed one: sign in, find the case in the queue, open it, see its explanation,
// graph and timeline, then work it: assign to self, note, dispose CONFIRMED_FRAUD, close.
//
// Usage: node investigator-check.mjs <baseUrl> <username> <caseId>
//   FP_PASSWORD    the investigator's password (required; never on the command line)
//   FP_CHROMIUM    Chromium executable (default /usr/bin/chromium)
//   FP_SCREENSHOT  if set, a PNG of the case page is written there (and one of the queue beside it, *-queue.png)
//
// Prints one "ok: ..." line per passed step; on the first failure prints "FAIL: ..." and exits 1.
// The browser is always closed; the whole check is bounded by OVERALL_TIMEOUT_MS.

import { chromium } from 'playwright-core';

const OVERALL_TIMEOUT_MS = 90_000;
const STEP_TIMEOUT_MS = 15_000;

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

class CheckFailure extends Error {}

const fail = (message) => { throw new CheckFailure(message); };
const ok = (message) => console.log(`ok: ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `selector`'s text (trimmed) equals `expected`; fails naming what it showed and the page's error. */
async function waitForText(page, selector, expected, what) {
  try {
    await page.waitForFunction(([s, e]) => (document.querySelector(s)?.textContent ?? '').trim() === e,
      [selector, expected], { timeout: STEP_TIMEOUT_MS });
  } catch {
    const shown = (await page.textContent(selector).catch(() => null))?.trim();
    const error = (await page.textContent('#error').catch(() => null))?.trim();
    fail(`${what}: ${selector} shows ${JSON.stringify(shown)}, not ${JSON.stringify(expected)} `
      + `(#error: ${JSON.stringify(error ?? '')})`);
  }
}

async function waitFor(page, selector, what) {
  try {
    await page.waitForSelector(selector, { state: 'attached', timeout: STEP_TIMEOUT_MS });
  } catch {
    const error = (await page.textContent('#error').catch(() => null))?.trim();
    fail(`${what}: no ${selector} after ${STEP_TIMEOUT_MS} ms (#error: ${JSON.stringify(error ?? '')})`);
  }
}

async function count(page, selector) {
  return page.$$eval(selector, (es) => es.length);
}

async function checkConsole(browser, baseUrl, username, password, caseId) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const caseUrl = `${baseUrl}/cases/${encodeURIComponent(caseId)}`;

  // a) no page answers without a session: the case page sends the browser to sign in
  await page.goto(caseUrl, { waitUntil: 'domcontentloaded' });
  if (!new URL(page.url()).pathname.startsWith('/login')) fail(`without a session ${caseUrl} showed ${page.url()}`);
  ok(`without a session ${caseUrl} redirects to ${new URL(page.url()).pathname}`);

  // b) a wrong password is refused, the right one signs in
  await page.fill('#username', username);
  await page.fill('#password', `${password}-wrong`);
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#sign-in')]);
  await waitFor(page, '#login-error', 'a wrong password');
  ok(`a wrong password is refused: ${(await page.textContent('#login-error')).trim()}`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#sign-in')]);
  if (new URL(page.url()).pathname !== '/') fail(`signing in led to ${page.url()}, not the queue`);
  await waitForText(page, '#me', `${username} (analyst)`, 'the signed-in user');
  ok(`signed in as ${username}`);

  // c) the case is in the queue of unassigned cases, with the total shown
  await page.fill('#filter-owner', 'unassigned');
  await page.selectOption('#filter-sort', 'age');
  await page.click('#apply');
  const row = `#queue tr[data-case-id="${caseId}"]`;
  await waitFor(page, row, `case ${caseId} in the queue`);
  const total = Number((await page.textContent('#total')).trim());
  if (!(total >= 1)) fail(`the queue's total is ${total}`);
  ok(`queue (unassigned, by age) lists ${caseId} among ${total}`);
  if (process.env.FP_SCREENSHOT) {
    const queueShot = process.env.FP_SCREENSHOT.replace(/(\.png)?$/, '-queue.png');
    await page.screenshot({ path: queueShot, fullPage: true });
    ok(`screenshot of the queue saved to ${queueShot}`);
  }

  // d) the case page: explanation, features, context, transactions, graph, timeline
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(`${row} a`)]);
  await waitFor(page, '#explanations .decision', 'the decision explanation');
  const action = (await page.textContent('#explanations .decision .action')).trim();
  const reasons = await count(page, '#explanations .decision .reasons li');
  const mode = (await page.textContent('#explanations .decision .degrade-mode')).trim();
  const bundle = (await page.textContent('#explanations .decision .bundle-id')).trim();
  if (!['REVIEW', 'STEP_UP'].includes(action) || reasons < 1 || !mode || mode === '—' || !bundle || bundle === '—') {
    fail(`explanation incomplete: action=${action} reasons=${reasons} degrade=${mode} bundle=${bundle}`);
  }
  ok(`explanation: ${action}, ${reasons} reasons, degrade mode ${mode}, bundle ${bundle}`);
  const features = await count(page, '#features tbody tr');
  const context = await count(page, '#context tbody tr');
  const txns = await count(page, '#transactions tbody tr');
  if (features < 1 || context < 1 || txns < 1) fail(`features=${features} context=${context} transactions=${txns}`);
  ok(`feature snapshot ${features} rows, linked context ${context}, recent transactions ${txns}`);
  const graph = await page.evaluate(() => ({
    circles: document.querySelectorAll('#graph svg circle').length,
    lines: document.querySelectorAll('#graph svg line').length,
    centre: document.querySelector('#graph svg g.node.centre text')?.textContent ?? null,
    kinds: [...new Set([...document.querySelectorAll('#graph svg g.node')].map((g) => g.classList[1]))],
  }));
  const account = (await page.textContent('#case-account')).trim();
  if (graph.circles < 3 || graph.lines < 2 || graph.centre !== account) {
    fail(`entity graph: ${JSON.stringify(graph)} for account ${account}`);
  }
  ok(`entity graph: ${graph.circles} nodes (${graph.kinds.join(', ')}), ${graph.lines} links, ${account} in the centre`);
  await waitFor(page, '#timeline li[data-type="OPENED"]', 'the timeline');
  ok(`timeline: ${await count(page, '#timeline li')} entries from OPENED`);

  // e) work it: assign to self, a note (its markup stays text), dispose, close
  const version = async () => (await page.textContent('#case-version')).trim();
  let v = await version();
  await page.fill('#assign-owner', username);
  await page.click('#assign-form button[type=submit]');
  await waitForText(page, '#case-owner', username, 'assigning to self');
  ok(`assigned to ${username} (version ${v} -> ${await version()})`);

  const note = 'Called the customer: not them. <img src=x id=injected onerror="window.injected=1">';
  await page.fill('#note-text', note);
  await page.click('#note-form button[type=submit]');
  await waitFor(page, '#timeline li[data-type="NOTE"]', 'the note in the timeline');
  const noteText = (await page.textContent('#timeline li[data-type="NOTE"]')).trim();
  const injected = await page.evaluate(() => Boolean(document.getElementById('injected') || window.injected));
  if (!noteText.includes('<img src=x') || injected) fail(`the note was not shown as text: ${noteText} (injected=${injected})`);
  ok('note added; its markup is shown as text, not run');

  v = await version();
  await page.selectOption('#disposition-select', 'CONFIRMED_FRAUD');
  await page.fill('#disposition-note', 'card testing pattern');
  await page.click('#disposition-form button[type=submit]');
  await waitForText(page, '#case-disposition', 'CONFIRMED_FRAUD', 'the disposition');
  await waitFor(page, '#labels tr[data-value="FRAUD"][data-source="INVESTIGATOR"]', 'the label of the disposition');
  ok(`disposed CONFIRMED_FRAUD (version ${v} -> ${await version()}); the Label Store shows FRAUD by INVESTIGATOR`);

  if (process.env.FP_SCREENSHOT) {
    await page.screenshot({ path: process.env.FP_SCREENSHOT, fullPage: true });
    ok(`screenshot saved to ${process.env.FP_SCREENSHOT}`);
  }

  await page.click('#close-form button[type=submit]');
  await waitForText(page, '#case-state', 'CLOSED', 'closing');
  await waitFor(page, '#timeline li[data-type="CLOSED"]', 'the close in the timeline');
  const actors = await page.$$eval('#timeline li', (lis) => lis.map((li) => `${li.dataset.type}:${li.dataset.actor}`));
  for (const t of ['ASSIGNED', 'NOTE', 'DISPOSITION', 'CLOSED']) {
    if (!actors.includes(`${t}:${username}`)) fail(`timeline lacks ${t} by ${username}: ${JSON.stringify(actors)}`);
  }
  ok(`closed; timeline: ${actors.join(' ')}`);

  // f) a second disposition on the closed case is refused, clearly, and nothing changes
  const before = await version();
  await page.click('#disposition-form button[type=submit]');
  await page.waitForFunction(() => !document.getElementById('error').hidden, null, { timeout: STEP_TIMEOUT_MS });
  const refusal = (await page.textContent('#error')).trim();
  if (!/closed/.test(refusal) || (await version()) !== before) fail(`disposition on a closed case: ${refusal}`);
  ok(`a disposition on the closed case is refused: ${refusal}`);

  if (pageErrors.length > 0) fail(`the console raised script errors: ${JSON.stringify(pageErrors)}`);
}

async function main() {
  const [baseArg, username, caseId] = process.argv.slice(2);
  const password = process.env.FP_PASSWORD;
  if (!baseArg || !username || !caseId || !password) {
    console.error('usage: FP_PASSWORD=... node investigator-check.mjs <baseUrl> <username> <caseId>');
    return 2;
  }
  const baseUrl = baseArg.replace(/\/+$/, '');
  const executablePath = process.env.FP_CHROMIUM || '/usr/bin/chromium';

  let browser;
  const timeout = setTimeout(async () => {
    console.error(`FAIL: check did not finish within ${OVERALL_TIMEOUT_MS / 1000} s`);
    await Promise.race([browser?.close().catch(() => {}), sleep(5_000)]);
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);

  try {
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    await checkConsole(browser, baseUrl, username, password, caseId);
    return 0;
  } catch (e) {
    console.error(e instanceof CheckFailure ? `FAIL: ${e.message}` : `FAIL: unexpected error: ${e?.stack ?? e}`);
    return 1;
  } finally {
    clearTimeout(timeout);
    if (browser) await browser.close().catch(() => {});
  }
}

for (const event of ['unhandledRejection', 'uncaughtException']) {
  process.on(event, (e) => {
    console.error(`FAIL: ${event}: ${e?.stack ?? e}`);
    process.exit(1);
  });
}

process.exit(await main());
