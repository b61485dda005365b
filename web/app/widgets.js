// widgets.js - pickers that several screens share: categories and units (from the lists
// loaded once by session.js), in the current language.
import { nameOf, t } from './i18n.js';
import { h } from './ui.js';
import { categories, units } from './session.js';

export async function categorySelect(value, attrs = {}) {
  const { list } = await categories();
  const s = h('select', attrs, h('option', { value: '' }, t('intake.category_none')));
  for (const c of list.filter((x) => x.active))
    s.append(h('option', { value: c.code, selected: c.code === value }, `${c.code} · ${'\u00a0'.repeat((c.level - 1) * 2)}${nameOf(c)}`));
  return s;
}

const DISPATCHABLE = ['department', 'district', 'street', 'community', 'grid', 'enterprise', 'social_org', 'party', 'mass_org', 'volunteer_team'];
export async function unitSelect(value, attrs = {}) {
  const { list } = await units();
  const s = h('select', attrs, h('option', { value: '' }, t('common.choose')));
  for (const kind of DISPATCHABLE) {
    const of = list.filter((u) => u.kind === kind && u.active);
    if (!of.length) continue;
    const g = h('optgroup', { label: t(`kind.${kind}`) });
    for (const u of of.sort((a, b) => a.code.localeCompare(b.code)))
      g.append(h('option', { value: u.id, selected: u.id === value }, `${nameOf(u)} (${u.code})`));
    s.append(g);
  }
  return s;
}

export async function unitName(id) {
  if (!id) return '—';
  const { byId } = await units();
  return nameOf(byId.get(id)) || `#${id}`;
}

export async function categoryName(code) {
  if (!code) return t('case.no_category');
  const { byCode } = await categories();
  const c = byCode.get(code);
  return c ? `${code} ${nameOf(c)}` : code;
}
