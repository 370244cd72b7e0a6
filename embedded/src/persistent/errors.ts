// Domain errors of the persistent-subscription subsystem; grpc/persistent-errors.ts maps them to §13.

export class GroupNotFoundError extends Error {
  constructor(
    readonly stream: string,
    readonly group: string,
  ) {
    super(`Subscription group ${group} on stream ${stream} does not exist.`);
  }
}

export class GroupExistsError extends Error {
  constructor(
    readonly stream: string,
    readonly group: string,
  ) {
    super(`Subscription group ${group} on stream ${stream} exists.`);
  }
}

export class GroupFailedError extends Error {
  constructor(
    readonly stream: string,
    readonly group: string,
    readonly reason: string,
  ) {
    super(`Subscription group ${group} on stream ${stream} failed: '${reason}'`);
  }
}

export class MaxSubscribersReachedError extends Error {
  constructor(
    readonly stream: string,
    readonly group: string,
  ) {
    super(`Maximum subscriptions reached for subscription group ${group} on stream ${stream}.`);
  }
}

/** Sent to consumers when their group is updated, deleted or restarted. */
export class GroupDroppedError extends Error {
  constructor(
    readonly stream: string,
    readonly group: string,
  ) {
    super(`Subscription group ${group} on stream ${stream} was dropped.`);
  }
}
