// Field validation with the API server's wording (reference §6). Throws InvalidError listing every cause.
import { badRequest, InvalidError, StatusError, type FieldError } from './errors.js';
import type { KubeObject } from './types.js';
import { configMapCauses, secretCauses } from './config-validation.js';
import { networkPolicyCauses } from './network-policy.js';
import { hasOwn, own, setOwn } from '../util/own.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export function checkSubdomain(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 253) out.push({ type: 'Invalid value', field, value, detail: 'must be no more than 253 characters' });
  if (!DNS1123_SUBDOMAIN.test(value)) out.push({ type: 'Invalid value', field, value, detail: DNS1123_SUBDOMAIN_MSG });
  return out;
}

export function checkLabel(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 63) out.push({ type: 'Invalid value', field, value, detail: 'must be no more than 63 characters' });
  if (!DNS1123_LABEL.test(value)) out.push({ type: 'Invalid value', field, value, detail: DNS1123_SUBDOMAIN.test(value) ? 'must not contain dots' : DNS1123_LABEL_MSG });
  return out;
}

export function checkDns1035(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 63) out.push({ type: 'Invalid value', field, value, detail: 'must be no more than 63 characters' });
  if (!DNS1035_LABEL.test(value)) out.push({ type: 'Invalid value', field, value, detail: DNS1035_LABEL_MSG });
  return out;
}

/** Validates an object of any served kind; throws InvalidError when there are causes. */
export function validateObject(obj: KubeObject, old?: KubeObject): void {
  const causes = objectCauses(obj, old);
  if (causes.length) throw new InvalidError(obj.kind, obj.metadata?.name ?? '', causes);
}

// ---------------------------------------------------------------------------------------------------------
// Per-kind validation (pkg/apis/core/validation, apps/validation): same checks, same order, same words.

