// map.js - Leaflet on a plain background (no tile server is reachable; a tile URL is the
// setting web.tile_url), with the jurisdictions from the units API as GeoJSON layers, and
// clustered markers for case lists.
import { get, qs } from './api.js';
import { nameOf, t } from './i18n.js';

let tileUrl = null;
export const setTileUrl = (u) => { tileUrl = u; };
const geoCache = new Map();

export function makeMap(el, opts = {}) {
  const L = window.L;
  const map = L.map(el, { attributionControl: false, zoomSnap: 0.5, keyboard: true, minZoom: 3, maxZoom: 19 });
  if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
  map.setView(opts.center || [42.33, -71.07], opts.zoom || 11);
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', opts.label || t('map.label'));
  return map;
}

// The territorial units of one kind with their jurisdictions (one request of at most 500).
export function jurisdictions(kind, parent) {
  const key = `${kind}:${parent || ''}`;
  if (!geoCache.has(key))
    geoCache.set(key, get(`public/units${qs({ kind, parent, limit: 500 })}`).then((p) => p.items));
  return geoCache.get(key);
}

const STYLE = { street: { color: '#b4232a', weight: 1.5, fillOpacity: 0.04 },
  community: { color: '#1a5fb4', weight: 0.8, fillOpacity: 0.02, dashArray: '3' },
  district: { color: '#333', weight: 2, fillOpacity: 0.02 }, grid: { color: '#1f7a3a', weight: 0.6, fillOpacity: 0 } };

export function unitLayer(units, kind) {
  const L = window.L;
  const fc = { type: 'FeatureCollection', features: units.filter((u) => u.jurisdiction)
    .map((u) => ({ type: 'Feature', geometry: u.jurisdiction, properties: { id: u.id, name: nameOf(u) } })) };
  return L.geoJSON(fc, {
    style: STYLE[kind] || STYLE.street,
    onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name, { sticky: true }),
  });
}

// The units of the largest place: a platform may hold several cities (the demo: Boston and a
// Chinese sample) far apart, and the map frames one. Units are grouped by a 5-degree cell of
// their first vertex.
function mainCity(list) {
  const first = (g) => { let c = g.coordinates; while (Array.isArray(c[0])) c = c[0]; return c; };
  const groups = new Map();
  for (const u of list) {
    if (!u.jurisdiction) continue;
    const [lon, lat] = first(u.jurisdiction);
    const k = `${Math.floor(lat / 5)}:${Math.floor(lon / 5)}`;
    groups.set(k, [...(groups.get(k) || []), u]);
  }
  return [...groups.values()].sort((a, b) => b.length - a.length)[0] || [];
}

// Streets always, communities in the layer control; fits the map to them.
export async function addJurisdictions(map, { fit = true, kinds = ['street', 'community'] } = {}) {
  const L = window.L;
  const overlays = {};
  for (const [i, kind] of kinds.entries()) {
    const units = mainCity(await jurisdictions(kind));
    if (!units.length) continue;
    const layer = unitLayer(units, kind);
    layer.options.interactive = false;
    if (i === 0) {
      layer.addTo(map);
      if (fit && layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
    }
    overlays[t(`kind.${kind}`)] = layer;
  }
  if (Object.keys(overlays).length) L.control.layers(null, overlays, { collapsed: true }).addTo(map);
  return overlays;
}

export function clusterLayer() {
  const L = window.L;
  return L.markerClusterGroup ? L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false }) : L.layerGroup();
}

export function pin(lat, lon, label) {
  const m = window.L.circleMarker([lat, lon], { radius: 7, color: '#b4232a', weight: 2, fillOpacity: 0.7 });
  if (label) m.bindTooltip(label);
  return m;
}
