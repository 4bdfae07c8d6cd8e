/**
 * The message the API hands to the `sweep` function for a `POST /scans` of a region or of
 * everything: listing regions and clusters needs EC2/EKS clients, which the API function
 * does not carry (cold start, least privilege). The sweep lists the clusters, enqueues one
 * scan per cluster under this scan id, and records how many on the scan record.
 */
import * as z from 'zod/mini';
import './zod-english.ts';
import { clusterScanRequestSchema } from './scan-request.ts';

const { accountId, region, requestedAt } = clusterScanRequestSchema.shape;

/** `POST /scans` of a region (`region` set) or of every swept region (`region` absent). */
export const apiScanRequestSchema = z.strictObject({
  kind: z.literal('api-scan'),
  /** The scan record the API created (tracked: it completes when every cluster is done). */
  scanId: z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'a scan id (letters, digits, dashes)')),
  accountId,
  region: z.optional(region),
  requestedAt,
});

export type ApiScanRequest = z.infer<typeof apiScanRequestSchema>;
