// `kubesim graph --format mermaid|dot`: the model as a Mermaid flowchart (renders in Markdown viewers) or as
// Graphviz dot. Both: a box (subgraph/cluster) per node holding its pods, Services with edges to their
// endpoints, Ingresses to Services, NetworkPolicies as dotted fences to the pods they select, and each recent
// request as a thick numbered path. Colours are Okabe-Ito (safe for colour-blind readers).
import type { ClusterGraph } from './model.js';

/** Okabe-Ito: distinguishable with every common colour-vision deficiency. */
export const PALETTE = {
  node: '#E8E8E8',
  pod: '#56B4E9',
  podNotReady: '#F0E442',
  service: '#009E73',
  ingress: '#CC79A7',
  policy: '#D55E00',
  path: '#0072B2',
  failed: '#D55E00',
  workstation: '#000000',
  text: '#000000',
};

/** Short ids the diagram languages accept, one per model id, unique. */
export class Ids {
  private readonly map = new Map<string, string>();
  private readonly back = new Map<string, string>();
  /** The model id of a diagram id (undefined for ids this instance did not make). */
  modelId(v: string): string | undefined {
    return this.back.get(v);
  }
  get(id: string): string {
    let v = this.map.get(id);
    if (v) return v;
    const base = id.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'x';
    v = /^[A-Za-z]/.test(base) ? base : `x_${base}`;
    // 'end' and friends are keywords in mermaid; a prefix keeps every id clear of them.
    v = `k_${v}`;
    let n = 2;
    const root = v;
    while (this.back.has(v)) v = `${root}_${n++}`;
    this.back.set(v, id);
    this.map.set(id, v);
    return v;
  }
}

/** A name as the namespace shown needs it: bare in its own namespace, NS/NAME otherwise. */
const short = (g: ClusterGraph, id: string) => (g.namespace === null || id.split('/').length !== 3 || id.split('/')[1] !== g.namespace ? id.split('/').slice(1).join('/') : id.split('/').at(-1)!);

