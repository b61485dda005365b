// run.mjs - end-to-end tests of the web console and the public portal in a real Chromium.
// One `gongzhi serve` over a fresh demo database (gongzhi demo --no-serve) on an ephemeral
// port; each role signs in in its own browser context. Prints "web: N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.GONGZHI_BIN || path.join(ROOT, 'gongzhi');
const SHOTS = path.join(ROOT, 'build', 'web-shots');
const PASSWORD = 'gongzhi-demo';
const only = process.argv[2] || '';

function startServer(db) {
  const env = { ...process.env, GONGZHI_LOG: 'warn' };
  const demo = spawnSync(BIN, ['demo', '--no-serve', '--db', db], { env, encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`gongzhi demo failed: ${demo.stderr}`);
  const srv = spawn(BIN, ['serve', '--db', db, '--port', '0', '--threads', '8'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  srv.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gongzhi serve did not start: ${err}`)), 15000);
    srv.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving http:\/\/([^/]+):(\d+)\//);
      if (m && /web console/.test(out)) { clearTimeout(timer); resolve({ srv, base: `http://127.0.0.1:${m[2]}` }); }
    });
    srv.on('exit', (code) => reject(new Error(`gongzhi serve exited ${code}: ${err}`)));
  });
}

let browser;
let base;
const contexts = [];

async function as(login, opts = {}) {
  const ctx = await browser.newContext({ viewport: opts.viewport || { width: 1366, height: 768 }, locale: opts.locale || 'en-US' });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.setDefaultTimeout(/san/.test(process.env.BUILD || '') ? 30000 : 15000);
  if (login) {
    await page.goto(`${base}/login`);
    await page.fill('#login', login);
    await page.fill('#password', PASSWORD);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#logout:not([hidden])');
  }
  return page;
}

function assert(cond, msg) { if (!cond) throw new Error(msg); }
const noteText = (page, sel) => page.locator(sel).innerText();

async function goto(page, p) {
  await page.evaluate((to) => window.gzNavigate(to), p);
}

async function submitAction(page, action, fill) {
  const form = page.locator(`form[data-action="${action}"]`);
  await form.waitFor();
  if (fill) await fill(form);
  // an earlier action's notice must not pass for this one's
  await page.evaluate(() => document.querySelectorAll('.notice.ok, .notice.error').forEach((n) => n.remove()));
  await form.locator('button[type=submit]').click();
  await page.waitForSelector('.notice.ok, .notice.error');
  const err = await page.locator('.notice.error').count();
  assert(!err, `${action}: ${err && await page.locator('.notice.error').first().innerText()}`);
}

async function rankingRow(page, code) {
  await goto(page, '/dashboard');
  await page.selectOption('select[name=level]', 'department');
  await page.click('form.row button[type=submit]');
  const row = page.locator(`#ranking tr[data-unit="${code}"]`);
  await row.waitFor();
  return { rank: await row.locator('td').first().innerText(), sat: await row.locator('td[data-k=satisfaction_rate]').innerText(),
    res: await row.locator('td[data-k=resolution_rate]').innerText() };
}

const state = {};

// The API straight from the test (setting a scene the browser then works on): a token per login.
const tokens = {};
async function call(login, method, p, body) {
  if (!tokens[login]) {
    const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }) });
    tokens[login] = (await r.json()).token;
  }
  const r = await fetch(`${base}/api/v1/${p}`, { method, headers: { Authorization: `Bearer ${tokens[login]}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
  const json = await r.json().catch(() => null);
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

// A real 1x1 PNG (tests/api/imgkit.py builds it byte by byte), written once.
let pngPath = null;
function png() {
  if (!pngPath) {
    pngPath = path.join(os.tmpdir(), `gz-web-${process.pid}.png`);
    const py = spawnSync('python3', ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'tests/api'))}); import imgkit; open(sys.argv[1], 'wb').write(imgkit.png())`, pngPath]);
    if (py.status !== 0) throw new Error(`imgkit: ${py.stderr}`);
  }
  return pngPath;
}