const PORT_RANGE_MSG = 'must be between 1 and 65535, inclusive';
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function supported(values: string[]): string {
  return `supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

/** validation.IsValidPortName. */
export function portNameErrors(name: string): string[] {
  const out: string[] = [];
  if (name.length > 15) out.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) out.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) out.push('must contain at least one letter (a-z)');
  if (name.includes('--')) out.push('must not contain consecutive hyphens');
  if (name.length > 0 && (name.startsWith('-') || name.endsWith('-'))) out.push('must not begin or end with a hyphen');
  return out;
}

function isPortNum(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
/** A list of objects; an element that is not one (null) reads as an empty object, as Go's zero value. */
const asArr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);

const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_VAR_NAME_MSG =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
function validateContainers(list: unknown, path: string, required: boolean, names: Set<string>): FieldError[] {
  const out: FieldError[] = [];
  const containers = asArr(list);
  if (required && containers.length === 0) {
    out.push({ type: 'Required value', field: path });
    return out;
  }
  const portNames = new Set<string>();
  containers.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const name = typeof c.name === 'string' ? c.name : '';
    if (!name) out.push({ type: 'Required value', field: `${p}.name` });
    else {
      out.push(...checkLabel(`${p}.name`, name));
      if (names.has(name)) out.push({ type: 'Duplicate value', field: `${p}.name`, value: name });
      names.add(name);
    }
    const image = typeof c.image === 'string' ? c.image : '';
    if (!image) out.push({ type: 'Required value', field: `${p}.image` });
    else if (image.trim() !== image) out.push({ type: 'Invalid value', field: `${p}.image`, value: image, detail: 'must not have leading or trailing whitespace' });
    asArr(c.ports).forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if (typeof port.name === 'string' && port.name !== '') {
        for (const msg of portNameErrors(port.name)) out.push({ type: 'Invalid value', field: `${pp}.name`, value: port.name, detail: msg });
        if (portNames.has(port.name)) out.push({ type: 'Duplicate value', field: `${pp}.name`, value: port.name });
        portNames.add(port.name);
      }
      if (port.containerPort === undefined || port.containerPort === null || port.containerPort === 0) out.push({ type: 'Required value', field: `${pp}.containerPort` });
      else if (!isPortNum(port.containerPort)) out.push({ type: 'Invalid value', field: `${pp}.containerPort`, value: port.containerPort, detail: PORT_RANGE_MSG });
      if (port.hostPort !== undefined && port.hostPort !== null && port.hostPort !== 0 && !isPortNum(port.hostPort)) {
        out.push({ type: 'Invalid value', field: `${pp}.hostPort`, value: port.hostPort, detail: PORT_RANGE_MSG });
      }
      if (typeof port.protocol === 'string' && !PROTOCOLS.includes(port.protocol)) {
        out.push({ type: 'Unsupported value', field: `${pp}.protocol`, value: port.protocol, detail: supported(PROTOCOLS) });
      }
    });
    asArr(c.env).forEach((e, j) => {
      const ep = `${p}.env[${j}]`;
      const envName = typeof e.name === 'string' ? e.name : '';
      if (!envName) out.push({ type: 'Required value', field: `${ep}.name` });
      else if (!ENV_VAR_NAME.test(envName)) out.push({ type: 'Invalid value', field: `${ep}.name`, value: envName, detail: ENV_VAR_NAME_MSG });
    });
    const pull = c.imagePullPolicy;
    if (typeof pull === 'string' && !['Always', 'IfNotPresent', 'Never'].includes(pull)) {
      out.push({ type: 'Unsupported value', field: `${p}.imagePullPolicy`, value: pull, detail: supported(['Always', 'IfNotPresent', 'Never']) });
    }
  });
  return out;
}

/** ValidatePodSpec's checks kubesim cares about, in the API server's order. */
export function validatePodSpec(specIn: unknown, path: string): FieldError[] {
  const spec = asObj(specIn);
  const out: FieldError[] = [];
  const names = new Set<string>();
  const volumeNames = new Set<string>();
  asArr(spec.volumes).forEach((v, i) => {
    const vp = `${path}.volumes[${i}]`;
    const n = typeof v.name === 'string' ? v.name : '';
    if (!n) out.push({ type: 'Required value', field: `${vp}.name` });
    else {
      out.push(...checkLabel(`${vp}.name`, n));
      if (volumeNames.has(n)) out.push({ type: 'Duplicate value', field: `${vp}.name`, value: n });
      volumeNames.add(n);
    }
  });
  out.push(...validateContainers(spec.containers, `${path}.containers`, true, names));
  out.push(...validateContainers(spec.initContainers, `${path}.initContainers`, false, names));
  const rp = spec.restartPolicy;
  if (typeof rp === 'string' && !['Always', 'OnFailure', 'Never'].includes(rp)) {
    out.push({ type: 'Unsupported value', field: `${path}.restartPolicy`, value: rp, detail: supported(['Always', 'OnFailure', 'Never']) });
  }
  const dp = spec.dnsPolicy;
  const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (typeof dp === 'string' && !dnsPolicies.includes(dp)) {
    out.push({ type: 'Unsupported value', field: `${path}.dnsPolicy`, value: dp, detail: supported(dnsPolicies) });
  }
  out.push(...nodeAffinityCauses(asObj(asObj(spec.affinity).nodeAffinity), `${path}.affinity.nodeAffinity`));
  out.push(...spreadConstraintCauses(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  return out;
}

/** ValidateNodeSelectorRequirement (a label expression) and ValidateNodeFieldSelectorRequirement (metadata.name). */
function nodeSelectorTermCauses(term: Obj, path: string): FieldError[] {
  const out: FieldError[] = [];
  asArr(term.matchExpressions).forEach((rq, j) => {
    const p = `${path}.matchExpressions[${j}]`;
    const values = Array.isArray(rq.values) ? rq.values : [];
    const op = typeof rq.operator === 'string' ? rq.operator : '';
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) out.push({ type: 'Required value', field: `${p}.values`, detail: "must be specified when `operator` is 'In' or 'NotIn'" });
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) out.push({ type: 'Forbidden', field: `${p}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
    } else if (op === 'Gt' || op === 'Lt') {
      if (values.length !== 1) out.push({ type: 'Required value', field: `${p}.values`, detail: "must be specified single value when `operator` is 'Lt' or 'Gt'" });
    } else out.push({ type: 'Invalid value', field: `${p}.operator`, value: op, detail: 'not a valid selector operator' });
    const key = typeof rq.key === 'string' ? rq.key : '';
    for (const msg of qualifiedNameErrors(key)) out.push({ type: 'Invalid value', field: `${p}.key`, value: key, detail: msg });
  });
  asArr(term.matchFields).forEach((rq, j) => {
    const p = `${path}.matchFields[${j}]`;
    const values = Array.isArray(rq.values) ? rq.values : [];
    const op = typeof rq.operator === 'string' ? rq.operator : '';
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1) out.push({ type: 'Required value', field: `${p}.values`, detail: "must be only one value when `operator` is 'In' or 'NotIn' for node field selector" });
    } else out.push({ type: 'Invalid value', field: `${p}.operator`, value: op, detail: 'not a valid selector operator' });
    if (rq.key !== 'metadata.name') out.push({ type: 'Invalid value', field: `${p}.key`, value: rq.key ?? '', detail: 'not a valid field selector key' });
  });
  return out;
}

