import type { LedgerReadModelPort } from './read-model';
import { LedgerLog } from './testing/ledger-log';
import { describeReadModel } from './testing/read-model-engines';
import { huaihuaScenario } from './testing/scenario';
import { figures } from './testing/temp-read-model';

describeReadModel('totals projection', (engine) => {
  const scenario = huaihuaScenario();
  let model: LedgerReadModelPort;
  beforeAll(async () => {
    model = await engine.open();
    await model.applyBatch(scenario.log.events);
  });

  const everything = figures({
    activitiesHeld: 3, participants: 190, beneficiaries: 280, materialsDistributed: 20,
    volunteerParticipations: 5, volunteerMinutesLogged: 345, volunteerMinutesVerified: 210, distinctVolunteers: 3,
    moneyReceived: 150_000, moneyRefunded: 20_000, goodsValueReceived: 30_000, disbursed: 40_000, donations: 3,
    disbursementBeneficiaries: 15,
  });

  it('Given the whole scenario When projected Then the totals are the hand-computed ones', async () => {
    expect(await model.totals()).toEqual({ ...everything, fundsRaised: 160_000, position: scenario.log.head });
    expect(await model.checkpoint()).toBe(scenario.log.head);
  });

  it('rolls a unit up over its whole subtree', async () => {
    expect(await model.totals({ orgUnitId: 'C-huaihua' })).toEqual({ ...everything, position: scenario.log.head });
    const { position: _, ...county } = await model.totals({ orgUnitId: 'K1-hecheng' });
    expect(county).toEqual(figures({
      activitiesHeld: 3, participants: 190, beneficiaries: 280, materialsDistributed: 20,
      volunteerParticipations: 3, volunteerMinutesLogged: 270, volunteerMinutesVerified: 180, distinctVolunteers: 2,
      moneyReceived: 50_000, donations: 1, disbursed: 40_000, disbursementBeneficiaries: 15,
    }));
    const { position: __, ...other } = await model.totals({ orgUnitId: 'K2-zhijiang' });
    expect(other).toEqual(figures({
      volunteerParticipations: 2, volunteerMinutesLogged: 75, volunteerMinutesVerified: 30, distinctVolunteers: 1,
      goodsValueReceived: 30_000, donations: 1,
    }));
    // Hours count under their activity's unit (e3 of vol1, a V1 volunteer, served at a2 in V2).
    expect(await model.totals({ orgUnitId: 'V2-v2' })).toMatchObject({ volunteerParticipations: 2, volunteerMinutesLogged: 150, participants: 60 });
    expect(await model.totals({ orgUnitId: 'nowhere' })).toEqual({ ...figures({}), position: scenario.log.head });
  });

  it('follows a correction that moves an activity, and its linked hours, to another campaign', async () => {
    const { position: _, ...a } = await model.totals({ campaignId: 'A' });
    expect(a).toEqual(figures({
      activitiesHeld: 2, participants: 160, beneficiaries: 280, materialsDistributed: 20,
      volunteerParticipations: 4, volunteerMinutesLogged: 300, volunteerMinutesVerified: 210, distinctVolunteers: 3,
      moneyReceived: 100_000, moneyRefunded: 20_000, goodsValueReceived: 30_000, donations: 2, disbursed: 40_000,
      disbursementBeneficiaries: 15,
    }));
    const { position: __, ...b } = await model.totals({ campaignId: 'B' });
    expect(b).toEqual(figures({ moneyReceived: 50_000, donations: 1 }));
  });

  it('applies category and venueType to activity figures only', async () => {
    const lecture = await model.totals({ category: 'lecture' });
    expect(lecture).toEqual({
      ...everything, activitiesHeld: 1, participants: 100, beneficiaries: 80, materialsDistributed: 20,
      position: scenario.log.head,
    });
    expect(await model.totals({ venueType: 'community' })).toMatchObject({
      activitiesHeld: 1, participants: 60, beneficiaries: 200, moneyReceived: 150_000, volunteerParticipations: 5,
    });
    // A voided activity's category matches nothing.
    expect(await model.totals({ category: 'performance' })).toMatchObject({ activitiesHeld: 0, participants: 0, fundsRaised: 160_000 });
  });

  it('cuts every figure on its own date, inclusively', async () => {
    const { position: _, ...april } = await model.totals({ from: '2024-04-01' });
    expect(april).toEqual(figures({
      activitiesHeld: 1, participants: 30,
      volunteerParticipations: 2, volunteerMinutesLogged: 75, volunteerMinutesVerified: 30, distinctVolunteers: 1,
      goodsValueReceived: 30_000, donations: 1, disbursed: 40_000, disbursementBeneficiaries: 15,
    }));
    expect(await model.totals({ from: '2024-03-05', to: '2024-03-05' })).toMatchObject({
      activitiesHeld: 1, volunteerParticipations: 1, volunteerMinutesLogged: 120, donations: 0,
    });
    expect(await model.totals({ from: '2024-03-20', to: '2024-03-20' })).toMatchObject({ moneyRefunded: 20_000, fundsRaised: -20_000 });
    expect(await model.totals({ campaignId: 'A', orgUnitId: 'T1-tw', to: '2024-03-31' })).toMatchObject({
      activitiesHeld: 2, participants: 160, volunteerParticipations: 3, volunteerMinutesLogged: 270, moneyReceived: 0,
    });
  });

  describe('as of an instant', () => {
    it('before the correction: the old campaign and values, hours not yet rejected', async () => {
      const before = await model.totals({ asOf: scenario.beforeCorrection });
      expect(before).toMatchObject({
        activitiesHeld: 4, participants: 480, beneficiaries: 580, materialsDistributed: 70,
        volunteerParticipations: 6, volunteerMinutesLogged: 585, volunteerMinutesVerified: 210, distinctVolunteers: 3,
        fundsRaised: 160_000, donations: 3,
      });
      expect(await model.totals({ campaignId: 'B', asOf: scenario.beforeCorrection })).toMatchObject({
        activitiesHeld: 1, participants: 50, volunteerParticipations: 2, volunteerMinutesLogged: 150,
        volunteerMinutesVerified: 60, distinctVolunteers: 2, moneyReceived: 50_000,
      });
      expect(await model.totals({ campaignId: 'A', asOf: scenario.beforeCorrection })).toMatchObject({
        activitiesHeld: 2, volunteerParticipations: 3, volunteerMinutesLogged: 390,
      });
    });

    it('after the correction, before the void', async () => {
      expect(await model.totals({ asOf: scenario.afterCorrection })).toMatchObject({ activitiesHeld: 4, participants: 490 });
      expect(await model.totals({ campaignId: 'B', asOf: scenario.afterCorrection })).toMatchObject({
        activitiesHeld: 0, volunteerParticipations: 0, moneyReceived: 50_000,
      });
      expect(await model.totals({ campaignId: 'A', asOf: scenario.afterCorrection })).toMatchObject({
        activitiesHeld: 3, volunteerParticipations: 5, volunteerMinutesLogged: 540,
      });
    });

    it('after the void: the activity leaves, its hours stay', async () => {
      expect(await model.totals({ asOf: scenario.afterVoid })).toMatchObject({
        activitiesHeld: 3, participants: 190, volunteerParticipations: 6, volunteerMinutesLogged: 585,
      });
    });

    it('after the rejection it equals the current totals', async () => {
      const { position: _, ...asOf } = await model.totals({ asOf: scenario.afterReject });
      expect(asOf).toEqual(everything);
      const { position: __, ...later } = await model.totals({ asOf: '2030-01-01T08:00:00+08:00' });
      expect(later).toEqual(everything);
    });

    it('before a verification the minutes are logged but not verified; before anything, nothing', async () => {
      expect(await model.totals({ asOf: scenario.beforeVerification })).toMatchObject({
        volunteerMinutesLogged: 585, volunteerMinutesVerified: 0,
      });
      const { position: _, ...nothing } = await model.totals({ asOf: scenario.beforeAnything, orgUnitId: 'C-huaihua' });
      expect(nothing).toEqual(figures({}));
    });

    it('rejects an instant that is not one', async () => {
      await expect(async () => model.totals({ asOf: 'yesterday' })).rejects.toThrow(RangeError);
    });
  });

  it('answers org units with their path and children', async () => {
    expect(await model.orgUnit('T1-tw')).toEqual({
      id: 'T1-tw', name: '城南镇', level: 'township', parentId: 'K1-hecheng', code: null,
      path: ['C-huaihua', 'K1-hecheng', 'T1-tw'], children: ['V1-v1', 'V2-v2'],
    });
    expect(await model.orgUnit('missing')).toBeUndefined();
  });
});

