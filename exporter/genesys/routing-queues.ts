// GET /api/v2/routing/queues: the queue catalog, paged (see docs/genesys-api.md, "The queue list").

import { apiRequest, type ApiRequestContext } from './api-request.ts';
import { ENDPOINTS } from './endpoints.ts';
import { MalformedResponseError } from './errors/index.ts';
import { QUEUE_PAGE_MAX_RESPONSE_BYTES } from './response-limits.ts';
import { ShapeError, expectObject, expectOptionalArray, expectString, optionalCount, optionalNumber, optionalString } from './response-shape.ts';

/** Media settings are keyed `call` on queues while analytics groups say `voice`. */
export type QueueMediaSettingKey = 'call' | 'chat' | 'email' | 'message' | 'callback';

export interface ServiceLevel {
  /** Target ratio answered within `durationMs`, 0–1. */
  readonly percentage: number;
  readonly durationMs: number;
}

export interface QueueMediaSetting {
  readonly serviceLevel?: ServiceLevel;
  readonly alertingTimeoutSeconds?: number;
}

export interface RoutingQueue {
  readonly id: string;
  readonly name: string;
  readonly division?: { readonly id: string; readonly name?: string };
  readonly memberCount?: number;
  readonly mediaSettings?: Readonly<Partial<Record<QueueMediaSettingKey, QueueMediaSetting>>>;
}

export interface QueueEntityListing {
  readonly entities: readonly RoutingQueue[];
  readonly pageSize?: number;
  readonly pageNumber?: number;
  readonly total?: number;
  readonly pageCount?: number;
  readonly firstUri?: string;
  readonly nextUri?: string;
  readonly lastUri?: string;
  readonly selfUri?: string;
}

export interface QueueListFilter {
  /** Exact name, or a pattern with `*` wildcards. */
  readonly name?: string;
  readonly divisionIds?: readonly string[];
  readonly ids?: readonly string[];
}

export const QUEUE_PAGE_SIZE = 100;

/** Guards against a server whose paging never ends: 2,000 pages × 100 = 200,000 queues, twice the most
 * --collector.queues.max accepts. An answer's own pageCount (+1 for a queue created meanwhile) bounds it
 * further, and a URL seen twice or an empty page ends it. */
export const MAX_QUEUE_PAGES = 2_000;

export function queuePageUrl(apiUrl: string, filter: QueueListFilter, pageNumber: number): URL {
  const url = new URL(ENDPOINTS.routing_queues.path, apiUrl);
  url.searchParams.set('pageSize', String(QUEUE_PAGE_SIZE));
  url.searchParams.set('pageNumber', String(pageNumber));
  if (filter.name !== undefined) url.searchParams.set('name', filter.name);
  for (const id of filter.divisionIds ?? []) url.searchParams.append('divisionId', id);
  for (const id of filter.ids ?? []) url.searchParams.append('id', id);
  return url;
}

export function parseQueuePage(json: unknown): QueueEntityListing {
  const body = expectObject(json, 'body');
  if (body.entities === undefined) throw new ShapeError('body.entities is missing');
  const entities = expectOptionalArray(body.entities, 'entities').map((entity, index) => parseQueue(entity, `entities[${index}]`));
  return {
    entities,
    pageSize: optionalNumber(body.pageSize, 'pageSize'),
    pageNumber: optionalNumber(body.pageNumber, 'pageNumber'),
    total: optionalNumber(body.total, 'total'),
    pageCount: optionalNumber(body.pageCount, 'pageCount'),
    firstUri: optionalString(body.firstUri, 'firstUri'),
    nextUri: optionalString(body.nextUri, 'nextUri'),
    lastUri: optionalString(body.lastUri, 'lastUri'),
    selfUri: optionalString(body.selfUri, 'selfUri'),
  };
}

