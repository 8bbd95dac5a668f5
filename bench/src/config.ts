/**
 * The stock baseline's only environment: `@apollo/gateway` reports telemetry (and probes cloud
 * metadata addresses) unless APOLLO_TELEMETRY_DISABLED is true when it is constructed.
 */
export function disableApolloTelemetry(): void {
  process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
}

/**
 * The stock marketplace gateway's settings (stock-marketplace-gateway.ts): its port, the
 * gateway's internal signing key and each subgraph's URL (`<NAME>_URL`), from its environment.
 */
export function stockMarketplaceConfig(): {
  port: number;
  internalPrivateKeyPem: string;
  subgraphUrls: Record<string, string>;
} {
  const env = process.env;
  const key = env['GATEWAY_INTERNAL_PRIVATE_KEY'];
  const port = Number(env['PORT']);
  if (!key || !Number.isInteger(port)) throw new Error('PORT and GATEWAY_INTERNAL_PRIVATE_KEY');
  const subgraphUrls: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (name.endsWith('_URL') && value) subgraphUrls[name.slice(0, -4).toLowerCase()] = value;
  return { port, internalPrivateKeyPem: key, subgraphUrls };
}
