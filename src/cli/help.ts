// Root help, in kubectl's layout. Keep it in step with src/main.ts's verb table.
import type { CliIO } from './io.js';

export const GROUPS: [string, [string, string][]][] = [
  ['Basic Commands (Beginner)', [
    ['create', 'Create a resource from a file or from stdin'],
    ['expose', 'Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service'],
    ['run', 'Run a particular image on the cluster'],
    ['set', 'Set specific features on objects'],
  ]],
  ['Basic Commands (Intermediate)', [
    ['explain', 'Show the documentation of a resource type or of one of its fields'],
    ['get', 'Display one or many resources'],
    ['edit', 'Edit an object in your editor and apply the change as a patch'],
    ['delete', 'Delete resources by file names, stdin, resources and names, or by resources and label selector'],
  ]],
  ['Deploy Commands', [
    ['rollout', 'Manage the rollout of a resource'],
    ['scale', 'Set a new size for a deployment, replica set, or replication controller'],
    ['autoscale', 'Create a HorizontalPodAutoscaler for a deployment, replica set, stateful set, or replication controller'],
  ]],
  ['Cluster Management Commands', [
    ['cluster-info', 'Display cluster information'],
    ['cordon', 'Mark a node unschedulable'],
    ['uncordon', 'Mark a node schedulable again'],
    ['drain', 'Cordon a node and evict its pods, honouring PodDisruptionBudgets'],
    ['taint', 'Add, change or remove taints on nodes'],
    ['top', 'Display resource (CPU/memory) usage, from a simulated metrics-server'],
  ]],
  ['Troubleshooting and Debugging Commands', [
    ['describe', 'Show details of a specific resource or group of resources'],
    ['logs', 'Print the logs for a container in a pod'],
    ['attach', 'Attach to a running container'],
    ['exec', 'Execute a command in a container'],
    ['port-forward', 'Forward one or more local ports to a pod'],
    ['debug', 'Create debugging sessions for troubleshooting workloads and nodes'],
    ['auth', 'Inspect authorization'],
    ['events', 'List events'],
  ]],
  ['Advanced Commands', [
    ['diff', 'Diff the live version against a would-be applied version'],
    ['apply', 'Apply a configuration to a resource by file name or stdin'],
    ['patch', 'Update fields of a resource'],
    ['replace', 'Replace a resource by file name or stdin'],
    ['wait', 'Wait, on the simulated clock, for a condition on one or many resources'],
    ['kustomize', 'Build a kustomization directory into the YAML it stands for'],
  ]],
  ['Settings Commands', [
    ['label', 'Update the labels on a resource'],
    ['annotate', 'Update the annotations on a resource'],
    ['config', 'Read and change the kubeconfig: contexts, clusters, the current namespace'],
  ]],
  ['Simulation Commands (kubesim)', [
    ['cluster', 'Create, delete and inspect the simulated cluster'],
    ['state', 'Export the cluster as one document, or check the files that hold it'],
    ['curl', 'Send an HTTP request through the simulated network, with --trace to see each hop'],
    ['tunnel', 'Expose NodePort and LoadBalancer services on local ports, like minikube tunnel'],
    ['serve', 'Serve the cluster over the Kubernetes API, for the real kubectl, Helm and client libraries'],
    ['alias-dir', "Make a directory with a 'kubectl' that runs kubesim, for PATH (scripts too)"],
  ]],
  ['Other Commands', [
    ['api-resources', 'Print the supported API resources on the server'],
    ['api-versions', 'Print the API versions the simulated server serves, as "group/version"'],
    ['completion', 'Output shell completion code for the specified shell (bash, zsh, fish)'],
    ['version', 'Print the client and server version information'],
    ['options', 'Print the list of flags inherited by all commands'],
  ]],
];

export function printRootHelp(io: CliIO): void {
  const width = Math.max(...GROUPS.flatMap(([, cmds]) => cmds.map(([n]) => n.length))) + 3;
  let out = 'kubesim drives a simulated Kubernetes cluster with kubectl\'s commands and output.\n\n';
  for (const [title, cmds] of GROUPS) {
    out += `${title}:\n`;
    for (const [name, desc] of cmds) out += `  ${name.padEnd(width)}${desc}\n`;
    out += '\n';
  }
  out += 'Usage:\n  kubesim [flags] [options]\n\nUse "kubesim <command> --help" for more information about a given command.\nUse "kubesim options" for a list of global command-line options (applies to all commands).\n';
  io.stdout.write(out);
}
