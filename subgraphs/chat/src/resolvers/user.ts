import type {
  PresenceEventResolvers,
  TypingEventResolvers,
  UserResolvers,
} from '../generated/graphql.js';
import { presenceByUser } from '../context.js';

/** auth owns User; chat adds presence, loaded in one batch per request (or event). */
export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  online: async (user, _args, { loaders }) =>
    (await loaders.get(presenceByUser).load(user.id)).online,
  lastSeenAt: async (user, _args, { loaders }) =>
    (await loaders.get(presenceByUser).load(user.id)).lastSeenAt,
};

export const TypingEvent: TypingEventResolvers = {
  user: (typing) => ({ id: typing.userId }),
};

export const PresenceEvent: PresenceEventResolvers = {
  user: (presence) => ({ id: presence.userId }),
};
