import type { EventEnvelope } from './envelope.js';

/** One envelope of a publish that did not reach the broker while the others may have. */
export interface PublishFailure {
  /** The envelope's id. */
  id: string;
  error: string;
  /**
   * True when trying again cannot help (too large, not serialisable): the relay parks the row
   * at once. False for a broker's refusal (nack), which may pass later.
   */
  permanent: boolean;
}

/** What `EventTransport.publish` resolves with: the envelopes that failed (empty = all confirmed). */
export interface PublishResult {
  failed: PublishFailure[];
}

/** Default largest message body (the JSON envelope) a transport accepts: 1 MiB. */
export const defaultMaxMessageBytes = 1024 * 1024;

/**
 * Serialises each envelope and sets aside those that are too large (or will not serialise):
 * the bodies to publish, and the permanent failures to report.
 */
export function encodeForPublish(
  envelopes: readonly EventEnvelope[],
  maxMessageBytes: number,
): { bodies: { envelope: EventEnvelope; body: Buffer }[]; failed: PublishFailure[] } {
  const bodies: { envelope: EventEnvelope; body: Buffer }[] = [];
  const failed: PublishFailure[] = [];
  for (const envelope of envelopes) {
    let body: Buffer;
    try {
      body = Buffer.from(JSON.stringify(envelope));
    } catch (err) {
      failed.push({ id: envelope.id, error: `not serialisable: ${String(err)}`, permanent: true });
      continue;
    }
    if (body.length > maxMessageBytes) {
      failed.push({
        id: envelope.id,
        error: `message of ${body.length} bytes exceeds the limit of ${maxMessageBytes} bytes`,
        permanent: true,
      });
      continue;
    }
    bodies.push({ envelope, body });
  }
  return { bodies, failed };
}
