// cobra's answer to an unknown command: "Did you mean this?" with the commands within two edits of the word
// or starting with it, in kubectl's own command order.

/** kubectl's root commands in the order it registers them (its help groups), then kubesim's own. */
const ORDER = [
  'create', 'expose', 'run', 'set', 'explain', 'get', 'edit', 'delete', 'rollout', 'scale', 'autoscale',
  'certificate', 'cluster-info', 'top', 'cordon', 'uncordon', 'drain', 'taint', 'describe', 'logs', 'attach',
  'exec', 'port-forward', 'proxy', 'cp', 'auth', 'debug', 'events', 'diff', 'apply', 'patch', 'replace', 'wait',
  'kustomize', 'label', 'annotate', 'completion', 'alpha', 'api-resources', 'api-versions', 'config', 'plugin',
  'version', 'options', 'cluster', 'state', 'curl', 'tunnel',
];

/** Levenshtein distance, case-insensitive, as cobra's ld(). */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length];
}

export function unknownCommandMessage(word: string, commands: string[]): string {
  const known = new Set([...commands, 'cluster-info']);
  const names = [...ORDER.filter((c) => known.has(c)), ...commands.filter((c) => !ORDER.includes(c)).sort()];
  const close = names.filter((c) => distance(word, c) <= 2 || c.toLowerCase().startsWith(word.toLowerCase()));
  let text = `Error: unknown command "${word}" for "kubectl"\n`;
  if (close.length) text += `\nDid you mean this?\n${close.map((c) => `\t${c}\n`).join('')}\n`;
  return text;
}
