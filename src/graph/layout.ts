// Positions for the graph's boxes and routes for its edges, and an SVG drawn from them, with no browser and no
// Graphviz binary: Graphviz's own dot layout compiled to WebAssembly (@hpcc-js/wasm-graphviz), loaded only
// here (kubesim graph --format svg, and kubesim ui). Chosen by measurement against dagre and elkjs; the
// figures are in docs/graph-facts.md: it lays out node boxes holding 500 pods in a fraction of a second where
// the others take several, and its clusters are the lessons' node boxes.
import { clusterId, Ids, PALETTE, renderDot } from './diagram.js';
import type { ClusterGraph } from './model.js';

export type BoxKind = 'node' | 'host' | 'pod' | 'service' | 'ingress' | 'policy' | 'workstation' | 'empty';
export type EdgeKind = 'endpoint' | 'rule' | 'fence' | 'path';

/** A box, in points from the top left (y grows downwards, as in SVG and the browser). */
export interface LayoutBox {
  /** The model's id ('node/NAME', 'pod/NS/NAME', 'svc/NS/NAME', ...). */
  id: string;
  kind: BoxKind;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The label's lines. */
  label: string[];
}

export interface LayoutEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** For a path edge: the request's seq and whether it succeeded. */
  seq?: number;
  ok?: boolean;
  label?: string;
  /** A cubic Bézier spline: p0, then (c1, c2, p) triples. */
  points: [number, number][];
  /** Where the arrow ends (the tip), when there is an arrowhead. */
  arrow?: [number, number];
  labelAt?: [number, number];
}

export interface GraphLayout {
  width: number;
  height: number;
  boxes: LayoutBox[];
  edges: LayoutEdge[];
}

type GraphvizApi = { layout(dot: string, format: string, engine: string): string };
let graphviz: Promise<GraphvizApi> | undefined;

/** The WebAssembly Graphviz, loaded once per process. */
function loadGraphviz(): Promise<GraphvizApi> {
  graphviz ??= import('@hpcc-js/wasm-graphviz').then((m) => m.Graphviz.load() as Promise<GraphvizApi>);
  return graphviz;
}

interface GvObject {
  _gvid: number;
  name: string;
  bb?: string;
  pos?: string;
  width?: string;
  height?: string;
  label?: string;
  nodes?: number[];
}
interface GvEdge {
  tail: number;
  head: number;
  id?: string;
  label?: string;
  lp?: string;
  pos?: string;
}

const num = (s: string) => Number(s);

