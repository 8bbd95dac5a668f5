import { generateKeyPairSync } from 'node:crypto';

export interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A fresh Ed25519 key pair in PEM (PKCS8 / SPKI), as the services' configuration expects. */
export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The two key pairs of a supergraph: the gateway's internal credential and auth's access tokens. */
export function generateSupergraphKeys() {
  return { internal: generateKeyPair(), accessTokens: generateKeyPair() };
}
export type SupergraphKeys = ReturnType<typeof generateSupergraphKeys>;
