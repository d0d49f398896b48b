import { randomBytes } from 'node:crypto';

/** A JSON text answered exactly as it was sent and stored (key-value values), never parsed and re-serialised. */
export class JsonText {
  constructor(readonly text: string) {}
}

// A placeholder no value can contain: random per instance, and never part of an answer.
const MARK = `json-text-${randomBytes(12).toString('hex')}-`;
const PLACEHOLDER = new RegExp(`"${MARK}(\\d+)"`, 'g');

/** JSON.stringify, with every JsonText inside the value written out as its own text. */
export function stringify(value: unknown): string {
  const texts: string[] = [];
  const json = JSON.stringify(value, (_, v) => (v instanceof JsonText ? `${MARK}${texts.push(v.text) - 1}` : v));
  return texts.length === 0 ? json : json.replace(PLACEHOLDER, (placeholder, index: string) => texts[Number(index)] ?? placeholder);
}
