import { useState } from 'preact/hooks';
import {
  createNamespace,
  deleteNamespace,
  listNamespaces,
  type Namespace,
  updateNamespace,
} from '../api/namespace-api.js';
import { ErrorNotice, StatusNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { chooseNamespace, useNamespace } from '../lib/namespace-choice.js';
import { useLoad } from '../lib/use-load.js';

export function NamespacesPage() {
  const namespaces = useLoad(listNamespaces, []);
  const chosen = useNamespace();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [desc, setDesc] = useState('');
  const [editing, setEditing] = useState<Namespace>();
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();

  const run = async (action: () => Promise<void>, done: string) => {
    setError(undefined);
    setStatus(undefined);
    try {
      await action();
      setStatus(done);
      namespaces.reload();
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const ok = editing
      ? await run(() => updateNamespace(editing.namespace, name.trim(), desc), `Updated ${name.trim()}.`)
      : await run(() => createNamespace(id.trim(), name.trim(), desc), `Created ${name.trim()}.`);
    if (ok) {
      setEditing(undefined);
      setId('');
      setName('');
      setDesc('');
    }
  };

  return (
    <section>
      <PageTitle title="Namespaces" />
      <StatusNotice>{status}</StatusNotice>
      <ErrorNotice error={error ?? namespaces.error} />
      <section class="scroll" aria-label="Namespaces">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">ID</th>
              <th scope="col">Configurations</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {namespaces.data?.map((ns) => (
              <tr key={ns.namespace} data-namespace={ns.namespace}>
                <td>{ns.namespaceShowName}</td>
                <td>
                  <code>{ns.namespace || '(public)'}</code>
                </td>
                <td class="num">
                  {ns.configCount} / {ns.quota}
                </td>
                <td class="actions">
                  {chosen === ns.namespace ? (
                    <span>Current</span>
                  ) : (
                    <button
                      type="button"
                      onClick={() => chooseNamespace(ns.namespace)}
                      aria-label={`Work in ${ns.namespaceShowName}`}
                    >
                      Use
                    </button>
                  )}
                  {ns.type !== 0 && (
                    <>
                      <button
                        type="button"
                        aria-label={`Edit ${ns.namespaceShowName}`}
                        onClick={() => {
                          setEditing(ns);
                          setName(ns.namespaceShowName);
                          setDesc(ns.namespaceDesc ?? '');
                        }}
                      >
                        Edit
                      </button>
                      {confirming === ns.namespace ? (
                        <button
                          type="button"
                          class="danger"
                          onClick={() => {
                            setConfirming(undefined);
                            if (chosen === ns.namespace) chooseNamespace('');
                            void run(() => deleteNamespace(ns.namespace), `Deleted ${ns.namespaceShowName}.`);
                          }}
                        >
                          Confirm delete
                        </button>
                      ) : (
                        <button
                          type="button"
                          aria-label={`Delete ${ns.namespaceShowName}`}
                          onClick={() => setConfirming(ns.namespace)}
                        >
                          Delete
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <h2>{editing ? `Edit ${editing.namespaceShowName}` : 'Create a namespace'}</h2>
      <form class="form" onSubmit={submit}>
        {!editing && (
          <label>
            ID (blank for a generated one)
            <input
              value={id}
              pattern="[\w\-]*"
              maxLength={128}
              onInput={(e) => setId(e.currentTarget.value)}
            />
          </label>
        )}
        <label>
          Name
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Description
          <input value={desc} onInput={(e) => setDesc(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="submit" class="primary">
            {editing ? 'Save' : 'Create'}
          </button>
          {editing && (
            <button type="button" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
