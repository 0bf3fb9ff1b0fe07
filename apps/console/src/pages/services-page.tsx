import { useEffect, useState } from 'preact/hooks';
import { listServices } from '../api/naming-api.js';
import { ErrorNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { useNamespace } from '../lib/namespace-choice.js';
import { href } from '../lib/router.js';
import { useLoad } from '../lib/use-load.js';

const PAGE_SIZE = 20;
/** Instances come and go with heartbeats; the list follows without a manual reload. */
const REFRESH_MS = 3000;

export function ServicesPage() {
  const namespaceId = useNamespace();
  const [serviceName, setServiceName] = useState('');
  const [groupName, setGroupName] = useState('');
  const [pageNo, setPageNo] = useState(1);
  const services = useLoad(
    () =>
      listServices({
        namespaceId,
        serviceName: serviceName.trim(),
        groupName: groupName.trim(),
        pageNo,
        pageSize: PAGE_SIZE,
      }),
    [namespaceId, serviceName, groupName, pageNo],
  );
  const { reload } = services;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const count = services.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  return (
    <section>
      <PageTitle title="Services" />
      <form class="search" aria-label="Search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Service name
          <input
            type="search"
            value={serviceName}
            onInput={(e) => {
              setServiceName(e.currentTarget.value);
              setPageNo(1);
            }}
          />
        </label>
        <label>
          Group
          <input
            type="search"
            value={groupName}
            onInput={(e) => {
              setGroupName(e.currentTarget.value);
              setPageNo(1);
            }}
          />
        </label>
      </form>
      <ErrorNotice error={services.error} />
      <section class="scroll" aria-label="Services">
        <table>
          <caption class="sr-only">Services in this namespace</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Group</th>
              <th scope="col">Clusters</th>
              <th scope="col">Instances</th>
              <th scope="col">Healthy</th>
            </tr>
          </thead>
          <tbody>
            {services.data?.serviceList.map((s) => (
              <tr key={`${s.groupName}@@${s.name}`} data-service={s.name}>
                <td>
                  <a href={href('/services/detail', { group: s.groupName, name: s.name })}>{s.name}</a>
                </td>
                <td>{s.groupName}</td>
                <td class="num">{s.clusterCount}</td>
                <td class="num" data-field="instances">
                  {s.ipCount}
                </td>
                <td class="num" data-field="healthy">
                  <span class={s.healthyInstanceCount < s.ipCount ? 'warn' : undefined}>
                    {s.healthyInstanceCount}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {services.data && services.data.serviceList.length === 0 && <p>No services match.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={pageNo <= 1} onClick={() => setPageNo(pageNo - 1)}>
          Previous
        </button>
        <span>
          Page {pageNo} of {pages} ({count} services)
        </span>
        <button type="button" disabled={pageNo >= pages} onClick={() => setPageNo(pageNo + 1)}>
          Next
        </button>
      </nav>
    </section>
  );
}
