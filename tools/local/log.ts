/**
 * The local runtime's log: one line per request (the gateway's, which stands for the function's own
 * request line), what functions log besides, and the runtime's own events (reloads, crashed or
 * timed-out functions). Text, in colour, on a terminal; JSON lines otherwise (a pipe, a file, CI).
 */
import { styleText } from 'node:util';

/** LOG_LEVEL: each shows its level and the ones above it. WARN shows only refused or failed requests. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function parseLogLevel(value: string | undefined): LogLevel {
  const level = (value ?? 'INFO').toUpperCase();
  const known = LOG_LEVELS.find((l) => l === level);
  if (!known) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${value}`);
  return known;
}

export interface RequestLog {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  requestId?: string;
  /** For a 4xx or 5xx: the problem's title and detail the client was told. */
  reason?: string;
}

export interface LocalLogOptions {
  level: LogLevel;
  /** JSON lines instead of text. */
  json: boolean;
  /** ANSI colours in text. */
  colour: boolean;
  write(line: string): void;
}

type Colour = Parameters<typeof styleText>[0];
const LEVEL_COLOUR: Record<string, Colour> = { DEBUG: 'gray', INFO: 'cyan', WARN: 'yellow', ERROR: 'red' };
const levelOfStatus = (status: number): LogLevel => (status >= 500 ? 'ERROR' : status >= 400 ? 'WARN' : 'INFO');
/** Nothing a request or a function said can move the cursor or rewrite the terminal. */
const printable = (text: string) => text.replace(/\p{Cc}/gu, ' ');

export function localLog({ level, json, colour, write }: LocalLogOptions) {
  const threshold = LOG_LEVELS.indexOf(level);
  const shown = (l: string) => LOG_LEVELS.indexOf(parseLevel(l)) >= threshold;
  const paint = (format: Colour, text: string) => (colour ? styleText(format, text, { validateStream: false }) : text);
  const record = (l: string, message: string, fields: Record<string, unknown>) =>
    write(JSON.stringify({ level: l, message, timestamp: new Date().toISOString(), ...fields }));

  return {
    request({ method, path, status, durationMs, requestId, reason }: RequestLog) {
      const l = levelOfStatus(status);
      if (!shown(l)) return;
      const duration = Math.round(durationMs * 10) / 10;
      if (json) return record(l, 'request', { method, path, status, duration_ms: duration, request_id: requestId, reason });
      const statusColour: Colour = status >= 500 ? 'red' : status >= 400 ? 'yellow' : 'green';
      write(
        `${method} ${printable(path)} → ${paint(statusColour, String(status))} ${paint('dim', `${duration.toFixed(1)} ms`)}${reason ? ` ${paint(statusColour, printable(reason))}` : ''}`,
      );
    },

    /** A line a function wrote to stdout: its own request line is left out (the gateway's stands for it). */
    functionLine(line: string) {
      let entry: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(line);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) entry = parsed as Record<string, unknown>;
      } catch {} // console.log text from a handler
      if (entry?.message === 'request') return;
      const l = typeof entry?.level === 'string' ? entry.level : 'INFO';
      if (!shown(l)) return;
      if (json) return entry ? write(line) : record('INFO', line, {});
      if (!entry) return write(printable(line));
      const { level: _level, message, timestamp: _timestamp, service: _service, ...fields } = entry;
      const details = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      write(`${paint(LEVEL_COLOUR[l] ?? 'cyan', l)} ${printable([String(message), ...details].join(' '))}`);
    },

    /** The runtime's own events. */
    event(l: Exclude<LogLevel, 'SILENT'>, message: string) {
      if (!shown(l)) return;
      if (json) return record(l, message, {});
      write(l === 'INFO' ? message : `${paint(LEVEL_COLOUR[l] ?? 'cyan', l)} ${printable(message)}`);
    },
  };
}

const parseLevel = (value: string): LogLevel => LOG_LEVELS.find((l) => l === value.toUpperCase()) ?? 'INFO';

export type LocalLog = ReturnType<typeof localLog>;
