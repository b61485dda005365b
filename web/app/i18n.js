// i18n.js - every visible string comes from one dictionary per language (i18n/zh.json,
// i18n/en.json). The language is the one remembered, else the browser's first match, else
// English. Dates are shown in the city's time zone; numbers and percentages per locale.
const LANGS = ['zh', 'en'];
const KEY = 'gz.lang';
let lang = 'en';
let dict = {};
let zone = 'UTC';
const listeners = [];

export function pickLang() {
  const saved = localStorage.getItem(KEY);
  if (LANGS.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const base = String(l).toLowerCase().split('-')[0];
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

export async function loadLang(l) {
  const r = await fetch(`/i18n/${l}.json`);
  dict = await r.json();
  lang = l;
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  localStorage.setItem(KEY, l);
  applyStatic(document);
  for (const fn of listeners) fn(l);
}

export const currentLang = () => lang;
export const langs = () => LANGS;
export const onLang = (fn) => listeners.push(fn);
export const setZone = (z) => { zone = z || 'UTC'; };
export const cityZone = () => zone;

// t('a.b', {n: 3}) -> the string with {n} replaced; a missing key shows as the key itself, so
// a test can find it on screen
export function t(key, params) {
  let s = dict[key];
  if (s === undefined) return key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] ?? m));
  return s;
}

// t() if the key exists, else the fallback (for values such as statuses that may be new)
export function tOr(key, fallback) {
  return dict[key] === undefined ? fallback : dict[key];
}

// Elements carrying data-i18n (text), data-i18n-placeholder, data-i18n-aria, data-i18n-title.
export function applyStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]'))
    el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-aria]'))
    el.setAttribute('aria-label', t(el.dataset.i18nAria));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}

const locale = () => (lang === 'zh' ? 'zh-CN' : 'en-US');

export function fmtDate(iso, withTime = true) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  const opt = { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' };
  if (withTime) Object.assign(opt, { hour: '2-digit', minute: '2-digit', hour12: false });
  return new Intl.DateTimeFormat(locale(), opt).format(d);
}

export function fmtNum(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

export function fmtPct(r, digits = 1) {
  if (r === null || r === undefined || Number.isNaN(r)) return '—';
  return new Intl.NumberFormat(locale(), {
    style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(r);
}

// A unit's or category's name in the current language.
export const nameOf = (o) => (!o ? '—' : (lang === 'en' && o.name_en) ? o.name_en : (o.name || o.code || '—'));

// The current period names in the city's zone: month "2026-11", ISO week "2026-W47".
export function cityToday() {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
  return p; // YYYY-MM-DD
}
