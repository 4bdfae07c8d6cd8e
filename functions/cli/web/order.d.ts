// Types of order.js for the Node tests (the browser loads the .js as is).
export type Counts = Record<'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW', number>;
export interface ClusterLike {
  clusterName: string;
  region: string;
  accountId: string;
  openCounts: Counts;
  deletedAt?: string;
}
export interface ScanLike {
  scanId: string;
  status: string;
  startedAt?: string;
  finishedAt?: string;
  openCounts?: Counts;
}
export const SEVERITIES: readonly ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
export function totalOpen(clusters: readonly ClusterLike[]): Counts;
export function compareClusters(a: ClusterLike, b: ClusterLike): number;
export function worstFirst<T extends ClusterLike>(clusters: readonly T[]): T[];
export function trendPoints(scans: readonly ScanLike[], limit?: number): { label: string; counts: Counts }[];
export function dateAfter(now: Date, days: number): string;
