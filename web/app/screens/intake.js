// intake.js - the operator takes a call (or a grid worker reports on patrol): text with live
// category suggestions, a click on the map for the place, a photo, then the intake's answer: the
// case, its duplicate candidates ("me too" / merge), the routing decision explained, and the
// knowledge base's entries — "answer with this entry" closes a consultation at first contact.
import { get, post, qs } from '../api.js';
import { t, nameOf, fmtPct, fmtNum, currentLang } from '../i18n.js';
import { h, clear, field, select, notice, errorText, statusBadge } from '../ui.js';
import { makeMap, addJurisdictions, pin } from '../map.js';
import { categorySelect, unitName, categoryName } from '../widgets.js';
import { hasRole } from '../session.js';
import { photoInput, sendPhoto } from '../photos.js';

export async function render(el) {
  const grid = hasRole('grid_worker') && !hasRole('operator', 'admin');
  const channel = select([['hotline', t('channel.hotline')], ['web', t('channel.web')], ['app', t('channel.app')],
    ['grid', t('channel.grid')], ['sensor', t('channel.sensor')]], grid ? 'grid' : 'hotline', { name: 'channel' });
  const text = h('textarea', { name: 'text', required: true, maxlength: 4000 });
  const cat = await categorySelect('', { name: 'category' });
  if (!hasRole('operator', 'dispatcher', 'admin')) cat.disabled = true;
  const suggest = h('div', { class: 'chips', 'aria-live': 'polite' });
  const address = h('input', { name: 'address' });
  const name = h('input', { name: 'name', autocomplete: 'off' });
  const phone = h('input', { name: 'phone', type: 'tel', autocomplete: 'off' });
  const anonymous = h('input', { type: 'checkbox', name: 'anonymous' });
  const priority = select([['normal', t('priority.normal')], ['urgent', t('priority.urgent')]], 'normal', { name: 'priority' });
  const hold = h('input', { type: 'checkbox', name: 'hold' });
  const place = h('p', { class: 'hint', id: 'place' }, t('intake.click_map'));
  const kb = h('div', { hidden: true, id: 'kb-category' });
  const photo = photoInput('photo');
  const kbQ = h('input', { type: 'search', name: 'kb_q' });
  const kbOut = h('div', { id: 'kb-results' });
  const kbForm = h('form', { class: 'card', role: 'search', id: 'kb-search', 'aria-labelledby': 'kb-h' },
    h('h2', { id: 'kb-h' }, t('kb.title')), h('div', { class: 'row' }, field('kb.search', kbQ), h('button', { type: 'submit' }, t('kb.find'))), kbOut);
  const msg = h('div');
  const result = h('div', { id: 'intake-result' });
  const mapEl = h('div', { class: 'map tall', id: 'intake-map' });
  let point = null;

  const form = h('form', { class: 'card', 'aria-labelledby': 'intake-h' },
    h('h2', { id: 'intake-h' }, t('intake.title')),
    field('intake.channel', channel),
    field('intake.text', text),
    h('div', {}, h('span', { class: 'pill' }, t('intake.suggestions')), suggest),
    field('intake.category', cat),
    kb,
    field('intake.address', address),
    place,
    field('photo.add', photo, t('photo.hint')),
    h('div', { class: 'row' }, field('intake.name', name), field('intake.phone', phone)),
    h('div', { class: 'row' }, field('intake.priority', priority),
      h('div', { class: 'field' }, h('label', {}, anonymous, ' ', t('intake.anonymous'))),
      h('div', { class: 'field' }, h('label', {}, hold, ' ', t('intake.hold')))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('intake.submit')),
      h('button', { type: 'reset', class: 'secondary' }, t('common.reset'))),
    msg);

  clear(el, h('h1', {}, t('nav.intake')),
    h('div', { class: 'cols' }, h('div', {}, form, kbForm), h('div', {}, h('div', { class: 'card' }, mapEl), result)));

  // the map: click to place the report
  const map = makeMap(mapEl, { label: t('intake.map_label') });
  addJurisdictions(map).catch(() => {});
  let marker = null;
  map.on('click', async (ev) => {
    point = { lat: +ev.latlng.lat.toFixed(6), lon: +ev.latlng.lng.toFixed(6) };
    if (marker) marker.remove();
    marker = pin(point.lat, point.lon).addTo(map);
    place.textContent = `${t('intake.point')}: ${fmtNum(point.lat, 5)}, ${fmtNum(point.lon, 5)}`;
    try {
      const loc = await get(`locate${qs(point)}`);
      place.textContent += loc.located ? ` — ${loc.units.map(nameOf).join(' › ')}` : ` — ${t('intake.unlocated')}`;
    } catch { /* the point stays; locating is a hint */ }
  });

  // live suggestions while typing (debounced)
  let timer = null;
  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => liveSuggest(text.value, address.value, suggest, cat, kb), 300);
  });
  cat.addEventListener('change', () => showKb(cat.value, kb));

  kbForm.addEventListener('submit', (ev) => { ev.preventDefault(); kbSearch(kbQ.value.trim(), cat.value, kbOut); });
  form.addEventListener('reset', () => { point = null; if (marker) marker.remove(); place.textContent = t('intake.click_map'); clear(suggest); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { channel: channel.value, text: text.value, priority: priority.value };
    if (cat.value) body.category = cat.value;
    if (address.value.trim()) body.address = address.value.trim();
    if (name.value.trim()) body.name = name.value.trim();
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (anonymous.checked) body.anonymous = true;
    if (hold.checked) body.hold = true;
    if (point) Object.assign(body, point);
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const c = await post('cases', body, { 'Idempotency-Key': `web-${Date.now()}-${Math.random().toString(36).slice(2)}` });
      notice(msg, 'ok', t('intake.created', { number: c.number }));
      try { await sendPhoto(c.number, 'intake', photo); } catch (e) { notice(msg, 'error', `${t('photo.failed')}: ${errorText(e)}`); }
      current.c = c;
      await showResult(result, c);
    } catch (e) {
      notice(msg, 'error', errorText(e));
    } finally {
      btn.disabled = false;
    }
  });
  text.focus();
}

