/**
 * The SARIF artifact uri of a planned finding's file (a template, or the `.tf` file a plan's
 * configuration names). The file is the one the user passed, so it is never refused the way
 * a mistyped `--sarif-artifact` is: a relative path becomes the repository-relative uri
 * GitHub code scanning matches to the pull request's line (forward slashes, segments
 * percent-encoded); an absolute one, which no repository file can match, a `file://` uri.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

export function plannedArtifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file
    .replaceAll('\\', '/')
    .replace(/^(\.\/)+/, '')
    .split('/')
    .filter((segment) => segment !== '.' && segment !== '')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
