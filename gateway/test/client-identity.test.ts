import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../src/client-identity.js';

const request = (forwardedFor: string | string[] | undefined, peer = '10.0.0.2') =>
  ({
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: peer },
  }) as unknown as IncomingMessage;

describe('the client address behind trusted proxies', () => {
  it('is the socket peer when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress(request('1.2.3.4'), 0)).toBe('10.0.0.2');
  });

  it('is the entry the outermost trusted proxy appended, never a client-written one', () => {
    expect(clientAddress(request('6.6.6.6, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(request('6.6.6.6, 203.0.113.7, 10.0.0.9'), 2)).toBe('203.0.113.7');
    // Two X-Forwarded-For headers are one list, in order.
    expect(clientAddress(request(['6.6.6.6', '203.0.113.7']), 1)).toBe('203.0.113.7');
  });

  it('falls back to the leftmost entry or the peer when the header is short or missing', () => {
    expect(clientAddress(request('203.0.113.7'), 2)).toBe('203.0.113.7');
    expect(clientAddress(request(undefined), 1)).toBe('10.0.0.2');
    expect(clientAddress(request(' , '), 1)).toBe('10.0.0.2');
  });
});
