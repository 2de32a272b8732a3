/*
 * browser.test.mjs - the page of `searcher --serve` in headless Chromium,
 * as a writer uses it (run by run-e2e, which sets SEARCHER, INDEXER,
 * CHROMIUM, CORPUS_DIR and E2E_WORK).
 *
 * It indexes the sample shelf plus a document full of HTML, a hostile HTML
 * file and a PDF with page labels, starts the server on a free loopback
 * port and checks, in a real browser:
 *  - "/" focuses the search box; typing a query and Enter shows results with
 *    <mark>ed passages, title, path (once per hit), line and section, and
 *    puts the query in the URL;
 *  - "Copy citation" puts on the clipboard exactly what `searcher --cite`
 *    prints for that passage;
 *  - clicking a passage opens the document at its line with the matches
 *    marked; back and forward move between the two views; a bookmarked
 *    document URL opens directly;
 *  - the document view's "Copy citation" copies what the passage's own Copy
 *    does (the passage it was opened from), or its target line's citation;
 *  - each hit and the document view link to the original file (/api/file),
 *    which comes back byte for byte; a PDF's links open it at the cited
 *    page (#page=N); a hostile HTML original runs in a sandbox (an opaque
 *    origin, no script);
 *  - the query syntax is one click away; a malformed query names its column;
 *  - a document holding <script> and <img onerror=...> shows those
 *    characters and runs nothing (no script, no image element, no dialog,
 *    no Content-Security-Policy violation);
 *  - the filter controls (type filled from /api/types, folder, date range)
 *    and the sort select compose the query text and the sort parameter, and
 *    the hits obey them; the same content under two paths is one hit
 *    listing both paths;
 *  - at 360 px wide nothing scrolls sideways.
 * Screenshots of the results page (1100 and 360 px wide) and of a document
 * opened at its line go to E2E_WORK/output/.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const SEARCHER = process.env.SEARCHER;
const INDEXER = process.env.INDEXER;
const WORK = process.env.E2E_WORK;
const corpusDir = process.env.CORPUS_DIR; /* the sample shelf (run-e2e sets it) */
const dataDir = process.env.TEST_DATA_DIR; /* tests/data: labels.pdf */
const output = path.join(WORK, 'output');

const EVIL = [
  'Zebrafish notes with markup',
  '',
  'The zebrafish report says <script>window.__pwned = 1; alert("xss")</script> in plain text.',
  'An image tag: <img src=x onerror="window.__pwned = 2"> should show as characters, zebrafish too.',
  'Entities stay literal: &lt;b&gt; and <b>bold</b>.',
  '',
].join('\n');

/* An HTML original that would reach the API and mark the window if it ran. */
const EVIL_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>Axolotl page</title></head>' +
  '<body><p>The axolotl page.</p><script>window.__pwned = 3; document.title = "ran";</script>' +
  '<img src=x onerror="window.__pwned = 4"></body></html>\n';

function log(message) {
  process.stdout.write(`e2e: ${message}\n`);
}

/* ---- the index and the server ---- */

