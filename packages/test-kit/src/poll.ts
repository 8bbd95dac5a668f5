// `eventually` lives in @jobber/mailbox (its Mailbox polls with it); tests import it from here.
export { eventually } from '@jobber/mailbox';
