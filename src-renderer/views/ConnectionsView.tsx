import { cloneElement, useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { Connection, ConnectionStatus } from '../../src-shared/contract';
import type { SystemId } from '../../src-shared/domain/record-kinds';
import { SYSTEM_PROFILES, type SystemProfile } from '../../src-shared/domain/remotes';
import type { FieldErrors } from '../../src-shared/domain/validation';
import { client, errorFields, errorMessage, formErrorSummary } from '../core/client';
import { downloadText } from '../lib/download';
import { formatRelative, plural, STATE_LABELS, systemLabel } from '../lib/format';
import { useConnections } from '../stores/connections';
import { statusMessage, useSyncStatus } from '../stores/sync-status';
import { useFormShortcuts } from './shortcuts';

const PROFILES = Object.values(SYSTEM_PROFILES).filter((p): p is SystemProfile => Boolean(p));

type Editing = { mode: 'add' } | { mode: 'edit'; connection: Connection } | null;

/** Remote profiles: add, edit, check, pause, remove. */
export function ConnectionsView() {
  const connections = useConnections((s) => s.connections);
  const loaded = useConnections((s) => s.loaded);
  const error = useConnections((s) => s.error);
  const statuses = useSyncStatus((s) => s.statuses);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void useConnections.getState().load();
  }, []);

  return (
    <section className="page" aria-label="Connections">
      <header className="page-header">
        <h2>Connections</h2>
        <p className="muted">The remote systems BenchSync keeps a copy of. API keys are stored on this computer only and are never shown again.</p>
        {editing ? null : (
          <button
            type="button"
            className="button primary"
            onClick={() => {
              setNotice(null);
              setEditing({ mode: 'add' });
            }}
          >
            Add connection
          </button>
        )}
      </header>
      {error ? (
        <p className="error-box" role="alert">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {editing ? (
        <ConnectionForm
          key={editing.mode === 'edit' ? editing.connection.id : 'add'}
          connection={editing.mode === 'edit' ? editing.connection : null}
          onDone={(saved) => {
            setEditing(null);
            if (saved) setNotice(`Saved “${saved.name}”. BenchSync is fetching its records now.`);
          }}
        />
      ) : null}
      {loaded && connections.length === 0 && !editing ? <p className="empty">No connections yet. Add one to start.</p> : null}
      <ul className="connection-list">
        {connections.map((c) => (
          <ConnectionCard
            key={c.id}
            connection={c}
            status={statuses.find((s) => s.connectionId === c.id)}
            onEdit={() => {
              setNotice(null);
              setEditing({ mode: 'edit', connection: c });
            }}
            onRemoved={(message) => setNotice(message)}
          />
        ))}
      </ul>
    </section>
  );
}

function ConnectionCard({
  connection: c,
  status,
  onEdit,
  onRemoved,
}: {
  connection: Connection;
  status: ConnectionStatus | undefined;
  onEdit(): void;
  onRemoved(message: string): void;
}) {
  const [check, setCheck] = useState<{ ok: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<null | 'ask' | { pendingEdits: number }>(null);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = (discardPending: boolean) =>
    act(async () => {
      const result = await client.call('connections.remove', { id: c.id, discardPending });
      if (!result.removed) {
        setRemoving({ pendingEdits: result.pendingEdits });
        return;
      }
      setRemoving(null);
      onRemoved(
        `Removed “${c.name}”${result.pendingEdits > 0 ? ` and discarded ${plural(result.pendingEdits, 'unsent edit')}` : ''}. Its records are no longer on this computer.`,
      );
      await Promise.all([useConnections.getState().load(), useSyncStatus.getState().load()]);
    });

  const online = status ? status.online && status.state !== 'offline' : false;
  return (
    <li className="connection-card" aria-label={c.name}>
      <div className="connection-head">
        <div>
          <h3>{c.name}</h3>
          <p className="muted">
            {systemLabel(c.system)} · <span className="mono">{c.baseUrl}</span>
          </p>
        </div>
        <div className="connection-state">
          {c.paused ? (
            <span className="badge badge-paused">paused</span>
          ) : (
            <span className={`badge ${online ? 'badge-online' : 'badge-offline'}`}>{online ? 'online' : 'offline'}</span>
          )}
          {status && !c.paused ? <span className="muted small">{STATE_LABELS[status.state]}</span> : null}
        </div>
      </div>
      <dl className="connection-facts">
        <div>
          <dt>API key</dt>
          <dd>{c.hasKey ? 'stored' : 'missing'}</dd>
        </div>
        <div>
          <dt>Last refreshed</dt>
          <dd>{status?.lastPullAt ? formatRelative(status.lastPullAt) : 'not yet'}</dd>
        </div>
        <div>
          <dt>Waiting to send</dt>
          <dd>
            {status ? `${status.pending} pending${status.rejected ? `, ${status.rejected} rejected` : ''}${status.conflicts ? `, ${status.conflicts} in conflict` : ''}` : '—'}
          </dd>
        </div>
      </dl>
      {status && statusMessage(status) ? <p className="muted small">{statusMessage(status)}</p> : null}
      {check ? (
        <p className={check.ok ? 'notice notice-ok' : 'error-box'} role="status">
          {check.message}
        </p>
      ) : null}
      {error ? (
        <p className="error-box" role="alert">
          {error}
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              setCheck(null);
              setCheck(await client.call('connections.check', { id: c.id }));
            })
          }
        >
          {busy ? 'Working…' : 'Check connection'}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              await client.call('connections.setPaused', { id: c.id, paused: !c.paused });
              await useConnections.getState().load();
            })
          }
        >
          {c.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onEdit}>
          Edit
        </button>
        {removing === null ? (
          <button type="button" className="button danger" disabled={busy} onClick={() => setRemoving('ask')}>
            Remove
          </button>
        ) : null}
      </div>
      {removing === 'ask' ? (
        <div className="confirm" role="group" aria-label="Confirm removal">
          <p>Remove “{c.name}”? Its records are deleted from this computer (nothing is deleted on the server).</p>
          <button type="button" className="button danger" disabled={busy} onClick={() => void remove(false)}>
            Yes, remove
          </button>
          <button type="button" className="button" onClick={() => setRemoving(null)}>
            Cancel
          </button>
        </div>
      ) : removing ? (
        <div className="confirm confirm-warn" role="alert" aria-label="Unsent edits">
          <p>
            “{c.name}” has {plural(removing.pendingEdits, 'edit')} not yet sent to the server. Removing it discards them for good.
          </p>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                const copy = await client.call('outbox.export', { connectionId: c.id });
                downloadText(copy.filename, copy.json, 'application/json');
              })
            }
          >
            Save a copy of the edits
          </button>
          <button type="button" className="button danger" disabled={busy} onClick={() => void remove(true)}>
            Discard {plural(removing.pendingEdits, 'edit')} and remove
          </button>
          <button type="button" className="button" onClick={() => setRemoving(null)}>
            Keep the connection
          </button>
        </div>
      ) : null}
    </li>
  );
}

