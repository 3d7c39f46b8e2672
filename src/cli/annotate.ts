// `kubesim annotate`: label's machinery on metadata.annotations (kubectl always says "annotated").
import type { CliIO } from './io.js';
import { runMetadataVerb } from './label.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  return runMetadataVerb({ verb: 'annotate', field: 'annotations', noun: 'annotation', done: 'annotated', help: HELP }, argv, io);
}

// kubectl's help text, with kubesim as the command name.
const HELP = `Add, change or remove annotations of objects in the simulated cluster.

 Annotations are free-form key/value strings kept in an object's metadata; unlike labels, nothing selects on them, and their values may be long (JSON, for instance). Some have meaning to kubesim's simulated controllers, such as kubernetes.io/change-cause, which rollout history shows.

 KEY=VALUE sets an annotation and KEY- removes one. Giving a new value to an annotation that is already set is refused without --overwrite, and --resource-version makes the change fail if the object has moved on from that version.

Run "kubectl api-resources" to see which kinds kubesim knows.

Examples:
  # Annotate pod foo with description='my frontend'
  # (when a key is given twice, the last value wins)
  kubectl annotate pods foo description='my frontend'
  
  # Annotate the object that pod.json defines
  kubectl annotate -f pod.json description='my frontend'
  
  # Replace the description of pod foo with a new value
  kubectl annotate --overwrite pods foo description='my frontend running nginx'
  
  # Annotate every pod of the namespace
  kubectl annotate pods --all description='my frontend running nginx'
  
  # Annotate pod foo only if its resourceVersion is still 1
  kubectl annotate pods foo description='my frontend running nginx' --resource-version=1
  
  # Remove the description annotation from pod foo (no --overwrite needed)
  kubectl annotate pods foo description-

Options:
    --all=false:
	Act on every object of the given kinds in the namespace.

    -A, --all-namespaces=false:
	With --all or -l, look in every namespace.

    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    -f, --filename=[]:
	Files or directories whose manifests name the objects to annotate.

    --list=false:
	Print the object's current annotations, one KEY=VALUE a line, instead of changing them.

    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name).

    --overwrite=false:
	Allow new values for annotations that are already set; without it such a change is refused.

    -R, --recursive=false:
	Also read the manifests in subdirectories of any directory given with -f.

    --resource-version='':
	Update only if the object's resourceVersion is still this one (one object only).

    -l, --selector='':
	Only act on objects whose labels match this query, such as -l app=web,tier!=db ('=', '==' and '!=' work); every term has to hold.

Usage:
  kubectl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
