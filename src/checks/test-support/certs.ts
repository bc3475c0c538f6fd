import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// A config of our own so the system's openssl.cnf cannot add CA extensions to leaf certificates.
const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca]
default_ca = test_ca
[test_ca]
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
`;

/** A key pair and certificate as PEM, and where the certificate is on disk. */
export interface IssuedCert {
  key: string;
  cert: string;
  certPath: string;
}

/** What a test asks of a certificate. */
export interface CertRequest {
  cn: string;
  /** openssl subjectAltName entries, e.g. ['DNS:localhost', 'IP:127.0.0.1']. */
  san: string[];
  /** Valid for this many days from now (default 30). */
  days?: number;
  /** Instead of `days`: a validity window in the past (an expired certificate). */
  expired?: boolean;
}

/** A throw-away certificate authority made with the openssl CLI, in a temp directory. */
export interface TestPki {
  dir: string;
  caPath: string;
  caPem: string;
  /** A leaf certificate signed by this CA. */
  issue(req: CertRequest): Promise<IssuedCert>;
  /** A self-signed leaf certificate (trusted by nobody). */
  selfSigned(req: CertRequest): Promise<IssuedCert>;
  cleanup(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Make a CA in a temp directory with `openssl req -x509`.
 * @example const pki = await createPki(); const leaf = await pki.issue({ cn: 'localhost', san: ['DNS:localhost'] });
 */
export async function createPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-pki-'));
  const config = join(dir, 'openssl.cnf');
  await writeFile(config, CONFIG.replaceAll('$dir', dir));
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  const caPath = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const openssl = (args: string[]) =>
    run('openssl', args, { cwd: dir, env: { ...process.env, OPENSSL_CONF: config } });
  await openssl([
    'req',
    '-x509',
    ...EC,
    '-config',
    config,
    '-extensions',
    'v3_ca',
    '-keyout',
    caKey,
    '-out',
    caPath,
    '-days',
    '30',
    '-subj',
    '/CN=gonogo test CA/O=gonogo tests',
  ]);
  let n = 0;
  const make = async (req: CertRequest, signed: boolean): Promise<IssuedCert> => {
    const base = join(dir, `leaf-${++n}`);
    const common = ['-config', config, '-keyout', `${base}.key`, '-subj', `/CN=${req.cn}`];
    const san = ['-addext', `subjectAltName=${req.san.join(',')}`];
    if (req.expired) {
      if (!signed) throw new Error('expired certificates are issued by the test CA only');
      // `openssl ca` is the one CLI path that takes explicit validity dates in OpenSSL 3.0.
      await openssl(['req', '-new', ...EC, ...common, ...san, '-out', `${base}.csr`]);
      await openssl([
        'ca',
        '-batch',
        '-config',
        config,
        '-extensions',
        'v3_leaf',
        '-in',
        `${base}.csr`,
        '-out',
        `${base}.crt`,
        '-cert',
        caPath,
        '-keyfile',
        caKey,
        '-startdate',
        '20200101000000Z',
        '-enddate',
        '20200201000000Z',
      ]);
    } else {
      const issuer = signed ? ['-CA', caPath, '-CAkey', caKey] : [];
      await openssl([
        'req',
        '-x509',
        ...EC,
        ...common,
        ...san,
        '-extensions',
        'v3_leaf',
        ...issuer,
        '-days',
        String(req.days ?? 30),
        '-out',
        `${base}.crt`,
      ]);
    }
    return {
      key: await readFile(`${base}.key`, 'utf8'),
      cert: await readFile(`${base}.crt`, 'utf8'),
      certPath: `${base}.crt`,
    };
  };
  return {
    dir,
    caPath,
    caPem: await readFile(caPath, 'utf8'),
    issue: (req) => make(req, true),
    selfSigned: (req) => make(req, false),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
