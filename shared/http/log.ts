/**
 * Structured JSON logs, one line per record, in the shape Powertools Logger writes (level, message,
 * timestamp, service, then fields). Written here in a few lines because the Powertools package
 * costs ~7 ms of every function's cold start (tools/bench/report.md). Never pass a body, token, password
 * or phone: call sites log ids, routes, statuses and error names only.
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 } as const;
type Level = keyof typeof LEVELS;

const service = process.env.POWERTOOLS_SERVICE_NAME ?? 'user-data-api';
const threshold: number = LEVELS[(process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as Level] ?? LEVELS.INFO;

function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
  if (LEVELS[level] < threshold) return;
  process.stdout.write(`${JSON.stringify({ level, message, timestamp: new Date().toISOString(), service, ...fields })}\n`);
}

const describeError = (error: unknown) =>
  error instanceof Error ? { error: { name: error.name, message: error.message, stack: error.stack } } : { error: String(error) };

export const logger = {
  info: (message: string, fields?: Record<string, unknown>) => write('INFO', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('WARN', message, fields),
  error: (message: string, error: unknown) => write('ERROR', message, describeError(error)),
};
