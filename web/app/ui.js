// ui.js - building the DOM without innerHTML (data never becomes markup), and the few
// widgets every screen shares: a status badge, a table with server-side paging, messages.
import { t, tOr, fmtDate } from './i18n.js';

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const statusBadge = (s) => h('span', { class: `badge st-${s}` }, tOr(`status.${s}`, s));

// A labelled form control: label text (translated) + the control, associated by id.
let uid = 0;
export function field(labelKey, control, hint) {
  const id = control.id || `f${++uid}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, t(labelKey)), control,
    hint ? h('small', { class: 'hint' }, hint) : null);
}

export function select(options, value, attrs) {
  const s = h('select', attrs || {});
  for (const [v, label] of options) s.append(h('option', { value: v, selected: String(v) === String(value) }, label));
  return s;
}

// A message line for errors and confirmations; role=status so screen readers hear it.
export function notice(el, kind, text) {
  clear(el, text ? h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text) : null);
}

export function errorText(e) {
  if (!e) return '';
  const msg = e.message || String(e);
  return e.field ? `${msg} (${e.field})` : msg;
}

// Deadline state of a case: overdue, due soon (within 24 h), or nothing.
export function deadlineClass(c) {
  if (c.overdue) return 'overdue';
  const by = c.resolve_by ? Date.parse(c.resolve_by) : NaN;
  if (!isNaN(by) && by - Date.now() < 24 * 3600e3) return 'due-soon';
  return '';
}

/*
 * A table of cases from GET /cases with keyset paging: the server pages (limit + next_cursor);
 * "more" fetches the next page. cols: [{key: i18n key, cell: (case) => node}].
 */
export function casePager(container, query, cols, opts = {}) {
  const { get, qs } = opts.api;
  const tbody = h('tbody');
  const table = h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c.key))))), tbody);
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, t('common.more'));
  const empty = h('p', { class: 'empty', hidden: true }, t('common.none'));
  let cursor = null;
  async function load() {
    const page = await get(`cases${qs({ ...query, limit: opts.limit || 25, cursor })}`);
    for (const c of page.items) {
      const tr = h('tr', { class: deadlineClass(c), dataset: { number: c.number } },
        cols.map((col) => h('td', {}, col.cell(c))));
      tbody.append(tr);
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
    empty.hidden = tbody.children.length > 0;
    if (opts.onPage) opts.onPage(page.items);
  }
  more.addEventListener('click', () => load().catch(opts.onError));
  clear(container, table, empty, more);
  return load();
}

export const caseLink = (c) => h('a', { href: `/cases/${c.number}`, dataset: { link: '' } }, c.number);
export const when = (iso) => h('time', { datetime: iso || '' }, fmtDate(iso));
