import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mainBranchBaseline } from '../src/api-baselines.js';
import { checkRepositoryApi } from '../src/api-check.js';
import {
  apiCheckFailed,
  checkApiSchema,
  formatApiCheck,
  parseIntendedChanges,
} from '../src/breaking-changes.js';

// Schema checks: a breaking change of the client contract (schema/api.graphql) fails the tests
// unless schema/intended-changes.json lists it with a reason (docs/2026-12-02-client-contract.md).
const temp = mkdtempSync(join(tmpdir(), 'jobber-api-check-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** `sdl` with `from` replaced; fails if `from` is not there (so no case passes vacuously). */
function edit(sdl: string, from: string, to: string): string {
  expect(sdl, `the schema should contain ${JSON.stringify(from)}`).toContain(from);
  return sdl.replace(from, to);
}

describe('schema/api.graphql against its baselines', () => {
  it('has no breaking change that schema/intended-changes.json does not list', async () => {
    const { result, skipped } = await checkRepositoryApi();
    const report = formatApiCheck(result, skipped);
    if (skipped.length) console.log(report);
    expect(result.compared[0]).toMatch(/^release baseline/);
    expect(apiCheckFailed(result), report).toBe(false);
  });
});

describe('the check', () => {
  // A small contract of its own, so these cases do not move with the real one.
  const api = `
    enum Role {
      USER
      ADMIN
    }
    type User {
      id: ID!
      roles: [Role!]
    }
    type Query {
      viewer: User
      sellers(first: Int = 20, after: String): [User!]!
    }
  `;
  const removedAdmin = edit(api, '      ADMIN\n', '');
  const breaking = edit(
    removedAdmin,
    'sellers(first: Int = 20, after: String)',
    'sellers(first: Int!, after: String)',
  );
  const baselines = [{ name: 'baseline', sdl: api }];

  it('fails on breaking changes and names each, with an entry to paste', async () => {
    const result = await checkApiSchema({ current: breaking, baselines, intended: [] });
    expect(apiCheckFailed(result)).toBe(true);
    expect(result.unlisted).toEqual([
      expect.objectContaining({ path: 'Role.ADMIN', message: expect.stringContaining('ADMIN') }),
      expect.objectContaining({
        path: 'Query.sellers.first',
        message: expect.stringContaining("'Int!'"),
      }),
    ]);
    const report = formatApiCheck(result);
    expect(report).toContain('"path":"Role.ADMIN"');
    expect(report).toContain('"reason":"<why clients may break');
  });

  it('passes once each breaking change is listed with a reason, and reports it', async () => {
    const first = await checkApiSchema({ current: breaking, baselines, intended: [] });
    const intended = first.unlisted.map((change) => ({
      message: change.message,
      ...(change.path ? { path: change.path } : {}),
      reason: 'no client uses it yet',
    }));
    const result = await checkApiSchema({ current: breaking, baselines, intended });
    expect(result.unlisted).toEqual([]);
    expect(result.intended.map((change) => change.path)).toEqual([
      'Role.ADMIN',
      'Query.sellers.first',
    ]);
    expect(apiCheckFailed(result)).toBe(false);
  });

  it('matches the path too when an entry gives one', async () => {
    const [change] = (await checkApiSchema({ current: removedAdmin, baselines, intended: [] }))
      .unlisted;
    const result = await checkApiSchema({
      current: removedAdmin,
      baselines,
      intended: [{ message: change?.message ?? '', path: 'Role.USER', reason: 'wrong path' }],
    });
    expect(result.unlisted).toHaveLength(1);
    expect(result.stale).toHaveLength(1);
  });

  it('fails on a listed change that is no longer made (a stale entry)', async () => {
    const stale = { message: "Field 'viewer' was removed from object type 'Query'", reason: 'x' };
    const result = await checkApiSchema({ current: api, baselines, intended: [stale] });
    expect(result.stale).toEqual([stale]);
    expect(apiCheckFailed(result)).toBe(true);
  });

  it('lets additions through and reports dangerous ones without failing', async () => {
    const added = edit(
      edit(api, '      ADMIN\n', '      ADMIN\n      MODERATOR\n'),
      'type Query {\n',
      'type Query {\n      ping: Boolean\n',
    );
    const result = await checkApiSchema({ current: added, baselines, intended: [] });
    expect(result.unlisted).toEqual([]);
    expect(result.dangerous).toEqual([expect.objectContaining({ path: 'Role.MODERATOR' })]);
    expect(apiCheckFailed(result)).toBe(false);
  });

  it('compares with every baseline given', async () => {
    const result = await checkApiSchema({
      current: removedAdmin,
      baselines: [...baselines, { name: 'main', sdl: api }],
      intended: [],
    });
    expect(result.unlisted.map((change) => change.base)).toEqual(['baseline', 'main']);
  });

  it('refuses an intended change without a reason', () => {
    expect(() => parseIntendedChanges('{"changes":[{"message":"m"}]}')).toThrow(/reason/);
    expect(() => parseIntendedChanges('{"change":[]}')).toThrow(/"changes" must be an array/);
    expect(parseIntendedChanges('{"changes":[{"message":"m","reason":"r"}]}')).toEqual([
      { message: 'm', reason: 'r' },
    ]);
  });
});

describe("main's version from git", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync(
      'git',
      [
        '-c',
        'user.name=test',
        '-c',
        'user.email=test@example.com',
        '-c',
        'commit.gpgsign=false',
        ...args,
      ],
      { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();
  const commitApi = (repo: string, sdl: string, message: string) => {
    writeFileSync(join(repo, 'schema/api.graphql'), sdl);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', message);
    return git(repo, 'rev-parse', 'HEAD');
  };
  const repository = (name: string, branch = 'main') => {
    const repo = join(temp, name);
    mkdirSync(join(repo, 'schema'), { recursive: true });
    git(repo, 'init', '-q', '-b', branch);
    return repo;
  };

  it("reads the merge base's version, not main's newer one", () => {
    const repo = repository('full');
    const forkPoint = commitApi(repo, 'type Query { a: Int }\n', 'v1');
    git(repo, 'checkout', '-q', '-b', 'change');
    commitApi(repo, 'type Query { b: Int }\n', 'the change under review');
    git(repo, 'checkout', '-q', 'main');
    commitApi(repo, 'type Query { a: Int c: Int }\n', 'main moved on');
    git(repo, 'checkout', '-q', 'change');

    const baseline = mainBranchBaseline({ cwd: repo });
    expect(baseline).toMatchObject({ found: true, ref: 'main', commit: forkPoint });
    expect(baseline.found && baseline.sdl).toBe('type Query { a: Int }\n');
  });

  it('says why when there is no history to compare with', () => {
    const notGit = join(temp, 'plain');
    mkdirSync(notGit);
    expect(mainBranchBaseline({ cwd: notGit })).toEqual({
      found: false,
      reason: expect.stringContaining('not a git work tree'),
    });

    const repo = repository('for-shallow');
    commitApi(repo, 'type Query { a: Int }\n', 'v1');
    commitApi(repo, 'type Query { a: Int b: Int }\n', 'v2');
    const shallow = join(temp, 'shallow');
    git(temp, 'clone', '-q', '--depth', '1', `file://${repo}`, shallow);
    expect(mainBranchBaseline({ cwd: shallow })).toEqual({
      found: false,
      reason: expect.stringContaining('shallow clone'),
    });

    const trunk = repository('trunk', 'trunk');
    commitApi(trunk, 'type Query { a: Int }\n', 'v1');
    expect(mainBranchBaseline({ cwd: trunk })).toEqual({
      found: false,
      reason: 'no origin/main or main ref in this clone',
    });
  });

  it('falls back to the release baseline alone, and says so', async () => {
    const { result, skipped } = await checkRepositoryApi({ gitCwd: join(temp, 'plain') });
    expect(result.compared).toEqual(['release baseline (schema/api.baseline.graphql)']);
    expect(skipped).toEqual([expect.stringContaining('the release baseline alone decides')]);
    expect(formatApiCheck(result, skipped)).toContain('Not compared: the main branch');
  });
});
