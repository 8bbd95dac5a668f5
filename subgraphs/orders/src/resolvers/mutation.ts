import type { MutationResolvers } from '../generated/graphql.js';

/** Thin: each mutation hands its input and the caller to the order rules. */
export const Mutation: MutationResolvers = {
  placeOrder: (_parent, args, { orders, ...caller }) => orders.placeOrder(args, caller),
  acceptOffer: (_parent, args, { orders, ...caller }) => orders.acceptOffer(args, caller),
  confirmPayment: (_parent, args, { orders, ...caller }) => orders.confirmPayment(args, caller),
  startOrder: (_parent, { orderId }, { orders, ...caller }) => orders.start(orderId, caller),
  deliverOrder: (_parent, args, { orders, ...caller }) => orders.deliver(args, caller),
  requestRevision: (_parent, args, { orders, ...caller }) => orders.requestRevision(args, caller),
  acceptDelivery: (_parent, { orderId }, { orders, ...caller }) =>
    orders.acceptDelivery(orderId, caller),
  requestCancellation: (_parent, args, { orders, ...caller }) =>
    orders.requestCancellation(args, caller),
  respondToCancellation: (_parent, args, { orders, ...caller }) =>
    orders.respondToCancellation(args, caller),
  cancelOrder: (_parent, args, { orders, ...caller }) => orders.cancelOrder(args, caller),
  requestExtension: (_parent, args, { orders, ...caller }) => orders.requestExtension(args, caller),
  respondToExtension: (_parent, args, { orders, ...caller }) =>
    orders.respondToExtension(args, caller),
};
