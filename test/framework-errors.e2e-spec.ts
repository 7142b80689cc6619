import { connect, type AddressInfo } from 'node:net';
import { LedgerTestApp, multipartFile, type Reply } from './support/ledger-app';

/**
 * Every answer the server gives, the framework's own included, is application/problem+json with a
 * status that says what went wrong; and every id the ledger makes can be read at its own URL.
 */
describe('framework errors in the problem format', () => {
  let ledger: LedgerTestApp;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start({ failedAuth: { failures: 2, windowSeconds: 60, blockSeconds: 30 } });
    await ledger.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
  });
  afterAll(() => ledger.stop());

  const activity = { orgUnitId: 'city', title: '宣讲', category: 'lecture', occurredOn: '2026-05-01', participants: 10 };
  const long = 'a'.repeat(120);
  const sheet = multipartFile(Buffer.from('a,b\n1,2\n'), 'x.csv');

  function expectProblem(reply: Reply, status: number): void {
    expect({ status: reply.status, type: reply.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/) });
    expect(reply.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
    if (status === 400) expect(reply.body.errors.length).toBeGreaterThan(0);
  }

  const cases: [string, () => Promise<Reply>, number][] = [
    ['an unknown route', () => ledger.get('/no-such-route'), 404],
    ['an unknown path outside the API', () => ledger.request('GET', '/no-such-file.js'), 404],
    ['a method the path does not have', () => ledger.request('DELETE', '/api/v1/activities'), 405],
    ['a method no route has', () => ledger.request('PATCH', '/api/v1/no-such-route'), 404],
    ['a body over 1 MiB', () => ledger.post('/activities', { ...activity, notes: 'x'.repeat(1_100_000) }), 413],
    ['a form body', () => ledger.post('/activities', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415],
    ['a text/plain body', () => ledger.post('/activities', '{}', { 'content-type': 'text/plain' }), 415],
    ['broken JSON', () => ledger.post('/activities', '{"title": ', { 'content-type': 'application/json' }), 400],
    ['a Content-Length longer than the body', () => ledger.post('/activities', JSON.stringify(activity), { 'content-type': 'application/json', 'content-length': '5' }), 400],
    ['a 120-character id on /volunteers/{id}/hours', () => ledger.post(`/volunteers/${long}/hours`, { servedOn: '2026-05-01', minutes: 1 }), 400],
    ['a 120-character stream id', () => ledger.get(`/streams/${long}`), 404],
    ['a 120-character job id', () => ledger.get(`/jobs/${long}`), 404],
    ['a 300-character path segment', () => ledger.get(`/activities/${'a'.repeat(300)}`), 414],
    ['a malformed percent-encoding', () => ledger.get('/activities/%E0%A4%A'), 400],
    ['multipart without a boundary', () => ledger.post('/imports?kind=activities', sheet.payload, { 'content-type': 'multipart/form-data' }), 400],
    ['multipart with a 300-character boundary', () => ledger.post('/imports?kind=activities', 'x', { 'content-type': `multipart/form-data; boundary=${'b'.repeat(300)}` }), 400],
    ['multipart cut short', () => ledger.post('/imports?kind=activities', sheet.payload.subarray(0, 60), { 'content-type': sheet.contentType }), 400],
    ['multipart with a field besides the file', () => ledger.post('/imports?kind=activities', '--B\r\nContent-Disposition: form-data; name="x"\r\n\r\n{"a":1}\r\n--B--\r\n', { 'content-type': 'multipart/form-data; boundary=B' }), 400],
    ['multipart with a deep JSON field', () => ledger.post('/imports?kind=activities', `--B\r\nContent-Disposition: form-data; name="x"\r\nContent-Type: application/json\r\n\r\n${'['.repeat(20_000)}${']'.repeat(20_000)}\r\n--B--\r\n`, { 'content-type': 'multipart/form-data; boundary=B' }), 400],
    ['multipart sent to a JSON route', () => ledger.post('/activities', sheet.payload, { 'content-type': sheet.contentType }), 400],
    ['no token', () => ledger.get('/stats/totals', { authorization: '' }), 401],
  ];

  it.each(cases)('%s', async (_name, send, status) => {
    const before = await ledger.head();
    expectProblem(await send(), status);
    expect(await ledger.head()).toBe(before);
  });

  it('405 names the methods the path takes', async () => {
    const reply = await ledger.request('PUT', '/api/v1/volunteers/v1/hours');
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
  });

  it('a request too broken to route gets a problem answer on the wire', async () => {
    await ledger.app.listen(0, '127.0.0.1');
    const { port } = ledger.app.getHttpServer().address() as AddressInfo;
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.write('NOT HTTP AT ALL\r\n\r\n');
    });
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(body)).toMatchObject({ status: 400, title: 'Bad Request', detail: expect.any(String) });
  });

  it('a bank statement for a campaign with a 64-character id starts a job readable at its Location', async () => {
    const campaignId = 'c'.repeat(64);
    await ledger.ok('/campaigns', { id: campaignId, name: '长编号活动', orgUnitId: 'city' });
    const started = await ledger.upload(`/bank-statements?campaignId=${campaignId}`, Buffer.from('交易日期,金额（元）,交易流水号\n2026-05-01,1.00,R1\n'), '流水.csv');
    expect(started.status).toBe(202);
    const job = await ledger.request('GET', String(started.headers.location));
    expect(job.status).toBe(200);
    expect(job.body.id).toBe(started.body.id);
    await ledger.finished(started.body.id);
    // The same file for the same campaign answers that job again.
    const again = await ledger.upload(`/bank-statements?campaignId=${campaignId}`, Buffer.from('交易日期,金额（元）,交易流水号\n2026-05-01,1.00,R1\n'), '流水.csv');
    expect(again.body).toMatchObject({ id: started.body.id, created: false });
  });

  it('a job id as long as the queue takes (200 characters) is readable at its own URL', async () => {
    const id = `job-${'x'.repeat(196)}`;
    await ledger.enqueueJob('import', id, {}, { actor: 'admin', orgUnitId: null });
    const job = await ledger.get(`/jobs/${encodeURIComponent(id)}`);
    expect(job.status).toBe(200);
    expect(job.body.id).toBe(id);
  });

  // Last: the block holds for every caller from this address, the admin included.
  it('throttled authentication answers 429 problem+json', async () => {
    const wrong = { authorization: 'Bearer not-a-token-0000' };
    let reply = await ledger.get('/stats/totals', wrong);
    for (let i = 0; i < 5 && reply.status !== 429; i++) reply = await ledger.get('/stats/totals', wrong);
    expectProblem(reply, 429);
    expect(reply.headers['retry-after']).toBeDefined();
  });
});
