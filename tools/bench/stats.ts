/** Small statistics and the progress line every phase of the benchmark shares. */

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
  if (value === undefined) throw new Error('percentile of no values');
  return value;
}

export const median = (values: number[]) => percentile(values, 50);
export const round = (n: number, digits = 2) => Number(n.toFixed(digits));
export const ratio = (measured: number, floor: number) => round(measured / floor);

const started = Date.now();
export const elapsedSeconds = () => Math.round((Date.now() - started) / 1000);
export const progress = (message: string) => console.log(`[${String(elapsedSeconds()).padStart(3)} s] ${message}`);

/** How many calls answered each status: the report shows that every timed call succeeded. */
export type Statuses = Record<string, number>;

export function countStatus(statuses: Statuses, status: number | string) {
  statuses[status] = (statuses[status] ?? 0) + 1;
}

/** Throws unless every counted call answered `expected`: a figure timed on errors is no figure. */
export function assertOnly(statuses: Statuses, expected: (number | string)[], what: string) {
  const unexpected = Object.keys(statuses).filter((status) => !expected.map(String).includes(status));
  if (unexpected.length > 0) throw new Error(`${what}: answered ${JSON.stringify(statuses)}, expected only ${expected.join(' or ')}`);
}
