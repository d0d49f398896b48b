/**
 * Deployment settings, from CDK context (`cdk deploy -c stage=dev -c memorySize=2048 …` or cdk.json).
 * The local gateway reads the same context from cdk.json, so its limits are the deployed ones.
 */
import { readFileSync } from 'node:fs';
import type { Node } from 'constructs';
import { LIMIT_DEFAULTS, type Limits } from '../shared/config/limits.ts';

/** API Gateway's endpoint types this stack deploys (a private API needs a VPC endpoint it does not create). */
export const ENDPOINT_TYPES = ['REGIONAL', 'EDGE'] as const;

export interface DeploymentConfig extends Limits {
  stage: string;
  /** Regional by default; edge-optimized puts CloudFront in front (not offered in China's regions). */
  endpointType: (typeof ENDPOINT_TYPES)[number];
  memorySize: number;
  logRetentionDays: number;
  monthlyQuota: number;
  /** Stage-wide ceiling above every key's usage plan. */
  stageRateLimit: number;
  stageBurstLimit: number;
  corsOrigins: string[];
  /** The per-address limit (a WAF rate-based rule): on unless the context says `waf=false`. */
  waf: boolean;
  /** Requests per minute from one source address before it is refused (429) for a while. */
  wafRateLimit: number;
  /** Requests per minute with one Authorization header (one session's token) before it is refused (429) for a while. */
  wafSessionRateLimit: number;
  alarmEmail?: string;
  /** The sender of every mail, `Name <address>` or an address, of a verified SES identity (`mailIdentity`, by default its domain). */
  mailFrom: string;
  mailIdentity: string;
  /** The base of every link in a mail (the console's address); the API's own URL when not set. */
  publicUrl?: string;
}

export function readConfig(get: (key: string) => unknown): DeploymentConfig {
  const num = (key: string, fallback: number) => (get(key) === undefined ? fallback : Number(get(key)));
  const list = (key: string) => {
    const value = get(key);
    return Array.isArray(value)
      ? value.map(String)
      : String(value ?? '')
          .split(',')
          .filter(Boolean);
  };
  const endpointType = String(get('endpointType') ?? 'REGIONAL').toUpperCase();
  if (!(ENDPOINT_TYPES as readonly string[]).includes(endpointType)) {
    throw new Error(`endpointType must be ${ENDPOINT_TYPES.join(' or ')}, not ${endpointType}`);
  }
  const mailFrom = String(get('mailFrom') ?? 'User Data <no-reply@example.com>');
  const mailAddress = /<([^>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom;
  if (!/^[^@\s]+@[^@\s]+$/.test(mailAddress)) throw new Error(`mailFrom must be an address or "Name <address>", not ${mailFrom}`);
  return {
    stage: String(get('stage') ?? 'prod'),
    endpointType: endpointType as DeploymentConfig['endpointType'],
    memorySize: num('memorySize', 1024),
    logRetentionDays: num('logRetentionDays', 30),
    monthlyQuota: num('monthlyQuota', 1_000_000),
    stageRateLimit: num('stageRateLimit', 500),
    stageBurstLimit: num('stageBurstLimit', 1000),
    corsOrigins: list('corsOrigins'),
    waf: get('waf') !== false && get('waf') !== 'false',
    wafRateLimit: num('wafRateLimit', 600),
    wafSessionRateLimit: num('wafSessionRateLimit', 300),
    alarmEmail: (get('alarmEmail') as string | undefined) || undefined,
    mailFrom,
    mailIdentity: String(get('mailIdentity') ?? mailAddress.split('@')[1]),
    publicUrl: (get('publicUrl') as string | undefined) || undefined,
    kvMaxKeys: num('kvMaxKeys', LIMIT_DEFAULTS.kvMaxKeys),
    kvMaxBytes: num('kvMaxBytes', LIMIT_DEFAULTS.kvMaxBytes),
    recordLookupsPerHour: num('recordLookupsPerHour', LIMIT_DEFAULTS.recordLookupsPerHour),
    adminMfaRequired: get('adminMfaRequired') !== false && get('adminMfaRequired') !== 'false',
  };
}

export const configOf = (node: Node) => readConfig((key) => node.tryGetContext(key));

/** The context in cdk.json, as `cdk` itself would read it (without -c overrides). */
export function cdkJsonConfig(path = new URL('../cdk.json', import.meta.url)): DeploymentConfig {
  const { context = {} } = JSON.parse(readFileSync(path, 'utf8')) as { context?: Record<string, unknown> };
  return readConfig((key) => context[key]);
}
