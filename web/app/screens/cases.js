// cases.js - search every case the caller may see: text, status, overdue; server-side pages.
import { get, qs } from '../api.js';
import { t, tOr } from '../i18n.js';
import { h, clear, field, select, casePager, caseLink, when, statusBadge, notice, errorText } from '../ui.js';

const STATUSES = ['received', 'dispatched', 'accepted', 'returned', 'resolved', 'verified', 'closed', 'parked', 'merged', 'invalid'];

export async function render(el) {
  const q = h('input', { type: 'search', name: 'q' });
  const status = select([['', t('common.all')], ...STATUSES.map((s) => [s, tOr(`status.${s}`, s)])], '', { name: 'status' });
  const overdue = h('input', { type: 'checkbox', name: 'overdue' });
  const list = h('div');
  const form = h('form', { class: 'card row', role: 'search' }, field('cases.search', q), field('case.status', status),
    h('div', { class: 'field' }, h('label', {}, overdue, ' ', t('inbox.overdue'))),
    h('button', { type: 'submit' }, t('cases.find')));
  clear(el, h('h1', {}, t('nav.cases')), form, h('div', { class: 'card' }, list));
  const load = () => casePager(list, { q: q.value.trim(), status: status.value, overdue: overdue.checked ? 'true' : '' }, [
    { key: 'case.number', cell: caseLink },
    { key: 'case.status', cell: (c) => statusBadge(c.status) },
    { key: 'case.text', cell: (c) => (c.text.length > 80 ? `${c.text.slice(0, 80)}…` : c.text) },
    { key: 'case.created', cell: (c) => when(c.created_at) },
    { key: 'case.resolve_by', cell: (c) => when(c.resolve_by) },
  ], { api: { get, qs }, onError: (e) => notice(list, 'error', errorText(e)) });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  await load();
}
