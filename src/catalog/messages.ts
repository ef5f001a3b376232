import { defineMessages } from '../core/i18n/index.js';

export const catalogMessages = defineMessages(
  {
    'nav.catalog': 'データカタログ',
  },
  {
    'nav.catalog': 'Data catalog',
  },
);
