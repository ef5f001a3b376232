/**
 * The recommended municipal dataset models (推奨データセット / 自治体標準オープンデータセット),
 * read from their OpenAPI YAML in seed/standard-datasets/ (one folder per model). A model is a list
 * of fields with their Japanese names, types and whether they are required; each field gets the
 * check its cells must pass (docs/catalog-dcat.md, "Standard datasets").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const MODELS_DIR = fileURLToPath(new URL('../../../seed/standard-datasets/', import.meta.url));

export type FieldCheck = 'text' | 'number' | 'date' | 'time' | 'url' | 'phone' | 'lgCode' | 'corporateNumber' | 'latitude' | 'longitude';

export interface ModelField {
  name: string;
  description: string;
  /** The OpenAPI type and format, as the model gives them. */
  type: string;
  format: string | null;
  required: boolean;
  check: FieldCheck;
  /** Other headers that name this column in published files. */
  aliases: string[];
}

export interface StandardModel {
  /** Two-digit number of the model (01 AED … 14 open data list). */
  number: string;
  /** The model's Japanese name, e.g. AED設置箇所一覧: the value of a dataset's `standard_dataset` extra. */
  name: string;
  description: string;
  /** The model's IRI (dct:conformsTo in DCAT). */
  uri: string;
  fields: ModelField[];
}

/** Columns the 2021 revision of the standard renamed; files of either edition are accepted. */
const ALIASES: Record<string, string[]> = {
  都道府県コード又は市区町村コード: ['全国地方公共団体コード'],
};

const LG_CODE_FIELDS = new Set(['都道府県コード又は市区町村コード', '市区町村コード', '全国地方公共団体コード']);

function checkOf(name: string, type: string, format: string | null): FieldCheck {
  if (name === '緯度') return 'latitude';
  if (name === '経度') return 'longitude';
  if (LG_CODE_FIELDS.has(name)) return 'lgCode';
  if (name === '法人番号') return 'corporateNumber';
  if (type === 'number') return 'number';
  if (format === 'date') return 'date';
  if (format === 'time') return 'time';
  if (format === 'uri') return 'url';
  if (/(電話|FAX)番号$/.test(name)) return 'phone';
  return 'text';
}

interface OpenApiProperty {
  description?: string;
  type?: string;
  format?: string;
  'x-ngsi'?: { 'attr-type'?: string; uri?: string };
}

interface OpenApiSchema {
  description?: string;
  required?: string[];
  properties?: Record<string, OpenApiProperty>;
  'x-ngsi'?: { uri?: string };
}

/** Parse one model file (OpenAPI 3: components.schemas has a single schema, named after the dataset). */
export function parseModel(number: string, text: string): StandardModel {
  const doc = parse(text) as { components?: { schemas?: Record<string, OpenApiSchema> } };
  const entries = Object.entries(doc.components?.schemas ?? {});
  if (entries.length !== 1) throw new Error(`standard model ${number}: expected one schema, found ${entries.length}`);
  const [name, schema] = entries[0]!;
  const required = new Set(schema.required ?? []);
  const fields: ModelField[] = [];
  for (const [field, p] of Object.entries(schema.properties ?? {})) {
    // The GeoJSON location of the NGSI model is not a CSV column (files carry 緯度 and 経度).
    if (p['x-ngsi']?.['attr-type'] === 'GeoProperty') continue;
    const type = p.type ?? 'string';
    const format = p.format ?? null;
    fields.push({ name: field, description: p.description ?? '', type, format, required: required.has(field), check: checkOf(field, type, format), aliases: ALIASES[field] ?? [] });
  }
  return { number, name, description: schema.description ?? '', uri: schema['x-ngsi']?.uri ?? `https://cio-context.fiware-testbed.jp/dataset#${name}`, fields };
}

let cache: StandardModel[] | undefined;

/** Every model, in their number order. */
export function standardModels(): StandardModel[] {
  if (!cache) {
    cache = readdirSync(MODELS_DIR)
      .filter((d) => /^\d{2}_/.test(d))
      .sort()
      .map((d) => parseModel(d.slice(0, 2), readFileSync(`${MODELS_DIR}${d}/model.yaml`, 'utf8')));
  }
  return cache;
}

/** A model by its name (AED設置箇所一覧), its number (01 or 1) or its IRI. */
export function modelById(ref: string): StandardModel | undefined {
  const r = ref.normalize('NFKC').trim();
  if (!r) return undefined;
  return standardModels().find((m) => m.name === r || m.uri === r || (/^\d{1,2}$/.test(r) && Number(r) === Number(m.number)));
}
