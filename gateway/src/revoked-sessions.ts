/** Auth's access-token lifetime plus the verifier's clock tolerance: a revoked sid is kept this long. */
export const REVOKED_SESSION_RETENTION_MS = (15 * 60 + 5) * 1000 + 60_000;

/** The topology list's broadcast consumer (packages/events/src/topology.ts). */
export const REVOKED_SESSIONS_CONSUMER = 'gateway.revoked-sessions';

/** One revoked session: its id and when auth revoked it. */
export interface RevokedSession {
  id: string;
  revokedAt: Date;
}

/**
 * Sessions auth has revoked, by id, each kept until every access token of it has expired; the
 * set never holds more than `maxSize` ids (those whose tokens expire first go first, logged).
 */
export class RevokedSessions {
  /** sid → when its last access token expires. */
  private readonly until = new Map<string, number>();
  private readonly listeners: ((sessionIds: readonly string[]) => void)[] = [];

  constructor(
    private readonly options: {
      retentionMs?: number;
      maxSize?: number;
      now?: () => number;
      onEvict?: (count: number) => void;
    } = {},
  ) {}

  add(sessionIds: readonly string[], revokedAt: Date): void {
    this.addAll(sessionIds.map((id) => ({ id, revokedAt })));
  }

  /** Called with the ids of every later addition (live sockets of those sessions are closed). */
  onAdd(listener: (sessionIds: readonly string[]) => void): void {
    this.listeners.push(listener);
  }

  /** Many at once (a catch-up from auth): one sweep and at most one eviction for all of them. */
  addAll(sessions: readonly RevokedSession[]): void {
    const now = this.options.now?.() ?? Date.now();
    const retention = this.options.retentionMs ?? REVOKED_SESSION_RETENTION_MS;
    this.sweep(now);
    for (const { id, revokedAt } of sessions) {
      const expires = revokedAt.getTime() + retention;
      if (expires > now) this.until.set(id, Math.max(expires, this.until.get(id) ?? 0));
    }
    const excess = this.until.size - (this.options.maxSize ?? 100_000);
    if (excess > 0) {
      const first = [...this.until].sort((a, b) => a[1] - b[1]).slice(0, excess);
      for (const [sid] of first) this.until.delete(sid);
      this.options.onEvict?.(excess);
    }
    const ids = sessions.map((session) => session.id);
    for (const listener of this.listeners) listener(ids);
  }

  has(sessionId: string): boolean {
    const expires = this.until.get(sessionId);
    return expires !== undefined && expires > (this.options.now?.() ?? Date.now());
  }

  get size(): number {
    return this.until.size;
  }

  private sweep(now: number): void {
    for (const [sid, expires] of this.until) if (expires <= now) this.until.delete(sid);
  }
}