/** Lays out the model (dot engine, left to right). Positions are in points. */
export async function layoutGraph(g: ClusterGraph): Promise<GraphLayout> {
  const ids = new Ids();
  const dot = renderDot(g, ids);
  const gv = await loadGraphviz();
  const doc = JSON.parse(gv.layout(dot, 'json0', 'dot')) as { bb: string; objects?: GvObject[]; edges?: GvEdge[] };
  const [, , bw, bh] = doc.bb.split(',').map(num);
  const flip = (y: number) => bh - y;
  const clusters = new Map(g.nodes.map((n) => [clusterId(ids, n.id), n.id]));
  const boxes: LayoutBox[] = [];
  const byGvid = new Map<number, string>();
  const kindOf = (id: string): BoxKind =>
    id === 'workstation' ? 'workstation' : id.endsWith('/empty') ? 'empty' : id.startsWith('pod/') ? 'pod' : id.startsWith('svc/') ? 'service' : id.startsWith('ing/') ? 'ingress' : id.startsWith('netpol/') ? 'policy' : 'host';
  for (const o of doc.objects ?? []) {
    const label = (o.label ?? '').split('\\n');
    if (o.bb) {
      const nodeId = clusters.get(o.name);
      if (!nodeId) continue;
      const [x0, y0, x1, y1] = o.bb.split(',').map(num);
      boxes.push({ id: nodeId, kind: 'node', x: x0, y: flip(y1), width: x1 - x0, height: y1 - y0, label });
      continue;
    }
    const id = ids.modelId(o.name);
    if (!id || !o.pos) continue;
    byGvid.set(o._gvid, id);
    const [cx, cy] = o.pos.split(',').map(num);
    const w = num(o.width ?? '0') * 72;
    const h = num(o.height ?? '0') * 72;
    boxes.push({ id, kind: kindOf(id), x: cx - w / 2, y: flip(cy) - h / 2, width: w, height: h, label });
  }
  // Node boxes first (they are drawn underneath), then the rest in the model's order.
  boxes.sort((a, b) => (a.kind === 'node' ? 0 : 1) - (b.kind === 'node' ? 0 : 1));
  const edges: LayoutEdge[] = [];
  for (const e of doc.edges ?? []) {
    const from = byGvid.get(e.tail);
    const to = byGvid.get(e.head);
    if (!from || !to || !e.pos) continue;
    const parts = e.pos.split(' ');
    let arrow: [number, number] | undefined;
    const points: [number, number][] = [];
    for (const p of parts) {
      const xy = p.replace(/^[se],/, '').split(',').map(num);
      const pt: [number, number] = [xy[0], flip(xy[1])];
      if (p.startsWith('e,')) arrow = pt;
      else if (!p.startsWith('s,')) points.push(pt);
    }
    const tag = e.id ?? '';
    const kind: EdgeKind = tag.startsWith('path:') ? 'path' : tag === 'rule' ? 'rule' : tag === 'fence' ? 'fence' : 'endpoint';
    const edge: LayoutEdge = { from, to, kind, points };
    if (kind === 'path') {
      const [, seq, ok] = tag.split(':');
      edge.seq = Number(seq);
      edge.ok = ok === 'ok';
    }
    if (arrow) edge.arrow = arrow;
    if (e.label) edge.label = e.label;
    if (e.lp) {
      const [lx, ly] = e.lp.split(',').map(num);
      edge.labelAt = [lx, flip(ly)];
    }
    edges.push(edge);
  }
  return { width: bw, height: bh, boxes, edges };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const FONT = 'Helvetica, Arial, sans-serif';
const r = (n: number) => Math.round(n * 10) / 10;

/** The SVG picture: large type, black on light fills, Okabe-Ito colours, thick request paths. */
export function renderSvg(g: ClusterGraph, layout: GraphLayout): string {
  const pad = 16;
  const W = r(layout.width + 2 * pad);
  const H = r(layout.height + 2 * pad);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="${-pad} ${-pad} ${W} ${H}" font-family="${FONT}" role="img">`);
  out.push(`<title>${esc(`Cluster ${g.cluster}${g.namespace === null ? ', all namespaces' : `, namespace ${g.namespace}`}`)}</title>`);
  out.push('<defs>');
  for (const [name, colour] of [['arrow', '#000000'], ['arrow-ok', PALETTE.path], ['arrow-failed', PALETTE.failed]]) {
    out.push(`<marker id="${name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`);
  }
  out.push('</defs>');
  out.push(`<rect x="${-pad}" y="${-pad}" width="${W}" height="${H}" fill="#FFFFFF"/>`);
  const fill: Record<BoxKind, string> = { node: PALETTE.node, host: '#FFFFFF', pod: PALETTE.pod, service: PALETTE.service, ingress: PALETTE.ingress, policy: '#FFFFFF', workstation: '#FFFFFF', empty: '#FFFFFF' };
  const notReady = new Set(g.pods.filter((p) => !p.ready).map((p) => p.id));
  for (const b of layout.boxes) {
    const colour = b.kind === 'pod' && notReady.has(b.id) ? PALETTE.podNotReady : fill[b.kind];
    const stroke = b.kind === 'policy' ? PALETTE.policy : '#000000';
    const sw = b.kind === 'policy' ? 3 : b.kind === 'node' ? 2 : 1.5;
    const rx = b.kind === 'workstation' ? b.height / 2 : b.kind === 'node' ? 6 : 10;
    const dash = b.kind === 'empty' ? ' stroke-dasharray="6 4"' : '';
    out.push(`<g class="${b.kind}" data-id="${esc(b.id)}">`);
    out.push(`<rect x="${r(b.x)}" y="${r(b.y)}" width="${r(b.width)}" height="${r(b.height)}" rx="${r(rx)}" fill="${colour}" stroke="${stroke}" stroke-width="${sw}"${dash}/>`);
    const textColour = b.kind === 'service' ? '#FFFFFF' : PALETTE.text;
    if (b.kind === 'node') {
      b.label.forEach((l, i) => out.push(`<text x="${r(b.x + b.width / 2)}" y="${r(b.y + 24 + i * 22)}" font-size="${i === 0 ? 20 : 16}" font-weight="${i === 0 ? 'bold' : 'normal'}" text-anchor="middle" fill="${PALETTE.text}">${esc(l)}</text>`));
    } else {
      const lh = 20;
      const top = b.y + b.height / 2 - ((b.label.length - 1) * lh) / 2 + 6;
      b.label.forEach((l, i) => out.push(`<text x="${r(b.x + b.width / 2)}" y="${r(top + i * lh)}" font-size="${i === 0 ? 18 : 16}" text-anchor="middle" fill="${textColour}">${esc(l)}</text>`));
    }
    out.push('</g>');
  }
  for (const e of layout.edges) {
    if (!e.points.length) continue;
    let d = `M${r(e.points[0][0])},${r(e.points[0][1])}`;
    for (let i = 1; i + 2 < e.points.length; i += 3) {
      const [c1, c2, p] = [e.points[i], e.points[i + 1], e.points[i + 2]];
      d += ` C${r(c1[0])},${r(c1[1])} ${r(c2[0])},${r(c2[1])} ${r(p[0])},${r(p[1])}`;
    }
    if (e.arrow) d += ` L${r(e.arrow[0])},${r(e.arrow[1])}`;
    const path = e.kind === 'path';
    const colour = path ? (e.ok ? PALETTE.path : PALETTE.failed) : e.kind === 'fence' ? PALETTE.policy : '#000000';
    const width = path ? 5 : 2;
    const dash = e.kind === 'fence' ? ' stroke-dasharray="3 5"' : '';
    const marker = e.kind === 'fence' ? '' : ` marker-end="url(#${path ? (e.ok ? 'arrow-ok' : 'arrow-failed') : 'arrow'})"`;
    out.push(`<path class="edge ${e.kind}" d="${d}" fill="none" stroke="${colour}" stroke-width="${width}"${dash}${marker}/>`);
    if (e.label && e.labelAt) out.push(`<text x="${r(e.labelAt[0])}" y="${r(e.labelAt[1])}" font-size="16" text-anchor="middle" fill="${colour}" stroke="#FFFFFF" stroke-width="4" paint-order="stroke">${esc(e.label)}</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
