// The compose stack's keys, made once into a volume (the `keys` service): Ed25519 pairs for
// the access tokens (auth signs, the gateway verifies) and for the gateway's internal credential
// (the gateway signs, every subgraph verifies). Kept between runs, so sessions survive a restart.
// Services get them through the entry point's *_FILE convention. Production brings its own.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '/run/jobber-keys';
mkdirSync(dir, { recursive: true });
for (const name of ['access-tokens', 'internal']) {
  const privateFile = join(dir, `${name}.private.pem`);
  const publicFile = join(dir, `${name}.public.pem`);
  if (existsSync(privateFile) && existsSync(publicFile)) continue;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // Readable by the services' user only (they run as the same user as this).
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  console.log(`made ${name} keys in ${dir}`);
}
