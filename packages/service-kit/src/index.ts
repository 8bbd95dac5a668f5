export { ADMIN_PORT_OFFSET, ConfigError, envVar, loadConfigOrExit, parseEnv } from './env.js';
export {
  AppError,
  ErrorCode,
  createErrorMasker,
  errors,
  maskError,
  type FieldProblem,
} from './errors.js';
export { isDatabaseUnavailable } from './unavailable.js';
export { LiveStream, MAX_QUEUED_EVENTS, type LiveStreamOptions } from './live-stream.js';
export { DateTimeScalar } from './scalars.js';
export { subgraphEnvShape, subgraphSettings, type SubgraphSettings } from './subgraph-env.js';
export { executeGraphQLOverHttp, HttpError } from './http.js';
export {
  createReadiness,
  type ReadinessCheck,
  type ReadinessReport,
  type ReadinessStatus,
} from './readiness.js';
export type { AdminAddress } from './admin-server.js';
export {
  anonymousClient,
  type ClientInfo,
  type RequestContext,
  type RequestIdentity,
  type Viewer,
} from './identity.js';
export {
  INTERNAL_CREDENTIAL_HEADER,
  createInternalCredentialSigner,
  createInternalCredentialVerifier,
  type InternalCredentialSigner,
  type InternalCredentialVerifier,
} from './internal-credential.js';
export {
  LoaderRegistry,
  alignToKeys,
  defineLoader,
  groupToKeys,
  type LoaderDefinition,
} from './loaders.js';
export { createLogger, type Logger } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
export {
  createEventMetrics,
  type DeadLetterReader,
  type EventMetricsOptions,
} from './event-metrics.js';
export {
  EventConnections,
  NoEventConnectionError,
  consumerConcurrency,
  eventConnectionBudget,
} from './event-connections.js';
export { stopOnSignals } from './shutdown.js';
export { createPrismaClient, isUniqueViolation, isUuid, type DatabaseSettings } from './prisma.js';
export {
  startSubgraphService,
  type ConsumerDefaults,
  type RunningService,
  type SubgraphServiceDefinition,
  type SubgraphServiceOptions,
  type SubgraphWiring,
} from './subgraph-service.js';
export { startSubgraphServer, type SubgraphServerOptions } from './subgraph-server.js';
export { InputError, parseInput } from './input.js';
export {
  startHttpService,
  type HttpRoute,
  type HttpServiceOptions,
  type RawRequest,
  type RawResponse,
  type RunningServer,
  type StopReport,
} from './http-service.js';
export { errorLogging } from './error-logging.js';
export { requireService, requireViewer, type Caller } from './caller.js';
export {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  cursorPages,
  type BackwardPageRequest,
  type Connection,
  type CursorFieldKind,
  type CursorOf,
  type CursorPages,
  type CursorShape,
  type Edge,
  type ForwardPageArgs,
  type ForwardPageRequest,
  type PageArgs,
  type PageInfo,
  type PageRequest,
} from './pagination.js';
export { SubgraphStore, type StoreDeps } from './subgraph-store.js';
export {
  defineSubgraph,
  runSubgraph,
  subgraphContext,
  type Subgraph,
  type SubgraphContext,
  type SubgraphDefinition,
  type WireDeps,
} from './subgraph.js';
export { subgraphConfig } from './subgraph-config.js';
