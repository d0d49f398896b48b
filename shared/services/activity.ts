/** The account's recent activity, recorded as things happen and shown to its owner (GET /me/activity, the export). */
import { type ActivityEvent, activity } from '../db/activity.ts';
import type { Key } from '../db/query.ts';
import type { ActivityType } from '../domain/activity.ts';
import { coarseNetwork, describeDevice } from '../domain/device.ts';
import type { Caller } from '../domain/user.ts';
import { paged } from './paging.ts';

/** Where a request comes from, as sessions and activity record it. */
export interface ClientContext {
  sourceIp: string;
  userAgent: string | undefined;
}

export const originOfClient = ({ sourceIp, userAgent }: ClientContext) => ({ device: describeDevice(userAgent), network: coarseNetwork(sourceIp) });

export const recordActivity = (userId: string, type: ActivityType, client: ClientContext) => activity.record(userId, type, originOfClient(client));

export const toPublicActivity = ({ type, at, device, network }: ActivityEvent) => ({ type, at, device, network });

export const listActivity = (caller: Caller, query: { limit: number; cursor?: string }) =>
  paged(`me.activity:${caller.id}`, query.cursor, (start?: Key) => activity.page(caller.id, query.limit, start), toPublicActivity);
