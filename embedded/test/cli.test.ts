// The CLI: validates arguments, prints its connection string when ready, stops on SIGTERM/SIGINT.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { collect, waitFor } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'embedded', 'src', 'cli.ts');

describe('eventstore CLI', () => {
  it("runs as the package's `eventstore` bin (plain node, tsx registered in-process)", () => {
    const r = spawnSync(process.execPath, [path.join(root, 'embedded', 'bin', 'eventstore.js'), '--help'], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: eventstore /);
  });

  it.each([
    [['--port', 'abc', '--mem'], /--port must be an integer/],
    [['--mem', '--data-dir', 'x'], /either --data-dir or --mem/],
    [['--port', '0'], /--data-dir <path> or --mem/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ])('refuses %j with a clear message', (args, message) => {
    const r = spawnSync(tsx, [cli, ...args], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('prints the connection string, serves clients and stops on %s', async (signal) => {
    // run node directly with the tsx loader so the signal reaches the server process itself
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--mem'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /esdb:\/\/127\.0\.0\.1:\d+\?tls=false/.test(out), 'connection string', 20_000);
      const connectionString = /esdb:\/\/\S+/.exec(out)![0];
      const client = EventStoreDBClient.connectionString(connectionString);
      await client.appendToStream('cli-test', jsonEvent({ type: 'T', data: {} }));
      expect(await collect(client.readStream('cli-test'))).toHaveLength(1);
      await client.dispose();
      child.kill(signal);
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
