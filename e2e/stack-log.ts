import { readFileSync, statSync } from 'node:fs';

// The stack's stderr during this run (playwright.config.ts tees it into E2E_STACK_LOG).

const logPath = () => {
  const path = process.env.E2E_STACK_LOG;
  if (!path) throw new Error('E2E_STACK_LOG is not set: run the e2e tests through playwright.config.ts');
  return path;
};

/** How much the stack has logged so far: pass it to stackLogSince. */
export function stackLogMark(): number {
  return statSync(logPath()).size;
}

/** What the stack logged after the mark. */
export function stackLogSince(mark: number): string {
  return readFileSync(logPath()).subarray(mark).toString('utf8');
}

/**
 * Lines that mean the server hit an error: Next's "⨯" lines and uncaught exceptions, errors of
 * streams written after they closed, reset connections.
 */
export const SERVER_ERROR = /⨯|uncaught|unhandled|CLOSED|writable ?stream|ERR_INVALID_STATE|ECONNRESET|Error:/i;

export function serverErrors(log: string): string[] {
  return log.split('\n').filter((line) => SERVER_ERROR.test(line));
}
