import type { Storage } from '@reg/storage';

/** Everything the config center keeps in a store, in a comparable form. */
export async function dumpConfigState(storage: Storage, tenants: readonly string[]) {
  const configs = [];
  for (const tenant of tenants) {
    const page = await storage.configs.search({ tenant, mode: 'accurate' }, { pageNo: 1, pageSize: 1000 });
    configs.push(...page.pageItems);
  }
  const history = [];
  for (let nid = 1; ; nid++) {
    const row = await storage.history.get(nid);
    if (row === undefined) break;
    history.push(row);
  }
  return { configs, history, namespaces: await storage.namespaces.list() };
}
