// The Mailbox lives in @jobber/mailbox so the seed reads auth's outbox the same way.
export { Mailbox, type SignUpReply } from '@jobber/mailbox';
