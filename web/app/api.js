// api.js - the JSON API with the signed-in account's bearer token. Errors become ApiError
// with the server's code, message and field, so forms can point at the field.
const TOKEN = 'gz.token';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
  }
}

export const token = () => sessionStorage.getItem(TOKEN) || localStorage.getItem(TOKEN);
export function setToken(tok, remember) {
  sessionStorage.removeItem(TOKEN);
  localStorage.removeItem(TOKEN);
  if (tok) (remember ? localStorage : sessionStorage).setItem(TOKEN, tok);
}

export async function api(method, path, body, extraHeaders) {
  const headers = { Accept: 'application/json', ...(extraHeaders || {}) };
  const tok = token();
  if (tok) headers.Authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const url = path.startsWith('/') ? path : `/api/v1/${path}`;
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!r.ok) {
    if (r.status === 401 && tok) window.dispatchEvent(new CustomEvent('gz:unauthorized'));
    throw new ApiError(r.status, json);
  }
  return json;
}

export const get = (p) => api('GET', p);
export const post = (p, b, h) => api('POST', p, b, h);
export const patch = (p, b) => api('PATCH', p, b);
export const put = (p, b) => api('PUT', p, b);
export const del = (p) => api('DELETE', p);

// Query string from an object, skipping empty values.
export function qs(o) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : '';
}

// Does the server have this endpoint? Features of another branch (the SSE stream, webhooks)
// stay hidden, or fall back, until they answer something other than 404. Remembered per page load.
const probes = new Map();
export function hasEndpoint(path) {
  if (!probes.has(path)) {
    probes.set(path, fetch(path, { method: 'HEAD', headers: token() ? { Authorization: `Bearer ${token()}` } : {} })
      .then((r) => r.status !== 404).catch(() => false));
  }
  return probes.get(path);
}

// A photo upload: multipart/form-data with the part "file" (the server types it by content).
// fetch builds the boundary; the bearer token goes as for every call.
export async function upload(path, file, fields) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields || {})) fd.append(k, v);
  fd.append('file', file, file.name || 'photo');
  const headers = { Accept: 'application/json' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  const url = path.startsWith('/') ? path : `/api/v1/${path}`;
  const r = await fetch(url, { method: 'POST', headers, body: fd });
  const json = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

// An authenticated image as an object URL: <img> cannot send the bearer token, so the bytes are
// fetched with it and shown from memory. Kept per URL for the page's life (photos never change:
// the server names them by their SHA-256).
const blobs = new Map();
export function objectUrl(path) {
  if (!blobs.has(path)) {
    blobs.set(path, fetch(path, { headers: token() ? { Authorization: `Bearer ${token()}` } : {} })
      .then((r) => { if (!r.ok) throw new ApiError(r.status, null); return r.blob(); })
      .then((b) => URL.createObjectURL(b))
      .catch((e) => { blobs.delete(path); throw e; }));
  }
  return blobs.get(path);
}
