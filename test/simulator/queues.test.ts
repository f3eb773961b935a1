import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { api, assertErrorBody, login, QUEUES, startManual } from './support/helpers.ts';

describe('simulator: GET /api/v2/routing/queues', () => {
  let sim: SimulatorHandle;
  let get: (path: string) => ReturnType<ReturnType<typeof api>['get']>;
  before(async () => {
    // 57 queues over 3 divisions: several pages at the default size, one at the maximum.
    sim = await startManual({ orgSize: { queues: 57, divisions: 3, arrivalsPerMinute: 30 } });
    get = api(sim, await login(sim)).get;
  });
  after(() => sim.close());

  test('the default page has 25 entities and the paging fields', async () => {
    const reply = await get(QUEUES);
    assert.equal(reply.status, 200);
    const body = reply.json;
    assert.equal(body.entities.length, 25);
    assert.equal(body.pageSize, 25);
    assert.equal(body.pageNumber, 1);
    assert.equal(body.total, 57);
    assert.equal(body.pageCount, 3);
    assert.equal(body.firstUri, `${QUEUES}?pageSize=25&pageNumber=1`);
    assert.equal(body.nextUri, `${QUEUES}?pageSize=25&pageNumber=2`);
    assert.equal(body.lastUri, `${QUEUES}?pageSize=25&pageNumber=3`);
    assert.equal(body.selfUri, `${QUEUES}?pageSize=25&pageNumber=1`);
    assert.equal(body.previousUri, undefined);
  });

  test('following nextUri visits every queue exactly once, and the last page has no nextUri', async () => {
    const seen: string[] = [];
    let path: string | undefined = `${QUEUES}?pageSize=10&pageNumber=1`;
    let pages = 0;
    while (path !== undefined) {
      const reply = await get(path);
      assert.equal(reply.status, 200);
      seen.push(...reply.json.entities.map((q: { id: string }) => q.id));
      pages++;
      if (reply.json.pageNumber >= reply.json.pageCount) assert.equal(reply.json.nextUri, undefined);
      path = reply.json.nextUri;
    }
    assert.equal(pages, 6);
    assert.equal(seen.length, 57);
    assert.equal(new Set(seen).size, 57);
    assert.deepEqual(new Set(seen), new Set(sim.queues().map((q) => q.id)));
  });

  test('paging edges: maximum page size, a page past the end, bad values', async () => {
    const max = await get(`${QUEUES}?pageSize=100`);
    assert.equal(max.json.entities.length, 57);
    assert.equal(max.json.pageCount, 1);
    assert.equal(max.json.nextUri, undefined);
    const exact = await get(`${QUEUES}?pageSize=19&pageNumber=3`);
    assert.equal(exact.json.entities.length, 19);
    assert.equal(exact.json.nextUri, undefined);
    const past = await get(`${QUEUES}?pageSize=25&pageNumber=9`);
    assert.equal(past.status, 200);
    assert.deepEqual(past.json.entities, []);
    assert.equal(past.json.total, 57);
    assert.equal(past.json.nextUri, undefined);
    for (const query of ['pageSize=101', 'pageSize=0', 'pageNumber=0', 'pageSize=abc', 'pageNumber=-1']) {
      const reply = await get(`${QUEUES}?${query}`);
      assertErrorBody(reply, 400, 'bad.request');
      assert.match(reply.json.message, /page(Size|Number)/, query);
    }
  });

  test('entities carry division, memberCount and mediaSettings keyed call (not voice)', async () => {
    const entity = (await get(`${QUEUES}?pageSize=1`)).json.entities[0];
    assert.deepEqual(Object.keys(entity.mediaSettings).sort(), ['call', 'callback', 'chat', 'email', 'message']);
    assert.equal(entity.mediaSettings.voice, undefined);
    const sla = entity.mediaSettings.call.serviceLevel;
    assert.ok(sla.percentage > 0 && sla.percentage <= 1);
    assert.ok(Number.isInteger(sla.durationMs) && sla.durationMs > 0);
    assert.equal(typeof entity.division.id, 'string');
    assert.equal(typeof entity.division.name, 'string');
    const truth = sim.queues().find((q) => q.id === entity.id)!;
    assert.deepEqual(sla, truth.serviceLevels.voice);
    assert.equal(entity.memberCount, sim.truthNow().queues.find((q) => q.queueId === entity.id)!.members);
  });

  test('name wildcards, repeatable divisionId and id filters', async () => {
    const all = sim.queues();
    const supports = all.filter((q) => q.name.startsWith('Support'));
    const prefix = await get(`${QUEUES}?pageSize=100&name=${encodeURIComponent('Support*')}`);
    assert.deepEqual(prefix.json.entities.map((q: { id: string }) => q.id).sort(), supports.map((q) => q.id).sort());
    assert.ok(supports.length >= 2);

    const one = all[7]!;
    const exact = await get(`${QUEUES}?name=${encodeURIComponent(one.name.toUpperCase())}`);
    assert.deepEqual(
      exact.json.entities.map((q: { id: string }) => q.id),
      [one.id],
      'exact match, case-insensitive',
    );
    const middle = await get(`${QUEUES}?pageSize=100&name=${encodeURIComponent('*Voice*')}`);
    assert.equal(middle.json.total, all.filter((q) => q.name.includes('Voice')).length);

    const [d1, d2] = [...new Set(all.map((q) => q.division.id))];
    const byDivision = await get(`${QUEUES}?pageSize=100&divisionId=${d1}&divisionId=${d2}`);
    assert.equal(byDivision.json.total, all.filter((q) => q.division.id === d1 || q.division.id === d2).length);
    assert.ok(byDivision.json.total < 57);

    const ids = [all[0]!.id, all[30]!.id, all[56]!.id];
    const byId = await get(`${QUEUES}?${ids.map((id) => `id=${id}`).join('&')}`);
    assert.deepEqual(byId.json.entities.map((q: { id: string }) => q.id).sort(), [...ids].sort());
    const paged = await get(`${QUEUES}?pageSize=1&id=${ids[0]}&id=${ids[1]}`);
    assert.equal(paged.json.nextUri, `${QUEUES}?pageSize=1&pageNumber=2&id=${ids[0]}&id=${ids[1]}`, 'filters survive in the paging URIs');
  });

  test('a method other than GET is refused', async () => {
    const reply = await api(sim, await login(sim)).post(QUEUES, {});
    assertErrorBody(reply, 405, 'method.not.allowed');
  });
});
