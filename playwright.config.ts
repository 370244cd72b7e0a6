// End-to-end tests against the whole stack, started the way a user starts it: scripts/stack.ts
// (what `npm start` runs, after `npm run build`; E2E_MODE=dev uses `npm run dev`'s mode instead),
// with embedded event store and PostgreSQL in a fresh temporary DATA_DIR on free ports, so a
// developer's own `npm run dev` and data are never touched.

import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { freePort } from './tests/support/free-port';

// The config is evaluated in the runner and again in each worker process; workers inherit the
// runner's environment, so the ports are chosen once and shared.
process.env.E2E_PORT ??= String(await freePort());
process.env.E2E_EVENTSTORE_PORT ??= String(await freePort());
process.env.E2E_POSTGRES_PORT ??= String(await freePort());
// What the stack writes to stderr (Next's errors among it) is also kept here, for tests that
// check a scenario logged no error (e2e/stack-log.ts).
process.env.E2E_STACK_LOG ??= path.join(os.tmpdir(), `eventbank-e2e-stack-${process.env.E2E_PORT}.log`);

const mode = process.env.E2E_MODE === 'dev' ? 'dev' : 'start';
const baseURL = `http://localhost:${process.env.E2E_PORT}`;

// A fresh DATA_DIR per run, made by the shell that runs the stack, so it exists only when a
// stack does. chmod: embedded PostgreSQL runs as the unprivileged `postgres` user and must reach
// its directory inside. The stack stops its children itself on SIGTERM; the trap keeps the shell
// alive until it has, then the directory goes. Its stderr goes through tee into E2E_STACK_LOG and
// on to ours; tee ignores the signals, so it copies the stack's last words and ends when the
// stack closes its end.
const stack = `node --conditions=react-server --import tsx scripts/stack.ts ${mode}`;
const command = [
  `trap ':' INT TERM`,
  `export DATA_DIR="$(mktemp -d "\${TMPDIR:-/tmp}/eventbank-e2e-XXXXXX")"`,
  `chmod 755 "$DATA_DIR"`,
  `: > "$E2E_STACK_LOG"`,
  `{ ${mode === 'start' ? `npm run build && ${stack}` : stack}; } 2>&1 >/dev/null | (trap '' INT TERM; exec tee -a "$E2E_STACK_LOG") >&2`,
  `rm -rf "$DATA_DIR" "$E2E_STACK_LOG"`,
].join('; ');

export default defineConfig({
  testDir: './e2e',
  // One shared stack; every scenario opens its own accounts. One worker: the stack already
  // keeps both cores busy.
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      },
    },
  ],
  webServer: {
    command,
    url: baseURL,
    env: {
      ...(process.env as Record<string, string>),
      // Fresh embedded servers even if the caller's shell points at real ones.
      EVENTSTORE_CONNECTION_STRING: '',
      DATABASE_URL: '',
      PORT: process.env.E2E_PORT!,
      EVENTSTORE_PORT: process.env.E2E_EVENTSTORE_PORT!,
      POSTGRES_PORT: process.env.E2E_POSTGRES_PORT!,
    },
    reuseExistingServer: false,
    timeout: 600_000,
    // The stack's own log is long; its stderr (errors) still shows.
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
  },
});