async function liveSuggest(text, address, box, cat, kb) {
  if (text.trim().length < 2) return clear(box);
  try {
    const r = await get(`classify${qs({ text, address })}`);
    clear(box, r.suggestions.length ? r.suggestions.map((s) => h('button', {
      type: 'button', class: 'chip', dataset: { code: s.category },
      onclick: () => { cat.value = s.category; showKb(s.category, kb); },
    }, `${s.category} ${nameOf(s)} ${fmtPct(s.p, 0)}`)) : h('span', { class: 'hint' }, r.trained ? t('intake.no_suggestions') : t('intake.not_trained')));
  } catch { clear(box); }
}

// The case just taken in, while it may still be answered from the knowledge base.
const current = { c: null };

const kbTitle = (e) => (currentLang() === 'en' && e.title_en ? e.title_en : e.title || e.title_en);
const kbBody = (e) => (currentLang() === 'en' && e.body_en ? e.body_en : e.body || e.body_en);

// One entry: title, body, and "answer with this entry" while the case taken in may be answered.
function kbItem(e, after) {
  const msg = h('div');
  const btn = h('button', { type: 'button', class: 'secondary', dataset: { kbAnswer: e.id }, hidden: e.kind !== 'answer' && e.kind !== 'policy',
    onclick: () => answerWith(e, msg, after) }, t('kb.answer_with'));
  const on = () => { btn.disabled = !current.c || !current.c.allowed_actions.includes('answer'); };
  on();
  return h('li', { dataset: { kb: e.id } }, h('strong', {}, kbTitle(e)), ' ', h('span', { class: 'badge' }, t(`kb.kind_${e.kind}`)),
    e.body !== undefined ? h('p', {}, kbBody(e)) : null, btn, msg);
}

async function answerWith(e, msg, after) {
  const c = current.c;
  if (!c) return notice(msg, 'error', t('kb.no_case'));
  try {
    await post(`cases/${c.number}/actions`, { action: 'answer', kb_entry: e.id, lang: currentLang() });
    current.c = null;
    for (const b of document.querySelectorAll('button[data-kb-answer]')) b.disabled = true;
    notice(msg, 'ok', t('kb.answered', { number: c.number }));
    if (after) after();
  } catch (err) { notice(msg, 'error', errorText(err)); }
}

async function kbSearch(q, category, out) {
  try {
    const r = await get(`kb${qs({ q, category: q ? '' : category, current: 'true', limit: 10 })}`); // a category narrows, so only without words
    clear(out, r.items.length ? h('ul', { class: 'kb-list' }, r.items.map((e) => kbItem(e))) : h('p', { class: 'empty' }, t('kb.nothing')));
  } catch (e) { notice(out, 'error', errorText(e)); }
}

// The category's answers in force, shown while the operator is still on the call.
async function showKb(code, box) {
  box.hidden = true;
  if (!code) return;
  let items = [];
  try { items = (await get(`kb${qs({ category: code, kind: 'answer', current: 'true', limit: 3 })}`)).items; } catch { items = []; }
  if (!items.length) {
    let answer = null;
    try { answer = (await get(`categories/${encodeURIComponent(code)}`)).kb_answer; } catch { answer = null; }
    if (!answer) return;
    clear(box, h('div', { class: 'notice info' }, h('strong', {}, t('intake.kb')), ' ', answer));
  } else clear(box, h('div', { class: 'notice info' }, h('strong', {}, t('intake.kb')),
    h('ul', { class: 'kb-list' }, items.map((e) => h('li', {}, h('strong', {}, kbTitle(e)), h('p', {}, kbBody(e)))))));
  box.hidden = false;
}

