#!/usr/bin/env node
// `eventstore` command. The server is TypeScript source (src/cli.ts); tsx's loader is registered
// in this very process rather than spawning a child, so signals, the exit code and the parent
// process id (which src/cli.ts watches under npm) are the server's own.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