function ConnectionForm({ connection, onDone }: { connection: Connection | null; onDone(saved: Connection | null): void }) {
  const [system, setSystem] = useState<SystemId>(connection?.system ?? PROFILES[0]?.system ?? 'catalog');
  const profile = SYSTEM_PROFILES[system];
  const [name, setName] = useState(connection?.name ?? profile?.label ?? '');
  const [baseUrl, setBaseUrl] = useState(connection?.baseUrl ?? profile?.defaultBaseUrl ?? '');
  const [settings, setSettings] = useState<Record<string, string>>(connection?.settings ?? {});
  // Write-only: never prefilled; empty keeps the stored key.
  const [apiKey, setApiKey] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const touched = useRef({ name: Boolean(connection), baseUrl: Boolean(connection) });

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('select:not([disabled]), input')?.focus();
  }, []);

  const chooseSystem = (next: SystemId) => {
    setSystem(next);
    const p = SYSTEM_PROFILES[next];
    if (!p) return;
    if (!touched.current.name) setName(p.label);
    if (!touched.current.baseUrl) setBaseUrl(p.defaultBaseUrl);
  };

  const save = async () => {
    if (saving) return;
    setSaving(true);
    setErrors({});
    setMessage(null);
    try {
      const saved = await client.call('connections.save', {
        ...(connection ? { id: connection.id } : {}),
        system,
        name,
        baseUrl,
        settings,
        ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
      });
      setApiKey('');
      await Promise.all([useConnections.getState().load(), useSyncStatus.getState().load()]);
      onDone(saved);
    } catch (error) {
      const settingNames = (profile?.settings ?? []).flatMap((x) => [x.name, `settings.${x.name}`]);
      setErrors(errorFields(error));
      setMessage(formErrorSummary(error, ['system', 'name', 'baseUrl', 'apiKey', ...settingNames]));
    } finally {
      setSaving(false);
    }
  };
  useFormShortcuts(() => void save(), () => onDone(null));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  const err = (field: string) => errors[field] ?? errors[`settings.${field}`];

  return (
    <form ref={formRef} className="connection-form" onSubmit={onSubmit} noValidate aria-label={connection ? `Edit ${connection.name}` : 'Add connection'}>
      <h3>{connection ? `Edit “${connection.name}”` : 'Add a connection'}</h3>
      {message ? (
        <p className="error-box" role="alert">
          {message}
        </p>
      ) : null}
      <Field id="conn-system" label="System" errors={err('system')}>
        <select id="conn-system" value={system} disabled={Boolean(connection)} onChange={(e) => chooseSystem(e.target.value as SystemId)}>
          {PROFILES.map((p) => (
            <option key={p.system} value={p.system}>
              {p.label}
            </option>
          ))}
        </select>
      </Field>
      <Field id="conn-name" label="Name" errors={err('name')} help="How this connection is shown in BenchSync.">
        <input
          id="conn-name"
          type="text"
          value={name}
          onChange={(e) => {
            touched.current.name = true;
            setName(e.target.value);
          }}
          autoComplete="off"
        />
      </Field>
      <Field id="conn-url" label="Base URL" errors={err('baseUrl')} help={profile ? `${profile.label}'s API; the public service is ${profile.defaultBaseUrl}` : undefined}>
        <input
          id="conn-url"
          type="url"
          value={baseUrl}
          onChange={(e) => {
            touched.current.baseUrl = true;
            setBaseUrl(e.target.value);
          }}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      {(profile?.settings ?? []).map((s) =>
        // Checkbox settings are stored as 'yes' or ''.
        (s as { input?: string }).input === 'checkbox' ? (
          <Field key={s.name} id={`conn-setting-${s.name}`} label={s.label} errors={err(s.name)} help={s.help} inline>
            <input
              id={`conn-setting-${s.name}`}
              type="checkbox"
              checked={settings[s.name] === 'yes'}
              onChange={(e) => setSettings((x) => ({ ...x, [s.name]: e.target.checked ? 'yes' : '' }))}
            />
          </Field>
        ) : (
          <Field key={s.name} id={`conn-setting-${s.name}`} label={s.label} errors={err(s.name)} help={s.help}>
            <input
              id={`conn-setting-${s.name}`}
              type="text"
              value={settings[s.name] ?? ''}
              aria-required={s.required || undefined}
              onChange={(e) => setSettings((x) => ({ ...x, [s.name]: e.target.value }))}
              autoComplete="off"
            />
          </Field>
        ),
      )}
      <Field
        id="conn-key"
        label="API key"
        errors={err('apiKey')}
        help={connection?.hasKey ? 'A key is stored. Leave empty to keep the stored key, or type a new one to replace it.' : 'Stored on this computer only; it is never shown again.'}
      >
        <input id="conn-key" type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="new-password" spellCheck={false} />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save connection'}
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Cancel
        </button>
        <span className="muted small">Ctrl+Enter saves · Esc cancels</span>
      </div>
    </form>
  );
}

type Describable = ReactElement<{ 'aria-describedby'?: string; 'aria-invalid'?: boolean }>;

function Field({
  id,
  label,
  help,
  errors,
  inline,
  children,
}: {
  id: string;
  label: string;
  help?: string;
  errors?: string[];
  /** Checkbox first, label beside it. */
  inline?: boolean;
  children: Describable;
}) {
  const describedBy = [help ? `${id}-help` : '', errors?.length ? `${id}-errors` : ''].filter(Boolean).join(' ') || undefined;
  const input = cloneElement(children, { 'aria-describedby': describedBy, 'aria-invalid': errors?.length ? true : undefined });
  return (
    <div className={`form-field${errors?.length ? ' has-error' : ''}`}>
      {inline ? (
        <div className="inline-field">
          {input}
          <label htmlFor={id} className="field-label">
            {label}
          </label>
        </div>
      ) : (
        <>
          <label htmlFor={id} className="field-label">
            {label}
          </label>
          {input}
        </>
      )}
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      {errors?.length ? (
        <ul id={`${id}-errors`} className="field-errors">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
