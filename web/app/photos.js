// photos.js - evidence photos (issue 8's attachments): thumbnails fetched with the bearer token
// (an <img> cannot send it, so each is shown from an object URL), a labelled file input, and the
// upload of one photo to a case at a stage (intake, reply, verify, complete).
import { objectUrl, upload } from './api.js';
import { t, fmtDate } from './i18n.js';
import { h, field } from './ui.js';

// Thumbnails of a case's attachments (as listed in the case JSON); a click opens the original.
export function gallery(list, opts = {}) {
  const box = h('div', { class: 'photos', id: opts.id || null });
  if (!list?.length) box.append(h('p', { class: 'empty' }, t('photo.none')));
  for (const a of list || []) {
    const img = h('img', { alt: t('photo.alt', { stage: t(`photo.stage_${a.stage}`), id: a.id }), width: 96, height: 96, loading: 'lazy' });
    const link = h('a', { href: '#', class: 'thumb', dataset: { attachment: a.id, stage: a.stage } }, img,
      h('span', { class: 'meta' }, `${t(`photo.stage_${a.stage}`)} · ${fmtDate(a.at)}`));
    const src = opts.public ? Promise.resolve(a.public_url || `/public/attachments/${a.id}`) : objectUrl(a.url);
    src.then((u) => { img.src = u; link.href = u; link.target = '_blank'; img.dataset.loaded = '1'; })
      .catch(() => { img.alt = t('photo.unavailable'); });
    box.append(link);
  }
  return box;
}

export function photoInput(name = 'photo') {
  return h('input', { type: 'file', name, accept: 'image/jpeg,image/png,image/webp' });
}

export const photoField = (input, hintKey) => field('photo.add', input, hintKey ? t(hintKey) : t('photo.hint'));

// Send the chosen photo (if any) to the case at this stage; the attachment JSON, or null.
export async function sendPhoto(number, stage, input) {
  const file = input?.files?.[0];
  if (!file) return null;
  return upload(`cases/${encodeURIComponent(number)}/attachments?stage=${stage}`, file);
}
