import { CloudEvent, HTTP } from 'cloudevents';
import { createEventStore, type EventStore, type RecordedEvent } from '@tongxin/event-store';
import { PassThrough } from 'node:stream';
import { exportEvents } from '../apps/cli/src/export-events';
import { parseExportLine, type ExportFormat } from '../apps/cli/src/exported-event';
import { LedgerTestApp } from './support/ledger-app';
import { writeRealisticLedger } from './support/cli';

/** The export's two line formats, checked against the store they came from and the official CloudEvents SDK. */
describe('tongxin export', () => {
  jest.setTimeout(60_000);
  let ledger: LedgerTestApp;
  let store: EventStore;
  let log: RecordedEvent[];

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    await writeRealisticLedger(ledger);
    await ledger.app.close();
    store = await createEventStore(ledger.config.storeUrl);
    log = [];
    for await (const event of store.streamAll()) log.push(event);
  });
  afterAll(async () => {
    await store.close();
    await ledger.stop().catch(() => undefined);
  });

  async function exported(format: ExportFormat, window: { after?: number; until?: string } = {}): Promise<string[]> {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    await exportEvents(store, out, { format, ...window });
    out.end();
    return text.split('\n').filter((line) => line !== '');
  }

  it('writes CloudEvents 1.0 that the official SDK accepts, strictly, in structured mode', async () => {
    const lines = await exported('cloudevents');
    expect(lines).toHaveLength(log.length);
    for (const [index, line] of lines.entries()) {
      const event = log[index];
      const json = JSON.parse(line);
      // Strict construction validates every attribute, and again explicitly.
      const cloudEvent = new CloudEvent(json, true);
      expect(cloudEvent.validate()).toBe(true);
      // As a receiver would: an HTTP request in structured mode.
      const received = HTTP.toEvent({ headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' }, body: line }) as CloudEvent<Record<string, unknown>>;
      expect(received.validate()).toBe(true);
      expect(received).toMatchObject({
        specversion: '1.0', id: `${event.streamId}@${event.revision}`, source: `tongxin:ledger/${encodeURIComponent(event.streamId)}`,
        type: `cn.tongxin.ledger.${event.type}.v${event.metadata.schemaVersion}`, subject: event.streamId, time: event.recordedAt,
        datacontenttype: 'application/json', tongxinposition: event.position, tongxinrevision: event.revision, data: event.data,
      });
      expect(JSON.parse(received.tongxinmetadata as string)).toEqual(event.metadata);
      // And back: the import reads exactly the stored event out of it.
      expect(parseExportLine(line, index + 1)).toEqual({ event, format: 'cloudevents' });
    }
    expect(new Set(lines.map((line) => JSON.parse(line).id)).size).toBe(log.length);
  });

  it('writes ndjson lines that are the stored events themselves', async () => {
    expect((await exported('ndjson')).map((line) => JSON.parse(line))).toEqual(log);
  });

  it('cuts the log by --after (exclusive) and --until (inclusive, on recordedAt)', async () => {
    const after = log[Math.floor(log.length / 3)].position;
    expect((await exported('ndjson', { after })).map((l) => JSON.parse(l))).toEqual(log.filter((e) => e.position > after));
    const until = log[Math.floor((log.length * 2) / 3)].recordedAt;
    const window = (await exported('ndjson', { after, until })).map((l) => JSON.parse(l));
    expect(window).toEqual(log.filter((e) => e.position > after && e.recordedAt <= until));
    expect(window.length).toBeGreaterThan(0);
    expect(await exported('ndjson', { until: '2000-01-01T00:00:00.000Z' })).toEqual([]);
  });
});
