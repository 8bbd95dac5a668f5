import type { OrderResolvers, TimelineEntryResolvers } from '../generated/graphql.js';
import {
  cancellationsOf,
  deliveriesOf,
  extensionsOf,
  orderById,
  paymentOf,
  revisionsOf,
  timelineOf,
} from '../context.js';
import { sideOf } from '../records.js';

export const Order: OrderResolvers = {
  // Only its buyer or seller gets it (the gateway asks with the viewer's credential).
  __resolveReference: async (reference, { loaders, viewer }) => {
    const order = await loaders.get(orderById).load(reference.id);
    if (!order || !viewer) return null;
    return sideOf(order, viewer.id) ? order : null;
  },
  gig: (order) => ({ id: order.gigId }),
  buyer: (order) => ({ id: order.buyerId }),
  seller: (order) => ({ id: order.sellerId }),
  deliveries: (order, _args, { loaders }) => loaders.get(deliveriesOf).load(order.id),
  revisionRequests: (order, _args, { loaders }) => loaders.get(revisionsOf).load(order.id),
  extensionRequests: (order, _args, { loaders }) => loaders.get(extensionsOf).load(order.id),
  cancellationRequests: (order, _args, { loaders }) => loaders.get(cancellationsOf).load(order.id),
  timeline: (order, _args, { loaders }) => loaders.get(timelineOf).load(order.id),
  payment: (order, _args, { loaders }) => loaders.get(paymentOf).load(order.id),
};

export const TimelineEntry: TimelineEntryResolvers = {
  actor: (entry) => (entry.actorId ? { id: entry.actorId } : null),
};
