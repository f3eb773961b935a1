// Turns a validated org definition into the resolved Org: ids drawn from the seed, names resolved,
// defaults applied. Cross-references (an agent naming an unknown queue) fail with the offending key.

import type { Random } from '../random.ts';
import { MEDIA_TYPES, SYSTEM_PRESENCES, type MediaType, type SystemPresence } from '../vocabulary.ts';
import { OrgDefinitionError, type ExplicitOrgDefinition, type OrgDefinition } from './definition.ts';
import { generateOrgDefinition } from './generate.ts';
import {
  DEFAULT_BEHAVIOUR,
  MEDIA_DEFAULTS,
  SECONDARY_PRESENCES,
  type Agent,
  type Division,
  type MediaSetting,
  type MediaTraffic,
  type Org,
  type Queue,
} from './model.ts';

export function resolveOrg(definition: OrgDefinition, random: Random, createdAt: number, source: string): Org {
  const explicit: ExplicitOrgDefinition =
    'generate' in definition
      ? { ...generateOrgDefinition(definition.generate, random.fork('generate')), hourlyFactors: definition.hourlyFactors, behaviour: definition.behaviour }
      : definition;
  const fail = (message: string): never => {
    throw new OrgDefinitionError(`invalid org definition in ${source}: ${message}`);
  };

  const divisionNames = explicit.divisions ?? ['Home'];
  const divisions: Division[] = divisionNames.map((name) => ({ id: random.uuid(), name }));
  const divisionByName = new Map(divisions.map((d) => [d.name, d]));
  if (divisionByName.size !== divisions.length) fail('/divisions: names must be unique');

  const queues: Queue[] = explicit.queues.map((q, index) => {
    const division = q.division === undefined ? divisions[0] : divisionByName.get(q.division);
    if (division === undefined) return fail(`/queues/${index}/division: unknown division "${q.division}" (known: ${divisionNames.join(', ')})`);
    const traffic: MediaTraffic[] = [];
    const mediaSettings = {} as Record<MediaType, MediaSetting>;
    for (const mediaType of MEDIA_TYPES) {
      const defaults = MEDIA_DEFAULTS[mediaType];
      const given = q.media[mediaType];
      mediaSettings[mediaType] = {
        serviceLevel: given?.serviceLevel ?? defaults.serviceLevel,
        alertingTimeoutSeconds: given?.alertingTimeoutSeconds ?? defaults.alertingTimeoutSeconds,
      };
      if (given === undefined) continue;
      traffic.push({
        mediaType,
        arrivalsPerMinute: given.arrivalsPerMinute,
        meanHandleMs: (given.meanHandleSeconds ?? defaults.meanHandleSeconds) * 1000,
        meanPatienceMs: (given.meanPatienceSeconds ?? defaults.meanPatienceSeconds) * 1000,
      });
    }
    return { id: q.id ?? random.uuid(), name: q.name, division, traffic, mediaSettings, dateCreated: createdAt };
  });
  const queueByKey = new Map<string, Queue>();
  for (const [index, queue] of queues.entries()) {
    if (queueByKey.has(queue.name) || queueByKey.has(queue.id)) fail(`/queues/${index}: duplicate queue name or id "${queue.name}"`);
    queueByKey.set(queue.name, queue);
    queueByKey.set(queue.id, queue);
  }

  const agents: Agent[] = [];
  for (const [index, group] of explicit.agents.entries()) {
    const memberOf = group.queues.map((key, qi) => queueByKey.get(key) ?? fail(`/agents/${index}/queues/${qi}: unknown queue "${key}"`));
    const media = group.media ?? MEDIA_TYPES.filter((m) => memberOf.some((q) => q.traffic.some((t) => t.mediaType === m)));
    const count = group.count ?? 1;
    for (let n = 1; n <= count; n++) {
      agents.push({
        id: random.uuid(),
        name: count === 1 ? group.name : `${group.name} ${String(n).padStart(String(count).length, '0')}`,
        queueIds: memberOf.map((q) => q.id),
        media,
      });
    }
  }

  const presenceIds = {} as Record<SystemPresence, readonly [string, ...string[]]>;
  for (const p of SYSTEM_PRESENCES) presenceIds[p] = [random.uuid(), ...Array.from({ length: SECONDARY_PRESENCES[p] ?? 0 }, () => random.uuid())];
  return {
    divisions,
    queues,
    agents,
    hourlyFactors: explicit.hourlyFactors ?? Array.from({ length: 24 }, () => 1),
    behaviour: { ...DEFAULT_BEHAVIOUR, ...explicit.behaviour },
    presenceIds,
  };
}