/** validateNodeAffinity: at least one required term, each term's requirements; preferred weights 1-100. */
function nodeAffinityCauses(na: Obj, path: string): FieldError[] {
  const out: FieldError[] = [];
  if (na.requiredDuringSchedulingIgnoredDuringExecution) {
    const p = `${path}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
    const terms = asArr(asObj(na.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
    if (terms.length === 0) out.push({ type: 'Required value', field: p, detail: 'must have at least one node selector term' });
    terms.forEach((t, i) => out.push(...nodeSelectorTermCauses(t, `${p}[${i}]`)));
  }
  asArr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    const p = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const w = typeof t.weight === 'number' ? t.weight : 0;
    if (w <= 0 || w > 100) out.push({ type: 'Invalid value', field: `${p}.weight`, value: w, detail: 'must be in the range 1-100' });
    out.push(...nodeSelectorTermCauses(asObj(t.preference), `${p}.preference`));
  });
  return out;
}

/** validateTopologySpreadConstraints: maxSkew, topologyKey and whenUnsatisfiable of each constraint. */
function spreadConstraintCauses(list: unknown, path: string): FieldError[] {
  const out: FieldError[] = [];
  asArr(list).forEach((c, i) => {
    const p = `${path}[${i}]`;
    const skew = typeof c.maxSkew === 'number' ? c.maxSkew : 0;
    if (skew <= 0) out.push({ type: 'Invalid value', field: `${p}.maxSkew`, value: skew, detail: 'must be greater than zero' });
    if (!c.topologyKey) out.push({ type: 'Required value', field: `${p}.topologyKey`, detail: 'can not be empty' });
    const action = typeof c.whenUnsatisfiable === 'string' ? c.whenUnsatisfiable : '';
    if (action !== 'DoNotSchedule' && action !== 'ScheduleAnyway') out.push({ type: 'Unsupported value', field: `${p}.whenUnsatisfiable`, value: action, detail: supported(['DoNotSchedule', 'ScheduleAnyway']) });
  });
  return out;
}

function validateServiceSpec(specIn: unknown): FieldError[] {
  const spec = asObj(specIn);
  const out: FieldError[] = [];
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  const ports = asArr(spec.ports);
  if (ports.length === 0 && !headless && type !== 'ExternalName') out.push({ type: 'Required value', field: 'spec.ports' });
  const requireName = ports.length > 1;
  const names = new Set<string>();
  ports.forEach((sp, i) => {
    const p = `spec.ports[${i}]`;
    const name = typeof sp.name === 'string' ? sp.name : '';
    if (requireName && !name) out.push({ type: 'Required value', field: `${p}.name` });
    else if (name) {
      out.push(...checkLabel(`${p}.name`, name));
      if (names.has(name)) out.push({ type: 'Duplicate value', field: `${p}.name`, value: name });
      names.add(name);
    }
    const port = sp.port ?? 0;
    if (!isPortNum(port)) out.push({ type: 'Invalid value', field: `${p}.port`, value: port, detail: PORT_RANGE_MSG });
    if (typeof sp.protocol === 'string' && !PROTOCOLS.includes(sp.protocol)) {
      out.push({ type: 'Unsupported value', field: `${p}.protocol`, value: sp.protocol, detail: supported(PROTOCOLS) });
    }
    // targetPort defaults to port (SetDefaults_Service) before validation.
    const tp = sp.targetPort === undefined || sp.targetPort === null || sp.targetPort === 0 || sp.targetPort === '' ? port : sp.targetPort;
    if (typeof tp === 'number') {
      if (!isPortNum(tp)) out.push({ type: 'Invalid value', field: `${p}.targetPort`, value: tp, detail: PORT_RANGE_MSG });
    } else if (typeof tp === 'string') {
      for (const msg of portNameErrors(tp)) out.push({ type: 'Invalid value', field: `${p}.targetPort`, value: tp, detail: msg });
    }
  });
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!types.includes(type)) out.push({ type: 'Unsupported value', field: 'spec.type', value: type, detail: supported(types) });
  const aff = spec.sessionAffinity;
  if (typeof aff === 'string' && !['ClientIP', 'None'].includes(aff)) {
    out.push({ type: 'Unsupported value', field: 'spec.sessionAffinity', value: aff, detail: supported(['ClientIP', 'None']) });
  }
  return out;
}

/** Go's %#v of a map[string]string, as field errors print selector and label values. */
export function goStringMap(m: Record<string, string>): string {
  const body = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
    .join(', ');
  return `map[string]string{${body}}`;
}

function selectorMatches(sel: Obj, labels: Record<string, string>): boolean {
  const ml = asObj(sel.matchLabels) as Record<string, string>;
  if (!Object.entries(ml).every(([k, v]) => own(labels, k) === v)) return false;
  for (const e of asArr(sel.matchExpressions)) {
    const key = String(e.key);
    const values = (Array.isArray(e.values) ? e.values : []) as string[];
    const has = hasOwn(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(own(labels, key)!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(own(labels, key)!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

function validateWorkloadSpec(kind: string, specIn: unknown): FieldError[] {
  const spec = asObj(specIn);
  const out: FieldError[] = [];
  if (spec.replicas !== undefined && spec.replicas !== null && (spec.replicas as number) < 0) {
    out.push({ type: 'Invalid value', field: 'spec.replicas', value: spec.replicas, detail: 'must be greater than or equal to 0' });
  }
  const template = asObj(spec.template);
  const labels = asObj(asObj(template.metadata).labels) as Record<string, string>;
  if (kind === 'ReplicationController') {
    const sel = asObj(spec.selector) as Record<string, string>;
    if (Object.keys(sel).length && !Object.entries(sel).every(([k, v]) => own(labels, k) === v)) {
      out.push({ type: 'Invalid value', field: 'spec.template.metadata.labels', detail: `${goStringMap(labels)}: \`selector\` does not match template \`labels\`` });
    }
  } else if (spec.selector === undefined || spec.selector === null) {
    out.push({ type: 'Required value', field: 'spec.selector' });
  } else {
    const sel = asObj(spec.selector);
    const empty = Object.keys(asObj(sel.matchLabels)).length === 0 && asArr(sel.matchExpressions).length === 0;
    if (empty) out.push({ type: 'Invalid value', field: 'spec.selector', detail: `empty selector is invalid for ${kind === 'Deployment' ? 'deployment' : kind.toLowerCase()}` });
    else if (!selectorMatches(sel, labels)) {
      out.push({ type: 'Invalid value', field: 'spec.template.metadata.labels', detail: `${goStringMap(labels)}: \`selector\` does not match template \`labels\`` });
    }
  }
  if (spec.template === undefined || spec.template === null) {
    if (kind !== 'ReplicationController') out.push({ type: 'Required value', field: 'spec.template' });
  } else {
    out.push(...validatePodSpec(template.spec, 'spec.template.spec'));
    const rp = asObj(template.spec).restartPolicy;
    if (rp !== undefined && rp !== 'Always') {
      out.push({ type: 'Unsupported value', field: 'spec.template.spec.restartPolicy', value: rp, detail: supported(['Always']) });
    }
  }
  return out;
}

