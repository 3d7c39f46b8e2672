/// <reference lib="dom" />
// The map page: paints the view the server computed (every box already placed) as one SVG per change, moves a
// dot along each new request's path, and opens describe text or a request's trace on click or Enter.
// No framework: the page is one SVG string per change plus a few lists; a framework would not earn its weight.
import type { FlowRecord } from '../../net/flows.js';
import type { Box, UiView, ViewFlow } from '../view.js';
import './app.css';

const token = new URLSearchParams(location.search).get('token') ?? '';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const mapEl = $('map');
const statusEl = $('status');

let view: UiView | undefined;
let lastSeq = -1;
let zoom = 0; // 0: fit to the window
let lastSvg = '';
/** Where each object was last drawn: a request from a pod that `--rm` already deleted still starts there. */
const places = new Map<string, Box>();

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const api = (path: string) => `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;

function objAttrs(id: string, resource: string, ns: string, name: string, label: string): string {
  return `class="obj" tabindex="0" role="button" data-id="${esc(id)}" data-resource="${resource}" data-ns="${esc(ns)}" data-name="${esc(name)}" aria-label="${esc(label)}"`;
}

function text(x: number, y: number, s: string, cls = ''): string {
  return `<text x="${x}" y="${y}"${cls ? ` class="${cls}"` : ''}>${esc(s)}</text>`;
}

function paint(v: UiView): void {
  const parts: string[] = [];
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#0072B2"/></marker>');
  parts.push('<marker id="arrow-ing" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#CC79A7"/></marker></defs>');
  const ws = v.workstation;
  parts.push(`<g class="workstation" data-id="workstation"><rect x="${ws.x}" y="${ws.y}" width="${ws.w}" height="${ws.h}" rx="10"/>${text(ws.x + 14, ws.y + 32, 'workstation', 'title')}${text(ws.x + 14, ws.y + 60, 'you, outside the cluster')}</g>`);
  for (const n of v.nodes) {
    const what = n.internalIP ? `${n.internalIP}  pods ${n.podCIDRs.join(',')}${n.ready ? '' : '  NotReady'}` : 'pods waiting for a node';
    parts.push(`<g ${objAttrs(n.id, n.internalIP ? 'nodes' : '', '', n.name, `node ${n.name} ${n.internalIP}`)} data-kind="node"><rect class="node${n.ready ? '' : ' notready'}" x="${n.x}" y="${n.y}" width="${n.w}" height="${n.h}" rx="12"/>`);
    parts.push(`${text(n.x + 18, n.y + 32, n.name, 'title')}${text(n.x + 18, n.y + 60, what)}</g>`);
  }
  const pods = new Map(v.pods.map((p) => [p.id, p]));
  for (const p of v.pods) {
    const state = p.phase === 'Running' && p.ready ? 'ok' : p.phase === 'Failed' ? 'bad' : p.phase === 'Succeeded' ? 'done' : 'wait';
    const fence = p.fencedBy.length ? `<rect class="fence" x="${p.x - 5}" y="${p.y - 5}" width="${p.w + 10}" height="${p.h + 10}" rx="10"><title>NetworkPolicy ${esc(p.fencedBy.join(', '))}</title></rect>` : '';
    parts.push(`<g ${objAttrs(p.id, 'pods', p.namespace, p.name, `pod ${p.namespace}/${p.name} ${p.ip} ${p.phase}`)} data-kind="pod">${fence}<rect class="pod ${state}" x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" rx="8"/>`);
    const shown = p.name.length > 26 ? `${p.name.slice(0, 25)}…` : p.name;
    parts.push(`${text(p.x + 10, p.y + 24, shown, 'pname')}${text(p.x + 10, p.y + 48, `${p.ip || '—'} ${p.phase === 'Running' && p.ready ? '' : p.phase}`, 'small')}<title>${esc(`${p.namespace}/${p.name}`)}</title></g>`);
  }
  // Arrows under the boxes they join: service -> endpoints, ingress -> services.
  const arrows: string[] = [];
  const svcs = new Map(v.services.map((s) => [s.id, s]));
  for (const s of v.services) {
    for (const e of s.readyEndpoints) {
      const p = pods.get(e);
      if (p) arrows.push(`<line class="ep" x1="${s.x + s.w / 2}" y1="${s.y + s.h}" x2="${p.x + p.w / 2}" y2="${p.y}" marker-end="url(#arrow)"/>`);
    }
  }
  for (const i of v.ingresses) {
    for (const b of new Set(i.rules.map((r) => r.service))) {
      const s = svcs.get(b);
      if (s) arrows.push(`<line class="ingline" x1="${i.x + i.w / 2}" y1="${i.y + i.h}" x2="${s.x + s.w / 2}" y2="${s.y}" marker-end="url(#arrow-ing)"/>`);
    }
  }
  for (const s of v.services) {
    const addr = [s.clusterIP, ...s.externalIPs].filter(Boolean).join(' ');
    const ports = s.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(' ');
    parts.push(`<g ${objAttrs(s.id, 'services', s.namespace, s.name, `service ${s.namespace}/${s.name} ${s.type} ${addr}`)} data-kind="service"><rect class="svc" x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="10"/>`);
    parts.push(`${text(s.x + 12, s.y + 26, `svc ${s.name}`, 'title')}${text(s.x + 12, s.y + 48, `${s.type} ${s.clusterIP}`, 'small')}${text(s.x + 12, s.y + 70, [...s.externalIPs, ports].join(' '), 'small')}<title>${esc(`${s.namespace}/${s.name}`)}</title></g>`);
  }
  for (const i of v.ingresses) {
    parts.push(`<g ${objAttrs(i.id, 'ingresses', i.namespace, i.name, `ingress ${i.namespace}/${i.name}`)} data-kind="ingress"><rect class="ing" x="${i.x}" y="${i.y}" width="${i.w}" height="${i.h}" rx="10"/>`);
    const rules = i.rules.map((r) => `${r.host}${r.path} → ${r.service.split('/')[2]}:${r.port}`);
    parts.push(`${text(i.x + 12, i.y + 26, `ingress ${i.name}`, 'title')}${text(i.x + 12, i.y + 52, rules[0] ?? '', 'small')}${text(i.x + 12, i.y + 72, i.addresses.join(' '), 'small')}<title>${esc(rules.join('\n'))}</title></g>`);
  }
  for (const np of v.policies) {
    parts.push(`<g ${objAttrs(np.id, 'networkpolicies', np.namespace, np.name, `network policy ${np.namespace}/${np.name}`)} data-kind="netpol"><rect class="np" x="${np.x}" y="${np.y}" width="${np.w}" height="${np.h}" rx="10"/>`);
    parts.push(`${text(np.x + 12, np.y + 26, `netpol ${np.name}`, 'title')}${text(np.x + 12, np.y + 52, `${np.policyTypes.join('+')} · fences ${np.pods.length} pod${np.pods.length === 1 ? '' : 's'}`, 'small')}</g>`);
  }
  const nodesAt = parts.findIndex((s) => s.includes('data-kind="node"'));
  parts.splice(nodesAt < 0 ? parts.length : nodesAt + 2 * v.nodes.length, 0, `<g class="arrows">${arrows.join('')}</g>`);
  const svg = `<svg id="svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${v.width} ${v.height}" role="group">${parts.join('')}<g id="paths"></g></svg>`;
  // A request alone changes no box: keep the drawn map (and focus) rather than rebuilding 500 pods' elements.
  if (svg !== lastSvg) {
    const paths = document.getElementById('paths');
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
    mapEl.innerHTML = svg;
    lastSvg = svg;
    // Paths still moving keep moving on the new map.
    if (paths) document.getElementById('paths')?.replaceWith(paths);
    if (focused) (mapEl.querySelector(`[data-id="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
    applyZoom();
  }
  for (const b of [v.workstation, ...v.nodes, ...v.pods, ...v.services, ...v.ingresses]) places.set(b.id, { x: b.x, y: b.y, w: b.w, h: b.h });
}

function applyZoom(): void {
  const svg = document.getElementById('svg') as SVGSVGElement | null;
  if (!svg || !view) return;
  if (zoom === 0) {
    svg.style.width = '100%';
    svg.style.height = 'auto';
  } else {
    svg.style.width = `${Math.round(view.width * zoom)}px`;
    svg.style.height = `${Math.round(view.height * zoom)}px`;
  }
}

/** Where a flow's end is: a pod, a node, the workstation, or the last place it was drawn. */
function placeOf(ref: string | undefined): Box | undefined {
  if (!ref) return undefined;
  if (ref === 'workstation') return places.get('workstation');
  const [kind, a, b] = ref.split('/');
  if (kind === 'pod') return places.get(`pod/${a}/${b}`);
  if (kind === 'node') return places.get(`node/${a}`);
  if (kind === 'svc') return places.get(`svc/${a}/${b}`);
  return undefined;
}

/**
 * A request's path as the slides draw it: out of the bottom of one box, across the gap below it, into the next
 * box from above (or below), so the line runs between boxes rather than through their text.
 */
function route(boxes: Box[]): string {
  const cx = (b: Box) => Math.round(b.x + b.w / 2);
  let d = `M${cx(boxes[0])},${boxes[0].y + boxes[0].h}`;
  for (let i = 1; i < boxes.length; i++) {
    const a = boxes[i - 1];
    const b = boxes[i];
    const below = b.y >= a.y + a.h;
    const gapY = below ? Math.round((a.y + a.h + b.y) / 2) : Math.max(a.y + a.h, b.y + b.h) + 10;
    if (i > 1) d += ` L${cx(a)},${a.y + a.h}`;
    d += ` L${cx(a)},${gapY} L${cx(b)},${gapY} L${cx(b)},${below ? b.y : b.y + b.h}`;
  }
  return d;
}

function animate(f: ViewFlow): void {
  const layer = document.getElementById('paths');
  if (!layer) return;
  const [src, ...rest] = f.elements;
  const boxes = [placeOf(src) ?? placeOf(f.sourceNode) ?? places.get('workstation'), ...rest.map(placeOf)].filter((b): b is Box => !!b);
  if (boxes.length < 2) return;
  const d = route(boxes);
  const cls = f.verdict === 'ok' ? 'ok' : 'bad';
  const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  g.setAttribute('class', `flow-path ${cls}`);
  g.setAttribute('data-seq', String(f.seq));
  g.innerHTML = `<path d="${d}"/><circle r="14"><animateMotion dur="1.2s" repeatCount="2" fill="freeze" path="${d}"/></circle>`;
  layer.appendChild(g);
  setTimeout(() => g.classList.add('fading'), 5000);
  setTimeout(() => g.remove(), 8000);
}

function listFlows(v: UiView): void {
  const ol = $('flows');
  ol.innerHTML = [...v.flows]
    .reverse()
    .map((f) => {
      return `<li><button type="button" class="flow ${f.verdict === 'ok' ? 'ok' : 'bad'}" data-seq="${f.seq}">#${f.seq} ${esc(f.what)}<br><small>${esc(f.summary)}</small></button></li>`;
    })
    .join('');
}

