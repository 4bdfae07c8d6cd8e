/**
 * Builds the one SNS message a cluster's scan sends when it produced transitions at or
 * above the notify threshold. Pure: the output is exactly the SNS `Publish` input minus
 * `TopicArn`, so the SNS and local notifiers send/write it unchanged.
 *
 * `MessageStructure: 'json'`: `Message` holds `default` (an AWS Chatbot / Amazon Q
 * Developer custom notification, rendered in Slack) and `email` (plain text).
 */
import type { Transition, TransitionKind } from './lifecycle.ts';
import { isAtLeast, SEVERITIES, type Severity, severityRank } from './model.ts';

/** The SNS Publish input this module builds (the notifier adds `TopicArn`). */
export interface AlertMessage {
  Subject: string;
  Message: string;
  MessageStructure: 'json';
  MessageAttributes: Record<string, { DataType: 'String' | 'String.Array'; StringValue: string }>;
}

export interface ClusterAlertInput {
  scanId: string;
  accountId: string;
  region: string;
  clusterName: string;
  clusterArn?: string;
  transitions: Transition[];
  threshold: Severity;
}

/** The AWS Chatbot custom-notification event carried in `Message.default`. */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

/** Delivering an alert failed; the caller keeps it pending and retries on the next attempt. */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
  constructor(
    message: string,
    /** True for throttling and outages (retry soon); false for errors a retry will not fix (e.g. access denied). */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** SNS rejects a Publish whose message plus attributes exceeds 256 KiB; keep a margin. */
export const MAX_PUBLISH_BYTES = 256 * 1024;
const BUDGET_BYTES = MAX_PUBLISH_BYTES - 6 * 1024;
/** Slack renders a section of at most 3,000 characters; Chatbot's description lands in one. */
const DESCRIPTION_MAX_CHARS = 2800;
const SLACK_TOP_FINDINGS = 10;
const RELATED_RESOURCES_MAX = 20;
const EVIDENCE_MAX_CHARS = 1200;
/** Chatbot's `eventType`: constant so custom actions can attach to these notifications. */
export const ALERT_EVENT_TYPE = 'EksNetguardFindingsChanged';

/**
 * Kinds in order of significance (most first). New or returning exposure outranks a
 * severity change, which outranks a resolution. The `transition` attribute carries the
 * most significant kind present in the message.
 */
export const TRANSITION_SIGNIFICANCE: readonly TransitionKind[] = [
  'REOPENED',
  'OPENED',
  'UNSUPPRESSED',
  'SEVERITY_CHANGED',
  'RESOLVED',
];

const VERB: Record<TransitionKind, string> = {
  OPENED: 'opened',
  REOPENED: 'reopened',
  UNSUPPRESSED: 'unsuppressed',
  SEVERITY_CHANGED: 'severity changed',
  RESOLVED: 'resolved',
  SUPPRESSED: 'suppressed',
};

const SEVERITY_EMOJI: Record<Severity, string> = {
  CRITICAL: ':red_circle:',
  HIGH: ':large_orange_circle:',
  MEDIUM: ':large_yellow_circle:',
  LOW: ':white_circle:',
};

/**
 * The severity a transition is judged by: the finding's severity; for SEVERITY_CHANGED the
 * higher of old and new (a CRITICAL finding dropping to LOW matters to whoever watched CRITICAL).
 */
export function alertSeverity(transition: Transition): Severity {
  const current = transition.finding.severity;
  const previous = transition.previousSeverity;
  if (transition.kind === 'SEVERITY_CHANGED' && previous && severityRank(previous) > severityRank(current)) {
    return previous;
  }
  return current;
}

/** Transitions that are alerted: never SUPPRESSED; others at or above the threshold. */
export function alertableTransitions(transitions: readonly Transition[], threshold: Severity): Transition[] {
  return transitions.filter((t) => t.kind !== 'SUPPRESSED' && isAtLeast(alertSeverity(t), threshold));
}

/** Stable per-cluster thread id, so open and resolved updates of one cluster thread together in Slack. */
export function clusterThreadId(accountId: string, region: string, clusterName: string): string {
  return `eks-netguard/${accountId}/${region}/${clusterName}`;
}

/**
 * Builds the cluster's alert for one scan, or `undefined` when no transition is at or above
 * the threshold. Large batches become a digest: counts of everything, the top findings in
 * Slack, and as many full e-mail entries as fit; the Publish input stays under 256 KiB.
 */
export function buildClusterAlert(input: ClusterAlertInput): AlertMessage | undefined {
  const alerted = alertableTransitions(input.transitions, input.threshold).sort(compareTransitions);
  if (alerted.length === 0) return undefined;

  const highest = alerted.map(alertSeverity).reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
  const counts = countByKind(alerted);
  const primaryKind = TRANSITION_SIGNIFICANCE.find((kind) => counts.has(kind)) ?? 'OPENED';
  const ruleIds = [...new Set(alerted.map((t) => t.finding.ruleId))].sort();
  const summary = `${countsPhrase(counts)} on ${input.clusterName} (${input.region}), highest ${highest}`;
  const below = input.transitions.filter((t) => t.kind !== 'SUPPRESSED').length - alerted.length;

  const chatbot: ChatbotNotification = {
    version: '1.0',
    source: 'custom',
    id: input.scanId,
    content: {
      textType: 'client-markdown',
      title: chatTitle(input.clusterName, counts, highest, primaryKind),
      description: chatDescription(input, alerted, summary, below),
      nextSteps: nextSteps(input, alerted, primaryKind),
      keywords: ['eks-netguard', highest, primaryKind, input.clusterName],
    },
    metadata: {
      threadId: clusterThreadId(input.accountId, input.region, input.clusterName),
      summary: `eks-netguard: ${summary}`,
      eventType: ALERT_EVENT_TYPE,
      relatedResources: relatedResources(input, alerted),
      additionalContext: {
        scanId: input.scanId,
        accountId: input.accountId,
        region: input.region,
        clusterName: input.clusterName,
        ...(input.clusterArn ? { clusterArn: input.clusterArn } : {}),
        highestSeverity: highest,
        transition: primaryKind,
        transitions: String(alerted.length),
        ...Object.fromEntries([...counts].map(([kind, n]) => [kind.toLowerCase(), String(n)])),
        ruleIds: ruleIds.join(','),
      },
    },
  };

  const base: Omit<AlertMessage, 'Message'> = {
    Subject: subject(input.clusterName, input.region, counts, highest),
    MessageStructure: 'json',
    MessageAttributes: {
      severity: { DataType: 'String', StringValue: highest },
      clusterName: { DataType: 'String', StringValue: input.clusterName },
      accountId: { DataType: 'String', StringValue: input.accountId },
      region: { DataType: 'String', StringValue: input.region },
      transition: { DataType: 'String', StringValue: primaryKind },
      ruleIds: { DataType: 'String.Array', StringValue: JSON.stringify(ruleIds) },
    },
  };
  const defaultBody = JSON.stringify(chatbot);
  const fixedBytes = publishBytes({ ...base, Message: JSON.stringify({ default: defaultBody, email: '' }) });
  let budget = BUDGET_BYTES - fixedBytes;
  for (;;) {
    const email = emailBody(input, alerted, summary, below, budget);
    const message: AlertMessage = { ...base, Message: JSON.stringify({ default: defaultBody, email }) };
    // The estimate above is exact for what it counts; this guard only protects against a miscount.
    if (publishBytes(message) <= MAX_PUBLISH_BYTES || budget <= 0) return message;
    budget -= 16 * 1024;
  }
}

/** Bytes SNS counts against its 256 KiB limit: subject, message, attribute names, types and values. */
export function publishBytes(message: AlertMessage): number {
  let total = Buffer.byteLength(message.Subject) + Buffer.byteLength(message.Message);
  for (const [name, attribute] of Object.entries(message.MessageAttributes)) {
    total +=
      Buffer.byteLength(name) +
      Buffer.byteLength(attribute.DataType) +
      Buffer.byteLength(attribute.StringValue);
  }
  return total;
}

function compareTransitions(a: Transition, b: Transition): number {
  return (
    TRANSITION_SIGNIFICANCE.indexOf(a.kind) - TRANSITION_SIGNIFICANCE.indexOf(b.kind) ||
    severityRank(alertSeverity(b)) - severityRank(alertSeverity(a)) ||
    a.finding.ruleId.localeCompare(b.finding.ruleId) ||
    a.finding.resourceId.localeCompare(b.finding.resourceId)
  );
}

function countByKind(transitions: readonly Transition[]): Map<TransitionKind, number> {
  const counts = new Map<TransitionKind, number>();
  for (const kind of TRANSITION_SIGNIFICANCE) {
    const n = transitions.filter((t) => t.kind === kind).length;
    if (n > 0) counts.set(kind, n);
  }
  return counts;
}

function countsPhrase(counts: Map<TransitionKind, number>): string {
  return [...counts].map(([kind, n]) => `${n} ${VERB[kind]}`).join(', ');
}

function subject(
  cluster: string,
  region: string,
  counts: Map<TransitionKind, number>,
  highest: Severity,
): string {
  const raw = `[eks-netguard] ${highest} ${cluster} (${region}): ${countsPhrase(counts)}`;
  // SNS: ASCII, no line breaks, at most 100 characters. Cluster names are ASCII already; be safe anyway.
  const ascii = raw.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 97)}...`;
}

function chatTitle(
  cluster: string,
  counts: Map<TransitionKind, number>,
  highest: Severity,
  primary: TransitionKind,
): string {
  const icon = primary === 'RESOLVED' ? ':white_check_mark:' : SEVERITY_EMOJI[highest];
  return `${icon} eks-netguard: ${countsPhrase(counts)} on cluster ${cluster}`;
}

function transitionLabel(t: Transition): string {
  if (t.kind === 'SEVERITY_CHANGED') return `SEVERITY ${t.previousSeverity ?? '?'}->${t.finding.severity}`;
  if (t.kind === 'RESOLVED' && t.finding.resolvedReason === 'cluster-deleted')
    return 'RESOLVED (cluster deleted)';
  return t.kind;
}

function chatDescription(
  input: ClusterAlertInput,
  alerted: Transition[],
  summary: string,
  below: number,
): string {
  const head = [
    `*${summary}.*`,
    `Account \`${input.accountId}\`, region \`${input.region}\`, scan \`${input.scanId}\`.`,
    bySeverityLine(alerted),
    '',
  ];
  const lines: string[] = [];
  let used = head.join('\n').length;
  let shown = 0;
  for (const t of alerted.slice(0, SLACK_TOP_FINDINGS)) {
    const f = t.finding;
    const line = `• *${alertSeverity(t)}* ${transitionLabel(t)} \`${f.ruleId}\`: ${f.title} — \`${truncate(f.resourceId, 160)}\``;
    // Leave room for the "and N more" line.
    if (used + line.length + 1 > DESCRIPTION_MAX_CHARS - 120) break;
    lines.push(line);
    used += line.length + 1;
    shown += 1;
  }
  const rest = alerted.length - shown;
  if (rest > 0) lines.push(`…and ${rest} more (all listed in the e-mail and in \`GET /findings\`).`);
  if (below > 0) lines.push(`_${below} change(s) below the ${input.threshold} threshold not alerted._`);
  return [...head, ...lines].join('\n');
}

