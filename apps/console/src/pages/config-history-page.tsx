import { useState } from 'preact/hooks';
import { type ConfigKey, getConfig, getHistoryRow, type HistoryRow, listHistory } from '../api/config-api.js';
import { DiffView } from '../components/diff-view.js';
import { ErrorNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { useNamespace } from '../lib/namespace-choice.js';
import { href } from '../lib/router.js';
import { useLoad } from '../lib/use-load.js';

/** What each history row holds, as Nacos records it. */
const OPERATIONS: Record<string, string> = {
  I: 'created (content as created)',
  U: 'updated (content before the update)',
  D: 'deleted (content as deleted)',
};

interface Comparison {
  readonly row: HistoryRow;
  readonly current: string | undefined;
}

/** The change log of one config, newest first; any row can be compared with the current content. */
export function ConfigHistoryPage({ dataId, group }: { readonly dataId: string; readonly group: string }) {
  const tenant = useNamespace();
  const key: ConfigKey = { tenant, dataId, group };
  const [pageNo, setPageNo] = useState(1);
  const [comparison, setComparison] = useState<Comparison>();
  const [error, setError] = useState<string>();
  const history = useLoad(() => listHistory(key, pageNo), [tenant, dataId, group, pageNo]);

  const compare = async (nid: string) => {
    setError(undefined);
    try {
      const [row, current] = await Promise.all([getHistoryRow(key, nid), getConfig(key)]);
      setComparison({ row, current: current?.content });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const pages = Math.max(1, history.data?.pagesAvailable ?? 1);
  return (
    <section>
      <PageTitle title={`History of ${dataId}`}>
        <span class="links">
          <a href={href('/configs/edit', { dataId, group })}>Edit</a>
          <a href={href('/configs')}>Back to configurations</a>
        </span>
      </PageTitle>
      <p>Group {group}</p>
      <ErrorNotice error={error ?? history.error} />
      <section class="scroll" aria-label="History">
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Operation</th>
              <th scope="col">When</th>
              <th scope="col">By</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {history.data?.pageItems.map((row) => (
              <tr
                key={row.id}
                data-history={row.id}
                class={comparison?.row.id === row.id ? 'selected' : undefined}
              >
                <td class="num">{row.id}</td>
                <td>{OPERATIONS[row.opType.trim()] ?? row.opType}</td>
                <td>{formatTime(row.lastModifiedTime)}</td>
                <td>{row.srcUser ?? row.srcIp ?? ''}</td>
                <td class="actions">
                  <button
                    type="button"
                    onClick={() => void compare(row.id)}
                    aria-label={`Compare version ${row.id} with current`}
                  >
                    Compare with current
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {history.data && history.data.pageItems.length === 0 && <p>No history for this configuration.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={pageNo <= 1} onClick={() => setPageNo(pageNo - 1)}>
          Newer
        </button>
        <span>
          Page {pageNo} of {pages}
        </span>
        <button type="button" disabled={pageNo >= pages} onClick={() => setPageNo(pageNo + 1)}>
          Older
        </button>
      </nav>
      {comparison && (
        <section aria-label="Comparison">
          <h2>Version {comparison.row.id} compared with the current content</h2>
          {comparison.current === undefined && (
            <p>The configuration no longer exists; the current side is empty.</p>
          )}
          <DiffView
            oldText={comparison.row.content ?? ''}
            newText={comparison.current ?? ''}
            oldLabel={`version ${comparison.row.id}`}
            newLabel="current"
          />
        </section>
      )}
    </section>
  );
}

function formatTime(text: string): string {
  const time = Date.parse(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(time) ? text : new Date(time).toLocaleString();
}
