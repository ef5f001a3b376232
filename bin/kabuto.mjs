#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx kabuto` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
const code = await main(process.argv);
// A failed command exits now, even if a connection pool is still winding down. On success the
// process ends by itself once idle (and `serve` keeps running until SIGTERM/SIGINT).
if (code !== 0) process.exit(code);
process.exitCode = 0;