function bySeverityLine(alerted: Transition[]): string {
  const parts = [...SEVERITIES]
    .reverse()
    .map((s) => [s, alerted.filter((t) => alertSeverity(t) === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return `By severity: ${parts.join(', ')}.`;
}

function nextSteps(input: ClusterAlertInput, alerted: Transition[], primary: TransitionKind): string[] {
  const steps: string[] = [];
  const open = alerted.filter((t) => t.kind !== 'RESOLVED');
  const seen = new Set<string>();
  for (const t of open) {
    if (seen.has(t.finding.ruleId)) continue;
    seen.add(t.finding.ruleId);
    steps.push(`\`${t.finding.ruleId}\`: ${truncate(t.finding.remediation, 400)}`);
    if (steps.length === 3) break;
  }
  const query = `status=OPEN&cluster=${encodeURIComponent(input.clusterName)}&region=${input.region}&account=${input.accountId}`;
  steps.push(`List the cluster's open findings: \`GET /findings?${query}\``);
  if (primary !== 'RESOLVED') {
    steps.push('Accepted risk? Waive it with a reason and an expiry: `POST /suppressions`');
  }
  return steps;
}

function relatedResources(input: ClusterAlertInput, alerted: Transition[]): string[] {
  const ids = [...(input.clusterArn ? [input.clusterArn] : []), ...alerted.map((t) => t.finding.resourceId)];
  return [...new Set(ids)].slice(0, RELATED_RESOURCES_MAX);
}

function emailBody(
  input: ClusterAlertInput,
  alerted: Transition[],
  summary: string,
  below: number,
  budgetBytes: number,
): string {
  const head = [
    `eks-netguard: ${summary}.`,
    '',
    `Cluster:  ${input.clusterName}${input.clusterArn ? ` (${input.clusterArn})` : ''}`,
    `Account:  ${input.accountId}`,
    `Region:   ${input.region}`,
    `Scan:     ${input.scanId}`,
    bySeverityLine(alerted),
    ...(below > 0 ? [`${below} change(s) below the ${input.threshold} threshold are not listed.`] : []),
    '',
  ].join('\n');
  // Reserve room for the head, the digest footer, and JSON escaping of what is kept.
  let remaining = budgetBytes - escapedBytes(head) - 400;
  const entries: string[] = [];
  for (const [index, t] of alerted.entries()) {
    const entry = emailEntry(index + 1, t);
    // The "\n\n" separator is 4 bytes once escaped.
    const cost = escapedBytes(entry) + 4;
    if (cost > remaining) break;
    entries.push(entry);
    remaining -= cost;
  }
  const omitted = alerted.length - entries.length;
  const footer =
    omitted > 0
      ? [
          '',
          `Digest: ${entries.length} of ${alerted.length} changes listed above (most significant first);`,
          `${omitted} more are stored. List them with GET /findings?cluster=${input.clusterName}&region=${input.region}.`,
        ]
      : [];
  return [
    head,
    entries.join('\n\n'),
    ...footer,
    '',
    '-- eks-netguard (alerts are sent only when findings change)',
  ].join('\n');
}

function emailEntry(n: number, t: Transition): string {
  const f = t.finding;
  return [
    `[${n}] ${transitionLabel(t)}  ${alertSeverity(t)}  ${f.ruleId}`,
    `    ${f.title}`,
    `    Resource:    ${f.resourceType} ${f.resourceId}`,
    `    Evidence:    ${evidenceText(f.evidence)}`,
    `    Remediation: ${f.remediation}`,
    `    Finding id:  ${f.id} (first seen ${f.firstSeenAt})`,
    ...(t.kind === 'RESOLVED' && f.resolvedAt
      ? [`    Resolved:    ${f.resolvedAt} (${f.resolvedReason ?? 'fixed'})`]
      : []),
  ].join('\n');
}

function evidenceText(evidence: Record<string, unknown>): string {
  const text = Object.entries(evidence)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
  return truncate(text || '(none)', EVIDENCE_MAX_CHARS);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Bytes a string takes once embedded in a JSON string (quotes, newlines and non-ASCII escaped). */
function escapedBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}
