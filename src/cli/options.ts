// `kubesim options`: the flags every command takes, as `kubectl options` lists its global ones.
import type { CliIO } from './io.js';

const TEXT = `The following options can be passed to any command:

    --context='':
	Accepted for kubectl compatibility and ignored: a state file holds one cluster.

    --kubeconfig='':
	Accepted for kubectl compatibility and ignored: see --state.

    -n, --namespace='':
	If present, the namespace scope for this CLI request

    --state='':
	The kubesim state file (default $KUBESIM_STATE, else ~/.kube/kubesim/state.json).

Environment:
    KUBESIM_STATE   the state file, when --state is not given
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
