// Root help, in kubectl's layout. Keep it in step with src/main.ts's verb table.
import type { CliIO } from './io.js';

export const GROUPS: [string, [string, string][]][] = [
  ['Basic Commands (Beginner)', [
    ['create', "Make objects from files, stdin, or one of kubectl's generators"],
    ['expose', 'Put a new Service in front of a pod, Deployment, ReplicaSet, controller or Service'],
    ['run', 'Start a pod of one image in the simulated cluster, attached if asked'],
    ['set', 'Change one aspect of objects: image, env, resources, service account, selector'],
  ]],
  ['Basic Commands (Intermediate)', [
    ['explain', 'Show the documentation of a resource type or of one of its fields'],
    ['get', "List objects as kubectl's tables, or print them as YAML, JSON, jsonpath or templates"],
    ['edit', 'Edit an object in your editor and apply the change as a patch'],
    ['delete', 'Remove objects named by type and name, file, label selector or --all'],
  ]],
  ['Deploy Commands', [
    ['rollout', 'Follow, pause, resume, restart or undo the rollout of a workload'],
    ['scale', 'Change the replica count of a Deployment, ReplicaSet, StatefulSet or controller'],
    ['autoscale', 'Create a HorizontalPodAutoscaler for a deployment, replica set, stateful set, or replication controller'],
  ]],
  ['Cluster Management Commands', [
    ['cluster-info', 'Show where the simulated control plane and CoreDNS answer'],
    ['cordon', 'Mark a node unschedulable'],
    ['uncordon', 'Mark a node schedulable again'],
    ['drain', 'Cordon a node and evict its pods, honouring PodDisruptionBudgets'],
    ['taint', 'Add, change or remove taints on nodes'],
    ['top', 'Display resource (CPU/memory) usage, from a simulated metrics-server'],
  ]],
  ['Troubleshooting and Debugging Commands', [
    ['describe', 'Show an object in detail, with its related objects and events'],
    ['logs', 'Print what a container wrote: start-up lines and the requests its app served'],
    ['attach', "Follow the output of a running container's main process, or its shell"],
    ['exec', 'Run a command in a running container, through the simulated shell and tools'],
    ['port-forward', 'Open real local ports that lead to a simulated pod'],
    ['cp', "Copy files and directories to and from a container's simulated filesystem"],
    ['debug', 'Start a debugging pod, such as a host-network pod on a chosen node'],
    ['auth', 'Check what a user may do, from the stored RBAC objects'],
    ['events', 'List the events the simulated components recorded'],
  ]],
  ['Advanced Commands', [
    ['diff', 'Show what apply -f would change, as a unified diff of live and merged objects'],
    ['apply', 'Create or update objects from files or stdin with the three-way merge kubectl uses'],
    ['patch', 'Change fields of an object with a strategic, merge or JSON patch'],
    ['replace', 'Replace objects whole from files or stdin'],
    ['wait', 'Wait, on the simulated clock, for a condition on one or many resources'],
    ['kustomize', 'Build a kustomization directory into the YAML it stands for'],
  ]],
  ['Settings Commands', [
    ['label', 'Add, change or remove labels on objects'],
    ['annotate', 'Add, change or remove annotations on objects'],
    ['config', 'Read and change the kubeconfig: contexts, clusters, the current namespace'],
  ]],
  ['Simulation Commands (kubesim)', [
    ['cluster', 'Create, delete and inspect the simulated cluster'],
    ['state', 'Export the cluster as one document, or check the files that hold it'],
    ['curl', 'Send an HTTP request through the simulated network, with --trace to see each hop'],
    ['tunnel', 'Expose NodePort and LoadBalancer services on local ports, like minikube tunnel'],
    ['graph', 'Draw nodes, pods, Services and the paths of recent requests (text, Mermaid, dot, SVG)'],
    ['serve', 'Serve the cluster over the Kubernetes API, for the real kubectl, Helm and client libraries'],
    ['ui', 'Open a live map of the cluster and its requests in a web browser'],
    ['alias-dir', "Make a directory with a 'kubectl' that runs kubesim, for PATH (scripts too)"],
  ]],
  ['Other Commands', [
    ['api-resources', 'List the kinds the simulated API server serves'],
    ['api-versions', 'Print the API versions the simulated server serves, as "group/version"'],
    ['completion', 'Output shell completion code for the specified shell (bash, zsh, fish)'],
    ['version', "Print kubesim's client version and the simulated server's version"],
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
