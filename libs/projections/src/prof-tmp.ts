import { SqliteEventStore } from '../../event-store/src/sqlite/sqlite-event-store';
(async () => {
  const store = new SqliteEventStore(process.argv[2]);
  const t = process.hrtime.bigint();
  let after = 0, n = 0;
  for (;;) { const page = await store.readAll({ after, limit: 10000 }); if (!page.length) break; n += page.length; after = page[page.length - 1].position; if (n >= 300000) break; }
  console.log('readAll', n, (Number(process.hrtime.bigint() - t) / n).toFixed(0), 'ns/event');
  await store.close();
})();