/** The fields a pod update may change (ValidatePodUpdate); anything else is Forbidden. */
const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function mutablePodFieldsMasked(specIn: unknown): string {
  const spec = structuredClone(asObj(specIn));
  for (const c of [...asArr(spec.containers), ...asArr(spec.initContainers)]) delete c.image;
  delete spec.activeDeadlineSeconds;
  delete spec.tolerations;
  delete spec.terminationGracePeriodSeconds;
  return JSON.stringify(sortValue(spec));
}

function sortValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortValue);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if ((v as Obj)[k] !== undefined) setOwn(o, k, sortValue((v as Obj)[k]));
    return o;
  }
  return v;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** validation.IsQualifiedName: label and annotation keys ("prefix/name"). */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const e of checkSubdomain('', prefix)) errs.push(`prefix part ${e.detail}`);
  } else {
    return [`a qualified name ${QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME.test(name)) errs.push(`name part ${QUALIFIED_NAME_MSG}`);
  return errs;
}

/** validation.IsValidLabelValue. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

/** ValidateLabels: every key a qualified name, every value a label value; the field is the map's path. */
export function labelMapCauses(field: string, labelsIn: unknown): FieldError[] {
  const labels = asObj(labelsIn);
  const out: FieldError[] = [];
  // Keys sorted: Go iterates the map at random.
  for (const k of Object.keys(labels).sort()) {
    for (const msg of qualifiedNameErrors(k)) out.push({ type: 'Invalid value', field, value: k, detail: msg });
    const v = labels[k];
    if (typeof v === 'string') for (const msg of labelValueErrors(v)) out.push({ type: 'Invalid value', field, value: v, detail: msg });
  }
  return out;
}

/** ValidateAnnotations: keys are qualified names (checked lower-cased), the total size is bounded. */
export function annotationCauses(field: string, annotationsIn: unknown): FieldError[] {
  const annotations = asObj(annotationsIn);
  const out: FieldError[] = [];
  let size = 0;
  for (const k of Object.keys(annotations).sort()) {
    for (const msg of qualifiedNameErrors(k.toLowerCase())) out.push({ type: 'Invalid value', field, value: k, detail: msg });
    size += k.length + String(annotations[k] ?? '').length;
  }
  if (size > 256 * 1024) out.push({ type: 'Too long', field, detail: 'may not be more than 262144 bytes' });
  return out;
}

/** ValidateObjectMeta's label and annotation checks. */
export function metadataCauses(metaIn: unknown): FieldError[] {
  const meta = asObj(metaIn);
  return [...labelMapCauses('metadata.labels', meta.labels), ...annotationCauses('metadata.annotations', meta.annotations)];
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** metav1validation.ValidateLabelSelector: matchLabels as labels, each expression's operator, key and values. */
export function labelSelectorCauses(field: string, selIn: unknown): FieldError[] {
  const sel = asObj(selIn);
  const out = labelMapCauses(`${field}.matchLabels`, sel.matchLabels);
  asArr(sel.matchExpressions).forEach((e, i) => {
    const p = `${field}.matchExpressions[${i}]`;
    const values = Array.isArray(e.values) ? (e.values as unknown[]) : [];
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) out.push({ type: 'Required value', field: `${p}.values`, detail: "must be specified when `operator` is 'In' or 'NotIn'" });
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0) out.push({ type: 'Forbidden', field: `${p}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
    } else out.push({ type: 'Invalid value', field: `${p}.operator`, value: typeof e.operator === 'string' ? e.operator : '', detail: 'not a valid selector operator' });
    const key = typeof e.key === 'string' ? e.key : '';
    for (const msg of qualifiedNameErrors(key)) out.push({ type: 'Invalid value', field: `${p}.key`, value: key, detail: msg });
    values.forEach((v, j) => {
      if (typeof v === 'string') for (const msg of labelValueErrors(v)) out.push({ type: 'Invalid value', field: `${p}.values[${j}]`, value: v, detail: msg });
    });
  });
  return out;
}

