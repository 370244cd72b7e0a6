// Persistent-subscription domain errors -> §13 wire errors (templates live in errors.ts).
import {
  GroupDroppedError,
  GroupExistsError,
  GroupFailedError,
  GroupNotFoundError,
  MaxSubscribersReachedError,
} from '../persistent/errors.js';
import {
  maximumSubscribersReached,
  persistentSubscriptionDoesNotExist,
  persistentSubscriptionDropped,
  persistentSubscriptionExists,
  persistentSubscriptionFailed,
  toWireError,
  type WireError,
} from './errors.js';

export function toPersistentWireError(err: unknown): WireError {
  if (err instanceof GroupNotFoundError) return persistentSubscriptionDoesNotExist(err.stream, err.group);
  if (err instanceof GroupExistsError) return persistentSubscriptionExists(err.stream, err.group);
  if (err instanceof GroupFailedError) return persistentSubscriptionFailed(err.stream, err.group, err.reason);
  if (err instanceof MaxSubscribersReachedError) return maximumSubscribersReached(err.stream, err.group);
  if (err instanceof GroupDroppedError) return persistentSubscriptionDropped(err.stream, err.group);
  return toWireError(err);
}