function buildIndex() {
  const root = fs.mkdtempSync(path.join(WORK, 'run-'));
  const docs = path.join(root, 'docs');
  fs.mkdirSync(docs);
  for (const name of fs.readdirSync(corpusDir)) fs.copyFileSync(path.join(corpusDir, name), path.join(docs, name));
  fs.writeFileSync(path.join(docs, 'zebrafish-markup.txt'), EVIL);
  fs.writeFileSync(path.join(docs, 'axolotl.html'), EVIL_HTML);
  fs.copyFileSync(path.join(dataDir, 'labels.pdf'), path.join(docs, 'labels.pdf'));
  /* for the filters and the order: two dated HTML briefs in a folder of
   * their own, and one text twice (a duplicate) */
  const briefs = path.join(docs, 'briefs');
  fs.mkdirSync(briefs);
  const brief = (title, date) => `<!doctype html><html><head><title>${title}</title>` +
    `<meta name="date" content="${date}"></head><body><p>Deterrence brief: ${title}.</p></body></html>`;
  fs.writeFileSync(path.join(briefs, 'older.html'), brief('Older brief', '2019-04-02'));
  fs.writeFileSync(path.join(briefs, 'newer.html'), brief('Newer brief', '2024-09-30'));
  fs.writeFileSync(path.join(briefs, 'quokka.txt'), 'Quokka census\n\nThe quokka count rose.\n');
  fs.writeFileSync(path.join(docs, 'quokka-copy.txt'), 'Quokka census\n\nThe quokka count rose.\n');
  const index = path.join(root, 'index');
  execFileSync(INDEXER, ['--index', index, docs], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { root, docs, index };
}

function startServer(index) {
  return new Promise((resolve, reject) => {
    const child = spawn(SEARCHER, ['--serve', '--index', index, '--listen', '127.0.0.1:0'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15000);
    child.stderr.on('data', (chunk) => {
      err += chunk;
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/* What `searcher --cite` prints for the first passage of q, run from / so
 * that it shows the stored (absolute) path as the page does (under the
 * current folder the command line shows paths relative to it). */
function cliCitation(index, q) {
  const out = execFileSync(path.resolve(SEARCHER), ['--index', path.resolve(index), '--cite', '-n', '1', '--', q],
    { encoding: 'utf8', cwd: '/' });
  return out.split('\n')[0];
}

/* ---- the checks ---- */

function watchPage(page, problems) {
  page.on('dialog', async (dialog) => {
    problems.push(`a dialog opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (msg) => {
    /* the malformed query's 400 is expected; anything else (a CSP
     * violation, a script error) is a problem */
    const expected = /status of 400 \(Bad Request\)/.test(msg.text());
    if (msg.type() === 'error' && !expected) problems.push(`console error: ${msg.text()}`);
  });
}

async function searchFromBox(page, base, q) {
  await page.goto(base);
  await page.waitForSelector('#status:has-text("Type words")');
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q', '"/" focuses the search box');
  await page.keyboard.type(q);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.hit .passage mark');
  assert.equal(new URL(page.url()).searchParams.get('q'), q, 'the query is in the URL');
}

async function checkResults(page) {
  const hits = await page.locator('.hit').count();
  assert.ok(hits >= 2, `several hits (${hits})`);
  const marks = await page.locator('.passage mark').allTextContents();
  assert.ok(marks.length > 0 && marks.every((m) => /^deterr/i.test(m)), `marks are the matches: ${marks}`);
  const title = await page.locator('.hit-title').first().textContent();
  assert.ok(title.trim().length > 0, 'hits have titles');
  const place = await page.locator('.passage .loc').first().textContent();
  assert.match(place, /^line \d+$/, 'passages show their line');
  const where = await page.locator('.hit-path').first().textContent();
  assert.match(where, /^\/.*\/docs\/[^/]+\.txt$/, 'hits show their path');
  /* each hit shows its path, and its file's name, once */
  const shown = await page.locator('.hit').evaluateAll((items) => items.map((item) => ({
    text: item.innerText, path: item.querySelector('.hit-path').textContent,
  })));
  for (const hit of shown) {
    const name = hit.path.slice(hit.path.lastIndexOf('/') + 1);
    assert.equal(hit.text.split(hit.path).length - 1, 1, `the path once in ${hit.text}`);
    assert.equal(hit.text.split(name).length - 1, 1, `the file name once in ${hit.text}`);
  }
  assert.ok(await page.locator('.passage .section').count() > 0, 'sections are shown');
  assert.match(await page.locator('#status').textContent(), /of (at least )?\d+/);
}

async function checkCopyCitation(page, index, q) {
  await page.locator('.passage button.copy').first().click();
  await page.waitForSelector('.copy-note:has-text("Copied")');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, cliCitation(index, q), 'the clipboard holds what searcher --cite prints');
  log(`copied: ${copied.slice(0, 100)}…`);
}

async function checkOpenDocument(page) {
  const first = page.locator('.passage').first();
  const loc = await first.locator('.loc').textContent();
  const line = Number(/^line (\d+)$/.exec(loc)[1]);
  const resultsUrl = page.url();
  await first.locator('.passage-text').click();
  await page.waitForSelector('#doc-view:not([hidden]) .line.target');
  const url = new URL(page.url());
  assert.equal(Number(url.searchParams.get('line')), line, 'the URL names the line');
  assert.ok(url.searchParams.get('doc'), 'the URL names the document');
  const target = page.locator('.line.target');
  assert.equal(Number(await target.locator('.number').textContent()), line, 'opened at the line');
  assert.ok(await page.locator('#doc-lines mark').count() > 0, 'matches marked in the document');
  assert.ok(await target.locator('mark').count() > 0, 'the target line has its match marked');
  assert.ok(await page.locator('#results-view').isHidden(), 'results hidden while reading');
  await page.goBack();
  await page.waitForSelector('#results-view:not([hidden]) .hit');
  assert.equal(page.url(), resultsUrl, 'back returns to the results');
  await page.goForward();
  await page.waitForSelector('#doc-view:not([hidden]) .line.target');
  return url.toString();
}

/* The document view, opened from the first passage, copies that
 * passage's citation: what `searcher --cite` prints for it. */
async function checkDocCopy(page, index, q) {
  await page.waitForSelector('#doc-view:not([hidden]) #doc-copy:not([disabled])');
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.locator('#doc-copy').click();
  await page.waitForSelector('#doc-copy-note:has-text("Copied")');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, cliCitation(index, q), 'the document view copies the passage it shows');
}

/* A bookmarked document opens directly; its Copy cites the target line. */
async function checkBookmark(context, docUrl) {
  const page = await context.newPage();
  await page.goto(docUrl);
  await page.waitForSelector('#doc-view:not([hidden]) .line.target mark');
  const doc = new URL(docUrl).searchParams.get('doc');
  await page.locator('#doc-copy').click();
  await page.waitForSelector('#doc-copy-note:has-text("Copied")');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const target = await page.locator('.line.target .text').textContent();
  const words = target.split(/\s+/).filter((w) => /^[a-z]{6,}$/i.test(w));
  assert.ok(copied.includes(doc), `the citation names the document: ${copied}`);
  assert.ok(words.length === 0 || copied.includes(words[0]), `the citation quotes the line: ${copied}`);
  await page.close();
}

/* /api/file answers the file's own bytes with its type. */
async function expectOriginal(context, base, href, file, type) {
  assert.ok(href.startsWith('/api/file?doc='), `a link to the original: ${href}`);
  const answer = await context.request.get(new URL(href, base).toString());
  assert.equal(answer.status(), 200, `GET ${href}`);
  assert.equal(answer.headers()['content-type'], type);
  assert.ok(Buffer.compare(await answer.body(), fs.readFileSync(file)) === 0, `${file} byte for byte`);
}

/* Each hit and the document view link to the original; a PDF's, at the
 * cited page. */
async function checkOriginalLinks(context, page, base, docs) {
  await page.goto(`${base}?q=deterrence`);
  await page.waitForSelector('.hit .passage mark');
  const hits = await page.locator('.hit').evaluateAll((items) => items.map((item) => ({
    path: item.querySelector('.hit-path').textContent,
    href: item.querySelector('a.original') && item.querySelector('a.original').getAttribute('href'),
  })));
  for (const hit of hits) {
    assert.ok(hit.href, `hit ${hit.path} links to its original`);
    assert.equal(new URL(hit.href, base).searchParams.get('doc'), hit.path);
    /* the sample shelf's text, and the filters' dated HTML briefs */
    const type = hit.path.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8';
    await expectOriginal(context, base, hit.href, hit.path, type);
  }
  assert.equal(await page.locator('a.original-page').count(), 0, 'no page links for text');
  await page.goto(`${base}?q=quasar`);
  await page.waitForSelector('.hit .passage mark');
  const pdf = path.join(docs, 'labels.pdf');
  const hitLink = page.locator('.hit a.original').first();
  assert.equal(await hitLink.getAttribute('target'), '_blank', 'the original opens in a new tab');
  const href = await hitLink.getAttribute('href');
  assert.ok(href.endsWith('#page=4'), `the PDF at the passage's page (printed 2, physical 4): ${href}`);
  await expectOriginal(context, base, href.split('#')[0], pdf, 'application/pdf');
  const pageLink = page.locator('.passage a.original-page').first();
  assert.equal(await pageLink.textContent(), 'Open the PDF at p. 2');
  assert.ok((await pageLink.getAttribute('href')).endsWith('#page=4'));
  await page.locator('.passage-text').first().click();
  await page.waitForSelector('#doc-view:not([hidden]) .line.target');
  const docHref = await page.locator('#doc-original').getAttribute('href');
  assert.equal(new URL(docHref, base).searchParams.get('doc'), pdf, 'the document view links its original');
  assert.ok(docHref.endsWith('#page=4'), `the document view's PDF at its page: ${docHref}`);
}

/* A hostile HTML original is sandboxed: an opaque origin, nothing runs. */
async function checkSandboxedHtml(context, base, docs) {
  const file = path.join(docs, 'axolotl.html');
  const page = await context.newPage();
  const answer = await page.goto(`${base}api/file?doc=${encodeURIComponent(file)}`);
  assert.match(answer.headers()['content-security-policy'], /^sandbox;/);
  assert.match(await page.locator('body').textContent(), /The axolotl page/);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => self.origin), 'null', 'an opaque origin');
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'nothing ran');
  assert.equal(await page.title(), 'Axolotl page');
  await page.close();
}

async function checkHelpAndErrors(page, base) {
  await page.goto(base);
  assert.ok(await page.locator('#help').isHidden());
  await page.locator('#help-toggle').click();
  assert.ok(await page.locator('#help').isVisible(), 'query syntax one click away');
  assert.match(await page.locator('#help').textContent(), /NEAR/);
  await page.goto(`${base}?q=${encodeURIComponent('"unbalanced')}`);
  await page.waitForSelector('#status.error');
  assert.match(await page.locator('#status').textContent(), /column 1/);
}

async function checkHostileDocument(page, base) {
  await page.goto(`${base}?q=zebrafish`);
  await page.waitForSelector('.hit .passage mark');
  const text = await page.locator('#results').textContent();
  assert.ok(text.includes('<script>'), 'the <script> tag shows as text');
  assert.ok(text.includes('<img src=x onerror='), 'the <img> tag shows as text');
  assert.equal(await page.locator('#results script, #results img').count(), 0, 'no element was made');
  await page.locator('.passage-text').first().click();
  await page.waitForSelector('#doc-view:not([hidden]) .line');
  const doc = await page.locator('#doc-lines').textContent();
  assert.ok(doc.includes('<script>window.__pwned = 1; alert("xss")</script>'));
  assert.ok(doc.includes('<img src=x onerror="window.__pwned = 2">'));
  assert.ok(doc.includes('&lt;b&gt; and <b>bold</b>'), 'entities and tags stay literal');
  assert.equal(await page.locator('#doc-lines script, #doc-lines img, #doc-lines b').count(), 0);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'nothing ran');
}

/* "did you mean": a misspelled query shows the corrected one as a link
 * that runs it */
async function checkSuggestion(page, base) {
  await page.goto(`${base}?q=deterence`);
  const link = page.locator('#status .suggestion-link');
  await link.waitFor();
  assert.equal(await link.textContent(), 'deterrence', 'the corrected query is offered');
  assert.match(await page.locator('#status').textContent(), /Did you mean deterrence\?/);
  await link.click();
  await page.waitForSelector('.hit .passage mark');
  assert.equal(new URL(page.url()).searchParams.get('q'), 'deterrence', 'the link runs it');
  assert.equal(await page.locator('#q').inputValue(), 'deterrence', 'the box shows it');
  assert.equal(await page.locator('#status .suggestion-link').count(), 0, 'none for a good query');
}

/* The filter controls and the sort select write the query and the sort
 * parameter; the hits obey them. */
async function checkFiltersAndSort(page, base) {
  await page.goto(base);
  await page.waitForSelector('#f-type option[value="html"]', { state: 'attached' });
  const types = await page.locator('#f-type option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(types.slice(0, 1), [''], 'the type select starts with "any"');
  assert.ok(types.includes('pdf') && types.includes('text'), `types from /api/types: ${types}`);
  await page.locator('#q').fill('deterrence');
  await page.locator('#f-type').selectOption('html');
  await page.locator('#f-in').fill('briefs');
  await page.locator('#sort').selectOption('-date');
  await page.locator('#q').press('Enter');
  await page.waitForSelector('.hit .passage mark');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('q'), 'deterrence type:html in:briefs', 'the controls wrote the query');
  assert.equal(url.searchParams.get('sort'), '-date', 'the sort is in the URL');
  assert.equal(await page.locator('#q').inputValue(), 'deterrence type:html in:briefs');
  assert.equal(await page.locator('#f-type').inputValue(), '', 'the controls are cleared once written');
  let paths = await page.locator('.hit .hit-path').allTextContents();
  assert.equal(paths.length, 2, `two briefs: ${paths}`);
  assert.ok(paths[0].endsWith('/briefs/newer.html') && paths[1].endsWith('/briefs/older.html'),
    `newest first: ${paths}`);
  await page.locator('#sort').selectOption('date');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'date');
  await page.waitForFunction(() => {
    const p = [...document.querySelectorAll('.hit .hit-path')].map((e) => e.textContent);
    return p.length === 2 && p[0].endsWith('older.html');
  });
  /* a date range: To includes its day */
  await page.locator('#q').fill('deterrence');
  await page.locator('#f-after').fill('2024-01-01');
  await page.locator('#f-before').fill('2024-09-30');
  await page.locator('#q').press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') ===
    'deterrence after:2024-01-01 before:2024-10-01');
  /* the previous query's hits stay on the page until this one's answer is
   * rendered, and they have marks too: wait for the title the page sets
   * when it renders this query's results */
  await page.waitForFunction(() =>
    document.title === 'deterrence after:2024-01-01 before:2024-10-01 — shelf');
  await page.waitForSelector('.hit .passage mark');
  paths = await page.locator('.hit .hit-path').allTextContents();
  assert.ok(paths.some((p) => p.endsWith('/briefs/newer.html')) &&
    !paths.some((p) => p.endsWith('/briefs/older.html')), `the date range: ${paths}`);
  /* the same content twice: one hit, both paths */
  await page.goto(`${base}?q=quokka`);
  await page.waitForSelector('.hit .passage mark');
  assert.equal(await page.locator('.hit').count(), 1, 'one hit for two copies');
  paths = await page.locator('.hit .hit-paths .hit-path').allTextContents();
  assert.equal(paths.length, 2, `both paths listed once: ${paths}`);
  assert.ok(paths.some((p) => p.endsWith('/briefs/quokka.txt')) && paths.some((p) => p.endsWith('/quokka-copy.txt')));
}

async function screenshots(browser, base, q) {
  fs.mkdirSync(output, { recursive: true });
  const wide = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  await wide.goto(`${base}?q=${encodeURIComponent(q)}`);
  await wide.waitForSelector('.hit .passage mark');
  await wide.screenshot({ path: path.join(output, 'results.png'), fullPage: false });
  await wide.locator('.passage-text').first().click();
  await wide.waitForSelector('#doc-view:not([hidden]) .line.target');
  await wide.screenshot({ path: path.join(output, 'document.png'), fullPage: false });
  await wide.close();
  const narrow = await browser.newPage({ viewport: { width: 360, height: 800 } });
  await narrow.goto(`${base}?q=${encodeURIComponent(q)}`);
  await narrow.waitForSelector('.hit .passage mark');
  const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, `no sideways scrolling at 360 px (${overflow})`);
  await narrow.screenshot({ path: path.join(output, 'results-360px.png') });
  await narrow.close();
  log(`screenshots in ${output}`);
}

async function main() {
  const { root, docs, index } = buildIndex();
  const { child, base } = await startServer(index);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    headless: true,
    args: ['--no-sandbox'],
  });
  const problems = [];
  let failed = null;
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base.replace(/\/$/, '') });
    const page = await context.newPage();
    watchPage(page, problems);
    const q = 'deterrence';
    await searchFromBox(page, base, q);
    await checkResults(page);
    log('results with marked passages: ok');
    await checkCopyCitation(page, index, q);
    log('copy citation: ok');
    const docUrl = await checkOpenDocument(page);
    await checkDocCopy(page, index, q);
    log('copy citation in the document view: ok');
    await checkBookmark(context, docUrl);
    log('document at its line, back/forward, bookmark: ok');
    await checkOriginalLinks(context, page, base, docs);
    await checkSandboxedHtml(context, base, docs);
    log('links to the original file, a PDF at its page, HTML sandboxed: ok');
    await checkHelpAndErrors(page, base);
    log('query syntax help and malformed query: ok');
    await checkHostileDocument(page, base);
    log('document full of HTML shown as text, nothing ran: ok');
    await checkSuggestion(page, base);
    log('did you mean, as a link that runs the corrected query: ok');
    await checkFiltersAndSort(page, base);
    log('filter controls, sort and duplicates: ok');
    await screenshots(browser, base, q);
    assert.deepEqual(problems, [], 'no dialogs, page errors or console errors');
  } catch (error) {
    failed = error;
  } finally {
    await browser.close();
    const code = await stopServer(child);
    if (!failed && code !== 0) failed = new Error(`server exited with ${code} on SIGTERM`);
    fs.rmSync(root, { recursive: true, force: true });
  }
  if (failed) {
    process.stderr.write(`e2e: FAILED: ${failed.stack || failed}\n`);
    if (problems.length) process.stderr.write(`e2e: also seen: ${problems.join('; ')}\n`);
    process.exit(1);
  }
  log('all checks passed');
}

main().catch((error) => {
  process.stderr.write(`e2e: FAILED: ${error.stack || error}\n`);
  process.exit(1);
});
