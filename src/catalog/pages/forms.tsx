import type { VNode } from 'preact';
import type { FieldProblem } from '../../core/errors.js';
import { Csrf, ErrorSummary, type PageCtx } from '../../core/http/render.js';
import type { GroupRow, LicenceRow, OrgRow } from '../store.js';
import { UPLOAD_MAX_BYTES } from '../uploads.js';
import { FieldError, groupName, licenceName, orgName } from './components.js';

export interface DatasetFormValues {
  title: string;
  name: string;
  notes: string;
  owner_org: string;
  license_id: string;
  groups: string[];
  tag_string: string;
  frequency: string;
  author: string;
  author_email: string;
  maintainer: string;
  maintainer_email: string;
  url: string;
  version: string;
  private: boolean;
  state: 'active' | 'draft';
}

export const emptyDatasetForm = (org = ''): DatasetFormValues => ({
  title: '',
  name: '',
  notes: '',
  owner_org: org,
  license_id: 'cc-by-4.0',
  groups: [],
  tag_string: '',
  frequency: '',
  author: '',
  author_email: '',
  maintainer: '',
  maintainer_email: '',
  url: '',
  version: '',
  private: false,
  state: 'active',
});

/** A form field of an issue path. */
export function datasetField(path: string): string {
  const head = path.split('.')[0]!;
  if (head === 'tags' || head === 'tag_string') return 'tag_string';
  if (head === 'extras' || head === 'extras_validation') return 'frequency';
  if (head === 'groups') return 'groups';
  return head;
}

export function resourceField(path: string): string {
  const parts = path.split('.');
  const last = parts[0] === 'resources' ? (parts[2] ?? 'url') : parts[0]!;
  return ['name', 'description', 'format', 'url', 'upload'].includes(last) ? last : 'url';
}

function Text({ ctx, id, label, value, errors, hint, type = 'text', required, autocomplete }: { ctx: PageCtx; id: string; label: string; value: string; errors: FieldProblem[]; hint?: string; type?: string; required?: boolean; autocomplete?: string }): VNode {
  void ctx;
  const err = errors.some((e) => e.field === id);
  const describedBy = [hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={err ? 'has-error' : undefined}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError errors={errors} field={id} />
      <input id={id} name={id} type={type} value={value} required={required} aria-invalid={err ? 'true' : undefined} aria-describedby={describedBy} autocomplete={autocomplete} />
    </div>
  );
}

export interface DatasetFormProps {
  ctx: PageCtx;
  heading: string;
  action: string;
  cancel: string;
  values: DatasetFormValues;
  errors: FieldProblem[];
  orgs: OrgRow[];
  licences: LicenceRow[];
  groups: GroupRow[];
}

