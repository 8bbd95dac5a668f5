import { firstDifference, type CorpusOperation, type Difference } from './compare-responses.js';
import type { RunningGateway } from './gateway-pair.js';

export interface RunSummary {
  operations: number;
  equal: number;
  differences: Difference[];
  /** Responses (of the reference) with errors, and with data: the corpus exercises both. */
  withErrors: number;
  withData: number;
  /** Error codes of the reference responses, counted (to see what the corpus exercises). */
  codes: Record<string, number>;
  /** Subscription events the reference delivered (`subscribe` only). */
  eventsReceived: number;
}

/** How an operation is sent: posted over HTTP, or subscribed to over graphql-ws. */
export type Ask = 'post' | 'subscribe';

/** Every operation through both gateways (`concurrency` at a time), compared. */
export async function runDifferential(
  operations: readonly CorpusOperation[],
  tested: RunningGateway,
  reference: RunningGateway,
  concurrency: number,
  ask: Ask = 'post',
): Promise<RunSummary> {
  const summary: RunSummary = {
    operations: operations.length,
    equal: 0,
    differences: [],
    withErrors: 0,
    withData: 0,
    codes: {},
    eventsReceived: 0,
  };
  let next = 0;
  const worker = async () => {
    while (next < operations.length) {
      const operation = operations[next++];
      if (!operation) return;
      const [testedResponse, referenceResponse] = await Promise.all([
        tested[ask](operation.query, operation.variables),
        reference[ask](operation.query, operation.variables),
      ]);
      if (referenceResponse.errors?.length) summary.withErrors += 1;
      if (referenceResponse.data) summary.withData += 1;
      if (ask === 'subscribe' && Array.isArray(referenceResponse.data))
        summary.eventsReceived += referenceResponse.data.length;
      for (const error of referenceResponse.errors ?? []) {
        const code = String(error.extensions?.code ?? 'none');
        summary.codes[code] = (summary.codes[code] ?? 0) + 1;
      }
      const where = firstDifference(testedResponse, referenceResponse);
      if (where === null) summary.equal += 1;
      else
        summary.differences.push({
          operation,
          where,
          tested: testedResponse,
          reference: referenceResponse,
        });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summary;
}
