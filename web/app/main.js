// main.js - the console: who is signed in, which screens their roles open, the client-side
// router (History API; gongzhi answers index.html for any route), the language switch.
import { get, post, setToken, token } from './api.js';
import { t, pickLang, loadLang, setZone, onLang, applyStatic } from './i18n.js';
import { h, clear } from './ui.js';
import { session, units } from './session.js';
import { setTileUrl } from './map.js';

// screen modules, loaded when first shown
const SCREENS = {
  intake: { path: '/intake', roles: ['operator', 'grid_worker', 'admin'], mod: './screens/intake.js' },
  dispatch: { path: '/dispatch', roles: ['dispatcher', 'admin'], mod: './screens/dispatch.js' },
  inbox: { path: '/inbox', roles: ['handler', 'admin'], mod: './screens/inbox.js' },
  verify: { path: '/verify', roles: ['grid_worker', 'operator', 'supervisor', 'admin'], mod: './screens/verify.js' },
  cases: { path: '/cases', roles: ['*'], mod: './screens/cases.js' },
  dashboard: { path: '/dashboard', roles: ['supervisor', 'dispatcher', 'admin'], mod: './screens/dashboard.js' },
  admin: { path: '/admin', roles: ['admin'], mod: './screens/admin.js' },
  claims: { path: '/claims', roles: ['handler', 'supervisor'], outside: true, mod: './screens/claims.js' },
};
// units that claim tasks rather than being dispatched them (认领)
const OUTSIDE = ['party', 'mass_org', 'enterprise', 'social_org', 'volunteer_team'];
const HOME = ['intake', 'dispatch', 'claims', 'inbox', 'verify', 'dashboard', 'cases'];

const view = () => document.getElementById('view');
const allowed = (s) => (s.outside ? session.outside.length > 0 : true)
  && (s.roles.includes('*') || s.roles.some((r) => session.roles.has(r)));

function renderNav() {
  const nav = document.getElementById('nav');
  clear(nav);
  if (!session.me) return;
  for (const [name, s] of Object.entries(SCREENS))
    if (allowed(s)) nav.append(h('a', { href: s.path, dataset: { link: '', screen: name } }, t(`nav.${name}`)));
  nav.append(h('a', { href: '/public/', target: '_blank', rel: 'noopener' }, t('nav.portal')));
  markCurrent();
  const who = document.getElementById('who');
  who.textContent = `${session.me.account.name || session.me.account.login} · ${[...session.roles].map((r) => t(`role.${r}`)).join(', ')}`;
  document.getElementById('logout').hidden = false;
}

function markCurrent() {
  for (const a of document.querySelectorAll('#nav a[data-screen]')) {
    if (location.pathname.startsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

export function navigate(path, replace) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  route();
  window.dispatchEvent(new Event('gz:navigate')); // screens holding a connection (the stream) let go
}
window.gzNavigate = navigate;

async function route() {
  const path = location.pathname;
  markCurrent();
  if (!session.me) return showLogin();
  if (path === '/' || path === '/login') {
    const first = HOME.find((n) => allowed(SCREENS[n]));
    return navigate(SCREENS[first].path, true);
  }
  const m = path.match(/^\/cases\/([^/]+)$/);
  if (m) return show('./screens/case.js', decodeURIComponent(m[1]));
  const name = Object.keys(SCREENS).find((n) => path === SCREENS[n].path || path.startsWith(`${SCREENS[n].path}/`));
  if (!name) return clear(view(), h('h1', {}, t('common.not_found')));
  if (!allowed(SCREENS[name])) return clear(view(), h('h1', {}, t('common.forbidden')));
  return show(SCREENS[name].mod);
}

let current = 0;
// Each screen renders into its own box: a slow screen still loading when the user (or a test)
// moves on writes into a box that is no longer shown, never over the newer screen.
async function show(mod, arg) {
  const token_ = ++current;
  const box = h('div', { class: 'screen' }, h('p', { class: 'loading' }, t('common.loading')));
  clear(view(), box);
  try {
    const m = await import(mod);
    if (token_ !== current) return;
    await m.render(box, arg);
  } catch (e) {
    if (token_ === current) clear(box, h('div', { class: 'notice error', role: 'alert' }, `${t('common.error')}: ${e.message}`));
  }
}

function showLogin() {
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  const login = h('input', { name: 'login', autocomplete: 'username', required: true });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const remember = h('input', { type: 'checkbox', id: 'remember' });
  const msg = h('div');
  const form = h('form', { class: 'card login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, t('auth.title')),
    h('div', { class: 'field' }, h('label', { for: 'login' }, t('auth.login')), Object.assign(login, { id: 'login' })),
    h('div', { class: 'field' }, h('label', { for: 'password' }, t('auth.password')), Object.assign(pw, { id: 'password' })),
    h('div', { class: 'field' }, h('label', {}, remember, ' ', t('auth.remember'))),
    h('button', { type: 'submit' }, t('auth.submit')), msg,
    h('p', { class: 'hint' }, t('auth.demo_hint')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await post('auth/login', { login: login.value.trim(), password: pw.value });
      setToken(r.token, remember.checked);
      await loadMe();
      navigate('/', true);
    } catch (e) {
      clear(msg, h('div', { class: 'notice error', role: 'alert' }, e.status === 401 ? t('auth.wrong') : e.message));
    }
  });
  clear(view(), form);
  login.focus();
  if (location.pathname !== '/login') history.replaceState(null, '', '/login');
}

async function loadMe() {
  session.me = await get('me');
  session.roles = new Set(session.me.memberships.map((m) => m.role));
  // an outside unit's handlers and supervisors get the claims screen
  const { byId } = await units().catch(() => ({ byId: new Map() }));
  session.outside = [...new Set(session.me.memberships.filter((m) => ['handler', 'supervisor'].includes(m.role)
    && OUTSIDE.includes(byId.get(m.unit_id)?.kind)).map((m) => m.unit_id))];
  renderNav();
}

async function logout() {
  try { await post('auth/logout', {}); } catch { /* the token may have expired already */ }
  setToken(null);
  session.me = null;
  session.roles = new Set();
  clear(document.getElementById('nav'));
  navigate('/login');
}

async function boot() {
  try { const c = await get('public/city'); setZone(c.timezone); setTileUrl(c.tile_url); } catch { setZone('UTC'); }
  const langSel = document.getElementById('lang');
  const l = pickLang();
  langSel.value = l;
  await loadLang(l);
  langSel.addEventListener('change', () => loadLang(langSel.value));
  onLang(() => { renderNav(); if (session.me) route(); else showLogin(); });
  document.getElementById('logout').addEventListener('click', logout);
  document.querySelector('.menu-toggle').addEventListener('click', (e) => {
    const nav = document.getElementById('nav');
    nav.classList.toggle('open');
    e.currentTarget.setAttribute('aria-expanded', nav.classList.contains('open'));
  });
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest('a[data-link]');
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || a.target) return;
    ev.preventDefault();
    document.getElementById('nav').classList.remove('open');
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', route);
  window.addEventListener('gz:unauthorized', () => { setToken(null); session.me = null; showLogin(); });
  if (token()) {
    try { await loadMe(); } catch { setToken(null); }
  }
  applyStatic(document);
  route();
}

boot();