function listEvents(v: UiView): void {
  $('events').innerHTML = [...v.events]
    .reverse()
    .map((e) => `<li class="${e.type === 'Warning' ? 'warn' : ''}"><b>${esc(e.reason)}</b> ${esc(e.object)}<br><small>${esc(e.message)}</small></li>`)
    .join('');
}

function show(v: UiView): void {
  const first = view === undefined;
  view = v;
  paint(v);
  listFlows(v);
  listEvents(v);
  const fresh = v.flows.filter((f) => f.seq > lastSeq);
  if (!first) for (const f of fresh.slice(-10)) animate(f);
  if (v.flows.length) lastSeq = Math.max(lastSeq, ...v.flows.map((f) => f.seq));
  statusEl.textContent = `live · ${v.nodes.length} nodes · ${v.pods.length} pods · ${v.services.length} services`;
  document.body.dataset.rv = String(v.rv);
}

function openDetails(title: string, body: string, hops?: { stage: string; text: string }[]): void {
  $('details').hidden = false;
  // describe's columns need their spacing kept; a request's summary lines may wrap.
  $('details-text').classList.toggle('wrap', hops !== undefined);
  $('details-title').textContent = title;
  $('details-text').textContent = body;
  $('details-hops').innerHTML = (hops ?? []).map((h) => `<li><b>${esc(h.stage)}</b> ${esc(h.text)}</li>`).join('');
  $('details-text').focus();
}

