import { describe, expect, it } from 'vitest';
import { AppError, anonymousClient, requireViewer } from '../src/index.js';

describe('requireViewer', () => {
  it('returns the signed-in viewer', () => {
    const viewer = { id: 'u1', roles: ['USER'] };
    const caller = { viewer, client: anonymousClient };
    expect(requireViewer(caller)).toBe(viewer);
  });

  it('refuses a signed-out caller with UNAUTHENTICATED', () => {
    const refusal = (() => {
      try {
        requireViewer({ viewer: null });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('UNAUTHENTICATED');
  });
});
