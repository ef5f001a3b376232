import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { registerMessages, translator, type Lang } from '../../src/core/i18n/index.js';
import { coreMessages } from '../../src/core/i18n/core-messages.js';
import { emptyForm, type FormState } from '../../src/core/http/forms.js';
import { Checkbox, CheckboxGroup, FileField, FormErrors, RadioGroup, SelectField, TextArea, TextField } from '../../src/core/http/fields.js';

const ctxOf = (lang: Lang) => ({ lang, t: translator(lang) });
const html = (v: VNode | null) => (v ? renderToString(v) : '');

/** The attributes of the first `name` start tag whose attributes include `where`, values unescaped. */
function tag(markup: string, name: string, where: Record<string, string> = {}): Record<string, string> | undefined {
  for (const m of markup.matchAll(new RegExp(`<${name}((?:\\s+[\\w:-]+(?:="[^"]*")?)*)\\s*/?>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([\w:-]+)(?:="([^"]*)")?/g)) attrs[a[1]!] = (a[2] ?? '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    if (Object.entries(where).every(([k, v]) => attrs[k] === v)) return attrs;
  }
  return undefined;
}

const failed = (values: Record<string, string>, errors: FormState['errors']): FormState => ({ values, errors });

describe('form fields', () => {
  before(() => registerMessages('core', coreMessages));

  it('binds the label to the control through the field id, and the hint through aria-describedby', () => {
    const out = html(<TextField ctx={ctxOf('en')} name="company.nameEn" label="Name in English" hint="As registered" />);
    const input = tag(out, 'input')!;
    assert.equal(input.id, 'f-company-nameEn');
    assert.equal(input.name, 'company.nameEn', 'the name stays as submitted; only the id is made safe');
    assert.ok(tag(out, 'label', { for: 'f-company-nameEn' }), 'the label names the control');
    assert.ok(tag(out, 'p', { class: 'field-hint', id: 'f-company-nameEn-hint' }));
    assert.equal(input['aria-describedby'], 'f-company-nameEn-hint');
    assert.equal(input['aria-invalid'], undefined, 'a field without a problem is not invalid');
    assert.equal(tag(out, 'div')!.class, 'field');
  });

  it('shows the field problem in the reader language, marks the control invalid and describes it by hint and problem', () => {
    const form = failed({ title: '' }, [{ field: 'title', message: 'Title is required', key: 'form.required' }]);
    for (const [lang, text] of [['ja', '必須'], ['en', 'required']] as const) {
      const out = html(<TextField ctx={ctxOf(lang)} form={form} name="title" label="Title" hint="Short" />);
      assert.equal(tag(out, 'div')!.class, 'field has-error');
      assert.ok(tag(out, 'p', { class: 'field-error', id: 'f-title-error' }));
      assert.match(out, new RegExp(`<p class="field-error" id="f-title-error">${text}</p>`));
      const input = tag(out, 'input')!;
      assert.equal(input['aria-invalid'], 'true');
      assert.equal(input['aria-describedby'], 'f-title-hint f-title-error');
    }
  });

  it('shows a problem with a part of a field at that field, and only at it', () => {
    const form = failed({}, [{ field: 'tags.2', message: 'Tag too long' }]);
    assert.match(html(<TextField ctx={ctxOf('en')} form={form} name="tags" label="Tags" />), /Tag too long/);
    assert.doesNotMatch(html(<TextField ctx={ctxOf('en')} form={form} name="tagsExtra" label="More" />), /Tag too long/);
  });

  it('shows every problem of a field, each once, in one message the control is described by', () => {
    const form = failed({ tag_string: 'x, y' }, [
      { field: 'tag_string', message: 'Tag "x" is too short' },
      { field: 'tag_string.1', message: 'Tag "y" is too short' },
      { field: 'tag_string', message: 'Tag "x" is too short' },
    ]);
    const out = html(<TextField ctx={ctxOf('en')} form={form} name="tag_string" label="Tags" />);
    assert.match(out, /<p class="field-error" id="f-tag_string-error">Tag &quot;x&quot; is too short Tag &quot;y&quot; is too short<\/p>/);
    assert.equal(out.match(/class="field-error"/g)?.length, 1);
    assert.equal(tag(out, 'input')!['aria-describedby'], 'f-tag_string-error');
  });

  it('passes the input type, length limit and keyboard through, and groups the choices of a select', () => {
    const ctx = ctxOf('en');
    const url = tag(html(<TextField ctx={ctx} name="url" label="URL" type="url" maxLength={500} />), 'input')!;
    assert.equal(url.type, 'url');
    assert.equal(url.maxlength, '500');
    assert.equal(tag(html(<TextField ctx={ctx} name="q" label="Search" type="search" />), 'input')!.type, 'search');
    assert.equal(tag(html(<TextField ctx={ctx} name="n" label="Number" inputMode="numeric" />), 'input')!.inputmode, 'numeric');
    assert.equal(tag(html(<TextField ctx={ctx} name="n" label="Number" type="number" />), 'input')!.inputmode, 'numeric', 'a number offers digits by default');
    const area = tag(html(<TextArea ctx={ctx} name="summary" label="Summary" rows={6} maxLength={4000} />), 'textarea')!;
    assert.equal(area.rows, '6');
    assert.equal(area.maxlength, '4000');
    const select = html(<SelectField ctx={ctx} form={emptyForm({ d: '011' })} name="d" label="Division" placeholder="Any" options={[{ label: 'A Agriculture', options: [{ value: '011', label: '011 Crops' }] }, { value: 'x', label: 'Other' }]} />);
    assert.match(select, /<option value>Any<\/option><optgroup label="A Agriculture"><option value="011" selected>011 Crops<\/option><\/optgroup><option value="x">Other<\/option>/);
  });

  it('takes a hint with a link in it', () => {
    const out = html(<TextField ctx={ctxOf('en')} name="from" label="From" hint={<>Find it in <a href="/companies">the list</a></>} />);
    assert.match(out, /<p class="field-hint" id="f-from-hint">Find it in <a href="\/companies">the list<\/a><\/p>/);
    assert.equal(tag(out, 'input')!['aria-describedby'], 'f-from-hint');
  });

  it('marks a required field in the label in each language and makes the control required', () => {
    const ja = html(<TextField ctx={ctxOf('ja')} name="title" label="件名" required />);
    assert.match(ja, /<label for="f-title">件名<span class="required">（必須）<\/span><\/label>/);
    assert.ok('required' in tag(ja, 'input')!);
    const en = html(<SelectField ctx={ctxOf('en')} name="kind" label="Kind" options={[{ value: 'a', label: 'A' }]} required requiredClass="support-required" />);
    assert.match(en, /<label for="f-kind">Kind<span class="support-required"> \(required\)<\/span><\/label>/);
    assert.ok('required' in tag(en, 'select')!);
    const optional = html(<TextArea ctx={ctxOf('en')} name="note" label="Note" />);
    assert.doesNotMatch(optional, /required/);
  });

  it('fills each control from the form shown again, else from the value given, else leaves it empty', () => {
    const ctx = ctxOf('en');
    const form = emptyForm({ title: 'Typed', kind: 'b', body: 'Line one\nLine two', internal: '1', regions: 'kanto,kinki', pick: 'y' });
    assert.equal(tag(html(<TextField ctx={ctx} form={form} name="title" label="T" value="Saved" />), 'input')!.value, 'Typed');
    assert.equal(tag(html(<TextField ctx={ctx} form={emptyForm()} name="title" label="T" value="Saved" />), 'input')!.value, 'Saved');
    assert.equal(tag(html(<TextField ctx={ctx} name="title" label="T" />), 'input')!.value, '');
    assert.match(html(<TextArea ctx={ctx} form={form} name="body" label="Body" rows={3} />), /<textarea[^>]*rows="3"[^>]*>Line one\nLine two<\/textarea>/);
    const select = html(<SelectField ctx={ctx} form={form} name="kind" label="K" placeholder="Choose" options={[{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }]} />);
    assert.ok('selected' in tag(select, 'option', { value: 'b' })!);
    assert.ok(!('selected' in tag(select, 'option', { value: 'a' })!));
    assert.ok(tag(select, 'option', { value: '' }), 'the placeholder is an empty first choice');
    assert.ok('checked' in tag(html(<Checkbox ctx={ctx} form={form} name="internal" label="Internal" />), 'input')!);
    assert.ok(!('checked' in tag(html(<Checkbox ctx={ctx} form={emptyForm()} name="internal" label="Internal" />), 'input')!));
    const regions = [{ value: 'kanto', label: 'Kanto' }, { value: 'tohoku', label: 'Tohoku' }, { value: 'kinki', label: 'Kinki' }];
    const group = html(<CheckboxGroup ctx={ctx} form={form} name="regions" legend="Regions" options={regions} checked={['tohoku']} />);
    assert.deepEqual(regions.map((r) => 'checked' in tag(group, 'input', { value: r.value })!), [true, false, true], 'the submitted boxes win over the saved ones');
    const saved = html(<CheckboxGroup ctx={ctx} name="regions" legend="Regions" options={regions} checked={['tohoku']} />);
    assert.deepEqual(regions.map((r) => 'checked' in tag(saved, 'input', { value: r.value })!), [false, true, false]);
    const radios = html(<RadioGroup ctx={ctx} form={form} name="pick" legend="Pick" options={[{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }]} />);
    assert.ok('checked' in tag(radios, 'input', { value: 'y' })!);
    assert.equal(tag(html(<FileField ctx={ctx} form={emptyForm({ file: 'a.pdf' })} name="file" label="File" />), 'input')!.value, undefined, 'a file input is never given a value');
  });

  it('escapes what was typed, labels and problems', () => {
    const evil = '"><script>alert(1)</script>&';
    const form = failed({ title: evil, body: `</textarea>${evil}` }, [{ field: 'title', message: evil }]);
    const ctx = ctxOf('en');
    const out = html(
      <>
        <FormErrors ctx={ctx} form={form} />
        <TextField ctx={ctx} form={form} name="title" label={evil} hint={evil} />
        <TextArea ctx={ctx} form={form} name="body" label="Body" />
        <SelectField ctx={ctx} name="s" label="S" options={[{ value: evil, label: evil }]} />
      </>,
    );
    assert.doesNotMatch(out, /<script/);
    assert.doesNotMatch(out, /<\/textarea>"/, 'typed text cannot close the textarea');
    assert.equal(tag(out, 'input')!.value, evil, 'the value comes back exactly as typed');
    assert.match(out, /<p class="field-error" id="f-title-error">&quot;>&lt;script>alert\(1\)&lt;\/script>&amp;<\/p>/, 'a problem is shown as text');
  });

  it('summarises the problems with links to their fields, under a heading the alert is named by', () => {
    const ctx = ctxOf('ja');
    assert.equal(html(<FormErrors ctx={ctx} form={emptyForm()} />), '');
    assert.equal(html(<FormErrors ctx={ctx} />), '');
    const form = failed({}, [
      { field: 'persons.0.fullName', message: 'Name needed' },
      { field: 'kind', message: 'Kind', key: 'form.required' },
    ]);
    const out = html(<FormErrors ctx={ctx} form={form} id="reply-errors" />);
    const box = tag(out, 'div')!;
    assert.equal(box.class, 'error-summary');
    assert.equal(box.role, 'alert');
    assert.equal(box['aria-labelledby'], 'reply-errors');
    assert.equal(box.tabindex, '-1');
    assert.match(out, /<h2 id="reply-errors">入力内容を確認してください。<\/h2>/);
    assert.match(out, /<a href="#f-persons-0-fullName">Name needed<\/a>/);
    assert.match(out, /<a href="#f-kind">必須<\/a>/, 'a problem with a message key reads in the reader language');
    const byId = html(<FormErrors ctx={ctx} form={failed({}, [{ field: 'current_password', message: 'Wrong' }])} href={(id) => `#${id}`} />);
    assert.match(byId, /<a href="#current_password">Wrong<\/a>/, 'a form whose problems name element ids links to them as they are');
  });

  it('gives the first choice of a group the field id, so the summary link lands on it, and describes the fieldset by its problem', () => {
    const ctx = ctxOf('en');
    const form = failed({}, [{ field: 'kind', message: 'Choose a kind' }]);
    const out = html(<RadioGroup ctx={ctx} form={form} name="kind" legend="Kind" required class="support-radios" itemClass="support-radio" options={[{ value: 'tax', label: 'Tax', hint: 'Taxes' }, { value: 'visa', label: 'Visa' }]} />);
    assert.deepEqual(tag(out, 'fieldset'), { class: 'support-radios has-error', 'aria-describedby': 'f-kind-error' });
    assert.ok(tag(out, 'p', { class: 'field-error', id: 'f-kind-error' }));
    assert.equal(tag(out, 'input', { value: 'tax' })!.id, 'f-kind');
    assert.equal(tag(out, 'input', { value: 'tax' })!['aria-describedby'], 'f-kind-hint');
    assert.equal(tag(out, 'input', { value: 'visa' })!.id, 'f-kind-1');
    assert.ok(tag(out, 'label', { for: 'f-kind-1' }));
    assert.match(out, /<legend>Kind<span class="required"> \(required\)<\/span><\/legend>/);
    assert.equal(tag(out, 'div')!.class, 'support-radio');

    const boxes = html(<CheckboxGroup ctx={ctx} name="jsic" legend="Industries" listClass="plain matching-checks" options={['A', 'B', 'C'].map((v) => ({ value: v, label: v }))} />);
    assert.equal(tag(boxes, 'fieldset')!.class, 'checkbox-group');
    assert.match(boxes, /<ul class="plain matching-checks"><li><input type="checkbox" id="f-jsic"/);
    assert.equal(tag(boxes, 'input', { value: 'C' })!.id, 'f-jsic-2');
    const stacked = html(<CheckboxGroup ctx={ctx} name="categories" legend="Categories" class="support-checks" options={[{ value: 'tax', label: 'Tax' }]} />);
    assert.match(stacked, /<fieldset class="support-checks"><legend>Categories<\/legend><div class="field checkbox"><input type="checkbox" id="f-categories"/);
  });
});