async function describe(el: Element): Promise<void> {
  const { resource, ns, name } = (el as HTMLElement).dataset;
  const r = await fetch(api(`/api/describe?resource=${encodeURIComponent(resource ?? '')}&namespace=${encodeURIComponent(ns ?? '')}&name=${encodeURIComponent(name ?? '')}`));
  openDetails(`describe ${resource} ${name}`, r.ok ? await r.text() : `${resource}/${name} is gone`);
}

async function trace(seq: string): Promise<void> {
  const r = await fetch(api(`/api/flow?seq=${encodeURIComponent(seq)}`));
  if (!r.ok) return openDetails(`request #${seq}`, 'this request is no longer kept');
  const f = (await r.json()) as FlowRecord;
  const lines = [`${f.what}`, `from ${f.source} (${f.client ?? ''}) to ${f.dst ?? ''} via ${f.via}`, f.dnat ? `DNAT to ${f.dnat}` : '', f.snat ? `SNAT as ${f.snat}` : '', `answered by ${f.backend ?? 'nobody'}: ${f.verdict}${f.status ? ` (HTTP ${f.status})` : ''}`];
  openDetails(`request #${f.seq}`, lines.filter(Boolean).join('\n'), f.hops);
}

function activate(target: EventTarget | null): void {
  const el = (target as Element | null)?.closest?.('.obj, button.flow');
  if (!el) return;
  if (el.matches('button.flow')) void trace((el as HTMLElement).dataset.seq ?? '');
  else void describe(el);
}

