#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx (a runtime dependency) registers its loader,
// then the entry point is imported. No build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../functions/cli/main.ts', import.meta.url).href);
