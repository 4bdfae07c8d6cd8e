/**
 * Reading planned-infrastructure files safely: the size is checked before a byte is read
 * (a 50 MB file is refused at once instead of being parsed for seconds), and every
 * failure is a one-line {@link PlannedInputError} naming the file.
 */
import { readFile, stat } from 'node:fs/promises';
import { PlannedInputError } from './errors.ts';

/**
 * Largest file accepted. CloudFormation deploys templates of at most 1 MB and CDK output
 * stays well under that; a Terraform plan of a few thousand resources is some MB. 20 MB
 * leaves room for both and keeps a scan within its two seconds.
 */
export const MAX_INPUT_BYTES = 20 * 1024 * 1024;

function mb(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

/** Reads a UTF-8 file of at most {@link MAX_INPUT_BYTES}. */
export async function readInputFile(path: string, what: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new PlannedInputError(`${path}: not a file; pass the ${what} file itself`);
    size = info.size;
  } catch (error) {
    if (error instanceof PlannedInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlannedInputError(
      code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (size > MAX_INPUT_BYTES) {
    throw new PlannedInputError(
      `${path}: ${mb(size)} is more than the ${mb(MAX_INPUT_BYTES)} a ${what} may have; pass the ${what} itself, not an archive or a log`,
    );
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new PlannedInputError(`${path}: cannot read: ${(error as Error).message}`, { cause: error });
  }
}
