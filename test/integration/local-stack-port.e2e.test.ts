/**
 * `npm start -- --port <busy>` binds the port before anything else: it fails at once with
 * one line naming the port, without running the sweep or writing an alert first.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStackProcess } from './local-stack-process.ts';

let busy: Server;
let port: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  port = (busy.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
});

describe('local stack on a port that is taken', () => {
  it('exits 1 with one line naming the port, before scanning or alerting', async () => {
    const run = await runStackProcess(['--port', String(port)]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    expect(lines[0]).toMatch(/--port/);
    // Nothing of the sweep ran: no scan line, no sweep summary, no alert.
    expect(run.stdout).not.toMatch(/scanning|sweep|alert/i);
  });
});
