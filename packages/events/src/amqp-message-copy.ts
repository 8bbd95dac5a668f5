import type { MessageProperties, MessagePropertyHeaders, Options } from 'amqplib';

/** The headers of a delivery without the broker's dead-letter and delivery-count bookkeeping. */
export function withoutDeathHeaders(
  headers: MessagePropertyHeaders | undefined,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (
      key === 'x-death' ||
      key === 'x-delivery-count' ||
      key.startsWith('x-first-death') ||
      key.startsWith('x-last-death')
    ) {
      continue;
    }
    copy[key] = value;
  }
  return copy;
}

/**
 * Publish options that copy a delivery to another queue (retry, dead-letter, replay): persistent,
 * with the original's id, type, producer and time, and the given headers.
 */
export function copiedMessageOptions(
  properties: MessageProperties,
  headers: Record<string, unknown>,
): Options.Publish {
  return {
    persistent: true,
    contentType: properties.contentType as string | undefined,
    messageId: properties.messageId as string | undefined,
    type: properties.type as string | undefined,
    appId: properties.appId as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    headers,
  };
}
