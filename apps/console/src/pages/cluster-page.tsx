import { useEffect, useState } from 'preact/hooks';
import { listMembers, raftOf } from '../api/cluster-api.js';
import { ErrorNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { useLoad } from '../lib/use-load.js';

/** The member table follows health reports and Raft state; two seconds is the report interval. */
const REFRESH_MS = 2000;

export function ClusterPage() {
  const members = useLoad(listMembers, []);
  const [now, setNow] = useState(Date.now());
  const { reload } = members;
  useEffect(() => {
    const timer = setInterval(() => {
      reload();
      setNow(Date.now());
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const list = members.data ?? [];
  const leaders = list.filter((m) => m.state !== 'DOWN' && raftOf(m).role === 'LEADER');
  const up = list.filter((m) => m.state === 'UP').length;
  return (
    <section>
      <PageTitle title="Cluster nodes" />
      <p class="summary" aria-live="polite">
        {list.length} members, {up} up;{' '}
        {leaders.length === 1 ? (
          <>
            leader <strong data-field="leader">{leaders[0]!.address}</strong> (term {raftOf(leaders[0]!).term}
            )
          </>
        ) : leaders.length === 0 ? (
          <strong class="warn">no leader</strong>
        ) : (
          <strong class="warn">
            {leaders.length} members claim leadership (terms differ; the newest wins)
          </strong>
        )}
        . Refreshes every 2 s.
      </p>
      <ErrorNotice error={members.error} />
      <section class="scroll" aria-label="Members">
        <table>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">State</th>
              <th scope="col">Raft role</th>
              <th scope="col">Term</th>
              <th scope="col">Commit index</th>
              <th scope="col">Applied index</th>
              <th scope="col">Leader</th>
              <th scope="col">Last contact</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {list.map((m) => {
              const raft = raftOf(m);
              return (
                <tr key={m.address} data-member={m.address}>
                  <td>{m.address}</td>
                  <td data-field="state">
                    <span class={`state state-${m.state.toLowerCase()}`}>{m.state}</span>
                  </td>
                  <td data-field="role">{raft.role ?? '—'}</td>
                  <td class="num">{raft.term ?? '—'}</td>
                  <td class="num">{raft.commitIndex ?? '—'}</td>
                  <td class="num">{raft.appliedIndex ?? '—'}</td>
                  <td>{raft.leaderMember ?? '—'}</td>
                  <td>{ago(m.extendInfo.lastRefreshTime, now)}</td>
                  <td>{m.extendInfo.regVersion ?? m.extendInfo.version ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </section>
  );
}

function ago(time: number | undefined, now: number): string {
  if (time === undefined) return '—';
  const seconds = Math.max(0, (now - time) / 1000);
  if (seconds < 60) return `${seconds.toFixed(1)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return new Date(time).toLocaleString();
}