function svcLines(g: ClusterGraph, s: ClusterGraph['services'][number]): string[] {
  const ports = s.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}→${p.targetPort}/${p.protocol}`).join(', ');
  return [`svc ${short(g, s.id)}`, `${s.type} ${s.clusterIP || 'None'}`, ...(ports ? [ports] : []), ...(s.externalIPs.length ? [`external ${s.externalIPs.join(', ')}`] : [])];
}

/** Mermaid label text: quotes and angle brackets as entities (mermaid's #quot; form), lines joined by <br/>. */
function mm(lines: string[]): string {
  return `"${lines.map((l) => l.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>')}"`;
}

export function renderMermaid(g: ClusterGraph): string {
  const ids = new Ids();
  const out: string[] = ['flowchart LR'];
  const podById = new Map(g.pods.map((p) => [p.id, p]));
  out.push(`  ${ids.get('workstation')}([${mm(['workstation', g.workstationIP])}])`);
  for (const n of g.nodes) {
    out.push(`  subgraph ${ids.get(n.id)}[${mm([`node ${n.name}`, `${n.internalIP} · pods ${n.podCIDRs.join(', ')}`])}]`);
    for (const pid of n.pods) {
      const p = podById.get(pid)!;
      out.push(`    ${ids.get(p.id)}[${mm([short(g, p.id), p.ip || 'no IP', p.ready ? p.phase : `${p.phase}, not ready`])}]`);
    }
    if (!n.pods.length) out.push(`    ${ids.get(`${n.id}/empty`)}[${mm(['no pods'])}]`);
    out.push('  end');
  }
  for (const p of g.pods) if (!p.node) out.push(`  ${ids.get(p.id)}[${mm([short(g, p.id), 'not scheduled'])}]`);
  for (const s of g.services) {
    out.push(`  ${ids.get(s.id)}{{${mm(svcLines(g, s))}}}`);
    for (const e of s.endpoints) if (podById.has(e)) out.push(`  ${ids.get(s.id)} --> ${ids.get(e)}`);
  }
  for (const i of g.ingresses) {
    out.push(`  ${ids.get(i.id)}[/${mm([`ingress ${short(g, i.id)}`, i.addresses.join(', ') || 'address pending'])}/]`);
    for (const r of i.rules) if (g.services.some((s) => s.id === r.service)) out.push(`  ${ids.get(i.id)} -->|${mm([`${r.host}${r.path}`])}| ${ids.get(r.service)}`);
  }
  for (const np of g.policies) {
    out.push(`  ${ids.get(np.id)}>${mm([`netpol ${short(g, np.id)}`, np.policyTypes.join(', ')])}]`);
    for (const pid of np.pods) out.push(`  ${ids.get(np.id)} -.- ${ids.get(pid)}`);
  }
  // Paths: one thick link per step, labelled with the request's number.
  let link = 0;
  const pathLinks: { n: number; ok: boolean }[] = [];
  const countLinks = () => out.filter((l) => / (-->|-\.-|==>) /.test(l) || / -->\|/.test(l)).length;
  link = countLinks();
  const known = (id: string) => id === 'workstation' || podById.has(id) || g.services.some((s) => s.id === id) || g.nodes.some((n) => n.id === id);
  for (const p of g.paths) {
    const els = p.elements.filter(known);
    for (let i = 0; i + 1 < els.length; i++) {
      out.push(`  ${ids.get(els[i])} ==>|${mm([`#${p.seq}${i === 0 ? ` ${p.what}` : ''}`])}| ${ids.get(els[i + 1])}`);
      pathLinks.push({ n: link++, ok: p.verdict === 'ok' });
    }
  }
  out.push(`  classDef pod fill:${PALETTE.pod},stroke:#000,color:#000`);
  out.push(`  classDef notready fill:${PALETTE.podNotReady},stroke:#000,color:#000`);
  out.push(`  classDef svc fill:${PALETTE.service},stroke:#000,color:#fff`);
  out.push(`  classDef ing fill:${PALETTE.ingress},stroke:#000,color:#000`);
  out.push(`  classDef pol fill:#fff,stroke:${PALETTE.policy},stroke-width:3px,color:#000`);
  const cls = (name: string, list: string[]) => list.length && out.push(`  class ${list.join(',')} ${name}`);
  cls('pod', g.pods.filter((p) => p.ready).map((p) => ids.get(p.id)));
  cls('notready', g.pods.filter((p) => !p.ready).map((p) => ids.get(p.id)));
  cls('svc', g.services.map((s) => ids.get(s.id)));
  cls('ing', g.ingresses.map((i) => ids.get(i.id)));
  cls('pol', g.policies.map((n) => ids.get(n.id)));
  for (const l of pathLinks) out.push(`  linkStyle ${l.n} stroke:${l.ok ? PALETTE.path : PALETTE.failed},stroke-width:4px`);
  return `${out.join('\n')}\n`;
}

/** A node's dot subgraph: graphviz draws a box around a subgraph whose name starts with "cluster". */
export function clusterId(ids: Ids, nodeId: string): string {
  return `cluster_${ids.get(nodeId)}`;
}

