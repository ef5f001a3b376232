import type { VNode } from 'preact';
import type { FieldProblem } from '../../core/errors.js';
import { Checkbox, CheckboxGroup, FileField, FormErrors, SelectField, TextArea, TextField } from '../../core/http/fields.js';
import type { FormState } from '../../core/http/forms.js';
import { Csrf, type PageCtx } from '../../core/http/render.js';
import type { GroupRow, LicenceRow, OrgRow } from '../store.js';
import { UPLOAD_MAX_BYTES } from '../uploads.js';
import { groupName, licenceName, orgName } from './components.js';

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

/**
 * The saved or typed values come in as props (a dataset's values are not all strings), so the form
 * state carries only the problems; each problem names the form field it shows at.
 */
const problemsOnly = (errors: FieldProblem[]): FormState => ({ values: {}, errors });

export function DatasetForm({ ctx, heading, action, cancel, values: v, errors, orgs, licences, groups }: DatasetFormProps): VNode {
  const { t, lang } = ctx;
  const form = problemsOnly(errors);
  const f = { ctx, form };
  return (
    <>
      <h1>{heading}</h1>
      <FormErrors ctx={ctx} form={form} />
      <form method="post" action={action} class="stack" novalidate>
        <Csrf ctx={ctx} />
        <TextField {...f} name="title" label={t('catalog.form.title')} value={v.title} required />
        <TextField {...f} name="name" label={t('catalog.form.name')} value={v.name} hint={t('catalog.form.name.hint')} required />
        <TextArea {...f} name="notes" label={t('catalog.form.notes')} value={v.notes} rows={6} />
        <SelectField {...f} name="owner_org" label={t('catalog.form.org')} value={v.owner_org} options={orgs.map((o) => ({ value: o.id, label: orgName(lang, o) }))} required />
        <SelectField {...f} name="license_id" label={t('catalog.form.licence')} value={v.license_id} placeholder={t('catalog.form.licence.none')} options={licences.map((l) => ({ value: l.id, label: licenceName(lang, l) }))} />
        <CheckboxGroup {...f} name="groups" legend={t('catalog.form.groups')} listClass="plain" options={groups.map((g) => ({ value: g.id, label: groupName(lang, g) }))} checked={v.groups} />
        <TextField {...f} name="tag_string" label={t('catalog.form.tags')} value={v.tag_string} hint={t('catalog.form.tags.hint')} />
        <TextField {...f} name="frequency" label={t('catalog.form.frequency')} value={v.frequency} hint={t('catalog.form.frequency.hint')} />
        <TextField {...f} name="maintainer" label={t('catalog.form.maintainer')} value={v.maintainer} />
        <TextField {...f} name="maintainer_email" label={t('catalog.form.maintainerEmail')} value={v.maintainer_email} type="email" />
        <TextField {...f} name="author" label={t('catalog.form.author')} value={v.author} />
        <TextField {...f} name="author_email" label={t('catalog.form.authorEmail')} value={v.author_email} type="email" />
        <TextField {...f} name="url" label={t('catalog.form.url')} value={v.url} type="url" />
        <TextField {...f} name="version" label={t('catalog.form.version')} value={v.version} />
        <SelectField
          {...f}
          name="state"
          label={t('catalog.form.state')}
          value={v.state}
          options={[
            { value: 'active', label: t('catalog.state.active') },
            { value: 'draft', label: t('catalog.state.draft') },
          ]}
        />
        <Checkbox {...f} name="private" label={t('catalog.form.private')} value="true" checked={v.private} />
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
  const form = problemsOnly(errors);
  const f = { ctx, form };
  const uploadHint = t('catalog.form.upload.hint', { max: UPLOAD_MAX_BYTES / 1024 / 1024 }) + (v.uploaded ? ` ${t('catalog.form.keepUpload', { name: v.uploaded })}` : '');
  return (
    <>
      <h1>{heading}</h1>
      <FormErrors ctx={ctx} form={form} />
      <form method="post" action={action} class="stack" enctype="multipart/form-data" novalidate>
        <Csrf ctx={ctx} />
        <TextField {...f} name="name" label={t('catalog.form.resName')} value={v.name} />
        <TextArea {...f} name="description" label={t('catalog.form.resDescription')} value={v.description} rows={4} />
        <TextField {...f} name="url" label={t('catalog.form.resUrl')} value={v.uploaded ? '' : v.url} hint={t('catalog.form.resUrl.hint')} type="url" />
        <FileField {...f} name="upload" label={t('catalog.form.upload')} hint={uploadHint} />
        <TextField {...f} name="format" label={t('catalog.form.resFormat')} value={v.format} hint={t('catalog.form.resFormat.hint')} />
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