export function DatasetForm({ ctx, heading, action, cancel, values: v, errors, orgs, licences, groups }: DatasetFormProps): VNode {
  const { t, lang } = ctx;
  const err = (f: string) => errors.some((e) => e.field === f);
  return (
    <>
      <h1>{heading}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={action} class="stack" novalidate>
        <Csrf ctx={ctx} />
        <Text ctx={ctx} id="title" label={t('catalog.form.title')} value={v.title} errors={errors} required />
        <Text ctx={ctx} id="name" label={t('catalog.form.name')} value={v.name} errors={errors} hint={t('catalog.form.name.hint')} required />
        <div class={err('notes') ? 'has-error' : undefined}>
          <label for="notes">{t('catalog.form.notes')}</label>
          <FieldError errors={errors} field="notes" />
          <textarea id="notes" name="notes" rows={6}>
            {v.notes}
          </textarea>
        </div>
        <div class={err('owner_org') ? 'has-error' : undefined}>
          <label for="owner_org">{t('catalog.form.org')}</label>
          <FieldError errors={errors} field="owner_org" />
          <select id="owner_org" name="owner_org" required>
            {orgs.map((o) => (
              <option value={o.id} selected={v.owner_org === o.id}>
                {orgName(lang, o)}
              </option>
            ))}
          </select>
        </div>
        <div class={err('license_id') ? 'has-error' : undefined}>
          <label for="license_id">{t('catalog.form.licence')}</label>
          <FieldError errors={errors} field="license_id" />
          <select id="license_id" name="license_id">
            <option value="" selected={!v.license_id}>
              {t('catalog.form.licence.none')}
            </option>
            {licences.map((l) => (
              <option value={l.id} selected={v.license_id === l.id}>
                {licenceName(lang, l)}
              </option>
            ))}
          </select>
        </div>
        <fieldset id="groups" class={err('groups') ? 'has-error checkbox-group' : 'checkbox-group'}>
          <legend>{t('catalog.form.groups')}</legend>
          <FieldError errors={errors} field="groups" />
          <ul>
            {groups.map((g, i) => (
              <li>
                <input type="checkbox" id={`group-${i}`} name="groups" value={g.id} checked={v.groups.includes(g.id)} />
                <label for={`group-${i}`}>{groupName(lang, g)}</label>
              </li>
            ))}
          </ul>
        </fieldset>
        <Text ctx={ctx} id="tag_string" label={t('catalog.form.tags')} value={v.tag_string} errors={errors} hint={t('catalog.form.tags.hint')} />
        <Text ctx={ctx} id="frequency" label={t('catalog.form.frequency')} value={v.frequency} errors={errors} hint={t('catalog.form.frequency.hint')} />
        <Text ctx={ctx} id="maintainer" label={t('catalog.form.maintainer')} value={v.maintainer} errors={errors} />
        <Text ctx={ctx} id="maintainer_email" label={t('catalog.form.maintainerEmail')} value={v.maintainer_email} errors={errors} type="email" autocomplete="off" />
        <Text ctx={ctx} id="author" label={t('catalog.form.author')} value={v.author} errors={errors} />
        <Text ctx={ctx} id="author_email" label={t('catalog.form.authorEmail')} value={v.author_email} errors={errors} type="email" autocomplete="off" />
        <Text ctx={ctx} id="url" label={t('catalog.form.url')} value={v.url} errors={errors} type="url" />
        <Text ctx={ctx} id="version" label={t('catalog.form.version')} value={v.version} errors={errors} />
        <div class={err('state') ? 'has-error' : undefined}>
          <label for="state">{t('catalog.form.state')}</label>
          <FieldError errors={errors} field="state" />
          <select id="state" name="state">
            <option value="active" selected={v.state === 'active'}>
              {t('catalog.state.active')}
            </option>
            <option value="draft" selected={v.state === 'draft'}>
              {t('catalog.state.draft')}
            </option>
          </select>
        </div>
        <div class="checkbox">
          <input type="checkbox" id="private" name="private" value="true" checked={v.private} />
          <label for="private">{t('catalog.form.private')}</label>
        </div>
        <div class="form-actions">
          <button type="submit">{t('catalog.form.save')}</button> <a href={cancel}>{t('catalog.form.cancel')}</a>
        </div>
      </form>
    </>
  );
}

export interface ResourceFormValues {
  name: string;
  description: string;
  format: string;
  url: string;
  /** The stored file's name when the resource is an upload. */
  uploaded?: string;
}

export function ResourceForm({ ctx, heading, action, cancel, values: v, errors, deleteAction }: { ctx: PageCtx; heading: string; action: string; cancel: string; values: ResourceFormValues; errors: FieldProblem[]; deleteAction?: string }): VNode {
  const { t } = ctx;
  const err = (f: string) => errors.some((e) => e.field === f);
  return (
    <>
      <h1>{heading}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={action} class="stack" enctype="multipart/form-data" novalidate>
        <Csrf ctx={ctx} />
        <Text ctx={ctx} id="name" label={t('catalog.form.resName')} value={v.name} errors={errors} />
        <div class={err('description') ? 'has-error' : undefined}>
          <label for="description">{t('catalog.form.resDescription')}</label>
          <FieldError errors={errors} field="description" />
          <textarea id="description" name="description" rows={4}>
            {v.description}
          </textarea>
        </div>
        <Text ctx={ctx} id="url" label={t('catalog.form.resUrl')} value={v.uploaded ? '' : v.url} errors={errors} hint={t('catalog.form.resUrl.hint')} type="url" />
        <div class={err('upload') ? 'has-error' : undefined}>
          <label for="upload">{t('catalog.form.upload')}</label>
          <p class="field-hint" id="upload-hint">
            {t('catalog.form.upload.hint', { max: UPLOAD_MAX_BYTES / 1024 / 1024 })}
            {v.uploaded && (
              <>
                {' '}
                {t('catalog.form.keepUpload', { name: v.uploaded })}
              </>
            )}
          </p>
          <FieldError errors={errors} field="upload" />
          <input id="upload" name="upload" type="file" aria-describedby="upload-hint" />
        </div>
        <Text ctx={ctx} id="format" label={t('catalog.form.resFormat')} value={v.format} errors={errors} hint={t('catalog.form.resFormat.hint')} />
        <div class="form-actions">
          <button type="submit">{t('catalog.form.save')}</button> <a href={cancel}>{t('catalog.form.cancel')}</a>
        </div>
      </form>
      {deleteAction && (
        <form method="post" action={deleteAction} class="danger-zone">
          <Csrf ctx={ctx} />
          <button type="submit" class="secondary">
            {t('catalog.form.deleteResource')}
          </button>
        </form>
      )}
    </>
  );
}
