import { z } from 'zod';
import { ConfigError, subgraphConfig } from '@jobber/service-kit';

const ms = (fallback: number) => z.coerce.number().int().min(50).max(3_600_000).default(fallback);

/**
 * The kit's variables plus chat's timers: presence heartbeats and TTL, the sweep that ends
 * lapsed presence and expires offers (docs/2026-12-02-chat-and-presence.md).
 */
export const parseChatConfig = subgraphConfig({
  port: 4004,
  env: {
    PRESENCE_HEARTBEAT_MS: ms(10_000),
    PRESENCE_TTL_MS: ms(30_000),
    CHAT_SWEEP_MS: ms(10_000),
  },
  settings: (env) => {
    if (env.PRESENCE_TTL_MS < 2 * env.PRESENCE_HEARTBEAT_MS) {
      throw new ConfigError([
        'PRESENCE_TTL_MS: must be at least twice PRESENCE_HEARTBEAT_MS (one missed beat is not offline)',
      ]);
    }
    return {
      chat: {
        heartbeatMs: env.PRESENCE_HEARTBEAT_MS,
        presenceTtlMs: env.PRESENCE_TTL_MS,
        sweepMs: env.CHAT_SWEEP_MS,
      },
    };
  },
});
export type ChatConfig = ReturnType<typeof parseChatConfig>;
export type ChatTimers = ChatConfig['chat'];

export const loadChatConfig = (): ChatConfig => parseChatConfig(process.env);
