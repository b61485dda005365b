// session.js - the signed-in account and its roles, shared by the screens; and the lists
// every screen needs (units, categories), loaded once, page by page from the API.
import { get, qs } from './api.js';

export const session = { me: null, roles: new Set(), outside: [] };

async function all(path, params) {
  const out = [];
  let cursor = null;
  do {
    const page = await get(`${path}${qs({ ...params, limit: 500, cursor })}`);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

let unitsP = null;
let catsP = null;
export function units() {
  if (!unitsP) unitsP = all('units', {}).then((list) => ({ list, byId: new Map(list.map((u) => [u.id, u])) }));
  return unitsP;
}
export function categories() {
  if (!catsP) catsP = all('categories', {}).then((list) => ({ list, byCode: new Map(list.map((c) => [c.code, c])) }));
  return catsP;
}
export const hasRole = (...roles) => roles.some((r) => session.roles.has(r));
// the unit of the first membership with one of these roles
export function unitOf(...roles) {
  const m = session.me?.memberships.find((x) => roles.includes(x.role));
  return m ? m.unit_id : null;
}
