// GET /api/v2/routing/queues: the queue list with paging, `name` wildcards and repeatable `divisionId`/`id`;
// GET /api/v2/routing/queues/{queueId}: one queue, the same entity as in the list.
// pageSize defaults to 25; above MAX_PAGE_SIZE is a 400 (the real maximum is not documented).

import type { QueueState } from '../model/runtime.ts';
import { MEDIA_TYPES, QUEUE_MEDIA_SETTING_KEY } from '../vocabulary.ts';
import { ApiError, badRequest } from './errors.ts';
import { iso } from './iso.ts';
import { wildcardMatcher } from './wildcard.ts';

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;
const PATH = '/api/v2/routing/queues';

function positiveInteger(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badRequest(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function queueEntity(state: QueueState) {
  const q = state.queue;
  const mediaSettings = Object.fromEntries(
    MEDIA_TYPES.map((m) => [
      QUEUE_MEDIA_SETTING_KEY[m],
      { alertingTimeoutSeconds: q.mediaSettings[m].alertingTimeoutSeconds, serviceLevel: { ...q.mediaSettings[m].serviceLevel } },
    ]),
  );
  return {
    id: q.id,
    name: q.name,
    division: { id: q.division.id, name: q.division.name, selfUri: `/api/v2/authorization/divisions/${q.division.id}` },
    dateCreated: iso(q.dateCreated),
    memberCount: state.members.length,
    userMemberCount: state.members.length,
    joinedMemberCount: state.members.length,
    mediaSettings,
    skillEvaluationMethod: 'ALL',
    selfUri: `${PATH}/${q.id}`,
  };
}

export function listQueues(params: URLSearchParams, queues: readonly QueueState[]) {
  const pageSize = positiveInteger(params, 'pageSize', DEFAULT_PAGE_SIZE);
  if (pageSize > MAX_PAGE_SIZE) throw badRequest(`pageSize ${pageSize} is above the maximum of ${MAX_PAGE_SIZE}`);
  const pageNumber = positiveInteger(params, 'pageNumber', 1);
  const sortOrder = (params.get('sortOrder') ?? 'asc').toLowerCase();
  if (!['asc', 'desc', 'ascending', 'descending', 'score'].includes(sortOrder))
    throw badRequest(`sortOrder must be asc or desc, got ${JSON.stringify(sortOrder)}`);

  const ids = params
    .getAll('id')
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
  const divisionIds = params
    .getAll('divisionId')
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
  const name = params.get('name');
  const nameMatches = name === null || name === '' ? () => true : wildcardMatcher(name);

  const selected = queues
    .filter(
      (s) =>
        (ids.length === 0 || ids.includes(s.queue.id)) && (divisionIds.length === 0 || divisionIds.includes(s.queue.division.id)) && nameMatches(s.queue.name),
    )
    .sort((a, b) => a.queue.name.localeCompare(b.queue.name) || a.queue.id.localeCompare(b.queue.id));
  if (sortOrder.startsWith('desc')) selected.reverse();

  const total = selected.length;
  const pageCount = Math.ceil(total / pageSize);
  const uri = (page: number): string => {
    const query = new URLSearchParams();
    query.set('pageSize', String(pageSize));
    query.set('pageNumber', String(page));
    for (const [key, value] of params) if (key !== 'pageSize' && key !== 'pageNumber') query.append(key, value);
    return `${PATH}?${query.toString()}`;
  };
  return {
    entities: selected.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(queueEntity),
    pageSize,
    pageNumber,
    total,
    pageCount,
    ...(pageCount > 0 ? { firstUri: uri(1) } : {}),
    ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
    ...(pageNumber > 1 && pageNumber <= pageCount ? { previousUri: uri(pageNumber - 1) } : {}),
    ...(pageCount > 0 ? { lastUri: uri(pageCount) } : {}),
    selfUri: uri(pageNumber),
  };
}

/** One live queue by id; 404 with the generic body when it does not exist (or was deleted). */
export function getQueue(queueId: string, queues: readonly QueueState[]) {
  const state = queues.find((s) => s.queue.id === queueId);
  if (state === undefined) throw new ApiError(404, 'not.found', `Queue ${queueId} was not found.`);
  return queueEntity(state);
}
