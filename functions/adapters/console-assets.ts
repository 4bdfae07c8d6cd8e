/**
 * The findings console's files (`functions/cli/web/`), served as they are by the local
 * stack and by the deployed API (with `apiAuth=jwt`): the page at `/`, its modules, styles
 * and icon under `/console/`, and `/console/config.json` telling the page how to sign in.
 * Nothing comes from a CDN. Only the files of that one directory are ever served, by name.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Where the console's files sit in this repository (and in the api function's package). */
export const CONSOLE_DIR = 'functions/cli/web';

/** How the page signs in: nothing locally; OIDC (authorization code + PKCE) when deployed with JWT auth. */
export interface ConsoleConfig {
  auth: null | { type: 'oidc'; issuer: string; clientId: string; scope: string };
}

export interface ConsoleAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The console's directory could not be read (a broken package). */
export class ConsoleAssetsError extends Error {
  override readonly name = 'ConsoleAssetsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface ConsoleAssets {
  /** The answer for `GET path`, or undefined when the path is not the console's. */
  answer(path: string): ConsoleAnswer | undefined;
}

/**
 * The page may run only its own scripts and styles, talk to its own origin (and, signing in,
 * to the OIDC provider), and never be framed.
 */
function contentSecurityPolicy(config: ConsoleConfig): string {
  const connect = config.auth ? `'self' ${new URL(config.auth.issuer).origin} https:` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Reads every file of `dir` once (a few tens of KB) and answers console paths from memory. */
export async function loadConsoleAssets(dir: string, config: ConsoleConfig): Promise<ConsoleAssets> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => CONTENT_TYPES[extname(name)] !== undefined);
  } catch (error) {
    throw new ConsoleAssetsError(`cannot read the console's files in ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const files = new Map<string, ConsoleAnswer>();
  const common = {
    'x-content-type-options': 'nosniff',
    // Small files, revalidated on each load: a new version shows at once.
    'cache-control': 'no-cache',
  };
  for (const name of names) {
    const body = await readFile(join(dir, name), 'utf8');
    const type = CONTENT_TYPES[extname(name)] as string;
    const headers: Record<string, string> = { 'content-type': type, ...common };
    if (name === 'index.html') {
      headers['content-security-policy'] = contentSecurityPolicy(config);
      headers['referrer-policy'] = 'no-referrer';
    }
    files.set(name, { status: 200, headers, body });
  }
  if (!files.has('index.html')) throw new ConsoleAssetsError(`${dir} has no index.html`);
  files.set('config.json', {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', ...common },
    body: JSON.stringify(config),
  });
  return {
    answer(path) {
      if (path === '/' || path === '/index.html') return files.get('index.html');
      if (!path.startsWith('/console/')) return undefined;
      const name = path.slice('/console/'.length);
      return files.get(name) ?? notFound(name);
    },
  };
}

function notFound(name: string): ConsoleAnswer {
  return {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({ error: { code: 'NOT_FOUND', message: `the console has no file "${name}"` } }),
  };
}
