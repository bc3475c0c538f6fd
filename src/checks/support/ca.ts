import { CheckFailure } from '../../engine/check.js';

/**
 * The PEM text of a `ca` option: the option itself when it is PEM, else the file it names (relative to
 * the checklist's directory). Throws CheckFailure when it cannot be read or holds no certificate.
 */
export async function readCa(ca: string, baseDir: string): Promise<string> {
  if (ca.includes('-----BEGIN')) return ca;
  const { readFile } = await import('node:fs/promises');
  const { resolve } = await import('node:path');
  const file = resolve(baseDir, ca);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'unreadable';
    throw new CheckFailure(
      `ca: cannot read ${file} (${code}); give the path of a PEM file (relative to the checklist) or the PEM text itself`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CheckFailure(`ca: ${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
  }
  return pem;
}
