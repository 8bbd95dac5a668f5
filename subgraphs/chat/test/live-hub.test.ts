import { describe, expect, it } from 'vitest';
import { LiveHub, type LiveEvent } from '../src/live.js';

// The hub hands each live event to the subscriptions of its two participants only, and
// presence changes to the subscriptions that asked for them.

const envelope = {
  id: 'e',
  occurredAt: '2026-12-04T00:00:00.000Z',
  producer: 'chat',
  aggregateType: 'conversation',
  aggregateId: 'c1',
  version: 1,
};

function typing(participantIds: [string, string]): LiveEvent {
  return {
    ...envelope,
    type: 'chat.typing.started',
    data: {
      conversationId: 'c1',
      userId: participantIds[0],
      participantIds,
      startedAt: '2026-12-04T00:00:00.000Z',
    },
  };
}

const presence: LiveEvent = {
  ...envelope,
  type: 'chat.presence.changed',
  aggregateType: 'presence',
  aggregateId: 'u3',
  data: { userId: 'u3', online: true, lastSeenAt: null, changedAt: '2026-12-04T00:00:00.000Z' },
};

describe('the live hub', () => {
  it("delivers an event to its participants' subscriptions, each once, and no one else's", () => {
    const hub = new LiveHub();
    const got: string[] = [];
    hub.listen('u1', () => got.push('u1 tab 1'));
    hub.listen('u1', () => got.push('u1 tab 2'));
    hub.listen('u2', () => got.push('u2'));
    hub.listen('u3', () => got.push('u3'));
    hub.deliver(typing(['u1', 'u2']));
    expect(got.sort()).toEqual(['u1 tab 1', 'u1 tab 2', 'u2']);
    got.length = 0;
    // A conversation with oneself (not made by chat, but the event allows it): once.
    hub.deliver(typing(['u3', 'u3']));
    expect(got).toEqual(['u3']);
  });

  it('delivers presence changes to the subscriptions that asked for them', () => {
    const hub = new LiveHub();
    const got: string[] = [];
    hub.listen('u1', () => got.push('u1 presence'), { presence: true });
    hub.listen('u1', () => got.push('u1 conversations'));
    hub.listen('u2', () => got.push('u2 presence'), { presence: true });
    hub.deliver(presence);
    expect(got.sort()).toEqual(['u1 presence', 'u2 presence']);
  });

  it('stops delivering once a subscription leaves, also from inside a delivery', () => {
    const hub = new LiveHub();
    const got: string[] = [];
    let leaveSecond = () => {};
    const leaveFirst = hub.listen(
      'u1',
      () => {
        got.push('first');
        leaveSecond();
      },
      { presence: true },
    );
    leaveSecond = hub.listen('u1', () => got.push('second'));
    expect(hub.subscribers).toBe(2);
    hub.deliver(typing(['u1', 'u2']));
    expect(got[0]).toBe('first');
    expect(hub.subscribers).toBe(1);
    leaveFirst();
    leaveFirst();
    expect(hub.subscribers).toBe(0);
    got.length = 0;
    hub.deliver(typing(['u1', 'u2']));
    hub.deliver(presence);
    expect(got).toEqual([]);
  });
});
