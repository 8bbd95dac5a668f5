import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSchemaFile, supergraphFile } from '@jobber/supergraph';
import { describeDifference, type CorpusOperation } from './compare-responses.js';
import { loadDifferentialConfig } from './differential.config.js';
import { runDifferential, type Ask, type RunSummary } from './differential-run.js';
import { startGatewayOn, type RunningGateway } from './gateway-pair.js';
import { repositoryOperations } from './operation-corpus.js';
import { Prng } from './prng.js';
import { randomOperations } from './random-operations.js';
import {
  EVENTS_PER_SUBSCRIPTION,
  startSyntheticSubgraphs,
  type SyntheticSubgraph,
} from './synthetic-subgraphs.js';

const config = loadDifferentialConfig();
const operationsDirectory = fileURLToPath(new URL('../../../schema/operations', import.meta.url));

// Issue 19's correctness acceptance: docs/2026-12-03-gateway-differential-test.md.
describe(`the ${config.DIFFERENTIAL_EXECUTOR} executor against ${config.DIFFERENTIAL_REFERENCE} (seed ${config.DIFFERENTIAL_SEED})`, () => {
  const apiSchema = buildSchema(readFileSync(apiSchemaFile, 'utf8'));
  let subgraphs: SyntheticSubgraph[] = [];
  let tested: RunningGateway;
  let reference: RunningGateway;

  beforeAll(async () => {
    subgraphs = await startSyntheticSubgraphs(readFileSync(supergraphFile, 'utf8'));
    tested = await startGatewayOn(config.DIFFERENTIAL_EXECUTOR, subgraphs);
    reference = await startGatewayOn(config.DIFFERENTIAL_REFERENCE, subgraphs);
  });
  afterAll(async () => {
    await tested?.stop();
    await reference?.stop();
    await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
  });

  const check = async (name: string, operations: CorpusOperation[], ask: Ask = 'post') => {
    // Subscriptions one at a time: two identical primaries in flight would share one upstream
    // stream, and the second would join it after its first events.
    const concurrency = ask === 'post' ? config.DIFFERENTIAL_CONCURRENCY : 1;
    const summary = await runDifferential(operations, tested, reference, concurrency, ask);
    report(name, summary);
    expect(
      summary.differences.slice(0, 3).map((difference) => describeDifference(difference)),
    ).toEqual([]);
    return summary;
  };

  it('answers every operation of schema/operations alike', async () => {
    const random = new Prng(config.DIFFERENTIAL_SEED);
    const { queriesAndMutations } = repositoryOperations(operationsDirectory, apiSchema, random);
    // Each operation with several variable sets: the data (and so the nulls and errors) differ.
    const operations = Array.from(
      { length: 5 },
      () => repositoryOperations(operationsDirectory, apiSchema, random).queriesAndMutations,
    ).flat();
    const summary = await check('schema/operations', [...queriesAndMutations, ...operations]);
    expect(summary.withErrors).toBeGreaterThan(0);
  });

  it('resolves the events of every subscription, of schema/operations and random, alike', async () => {
    const random = new Prng(config.DIFFERENTIAL_SEED + 2);
    const operations = Array.from(
      { length: 6 },
      () => repositoryOperations(operationsDirectory, apiSchema, random).subscriptions,
    ).flat();
    const generated = randomOperations(
      apiSchema,
      random,
      config.DIFFERENTIAL_RANDOM_SUBSCRIPTIONS,
      'subscriptions',
    );
    const summary = await check('subscriptions', [...operations, ...generated], 'subscribe');
    expect(summary.withErrors).toBeGreaterThan(0);
    // Every stream delivered its events (a refused or broken one has no data).
    expect(summary.eventsReceived).toBe(
      (operations.length + generated.length) * EVENTS_PER_SUBSCRIPTION,
    );
  }, 240_000);

  it(`answers ${config.DIFFERENTIAL_RANDOM_OPERATIONS} random valid operations alike`, async () => {
    const random = new Prng(config.DIFFERENTIAL_SEED + 1);
    const operations = randomOperations(apiSchema, random, config.DIFFERENTIAL_RANDOM_OPERATIONS);
    const merged = () => subgraphs.reduce((sum, subgraph) => sum + subgraph.mergedRequests(), 0);
    const mergedBefore = merged();
    const summary = await check('random', operations);
    expect(summary.withErrors).toBeGreaterThan(0);
    expect(summary.withData).toBeGreaterThan(0);
    console.log(
      `differential random: ${merged() - mergedBefore} subgraph requests of merged fetches`,
    );
    // The wave path with merged entity fetches is among what was compared.
    if (config.DIFFERENTIAL_EXECUTOR === 'jobber')
      expect(merged() - mergedBefore).toBeGreaterThan(0);
  }, 240_000);
});

function report(name: string, summary: RunSummary): void {
  console.log(
    `differential ${name} (seed ${config.DIFFERENTIAL_SEED}): ${summary.operations} operations, ` +
      `${summary.equal} equal, ${summary.differences.length} different ` +
      `(reference responses: ${summary.withData} with data, ${summary.withErrors} with errors; error codes ${JSON.stringify(summary.codes)})`,
  );
}
