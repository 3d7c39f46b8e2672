// `kubesim graph`: the cluster as the lessons draw it (src/graph/model.ts), printed as a terminal drawing,
// Mermaid, Graphviz dot, SVG (laid out in-process, src/graph/layout.ts) or the model's JSON.
import { CLI_NAME, CommandError } from '../api/errors.js';
import { buildClusterGraph } from '../graph/model.js';
import { addGlobalFlags, intFlag, invalidFlagValue, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { Session } from './session.js';

const HELP = `Draw the simulated cluster: its nodes with their addresses, the pods on each node, the Services and the
pods behind them, Ingresses, NetworkPolicies, and the path the most recent requests took through them.

 Every connection kubesim carries (curl, run, exec, probes excepted) is remembered; --flows N shows the last N
 of them as paths, e.g. workstation -> NodePort -> SNAT -> pod. The text drawing fits 100 columns; mermaid
 renders in Markdown viewers that support it; dot is for Graphviz; svg needs neither a browser nor Graphviz.

Examples:
  # The default namespace, drawn in the terminal
  kubesim graph

  # Every namespace, with the last 5 requests
  kubesim graph -A --flows 5

  # A Mermaid flowchart for a Markdown page
  kubesim graph -n dev --format mermaid > cluster.md

  # An SVG picture for slides
  kubesim graph -n dev --format svg > cluster.svg

Options:
    -A, --all-namespaces=false:
	Draw every namespace (the namespace flag is then ignored).

    --flows=10:
	How many of the most recent requests to draw as paths (0 for none, at most 200).

    --format='text':
	One of: text, mermaid, dot, svg, json.

Usage:
  kubesim graph [-n NAMESPACE|-A] [--format text|mermaid|dot|svg|json] [--flows N] [options]

Use "kubesim options" for a list of global command-line options (applies to all commands).
`;

const FORMATS = ['text', 'mermaid', 'dot', 'svg', 'json'];

interface GraphOptions {
  namespace?: string;
  allNamespaces?: boolean;
  state?: string;
  format: string;
  flows: number;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('graph', io, HELP), { allNamespaces: true });
  cmd.option('--format <format>', '', 'text').option('--flows <n>', '', intFlag('graph', '--flows'), 10);
  if (!parseArgs(cmd, argv, 'graph')) return 0;
  const o = cmd.opts() as GraphOptions;
  if (!FORMATS.includes(o.format)) throw invalidFlagValue('graph', '--format', o.format, `must be one of: ${FORMATS.join(', ')}`);
  if (o.flows < 0 || o.flows > 200) throw invalidFlagValue('graph', '--flows', String(o.flows), 'must be 0-200');
  if (cmd.args.length) throw new CommandError(`unexpected argument "${cmd.args[0]}": graph takes no arguments\nSee '${CLI_NAME} graph --help' for usage.`);
  const session = new Session(o, io);
  const { state } = await session.read();
  const g = buildClusterGraph(state, { namespace: session.namespace, allNamespaces: !!o.allNamespaces, flows: o.flows });
  let text: string;
  switch (o.format) {
    case 'json':
      text = `${JSON.stringify(g, null, 2)}\n`;
      break;
    case 'mermaid':
      text = (await import('../graph/diagram.js')).renderMermaid(g);
      break;
    case 'dot':
      text = (await import('../graph/diagram.js')).renderDot(g);
      break;
    case 'svg': {
      const { layoutGraph, renderSvg } = await import('../graph/layout.js');
      text = renderSvg(g, await layoutGraph(g));
      break;
    }
    default:
      text = (await import('../graph/text.js')).renderText(g);
  }
  io.stdout.write(text);
  return 0;
}
