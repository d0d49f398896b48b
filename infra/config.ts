/** Deployment settings, from CDK context (`cdk deploy -c stage=dev -c memorySize=2048 …` or cdk.json). */
import type { Node } from 'constructs';

export interface DeploymentConfig {
  stage: string;
  memorySize: number;
  logRetentionDays: number;
  monthlyQuota: number;
  /** Stage-wide ceiling above every key's usage plan. */
  stageRateLimit: number;
  stageBurstLimit: number;
  corsOrigins: string[];
  waf: boolean;
  /** Requests per 5 minutes from one IP before the WAF blocks it. */
  wafRateLimit: number;
  alarmEmail?: string;
}

export function readConfig(node: Node): DeploymentConfig {
  const get = (key: string) => node.tryGetContext(key);
  const num = (key: string, fallback: number) => (get(key) === undefined ? fallback : Number(get(key)));
  const list = (key: string) => (Array.isArray(get(key)) ? get(key) : String(get(key) ?? '').split(',').filter(Boolean));
  return {
    stage: get('stage') ?? 'prod',
    memorySize: num('memorySize', 1024),
    logRetentionDays: num('logRetentionDays', 30),
    monthlyQuota: num('monthlyQuota', 1_000_000),
    stageRateLimit: num('stageRateLimit', 500),
    stageBurstLimit: num('stageBurstLimit', 1000),
    corsOrigins: list('corsOrigins'),
    waf: get('waf') === true || get('waf') === 'true',
    wafRateLimit: num('wafRateLimit', 2000),
    alarmEmail: get('alarmEmail') || undefined,
  };
}
