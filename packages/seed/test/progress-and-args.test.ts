import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, parseSeedArgs } from '../src/args.js';
import { Progress } from '../src/progress.js';
import { Random } from '../src/random.js';

describe('the progress bar', () => {
  it('writes plain lines when not on a terminal: start, each quarter, end', () => {
    const lines: string[] = [];
    const step = new Progress({ write: (text: string) => lines.push(text) }).start('members', 8);
    for (let i = 0; i < 8; i++) step.tick();
    step.finish('8 buyers');
    expect(lines.map((line) => line.replace(/\([\d.]+ s\)|in [\d.]+ s/, '…'))).toEqual([
      'members: 0/8\n',
      'members: 2/8 …\n',
      'members: 4/8 …\n',
      'members: 6/8 …\n',
      'members: 8 buyers …\n',
    ]);
  });

  it('redraws one line on a terminal', () => {
    const written: string[] = [];
    const step = new Progress({ isTTY: true, write: (text: string) => written.push(text) }).start(
      'members',
      2,
    );
    step.tick();
    step.tick();
    step.finish('2 buyers');
    const text = written.join('');
    expect(text.split('\n')).toHaveLength(2); // one finished line, nothing after it
    expect(text).toContain('\r');
    expect(text).toContain('2/2');
  });
});

describe('the command line', () => {
  it('defaults to seed 42 at 500 buyers and 200 sellers', () => {
    expect(parseSeedArgs([])).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS.sizes).toEqual({
      buyers: 500,
      sellers: 200,
      gigs: 2000,
      conversations: 300,
      orders: 200,
    });
  });

  it('reads the seed and the sizes, and refuses what it does not know', () => {
    expect(parseSeedArgs(['--seed', '7', '--buyers', '20', '--sellers', '8'])).toMatchObject({
      seed: 7,
      sizes: { buyers: 20, sellers: 8 },
    });
    expect(
      parseSeedArgs(['--gigs', '100', '--conversations', '10', '--orders', '5']),
    ).toMatchObject({
      sizes: { buyers: 500, sellers: 200, gigs: 100, conversations: 10, orders: 5 },
    });
    expect(() => parseSeedArgs(['--gigs', '100000'])).toThrow(/npm run bench:search/);
    expect(parseSeedArgs(['--gigs', '20000'])).toMatchObject({ sizes: { gigs: 20_000 } });
    expect(() => parseSeedArgs(['--buyers', 'many'])).toThrow(/--buyers must be a whole number/);
    expect(() => parseSeedArgs(['--gigz', '1'])).toThrow();
    expect(parseSeedArgs(['--help'])).toBe('help');
  });
});

describe('the random streams', () => {
  it('repeat for the same seed and stream, and differ between streams', () => {
    const draw = (seed: number, stream: string) => {
      const random = new Random(seed, stream);
      return Array.from({ length: 5 }, () => random.int(0, 1_000_000));
    };
    expect(draw(42, 'sellers')).toEqual(draw(42, 'sellers'));
    expect(draw(42, 'sellers')).not.toEqual(draw(42, 'buyers'));
    expect(draw(42, 'sellers')).not.toEqual(draw(43, 'sellers'));
  });
});
