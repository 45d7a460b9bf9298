import { cloneElement, useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { CheckResult, Connection } from '../../src-shared/contract';
import type { SystemId } from '../../src-shared/domain/record-kinds';
import { SYSTEM_PROFILES, type SystemProfile } from '../../src-shared/domain/remotes';
import type { FieldErrors } from '../../src-shared/domain/validation';
import { client, errorFields, errorMessage, formErrorSummary } from '../core/client';
import { useConnections } from '../stores/connections';
import { useSyncStatus } from '../stores/sync-status';
import { useFormShortcuts } from './shortcuts';
import { Help } from './FieldInput';

const PROFILES = Object.values(SYSTEM_PROFILES).filter((p): p is SystemProfile => Boolean(p));

/**
 * Add or edit a connection: system, name, base URL, the system's settings, and a write-only API
 * key. Saving checks the connection at once: a refused key or a URL that is not this system keeps
 * the form open with the server's words, to fix and save again, keep as it is, or (new) remove.
 */
export function ConnectionForm({
  connection,
  onDone,
}: {
  connection: Connection | null;
  onDone(saved: Connection | null, check: CheckResult | null): void;
}) {
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
  /** Saved, but its check failed: what was saved and what the server said. */
  const [failed, setFailed] = useState<{ saved: Connection; check: CheckResult } | null>(null);
  // Once saved, saving again edits that connection (never a second one).
  const current = failed?.saved ?? connection;
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
        ...(current ? { id: current.id } : {}),
        system,
        name,
        baseUrl,
        settings,
        ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
      });
      setApiKey('');
      const check = await checkSaved(saved);
      await Promise.all([useConnections.getState().load(), useSyncStatus.getState().load()]);
      if (check.outcome === 'refused' || check.outcome === 'failed') {
        setFailed({ saved, check });
        return;
      }
      setFailed(null);
      onDone(saved, check);
    } catch (error) {
      const settingNames = (profile?.settings ?? []).flatMap((x) => [x.name, `settings.${x.name}`]);
      setErrors(errorFields(error));
      setMessage(formErrorSummary(error, ['system', 'name', 'baseUrl', 'apiKey', ...settingNames]));
    } finally {
      setSaving(false);
    }
  };
  const close = () => (failed ? onDone(failed.saved, failed.check) : onDone(null, null));
  useFormShortcuts(() => void save(), close);

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
      {failed ? (
        <div className="error-box" role="alert" aria-label="Check failed">
          <p>
            Saved “{failed.saved.name}”, but the check failed: {failed.check.message}
          </p>
          <p>Correct the key, URL or settings and save again, or keep it as it is (it waits until the server accepts it).</p>
          <div className="actions">
            <button type="button" className="button" onClick={() => onDone(failed.saved, failed.check)}>
              Keep it anyway
            </button>
            {connection ? null : (
              <button
                type="button"
                className="button danger"
                onClick={() =>
                  void client
                    .call('connections.remove', { id: failed.saved.id, discardPending: false })
                    .then(() => Promise.all([useConnections.getState().load(), useSyncStatus.getState().load()]))
                    .then(() => onDone(null, null), (e: unknown) => setMessage(errorMessage(e)))
                }
              >
                Remove it
              </button>
            )}
          </div>
        </div>
      ) : null}
      <Field id="conn-system" label="System" errors={err('system')}>
        <select id="conn-system" value={system} disabled={Boolean(current)} onChange={(e) => chooseSystem(e.target.value as SystemId)}>
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
        help={current?.hasKey ? 'A key is stored. Leave empty to keep the stored key, or type a new one to replace it.' : 'Stored on this computer only; it is never shown again.'}
      >
        <input id="conn-key" type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="new-password" spellCheck={false} />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save connection'}
        </button>
        <button type="button" className="button" onClick={close}>
          {failed ? 'Close' : 'Cancel'}
        </button>
        <span className="muted small">Ctrl+Enter saves · Esc cancels</span>
      </div>
    </form>
  );
}

/** The check right after saving; a check that could not be made says so rather than failing the save. */
async function checkSaved(saved: Connection): Promise<CheckResult> {
  try {
    return await client.call('connections.check', { id: saved.id });
  } catch (error) {
    return { ok: false, outcome: 'not_checked', message: errorMessage(error) };
  }
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
      <Help id={id} help={help} errors={errors} />
    </div>
  );
}
