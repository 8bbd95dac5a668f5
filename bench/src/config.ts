/**
 * The stock baseline's only environment: `@apollo/gateway` reports telemetry (and probes cloud
 * metadata addresses) unless APOLLO_TELEMETRY_DISABLED is true when it is constructed.
 */
export function disableApolloTelemetry(): void {
  process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
}
