import type { PeerCertificate } from 'node:tls';
import * as z from 'zod';
import type { CheckContext, Observation } from '../engine/check.js';
import { CheckFailure, defineCheck } from '../engine/check.js';
import { readCa } from './support/ca.js';
import { abortMessage, describeNetworkError, parseHostPort, targetSchema } from './support/net.js';

const DAY_MS = 86_400_000;

/** A distinguished name for people: its CN when it has one, else every attribute (`O=Acme, C=US`). */
function displayName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  const flat = (v: string | string[]) => (Array.isArray(v) ? v.join(' + ') : v);
  const entries = Object.entries(name as unknown as Record<string, string | string[]>);
  const cn = entries.find(([k]) => k === 'CN');
  if (cn) return flat(cn[1]);
  return entries.map(([k, v]) => `${k}=${flat(v)}`).join(', ');
}

/**
 * Node's `subjectaltname` string as a list: `DNS:a, IP Address:10.0.0.1` -> `["a", "10.0.0.1"]`.
 * Other entry types keep their prefix (`email:ops@example.com`); Node quotes entries holding commas.
 */
export function parseSubjectAltName(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  const entry = /([A-Za-z][A-Za-z ]*):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/gy;
  for (let m = entry.exec(text); m; m = entry.exec(text)) {
    const [, type, raw = ''] = m;
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    names.push(type === 'DNS' || type === 'IP Address' ? value : `${type}:${value}`);
    if (entry.lastIndex >= text.length) break;
  }
  return names;
}

const CHAIN_ERRORS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'the issuer is not trusted; give its CA with `ca:` or serve the full chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'the issuer is not trusted; give its CA with `ca:` or serve the full chain',
  UNABLE_TO_GET_ISSUER_CERT: 'the chain is incomplete; serve the intermediate certificates too',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain; give its CA with `ca:`',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid; check the clocks',
  CERT_REVOKED: 'certificate has been revoked',
};

/** An OpenSSL verification code with its meaning: `CERT_HAS_EXPIRED: certificate has expired`. */
function describeChainError(code: string): string {
  const meaning = CHAIN_ERRORS[code];
  return meaning ? `${code}: ${meaning}` : code;
}

/** Handshake and read what the peer presented, without rejecting it: validity is an observation. */
async function inspect(
  host: string,
  port: number,
  servername: string | undefined,
  ca: string | undefined,
  ctx: CheckContext,
): Promise<Observation> {
  const tls = await import('node:tls');
  const { isIP } = await import('node:net');
  const where = `${host}:${port}`;
  const name = servername ?? host;
  return new Promise<Observation>((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      // SNI takes a DNS name only; an IP target is checked against the certificate's IP entries.
      servername: isIP(name) ? undefined : name,
      ca,
      rejectUnauthorized: false,
    });
    const finish = () => {
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
    };
    const onAbort = () => {
      finish();
      reject(new CheckFailure(abortMessage(ctx.signal, `TLS handshake with ${where}`, ctx.timeoutMs)));
    };
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(false);
      const protocol = socket.getProtocol() ?? '';
      // Node reports the chain problem as an OpenSSL code string, whatever its typings say.
      const chainCode = socket.authorizationError ? String(socket.authorizationError) : '';
      finish();
      if (!cert?.raw) {
        reject(new CheckFailure(`${where} completed the TLS handshake without a certificate`));
        return;
      }
      const identityError = tls.checkServerIdentity(name, cert) as
        | (Error & { code?: string; reason?: string })
        | undefined;
      const problems: string[] = [];
      if (chainCode && chainCode !== identityError?.code) problems.push(describeChainError(chainCode));
      if (identityError) {
        problems.push(
          `${identityError.code ?? 'ERR_TLS_CERT_ALTNAME_INVALID'}: ${identityError.reason ?? identityError.message}`,
        );
      }
      const notAfter = new Date(cert.valid_to);
      resolve({
        valid: socket.authorized && !identityError,
        days_left:
          Math.round(((notAfter.getTime() - (ctx.now?.() ?? new Date()).getTime()) / DAY_MS) * 100) / 100,
        not_after: notAfter.toISOString(),
        protocol,
        issuer: displayName(cert.issuer),
        subject: displayName(cert.subject),
        san: parseSubjectAltName(cert.subjectaltname),
        authorization_error: problems.join('; '),
      });
    });
    socket.on('error', (err) => {
      finish();
      reject(new CheckFailure(describeNetworkError(err, where)));
    });
  });
}

export default defineCheck({
  kind: 'tls',
  summary: "Handshake with host:port and report the certificate's validity, expiry, names and issuer.",
  target: targetSchema(parseHostPort, 'tls needs a target: host:port, e.g. example.com:443'),
  options: z.strictObject({
    servername: z.string().trim().min(1).optional(),
    ca: z.string().trim().min(1).optional(),
  }),
  variables: {
    valid: {
      type: 'bool',
      description: 'The chain verifies against the trusted CAs and the certificate names the host.',
    },
    days_left: { type: 'double', description: 'Days until the certificate expires (negative once expired).' },
    not_after: { type: 'string', description: 'Expiry time of the certificate, ISO 8601 (UTC).' },
    protocol: { type: 'string', description: 'Negotiated protocol, e.g. TLSv1.3.' },
    issuer: { type: 'string', description: "Issuer's common name (or its full name when it has no CN)." },
    subject: { type: 'string', description: "Subject's common name (or its full name when it has no CN)." },
    san: { type: 'list<string>', description: 'Subject alternative names (DNS names and IP addresses).' },
    authorization_error: {
      type: 'string',
      description: 'Why the certificate is not valid (e.g. CERT_HAS_EXPIRED: ...); empty when valid.',
    },
  },
  defaultExpect: ['valid && days_left > 14'],
  hostKey: ({ host, port }) => `${host}:${port}`,
  async run({ host, port }, options, ctx) {
    const ca = options.ca === undefined ? undefined : await readCa(options.ca, ctx.baseDir);
    return inspect(host, port, options.servername, ca, ctx);
  },
});
