import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulation, OrgDefinitionError, startSimulator } from '../../simulator/index.ts';

const FIXTURE = new URL('./fixtures/small-org.yaml', import.meta.url).pathname;

describe('simulator: the org', () => {
  test('the default org: 6–10 queues in 2 divisions, mixed media, about 40 agents', () => {
    const sim = createSimulation({ seed: 1, clock: 'manual' });
    const org = sim.model.org;
    assert.ok(org.queues.length >= 6 && org.queues.length <= 10);
    assert.equal(org.divisions.length, 2);
    assert.equal(new Set(org.queues.map((q) => q.division.id)).size, 2);
    assert.ok(new Set(org.queues.flatMap((q) => q.traffic.map((t) => t.mediaType))).size >= 4, 'mixed media');
    assert.ok(org.agents.length >= 30 && org.agents.length <= 50, `${org.agents.length} agents`);
  });

  test('the default org is busy: queues form, some contacts abandon, some miss the SLA', () => {
    const sim = createSimulation({ seed: 1, clock: 'manual', startTime: '2026-11-29T08:00:00Z' });
    let samples = 0;
    let withDepth = 0;
    for (let i = 0; i < 360; i++) {
      sim.advanceBy(10_000);
      for (const q of sim.truthNow().queues)
        for (const m of q.media) {
          samples++;
          if (m.waiting > 0) withDepth++;
        }
    }
    const contacts = sim.truthContacts({ since: '2026-11-29T08:00:00Z', until: sim.now() }).contacts;
    const abandoned = contacts.filter((c) => c.outcome === 'abandoned').length;
    const missed = contacts.filter((c) => c.outcome === 'answered' && !c.answeredWithinTarget).length;
    assert.ok(withDepth / samples > 0.1, `depth > 0 in ${withDepth}/${samples} samples`);
    assert.ok(abandoned > 0 && abandoned < contacts.length / 3, `${abandoned} of ${contacts.length} abandoned`);
    assert.ok(missed > 0, `${missed} answered over target`);
  });

  test('an org file in YAML: names, divisions, media, SLA and agents', () => {
    const sim = createSimulation({ org: FIXTURE, clock: 'manual' });
    const queues = sim.queues();
    assert.deepEqual(
      queues.map((q) => q.name),
      ['Front Desk', 'Back Office'],
    );
    assert.deepEqual(queues[0]!.media, ['voice', 'chat']);
    assert.deepEqual(queues[0]!.serviceLevels.voice, { percentage: 0.9, durationMs: 15000 });
    assert.equal(queues[1]!.division.name, 'Europe');
    const truth = sim.truthNow().queues;
    assert.equal(truth[0]!.members, 3);
    assert.equal(truth[1]!.members, 1);
  });

  test('hourly factors make arrival rates vary with the hour of day', () => {
    const hourlyFactors = Array.from({ length: 24 }, (_, hour) => (hour === 13 ? 3 : 0));
    const org = { hourlyFactors, queues: [{ name: 'Q', media: { voice: { arrivalsPerMinute: 2 } } }], agents: [{ name: 'A', count: 3, queues: ['Q'] }] };
    const sim = createSimulation({ org, clock: 'manual', startTime: '2026-11-29T12:00:00Z', warmupSeconds: 0 });
    sim.advanceTo('2026-11-29T15:00:00Z');
    const hours = [12, 13, 14].map((h) => sim.truthContacts({ since: `2026-11-29T${h}:00:00Z`, until: `2026-11-29T${h + 1}:00:00Z` }).contacts.length);
    assert.equal(hours[0], 0);
    assert.equal(hours[2], 0);
    assert.ok(hours[1]! > 250 && hours[1]! < 470, `~360 arrivals at 6/min, got ${hours[1]}`);
  });

  test('org errors name the file, the key and the mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-org-'));
    const write = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const cases: [string, RegExp][] = [
      [
        write('a.yaml', 'queues: [{name: Q, media: {voice: {arrivalsPerMinute: -1}}}]\nagents: []'),
        /a\.yaml[\s\S]*\/queues\/0\/media\/voice\/arrivalsPerMinute: must be >= 0/,
      ],
      [write('b.yaml', 'queues: [{name: Q, media: {video: {arrivalsPerMinute: 1}}}]\nagents: []'), /\/queues\/0\/media: unknown key "video"/],
      [write('c.yaml', 'queues: [{name: Q, media: {}}]\nagents: [{name: A, queues: [Nope]}]'), /\/agents\/0\/queues\/0: unknown queue "Nope"/],
      [write('d.yaml', 'queues: [{name: Q, division: Mars, media: {}}]\nagents: []'), /\/queues\/0\/division: unknown division "Mars"/],
      [write('e.json', '{"queues": ['), /e\.json is not valid JSON/],
      [write('f.yaml', 'generate: {queues: 0}'), /\/generate\/queues: must be >= 1/],
      [join(dir, 'missing.yaml'), /cannot read org file/],
    ];
    for (const [path, message] of cases) {
      assert.throws(
        () => createSimulation({ org: path, clock: 'manual' }),
        (error: Error) => error instanceof OrgDefinitionError && message.test(error.message),
        path,
      );
    }
  });

  test('ground truth older than the retention is dropped, so memory stays bounded', () => {
    const sim = createSimulation({ seed: 3, clock: 'manual', truthRetentionHours: 0.5, orgSize: { queues: 20, arrivalsPerMinute: 600 }, warmupSeconds: 0 });
    sim.advanceBy(3600_000);
    const now = sim.now().getTime();
    const oldest = sim.model.truth.oldestArrival()!;
    assert.ok(oldest >= now - 1800_000, 'nothing older than half an hour');
    assert.ok(sim.model.truth.size < 600 * 30 * 1.2, `${sim.model.truth.size} contacts held for ~18000 arrivals per half hour`);
    assert.equal(sim.truthContacts({ since: new Date(now - 3600_000), until: new Date(now - 1800_000 - 1) }).contacts.length, 0);
  });

  test('startSimulator refuses bad options with a clear error', async () => {
    await assert.rejects(startSimulator({ tokenLifetimeSeconds: 0 }), /tokenLifetimeSeconds must be a number >= 1/);
    await assert.rejects(startSimulator({ clock: 'sometimes' as 'manual' }), /clock must be "realtime" or "manual"/);
  });
});
