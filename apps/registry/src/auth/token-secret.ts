import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The shortest signing key accepted, in decoded bytes (HS256 wants at least its output size). */
export const MIN_SECRET_BYTES = 32;

/**
 * Signing keys published in Nacos' own files and docs. Anyone can sign tokens with them, so they
 * are refused as configured values (QVD-2023-6271).
 */
export const PUBLIC_SECRETS: readonly string[] = [
  // shipped in 1.4.x and 2.x application.properties
  'SecretKey012345678901234567890123456789012345678901234567890123456789',
  // the "custom key" example of the Nacos authentication docs
  'VGhpc0lzTXlDdXN0b21TZWNyZXRLZXkwMTIzNDU2Nzg=',
];

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/**
 * Decodes a configured secret as Nacos does (base64) and checks it. Returns the key bytes or a
 * problem sentence (without the value, which must not reach logs).
 */
export function parseConfiguredSecret(raw: string): Buffer | string {
  const value = raw.trim();
  if (PUBLIC_SECRETS.includes(value)) {
    return "is Nacos' published default secret, which lets anyone forge tokens: generate your own (e.g. `openssl rand -base64 32`)";
  }
  if (!BASE64.test(value)) return 'must be base64 (e.g. `openssl rand -base64 32`)';
  const key = Buffer.from(value, 'base64');
  if (key.length < MIN_SECRET_BYTES) {
    return `must decode to at least ${MIN_SECRET_BYTES} bytes (it decodes to ${key.length})`;
  }
  return key;
}

/** Where a member keeps its generated secret: `<dataDir>/auth/token.secret`. */
export function secretFilePath(dataDir: string): string {
  return join(dataDir, 'auth', 'token.secret');
}

/** Reads a secret file written by {@link writeSecretFile}; undefined when absent. Throws when unreadable or damaged. */
export function readSecretFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = parseConfiguredSecret(text);
  if (typeof parsed === 'string') throw new Error(`${file} is damaged: the token secret ${parsed}`);
  return parsed;
}

/** Writes `secret` base64-encoded, readable by the owner only, replacing the file atomically. */
export function writeSecretFile(file: string, secret: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${secret.toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** This member's secret file, created with a fresh random secret when absent. */
export function loadOrCreateSecretFile(file: string): Buffer {
  const existing = readSecretFile(file);
  if (existing !== undefined) return existing;
  const secret = randomBytes(MIN_SECRET_BYTES);
  writeSecretFile(file, secret);
  return secret;
}
