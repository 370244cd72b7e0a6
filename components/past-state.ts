// Kept where the timeline and the event log import it from; the addresses of past states (own
// revisions, positions, moments) and their validation live in lib/time-travel.
export { pastStateHref, type PastStateTarget } from '@/lib/time-travel/href';
