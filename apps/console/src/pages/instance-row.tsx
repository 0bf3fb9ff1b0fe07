import { useState } from 'preact/hooks';
import type { Instance, InstanceChange } from '../api/naming-api.js';
import { ErrorNotice } from '../components/notice.js';
import { metadataToText, textToMetadata } from '../lib/metadata-text.js';

export interface InstanceRowProps {
  readonly instance: Instance;
  readonly save: (instance: Instance, change: InstanceChange) => Promise<void>;
}

/** One instance: enable/disable at once, or edit weight and metadata in place. */
export function InstanceRow({ instance, save }: InstanceRowProps) {
  const [editing, setEditing] = useState(false);
  const [weight, setWeight] = useState(String(instance.weight));
  const [metadata, setMetadata] = useState(metadataToText(instance.metadata));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const label = `${instance.ip}:${instance.port}`;

  const apply = async (change: InstanceChange) => {
    setBusy(true);
    setError(undefined);
    try {
      await save(instance, change);
      setEditing(false);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const w = Number(weight);
    if (!Number.isFinite(w) || w < 0 || w > 10000) return setError('weight must be a number from 0 to 10000');
    try {
      void apply({ weight: w, enabled: instance.enabled, metadata: textToMetadata(metadata) });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <tr data-instance={label}>
      <td>{label}</td>
      <td>{instance.ephemeral ? 'ephemeral' : 'persistent'}</td>
      <td class="num">{instance.weight}</td>
      <td>
        <span class={instance.healthy ? 'ok' : 'warn'}>{instance.healthy ? 'healthy' : 'unhealthy'}</span>
      </td>
      <td data-field="enabled">{instance.enabled ? 'enabled' : 'disabled'}</td>
      <td class="metadata">
        {editing ? (
          <form class="form inline-form" onSubmit={submit}>
            <label>
              Weight
              <input
                type="number"
                min="0"
                max="10000"
                step="any"
                value={weight}
                onInput={(e) => setWeight(e.currentTarget.value)}
              />
            </label>
            <label>
              Metadata (key=value lines)
              <textarea rows={3} value={metadata} onInput={(e) => setMetadata(e.currentTarget.value)} />
            </label>
            <ErrorNotice error={error} />
            <div class="actions">
              <button type="submit" class="primary" disabled={busy}>
                Save
              </button>
              <button type="button" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <code>{metadataToText(instance.metadata) || '—'}</code>
        )}
      </td>
      <td class="actions">
        {!editing && (
          <>
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setWeight(String(instance.weight));
                setMetadata(metadataToText(instance.metadata));
                setEditing(true);
              }}
              aria-label={`Edit ${label}`}
            >
              Edit
            </button>
            <button
              type="button"
              disabled={busy}
              aria-label={`${instance.enabled ? 'Disable' : 'Enable'} ${label}`}
              onClick={() =>
                void apply({
                  weight: instance.weight,
                  enabled: !instance.enabled,
                  metadata: instance.metadata,
                })
              }
            >
              {instance.enabled ? 'Disable' : 'Enable'}
            </button>
            {!editing && <ErrorNotice error={error} />}
          </>
        )}
      </td>
    </tr>
  );
}
