// claims.js - outside units (volunteer teams, enterprises, social organisations, party and mass
// organisations) claim open tasks (认领): the open claimable cases matching their capabilities,
// listed and on the map (GET /claims/open, no personal data), a claim in one click, and the
// account's own claims and volunteer hours (GET /accounts/{id}/claims). Giving back and
// completing (with hours and a photo) are on each case's page, where the claimant's forms show.
import { get, post, qs } from '../api.js';
import { t, fmtNum } from '../i18n.js';
import { h, clear, field, select, notice, errorText, when, statusBadge } from '../ui.js';
import { makeMap, addJurisdictions, clusterLayer, pin } from '../map.js';
import { session } from '../session.js';
import { unitName, categoryName } from '../widgets.js';

const caseLink = (n) => h('a', { href: `/cases/${n}`, dataset: { link: '' } }, n);

async function openList(box, layer, unit, msg, reload) {
  const r = await get(`claims/open${qs({ unit: unit.value, limit: 100 })}`);
  layer.clearLayers();
  const rows = await Promise.all(r.items.map(async (c) => {
    if (c.lat !== null && c.lon !== null) layer.addLayer(pin(c.lat, c.lon, `${c.number} ${c.text.slice(0, 40)}`));
    return h('tr', { dataset: { number: c.number } }, h('td', {}, caseLink(c.number)), h('td', {}, await categoryName(c.category)),
      h('td', {}, c.text.length > 70 ? `${c.text.slice(0, 70)}…` : c.text), h('td', { class: 'wide' }, c.address || '—'),
      h('td', {}, when(c.resolve_by)),
      h('td', {}, h('button', { type: 'button', dataset: { claim: c.number }, onclick: async () => {
        try {
          await post(`cases/${c.number}/actions`, { action: 'claim', unit: Number(unit.value) });
          notice(msg, 'ok', t('claims.claimed', { number: c.number }));
          await reload();
        } catch (e) { notice(msg, 'error', errorText(e)); }
      } }, t('action.claim'))));
  }));
  clear(box, rows.length ? h('table', { class: 'grid', id: 'open-claims' },
    h('thead', {}, h('tr', {}, ['case.number', 'case.category', 'case.text', 'case.address', 'case.resolve_by', 'common.actions']
      .map((k, i) => h('th', { scope: 'col', class: i === 3 ? 'wide' : null }, t(k))))), h('tbody', {}, rows))
    : h('p', { class: 'empty' }, t('claims.none_open')));
}

async function mine(box) {
  const r = await get(`accounts/${session.me.account.id}/claims`);
  clear(box, h('dl', { class: 'kv', id: 'my-hours' },
    h('dt', {}, t('claims.claimed_n')), h('dd', {}, fmtNum(r.claimed)),
    h('dt', {}, t('claims.working_n')), h('dd', {}, fmtNum(r.working)),
    h('dt', {}, t('claims.completed_n')), h('dd', {}, fmtNum(r.completed)),
    h('dt', {}, t('field.hours')), h('dd', { id: 'hours-total' }, fmtNum(r.hours, 1))),
  r.items.length ? h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ['case.number', 'joint.state', 'claims.claimed_at', 'joint.done_at', 'field.hours']
    .map((k) => h('th', { scope: 'col' }, t(k))))),
  h('tbody', {}, r.items.map((c) => h('tr', {}, h('td', {}, caseLink(c.number)), h('td', {}, t(`joint.state_${c.state}`)),
    h('td', {}, when(c.claimed_at)), h('td', {}, when(c.done_at)), h('td', {}, fmtNum(c.hours, 1))))))
    : h('p', { class: 'empty' }, t('claims.none_mine')));
}

export async function render(el) {
  const outside = session.outside || [];
  const unit = select(await Promise.all(outside.map(async (id) => [id, await unitName(id)])), outside[0], { name: 'unit' });
  const msg = h('div');
  const list = h('div');
  const my = h('div');
  const mapEl = h('div', { class: 'map', id: 'claims-map' });
  clear(el, h('h1', {}, t('nav.claims')), msg,
    h('div', { class: 'cols' },
      h('section', { class: 'card', 'aria-labelledby': 'open-h' }, h('h2', { id: 'open-h' }, t('claims.open')),
        outside.length > 1 ? field('joint.unit', unit) : null, list),
      h('div', {}, h('section', { class: 'card' }, mapEl),
        h('section', { class: 'card', 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h' }, t('claims.mine')), my))));
  const map = makeMap(mapEl);
  addJurisdictions(map, { kinds: ['street'] }).catch(() => {});
  const layer = clusterLayer().addTo(map);
  const reload = async () => {
    try { await Promise.all([outside.length ? openList(list, layer, unit, msg, reload) : clear(list, h('p', { class: 'empty' }, t('claims.no_unit'))), mine(my)]); } catch (e) { notice(msg, 'error', errorText(e)); }
  };
  unit.addEventListener('change', reload);
  await reload();
  void statusBadge;
}