/** Whether metav1.LabelSelectorAsSelector accepts the selector (it refuses what ValidateLabelSelector refuses). */
export function labelSelectorParses(selIn: unknown): boolean {
  const sel = asObj(selIn);
  for (const e of asArr(sel.matchExpressions)) if (!SELECTOR_OPERATORS.includes(String(e.operator))) return false;
  return labelSelectorCauses('', selIn).length === 0;
}

/** Causes for any served kind (name rules by kind, then the kind's own checks). */
export function objectCauses(obj: KubeObject, old?: KubeObject): FieldError[] {
  const causes: FieldError[] = [];
  const meta = asObj(obj.metadata);
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (!name) causes.push({ type: 'Required value', field: 'metadata.name', detail: 'name or generateName is required' });
  else if (obj.kind === 'Service') causes.push(...checkDns1035('metadata.name', name));
  else if (obj.kind === 'Namespace') causes.push(...checkLabel('metadata.name', name));
  else causes.push(...checkSubdomain('metadata.name', name));
  causes.push(...metadataCauses(meta));
  switch (obj.kind) {
    case 'Pod':
      causes.push(...validatePodSpec(obj.spec, 'spec'));
      if (old && causes.length === 0 && mutablePodFieldsMasked(obj.spec) !== mutablePodFieldsMasked(old.spec)) {
        causes.push({ type: 'Forbidden', field: 'spec', detail: POD_UPDATE_FORBIDDEN });
      }
      break;
    case 'Service':
      causes.push(...validateServiceSpec(obj.spec));
      break;
    case 'ConfigMap':
      causes.push(...configMapCauses(obj, old));
      break;
    case 'Secret':
      causes.push(...secretCauses(obj, old));
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'ReplicationController':
      causes.push(...validateWorkloadSpec(obj.kind, obj.spec));
      break;
    case 'NetworkPolicy':
      causes.push(...networkPolicyCauses(obj.spec));
      break;
  }
  return causes;
}

