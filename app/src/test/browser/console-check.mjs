// Headless-Chromium check of the `fp serve` ops console, written as a function of a base URL so the
// same check runs against a local server and a deployed one.
//
// Usage: node console-check.mjs <baseUrl> <runId> [<reportPath relative to baseUrl>]
//   FP_CHROMIUM    Chromium executable (default /usr/bin/chromium)
//   FP_SCREENSHOT  if set, a PNG of the console is written there
//   FP_EXPECT_QUARANTINED  if set, the run has quarantined inputs: the check waits until the console shows them
//
// Prints one "ok: ..." line per passed step; on the first failure prints "FAIL: ..." and exits 1.
// The browser is always closed; the whole check is bounded by OVERALL_TIMEOUT_MS.

import { chromium } from 'playwright-core';

const OVERALL_TIMEOUT_MS = 90_000;
const MOVE_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 15_000;
const POLL_MS = 500;

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

class CheckFailure extends Error {}

const fail = (message) => { throw new CheckFailure(message); };
const ok = (message) => console.log(`ok: ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plain decimal as the console renders it (no separators); anything else is null. */
function parsePlainNumber(text) {
  const t = (text ?? '').trim();
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

/** Strips leading slashes so "evidence/x" and "/evidence/x" name the same path. */
const normalizePath = (p) => String(p).replace(/^\/+/, '');

async function readNumbers(page, selectors) {
  return page.evaluate((sels) => sels.map((s) => document.querySelector(s)?.textContent ?? null), selectors)
    .then((texts) => texts.map(parsePlainNumber));
}

/**
 * The quarantined tile and the quarantine table, read in one turn of the page's event loop (so from one render):
 * { tile, rows: {reason: count}, sum }; tile is null when it is not a plain number.
 */
async function readQuarantine(page) {
  const seen = await page.evaluate(() => ({
    tile: document.querySelector('#quarantined')?.textContent ?? null,
    rows: [...document.querySelectorAll('#quarantine-reasons tr[data-key]')]
      .map((tr) => [tr.dataset.key, tr.cells[1]?.textContent ?? null]),
  }));
  const rows = Object.fromEntries(seen.rows.map(([k, v]) => [k, parsePlainNumber(v)]));
  const sum = Object.values(rows).reduce((acc, v) => acc + (v ?? NaN), 0);
  return { tile: parsePlainNumber(seen.tile), rows, sum };
}

/** Polls `probe` until it returns a truthy value or the deadline passes; returns the last value. */
async function pollUntil(probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let value;
  for (;;) {
    value = await probe();
    if (value || Date.now() >= deadline) return value;
    await sleep(POLL_MS);
  }
}

async function checkConsole(browser, baseUrl, runId, reportPath) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // a) the console opens on the run and lists it
  const consoleUrl = `${baseUrl}/?run=${encodeURIComponent(runId)}`;
  const response = await page.goto(consoleUrl, { waitUntil: 'domcontentloaded' });
  if (!response || !response.ok()) fail(`${consoleUrl} answered HTTP ${response ? response.status() : 'nothing'}`);
  const title = await page.title();
  if (title !== 'fraud-platform ops console') fail(`unexpected page title "${title}" at ${consoleUrl}`);
  try {
    await page.waitForFunction(
      (id) => [...document.querySelectorAll('#runs tr[data-run-id]')].some((tr) => tr.dataset.runId === id),
      runId, { timeout: STEP_TIMEOUT_MS, polling: POLL_MS });
  } catch {
    const listed = await page.$$eval('#runs tr[data-run-id]', (trs) => trs.map((tr) => tr.dataset.runId));
    const error = await page.textContent('#error');
    fail(`runs table has no row with data-run-id="${runId}" after ${STEP_TIMEOUT_MS} ms `
      + `(rows: ${JSON.stringify(listed)}; #error: ${JSON.stringify(error?.trim() ?? '')})`);
  }
  ok(`console ${consoleUrl} lists run ${runId}`);

  // b) the live numbers move
  const counters = ['#decisions-total', '#receipts-total'];
  const first = await pollUntil(async () => {
    const values = await readNumbers(page, counters);
    return values.every((v) => v !== null) ? values : null;
  }, STEP_TIMEOUT_MS);
  if (!first) {
    const error = await page.textContent('#error');
    fail(`live panel never showed numbers in ${counters.join(', ')} `
      + `(#error: ${JSON.stringify(error?.trim() ?? '')})`);
  }
  const moved = await pollUntil(async () => {
    const values = await readNumbers(page, counters);
    return values.some((v, i) => v !== null && v > first[i]) ? values : null;
  }, MOVE_TIMEOUT_MS);
  if (!moved) {
    fail(`live numbers did not move in ${MOVE_TIMEOUT_MS / 1000} s: decisions-total=${first[0]} receipts-total=${first[1]}`);
  }
  ok(`live numbers move: decisions-total ${first[0]} -> ${moved[0]}, receipts-total ${first[1]} -> ${moved[1]}`);

  // c) events/s is a number and no error is shown
  const epsText = (await page.textContent('#events-per-second'))?.trim() ?? '';
  if (parsePlainNumber(epsText) === null) fail(`#events-per-second is not a plain number: ${JSON.stringify(epsText)}`);
  const errorText = (await page.textContent('#error'))?.trim() ?? '';
  if (errorText && await page.isVisible('#error')) fail(`#error shows: ${JSON.stringify(errorText)}`);
  if (pageErrors.length > 0) fail(`console page raised script errors: ${JSON.stringify(pageErrors)}`);
  ok(`events-per-second=${epsText}, no error shown`);

  // d) the quarantined tile equals the sum of the quarantine table's rows, sampled while the run moves
  const expectQuarantined = Boolean(process.env.FP_EXPECT_QUARANTINED);
  let quarantine;
  for (let i = 0, shown = false; i < 5 || (expectQuarantined && !shown); i++) {
    quarantine = await readQuarantine(page);
    if (quarantine.tile === null || !Number.isFinite(quarantine.sum) || quarantine.tile !== quarantine.sum) {
      fail(`quarantined tile ${JSON.stringify(quarantine.tile)} != sum of the quarantine table's rows ${quarantine.sum} `
        + `(rows: ${JSON.stringify(quarantine.rows)})`);
    }
    shown = quarantine.sum > 0;
    if (expectQuarantined && !shown && i * POLL_MS > MOVE_TIMEOUT_MS) {
      fail(`the run has quarantined inputs, yet the console showed none in ${MOVE_TIMEOUT_MS / 1000} s`);
    }
    await sleep(POLL_MS);
  }
  ok(`quarantined tile ${quarantine.tile} = sum of the quarantine table's rows ${JSON.stringify(quarantine.rows)}`);

  if (process.env.FP_SCREENSHOT) {
    await page.screenshot({ path: process.env.FP_SCREENSHOT, fullPage: true });
    ok(`screenshot saved to ${process.env.FP_SCREENSHOT}`);
  }

  // e) the evidence report renders, and the console links it when the runs API lists it
  if (reportPath) {
    const wanted = normalizePath(reportPath);
    const runsResponse = await page.request.get(`${baseUrl}/api/runs`);
    if (!runsResponse.ok()) fail(`${baseUrl}/api/runs answered HTTP ${runsResponse.status()}`);
    const runs = await runsResponse.json();
    const run = Array.isArray(runs) ? runs.find((r) => r.platform_run_id === runId) : undefined;
    const listed = Array.isArray(run?.evidence) && run.evidence.some((p) => normalizePath(p) === wanted);
    if (listed) {
      const hrefs = await page.$$eval('#runs tr[data-run-id] a[href]',
        (as, id) => as.filter((a) => a.closest('tr').dataset.runId === id).map((a) => a.getAttribute('href')), runId);
      if (!hrefs.some((h) => h.endsWith(wanted))) {
        fail(`console row for ${runId} has no link ending with ${wanted} (links: ${JSON.stringify(hrefs)})`);
      }
      ok(`console row for ${runId} links ${wanted}`);
    } else {
      ok(`/api/runs does not list ${wanted} for ${runId}; console link check skipped`);
    }

    const report = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    report.setDefaultTimeout(STEP_TIMEOUT_MS);
    const reportUrl = `${baseUrl}/${wanted}`;
    const reportResponse = await report.goto(reportUrl, { waitUntil: 'load' });
    if (!reportResponse || !reportResponse.ok()) {
      fail(`${reportUrl} answered HTTP ${reportResponse ? reportResponse.status() : 'nothing'}`);
    }
    const required = ['#chart-throughput svg', '#chart-latency svg', '#chart-actions svg', '#chart-degrade svg', '#verdict'];
    const missing = [];
    for (const selector of required) {
      try {
        await report.waitForSelector(selector, { state: 'attached', timeout: 5_000 });
      } catch {
        missing.push(selector);
      }
    }
    if (missing.length > 0) fail(`report ${reportUrl} lacks ${missing.join(', ')}`);
    const verdict = ((await report.textContent('#verdict')) ?? '').replace(/\s+/g, ' ').trim();
    ok(`report ${reportUrl} has all four charts; verdict: ${verdict || '(empty)'}`);
    await report.close();
  }
}

async function main() {
  const [baseArg, runId, reportPath] = process.argv.slice(2);
  if (!baseArg || !runId) {
    console.error('usage: node console-check.mjs <baseUrl> <runId> [<reportPath>]');
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
    await checkConsole(browser, baseUrl, runId, reportPath);
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