document.addEventListener('click', (e) => activate(e.target));
document.addEventListener('keydown', (e) => {
  const t = e.target as Element | null;
  if ((e.key === 'Enter' || e.key === ' ') && t?.matches?.('.obj')) {
    e.preventDefault();
    activate(t);
  } else if (e.key === 'Escape' && !$('details').hidden) {
    $('details').hidden = true;
  }
});
$('details-close').addEventListener('click', () => ($('details').hidden = true));
$('zoom-in').addEventListener('click', () => {
  zoom = Math.min(2, (zoom || (mapEl.clientWidth / (view?.width ?? 1))) * 1.25);
  applyZoom();
});
$('zoom-out').addEventListener('click', () => {
  zoom = Math.max(0.1, (zoom || (mapEl.clientWidth / (view?.width ?? 1))) / 1.25);
  applyZoom();
});
$('zoom-fit').addEventListener('click', () => {
  zoom = 0;
  applyZoom();
});

function connect(): void {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/updates?token=${encodeURIComponent(token)}`);
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data)) as { type: string; view: UiView };
    if (msg.type === 'view') {
      const t0 = performance.now();
      show(msg.view);
      // The bench reads these: time to the first painted map, and each paint's cost.
      const w = window as unknown as { kubesimFirstRender?: number; kubesimPaintMs?: number };
      w.kubesimFirstRender ??= performance.now();
      w.kubesimPaintMs = performance.now() - t0;
    }
  };
  ws.onopen = () => (statusEl.textContent = 'live');
  ws.onclose = () => {
    statusEl.textContent = 'disconnected: retrying…';
    setTimeout(connect, 1000);
  };
}

connect();
void import('./terminal-pane.js').then((m) => m.start($('terminal'), token));
