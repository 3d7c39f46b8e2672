// The server's credentials, kept beside the state (<state>.serve/, 0700, files 0600): a CA, a serving
// certificate it signs for the loopback names and the listening address, and a bearer token. They are made
// once and reused, so a kubeconfig written yesterday still works; a serving certificate that does not cover
// the address asked for now is made again.
//
// node-forge builds and signs the X.509 certificates (Node 20's crypto can read them but not issue them);
// the RSA keys come from Node's own crypto, which makes them in milliseconds where forge takes seconds.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface Credentials {
  dir: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  token: string;
}

/** The directory of the server's files for a state. */
export function credentialsDir(statePath: string): string {
  return `${statePath}.serve`;
}

function readIf(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Written whole (temporary file, then rename), readable by the owner only. */
function writePrivate(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** The names the serving certificate must cover: loopback always, and the address the server listens on. */
function wantedNames(address: string): { dns: string[]; ips: string[] } {
  const dns = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];
  const ips = ['127.0.0.1', '::1'];
  if (isIP(address)) {
    if (!ips.includes(address) && address !== '0.0.0.0' && address !== '::') ips.push(address);
  } else if (address && !dns.includes(address)) dns.push(address);
  return { dns, ips };
}

/** Whether a PEM certificate is usable now (30 days of life left) and covers the names. */
function certCovers(pem: string, caPem: string, names: { dns: string[]; ips: string[] }): boolean {
  try {
    const cert = new X509Certificate(pem);
    const ca = new X509Certificate(caPem);
    if (!cert.verify(ca.publicKey)) return false;
    if (Date.parse(cert.validTo) - Date.now() < 30 * 24 * 3600 * 1000) return false;
    return names.dns.every((n) => cert.checkHost(n, { wildcards: false }) !== undefined) && names.ips.every((ip) => cert.checkIP(ip) !== undefined);
  } catch {
    return false;
  }
}

type Forge = typeof import('node-forge');

async function loadForge(): Promise<Forge> {
  const mod = (await import('node-forge')) as Forge & { default?: Forge };
  return mod.default ?? mod;
}

function rsaKeys(forge: Forge): { privatePem: string; priv: import('node-forge').pki.rsa.PrivateKey; pub: import('node-forge').pki.rsa.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    privatePem,
    priv: forge.pki.privateKeyFromPem(privatePem),
    pub: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

function serial(): string {
  // A positive 64-bit serial: the top bit clear so DER does not read it as negative.
  const b = randomBytes(8);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function validity(cert: import('node-forge').pki.Certificate, years: number): void {
  // Real time: TLS clients check certificates against the host's clock, not the simulated one.
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 3600 * 1000);
  cert.validity.notAfter = new Date(now + years * 365 * 24 * 3600 * 1000);
}

async function makeCA(forge: Forge): Promise<{ certPem: string; keyPem: string }> {
  const keys = rsaKeys(forge);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.pub;
  cert.serialNumber = serial();
  validity(cert, 10);
  const subject = [{ name: 'commonName', value: 'kubesim-ca' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.priv, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

async function makeServing(forge: Forge, caCertPem: string, caKeyPem: string, names: { dns: string[]; ips: string[] }): Promise<{ certPem: string; keyPem: string }> {
  const ca = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const keys = rsaKeys(forge);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.pub;
  cert.serialNumber = serial();
  validity(cert, 2);
  cert.setSubject([{ name: 'commonName', value: 'kubesim-apiserver' }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2, value })), ...names.ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/** Loads the server's credentials for the state, making whatever is missing, stale or damaged. */
export async function ensureCredentials(statePath: string, address: string): Promise<Credentials> {
  const dir = credentialsDir(statePath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const names = wantedNames(address);
  let caPem = readIf(join(dir, 'ca.crt'));
  let caKey = readIf(join(dir, 'ca.key'));
  let certPem = readIf(join(dir, 'apiserver.crt'));
  let keyPem = readIf(join(dir, 'apiserver.key'));
  let forge: Forge | undefined;
  const caUsable = (() => {
    if (!caPem || !caKey) return false;
    try {
      const c = new X509Certificate(caPem);
      return c.ca && Date.parse(c.validTo) - Date.now() > 365 * 24 * 3600 * 1000;
    } catch {
      return false;
    }
  })();
  if (!caUsable) {
    forge ??= await loadForge();
    ({ certPem: caPem, keyPem: caKey } = await makeCA(forge));
    writePrivate(join(dir, 'ca.key'), caKey);
    writePrivate(join(dir, 'ca.crt'), caPem);
    certPem = undefined;
  }
  if (!certPem || !keyPem || !certCovers(certPem, caPem!, names)) {
    forge ??= await loadForge();
    ({ certPem, keyPem } = await makeServing(forge, caPem!, caKey!, names));
    writePrivate(join(dir, 'apiserver.key'), keyPem);
    writePrivate(join(dir, 'apiserver.crt'), certPem);
  }
  let token = readIf(join(dir, 'token'))?.trim();
  if (!token || !/^[A-Za-z0-9_-]{32,}$/.test(token)) {
    token = randomBytes(32).toString('base64url');
    writePrivate(join(dir, 'token'), `${token}\n`);
  }
  return { dir, caPem: caPem!, certPem: certPem!, keyPem: keyPem!, token };
}
