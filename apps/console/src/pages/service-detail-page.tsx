import { useCallback, useEffect } from 'preact/hooks';
import {
  getService,
  type Instance,
  type InstanceChange,
  listInstances,
  updateInstance,
} from '../api/naming-api.js';
import { ErrorNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { metadataToText } from '../lib/metadata-text.js';
import { useNamespace } from '../lib/namespace-choice.js';
import { href } from '../lib/router.js';
import { useLoad } from '../lib/use-load.js';
import { InstanceRow } from './instance-row.js';

const REFRESH_MS = 3000;

/** A service's settings and its instances, cluster by cluster. */
export function ServiceDetailPage({ group, name }: { readonly group: string; readonly name: string }) {
  const namespaceId = useNamespace();
  const detail = useLoad(async () => {
    const service = await getService(namespaceId, group, name);
    const clusters = await Promise.all(
      service.clusters.map(async (c) => ({
        name: c.name,
        checker: c.healthChecker.type,
        instances: (await listInstances(namespaceId, group, name, c.name)).list,
      })),
    );
    return { service: service.service, clusters };
  }, [namespaceId, group, name]);
  const { reload } = detail;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const save = useCallback(
    async (instance: Instance, change: InstanceChange) => {
      await updateInstance(namespaceId, group, name, instance, change);
      reload();
    },
    [namespaceId, group, name, reload],
  );

  const service = detail.data?.service;
  return (
    <section>
      <PageTitle title={`Service ${name}`}>
        <a href={href('/services')}>Back to services</a>
      </PageTitle>
      <ErrorNotice error={detail.error} />
      {service && (
        <dl class="facts">
          <dt>Group</dt>
          <dd>{service.groupName}</dd>
          <dt>Protect threshold</dt>
          <dd>{service.protectThreshold}</dd>
          <dt>Metadata</dt>
          <dd>
            <code>{metadataToText(service.metadata) || '—'}</code>
          </dd>
        </dl>
      )}
      {detail.data?.clusters.map((cluster) => (
        <section key={cluster.name} class="cluster">
          <h2>
            Cluster {cluster.name} <small>(health check {cluster.checker})</small>
          </h2>
          <section class="scroll" aria-label={`Instances of cluster ${cluster.name}`}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Weight</th>
                  <th scope="col">Health</th>
                  <th scope="col">State</th>
                  <th scope="col">Metadata</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {cluster.instances.map((instance) => (
                  <InstanceRow key={instance.instanceId} instance={instance} save={save} />
                ))}
              </tbody>
            </table>
          </section>
          {cluster.instances.length === 0 && <p>No instances.</p>}
        </section>
      ))}
      {detail.data && detail.data.clusters.length === 0 && <p>This service has no clusters yet.</p>}
    </section>
  );
}