describeReadModel('applying', (engine) => {
  it('skips events at or below the checkpoint, so a batch applied twice counts once', async () => {
    const model = await engine.open();
    const { log } = huaihuaScenario();
    await model.applyBatch(log.events.slice(0, 20));
    await model.applyBatch(log.events.slice(10, 30));
    await model.applyBatch(log.events);
    await model.applyBatch(log.events);
    const once = await engine.open();
    await once.applyBatch(log.events);
    expect(await model.totals()).toEqual(await once.totals());
    expect(await model.breakdown('orgUnit', { orgUnitId: 'C-huaihua' })).toEqual(await once.breakdown('orgUnit', { orgUnitId: 'C-huaihua' }));
    await model.close();
    await once.close();
  });

  it('Given entries stored by an earlier batch When one batch verifies them and then rejects or moves them Then as of between, they count as verified', async () => {
    const model = await engine.open();
    const log = new LedgerLog().orgUnit('R', 'root', 'city').campaign('A', 'a', 'R').campaign('B', 'b', 'R').volunteer('v', 'R')
      .activity('act', { orgUnitId: 'R', campaignId: 'A' })
      .hours('v', 'e1', 60, '2024-03-01', 'act').hours('v', 'e2', 45, '2024-03-01', 'act').hours('v', 'e3', 30, '2024-03-01');
    await model.applyBatch(log.events);
    const stored = log.head;
    log.verify('v', 'e1').verify('v', 'e2');
    const verified = log.lastRecordedAt;
    log.reject('v', 'e1').correct('act', { campaignId: 'B' }).verify('v', 'e3');
    await model.applyBatch(log.events.slice(stored));

    expect(await model.totals({ asOf: verified })).toMatchObject({ volunteerMinutesLogged: 135, volunteerMinutesVerified: 105 });
    expect(await model.totals({ asOf: verified, campaignId: 'A' })).toMatchObject({ volunteerMinutesVerified: 105 });
    // e1 rejected; e2 moved to B and still verified; e3 verified last.
    expect(await model.totals()).toMatchObject({ volunteerParticipations: 2, volunteerMinutesLogged: 75, volunteerMinutesVerified: 75 });
    expect(await model.totals({ campaignId: 'B' })).toMatchObject({ volunteerMinutesLogged: 45, volunteerMinutesVerified: 45 });
    const once = await engine.open();
    await once.applyBatch(log.events);
    expect(await once.totals({ asOf: verified })).toEqual(await model.totals({ asOf: verified }));
    await model.close();
    await once.close();
  });

  it('skips unknown event types but moves the checkpoint past them', async () => {
    const model = await engine.open();
    const log = new LedgerLog().orgUnit('R', 'root', 'city');
    log.append({ type: 'SomethingNew', data: { whatever: 1 } });
    expect(await model.applyBatch(log.events)).toBe(2);
    expect(await model.checkpoint()).toBe(2);
    await model.close();
  });

  it('keeps money exact in 分 at large sums', async () => {
    const model = await engine.open();
    const log = new LedgerLog().orgUnit('R', 'root', 'city').campaign('K', 'k', 'R');
    for (let i = 0; i < 1000; i++) log.donate(`d${i}`, 'K', 'R', 'money', 999_999_999_999, '2024-01-01');
    log.donate('odd', 'K', 'R', 'money', 1, '2024-01-01');
    await model.applyBatch(log.events);
    expect((await model.totals()).moneyReceived).toBe(999_999_999_999_000 + 1);
    await model.close();
  });
});
