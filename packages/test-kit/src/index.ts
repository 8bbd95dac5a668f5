export { childProcessEnv, testConfig } from './config.js';
export { createTestDatabase, type TestDatabase } from './databases.js';
export { deleteTestEvents, testEventNames, type TestEventNames } from './event-bus.js';
export {
  GraphQLClient,
  errorCodes,
  type GraphQLResponse,
  type RequestOptions,
} from './graphql-client.js';
export {
  generateKeyPair,
  generateSupergraphKeys,
  type KeyPair,
  type SupergraphKeys,
} from './keys.js';
export { eventually } from './poll.js';
export { deadLetterCount, queueLength } from './queues.js';
export {
  notStartedReadiness,
  RATE_LIMITS_OFF,
  startTestSupergraph,
  type FixtureSubgraph,
  type SubgraphStarter,
  type TestSupergraph,
} from './supergraph.js';
export { signAccessToken } from './access-tokens.js';
export { statementCounter, type StatementCounter } from './statements.js';
export { Mailbox } from './mailbox.js';
export {
  MEMBER_PASSWORD,
  COMPLETE_SIGN_UP_ID_MUTATION,
  SIGN_UP_MUTATION,
  memberSignUpInput,
  becomeSeller,
  signUpMember,
  signUpMemberVia,
  type PostOperation,
  type RawGraphQLAnswer,
  uniqueTag,
  waitForBuyerProfile,
  type Member,
} from './members.js';
export { TestSmtpServer, type ReceivedMail } from './smtp.js';
export { freePort } from './free-port.js';
export {
  productionSubgraphEnv,
  startServiceProcess,
  stopServiceProcess,
  type ServiceProcess,
} from './service-processes.js';
