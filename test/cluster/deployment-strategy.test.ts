// apps ValidateDeploymentStrategy through the CLI: an unknown strategy type is refused with the API server's
// own words (field.NotSupported on the whole strategy, printed with %#v), and nothing is stored.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  await c.run(['cluster', 'create']);
});
after(() => c.cleanup());

const DEPLOYMENT = (strategy: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  strategy:\n${strategy}  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      containers: [{name: a, image: nginx}]\n`;

function file(name: string, text: string): string {
  const p = join(c.dir, name);
  writeFileSync(p, text);
  return p;
}

test('strategy.type Sideways: Unsupported value, as the apps validation reports it', async () => {
  const f = file('sideways.yaml', DEPLOYMENT('    type: Sideways\n'));
  const stderr =
    'The Deployment "d" is invalid: spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Sideways", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"\n';
  await assertRefused(c, ['apply', '-f', f], { stderr });
  await assertRefused(c, ['create', '-f', f], { stderr });
});

test('Recreate with rollingUpdate parameters, and parameters that are not percentages', async () => {
  await assertRefused(c, ['apply', '-f', file('recreate.yaml', DEPLOYMENT('    type: Recreate\n    rollingUpdate: {maxSurge: 1}\n'))], {
    stderr: "The Deployment \"d\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'\n",
  });
  await assertRefused(c, ['apply', '-f', file('lots.yaml', DEPLOYMENT('    type: RollingUpdate\n    rollingUpdate: {maxSurge: lots}\n'))], {
    stderr:
      "The Deployment \"d\" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"lots\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')\n",
  });
});
