// Types of charts.js for the Node tests (the browser loads the .js as is).
import type { Counts } from './order.js';
export const COLORS: Record<keyof Counts, string>;
export function escapeXml(text: unknown): string;
export function stackedBar(counts: Partial<Counts>, max: number): string;
export function trendChart(
  points: readonly { label: string; counts: Partial<Counts> }[],
  size?: { width?: number; height?: number },
): string;
