// Types of url-state.js for the Node tests (the browser loads the .js as is).
export interface ConsoleState {
  view?: 'overview' | 'suppressions' | 'scans';
  finding?: string | undefined;
  cursor?: string | undefined;
  filters: Record<string, string>;
}
export const FILTERS: readonly string[];
export const VIEWS: readonly string[];
export const DEFAULT_STATUS: 'OPEN';
export function readState(search: string): Required<Pick<ConsoleState, 'view' | 'filters'>> & ConsoleState;
export function writeState(state: Partial<ConsoleState>): string;
export function findingsQuery(state: ConsoleState, limit: number): URLSearchParams;
