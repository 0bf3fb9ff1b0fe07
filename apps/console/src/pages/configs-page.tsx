import { useState } from 'preact/hooks';
import { type ConfigItem, deleteConfig, searchConfigs } from '../api/config-api.js';
import { ErrorNotice, StatusNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { useNamespace } from '../lib/namespace-choice.js';
import { href } from '../lib/router.js';
import { useLoad } from '../lib/use-load.js';

const PAGE_SIZE = 20;

export function ConfigsPage() {
  const tenant = useNamespace();
  const [dataId, setDataId] = useState('');
  const [group, setGroup] = useState('');
  const [pageNo, setPageNo] = useState(1);
  const [confirming, setConfirming] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const configs = useLoad(
    () => searchConfigs(tenant, dataId.trim(), group.trim(), pageNo, PAGE_SIZE),
    [tenant, dataId, group, pageNo],
  );

  const remove = async (item: ConfigItem) => {
    setError(undefined);
    try {
      await deleteConfig({ tenant, dataId: item.dataId, group: item.group });
      setStatus(`Deleted ${item.dataId} (${item.group}).`);
      setConfirming(undefined);
      configs.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const pages = Math.max(1, configs.data?.pagesAvailable ?? 1);
  return (
    <section>
      <PageTitle title="Configurations">
        <a class="button primary" href={href('/configs/edit')}>
          Create configuration
        </a>
      </PageTitle>
      <form class="search" aria-label="Search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Data ID
          <input
            type="search"
            value={dataId}
            onInput={(e) => {
              setDataId(e.currentTarget.value);
              setPageNo(1);
            }}
          />
        </label>
        <label>
          Group
          <input
            type="search"
            value={group}
            onInput={(e) => {
              setGroup(e.currentTarget.value);
              setPageNo(1);
            }}
          />
        </label>
      </form>
      <StatusNotice>{status}</StatusNotice>
      <ErrorNotice error={error ?? configs.error} />
      <section class="scroll" aria-label="Configurations">
        <table>
          <thead>
            <tr>
              <th scope="col">Data ID</th>
              <th scope="col">Group</th>
              <th scope="col">Type</th>
              <th scope="col">Application</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {configs.data?.pageItems.map((item) => {
              const key = { dataId: item.dataId, group: item.group };
              const rowKey = `${item.group}/${item.dataId}`;
              return (
                <tr key={rowKey} data-config={item.dataId}>
                  <td>
                    <a href={href('/configs/edit', key)}>{item.dataId}</a>
                  </td>
                  <td>{item.group}</td>
                  <td>{item.type ?? 'text'}</td>
                  <td>{item.appName}</td>
                  <td class="actions">
                    <a href={href('/configs/edit', key)} aria-label={`Edit ${item.dataId}`}>
                      Edit
                    </a>
                    <a href={href('/configs/history', key)} aria-label={`History of ${item.dataId}`}>
                      History
                    </a>
                    {confirming === rowKey ? (
                      <>
                        <button type="button" class="danger" onClick={() => void remove(item)}>
                          Confirm delete
                        </button>
                        <button type="button" onClick={() => setConfirming(undefined)}>
                          Cancel
                        </button>
                      </>
                    ) : (
                      <button
                        type="button"
                        aria-label={`Delete ${item.dataId}`}
                        onClick={() => setConfirming(rowKey)}
                      >
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {configs.data && configs.data.pageItems.length === 0 && <p>No configurations match.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={pageNo <= 1} onClick={() => setPageNo(pageNo - 1)}>
          Previous
        </button>
        <span>
          Page {pageNo} of {pages} ({configs.data?.totalCount ?? 0} configurations)
        </span>
        <button type="button" disabled={pageNo >= pages} onClick={() => setPageNo(pageNo + 1)}>
          Next
        </button>
      </nav>
    </section>
  );
}
