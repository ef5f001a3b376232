#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx kabuto` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv);
