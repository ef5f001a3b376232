import { defineMessages } from '../../core/i18n/index.js';

export const dcatMessages = defineMessages(
  {
    'dcat.catalog.title': '国際金融・経済都市 オープンデータカタログ',
    'dcat.catalog.description': '東京都、都の各局、都内62区市町村が公開するオープンデータのカタログです。CKAN API と DCAT-AP 3（JSON-LD、Turtle、RDF/XML）で利用できます。',
    'dcat.categories.title': 'カタログの分類',
    'dcat.links': 'メタデータ（DCAT-AP）',
  },
  {
    'dcat.catalog.title': 'Open data catalog of the International Financial and Economic City plan',
    'dcat.catalog.description': "Open data published by the Tokyo Metropolitan Government, its bureaus and Tokyo's 62 municipalities, available through the CKAN API and as DCAT-AP 3 (JSON-LD, Turtle, RDF/XML).",
    'dcat.categories.title': 'Categories of the catalog',
    'dcat.links': 'Metadata (DCAT-AP)',
  },
);
