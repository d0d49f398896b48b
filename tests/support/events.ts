import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteId } from '../../shared/routes.ts';

/** A route's sample event from events/, with its body replaced (placeholders left as they are). */
export function buildTestEvent(routeId: RouteId, { body }: { body?: unknown } = {}): APIGatewayProxyEvent {
  const event = JSON.parse(readFileSync(`events/${routeId}.json`, 'utf8')) as APIGatewayProxyEvent;
  if (body !== undefined) event.body = JSON.stringify(body);
  return event;
}