/** dot strings: backslash and quote escaped. */
function dq(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
const dl = (lines: string[]) => dq(lines.join('\n')).replace(/\n/g, '\\n');

/** ids: pass one to map the diagram's ids back to the model's (src/graph/layout.ts does). */
export function renderDot(g: ClusterGraph, ids = new Ids()): string {
  const out: string[] = [
    `digraph ${dq(`cluster ${g.cluster}`)} {`,
    '  rankdir=LR;',
    '  fontname="Helvetica"; fontsize=20;',
    `  node [fontname="Helvetica", fontsize=18, shape=box, style="rounded,filled", fillcolor=${dq(PALETTE.pod)}, color="#000000"];`,
    '  edge [fontname="Helvetica", fontsize=16, penwidth=2];',
    `  ${ids.get('workstation')} [label=${dl(['workstation', g.workstationIP])}, shape=oval, fillcolor="#FFFFFF"];`,
  ];
  const podById = new Map(g.pods.map((p) => [p.id, p]));
  for (const n of g.nodes) {
    out.push(`  subgraph ${clusterId(ids, n.id)} {`);
    out.push(`    label=${dl([`node ${n.name}`, `${n.internalIP}  pods ${n.podCIDRs.join(', ')}`])}; style="filled"; fillcolor=${dq(PALETTE.node)}; color="#000000";`);
    for (const pid of n.pods) {
      const p = podById.get(pid)!;
      out.push(`    ${ids.get(p.id)} [label=${dl([short(g, p.id), p.ip || 'no IP', p.ready ? p.phase : `${p.phase}, not ready`])}${p.ready ? '' : `, fillcolor=${dq(PALETTE.podNotReady)}`}];`);
    }
    if (!n.pods.length) out.push(`    ${ids.get(`${n.id}/empty`)} [label="no pods", style="dashed", fillcolor="#FFFFFF"];`);
    // A request from the node itself starts at the node's host network stack.
    if (g.paths.some((p) => p.elements[0] === n.id)) out.push(`    ${ids.get(n.id)} [label=${dl([`${n.name} (host)`, n.internalIP])}, shape=box3d, fillcolor="#FFFFFF"];`);
    out.push('  }');
  }
  for (const p of g.pods) if (!p.node) out.push(`  ${ids.get(p.id)} [label=${dl([short(g, p.id), 'not scheduled'])}, fillcolor=${dq(PALETTE.podNotReady)}];`);
  for (const s of g.services) {
    out.push(`  ${ids.get(s.id)} [label=${dl(svcLines(g, s))}, shape=hexagon, fillcolor=${dq(PALETTE.service)}, fontcolor="#FFFFFF"];`);
    for (const e of s.endpoints) if (podById.has(e)) out.push(`  ${ids.get(s.id)} -> ${ids.get(e)} [id="endpoint"${s.readyEndpoints.includes(e) ? '' : ', style=dashed'}];`);
  }
  for (const i of g.ingresses) {
    out.push(`  ${ids.get(i.id)} [label=${dl([`ingress ${short(g, i.id)}`, i.addresses.join(', ') || 'address pending'])}, shape=parallelogram, fillcolor=${dq(PALETTE.ingress)}];`);
    for (const r of i.rules) if (g.services.some((s) => s.id === r.service)) out.push(`  ${ids.get(i.id)} -> ${ids.get(r.service)} [id="rule", label=${dq(`${r.host}${r.path}`)}];`);
  }
  for (const np of g.policies) {
    out.push(`  ${ids.get(np.id)} [label=${dl([`netpol ${short(g, np.id)}`, np.policyTypes.join(', ')])}, shape=octagon, fillcolor="#FFFFFF", color=${dq(PALETTE.policy)}, penwidth=3];`);
    for (const pid of np.pods) out.push(`  ${ids.get(np.id)} -> ${ids.get(pid)} [id="fence", style=dotted, color=${dq(PALETTE.policy)}, arrowhead=none];`);
  }
  const known = (id: string) => id === 'workstation' || podById.has(id) || g.services.some((s) => s.id === id) || g.nodes.some((n) => n.id === id);
  for (const p of g.paths) {
    const els = p.elements.filter(known);
    const colour = p.verdict === 'ok' ? PALETTE.path : PALETTE.failed;
    for (let i = 0; i + 1 < els.length; i++) {
      out.push(`  ${ids.get(els[i])} -> ${ids.get(els[i + 1])} [id=${dq(`path:${p.seq}:${p.verdict === 'ok' ? 'ok' : 'failed'}`)}, label=${dq(`#${p.seq}${i === 0 ? ` ${p.what}` : ''}`)}, color=${dq(colour)}, fontcolor=${dq(colour)}, penwidth=4];`);
    }
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
