// `kubesim edit (TYPE NAME | TYPE/NAME | -f FILE)`: the object opened in the user's editor (KUBE_EDITOR, then
// EDITOR, then vi: a program on the user's own machine, run with the terminal), and what changed sent to the
// API server as a patch through the same path as `kubesim patch`, so controllers react. kubectl's header
// comment, its reopen-with-errors loop, the copy kept in the temp directory, and its lines and messages.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, InvalidError, KubeError, notFound, StatusError } from '../api/errors.js';
import { decodeManifests, loadYaml, yamlToValue } from '../api/manifest.js';
import { qualifiedKind, qualifiedResource, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { getObject } from '../store/objects.js';
import { parseTargets } from '../cluster/rollouts.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { collectFiles, readSources } from './manifest-files.js';
import { Session } from './session.js';
import { omitManagedFields } from '../printers/managed-fields.js';

const HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

/** cmdutil.StripComments: drop the lines that start (after blanks) with '#'. */
const stripComments = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n');

/** The editor command as kubectl builds it: one word, words split on spaces, or a shell for quoting. */
function editorCommand(env: NodeJS.ProcessEnv, file: string): { cmd: string; args: string[]; shown: string } {
  const editor = env.KUBE_EDITOR || env.EDITOR || 'vi';
  if (!editor.includes(' ')) return { cmd: editor, args: [file], shown: editor };
  if (!/["'\\]/.test(editor)) {
    const words = editor.split(' ');
    return { cmd: words[0], args: [...words.slice(1), file], shown: editor };
  }
  const shell = env.SHELL || '/bin/bash';
  return { cmd: shell, args: ['-c', `${editor} ${JSON.stringify(file)}`], shown: `${shell} -c ${editor}` };
}

interface Target {
  info: ResourceInfo;
  namespace?: string;
  name: string;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('edit', io, HELP));
  cmd
    .option('--allow-missing-template-keys [bool]', 'accepted for compatibility')
    .option('--field-manager <name>', 'the field manager the edit is recorded under')
    .option('-f, --filename <file>', 'files naming the objects to edit', collectFiles, [])
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .option('--output-patch', 'print the patch sent')
    .option('-R, --recursive', 'process directories recursively')
    .option('--save-config', 'accepted for compatibility')
    .option('--show-managed-fields', 'show metadata.managedFields in the editor')
    .option('--subresource <name>', 'accepted: only the object itself is edited')
    .option('--template <template>', 'accepted for compatibility')
    .option('--validate [mode]', 'accepted for compatibility')
    .option('--windows-line-endings', 'use CRLF line endings');
  if (!parseArgs(cmd, argv, 'edit')) return 0;
  const o = cmd.opts();
  const format = String(o.output);
  if (format !== 'yaml' && format !== 'json') throw new CommandError(`the flag 'output' must be one of yaml|json`);
  const session = new Session(o, io);
  const targets: Target[] = [];
  const files: string[] = o.filename ?? [];
  if (files.length) {
    if (cmd.args.length) throw new CommandError('Unexpected args: [' + cmd.args.join(' ') + ']');
    const sources = await readSources(files, !!o.recursive, io);
    for (const it of await decodeManifests(sources, { validate: false, namespace: session.namespace, enforceNamespace: session.namespaceExplicit })) {
      if ('error' in it) throw it.error;
      targets.push({ info: it.ok.info, namespace: it.ok.object.metadata.namespace, name: it.ok.object.metadata.name });
    }
  } else {
    for (const t of parseTargets(cmd.args)) targets.push({ info: t.info, namespace: t.info.namespaced ? session.namespace : undefined, name: t.name });
  }
  const { structuredPrinter } = await import('../printers/get.js');
  const print = (await structuredPrinter(format, '', {}))!;
  const crlf = !!o.windowsLineEndings;
  for (const t of targets) {
    const code = await editOne(t);
    if (code !== 0) return code;
  }
  return 0;

  async function editOne(t: Target): Promise<number> {
    const { state, ctx } = await session.read();
    const live = getObject(state, t.info.resource, t.info.namespaced ? t.namespace : undefined, t.name);
    if (!live) throw notFound(qualifiedResource(t.info), t.name);
    // What the editor shows (managedFields hidden, as kubectl does) is what the edit is compared with.
    const original = omitManagedFields(structuredClone(live));
    const body = print(original);
    const header = format === 'yaml' ? HEADER : '';
    // os.CreateTemp's name, numbered from the cluster's seeded source so that the same commands name the same file.
    let file: string;
    do file = join(tmpdir(), `kubectl-edit-${ctx.random.int(4294967295)}.${format}`);
    while (existsSync(file));
    const write = (text: string) => writeFileSync(file, crlf ? text.replace(/\r?\n/g, '\r\n') : text, { mode: 0o600 });
    write(header + body);
    const lib = await loadYaml();
    let previous: string | undefined;
    let lastError: KubeError | undefined;
    for (;;) {
      const ed = editorCommand(io.env, file);
      const r = spawnSync(ed.cmd, ed.args, { stdio: 'inherit', env: io.env });
      if (r.error) {
        const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
        throw new CommandError(missing ? `unable to launch the editor "${ed.shown}"` : `there was a problem with the editor "${ed.shown}"`);
      }
      if (r.status !== 0) throw new CommandError(`there was a problem with the editor "${ed.shown}"`);
      let edited: string;
      try {
        edited = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
      } catch {
        throw new CommandError(`there was a problem with the editor "${ed.shown}"`);
      }
      const stripped = stripComments(edited);
      // Reopened with an error and saved unchanged: the user gives up; the file stays for them.
      if (previous !== undefined && stripped === previous) {
        io.stderr.write(`error: ${lastError?.message ?? `${qualifiedResource(t.info)} "${t.name}" is invalid`}\n`);
        io.stderr.write(`A copy of your changes has been stored to "${file}"\n`);
        io.stderr.write('error: Edit cancelled, no valid changes were saved.\n');
        return 1;
      }
      if (stripped === stripComments(header + body)) {
        rmSync(file, { force: true });
        io.stderr.write('Edit cancelled, no changes made.\n');
        return 0;
      }
      // Parse; a failure reopens the file with the reason at the top.
      let obj: unknown;
      let reason: string[] | undefined;
      try {
        obj = stripped.trim() === '' ? undefined : yamlToValue(lib, stripped);
        if (!obj || typeof obj !== 'object' || Array.isArray(obj)) reason = ['<nil>: Invalid value: "The edited file failed validation": invalid object to validate'];
      } catch (e) {
        const msg = String((e as Error).message).split('\n')[0];
        reason = [`<nil>: Invalid value: "The edited file failed validation": ${msg.startsWith('yaml: ') ? msg : `yaml: ${msg}`}`];
      }
      const edObj = obj as KubeObject;
      if (!reason) {
        if (edObj.apiVersion !== original.apiVersion || edObj.kind !== original.kind || edObj.metadata?.name !== original.metadata.name) {
          io.stderr.write(`A copy of your changes has been stored to "${file}"\n`);
          throw new CommandError('At least one of apiVersion, kind and name was changed');
        }
        // The change as a patch, through the same server path as `kubesim patch`.
        const { threeWayPatch } = await import('../cluster/apiserver.js');
        const patch = threeWayPatch(original, edObj, original);
        try {
          const { patchOnServer } = await import('./patch.js');
          const warnings: string[] = [];
          await session.change(async (s, c) => {
            const current = getObject(s, t.info.resource, t.info.namespaced ? t.namespace : undefined, t.name);
            if (!current) throw notFound(qualifiedResource(t.info), t.name);
            const out = await patchOnServer(s, c, t.info, current, 'strategic', patch, { namespace: t.namespace ?? session.namespace, dryRun: false, manager: o.fieldManager ?? 'kubectl-edit' });
            warnings.push(...out.warnings);
            return out.changed;
          });
          for (const w of warnings) io.stderr.write(w);
          rmSync(file, { force: true });
          if (o.outputPatch) io.stdout.write(`Patch: ${patch}\n`);
          io.stdout.write(`${qualifiedKind(t.info)}/${t.name} edited\n`);
          return 0;
        } catch (e) {
          if (!(e instanceof KubeError)) throw e;
          if (!(e instanceof InvalidError)) {
            io.stderr.write(`error: ${qualifiedResource(t.info)} "${t.name}" could not be patched: ${e instanceof StatusError ? e.message : e.render().replace(/^error: /, '')}\n`);
            io.stderr.write(`You can run \`kubectl replace -f ${file}\` to try this update again.\n`);
            return 1;
          }
          const { fieldErrorBody } = await import('../api/errors.js');
          reason = e.causes.map((c) => fieldErrorBody(c));
          lastError = e;
        }
      }
      lastError = new KubeError(`${qualifiedResource(t.info)} "${t.name}" is invalid`);
      const notes = `# ${qualifiedResource(t.info)} "${t.name}" was not valid:\n${reason.map((r) => `# * ${r}`).join('\n')}\n#\n`;
      write(HEADER + notes + stripped.replace(/^\n+/, ''));
      previous = stripComments(readFileSync(file, 'utf8').replace(/\r\n/g, '\n'));
    }
  }
}

// The interface (usage, flags, defaults, examples) is kubectl's; the words say what kubesim does.
const HELP = `Open an object in your editor and apply what you change. The editor is the command in KUBE_EDITOR, else
EDITOR, else vi; it runs on your machine with your terminal. The object is written (YAML by default, or JSON
with -o json) to a kubectl-edit-*.yaml file in the temp directory; when you save and quit, the difference is
sent to the API server as a patch, as \`kubesim patch\` sends one, and the controllers react (a changed pod
template rolls out, a Service's sessionAffinity changes how requests are balanced).

 Saving without a change cancels the edit. If the change cannot be applied (the file does not parse, or the
API server finds the object invalid), the file is opened again with the reasons in its header comment; saving
it again unchanged gives up and leaves the file in the temp directory. apiVersion, kind and name cannot be
changed.

Examples:
  # Edit the service named 'registry'
  kubectl edit svc/registry
  
  # Use an alternative editor
  KUBE_EDITOR="nano" kubectl edit svc/registry
  
  # Edit the job 'myjob' in JSON using the v1 API format
  kubectl edit job.v1.batch/myjob -o json
  
  # Edit the deployment 'mydeployment' in YAML and save the modified config in its annotation
  kubectl edit deployment/mydeployment -o yaml --save-config
  
  # Edit the 'status' subresource for the 'mydeployment' deployment
  kubectl edit deployment mydeployment --subresource='status'

Options:
    --allow-missing-template-keys=true:
	Accepted for compatibility.

    --field-manager='kubectl-edit':
	The name metadata.managedFields records for the fields the edit changes.

    -f, --filename=[]:
	Files (or directories, or - for stdin) naming the objects to edit.

    -k, --kustomize='':
	Not supported by kubesim's edit.

    -o, --output='':
	yaml (the default) or json: how the object is written for the editor.

    --output-patch=false:
	Print the patch that is sent.

    -R, --recursive=false:
	Read the directories given with -f recursively.

    --save-config=false:
	Accepted for compatibility.

    --show-managed-fields=false:
	Accepted for compatibility; kubesim keeps no managedFields.

    --subresource='':
	Accepted for compatibility; the object itself is edited.

    --template='':
	Accepted for compatibility.

    --validate='strict':
	Accepted for compatibility.

    --windows-line-endings=false:
	Write the file with CRLF line endings.

Usage:
  kubectl edit (RESOURCE/NAME | -f FILENAME) [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
