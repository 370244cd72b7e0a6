import 'server-only';
export { openAccount } from './open-account';
export { deposit } from './deposit';
export { changeHolderName } from './change-holder-name';
export { makePayment } from './make-payment';
export type { CommandDeps } from './deps';
export type { CommandResult, CommandSuccess, CommandFailure, CommandErrorCode } from './result';
