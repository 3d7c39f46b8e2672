// `kubesim options`: the flags every command takes, as `kubectl options` lists its global ones.
import type { CliIO } from './io.js';

const TEXT = `The following options can be passed to any command:

    --cluster='':
	The kubeconfig cluster (a simulated cluster with its own state) to work on, instead of the context's.

    --context='':
	The kubeconfig context to work on, instead of the current one.

    --kubeconfig='':
	The kubeconfig file to read (default $KUBECONFIG, else kubesim's own file beside the state).

    -n, --namespace='':
	If present, the namespace scope for this CLI request

    --state='':
	The default cluster's state file (default $KUBESIM_STATE, else ~/.kube/kubesim/state.json); kubesim's
	own kubeconfig and the other clusters' states live beside it.

    --user='':
	The kubeconfig user to use (kubesim checks that it exists; the simulated API server does not authenticate).

Environment:
    KUBESIM_STATE   the default cluster's state file, when --state is not given
    KUBECONFIG      kubeconfig files (colon-separated), merged as kubectl merges them
    KUBESIM_SEED    the seed of the random source when a command creates the cluster
                    (an integer between -2147483648 and 2147483647)
    KUBESIM_NOW     a fixed time (RFC 3339) for every timestamp, for reproducible output
    KUBESIM_IMAGES  a file describing more simulated images (see README)
    NO_COLOR        no colour in kubesim's own output (--trace, tunnel)
`;

export async function run(_argv: string[], io: CliIO): Promise<number> {
  io.stdout.write(TEXT);
  return 0;
}
