// inbox.js - a handler's cases, by deadline, overdue and due-soon highlighted; the actions
// (accept, return with a reason, reply, request an extension) are on each case's page, opened
// from here, and the two most frequent ones right in the row.
import { get, post, qs } from '../api.js';
import { t } from '../i18n.js';
import { h, clear, casePager, caseLink, when, statusBadge, notice, errorText, deadlineClass } from '../ui.js';
import { unitOf } from '../session.js';

export async function render(el) {
  const list = h('div');
  const msg = h('div');
  const unit = unitOf('handler', 'admin');
  const legend = h('p', { class: 'hint' }, h('span', { class: 'badge overdue-key' }, t('inbox.overdue')), ' ',
    h('span', { class: 'badge due-key' }, t('inbox.due_soon')));
  clear(el, h('h1', {}, t('nav.inbox')), legend, msg, h('div', { class: 'card' }, list));
  const load = () => casePager(list, { unit, subtree: 'true', status: 'dispatched,accepted', sort: 'deadline', order: 'asc' }, [
    { key: 'case.number', cell: caseLink },
    { key: 'case.status', cell: (c) => statusBadge(c.status) },
    { key: 'case.text', cell: (c) => (c.text.length > 70 ? `${c.text.slice(0, 70)}…` : c.text) },
    { key: 'case.respond_by', cell: (c) => when(c.respond_by) },
    { key: 'case.resolve_by', cell: (c) => h('span', {}, when(c.resolve_by), ' ', deadlineLabel(c)) },
    { key: 'common.actions', cell: (c) => h('span', { class: 'actions' },
      c.status === 'dispatched' ? h('button', { type: 'button', dataset: { accept: c.number }, onclick: () => accept(c.number, msg, load) }, t('action.accept')) : null,
      h('a', { href: `/cases/${c.number}`, dataset: { link: '' } }, t('inbox.open'))) },
  ], { api: { get, qs }, onError: (e) => notice(msg, 'error', errorText(e)) });
  await load();
}

function deadlineLabel(c) {
  const k = deadlineClass(c);
  return k ? h('strong', { class: k }, t(k === 'overdue' ? 'inbox.overdue' : 'inbox.due_soon')) : '';
}

async function accept(number, msg, reload) {
  try {
    await post(`cases/${number}/actions`, { action: 'accept' });
    notice(msg, 'ok', t('inbox.accepted', { number }));
    await reload();
  } catch (e) { notice(msg, 'error', errorText(e)); }
}