// A case of Ward 3 (the demo's street account's ward), dispatched to it.
async function wardCase(text) {
  const c = await call('operator', 'POST', 'cases', { channel: 'hotline', text, category: '0302', lat: 42.3601, lon: -71.0589, name: 'Zhao Xiaoming', phone: '13812340000' });
  const w03 = await call('dispatcher', 'GET', 'units/W03');
  await call('dispatcher', 'POST', `cases/${c.number}/actions`, { action: 'dispatch', unit: w03.id });
  return c.number;
}

const tests = {
  async closed_loop(shot) {
    const sup = await as('supervisor');
    const before = await rankingRow(sup, 'D-PWDx').catch(() => ({ rank: '—', sat: '—', res: '—' }));
    // the operator takes a call
    const op = await as('operator');
    await op.waitForSelector('#intake-map .leaflet-interactive');
    await op.fill('textarea[name=text]', 'Large pothole in the road outside the school, cars swerving');
    await op.selectOption('select[name=category]', '0101');
    await op.fill('input[name=name]', 'Li Lei');
    await op.fill('input[name=phone]', '13812345678');
    const box = await op.locator('#intake-map').boundingBox();
    await op.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await op.waitForFunction(() => /—/.test(document.getElementById('place').textContent));
    await op.click('form button[type=submit]');
    await op.waitForSelector('#intake-result dl');
    const number = (await op.locator('#intake-result dl a').first().innerText()).trim();
    state.number = number;
    assert(/^\d{8}-\d{6}$/.test(number), `case number ${number}`);
    const route = await noteText(op, '#route-explained');
    assert(route.length > 3, `routing explained: ${route}`);
    await shot(op, 'intake');
    // the dispatcher dispatches it to public works
    const disp = await as('dispatcher');
    await disp.click(`button[data-open="${number}"]`);
    const unit = disp.locator('#dispatch-panel select[name=unit]');
    await unit.waitFor();
    const value = await unit.evaluate((s) => [...s.options].find((o) => o.text.endsWith('(D-PWDx)')).value);
    await unit.selectOption(value);
    await disp.click('#do-dispatch');
    await disp.waitForSelector('#dispatch-panel .notice.ok');
    await shot(disp, 'dispatch');
    // the handler accepts from the inbox and replies on the case page
    const hd = await as('handler-pwdx');
    await hd.click(`button[data-accept="${number}"]`);
    await hd.waitForSelector('.notice.ok');
    await goto(hd, `/cases/${number}`);
    await submitAction(hd, 'reply', (f) => f.locator('textarea[name=text]').fill('Filled the pothole and resurfaced the lane.'));
    assert((await noteText(hd, '#case-reply')).includes('Filled the pothole'), 'reply shown');
    await shot(hd, 'reply');
    // the grid worker verifies on site
    const grid = await as('grid');
    await goto(grid, '/verify');
    await grid.click(`a[href="/cases/${number}"] >> nth=-1`);
    await submitAction(grid, 'verify');
    await shot(grid, 'verify');
    // the operator calls back: contacted, solved, satisfied; then closes
    await goto(op, `/cases/${number}`);
    await submitAction(op, 'revisit', async (f) => { await f.locator('select[name=satisfaction]').selectOption('satisfied'); });
    if (await op.locator('form[data-action="close"]').count()) await submitAction(op, 'close');
    const status = await noteText(op, '#case-status');
    assert(/Closed/.test(status), `status after revisit: ${status}`);
    const tl = await op.locator('#timeline li').count();
    assert(tl >= 6, `timeline has ${tl} events`);
    assert(await op.locator('#timeline li.internal').count() + await op.locator('#timeline li.public').count() === tl, 'each event public or internal');
    await shot(op, 'case');
    // the dashboard's ranking and rates changed
    await sup.reload();
    await sup.waitForSelector('#logout:not([hidden])');
    const after = await rankingRow(sup, 'D-PWDx');
    assert(after.rank === '1' && /100/.test(after.sat) && /100/.test(after.res), `ranking after: ${JSON.stringify(after)} (before ${JSON.stringify(before)})`);
    assert(before.sat !== after.sat, 'satisfaction changed');
    const periods = await sup.locator('#trend').getAttribute('data-periods');
    assert(periods === '12', `trend periods ${periods}`);
    await shot(sup, 'dashboard');
  },

  async portal_no_personal_data(shot) {
    const res = await as(null);
    await res.goto(`${base}/public/report`);
    await res.waitForSelector('#report-map .leaflet-interactive');
    await res.fill('textarea[name=text]', 'Streetlight out on the corner, very dark at night');
    await res.fill('input[name=name]', 'Wang Fang');
    await res.fill('input[name=phone]', '13900004444');
    const box = await res.locator('#report-map').boundingBox();
    await res.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await res.locator('input[name=photo]').setInputFiles(png());
    await res.click('form button[type=submit]');
    await res.waitForSelector('#new-number');
    assert(!(await res.locator('#report-result .notice.error').count()), await noteText(res, '#report-result'));
    const number = (await res.locator('#new-number').innerText()).trim();
    await res.click('#new-number');
    await res.waitForSelector('#track-status');
    await res.waitForSelector('#track-photos img[data-loaded]');
    let text = await res.locator('body').innerText();
    assert(text.includes('Streetlight out'), 'the report is shown');
    assert(!text.includes('Wang Fang') && !text.includes('13900004444'), 'no personal data on the tracking page');
    await shot(res, 'portal-track');
    if (state.number) {
      await res.goto(`${base}/public/track/${state.number}`);
      await res.waitForSelector('#track-status');
      text = await res.locator('body').innerText();
      assert(!text.includes('Li Lei') && !text.includes('13812345678') && !text.includes('138'), 'no reporter data of the closed-loop case');
      const html = await res.content();
      assert(!html.includes('13812345678'), 'no phone in the page source');
    }
    await res.goto(`${base}/public/map`);
    await res.waitForFunction(() => /\d/.test(document.querySelector('#view .hint')?.textContent || ''));
    await res.goto(`${base}/public/leaderboard`);
    await res.waitForSelector('#leaderboard table, #leaderboard .empty');
    await shot(res, 'portal-leaderboard');
    await res.goto(`${base}/public/policies`);
    await res.fill('input[name=q]', 'waste');
    await res.click('form[role=search] button[type=submit]');
    await res.waitForFunction(() => /Household waste sorting/.test(document.getElementById('policies').textContent));
    assert(number && !res.errors.length, `page errors: ${res.errors.join('; ')}`);
  },

  async whistle_on_the_case_page(shot) {
    const number = await wardCase('Collapsed kerb and a water leak under the road at the junction');
    const st = await as('street');
    await goto(st, `/cases/${number}`);
    await submitAction(st, 'whistle', async (f) => {
      const units = f.locator('select[name=units]');
      const value = await units.evaluate((s) => [...s.options].find((o) => o.text.endsWith('(D-PWDx)')).value);
      await units.selectOption([value]);
      await f.locator('input[name=minutes]').fill('45');
      await f.locator('input[name=reason]').fill('The road must be opened: public works needed');
    });
    const row = st.locator('#units tr[data-unit="D-PWDx"]');
    await row.waitFor();
    assert(await row.getAttribute('data-role') === 'whistled' && await row.getAttribute('data-state') === 'asked', 'the department is whistled');
    assert(/Whistled/.test(await row.innerText()) && /Report by/.test(await row.innerText()), `units row: ${await row.innerText()}`);
    await shot(st, 'whistled');
    // the department reports in, naming its person in charge
    const hd = await as('handler-pwdx');
    await goto(hd, `/cases/${number}`);
    await submitAction(hd, 'report', (f) => f.locator('input[name=person]').fill('Engineer Wang, 617-555-0100'));
    const after = hd.locator('#units tr[data-unit="D-PWDx"]');
    assert(await after.getAttribute('data-state') === 'reported', 'the department reported');
    assert((await after.innerText()).includes('Engineer Wang'), 'the person in charge is shown');
    assert(await hd.locator('form[data-action="co_reply"]').count() === 1, 'the reported unit may now reply');
    assert(await hd.locator('#timeline li[data-kind="report"]').count() === 1, 'the report is on the timeline');
    await shot(hd, 'reported');
    // the ranking's whistle column: the department reported in time
    const sup = await as('supervisor');
    await rankingRow(sup, 'D-PWDx');
    const rate = await sup.locator('#ranking tr[data-unit="D-PWDx"] td[data-k=whistle_report_rate]').innerText();
    assert(/100/.test(rate), `whistle report rate ${rate}`);
    // the badge's mode is set when the stream opens (or is refused): wait for it
    await sup.waitForSelector('#live[data-mode="live"], #live[data-mode="poll"]');
    assert(!st.errors.length && !hd.errors.length, `page errors: ${[...st.errors, ...hd.errors].join('; ')}`);
  },

  async handler_replies_with_a_photo(shot) {
    const c = await call('operator', 'POST', 'cases', { channel: 'hotline', text: 'Broken paving slabs in front of the library', category: '0302', lat: 42.3601, lon: -71.0589 });
    const pw = await call('dispatcher', 'GET', 'units/D-PWDx');
    await call('dispatcher', 'POST', `cases/${c.number}/actions`, { action: 'dispatch', unit: pw.id });
    await call('handler-pwdx', 'POST', `cases/${c.number}/actions`, { action: 'accept' });
    const hd = await as('handler-pwdx');
    await goto(hd, `/cases/${c.number}`);
    await submitAction(hd, 'reply', async (f) => {
      await f.locator('textarea[name=text]').fill('Relaid the slabs; photo of the finished pavement attached.');
      await f.locator('input[name=photo]').setInputFiles(png());
    });
    await hd.waitForSelector('#photo-list a[data-stage="reply"] img[data-loaded]');
    assert((await noteText(hd, '#case-status')).includes('Resolved'), 'the case is resolved');
    assert(await hd.locator('#timeline li[data-kind="attachment"]').count() === 1, 'the photo is on the timeline');
    await shot(hd, 'reply-photo');
    // the grid worker verifies with a photo of their own
    const grid = await as('grid');
    await goto(grid, `/cases/${c.number}`);
    await submitAction(grid, 'verify', (f) => f.locator('input[name=photo]').setInputFiles(png()));
    await grid.waitForSelector('#photo-list a[data-stage="verify"] img[data-loaded]');
    assert(await grid.locator('#photo-list img[data-loaded]').count() === 2, 'both photos shown');
    await shot(grid, 'verify-photo');
    assert(!hd.errors.length && !grid.errors.length, `page errors: ${[...hd.errors, ...grid.errors].join('; ')}`);
  },

  async kb_answer_at_intake(shot) {
    const op = await as('operator');
    await op.waitForSelector('#intake-map .leaflet-interactive');
    await op.fill('textarea[name=text]', 'Caller asks how soon the broken streetlight on her street will be fixed');
    await op.selectOption('select[name=category]', '0207');
    await op.waitForSelector('#kb-category li');
    await op.click('#intake-h ~ .actions button[type=submit], form[aria-labelledby=intake-h] button[type=submit]');
    await op.waitForSelector('#kb-suggestions li');
    const number = (await op.locator('#intake-result dl a').first().innerText()).trim();
    await op.click('#kb-suggestions button[data-kb-answer]');
    await op.waitForSelector('#kb-suggestions .notice.ok, #kb-suggestions .notice.error');
    assert(!(await op.locator('#kb-suggestions .notice.error').count()), await op.locator('#kb-suggestions').innerText());
    await op.waitForFunction(() => /Closed/.test(document.getElementById('result-status').textContent));
    const c = await call('operator', 'GET', `cases/${number}`);
    assert(c.status === 'closed' && /7 working days/.test(c.reply || ''), `answered: ${c.status} ${c.reply}`);
    // the search box finds policy entries too
    await op.fill('input[name=kb_q]', 'noise');
    await op.click('#kb-search button[type=submit]');
    await op.waitForSelector('#kb-results li');
    assert(/Night-time construction noise/.test(await noteText(op, '#kb-results')), 'the noise policy is found');
    await shot(op, 'kb-answer');
    assert(!op.errors.length, `page errors: ${op.errors.join('; ')}`);
  },

  async volunteers_claim_and_complete(shot) {
    // a volunteer team of Ward 3 that takes flyer removal (0104, claimable by its category)
    const team = await call('admin', 'POST', 'units', { code: 'V-W03', name: '第3选区志愿服务队', name_en: 'Ward 3 volunteers', kind: 'volunteer_team', parent: 'W03' });
    await call('admin', 'PUT', 'units/V-W03/capabilities', { categories: ['0104'] });
    const acc = await call('admin', 'POST', 'accounts', { login: 'volunteer', name: 'Volunteer', password: PASSWORD });
    await call('admin', 'POST', 'memberships', { account_id: acc.id, unit: team.id, role: 'handler' });
    const c = await call('operator', 'POST', 'cases', { channel: 'hotline', text: 'Flyers glued all over the bus shelter', category: '0104', lat: 42.3601, lon: -71.0589, hold: true });
    const v = await as('volunteer');
    await v.waitForSelector(`#open-claims tr[data-number="${c.number}"]`);
    await v.click(`button[data-claim="${c.number}"]`);
    await v.waitForSelector('.notice.ok');
    await v.waitForSelector(`#my-hours`);
    await goto(v, `/cases/${c.number}`);
    await submitAction(v, 'complete', async (f) => {
      await f.locator('textarea[name=text]').fill('Removed the flyers and cleaned the shelter.');
      await f.locator('input[name=hours]').fill('2.5');
      await f.locator('input[name=photo]').setInputFiles(png());
    });
    await v.waitForSelector('#photo-list a[data-stage="complete"] img[data-loaded]');
    assert(await v.locator('#units tr[data-role="claimant"]').getAttribute('data-state') === 'done', 'the claim is done');
    await goto(v, '/claims');
    await v.waitForSelector('#hours-total');
    assert(/2\.5/.test(await noteText(v, '#hours-total')), `hours: ${await noteText(v, '#hours-total')}`);
    await shot(v, 'claims');
    assert(!v.errors.length, `page errors: ${v.errors.join('; ')}`);
  },

  async admin_kb_scopes_capabilities(shot) {
    const ad = await as('admin');
    await goto(ad, '/admin');
    await ad.click('button[data-tab="kb"]');
    await ad.click('#kb-new');
    const f = ad.locator('#kb-form');
    await f.locator('select[name=kind]').selectOption('policy');
    await f.locator('input[name=title]').fill('共享单车停放规定');
    await f.locator('input[name=title_en]').fill('Shared bicycle parking rules');
    await f.locator('textarea[name=body]').fill('共享单车应停放在划定的停车区域内。');
    await f.locator('textarea[name=body_en]').fill('Shared bicycles are parked in the marked bays only.');
    await f.locator('input[name=keywords]').fill('bicycle, 单车');
    await f.locator('button[type=submit]').click();
    await ad.waitForFunction(() => /Shared bicycle parking rules/.test(document.querySelector('[role=tabpanel]').textContent));
    const pub = await (await fetch(`${base}/api/v1/public/kb?q=bicycle`)).json();
    assert(pub.items.length === 1, 'the policy is public');
    // an API client that reads the cases of category 01 in Ward 3, and its access records
    await ad.click('button[data-tab="clients"]');
    await ad.fill('[role=tabpanel] input[name=name]', 'Sanitation department system');
    await ad.selectOption('[role=tabpanel] select[name=access]', 'read');
    await ad.fill('[role=tabpanel] input[name=categories]', '01');
    await ad.fill('[role=tabpanel] input[name=areas]', 'W03');
    await ad.fill('[role=tabpanel] input[name=fields]', '*');
    await ad.click('[role=tabpanel] form button[type=submit]');
    await ad.waitForSelector('[role=tabpanel] .notice.ok code');
    await ad.locator('[role=tabpanel] tr[data-client] button').last().click();
    await ad.waitForSelector('#client-scope');
    assert(await ad.locator('#client-scope select[name=access]').inputValue() === 'read', 'the scope is shown');
    // what the volunteer team claims (made by the claims test)
    await ad.click('button[data-tab="capabilities"]');
    await ad.waitForSelector('#capabilities, [role=tabpanel] .empty');
    if (await ad.locator('#capabilities').count()) {
      await ad.waitForFunction(() => document.querySelector('#capabilities input[name=categories]').value !== '');
      await ad.fill('#capabilities input[name=categories]', '0104, 0108');
      await ad.click('#capabilities button[type=submit]');
      await ad.waitForSelector('#capabilities .notice.ok');
    }
    // the working calendar: a day made a holiday is listed
    await ad.click('button[data-tab="calendar"]');
    await ad.waitForSelector('#calendar-form');
    await ad.fill('#calendar-form input[name=date]', '2027-03-15');
    await ad.selectOption('#calendar-form select[name=kind]', 'holiday');
    await ad.click('#calendar-form button[type=submit]');
    await ad.waitForSelector('[role=tabpanel] tr[data-day="2027-03-15"]');
    await shot(ad, 'admin');
    assert(!ad.errors.length, `page errors: ${ad.errors.join('; ')}`);
  },

  // the dashboard follows the SSE stream: a case taken in elsewhere makes it read the figures again
  async dashboard_live(shot) {
    const sup = await as('supervisor');
    await goto(sup, '/dashboard');
    await sup.waitForSelector('#live[data-mode="live"]', { timeout: 15000 });
    const reread = sup.waitForRequest((r) => r.url().includes('/api/v1/kpi'), { timeout: 15000 });
    await wardCase('Live dashboard: a fallen branch blocks the pavement');
    await reread;
    await shot(sup, 'dashboard-live');
    assert(!sup.errors.length, `page errors: ${sup.errors.join('; ')}`);
  },

  async language_switch(shot) {
    const zh = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/i18n/zh.json'), 'utf8'));
    const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/i18n/en.json'), 'utf8'));
    assert(JSON.stringify(Object.keys(zh).sort()) === JSON.stringify(Object.keys(en).sort()), 'zh and en have the same keys');
    const keys = Object.keys(en);
    const page = await as('admin', { locale: 'zh-CN' });
    const chrome = () => page.evaluate(() => [...document.querySelectorAll('nav a, h1, h2, h3, label, button, th, .tabs button, [role=tab]')]
      .filter((e) => e.offsetParent !== null).map((e) => e.textContent.trim()).filter((s) => s && /[A-Za-z\u4e00-\u9fff]/.test(s)));
    const screens = ['/intake', '/dispatch', '/inbox', '/verify', '/cases', '/dashboard', '/admin'];
    if (state.number) screens.push(`/cases/${state.number}`);
    for (const s of screens) {
      await goto(page, s);
      await page.waitForSelector('#view h1');
      await page.waitForTimeout(150);
      const zhTexts = await chrome();
      const body = await page.locator('body').innerText();
      for (const k of keys) assert(!body.includes(k) || !/^[a-z_]+\.[a-z_.]+$/.test(k) || !new RegExp(`(^|\\s)${k.replace(/\./g, '\\.')}(\\s|$)`).test(body), `untranslated key ${k} on ${s}`);
      await page.selectOption('#lang', 'en');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await page.waitForSelector('#view h1');
      await page.waitForTimeout(150);
      const enTexts = await chrome();
      const cjk = enTexts.filter((x) => /[\u4e00-\u9fff]/.test(x) && !/[A-Za-z]{3}/.test(x));
      assert(!cjk.length, `Chinese left in English on ${s}: ${cjk.slice(0, 5).join(' | ')}`);
      const same = zhTexts.filter((x) => enTexts.includes(x) && /[A-Za-z\u4e00-\u9fff]{2}/.test(x) && !/^[\w.-]+$/.test(x));
      assert(same.length <= 2, `unchanged by the switch on ${s}: ${same.slice(0, 5).join(' | ')}`);
      const bodyEn = await page.locator('body').innerText();
      for (const k of keys) assert(!new RegExp(`(^|\\s)${k.replace(/\./g, '\\.')}(\\s|$)`).test(bodyEn), `untranslated key ${k} on ${s} (en)`);
      if (s === '/admin') await shot(page, 'admin-en');
      await page.selectOption('#lang', 'zh');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    }
    await shot(page, 'admin-zh');
    // every administration tab, in both languages
    const leftKey = (text) => keys.find((k) => new RegExp(`(^|\\s)${k.replace(/\./g, '\\.')}(\\s|$)`).test(text));
    for (const l of ['zh', 'en']) {
      await page.selectOption('#lang', l);
      await goto(page, '/admin');
      await page.waitForSelector('.tabs button');
      for (const tab of await page.locator('.tabs button').all()) {
        await tab.click();
        await page.waitForTimeout(250);
        const k = leftKey(await page.locator('body').innerText());
        assert(!k, `untranslated key ${k} on the admin tab ${await tab.getAttribute('data-tab')} (${l})`);
      }
    }
    // remembered across a reload
    await page.selectOption('#lang', 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.reload();
    await page.waitForSelector('#view h1');
    assert(await page.evaluate(() => document.documentElement.lang) === 'en', 'language remembered');
  },

  async phone_width_and_keyboard(shot) {
    const page = await as(null, { viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/login`);
    await page.waitForSelector('#login');
    // by keyboard alone: the login field has the focus, Tab goes on to the password
    assert(await page.evaluate(() => document.activeElement.id) === 'login', 'the login field has the focus');
    await page.keyboard.type('handler-pwdx');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement.id) === 'password', 'Tab reaches the password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#view h1');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `no horizontal scroll at phone width (${overflow}px)`);
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((e) => e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.name || e.id));
    assert(!unlabelled.length, `controls without a label: ${unlabelled.join(', ')}`);
    await page.click('.menu-toggle');
    assert(await page.locator('nav.open').count() === 1, 'the menu opens');
    await shot(page, 'phone-inbox');
  },
};

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gz-web-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  let srv;
  let pass = 0;
  let fail = 0;
  try {
    ({ srv, base } = await startServer(path.join(tmp, 'web.db')));
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    for (const [name, fn] of Object.entries(tests)) {
      if (only && !name.includes(only)) continue;
      const shots = [];
      const shot = async (page, label) => { const f = path.join(SHOTS, `${name}-${label}.png`); await page.screenshot({ path: f, fullPage: true }); shots.push(f); };
      const t0 = Date.now();
      try {
        await fn(shot);
        pass++;
        console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        if (!process.env.GZ_KEEP_SHOTS) for (const f of shots) fs.rmSync(f, { force: true });
      } catch (e) {
        fail++;
        console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
        for (const ctx of contexts) for (const p of ctx.pages()) {
          const f = path.join(SHOTS, `${name}-failed-${contexts.indexOf(ctx)}.png`);
          await p.screenshot({ path: f, fullPage: true }).catch(() => {});
        }
        console.log(`     screenshots in ${path.relative(ROOT, SHOTS)}/`);
      }
      for (const ctx of contexts.splice(0)) await ctx.close();
    }
  } catch (e) {
    fail++;
    console.log(`FAIL setup: ${e.message}`);
  } finally {
    if (browser) await browser.close();
    if (srv) srv.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`web: ${pass} passed, ${fail} failed`);
  process.exit(fail ? 1 : 0);
}

main();
