// Builds an org definition from sizes: named queues over divisions with mixed media, and agent teams
// sized to the offered load so the org runs busy (queues form, some contacts abandon, SLAs are missed).

import type { Random } from '../random.ts';
import type { MediaType } from '../vocabulary.ts';
import type { AgentGroupDefinition, ExplicitOrgDefinition, MediaTrafficDefinition, OrgSize, QueueDefinition } from './definition.ts';
import { DEFAULT_BEHAVIOUR, MEDIA_DEFAULTS } from './model.ts';

/** The default org: 8 queues in 2 divisions, ~40 agents. */
const DEFAULT_ORG_SIZE: OrgSize = { queues: 8, divisions: 2, arrivalsPerMinute: 5 };

const DIVISION_NAMES = ['Home', 'Europe', 'Americas', 'APAC', 'Partners', 'Wholesale'];
const TOPICS = ['Support', 'Sales', 'Billing', 'Retention', 'Claims', 'Onboarding', 'Returns', 'Technical', 'VIP', 'Shipping'];
const MEDIA_MIXES: readonly (readonly MediaType[])[] = [
  ['voice', 'callback'],
  ['chat', 'message'],
  ['voice'],
  ['email'],
  ['voice', 'chat'],
  ['message'],
  ['voice', 'callback', 'email'],
  ['chat'],
];
const MIX_LABEL = (media: readonly MediaType[]): string => media.map((m) => m[0]!.toUpperCase() + m.slice(1)).join(' & ');

/** Share of agents' time on queue and free of non-ACD calls, so teams are sized for who is really there. */
const AVAILABLE_SHARE = (DEFAULT_BEHAVIOUR.meanOnQueueMinutes / (DEFAULT_BEHAVIOUR.meanOnQueueMinutes + DEFAULT_BEHAVIOUR.meanOffQueueMinutes)) * 0.95;
/** Target occupancy of the available agents: high enough that queues form often. */
const TARGET_OCCUPANCY = 1.02;

export function generateOrgDefinition(partial: Partial<OrgSize>, random: Random): ExplicitOrgDefinition {
  const size: OrgSize = { ...DEFAULT_ORG_SIZE, ...partial };
  const divisions = Array.from({ length: size.divisions }, (_, i) => DIVISION_NAMES[i] ?? `Division ${i + 1}`);
  const weights = Array.from({ length: size.queues }, () => random.uniform(0.5, 1.5));
  const weightSum = weights.reduce((a, b) => a + b, 0);

  const queues: QueueDefinition[] = [];
  const loadErlangs: number[] = [];
  for (let i = 0; i < size.queues; i++) {
    const mix = MEDIA_MIXES[i % MEDIA_MIXES.length]!;
    const topic = TOPICS[i % TOPICS.length]!;
    const round = Math.floor(i / TOPICS.length);
    const name = `${topic} ${MIX_LABEL(mix)}${round > 0 ? ` ${round + 1}` : ''}`;
    const queueRate = (size.arrivalsPerMinute * weights[i]!) / weightSum;
    const media: Partial<Record<MediaType, MediaTrafficDefinition>> = {};
    let load = 0;
    for (const mediaType of mix) {
      const arrivalsPerMinute = Number((queueRate / mix.length).toFixed(4));
      media[mediaType] = { arrivalsPerMinute };
      load += (arrivalsPerMinute / 60) * MEDIA_DEFAULTS[mediaType].meanHandleSeconds;
    }
    queues.push({ name, division: divisions[i % divisions.length]!, media });
    loadErlangs.push(load);
  }

  const totalLoad = loadErlangs.reduce((a, b) => a + b, 0);
  const agentCount = size.agents ?? Math.max(size.queues, Math.ceil(totalLoad / (AVAILABLE_SHARE * TARGET_OCCUPANCY)));
  // Largest-remainder split of the agents over queues by load; every queue with traffic gets someone.
  const exact = loadErlangs.map((l) => (totalLoad === 0 ? agentCount / size.queues : (agentCount * l) / totalLoad));
  const teams = exact.map((x) => Math.floor(x));
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r);
  for (let k = 0, left = agentCount - teams.reduce((a, b) => a + b, 0); k < left; k++) teams[byRemainder[k % byRemainder.length]!.i]! += 1;

  const agents: AgentGroupDefinition[] = [];
  queues.forEach((queue, i) => {
    const team = teams[i]!;
    if (team === 0) return;
    // A quarter of each team also serves the next queue of the same division: blended agents couple queues.
    const blended = Math.floor(team / 4);
    const partner = queues.find((q, j) => j !== i && q.division === queue.division && j > i) ?? queues.find((q, j) => j !== i && q.division === queue.division);
    if (blended > 0 && partner !== undefined) {
      agents.push({ name: `${queue.name} Blended Agent`, count: blended, queues: [queue.name, partner.name] });
    }
    const dedicated = team - (partner === undefined ? 0 : blended);
    if (dedicated > 0) agents.push({ name: `${queue.name} Agent`, count: dedicated, queues: [queue.name] });
  });
  return { divisions, queues, agents };
}
