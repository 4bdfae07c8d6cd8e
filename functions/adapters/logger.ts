/**
 * The one logger factory of every handler: a Powertools Logger whose JSON serialisation
 * redacts secrets. Handlers log AWS errors, event fields and configuration problems;
 * any of those can carry a credential, a session token or a webhook URL (an SDK error
 * echoing a presigned URL, a webhook pasted into the wrong parameter, a hostile
 * CloudTrail field). Redacting at serialisation time covers messages, extra keys,
 * persistent keys and formatted errors alike, whatever the call site forgot.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const REDACTED = '[REDACTED]';

/**
 * Keys whose value is never logged. Matched case-insensitively on the key alone, so
 * `sessionToken`, `SecretAccessKey`, `webhookUrl`, `Authorization` all qualify.
 */
const SENSITIVE_KEY =
  /secret|password|passwd|token|credential|authorization|cookie|webhook|signature|api[-_]?key|private[-_]?key/i;

/** Secret-shaped substrings of any string value (messages, stacks, arbitrary fields). */
const SENSITIVE_VALUES: readonly RegExp[] = [
  // Slack (and Slack GovCloud) incoming-webhook and workflow URLs: the URL is the secret.
  /https?:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>]*/gi,
  // Other webhook URLs (Teams/Office connectors, Chime, generic `/webhook/` paths).
  /https?:\/\/[^\s"'<>]*webhook[^\s"'<>]*/gi,
  // Long-term and temporary AWS access key ids.
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  // A secret access key next to its label (`secretAccessKey: "…"`, `aws_secret_access_key=…`).
  /(secret_?access_?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}/gi,
  // STS session tokens start with one of these base64 prefixes.
  /\b(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=]+/g,
  // Presigned-URL parameters.
  /(X-Amz-(?:Security-Token|Signature|Credential)=)[^&\s"']+/gi,
  // Bearer tokens and Slack API tokens.
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi,
  /\bxox[abposr]-[A-Za-z0-9-]+/g,
];

/** Replaces every secret-shaped substring of `text` with {@link REDACTED}. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SENSITIVE_VALUES) {
    out = out.replace(pattern, (match, label: unknown) =>
      // Patterns with a label group keep the label, so the log still says what was hidden.
      typeof label === 'string' && match.startsWith(label) ? `${label}${REDACTED}` : REDACTED,
    );
  }
  return out;
}

/**
 * JSON replacer for the logger: sensitive keys lose their value, strings lose their
 * secret-shaped parts. Errors are formatted by Powertools after this runs, and their
 * `message`/`stack` strings come back through here as plain strings.
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && SENSITIVE_KEY.test(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactSecrets(value);
  return value;
}

/** Creates the service logger with redaction; `logLevel` defaults to the environment's. */
export function createLogger(options: { logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' } = {}) {
  return new Logger({
    serviceName: 'eks-netguard',
    jsonReplacerFn: redactingReplacer,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
}
