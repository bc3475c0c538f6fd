import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
// The one file of @sigstore/core this needs: its index loads the rest (X.509, ASN.1, RFC 3161: ~65 KB
// of code) into every command that loads the use cases, `gonogo run` included.
import { preAuthEncoding } from '@sigstore/core/dist/dsse.js';
import { ActionError } from './action-error.js';

/**
 * DSSE envelopes (https://github.com/secure-systems-lab/dsse, "Envelope" and "Protocol") signed with
 * Ed25519 from node:crypto. The Pre-Authentication Encoding comes from @sigstore/core (maintained by the
 * Sigstore project, no network, Node 20), so what is signed is exactly what every DSSE verifier checks.
 */

/** A DSSE envelope in its JSON form. */
export interface Envelope {
  payloadType: string;
  /** Base64 of the payload bytes. */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/** The key id gonogo writes: hex SHA-256 of the public key's SPKI DER, so a verifier can match keys. */
export function keyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** An Ed25519 key from PEM (`openssl genpkey -algorithm ed25519`, `openssl pkey -pubout`); else exit 2. */
export function ed25519Key(pem: string, kind: 'private' | 'public', field: string): KeyObject {
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw new ActionError(
      'bad-key',
      `--${field}: not a PEM ${kind} key; make one with \`openssl genpkey -algorithm ed25519 -out key.pem\`` +
        `${kind === 'public' ? ' and `openssl pkey -in key.pem -pubout -out key.pub`' : ''}`,
      field,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ActionError(
      'bad-key',
      `--${field}: a ${key.asymmetricKeyType ?? 'unknown'} key; gonogo signs with Ed25519 (\`openssl genpkey -algorithm ed25519\`)`,
      field,
    );
  }
  return key;
}

/** Sign a payload into a DSSE envelope. */
export function signEnvelope(payloadType: string, payload: Buffer, key: KeyObject): Envelope {
  const sig = sign(null, preAuthEncoding(payloadType, payload), key);
  return {
    payloadType,
    payload: payload.toString('base64'),
    signatures: [{ keyid: keyId(key), sig: sig.toString('base64') }],
  };
}

/** Whether any signature of the envelope verifies with the key (over the PAE of type and payload). */
export function verifyEnvelope(envelope: Envelope, key: KeyObject): boolean {
  const pae = preAuthEncoding(envelope.payloadType, Buffer.from(envelope.payload, 'base64'));
  return envelope.signatures.some((s) => {
    try {
      return verify(null, pae, key, Buffer.from(s.sig, 'base64'));
    } catch {
      return false;
    }
  });
}

/** Read an envelope from JSON text; undefined when it is not one (the caller says where). */
export function parseEnvelope(text: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const e = value as Partial<Envelope> | null;
  if (
    !e ||
    typeof e !== 'object' ||
    typeof e.payloadType !== 'string' ||
    typeof e.payload !== 'string' ||
    !/^[A-Za-z0-9+/]*={0,2}$/.test(e.payload) ||
    !Array.isArray(e.signatures) ||
    !e.signatures.every((s) => s && typeof s.sig === 'string')
  ) {
    return undefined;
  }
  return e as Envelope;
}