function parseQueue(value: unknown, path: string): RoutingQueue {
  const queue = expectObject(value, path);
  if (expectString(queue.id, `${path}.id`) === '') throw new ShapeError(`${path}.id is empty`);
  expectString(queue.name, `${path}.name`);
  if (queue.division !== undefined) {
    const division = expectObject(queue.division, `${path}.division`);
    expectString(division.id, `${path}.division.id`);
    optionalString(division.name, `${path}.division.name`);
  }
  optionalCount(queue.memberCount, `${path}.memberCount`);
  if (queue.mediaSettings !== undefined) {
    const settings = expectObject(queue.mediaSettings, `${path}.mediaSettings`);
    for (const [key, setting] of Object.entries(settings)) {
      if (setting === undefined || setting === null) continue;
      const at = `${path}.mediaSettings.${key}`;
      const media = expectObject(setting, at);
      optionalCount(media.alertingTimeoutSeconds, `${at}.alertingTimeoutSeconds`);
      if (media.serviceLevel === undefined || media.serviceLevel === null) continue;
      const level = expectObject(media.serviceLevel, `${at}.serviceLevel`);
      const percentage = optionalCount(level.percentage, `${at}.serviceLevel.percentage`);
      if (percentage !== undefined && percentage > 1) throw new ShapeError(`${at}.serviceLevel.percentage should be a ratio 0–1, got ${percentage}`);
      optionalCount(level.durationMs, `${at}.serviceLevel.durationMs`);
    }
  }
  return queue as unknown as RoutingQueue;
}

/**
 * Where the page after `page` is: its `nextUri` (resolved against the API host; a relative path in
 * practice), else `pageNumber + 1` while below `pageCount`, else nowhere.
 */
export function nextQueuePageUrl(apiUrl: string, filter: QueueListFilter, page: QueueEntityListing, requestedPage: number): URL | undefined {
  const pageNumber = page.pageNumber ?? requestedPage;
  if (page.pageCount !== undefined && pageNumber >= page.pageCount) return undefined;
  // Past the end Genesys answers an empty page: nothing more to read, whatever the links say.
  if (page.entities.length === 0) return undefined;
  if (page.nextUri !== undefined && page.nextUri !== '') {
    const next = new URL(page.nextUri, apiUrl);
    // The bearer token goes with this request: never follow a link to another host.
    if (next.origin !== new URL(apiUrl).origin) throw new ShapeError(`nextUri points outside the API host (${next.origin})`);
    return next;
  }
  if (page.pageCount !== undefined && page.entities.length > 0) return queuePageUrl(apiUrl, filter, pageNumber + 1);
  return undefined;
}

/** Every queue matching `filter`, all pages, each once. More than 100 ids are listed 100 at a time (short URLs). */
export async function listQueues(context: ApiRequestContext, filter: QueueListFilter): Promise<RoutingQueue[]> {
  const ids = filter.ids ?? [];
  if (ids.length <= QUEUE_PAGE_SIZE) return listQueuePages(context, filter);
  const lists: RoutingQueue[][] = [];
  for (let start = 0; start < ids.length; start += QUEUE_PAGE_SIZE) {
    lists.push(await listQueuePages(context, { ...filter, ids: ids.slice(start, start + QUEUE_PAGE_SIZE) }));
  }
  return lists.flat();
}

async function listQueuePages(context: ApiRequestContext, filter: QueueListFilter): Promise<RoutingQueue[]> {
  const byId = new Map<string, RoutingQueue>();
  const seen = new Set<string>();
  let url: URL | undefined = queuePageUrl(context.apiUrl, filter, 1);
  let maxPages = MAX_QUEUE_PAGES;
  for (let pageNumber = 1; url !== undefined; pageNumber += 1) {
    if (pageNumber > maxPages || seen.has(url.href)) {
      throw new MalformedResponseError({ endpoint: 'routing_queues', problem: `paging does not end (page ${pageNumber}, ${url.pathname}${url.search})` });
    }
    seen.add(url.href);
    const page = await apiRequest(context, {
      endpoint: 'routing_queues',
      method: 'GET',
      url,
      parse: parseQueuePage,
      maxResponseBytes: QUEUE_PAGE_MAX_RESPONSE_BYTES,
    });
    // A queue created or deleted between pages shifts the others; the map keeps each once.
    for (const queue of page.entities) byId.set(queue.id, queue);
    if (pageNumber === 1 && page.pageCount !== undefined) maxPages = Math.min(MAX_QUEUE_PAGES, Math.max(1, page.pageCount) + 1);
    try {
      url = nextQueuePageUrl(context.apiUrl, filter, page, pageNumber);
    } catch (error) {
      if (error instanceof ShapeError) throw new MalformedResponseError({ endpoint: 'routing_queues', problem: error.message });
      throw error;
    }
  }
  return [...byId.values()];
}