async function showResult(box, c) {
  const r = c.route || {};
  const routeText = [];
  if (r.source) routeText.push(t(`route.source.${r.source}`));
  const lead = r.lead_unit_id ? await unitName(r.lead_unit_id) : null;
  const dl = h('dl', { class: 'kv' },
    h('dt', {}, t('case.number')), h('dd', {}, h('a', { href: `/cases/${c.number}`, dataset: { link: '' } }, c.number)),
    h('dt', {}, t('case.status')), h('dd', { id: 'result-status' }, statusBadge(c.status)),
    h('dt', {}, t('case.category')), h('dd', {}, await categoryName(c.category)),
    h('dt', {}, t('route.title')), h('dd', { id: 'route-explained' },
      routeText.join(' '), lead ? ` → ${lead}` : '',
      r.dispatched ? ` — ${t('route.dispatched')}` : '',
      r.held ? ` — ${t('route.held')}: ${t(`route.held_reason.${heldKey(r.held)}`)}` : '',
      r.rule_id ? ` (${t('route.rule')} #${r.rule_id})` : ''));
  const parts = [h('h2', {}, t('intake.result')), dl];
  if (c.suggested_categories?.length)
    parts.push(h('h3', {}, t('intake.suggested')), h('ul', {}, c.suggested_categories.map((s) => h('li', {}, `${s.category} ${fmtPct(s.p, 0)}`))));
  const dups = c.duplicate_candidates || [];
  parts.push(h('h3', {}, t('intake.duplicates')));
  if (!dups.length) parts.push(h('p', { class: 'empty' }, t('intake.no_duplicates')));
  const dmsg = h('div');
  for (const d of dups) {
    parts.push(h('div', { class: 'card dup', dataset: { number: d.number } },
      h('a', { href: `/cases/${d.number}`, dataset: { link: '' } }, d.number), ' ',
      d.likely ? h('strong', {}, t('intake.likely')) : '',
      h('p', { class: 'hint' }, t('intake.dup_detail', { score: fmtPct(d.score, 0), m: fmtNum(d.distance_m, 0) })),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => metoo(c, d, dmsg) }, t('intake.metoo')),
        c.allowed_actions.includes('merge') ? h('button', { type: 'button', onclick: () => merge(c, d, dmsg) }, t('intake.merge')) : null)));
  }
  parts.push(dmsg);
  if (c.kb_suggestions?.length) {
    const status = () => get(`cases/${c.number}`).then((x) => { const dd = box.querySelector('#result-status'); if (dd) clear(dd, statusBadge(x.status)); }).catch(() => {});
    parts.push(h('h3', {}, t('kb.suggestions')), h('ul', { class: 'kb-list', id: 'kb-suggestions' }, c.kb_suggestions.map((e) => kbItem(e, status))));
  }
  if (c.allowed_actions.includes('answer')) {
    const ans = h('textarea', { name: 'answer' });
    const amsg = h('div');
    parts.push(h('h3', {}, t('intake.answer_now')), field('intake.answer_text', ans),
      h('button', { type: 'button', onclick: async () => {
        try { await post(`cases/${c.number}/actions`, ans.value.trim() ? { action: 'answer', text: ans.value } : { action: 'answer' }); notice(amsg, 'ok', t('intake.answered')); } catch (e) { notice(amsg, 'error', errorText(e)); }
      } }, t('action.answer')), amsg);
  }
  clear(box, h('section', { class: 'card', 'aria-live': 'polite' }, parts));
}

function heldKey(s) {
  if (/uncertain/.test(s)) return 'uncertain';
  if (/no rule/.test(s)) return 'no_rule';
  if (/knowledge/.test(s)) return 'kb';
  if (/hold|held|asked/.test(s)) return 'asked';
  return 'other';
}

async function metoo(c, d, msg) {
  // the caller's report joins the open case: it counts one more reporter there, and the new
  // case is merged into it so nothing is handled twice
  try {
    await post(`cases/${d.number}/metoo`, { channel: c.channel });
    if (c.allowed_actions.includes('merge')) await post(`cases/${c.number}/actions`, { action: 'merge', into: d.number });
    notice(msg, 'ok', t('intake.metoo_done', { number: d.number }));
  } catch (e) { notice(msg, 'error', errorText(e)); }
}

async function merge(c, d, msg) {
  try {
    await post(`cases/${c.number}/actions`, { action: 'merge', into: d.number });
    notice(msg, 'ok', t('intake.merged', { number: d.number }));
  } catch (e) { notice(msg, 'error', errorText(e)); }
}
