// `kubesim graph --format text`: the lessons' picture in a terminal of 100 columns. Each node is a box with its
// address and pod range, its pods inside with theirs; then the Services with arrows to the pods behind them,
// the Ingresses, the NetworkPolicies (the fences), and the recent requests as one path a line.
import type { ClusterGraph, GraphPod } from './model.js';

export const TEXT_WIDTH = 100;

/** Cuts a line to the width, marking the cut. */
function fit(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}

/** Splits a long path at its arrows, continuing lines indented under the first. */
function wrapPath(s: string, first: string, rest: string, width: number): string[] {
  const parts = s.split(' -> ');
  const lines: string[] = [];
  let cur = first + parts[0];
  for (const p of parts.slice(1)) {
    const piece = ` -> ${p}`;
    if (cur.length + piece.length > width) {
      lines.push(cur);
      cur = `${rest}-> ${p}`;
    } else cur += piece;
  }
  lines.push(cur);
  return lines.map((l) => fit(l, width));
}

export function renderText(g: ClusterGraph): string {
  const W = TEXT_WIDTH;
  const out: string[] = [];
  const scope = g.namespace === null ? 'all namespaces' : `namespace ${g.namespace}`;
  out.push(fit(`Cluster ${g.cluster} (${scope}); the workstation is ${g.workstationIP}`, W));
  out.push('');
  const podName = (p: GraphPod) => (g.namespace === null || p.visitor ? `${p.namespace}/${p.name}` : p.name);
  const podById = new Map(g.pods.map((p) => [p.id, p]));
  const fencesOf = new Map<string, string[]>();
  for (const np of g.policies) for (const id of np.pods) fencesOf.set(id, [...(fencesOf.get(id) ?? []), np.name]);

  const inner = W - 4;
  const row = (s: string) => `│ ${fit(s, inner).padEnd(inner)} │`;
  const nameW = Math.min(40, Math.max(8, ...g.pods.map((p) => podName(p).length)));
  for (const n of g.nodes) {
    const title = `─ node ${n.name} (${n.roles.join(',')}) ${n.internalIP}  pods ${n.podCIDRs.join(',')}${n.ready ? '' : '  NotReady'} `;
    out.push(`┌${fit(title, W - 2).padEnd(W - 2, '─')}┐`);
    const pods = n.pods.map((id) => podById.get(id)!).filter(Boolean);
    if (!pods.length) out.push(row(g.namespace === null ? '(no pods)' : `(no pods in ${g.namespace})`));
    for (const p of pods) {
      const state = p.phase === 'Running' && !p.ready ? 'Running, not ready' : p.phase;
      const fence = fencesOf.get(p.id);
      const extra = [p.hostNetwork ? 'hostNetwork' : '', fence ? `fenced by ${fence.join(', ')}` : ''].filter(Boolean).join('  ');
      out.push(row(`● ${podName(p).padEnd(nameW)} ${(p.ip || '<none>').padEnd(15)} ${state}${extra ? `  ${extra}` : ''}`));
    }
    out.push(`└${'─'.repeat(W - 2)}┘`);
  }
  const unscheduled = g.pods.filter((p) => !p.node);
  if (unscheduled.length) out.push(fit(`Not scheduled: ${unscheduled.map(podName).join(', ')}`, W));

  const svcName = (id: string) => (g.namespace === null ? id.slice(4) : id.split('/')[2]);
  out.push('');
  out.push('Services');
  if (!g.services.length) out.push('  (none)');
  for (const s of g.services) {
    const ports = s.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}->${p.targetPort}/${p.protocol}`).join(', ');
    const ext = s.externalIPs.length ? `  external ${s.externalIPs.join(',')}` : '';
    out.push(fit(`  ◆ ${svcName(s.id)}  ${s.type} ${s.clusterIP || '<none>'}  ${ports}${ext}`, W));
    if (!s.endpoints.length && !s.otherEndpoints.length && s.type !== 'ExternalName') out.push('      (no endpoints)');
    for (const a of s.otherEndpoints) out.push(fit(`      └─> ${a}  (not a pod)`, W));
    for (const id of s.endpoints) {
      const p = podById.get(id);
      const where = p ? `${p.ip} on ${p.node.slice(5) || '<none>'}` : '(another namespace)';
      const ready = s.readyEndpoints.includes(id) ? '' : '  not ready';
      out.push(fit(`      └─> ${g.namespace === null ? id.slice(4) : id.split('/')[2]}  ${where}${ready}`, W));
    }
  }
  if (g.ingresses.length) {
    out.push('');
    out.push('Ingresses');
    for (const i of g.ingresses) {
      out.push(fit(`  ▲ ${g.namespace === null ? `${i.namespace}/` : ''}${i.name}  class ${i.className || '<none>'}  address ${i.addresses.join(',') || '<pending>'}`, W));
      for (const r of i.rules) out.push(fit(`      ${r.host}${r.path === '(default)' ? ' (default backend)' : r.path} ─> ${svcName(r.service)}:${r.port}`, W));
    }
  }
  if (g.policies.length) {
    out.push('');
    out.push('NetworkPolicies (fences)');
    for (const np of g.policies) {
      const names = np.pods.map((id) => (g.namespace === null ? id.slice(4) : id.split('/')[2]));
      out.push(fit(`  ▒ ${g.namespace === null ? `${np.namespace}/` : ''}${np.name} [${np.policyTypes.join(',')}]  fences ${names.length ? names.join(', ') : 'no pods'}`, W));
    }
  }
  out.push('');
  out.push(`Recent requests (${g.paths.length})`);
  if (!g.paths.length) out.push('  (none yet: try kubesim curl, or kubectl run/exec with curl)');
  for (const p of g.paths) {
    out.push(fit(`  #${p.seq} ${p.what}`, W));
    out.push(...wrapPath(p.summary, '     ', '        ', W));
  }
  return `${out.join('\n')}\n`;
}
