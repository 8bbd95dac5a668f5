import { errors, type ClientInfo } from '@jobber/service-kit';
import type { AccessTokenIssuer } from './access-tokens.js';
import type { UserRecord } from './accounts.js';
import { decideRefresh, nextExpiry } from './refresh-rotation.js';
import { hashSecret, newOpaqueToken } from './secrets.js';
import type { AuthStore, RevokeReason } from './store.js';

/** What a successful sign-in, sign-up or refresh returns to the client. */
export interface IssuedSession {
  user: UserRecord;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  /** The device's secret when this sign-in made it trusted or confirmed it (see accounts.ts). */
  deviceSecret?: string | null;
}

/**
 * Sessions are refresh-token families: a sign-in starts one, every refresh rotates its token,
 * and a rotated token presented again revokes the whole family (someone kept a copy).
 */
export class Sessions {
  constructor(
    private readonly accessTokens: AccessTokenIssuer,
    private readonly clock: () => Date,
  ) {}

  /** Starts a session; call inside the caller's transaction (device trust is the caller's). */
  async start(
    store: AuthStore,
    user: UserRecord,
    client: ClientInfo,
    fingerprint: string,
  ): Promise<IssuedSession> {
    const now = this.clock();
    const session = await store.createSession({
      userId: user.id,
      deviceFingerprint: fingerprint,
      userAgent: client.userAgent,
      ip: client.ip,
    });
    return this.issue(store, user, session.id, session.createdAt, now);
  }

  /** Exchanges a refresh token for a new pair; reuse of a rotated token revokes its family. */
  async refresh(
    store: AuthStore,
    refreshToken: string,
    loadUser: (id: string) => Promise<UserRecord | null>,
  ) {
    const now = this.clock();
    const found = await store.findRefreshToken(hashSecret(refreshToken));
    const decision = decideRefresh(
      found && {
        id: found.id,
        familyId: found.session.id,
        userId: found.session.userId,
        tokenHash: '',
        expiresAt: found.expiresAt,
        rotatedAt: found.rotatedAt,
        revokedAt: found.session.revokedAt,
      },
      now,
    );
    if (decision.kind === 'reuse-detected') {
      await store.revokeSession(decision.familyId, 'REUSE_DETECTED', now);
      return { kind: 'reuse-detected' as const };
    }
    if (decision.kind === 'invalid' || !found) return { kind: 'invalid' as const };
    if (!(await store.markRotated(found.id, now))) {
      // Another request rotated it a moment ago: two holders of one token.
      await store.revokeSession(found.session.id, 'REUSE_DETECTED', now);
      return { kind: 'reuse-detected' as const };
    }
    const user = await loadUser(found.session.userId);
    if (!user) return { kind: 'invalid' as const };
    await store.touchSession(found.session.id, now);
    return {
      kind: 'rotated' as const,
      session: await this.issue(store, user, found.session.id, found.session.createdAt, now),
    };
  }

  /** The session a refresh token belongs to (any state), for sign-out. */
  async ownerOf(store: AuthStore, refreshToken: string) {
    const found = await store.findRefreshToken(hashSecret(refreshToken));
    return found ? { sessionId: found.session.id, userId: found.session.userId } : null;
  }

  revoke(store: AuthStore, sessionId: string, reason: RevokeReason) {
    return store.revokeSession(sessionId, reason, this.clock());
  }

  private async issue(
    store: AuthStore,
    user: UserRecord,
    sessionId: string,
    familyCreatedAt: Date,
    now: Date,
  ) {
    const refreshToken = newOpaqueToken();
    const refreshTokenExpiresAt = nextExpiry(familyCreatedAt, now);
    await store.addRefreshToken({
      sessionId,
      tokenHash: hashSecret(refreshToken),
      expiresAt: refreshTokenExpiresAt,
    });
    const access = await this.accessTokens.issue({ userId: user.id, roles: user.roles, sessionId });
    return {
      user,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt,
    };
  }
}

export const invalidRefreshToken = () =>
  errors.unauthenticated('The refresh token is invalid or expired. Sign in again.');
