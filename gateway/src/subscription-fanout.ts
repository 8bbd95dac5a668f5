import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger, RequestIdentity } from '@jobber/service-kit';
import { masked, resolveEvent, sendable, type EventExecution } from './subscription-events.js';
import { SubscriberQueue } from './subscription-queue.js';
import type { UpstreamSubscriptions } from './upstream-subscriptions.js';

interface ClientStream {
  subscribers: Set<SubscriberQueue>;
  leaveUpstream: () => void;
  /** Events of one stream are resolved one after the other, so they arrive in order. */
  chain: Promise<void>;
}

/**
 * Identical client subscriptions (same text, operation and variables) of the same viewer are one
 * stream here: each event is resolved once (`rest` of the plan) and the result is sent to all
 * of them. Each stream joins the shared upstream stream of its primary operation.
 */
export class SubscriptionFanout {
  private readonly streams = new Map<string, ClientStream>();
  /** Events resolved (one per event per client stream): what fan-out saves is visible here. */
  resolved = 0;

  constructor(
    private readonly upstream: UpstreamSubscriptions,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  subscribe(
    identity: RequestIdentity,
    execution: EventExecution,
    queue: { max: number; onOverflow: () => void },
  ): SubscriberQueue {
    const { request, plan } = execution;
    const key = JSON.stringify([
      identity.viewer?.id ?? 'anonymous',
      request.query,
      request.operationName ?? null,
      request.variables,
    ]);
    let stream = this.streams.get(key);
    const subscriber = new SubscriberQueue(queue.max, queue.onOverflow, () => {
      const joined = this.streams.get(key);
      if (!joined?.subscribers.delete(subscriber) || joined.subscribers.size > 0) return;
      this.streams.delete(key);
      joined.leaveUpstream();
    });
    if (!stream) {
      const opened: ClientStream = {
        subscribers: new Set(),
        leaveUpstream: () => {},
        chain: Promise.resolve(),
      };
      stream = opened;
      this.streams.set(key, opened);
      const send = (result: ExecutionResult, last: boolean) => {
        for (const one of [...opened.subscribers]) {
          one.push(result);
          if (last) one.end();
        }
      };
      const finish = (errors?: readonly GraphQLFormattedError[]) => {
        opened.chain = opened.chain.then(() => {
          if (this.streams.get(key) === opened) this.streams.delete(key);
          // A final `next` with the errors, then complete: graphql-ws `error` frames drop codes.
          if (errors?.length) send({ errors: sendable(errors) }, true);
          else for (const one of [...opened.subscribers]) one.end();
        });
      };
      const variables = Object.fromEntries(
        (plan.primary.variableUsages ?? []).map((name) => [name, request.variables[name]]),
      );
      opened.leaveUpstream = this.upstream.join(
        plan.primary.serviceName,
        { query: plan.primary.operation, variables },
        identity,
        {
          next: (event) => {
            if (opened.subscribers.size === 0) return;
            this.resolved += 1;
            // Resolved at once (a slow entity fetch must not hold the next events back), sent
            // in order: each result waits for the one before it.
            const resolving = resolveEvent(execution, event).catch((error: unknown) => {
              this.logger.error({ err: error }, 'subscription: event failed');
              return { errors: sendable([masked(new GraphQLError('event failed'))]) };
            });
            opened.chain = opened.chain.then(async () => send(await resolving, false));
          },
          fail: (errors) => finish(errors),
          complete: () => finish(),
        },
      );
    }
    stream.subscribers.add(subscriber);
    return subscriber;
  }
}
