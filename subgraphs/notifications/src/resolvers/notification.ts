import type { NotificationResolvers } from '../generated/graphql.js';
import { notificationById } from '../context.js';

export const Notification: NotificationResolvers = {
  // Only its owner gets it (the gateway asks with the viewer's credential).
  __resolveReference: async (reference, { loaders, viewer }) => {
    const notification = await loaders.get(notificationById).load(reference.id);
    return notification && viewer && notification.userId === viewer.id ? notification : null;
  },
};