// ---------------------------------------------------------------------------------------------------------
// Decoding a request body (strict field validation and Go's type errors), from the generated schema.

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** kubectl's --validate values onto the fieldValidation the request carries. */
export function fieldValidationOf(flag: string | boolean | undefined): FieldValidation | undefined {
  if (flag === undefined || flag === true || flag === 'true' || flag === 'strict') return 'Strict';
  if (flag === false || flag === 'false' || flag === 'ignore') return 'Ignore';
  if (flag === 'warn') return 'Warn';
  return undefined;
}

/** What the API server's decoder found in a request body (see requestError for how it answers). */
export interface DecodedRequest {
  /** The object with unknown fields dropped. */
  object: KubeObject;
  /** "Pod in version \"v1\" cannot be handled as a Pod: " */
  prefix: string;
  typeError?: string;
  unknown: string[];
}

/** Decodes a body against the generated schema (loaded lazily: only writing commands pay for it). */
export async function decodeRequest(obj: KubeObject): Promise<DecodedRequest> {
  const schema = await import('./schema.js');
  const version = obj.apiVersion.includes('/') ? obj.apiVersion.slice(obj.apiVersion.indexOf('/') + 1) : obj.apiVersion;
  const prefix = `${obj.kind} in version "${version}" cannot be handled as a ${obj.kind}: `;
  const id = schema.definitionFor(obj.apiVersion, obj.kind);
  if (!id) return { object: obj, prefix, unknown: [] };
  const r = schema.decodeObject(obj, id);
  return { object: r.pruned as KubeObject, prefix, typeError: r.typeError, unknown: [...new Set(r.unknown)] };
}

/**
 * The BadRequest a decoded body earns: a type error always; unknown fields under Strict. A create names the
 * kind ("Pod in version ... cannot be handled as a Pod: strict decoding error: ..."); a patch (apply to an
 * existing object) reports only the strict decoding error, as the patch handler does.
 */
export function requestError(r: DecodedRequest, directive: FieldValidation, patch = false): StatusError | undefined {
  if (r.typeError) return badRequest(r.prefix + r.typeError);
  if (r.unknown.length && directive === 'Strict') {
    return badRequest(`${patch ? '' : r.prefix}strict decoding error: ${r.unknown.map((u) => `unknown field "${u}"`).join(', ')}`);
  }
  return undefined;
}

/** Warnings for fieldValidation=Warn. */
export function requestWarnings(r: DecodedRequest, directive: FieldValidation): string[] {
  return directive === 'Warn' ? r.unknown.map((u) => `unknown field "${u}"`) : [];
}

/**
 * The API server's decode of a create body: a type error or (Strict) unknown fields fail with BadRequest;
 * unknown fields are dropped otherwise, with warnings for Warn.
 */
export async function decodeForWrite(obj: KubeObject, directive: FieldValidation): Promise<{ object: KubeObject; warnings: string[] }> {
  const r = await decodeRequest(obj);
  const err = requestError(r, directive);
  if (err) throw err;
  return { object: r.object, warnings: requestWarnings(r, directive) };
}
