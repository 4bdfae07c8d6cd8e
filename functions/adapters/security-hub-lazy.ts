/**
 * The Security Hub exporter, loaded on its first call. The Security Hub client is about a
 * tenth of the scan function's bundle (the ASFF shapes); loading it only when a scan has
 * something to send keeps it out of every cold start, and out of every invocation of a
 * stack deployed with `securityHub=false`.
 */
import type { AwsSecurityFinding } from '../core/asff.ts';
import type { SecurityHubPort, SecurityHubWorkflowUpdate } from '../core/ports.ts';
import type { SecurityHubExporterOptions } from './security-hub-exporter.ts';

export function lazySecurityHubExporter(options: SecurityHubExporterOptions = {}): SecurityHubPort {
  let loaded: Promise<SecurityHubPort> | undefined;
  const exporter = () => {
    loaded ??= import('./security-hub-exporter.ts').then((m) => new m.SecurityHubExporter(options));
    return loaded;
  };
  return {
    importFindings: async (region: string, findings: readonly AwsSecurityFinding[]) =>
      (await exporter()).importFindings(region, findings),
    updateWorkflow: async (region: string, update: SecurityHubWorkflowUpdate) =>
      (await exporter()).updateWorkflow(region, update),
  };
}
