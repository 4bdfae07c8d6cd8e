/** Bad input from the user: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Exit codes of the CLI (DESIGN.md). */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
