// Where things are shown, built in one place so every page links alike.
export { streamHref } from '@/lib/http/stream-params';
export { eventLogHref } from '@/lib/http/event-log-params';

export const accountHref = (accountNumber: string) => `/accounts/${accountNumber}`;
export const eventHref = (eventId: string) => `/events/${eventId}`;
export const paymentHref = (eventId: string) => `/payments/${eventId}`;
