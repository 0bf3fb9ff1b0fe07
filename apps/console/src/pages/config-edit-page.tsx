import { useEffect, useState } from 'preact/hooks';
import { CONFIG_TYPES, getConfig, publishConfig } from '../api/config-api.js';
import { CodeEditor } from '../components/code-editor.js';
import { ErrorNotice, StatusNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { useNamespace } from '../lib/namespace-choice.js';
import { href, navigate } from '../lib/router.js';

/**
 * Creates a config (no dataId in the address) or edits one. An edit publishes with the md5 it
 * started from, so a change made elsewhere meanwhile is refused instead of overwritten.
 */
export function ConfigEditPage({
  dataId: initialDataId,
  group: initialGroup,
}: {
  dataId?: string;
  group?: string;
}) {
  const tenant = useNamespace();
  const creating = initialDataId === undefined;
  const [dataId, setDataId] = useState(initialDataId ?? '');
  const [group, setGroup] = useState(initialGroup ?? 'DEFAULT_GROUP');
  const [type, setType] = useState('text');
  const [desc, setDesc] = useState('');
  const [content, setContent] = useState('');
  const [md5, setMd5] = useState<string>();
  const [loaded, setLoaded] = useState(creating);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (creating) return;
    let current = true;
    getConfig({ tenant, dataId: initialDataId, group: initialGroup ?? '' }).then(
      (config) => {
        if (!current) return;
        if (!config) {
          setError(`${initialDataId} (${initialGroup}) does not exist in this namespace.`);
          return;
        }
        setType(config.type ?? 'text');
        setDesc(config.desc ?? '');
        setContent(config.content);
        setMd5(config.md5);
        setLoaded(true);
      },
      (err: Error) => current && setError(err.message),
    );
    return () => {
      current = false;
    };
  }, [creating, tenant, initialDataId, initialGroup]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (content.trim() === '') return setError('The content must not be blank.');
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      await publishConfig({
        tenant,
        dataId: dataId.trim(),
        group: group.trim(),
        content,
        type,
        desc,
        casMd5: md5,
      });
      const saved = await getConfig({ tenant, dataId: dataId.trim(), group: group.trim() });
      setMd5(saved?.md5);
      setStatus('Published.');
      if (creating) navigate('/configs/edit', { dataId: dataId.trim(), group: group.trim() }, true);
    } catch (err) {
      const message = (err as Error).message;
      setError(
        message.includes('Cas publish fail')
          ? 'Someone changed this configuration since you opened it; reload it before publishing.'
          : message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageTitle title={creating ? 'Create configuration' : `Edit ${initialDataId}`}>
        <span class="links">
          {!creating && <a href={href('/configs/history', { dataId: dataId, group })}>History</a>}
          <a href={href('/configs')}>Back to configurations</a>
        </span>
      </PageTitle>
      <form class="form" onSubmit={submit}>
        <div class="form-row">
          <label>
            Data ID
            <input
              required
              readOnly={!creating}
              value={dataId}
              onInput={(e) => setDataId(e.currentTarget.value)}
            />
          </label>
          <label>
            Group
            <input
              required
              readOnly={!creating}
              value={group}
              onInput={(e) => setGroup(e.currentTarget.value)}
            />
          </label>
          <label>
            Type
            <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
              {CONFIG_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          Description
          <input value={desc} maxLength={128} onInput={(e) => setDesc(e.currentTarget.value)} />
        </label>
        <span id="content-label" class="label">
          Content
        </span>
        {loaded && (
          <CodeEditor initialValue={content} type={type} labelId="content-label" onChange={setContent} />
        )}
        <ErrorNotice error={error} />
        <StatusNotice>{status}</StatusNotice>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !loaded}>
            {busy ? 'Publishing…' : 'Publish'}
          </button>
        </div>
      </form>
    </section>
  );
}
