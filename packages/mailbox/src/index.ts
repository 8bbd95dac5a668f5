export { Mailbox, type SignUpReply } from './mailbox.js';
export { eventually } from './poll.js';
