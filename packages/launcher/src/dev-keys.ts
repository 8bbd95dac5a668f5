import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevKeys {
  internal: { privateKeyPem: string; publicKeyPem: string };
  accessTokens: { privateKeyPem: string; publicKeyPem: string };
}

function pair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Development-only Ed25519 keys (gateway credential, access tokens), made on first start and
 * kept in the data folder with owner-only permissions. Production sets them in the environment.
 */
export function devKeys(dataDir: string): DevKeys {
  const file = join(dataDir, 'dev-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  const keys: DevKeys = { internal: pair(), accessTokens: pair() };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
